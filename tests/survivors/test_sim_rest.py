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


# ---------------------------------------------------------------- a second sample, all of sim/ (sim-sample, seed 2)
def test_a_task_deeper_in_line_waits_for_the_departures_ahead_of_it_less_the_free_slots():
    """Two idle slots and a task at position 3 (0-based): it starts after 3 - 2 + 1 = 2 departures."""
    from factory_game.sim.prompt import predicted_wait_ms

    world = World(level(model(slots=2, service=Dist.fixed(60_000))))
    assert predicted_wait_ms(world.models["sd15"], position=3) == 2 * 60_000 / 2
    assert predicted_wait_ms(world.models["sd15"], position=1) == 0.0


def test_refusals_of_an_unknown_model_and_of_a_release_with_nothing_rented_carry_their_codes():
    from factory_game.sim.commands import Release, Rent

    world = World(level(model(slots=1, max_extra=2)))
    unknown = world.apply(Rent("ghost", 1))
    assert (unknown.code, dict(unknown.values)) == ("unknown_model", {"name": "ghost"})
    nothing = world.apply(Release("sd15", 1))
    assert (nothing.code, dict(nothing.values)) == ("no_rented_slot", {"model": "sd15"})


def test_a_price_for_content_the_level_lacks_is_refused_naming_it():
    from factory_game.sim.commands import SetPrice

    world = World(level(model()))
    refused = world.apply(SetPrice("ghost", 100))
    assert (refused.code, dict(refused.values)) == ("unknown_content", {"name": "ghost"})


def test_a_draw_at_the_very_top_of_the_range_falls_on_the_last_choice():
    """Float sums may leave the draw unspent after every weight: it then goes to the last choice, not another."""
    from factory_game.sim.arrivals import weighted

    class Top:
        def random(self) -> float:
            return 1.0

    assert weighted(Top(), (("a", 0.1), ("b", 0.2), ("c", 0.7))) == "c"


def test_a_uniform_draw_of_a_real_number_stays_between_its_bounds():
    rng = random.Random(2)
    draws = [Dist.uniform(10.0, 20.0).sample(rng) for _ in range(200)]
    assert 10.0 <= min(draws) < 11.0 and 19.0 < max(draws) <= 20.0


def test_the_effects_of_the_offer_a_release_and_a_flat_price():
    from factory_game.sim import economics
    from factory_game.sim.commands import ReleaseIdle, Rent, SetPrice, SetWaitOffer, SignContract
    from factory_game.sim.spec import MarketSpec

    world = World(level(model(slots=1, max_extra=6, rent_price_cents=300, lead_time_ms=0),
                        market=MarketSpec(elasticity=0.0)))
    assert economics.lever_effect(world, SetPrice("image", 90)) == ("price_flat", {})
    key, values = economics.lever_effect(world, SetWaitOffer(30))
    assert key == "offer" and values["patience"] == round(1 + economics.OFFER_PATIENCE * 0.3, 2) != 2
    world.apply(Rent("sd15", 2))
    world.apply(SignContract("sd15", 1))
    world.advance(20 * MINUTE)  # the rentals and the contract are in, idle
    assert economics.lever_effect(world, ReleaseIdle("sd15", 0)) == ("release", {"hourly": 2 * 300})


def test_a_spike_marker_carries_its_factor():
    from factory_game.sim import economics
    from factory_game.sim.spec import ScriptedEvent

    spike = ScriptedEvent("spike", HOUR, 30 * MINUTE, factor=2.5)
    world = World(level(model(), events=(spike,)))
    (marker,) = economics.markers(world)
    assert (marker.kind, marker.at_ms, marker.end_ms, marker.factor) == ("spike", HOUR, HOUR + 30 * MINUTE, 2.5)


def test_a_queued_task_has_not_started():
    world = World(level(model(slots=1)))
    for _ in range(2):
        world.apply(Arrive("L1", ("image",)))
    (queued,) = world.models["sd15"].queued_tasks()
    assert queued.started_at is None


def test_a_migration_is_logged_as_an_upstream_cost_and_outages_take_whole_slots_of_the_model():
    from factory_game.sim import incidents

    spec = load_level("levels/campaign/04-rush-hour.toml", ["incidents.rates={model_deprecated = 1}",
                                                            "autopilot.enabled=false"])
    world = World(spec, seed=2)
    seen = []
    world.subscribe(seen.append)
    incident = next(i for i in world.incidents.schedule if i.kind == "model_deprecated")
    world.advance(incident.at_ms)
    from factory_game.sim.commands import AnswerIncident

    assert world.apply(AnswerIncident(incident.id, "migrate")).ok
    fees = [e for e in seen if e.kind == Kind.UPSTREAM_COST and e.info == "migration"]
    assert [e.cents for e in fees] == [incident.params["fee_cents"]]

    rng = random.Random(5)
    one = level(model(slots=1))
    assert {incidents._draw_upstream_outage(rng, one)["slots"] for _ in range(30)} == {1}
    two = level(model(slots=2))
    assert {incidents._draw_upstream_outage(rng, two)["slots"] for _ in range(60)} == {1, 2}


def test_an_incidents_money_is_booked_as_a_bonus_or_a_penalty():
    spec = load_level("levels/campaign/04-rush-hour.toml", ["incidents.rates={rush_batch = 1}",
                                                            "autopilot.enabled=false"])
    world = World(spec, seed=2)
    seen = []
    world.subscribe(seen.append)
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    world.incidents.outcome(incident, 500)
    world.incidents.outcome(incident, -200)
    world.incidents.outcome(incident, 0)
    said = [(e.info, e.cents) for e in seen if e.kind == Kind.INCIDENT and e.cents is not None]
    assert said == [(f"{incident.id}:rush_batch:bonus", 500), (f"{incident.id}:rush_batch:penalty", -200)]


def test_the_charts_series_counts_customers_and_halves_its_points_when_full():
    from factory_game.sim import metrics

    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",)))
    world.advance(MINUTE)
    point = world.metrics.series[-1]
    assert point["t"] == MINUTE and point["customers"] == 1
    every = world.metrics.sample_every_ms
    world.advance((metrics.MAX_SAMPLES + 2) * every)
    assert world.metrics.sample_every_ms == 2 * every
    assert all(p["t"] % (2 * every) == 0 for p in world.metrics.series)


def test_a_wait_exactly_at_the_line_is_not_over_it():
    """The 3x line: three tasks ahead of one slot of 5 minutes predict 15 minutes, exactly the line, not past it."""
    from factory_game.sim.spec import PromptSpec

    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True)))
    for _ in range(3):  # one running, two queued: a newcomer would be third in line
        world.apply(Arrive("L1", ("image",)))
    assert queries.predicted_wait_ms(world, "sd15") == queries.prompt_limit_ms(world, "sd15")
    assert not queries.over_the_line(world, "sd15")
    world.apply(Arrive("L1", ("image",)))
    assert queries.over_the_line(world, "sd15")


def test_routing_and_slot_counts_as_the_face_shows_them():
    from factory_game.sim.commands import Release, Rent

    world = World(level(model(slots=1, max_extra=3, lead_time_ms=0)))
    assert queries.routed(world, "image") and not queries.routed(world, "video")
    world.apply(Rent("sd15", 2))
    world.advance(MINUTE)
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
    world.apply(Release("sd15", 1))  # a busy rented slot: it leaves when its task ends
    counts = queries.slot_counts(world, "sd15")
    assert counts.leaving == 1
