"""The survivors of a third sample of sim/ (bench/results/mutation-2026-12-06-sim-sample-3-recheck.md): incident
parameters in their documented ranges and answers that act as their words say, the books' and the queries' small
facts, the spot forecast's band, the JSON lines of a log fed fields."""

from __future__ import annotations

import io
import json
import math
import random

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics, incidents, queries
from factory_game.sim.clock import HOUR, MINUTE, Calendar
from factory_game.sim.commands import (
    AnswerIncident,
    Arrive,
    Rent,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
)
from factory_game.sim.events import EventLog
from factory_game.sim.rng import RngStreams
from factory_game.sim.rules import check_customer, check_price
from factory_game.sim.spec import PromptSpec
from factory_game.sim.world import World

RUSH = LEVELS_DIR / "campaign" / "04-rush-hour.toml"


def _with(kind: str, seed: int = 2) -> World:
    return World(load_level(RUSH, [f"incidents.rates={{{kind} = 1}}", "autopilot.enabled=false",
                                   "market.levers=[\"price\", \"priority\", \"caps\", \"intake\"]"]),
                 seed=seed)


def test_every_built_in_incidents_parameters_lie_in_their_documented_ranges():
    """Drawn 200 times each on the rush-hour level: the ranges docs/engine.md's incident table gives."""
    spec = load_level(RUSH)
    rng = random.Random(4)
    for _ in range(200):
        cut = incidents._draw_competitor_cut(rng, spec)
        assert 0.2 <= cut["cut"] <= 0.4 and 0.2 <= cut["loss"] <= 0.35
        assert 60 * MINUTE <= cut["duration_ms"] <= 120 * MINUTE
        offer = incidents._draw_supplier_offer(rng, spec)
        assert 2 <= offer["slots"] <= 6 and 0.3 <= offer["discount"] <= 0.5
        spike = incidents._draw_viral_spike(rng, spec)
        assert 1.5 <= spike["factor"] <= 2.5 and 30 * MINUTE <= spike["duration_ms"] <= 60 * MINUTE
        outage = incidents._draw_upstream_outage(rng, spec)
        assert 1 <= outage["slots"] <= spec.model(outage["model"]).slots
        assert 20 * MINUTE <= outage["duration_ms"] <= 45 * MINUTE
        batch = incidents._draw_rush_batch(rng, spec)
        assert 6 <= batch["tasks"] <= 16 and 30 * MINUTE <= batch["window_ms"] <= 60 * MINUTE


def test_closing_the_door_for_an_outage_closes_it_by_the_level_until_the_outage_ends():
    world = _with("upstream_outage")
    incident = next(i for i in world.incidents.schedule if i.kind == "upstream_outage")
    world.advance(incident.at_ms + 30_000)  # half a minute in: the door's minutes round up to the outage's end
    assert world.apply(AnswerIncident(incident.id, "close")).ok
    end = incident.at_ms + incident.params["duration_ms"]
    door = world.commands[-2]  # the level's CloseTier, then the answer itself
    assert (door.source, door.command.name, door.ok) == ("level", "close_tier", True)
    assert door.command.minutes == math.ceil((end - world.now) / MINUTE)
    assert world.market.door_closed(world.spec.tiers[0][0], end - 1)


def test_a_surge_through_a_spike_is_the_levels_price_change():
    world = _with("viral_spike")
    incident = next(i for i in world.incidents.schedule if i.kind == "viral_spike")
    world.advance(incident.at_ms)
    prices = dict(world.market.prices)
    assert world.apply(AnswerIncident(incident.id, "surge")).ok
    world.advance(incident.at_ms + incident.params["duration_ms"] + MINUTE)  # and back when it ends
    changes = [r for r in world.commands if r.command.name == "set_price"]
    assert len(changes) == 2 * len(prices) and all(r.source == "level" and r.ok for r in changes)
    assert world.market.prices == prices


def test_an_answer_given_twice_names_the_incident_kind():
    world = _with("rush_batch")
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    world.apply(AnswerIncident(incident.id, "decline"))
    again = world.apply(AnswerIncident(incident.id, "accept"))
    assert (again.code, dict(again.values)) == ("incident_answered", {"incident": "rush_batch"})
    fresh = _with("rush_batch")
    world = fresh
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    bad = world.apply(AnswerIncident(incident.id, "maybe"))
    assert (bad.code, dict(bad.values)) == ("incident_bad_choice", {"incident": "rush_batch"})


def test_a_prompt_switched_off_says_which_key_switched_it_off():
    off = World(level(model(), prompt=PromptSpec(enabled=False)))
    assert off.prompt.refusal() == "this level asks no wait question ([prompt] enabled = false)"
    zero = World(level(model(), prompt=PromptSpec(enabled=True, multiplier=0.0)))
    assert zero.prompt.refusal() == "this level asks no wait question ([prompt] multiplier = 0)"
    assert not zero.apply(SetPromptMultiplier(2.0)).ok


