"""The spot market (docs/engine.md, "The spot market"): a level's `[spot]` table makes the price and the stock of
rentable slots move with the demand curve, from its own stream; without the table renting is as it always was."""

from __future__ import annotations

import json

import pytest

from factory_game.level import load_level
from factory_game.level.errors import LevelError
from factory_game.runner import load_commands, run_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Rent
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"  # 80/h, x2.5 from 1h30 to 2h30
SPOT = ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5"]


def _world(overrides=(), seed=4):
    return World(load_level(RUSH, [*SPOT, *overrides]), seed=seed)


def test_a_level_without_spot_rents_at_the_list_price_from_an_endless_stock():
    world = World(load_level(RUSH, ["autopilot.enabled=false"]), seed=4)
    assert world.spot is None and world.capacity.spot is None
    world.advance(100 * MINUTE)
    assert world.apply(Rent("sd15", 20)).ok
    assert {o.price_cents for o in world.capacity.orders("sd15")} == {450}


def test_rush_hour_makes_spot_dear_and_scarce():
    world = _world()
    calm, rush = [], []
    for minute in range(1, 240):
        world.advance(minute * MINUTE)
        (rush if 95 <= minute < 150 else calm if minute < 85 else []).append(
            (world.spot.factor(), world.spot.available()))
    assert max(f for f, _ in calm) < 1.2 < min(f for f, _ in rush)
    assert min(a for _, a in calm) > 10 and min(a for _, a in rush) == 0


def test_sold_out_refuses_renting_and_says_so():
    world = _world(["spot.stock=10", "spot.others=1.2"])
    world.advance(100 * MINUTE)
    assert world.spot.available() == 0
    record = world.apply(Rent("sd15", 1))
    assert not record.ok and "sold out" in record.reason
    assert world.capacity.orders("sd15") == []


def test_more_than_is_left_is_refused_with_the_count_left():
    world = _world()
    world.advance(30 * MINUTE)
    left = world.spot.available()
    record = world.apply(Rent("sd15", left + 1))
    assert not record.ok and f"only {left} slot" in record.reason
    assert world.apply(Rent("sd15", 2)).ok
    assert world.spot.available() <= left - 2  # River's own renting takes stock


def test_a_rental_keeps_the_spot_price_it_was_ordered_at():
    world = _world(["spot.others=0.4"])
    world.advance(92 * MINUTE)
    factor = world.spot.factor()
    assert factor > 1.1
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(100 * MINUTE)
    slot = next(s for s in world.slots.values() if s.rented)
    assert slot.price_cents == round(450 * factor)


def test_same_seed_same_hash_other_seed_differs_and_another_stream_is_untouched(tmp_path):
    spec = load_level(RUSH, SPOT)
    commands = [(91 * MINUTE, Rent("sd15", 3)), (150 * MINUTE, Rent("sd15", 2))]
    first, again = run_level(spec, seed=4, commands=commands), run_level(spec, seed=4, commands=commands)
    other = run_level(spec, seed=5, commands=commands)
    assert first.event_hash == again.event_hash and other.event_hash != first.event_hash
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(first.to_json()))
    assert run_level(spec, seed=4, commands=load_commands(str(saved))).event_hash == first.event_hash
    # the spot market draws from its own stream: with no rental the customers' story is the level's own
    plain = run_level(load_level(RUSH, ["autopilot.enabled=false"]), seed=4)
    assert run_level(spec, seed=4).event_hash == plain.event_hash


def test_the_forecast_band_holds_the_realised_price_most_of_the_time():
    inside = total = 0
    for seed in range(1, 9):
        world = _world(["spot.volatility=0.2"], seed=seed)
        pending = []
        for minute in range(1, 231):
            world.advance(minute * MINUTE)
            for _due, forecast in [p for p in pending if p[0] == minute]:
                total += 1
                inside += forecast.low - 1e-9 <= world.spot.factor() <= forecast.high + 1e-9
            pending = [p for p in pending if p[0] > minute]
            if minute % 7 == 0:
                pending.append((minute + 10, world.spot.forecast(world.now, 10)))
    assert total > 200 and inside / total >= 0.85, (inside, total)


def test_history_keeps_a_sparkline_of_recent_minutes():
    world = _world()
    world.advance(3 * HOUR)
    times = [t for t, _ in world.spot.history]
    assert len(times) == 120 and times[-1] == 3 * HOUR and times == sorted(times)


def test_the_spot_table_is_checked_like_the_rest():
    with pytest.raises(LevelError) as info:
        load_level(RUSH, ["spot.stok=3", "spot.volatility=5"])
    text = str(info.value)
    assert "spot.stok" in text and "stock" in text and "spot.volatility" in text


def test_the_world_face_shows_price_history_sold_out_and_forecast():
    from factory_game.sim import queries

    plain = World(load_level(RUSH, ["autopilot.enabled=false"]), seed=4)
    assert queries.spot_factor(plain) is None and queries.spot_forecast(plain, 10) is None
    assert queries.spot_price_cents(plain, "sd15") == 450 and not queries.spot_sold_out(plain)
    world = _world(["spot.stock=10", "spot.others=1.2"])
    world.advance(100 * MINUTE)
    assert queries.spot_sold_out(world) and queries.spot_available(world) == 0
    assert queries.spot_price_cents(world, "sd15") == round(450 * queries.spot_factor(world))
    assert len(queries.spot_history(world)) == 101
    forecast = queries.spot_forecast(world, 15)
    assert forecast.low <= forecast.factor <= forecast.high
