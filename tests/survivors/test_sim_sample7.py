"""The survivors of a seventh sample of sim/ (bench/results/mutation-2026-12-07-sim-sample-7.md), drawn after the
fifth sample's tests: a one-token prompt, a distribution's and a command's refusal words, a closed door's count at
the hour's rate, a viral spike answered by closing the door, slots leaving together, a mod's answers checked in
words and types, the auto-manager switched on, and a studio's patience."""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import ClassVar

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model, with_arrivals
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics, queries
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import AnswerIncident, Arrive, CloseTier, Command, Release, Rent, SetAutopilot
from factory_game.sim.distributions import Dist
from factory_game.sim.prompt import SHOWN_WAIT_CAP_MS
from factory_game.sim.rules import Newcomer, check_customer, check_priority_key
from factory_game.sim.spec import RatePiece
from factory_game.sim.world import World

RUSH = LEVELS_DIR / "campaign" / "04-rush-hour.toml"


def test_a_drawn_prompt_is_at_least_one_token_and_a_one_token_prompt_stays_one(tmp_path):
    from tests.survivors.test_sim_sample4 import _batched_world

    server = _batched_world(tmp_path).models["llm"].batched
    for drawn, expected in ((Dist.fixed(1), 1), (Dist.fixed(0), 1), (Dist.fixed(3), 3)):
        server.spec = replace(server.spec, prompt_tokens=drawn)
        assert server._tokens(SimpleNamespace(tokens=(None, 5))) == (expected, 5)


def test_an_unknown_distribution_names_the_known_ones():
    with pytest.raises(ValueError) as caught:
        Dist("pareto", mean=1.0)
    assert str(caught.value) == "unknown distribution 'pareto'; expected one of fixed, exponential, lognormal, uniform"


@dataclass(frozen=True)
class _Dance(Command):
    """A command the world does not know (a mod's, or a newer save's)."""

    name: ClassVar[str] = "dance"


def test_an_unknown_command_is_refused_naming_it():
    world = World(level(model()))
    record = world.apply(_Dance())
    assert (record.ok, record.reason, record.code) == (False, "unknown command _Dance()", "other")


def test_a_closed_doors_turned_away_count_is_at_the_rate_of_the_hour_it_closes_in():
    """Two hourly pieces: closed in the second hour, the door turns away the second hour's arrivals."""
    spec = with_arrivals(level(model(slots=3)), rate=(RatePiece(0, 60.0), RatePiece(HOUR, 600.0)))
    world = World(spec)
    assert economics.lever_effect(world, CloseTier("L1", 30)) == ("door", {"n": 30})
    world.advance(HOUR + MINUTE)
    assert economics.lever_effect(world, CloseTier("L1", 30)) == ("door", {"n": round(600 * world.market.demand / 2)})


def test_a_viral_spike_answered_by_closing_the_door_closes_the_first_tier_until_it_ends():
    world = World(load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={viral_spike = 1}"]), seed=2)
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    first_tier = world.spec.tiers[0][0]
    assert not queries.door_closed(world, first_tier)
    assert world.apply(AnswerIncident(incident.id, "close")).ok
    ends = incident.at_ms + incident.params["duration_ms"]
    (closing,) = [r for r in world.commands if r.command.name == "close_tier"]
    assert closing.source == "level" and closing.command == CloseTier(first_tier, -(-(ends - world.now) // MINUTE))
    assert queries.door_closed(world, first_tier) and world.market.closed_until[first_tier] >= ends


def test_slots_released_while_busy_are_all_counted_as_leaving():
    world = World(level(model(slots=0, service=Dist.fixed(HOUR), max_extra=5), tiers=(("L1", 10),)))
    assert world.apply(Rent("sd15", 3)).ok
    world.advance(10 * MINUTE)
    world.apply(Arrive("L1", ("image",) * 3))
    assert queries.slot_counts(world, "sd15").busy == 3
    assert world.apply(Release("sd15", 3)).ok
    counts = queries.slot_counts(world, "sd15")
    assert (counts.leaving, counts.busy) == (3, 3)


def test_a_mods_priority_key_may_hold_ints_and_floats_and_nothing_else():
    assert check_priority_key((1, 2.5, -3.0), None, None, None) is None
    for bad in (("a",), (1, None), (1, [2])):
        assert check_priority_key(bad, None, None, None) == \
            f"answered {bad!r}; expected a non-empty tuple of finite numbers (int or float)"


def test_a_newcomer_wanting_unserved_content_is_told_every_content_the_level_serves():
    world = World(load_level(LEVELS_DIR / "sandbox.toml"), seed=1)
    wrong = Newcomer("L1", False, 100, 0, ("gold",))
    assert check_customer(wrong, world, wrong) == (
        "answered content 'gold'; expected a content type a model of this level serves (audio, image, text, video)")


def test_switching_the_auto_manager_on_and_off():
    world = World(level(model()))
    assert not queries.autopilot_on(world)
    assert world.apply(SetAutopilot(True)).ok and queries.autopilot_on(world)
    assert world.apply(SetAutopilot(False)).ok and not queries.autopilot_on(world)


def test_a_studios_patience_outlasts_even_the_wait_shown_for_no_capacity():
    """A rush batch's studio never gives up: its patience is the wait shown when no slot serves at all (so it says
    yes to the wait question even then), as a mod's view of the customer reads it."""
    world = World(load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={rush_batch = 1}"]), seed=2)
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    before = set(world.customers)
    assert world.apply(AnswerIncident(incident.id, "accept")).ok
    (studio,) = [world.customers[c] for c in set(world.customers) - before
                 if len(world.customers[c].tasks) == incident.params["tasks"]]
    assert studio.patience_ms == SHOWN_WAIT_CAP_MS
