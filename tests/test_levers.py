"""The lever table (factory_game/sim/levers.py) is the one place a lever is declared: the market carries out every
lever, the docs show the table, both string tables have its words, a level starts each lever inside its range, and
the levers panel's steps stay inside it (the mmc bug: "+" on an L1 cap of 1000 used to send 20)."""

from dataclasses import fields
from pathlib import Path

import pytest

from factory_game.level.errors import LevelError
from factory_game.level.loader import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim import spec as spec_module
from factory_game.sim.commands import COMMANDS, ReleaseIdle, Rent, SetPromptMultiplier, command_from_dict
from factory_game.sim.levers import BY_NAME, LEVERS, docs_table
from factory_game.sim.market import APPLY
from factory_game.sim.world import World
from factory_game.texts import LANGUAGES, table

ROOT = Path(__file__).resolve().parents[1]
RUSH = ROOT / "levels" / "campaign" / "04-rush-hour.toml"


def test_every_lever_is_carried_out_by_the_market_and_is_a_command():
    assert set(APPLY) == set(BY_NAME)
    for lever in LEVERS:
        assert COMMANDS[lever.name] is lever.command
        assert lever.field in {f.name for f in fields(lever.command)}
        assert lever.keyed_by is None or lever.keyed_by in {f.name for f in fields(lever.command)}


def test_the_docs_lever_table_is_the_lever_table():
    assert docs_table() in (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_lever_has_its_words_in_both_languages(lang):
    words = table(lang)
    for lever in LEVERS:
        assert lever.text in words and lever.mark in words, lever.name
        if lever.control in ("toggle", "door"):
            assert lever.text + "_on" in words and lever.mark + "_off" in words


def test_a_levels_starting_values_lie_in_the_levers_ranges():
    cap, multiplier, surcharge = BY_NAME["set_cap"], BY_NAME["prompt_multiplier"], BY_NAME["set_surcharge"]
    assert spec_module.TIER_CAP == (cap.low, cap.high)
    meta = {f.name: f.metadata for f in fields(spec_module.PromptSpec)}["multiplier"]
    assert (meta["low"], meta["high"]) == (multiplier.low, multiplier.high)
    meta = {f.name: f.metadata for f in fields(spec_module.LevelSpec)}["priority_surcharge"]
    assert (meta["low"] * 100, meta["high"] * 100) == (surcharge.low, surcharge.high)


@pytest.mark.parametrize("override, key", [("prompt.multiplier=101", "multiplier"), ("tiers.L1=1001", "L1"),
                                           ("level.priority_surcharge=10.5", "priority_surcharge")])
def test_a_level_outside_a_levers_range_is_refused_by_the_loader(override, key):
    with pytest.raises(LevelError) as caught:
        load_level(RUSH, [override])
    assert caught.value.problems[0].path.endswith(key) and "to " in caught.value.problems[0].expected


def test_mmc_plus_raises_a_cap_of_1000_and_minus_lowers_it():
    """The reported bug: on reference/mmc (L1 = 1000, every lever unlocked) "+" sent SetCap(L1, 20), lowering the
    cap, and "−" (999) was refused. The panel's buttons send `Market.step`'s value, inside the table's range."""
    world = World(load_level(LEVELS_DIR / "reference" / "mmc.toml"))
    lever, market = BY_NAME["set_cap"], world.market
    assert (lever, "L1") in market.levers() and world.caps["L1"] == 1000
    assert market.step(lever, "L1", +1) is None  # at the top: nothing to send, nothing lowered
    assert market.step(lever, "L1", -1) == 999
    assert world.apply(lever.command_for("L1", 999)).ok and world.caps["L1"] == 999
    assert world.apply(lever.command_for("L1", market.step(lever, "L1", +1) or 0)).ok and world.caps["L1"] == 1000
    assert lever.stepped(1, -1) is None


def test_the_multiplier_lever_is_refused_with_a_reason_where_the_level_asks_nothing():
    world = World(load_level(LEVELS_DIR / "reference" / "mmc.toml"))  # [prompt] enabled = false
    record = world.apply(SetPromptMultiplier(2.0))
    assert not record.ok and "asks no wait question" in record.reason and "enabled = false" in record.reason


def test_the_multiplier_lever_moves_the_line_through_the_prompts_rule():
    world = World(load_level(RUSH, ['market.levers=["prompt"]']))
    model = world.spec.models[0]
    assert world.apply(SetPromptMultiplier(2.0)).ok
    assert world.prompt.limit_ms(model.id) == 2.0 * model.mean_service_ms and world.prompt.on
    assert world.apply(SetPromptMultiplier(0)).ok and not world.prompt.on  # 0 stops asking, as in a level
    assert not world.apply(SetPromptMultiplier(100.5)).ok


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_a_lever_command_round_trips_through_its_record(lever):
    command = lever.command_for("x" if lever.keyed_by else None, lever.default or lever.low)
    assert getattr(command, lever.field) == (lever.default or lever.low)
    assert command_from_dict(command.to_dict()) == command


def test_release_idle_gives_back_the_idle_rentals_at_once_on_any_level():
    """The lever added through the table (issue 16: "release idle" at once): always open, like renting."""
    world = World(load_level(RUSH, ['market.levers=[]', "autopilot.enabled=false"]), seed=5)
    m = world.models["sd15"]
    assert world.apply(Rent("sd15", 3)).ok
    world.advance(m.spec.lead_time_ms + 1)
    idle = [s for s in m.slots if s.rented and s.state == "idle"]
    assert idle, "a rush-hour level at its start leaves rented slots idle"
    assert world.apply(ReleaseIdle("sd15", keep=1)).ok
    assert len([s for s in m.slots if s.rented and s.state == "idle"]) == 1
    assert world.apply(ReleaseIdle("sd15")).ok
    assert not [s for s in m.slots if s.rented and s.state == "idle"]
    refused = world.apply(ReleaseIdle("sd15"))
    assert not refused.ok and "no idle rented slot" in refused.reason


def test_the_panel_leaves_out_a_lever_the_level_refuses_outright():
    assert World(load_level(LEVELS_DIR / "reference" / "mmc.toml")).market.unavailable("prompt_multiplier")
    assert World(load_level(RUSH)).market.unavailable("prompt_multiplier") is None
