"""The levers at their edges (issue 21's market survivors): each test pins a rule a player would notice if it broke,
through `World.apply`, the events and the summary only."""

from __future__ import annotations

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model
from factory_game.sim import economics
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import CloseTier, SetCap, SetPrice, SetSurcharge
from factory_game.sim.events import Kind
from factory_game.sim.spec import MarketSpec, ScriptedEvent
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"
EVERY_LEVER = 'market.levers=["price", "priority", "caps", "intake", "prompt", "contracts"]'
QUIET = ["autopilot.enabled=false", EVERY_LEVER, "arrivals.return_probability=0"]


def _world(overrides=(), seed=3):
    return World(load_level(RUSH, [*QUIET, *overrides]), seed=seed)


def _arrivals(world):
    """(time, tier, refused) of every arrival from now on."""
    seen = []
    world.subscribe(lambda e: seen.append((e.time, e.info.split(":")[0].split("+")[0], e.info.endswith(":refused")))
                    if e.kind == Kind.ARRIVE and e.info and not e.info.startswith("return") else None)
    return seen


def test_a_door_closes_for_minutes_from_now_and_opens_at_the_reopening_millisecond():
    """CloseTier(t, m) at time T refuses t's arrivals in [T, T + m), and one arriving exactly at T + m gets in."""
    probe = _world()
    seen = _arrivals(probe)
    probe.advance(2 * HOUR)
    time, tier, _ = next(a for a in seen if a[0] > 70 * MINUTE)  # an arrival well past the first half hour

    world = _world()  # the same seed: the same arrivals (a refused one draws the same numbers as an admitted one)
    seen = _arrivals(world)
    world.advance(time - 30 * MINUTE)
    assert world.apply(CloseTier(tier, 30)).ok
    world.advance(time)
    inside = [(t, refused) for t, tr, refused in seen if tr == tier and t >= time - 30 * MINUTE]
    assert inside[-1] == (time, False), "an arrival at the reopening millisecond is let in"
    assert inside[:-1] and all(refused for _t, refused in inside[:-1]), "closed from the command, for 30 minutes"
    assert all(not refused for t, tr, refused in seen if tr != tier or t < time - 30 * MINUTE)


def test_refused_arrivals_pull_reputation_down():
    """Reputation scores an arrival refused at a closed door as an unhappy visit (0)."""
    world = _world(["market.reputation_strength=1.5"])
    before = world.summary()["manager"]["reputation"]
    for tier in ("L1", "L2", "L3"):
        assert world.apply(CloseTier(tier, 60)).ok
    world.advance(60 * MINUTE)  # nobody inside: the refusals are the only visits that ended
    manager = world.summary()["manager"]
    assert world.summary()["overall"]["angry_by_cause"]["refused"] > 30
    assert manager["reputation"] < before - 0.3  # pulled toward 0 (with the level's 30-minute lag)
    assert manager["demand_factor"] < 1.0


@pytest.mark.parametrize(("command", "ok"), [
    (SetSurcharge(0), True), (SetSurcharge(500), True), (SetSurcharge(-1), False), (SetSurcharge(501), False),
    (SetCap("L1", 1), True), (SetCap("L1", 20), True), (SetCap("L1", 0), False), (SetCap("L1", 21), False),
])
def test_the_levers_accept_their_whole_range_and_nothing_past_it(command, ok):
    """A surcharge from 0 % to 500 % and a cap from 1 to 20 are accepted, the values just outside refused."""
    world = _world()
    record = world.apply(command)
    assert record.ok is ok
    assert world.commands[-1] == record
    if ok and isinstance(command, SetCap):
        assert world.caps["L1"] == command.cap


def test_the_priority_share_is_at_most_everyone():
    """However low the surcharge, at most every customer buys the pack: the revenue per task counts a share <= 1."""
    world = _world(["market.priority_elasticity=2.0", "level.priority_surcharge=0.5", "arrivals.priority_share=0.9"])
    assert world.apply(SetSurcharge(10)).ok  # 0.9 x e^(2 x 0.8) would be 4.4 customers in every one
    price = world.prices["image"]
    assert economics.revenue_per_task_cents(world, "sd15") == pytest.approx(price * 1.10)


def test_a_levels_scripted_event_moves_a_lever_the_player_has_not_unlocked():
    """A level's price event changes the price even where the player's price lever is locked."""
    spec = level(model(slots=2), rate_per_hour=30, market=MarketSpec(levers=("contracts",)),
                 events=(ScriptedEvent("price", 20 * MINUTE, content="image", price_cents=155),))
    world = World(spec, seed=1)
    assert not world.apply(SetPrice("image", 10)).ok  # the player may not
    world.advance(30 * MINUTE)
    scripted = [r for r in world.commands if r.source == "level"]
    assert [(r.time, r.ok, r.command) for r in scripted] == [(20 * MINUTE, True, SetPrice("image", 155))]
    assert world.prices["image"] == 155


def test_lost_sales_pull_reputation_down():
    """A customer who cannot afford a task (a lost sale) counts as an unhappy end for reputation."""
    from factory_game.levelkit import with_arrivals
    from factory_game.sim.distributions import Dist

    spec = with_arrivals(level(model(slots=4), rate_per_hour=120, market=MarketSpec(reputation_strength=1.5)),
                         budget=Dist.fixed(0))
    world = World(spec, seed=2)
    summary = world.run(30 * MINUTE)
    assert summary["overall"]["lost_sales"] > 20 and summary["overall"]["completed"] == 0
    assert summary["manager"]["reputation"] < 0.9 - 0.3
