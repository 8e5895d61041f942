"""Every kind of refused command, by its exact words, reason code and values (a class test: the refusals of
sim/capacity.py, market.py, incidents.py and world.py, which the player reads in the alerts and a replay records)."""

from __future__ import annotations

import pytest

from factory_game.level import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim.commands import (
    AnswerIncident,
    Arrive,
    CloseTier,
    Release,
    ReleaseIdle,
    Rent,
    SetCap,
    SetPrice,
    SetPromptMultiplier,
    SetSurcharge,
    SignContract,
)
from factory_game.sim.world import World

REFUSALS = [
    (Rent("sd15", 0), "rent at least one slot", "other", {}),
    (Rent("ghost", 1), "unknown model 'ghost'; this level has sd15, video-gen, music-gen, llm", "unknown_model",
     {"name": "ghost"}),
    (Rent("sd15", 999), "sd15 allows 20 extra slots; 0 already rented", "max_extra", {"model": "sd15", "max": 20}),
    (Release("sd15", 0), "release at least one slot", "other", {}),
    (Release("sd15", 1), "sd15 has no rented slot to release (orders in transit and contracts cannot be cancelled)",
     "no_rented_slot", {"model": "sd15"}),
    (SignContract("sd15", 999), "sd15 allows 20 extra slots; 0 already rented", "max_extra",
     {"model": "sd15", "max": 20}),
    (SetPrice("ghost", 10), "unknown content type 'ghost'", "unknown_content", {"name": "ghost"}),
    (SetCap("L9", 1), "unknown tier 'L9'; this level has L1, L2, L3, L4, L5", "unknown_tier", {"tier": "L9"}),
    (CloseTier("L9", 10), "unknown tier 'L9'; this level has L1, L2, L3, L4, L5", "unknown_tier", {"tier": "L9"}),
    (ReleaseIdle("sd15", 0), "sd15 has no idle rented slot to release beyond the 0 kept", "no_idle_slot",
     {"model": "sd15", "keep": 0}),
    (Arrive("L9", ("image",)), "unknown tier 'L9'; this level has L1, L2, L3, L4, L5", "other", {}),
    (Arrive("L1", ()), "no model of this level serves an empty demand", "other", {}),
    (AnswerIncident(1, "x"), "this level has no incidents", "no_incidents", {}),
    (SetPrice("image", -5), "a price goes from 0 to ∞, not -5", "out_of_range",
     {"lever": "set_price", "range": "0–∞", "value": "-5"}),
    (SetSurcharge(99999), "the priority surcharge goes from 0 to 1000, not 99999", "out_of_range",
     {"lever": "set_surcharge", "range": "0–1000", "value": "99999"}),
    (SetPromptMultiplier(-1), "the wait-prompt multiplier goes from 0 to 100, not -1", "out_of_range",
     {"lever": "prompt_multiplier", "range": "0–100", "value": "-1"}),
]


# ASCII ids (place, command, code): ids cut from the reprs held "–" and "∞", which pytest escapes in a node id, and
# mutmut's clean run, which names each test by its id, then found none of them (exit 4: the run stopped)
IDS = [f"{i}-{command.name}-{code}" for i, (command, _reason, code, _values) in enumerate(REFUSALS)]


@pytest.mark.parametrize(("command", "reason", "code", "values"), REFUSALS, ids=IDS)
def test_a_refused_command_says_why_in_words_code_and_values(command, reason, code, values):
    world = World(load_level(LEVELS_DIR / "sandbox.toml"), seed=7)
    record = world.apply(command)
    assert (record.ok, record.reason, record.code, dict(record.values)) == (False, reason, code, values)
    assert world.commands[-1] is record  # recorded, refused or not