def test_the_calendar_counts_what_it_ran():
    calendar = Calendar()
    for t in (5, 10, 20):
        calendar.at(t, lambda _arg: None, None)
    assert calendar.run_until(10) == 2 and calendar.run_until(30) == 1 and calendar.now == 30


def test_a_second_price_says_the_demand_relative_to_the_first_and_the_pack_switched_off_sells_to_none():
    world = World(load_level(LEVELS_DIR / "campaign" / "02-priority-pack.toml"))
    world.apply(SetPrice("image", 80))
    before = world.market.demand
    key, values = economics.lever_effect(world, SetPrice("image", 120))
    world.apply(SetPrice("image", 120))
    assert key == "price" and values["demand"] == pytest.approx(world.market.demand / before, abs=0.005)
    assert economics.lever_effect(world, SetPrioritySales(False)) == ("pack", {"share": 0})


def test_a_log_fed_fields_writes_each_line_with_its_kind():
    """The world feeds its only listener, an EventLog, fields rather than events: its JSON lines still say each
    event's kind."""
    stream = io.StringIO()
    world = World(level(model(slots=1)))
    log = EventLog(stream)
    world.subscribe(log)
    world.apply(Arrive("L1", ("image",)))
    world.advance(HOUR)
    log.close()
    kinds = [json.loads(line)["kind"] for line in stream.getvalue().splitlines()]
    assert kinds[:3] == ["command", "arrive", "hold"] or {"arrive", "start", "finish"} <= set(kinds)
    assert None not in kinds


def test_a_refused_rental_is_not_on_its_way():
    world = World(level(model(slots=1, max_extra=2, lead_time_ms=10 * MINUTE)))
    assert world.apply(Rent("sd15", 2)).ok
    world.advance(2 * MINUTE)
    assert not world.apply(Rent("sd15", 1)).ok
    assert queries.orders(world, "sd15") == [queries.Order(queries.RENTAL, 2, 10 * MINUTE)]


def test_the_books_as_the_face_reads_them():
    world = World(level(model(slots=1, max_extra=1, rent_price_cents=100, lead_time_ms=0)))
    world.apply(Arrive("L1", ("image",)))
    world.apply(Rent("sd15", 1))
    world.advance(HOUR)
    world.settle_costs()
    money = queries.money(world)
    assert money == (world.ledger.cash_cents, world.ledger.revenue_cents, world.ledger.upstream_cents,
                     world.ledger.profit_cents) and money.upstream > 0


def test_customer_traits_only_where_the_level_gives_them():
    plain = World(level(model()))
    assert queries.customer_traits(plain, "L1", True) is None
    career = World(load_level(LEVELS_DIR / "career" / "day.toml"))
    assert queries.customer_traits(career, "L1", False) is not None


def test_a_fork_depends_on_the_seed_it_forks_from():
    a, b = RngStreams(1), RngStreams(2)
    a.fork("x")
    b.fork("x")
    assert a.seed != b.seed and a.stream("s").random() != b.stream("s").random()


def test_price_and_newcomer_checks_say_what_is_wrong():
    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",)))
    customer = next(iter(world.customers.values()))
    task = customer.tasks[0]
    assert check_price(True, world, customer, task) == \
        "answered True (a bool is not a price: use int(...)); expected a price in whole cents (an int >= 0)"
    assert check_price(1.5, world, customer, task) == "answered 1.5; expected a price in whole cents (an int >= 0)"
    from factory_game.sim.rules import Newcomer

    drawn = Newcomer("L1", False, 0, 0, ("image",))
    assert check_customer(drawn, world, drawn) is None  # a budget and a patience of 0 are allowed


def test_the_spot_history_starts_at_zero_and_the_band_follows_the_ar1_variance():
    spec = load_level(RUSH, ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5"])
    world = World(spec, seed=4)
    spot = world.spot
    assert spot.history[0] == (0, spot.factor())
    phi, sigma = spot.spec.persistence, spot.spec.volatility
    for h in (1, 10, 60):
        forecast = spot.forecast(world.now, h)
        spread = 1.645 * sigma * math.sqrt((1 - phi ** (2 * h)) / (1 - phi ** 2))
        mean = phi ** h * spot.noise
        high = spot._factor_at(spot._share(spot._others(world.now + h * MINUTE, mean + spread), spot.rented()))
        assert forecast.high == pytest.approx(high)


def test_an_abandoned_task_ends_when_it_leaves():
    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True, multiplier=0.5)))
    tasks = []
    for _ in range(4):
        world.apply(Arrive("L1", ("image",), patience_ms=0))
        tasks.extend(max(world.customers.values(), key=lambda c: c.id).tasks)
    world.advance(HOUR)
    abandoned = [t for t in tasks if t.state == "abandoned"]
    assert len(abandoned) == 3 and all(t.end_at is not None and t.end_at > 0 for t in abandoned)
