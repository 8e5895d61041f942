"""The survivors of a ninth sample of sim/ (bench/results/mutation-2026-12-07-sim-sample-9.md), drawn after the
eighth sample's tests: a bursty state's first stay, `RIVER_PURE=0` and the pure finder installed, a random-walk spot
price's forecast, the refused arrivals reputation counts, and the auto-manager's sustained checks."""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model
from factory_game.paths import LEVELS_DIR
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import Arrive, CloseTier, Rent
from factory_game.sim.events import Kind
from factory_game.sim.world import World

RUSH = LEVELS_DIR / "campaign" / "04-rush-hour.toml"


def test_a_bursty_traffics_first_state_lasts_its_own_mean_stay():
    """Starting in a calm state that stays for ~11 days, the first 100 s come at the calm rate (a busy state at 100x
    follows it); the first stay is drawn with the state's mean, as every later one."""
    from factory_game.sim.burst import BurstArrivals, BurstSpec, BurstState

    spec = BurstSpec(states=(BurstState(1.0, 1.0, 1e9, (0.0, 1.0)), BurstState(100.0, 1.0, 1e9, (1.0, 0.0))),
                     start=(1.0, 0.0))
    arrivals = BurstArrivals(spec, random.Random(3))
    count, t = 0, 0.0
    while True:
        drawn = arrivals.next_time(t, [0.01], [None], 0, 1.0)
        assert drawn is not None
        t = drawn[0]
        if t >= 100_000:
            break
        count += 1
    assert 800 <= count <= 1200  # 0.01 a ms for 100 s, not 100 times that


def test_river_pure_at_zero_is_no_reason_for_the_pure_sources(monkeypatch):
    from factory_game.sim import core

    monkeypatch.setenv("RIVER_PURE", "0")
    assert core.pure_reason() != "RIVER_PURE is set"
    monkeypatch.setenv("RIVER_PURE", "")
    assert core.pure_reason() != "RIVER_PURE is set"


def test_river_pure_installs_the_pure_finder_ahead_of_the_others_once(monkeypatch):
    from factory_game.sim import core

    monkeypatch.setattr(sys, "meta_path", [finder for finder in sys.meta_path if finder is not core._PureFinder])
    monkeypatch.setenv("RIVER_PURE", "1")
    core.use_pure_when_needed()
    core.use_pure_when_needed()
    assert sys.meta_path[0] is core._PureFinder and sys.meta_path.count(core._PureFinder) == 1


def test_a_random_walk_spot_price_forecasts_as_the_limit_of_a_persistent_one():
    """Persistence 1 (a level built in code; the loader stops at 0.999): the variance is volatility^2 x h, the limit
    of the AR(1) formula, not a division by zero."""
    spec = load_level(RUSH, ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5", "spot.volatility=0.2"])
    walk = World(replace(spec, spot=replace(spec.spot, persistence=1.0)), seed=4)
    near = World(replace(spec, spot=replace(spec.spot, persistence=1.0 - 1e-9)), seed=4)
    for minutes in (1, 10, 60):
        assert walk.spot.forecast(walk.now, minutes) == pytest.approx(near.spot.forecast(near.now, minutes), rel=1e-6)
    band = walk.spot.forecast(walk.now, 60)
    assert band.low <= band.factor < band.high


def test_the_market_counts_each_newcomer_turned_away_once():
    """The market counts the arrivals refused at the closed door, one each (with reputation on, each tick scores
    them 0 and starts again; this level has none, so the count runs on)."""
    world = World(level(model(slots=1), rate_per_hour=1200))
    seen = []
    world.subscribe(seen.append)
    assert world.apply(CloseTier("L1", 60)).ok
    world.advance(5 * MINUTE + 59_000)
    refused = [e for e in seen if e.kind == Kind.ARRIVE and e.info == "L1:refused"]
    assert len(refused) >= 50 and world.market.refused == len(refused)



def test_the_auto_manager_rents_after_its_sustained_checks_and_counts_again_from_zero():
    """A long queue from the start, checks every minute, `sustain` 3: it rents at the third check (3 min), then
    three checks later again (6 min, 9 min), never sooner."""
    spec = level(model(slots=1, max_extra=10), tiers=(("L1", 50),))
    spec = replace(spec, autopilot=replace(spec.autopilot, enabled=True, every_ms=MINUTE, sustain=3, step=2))
    world = World(spec)
    world.apply(Arrive("L1", ("image",) * 20))
    world.advance(10 * MINUTE)
    assert [(r.time, r.command) for r in world.commands if r.source == "autopilot"] == [
        (3 * MINUTE, Rent("sd15", 2)), (6 * MINUTE, Rent("sd15", 2)), (9 * MINUTE, Rent("sd15", 2))]
