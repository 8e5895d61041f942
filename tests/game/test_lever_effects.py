"""Issue 16 item 6 (play-test UX 7): every lever the player pulls is said in the alerts with its expected effect,
read before it moves ("Image price set to ¥0.80 — demand ×0.70"). The estimates are checked against what the world
then does."""

from __future__ import annotations

import pytest

from factory_game.game.alerts import Alerts
from factory_game.game.i18n import I18n
from factory_game.level import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics
from factory_game.sim.commands import CloseTier, SetCap, SetPrice, SetSurcharge, SignContract
from factory_game.sim.world import World


def _world(name: str) -> World:
    return World(load_level(LEVELS_DIR / "campaign" / name))


@pytest.mark.parametrize("cents", [20, 80, 150])
def test_a_price_says_the_demand_the_world_then_has(cents):
    world = _world("01-opening-day.toml")
    world.advance(20 * 60_000)
    before = world.market.demand
    key, values = economics.lever_effect(world, SetPrice("image", cents))
    assert world.apply(SetPrice("image", cents)).ok
    assert key == "price" and values["demand"] == pytest.approx(world.market.demand / before, abs=0.005)
    assert (values["demand"] < 1) == (cents > 50)


def test_the_packs_price_says_the_share_that_will_buy_it():
    world = _world("02-priority-pack.toml")
    key, values = economics.lever_effect(world, SetSurcharge(150))
    assert world.apply(SetSurcharge(150)).ok
    assert (key, values["share"]) == ("pack", round(world.market.priority_share() * 100))
    assert values["share"] < round(world.spec.arrivals.priority_share * 100)


def test_a_raised_cap_says_how_many_waiting_tasks_it_lets_in():
    world = _world("08-velvet-rope.toml")
    world.apply(SetCap("L3", 1))
    world.advance(60 * 60_000)
    key, values = economics.lever_effect(world, SetCap("L3", 5))
    waiting_before = sum(len(c.tasks) - c.next_pending for c in world.customers.values() if c.tier == "L3")
    assert world.apply(SetCap("L3", 5)).ok
    waiting_after = sum(len(c.tasks) - c.next_pending for c in world.customers.values() if c.tier == "L3")
    assert key == "cap_admits" and values["n"] == waiting_before - waiting_after > 0


def test_a_closed_door_and_a_contract_say_their_cost():
    world = _world("08-velvet-rope.toml")
    key, values = economics.lever_effect(world, CloseTier("L3", 60))
    assert key == "door" and values["n"] > 0
    world = _world("03-video-arrives.toml")
    key, values = economics.lever_effect(world, SignContract("video-gen", 2))
    assert key == "contract" and values["total"] == values["hourly"] * 4


def test_the_alert_says_the_effect_in_both_languages():
    world = _world("01-opening-day.toml")
    en, zh = I18n("en"), I18n("zh-CN")
    alerts = Alerts(world, en)
    command = SetPrice("image", 80)
    alerts.lever(command, economics.lever_effect(world, command))
    world.apply(command)
    english, chinese = alerts.lines(en, 1)[0][0], alerts.lines(zh, 1)[0][0]
    assert "price set to ¥0.80 — demand ×0.7" in english, english
    assert "需求 ×0.7" in chinese and "——" in chinese, chinese
