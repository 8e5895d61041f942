"""The manager's levers (docs/engine.md, "The market and the levers"): each is a command through `World.apply`,
recorded and replayable, and the market answers it as documented."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory_game.level import load_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import (
    COMMANDS,
    CloseTier,
    Release,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
    command_from_dict,
)
from factory_game.sim.events import Kind
from factory_game.sim.market import price_factor, reputation_factor
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"
EVERY_LEVER = 'market.levers=["price", "priority", "caps", "intake", "prompt", "contracts"]'


LEVER_MAKERS = (
    lambda w: SetPrice("image", 30), lambda w: SetPrice("image", 120), lambda w: SetSurcharge(200),
    lambda w: SetPrioritySales(False), lambda w: SetCap("L1", 3), lambda w: SetCap("L3", 1),
    lambda w: CloseTier("L2", 20), lambda w: SetPromptMultiplier(1.0), lambda w: SetWaitOffer(40),
    lambda w: SignContract("sd15", 3), lambda w: Release("sd15", 1),
)


# The rush-hour level's own market (elasticity, reputation) is pinned off: each test turns on what it checks.
NEUTRAL_MARKET = ("market.elasticity=0", "market.reputation_strength=0")


def _world(overrides=(), seed=3):
    return World(load_level(RUSH, ["autopilot.enabled=false", EVERY_LEVER, *NEUTRAL_MARKET, *overrides]), seed=seed)


def test_price_factor_formula():
    refs, weights = {"a": 100, "b": 200}, {"a": 0.5, "b": 0.5}
    assert price_factor({"a": 100, "b": 200}, refs, weights, 1.5) == 1.0
    assert price_factor({"a": 200, "b": 200}, refs, weights, 1.0) == pytest.approx(0.5 * math.exp(-1) + 0.5)
    assert price_factor({"a": 0, "b": 0}, refs, weights, 2.0) == 3.0  # capped
    assert price_factor({"a": 900, "b": 200}, refs, weights, 0.0) == 1.0  # no elasticity: price does not matter
    assert reputation_factor(0.9, 0.9, 2.0) == 1.0
    assert reputation_factor(0.4, 0.9, 2.0) == pytest.approx(0.2)  # floor
    assert reputation_factor(1.0, 0.9, 2.0) == pytest.approx(1.2)


def test_a_higher_price_brings_fewer_customers_and_revenue_peaks_inside():
    customers, revenue = [], []
    for percent in (60, 100, 140, 250):
        world = _world(["market.elasticity=1.0", "arrivals.return_probability=0"])
        world.apply(SetPrice("image", 80 * percent // 100))  # the reference price is 0.80
        summary = world.run(2 * HOUR)
        customers.append(summary["overall"]["customers"])
        revenue.append(summary["money"]["revenue_cents"])
    assert customers == sorted(customers, reverse=True) and customers[0] > 1.5 * customers[-1]
    assert max(revenue) > revenue[-1] and max(revenue) > revenue[0]


def test_without_elasticity_a_price_changes_revenue_not_arrivals():
    counts = []
    for cents in (80, 160):
        world = _world(["arrivals.return_probability=0"])
        world.apply(SetPrice("image", cents))
        counts.append(world.run(HOUR)["overall"]["customers"])
    assert counts[0] == counts[1]


def test_surcharge_and_sales_move_the_priority_share():
    shares = []
    for command in (None, SetSurcharge(150), SetPrioritySales(False)):
        world = _world(["market.priority_elasticity=2.0", "level.priority_surcharge=0.5",
                        "arrivals.priority_share=0.3"])
        if command:
            world.apply(command)
        shares.append(world.market.priority_share())
        world.run(HOUR)
    assert shares[0] == pytest.approx(0.3)
    assert shares[1] == pytest.approx(0.3 * math.exp(-2.0 * 2))
    assert shares[2] == 0.0


def test_closing_a_tier_refuses_its_arrivals_until_it_reopens():
    world = _world()
    world.apply(CloseTier("L1", 30))
    world.advance(30 * MINUTE)
    refused = world.metrics.angry_causes["refused"]
    assert refused > 10
    assert all(c.tier != "L1" for c in world.customers.values())
    world.advance(60 * MINUTE)
    assert world.metrics.angry_causes["refused"] == refused  # open again after 30 minutes
    assert any(c.tier == "L1" for c in world.customers.values())


def test_raising_a_cap_admits_waiting_tasks_at_once():
    world = _world(["arrivals.rate=400"])
    world.advance(40 * MINUTE)
    waiting_before = sum(len(c.tasks) - c.next_pending for c in world.customers.values() if c.tier == "L1")
    assert waiting_before > 0
    world.apply(SetCap("L1", 3))
    waiting_after = sum(len(c.tasks) - c.next_pending for c in world.customers.values() if c.tier == "L1")
    assert waiting_after < waiting_before
    assert all(c.cap == 3 for c in world.customers.values() if c.tier == "L1")


def test_prompt_multiplier_asks_sooner():
    prompts = []
    for multiplier in (3.0, 1.0):
        world = _world(["arrivals.rate=200"])
        world.apply(SetPromptMultiplier(multiplier))
        prompts.append(world.run(HOUR)["overall"]["prompts"])
    assert prompts[1] > prompts[0]


def test_reputation_follows_service_and_scales_demand():
    good = _world(["market.reputation_strength=2"])
    good.run(HOUR)
    bad = _world(["market.reputation_strength=2", "models.sd15.slots=4"])
    bad.run(HOUR)
    assert bad.market.reputation < 0.6 < good.market.reputation
    assert bad.market.demand < 0.5 < good.market.demand
    assert bad.market.return_probability() < good.market.return_probability()


def test_locked_and_bad_levers_are_rejected_and_recorded():
    world = _world(['market.levers=["price"]'])
    assert world.apply(SetPrice("image", 100)).ok
    record = world.apply(SetCap("L1", 2))
    assert not record.ok and "caps" in record.reason
    assert not world.apply(SetPrice("image", -1)).ok
    assert not world.apply(CloseTier("L9", 5)).ok
    assert [r.ok for r in world.commands] == [True, False, False, False]


def test_anger_has_a_cause_and_visits_add_up():
    world = _world(["models.sd15.slots=12"])
    summary = world.run()
    overall = summary["overall"]
    assert sum(overall["angry_by_cause"].values()) == overall["angry_customers"] > 0
    assert overall["visits"] == overall["customers"] + overall["returns"]
    assert overall["happy_customers"] + overall["angry_customers"] + len(world.customers) == overall["visits"]


def test_every_lever_round_trips_and_replays():
    commands = [(10 * MINUTE, SetPrice("image", 100)), (20 * MINUTE, SetSurcharge(80)),
                (30 * MINUTE, SetPrioritySales(False)), (40 * MINUTE, SetCap("L2", 3)),
                (50 * MINUTE, CloseTier("L3", 20)), (60 * MINUTE, SetPromptMultiplier(2.0))]
    for _t, command in commands:
        assert command_from_dict(command.to_dict()) == command
    assert {c.name for _t, c in commands} <= set(COMMANDS)
    spec = load_level(RUSH, [EVERY_LEVER, "market.elasticity=0.8", "market.reputation_strength=1.5",
                             "market.priority_elasticity=1", "autopilot.enabled=false"])
    first = run_level(spec, seed=5, commands=commands, until_ms=2 * HOUR)
    assert all(c["ok"] for c in first.commands)
    again = run_level(spec, seed=5, until_ms=2 * HOUR,
                      commands=[(c["t"], command_from_dict({k: v for k, v in c.items()
                                                            if k not in ("t", "source", "ok", "reason")}))
                                for c in first.commands])
    assert again.event_hash == first.event_hash


def test_a_contract_is_cheaper_committed_and_slower_to_arrive():
    spec = load_level(RUSH, [EVERY_LEVER, "market.contract_share=0.5", 'market.contract_period="1h"',
                             'market.contract_lead="15m"', "autopilot.enabled=false"])
    world = World(spec, seed=2)
    contract_price = round(spec.model("sd15").rent_price_cents * 0.5)
    assert world.apply(SignContract("sd15", 2)).ok
    assert world.models["sd15"].rented_count == 2  # counted against max_extra like rentals
    world.advance(14 * MINUTE)
    assert world.models["sd15"].serving_rented == 0
    world.advance(16 * MINUTE)
    assert world.models["sd15"].serving_rented == 2
    record = world.apply(Release("sd15", 1))
    assert not record.ok and "contracts cannot be cancelled" in record.reason
    world.advance(15 * MINUTE + HOUR + 20 * MINUTE)  # past the period: they left (a busy one after its task)
    world.settle_costs()
    assert world.models["sd15"].present_rented == 0
    contract_cost = sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract")
    # one committed hour each at half the spot price, plus the minutes a busy one took to finish its last task
    assert 2 * contract_price <= contract_cost < 2 * contract_price * (1 + 20 / 60)


def test_a_contract_that_outlives_the_level_is_booked_whole_at_closing_time():
    """Signing commits River to the whole period: a contract signed late costs its full period at the close, slots
    present and slots still on order alike, so it is never cheaper than the rental it stands in for; the books
    before the close show only what has been used, and a second settlement books nothing more."""
    spec = load_level(RUSH, [EVERY_LEVER, 'market.contract_period="4h"', 'market.contract_lead="15m"',
                             "autopilot.enabled=false"])
    world = World(spec, seed=2)
    price = round(spec.model("sd15").rent_price_cents * spec.market.contract_share)
    world.advance(spec.duration_ms - HOUR)
    assert world.apply(SignContract("sd15", 2)).ok  # arrive 45 minutes before the close
    world.advance(spec.duration_ms - 5 * MINUTE)
    assert world.apply(SignContract("sd15", 1)).ok  # still on order at the close

    def contract_cents():
        return sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract")

    world.settle_costs()
    assert contract_cents() == 2 * (price * 40 * MINUTE // HOUR)  # before the close: the minutes present
    world.advance(spec.duration_ms)
    world.settle_costs()
    assert contract_cents() == 3 * price * 4  # at the close: three whole 4-hour periods
    world.settle_costs()
    assert contract_cents() == 3 * price * 4


def test_a_career_day_leaves_its_contracts_rest_to_the_next_morning():
    """A career carries a contract into its next day, which bills what is left of it: the day's own close books
    only the hours used."""
    from factory_game.career import new_business, start_day
    from factory_game.level.bundled import LEVELS_DIR

    base = load_level(LEVELS_DIR / "career" / "day.toml")
    world = start_day(base, 1, new_business(base))
    world.apply(SignContract("sd15", 1))
    world.run()
    period, lead = base.market.contract_period_ms, base.market.contract_lead_ms
    assert period > base.duration_ms  # the 8-hour contract outlives the 6-hour day
    price = next(s.price_cents for s in world.models["sd15"].slots if s.committed_ms)
    billed = sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract")
    assert billed == price * (base.duration_ms - lead) // HOUR


def test_a_wait_offer_stretches_patience_and_discounts_the_yes():
    answers = []
    for percent in (0, 30):
        world = _world(["arrivals.rate=220"])
        world.apply(SetWaitOffer(percent))
        summary = world.run(2 * HOUR)
        discounts = [e for e in world.ledger.entries if e.kind == "discount"]
        answers.append((summary["overall"]["prompt_yes"] / max(1, summary["overall"]["prompts"]), discounts))
    assert answers[1][0] > answers[0][0]  # more keep waiting with 30 % off
    assert not answers[0][1] and answers[1][1] and all(e.note == "wait discount" for e in answers[1][1])
    assert not _world().apply(SetWaitOffer(80)).ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 170), st.sampled_from(LEVER_MAKERS)), max_size=8), st.integers(0, 99))
def test_money_is_conserved_whatever_the_levers(commands, seed):
    world = _world(["arrivals.rate=160", "market.elasticity=0.8", "market.reputation_strength=1.5"], seed=seed)
    customers = {}
    world.subscribe(lambda e: customers.setdefault(e.customer, world.customers.get(e.customer))
                    if e.kind == Kind.ARRIVE and e.customer in world.customers else None)
    for minute, make in sorted(commands, key=lambda item: item[0]):
        world.advance(minute * MINUTE)
        world.apply(make(world))
    world.run(3 * HOUR)
    ledger = world.ledger
    settled = Counter(e.task for e in ledger.entries if e.kind in ("capture", "release"))
    assert max(settled.values(), default=1) == 1
    for c in customers.values():
        assert c.available_cents + c.held_cents + c.spent_cents == c.budget_cents >= c.spent_cents
    captured = sum(e.cents for e in ledger.entries if e.kind == "capture")
    assert captured == ledger.revenue_cents == sum(c.spent_cents for c in customers.values())
    given_back = sum(e.cents for e in ledger.entries if e.kind in ("release", "discount"))
    assert given_back == ledger.refunded_cents
    assert sum(world.summary()["overall"]["angry_by_cause"].values()) == world.summary()["overall"]["angry_customers"]


def test_a_game_saved_mid_run_keeps_every_lever(tmp_path):
    from factory_game.save import load, save

    level = "levels/sandbox.toml"  # every lever unlocked
    commands = [(5 * MINUTE, SetPrice("image", 70)), (10 * MINUTE, SetSurcharge(90)), (15 * MINUTE, SetCap("L2", 3)),
                (20 * MINUTE, CloseTier("L5", 30)), (25 * MINUTE, SetWaitOffer(20)),
                (30 * MINUTE, SignContract("sd15", 2)), (35 * MINUTE, SetPromptMultiplier(2.5)),
                (40 * MINUTE, SetPrioritySales(False))]
    world = World(load_level(level), seed=9)
    for time, command in commands:
        world.advance(time)
        assert world.apply(command).ok
    world.advance(50 * MINUTE)
    path = save(world, tmp_path / "slot.json", level_path=level)
    again = load(path)
    assert again.now == world.now and again.summary() == world.summary()
    def levers(w):
        return (w.prices, w.caps, w.market.surcharge, w.market.priority_on_sale, w.market.closed_until,
                w.market.wait_offer, w.prompt_multiplier, w.market.reputation)
    assert levers(again) == levers(world)
    world.advance(2 * HOUR)
    again.advance(2 * HOUR)
    assert again.summary() == world.summary()
