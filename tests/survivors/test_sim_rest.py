"""Behaviour the rest of sim/ rests on, pinned on small worlds: the survivors of a random sample of its mutants
(bench/results/mutation-2026-12-06-sim-rest-sample-goldens.md) that no golden run tells apart."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model, with_arrivals
from factory_game.sim import queries
from factory_game.sim.arrivals import Arrivals
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Arrive, CloseTier
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Kind
from factory_game.sim.rng import RngStreams
from factory_game.sim.rules import check_answer
from factory_game.sim.spec import RatePiece, TraceArrival
from factory_game.sim.stats import bin_of
from factory_game.sim.world import World


def test_a_customer_arrives_at_the_time_of_their_arrive_event():
    """`arrived_at` (what a mod's customer view shows) is the arrival's time, not unset."""
    world = World(level(model(slots=1)))
    world.advance(7 * MINUTE)
    world.apply(Arrive("L1", ("image",)))
    (customer,) = world.customers.values()
    assert customer.arrived_at == 7 * MINUTE


def test_each_refused_arrival_is_logged_with_its_own_customer_number():
    """A newcomer turned away at a closed door still takes a customer number, and its ARRIVE event names it."""
    world = World(level(model(slots=1), rate_per_hour=600))
    seen = []
    world.subscribe(seen.append)
    assert world.apply(CloseTier("L1", 60)).ok
    world.advance(20 * MINUTE)
    refused = [e.customer for e in seen if e.kind == Kind.ARRIVE and e.info == "L1:refused"]
    assert len(refused) > 3 and None not in refused
    assert refused == list(range(refused[0], refused[0] + len(refused)))


def test_a_scripted_arrival_wanting_content_no_model_serves_is_refused():
    world = World(level(model(slots=1)))
    record = world.apply(Arrive("L1", ("image", "video")))
    assert not record.ok and "no model of this level serves ['video']" in record.reason
    assert not world.customers


def test_the_mean_queue_is_zero_before_any_time_has_passed():
    world = World(level(model(slots=1)))
    assert world.summary()["models"]["sd15"]["queue_mean"] == 0.0


def test_a_rate_that_starts_later_brings_no_one_before_it_starts():
    """A rate whose first piece starts at 1h is zero until then (the schedule gets a zero piece at 0)."""
    spec = level(model(slots=5), rate_per_hour=600)
    world = World(with_arrivals(spec, rate=(RatePiece(HOUR, 600.0),)))
    world.advance(HOUR)
    assert world.summary()["overall"]["customers"] == 0
    world.advance(HOUR + 10 * MINUTE)
    assert world.summary()["overall"]["customers"] > 20


def test_a_replayed_request_without_a_tier_draws_one_by_the_levels_weights():
    spec = with_arrivals(level(model(), tiers=(("L1", 1), ("L2", 2))), tiers=(("L1", 1.0), ("L2", 1.0)))
    arrivals = Arrivals(spec, RngStreams(3), prompts_on=False)
    tiers = {arrivals.draw_replayed(TraceArrival(at_ms=0))[0] for _ in range(40)}
    assert tiers == {"L1", "L2"}
    assert arrivals.draw_replayed(TraceArrival(at_ms=0, tier="L2"))[0] == "L2"


def test_a_customer_returns_at_least_a_millisecond_after_leaving():
    spec = with_arrivals(level(model()), return_probability=1.0, return_after=Dist.fixed(0))
    arrivals = Arrivals(spec, RngStreams(1), prompts_on=False)
    assert arrivals.draw_return(1.0) == 1


def test_a_whole_number_draw_is_never_below_its_minimum():
    rng = random.Random(1)
    assert Dist.fixed(2).sample_int(rng, minimum=5) == 5
    assert Dist.uniform(0, 3).sample_int(rng, minimum=10) == 10
    assert Dist.fixed(7).sample_int(rng, minimum=5) == 7


@pytest.mark.parametrize(("ms", "key"), [(1, 1), (1000, 1), (1001, 2), (1500, 2), (59_999, 60)])
def test_a_wait_falls_in_the_bin_of_its_whole_seconds_rounded_up(ms, key):
    assert bin_of(ms) == key and type(bin_of(ms)) is int


def test_waiting_tasks_are_listed_in_service_order_priority_first():
    world = World(level(model(slots=1)))
    for priority in (False, False, True):
        world.apply(Arrive("L1", ("image",), priority=priority))
    queued = world.models["sd15"].queued_tasks()
    assert [world.customers[t.customer_id].priority for t in queued] == [True, False]


def test_the_answer_to_the_wait_question_must_be_a_bool():
    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",)))
    customer = next(iter(world.customers.values()))
    assert check_answer(True, world, customer, 1.0) is None and check_answer(False, world, customer, 1.0) is None
    assert check_answer(1, world, customer, 1.0) is not None


def test_built_in_incident_kinds_have_no_mod_words():
    plain = World(level(model()))
    assert queries.incident_texts(plain, "rush_batch") is None
    rush = World(load_level("levels/campaign/04-rush-hour.toml", ["incidents.rates={rush_batch = 1}"]))
    assert queries.incident_texts(rush, "rush_batch") is None


def test_the_spot_forecast_looks_ahead_by_minutes():
    """With no noise, the forecast is the demand curve: 45 minutes ahead from 1h reaches the rush (1h30), 20 do not;
    0 minutes ahead is the price now, with no band."""
    spec = load_level("levels/campaign/04-rush-hour.toml",
                      ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5", "spot.volatility=0"])
    world = World(spec, seed=4)
    world.advance(HOUR)
    now = world.spot.forecast(world.now, 0)
    assert now.minutes == 0 and now.low == now.factor == now.high == pytest.approx(world.spot.factor())
    assert world.spot.forecast(world.now, 45).factor > world.spot.forecast(world.now, 20).factor


def test_a_long_levels_forecast_shows_the_hour_behind_and_three_ahead():
    from factory_game.sim.economics import LONG_LEVEL_MS, forecast_window

    world = World(replace(level(model()), duration_ms=LONG_LEVEL_MS + 10 * HOUR))
    assert forecast_window(world) == (0, 4 * HOUR)
    world.advance(3 * HOUR)
    assert forecast_window(world) == (2 * HOUR, 6 * HOUR)


def test_other_buyers_start_at_the_demand_of_the_levels_first_millisecond():
    """The spot market's other buyers follow the arrival rate at t=0 exactly: none when the level's traffic starts a
    millisecond later, so the first price is the list price."""
    spec = load_level("levels/campaign/04-rush-hour.toml",
                      ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5",
                       'arrivals.rate=[{from="0s", per_hour=0}, {from="1ms", per_hour=600}]'])
    world = World(spec, seed=4)
    assert world.spot.others == 0.0 and world.spot.factor() == 1.0
