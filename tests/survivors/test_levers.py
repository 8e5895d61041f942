"""The levers at their edges (issue 21's market survivors): each test pins a rule a player would notice if it broke,
through `World.apply`, the events and the summary only."""

from __future__ import annotations

import math

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model
from factory_game.sim import economics
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import (
    Arrive,
    CloseTier,
    ReleaseIdle,
    Rent,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.events import Kind
from factory_game.sim.levers import BY_NAME, lever_of
from factory_game.sim.market import price_factor
from factory_game.sim.spec import MarketSpec, ScriptedEvent
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"
EVERY_LEVER = 'market.levers=["price", "priority", "caps", "intake", "prompt", "contracts"]'
# Level 4's market is pinned neutral (its elasticity 0.7 and reputation are turned off): these tests replay the
# same arrivals with and without a lever, and turn on only the part of the market each one checks.
NEUTRAL_MARKET = ["market.elasticity=0", "market.reputation_strength=0"]
QUIET = ["autopilot.enabled=false", EVERY_LEVER, "arrivals.return_probability=0", *NEUTRAL_MARKET]
SURCHARGE, CAP, MULTIPLIER = BY_NAME[SetSurcharge.name], BY_NAME[SetCap.name], BY_NAME[SetPromptMultiplier.name]
PRICE, SALES = BY_NAME[SetPrice.name], BY_NAME[SetPrioritySales.name]


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
    (SetSurcharge(int(SURCHARGE.low)), True), (SetSurcharge(int(SURCHARGE.high)), True),
    (SetSurcharge(int(SURCHARGE.low) - 1), False), (SetSurcharge(int(SURCHARGE.high) + 1), False),
    (SetCap("L1", int(CAP.low)), True), (SetCap("L1", int(CAP.high)), True),
    (SetCap("L1", int(CAP.low) - 1), False), (SetCap("L1", int(CAP.high) + 1), False),
])
def test_the_levers_accept_their_whole_range_and_nothing_past_it(command, ok):
    """A surcharge and a cap are accepted at both ends of their ranges in the lever table (0 % to 1000 %, 1 to
    1000), the values just outside refused."""
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


# ------------------------------------------------------------------------------- from the mutmut run on market.py
NOT_DEMAND = [SetSurcharge(80), SetPrioritySales(False), SetCap("L2", 3), CloseTier("L3", 20), SetWaitOffer(30),
              SetPromptMultiplier(2.0), SignContract("sd15", 1)]


@pytest.mark.parametrize("command", NOT_DEMAND, ids=lambda c: c.name)
def test_a_lever_that_does_not_move_demand_leaves_the_arrivals_as_they_were(command):
    """Only price and reputation move demand; any other lever keeps the already drawn arrival times."""
    times = []
    for apply in (False, True):
        world = _world(["arrivals.tiers={ L1 = 1.0 }"])  # nobody of L2 or L3 arrives: caps and doors change nothing
        seen = _arrivals(world)
        world.advance(10 * MINUTE)
        if apply:
            assert world.apply(command).ok
        world.advance(70 * MINUTE)
        times.append([t for t, _tier, _refused in seen])
    assert times[0] == times[1] and len(times[0]) > 20


def test_releasing_idle_rentals_leaves_the_arrivals_as_they_were():
    """Giving back idle rented slots does not move demand either: the drawn arrival times stay."""
    times = []
    for release in (False, True):
        world = _world(["arrivals.tiers={ L1 = 1.0 }"])
        seen = _arrivals(world)
        assert world.apply(Rent("sd15", 2)).ok
        world.advance(10 * MINUTE)  # the rented slots arrived two minutes after the order
        if release:
            assert world.apply(ReleaseIdle("sd15", 0)).ok
        world.advance(70 * MINUTE)
        times.append([t for t, _tier, _refused in seen])
    assert times[0] == times[1] and len(times[0]) > 20


def test_a_price_change_redraws_the_next_arrival_at_the_new_demand():
    """Demand that falls to nearly nothing takes effect at once: the arrival already drawn is redrawn."""
    overrides = ["arrivals.rate=6", "market.elasticity=10"]
    first = _world(overrides, seed=5)
    seen = _arrivals(first)
    first.advance(HOUR)
    assert seen, "without the price change somebody arrives within the hour"
    world = _world(overrides, seed=5)
    seen = _arrivals(world)
    assert world.apply(SetPrice("image", 800)).ok  # ten times the reference price: demand x e^-90
    world.advance(HOUR)
    assert seen == [] and world.summary()["manager"]["demand_factor"] < 1e-6


def test_without_reputation_demand_is_the_price_factor_alone():
    """With reputation off, a price change at the reference price leaves demand at exactly 1."""
    world = _world(["market.elasticity=1.0"])
    assert world.apply(SetPrice("image", world.prices["image"])).ok  # the level's own price: the reference
    assert world.summary()["manager"]["demand_factor"] == 1.0


def test_reputation_of_any_strength_moves_demand():
    """A weak reputation effect (strength 0.5) still scales demand as reputation moves."""
    world = _world(["market.reputation_strength=0.5", "market.elasticity=1.0"])
    for tier in ("L1", "L2", "L3"):
        world.apply(CloseTier(tier, 60))
    world.advance(60 * MINUTE)
    manager = world.summary()["manager"]
    reference = world.spec.market.reputation_reference
    assert manager["demand_factor"] == pytest.approx(1 + 0.5 * (manager["reputation"] - reference), abs=1e-6)
    assert manager["demand_factor"] < 0.95


def test_a_free_content_type_counts_at_its_full_weight():
    """A content type whose reference price is 0 (or below) is not priced: it adds its weight, never divides by 0."""
    weights = {"a": 0.25, "b": 0.75}
    assert price_factor({"a": 0, "b": 100}, {"a": 0, "b": 100}, weights, 2.0) == pytest.approx(1.0)
    assert price_factor({"a": 5, "b": 200}, {"a": 0, "b": 100}, weights, 2.0) == \
        pytest.approx(0.25 + 0.75 * math.exp(-2.0))
    assert price_factor({"a": 5, "b": 200}, {"a": 1, "b": 100}, weights, 2.0) == \
        pytest.approx(0.25 * math.exp(-8.0) + 0.75 * math.exp(-2.0))  # one cent is a price
    assert price_factor({"a": 50, "b": 300}, {"a": 100, "b": 100}, weights, 0.0) == 1.0


RANGE = "the lever table's refusal"  # the expected reason is `Lever.refusal` of the command's value


def _out_of_range(command):
    """The lever table's refusal of the command's value (the reason the market must give)."""
    lever = BY_NAME[command.name]
    reason = lever.refusal(getattr(command, lever.field))
    assert reason is not None, f"{command} is inside its lever's range"
    return reason


@pytest.mark.parametrize(("command", "ok", "reason"), [
    (SetPrice("image", 0), True, ""), (SetPrice("image", -1), False, RANGE),
    (SetPrice("gold", 5), False, "unknown content type 'gold'"),
    (SetSurcharge(int(SURCHARGE.high) + 1), False, RANGE),
    (SetCap("L9", 2), False, "unknown tier 'L9'; this level has L1, L2, L3"),
    (SetCap("L1", int(CAP.high) + 1), False, RANGE),
    (CloseTier("L9", 5), False, "unknown tier 'L9'; this level has L1, L2, L3"),
    (CloseTier("L1", 0), True, ""), (CloseTier("L1", -1), False, RANGE),
    (SetWaitOffer(0), True, ""), (SetWaitOffer(50), True, ""),
    (SetWaitOffer(51), False, RANGE),
    (SetPromptMultiplier(-0.5), False, RANGE),
    (SetPromptMultiplier(100.5), False, RANGE),
    (SignContract("sd15", 0), False, RANGE),
    (SignContract("sd15", 21), False, "sd15 allows 20 extra slots; 0 already rented"),
    (ReleaseIdle("gold", 0), False, "unknown model 'gold'; this level has sd15"),
    (ReleaseIdle("sd15", 0), False, "sd15 has no idle rented slot to release beyond the 0 kept"),
])
def test_a_refused_lever_says_why_in_the_players_words(command, ok, reason):
    """Each refusal is recorded with the reason the player reads (a range's from the lever table); the edges of
    each range are accepted."""
    record = _world().apply(command)
    assert (record.ok, record.reason) == (ok, _out_of_range(command) if reason == RANGE else reason)


def test_a_range_refusal_reads_as_the_range_and_the_value():
    """The player's words for a value out of range: what, its range (∞ where it has no top) and the value."""
    assert _out_of_range(SetPrice("image", -1)) == "a price goes from 0 to ∞, not -1"
    assert _out_of_range(SetWaitOffer(51)) == "the wait offer goes from 0 to 50, not 51"
    assert _out_of_range(SetPromptMultiplier(100.5)) == "the wait-prompt multiplier goes from 0 to 100, not 100.5"


def test_opening_a_closed_door_with_zero_minutes():
    """CloseTier(t, 0) opens t's door at once: its arrivals are let in again."""
    world = _world()
    seen = _arrivals(world)
    assert world.apply(CloseTier("L1", 60)).ok
    world.advance(20 * MINUTE)
    assert world.apply(CloseTier("L1", 0)).ok
    world.advance(40 * MINUTE)
    l1 = [(t, refused) for t, tier, refused in seen if tier == "L1"]
    assert any(refused for t, refused in l1 if t < 20 * MINUTE)
    assert [r for t, r in l1 if t >= 20 * MINUTE] and not any(r for t, r in l1 if t >= 20 * MINUTE)


def test_selling_the_priority_pack_again_restores_its_share():
    """SetPrioritySales(True) puts the pack back on sale: the revenue per task counts its surcharge again."""
    world = _world(["level.priority_surcharge=0.5", "arrivals.priority_share=0.4"])
    on = economics.revenue_per_task_cents(world, "sd15")
    assert world.apply(SetPrioritySales(False)).ok
    assert economics.revenue_per_task_cents(world, "sd15") == pytest.approx(world.prices["image"])
    assert world.apply(SetPrioritySales(True)).ok
    assert economics.revenue_per_task_cents(world, "sd15") == pytest.approx(on) == world.prices["image"] * 1.2


def test_a_wait_offer_takes_its_share_off_each_queued_task_of_a_yes():
    """With 30 % offered, a customer who says yes has 30 % of each queued task's hold given back at once and pays
    the rest on delivery (recorded as a discount with its time, customer and task); what was given back is theirs to
    spend again: a budget of exactly 7.00 + 10.00 pays the discounted task and then a full-price one."""
    from factory_game.sim.clock import SECOND
    from factory_game.sim.commands import Arrive
    from factory_game.sim.spec import PromptSpec

    world = World(level(model(slots=1), tiers=(("L1", 1),),
                        prompt=PromptSpec(enabled=True, answer_delay_ms=10 * SECOND)))
    assert world.apply(SetPrice("image", 1000)).ok and world.apply(SetWaitOffer(30)).ok
    for _ in range(4):
        world.apply(Arrive("L1", ("image",), budget_cents=5000, patience_ms=60 * MINUTE))
    world.apply(Arrive("L1", ("image", "image"), budget_cents=1700, patience_ms=60 * MINUTE))
    world.advance(10 * SECOND)  # customer 5 (20 minutes' wait for its first task) is asked and says yes
    discounts = [e for e in world.ledger.entries if e.kind == "discount"]
    assert [(e.time, e.cents, e.customer, e.note) for e in discounts] == [(10 * SECOND, 300, 5, "wait discount")]
    world.advance(2 * HOUR)
    captured = [(e.customer, e.cents) for e in world.ledger.entries if e.kind == "capture"]
    assert captured == [(1, 1000), (2, 1000), (3, 1000), (4, 1000), (5, 700), (5, 1000)]
    summary = world.summary()
    assert summary["overall"]["lost_sales"] == 0
    assert (summary["money"]["refunded_cents"], summary["money"]["held_cents"]) == (300, 0)


def test_reputation_stays_put_when_nothing_ends_or_when_it_is_off():
    """Reputation moves only on visits that ended; and not at all on a level without reputation."""
    quiet = World(level(model(slots=1), market=MarketSpec(reputation_strength=1.5)))
    quiet.advance(30 * MINUTE)  # nobody came: nothing to score
    assert quiet.summary()["manager"]["reputation"] == 0.9
    off = _world(["market.reputation_strength=0"])
    for tier in ("L1", "L2", "L3"):
        off.apply(CloseTier(tier, 60))
    off.advance(60 * MINUTE)
    assert off.summary()["overall"]["angry_by_cause"]["refused"] > 30
    reference = off.spec.market.reputation_reference  # reputation starts there and stays
    assert off.summary()["manager"]["reputation"] == reference and off.summary()["manager"]["demand_factor"] == 1.0


def test_a_door_closed_for_one_minute_refuses_that_minutes_arrivals():
    """CloseTier(t, 1) closes the door for one minute (only 0 opens it)."""
    probe = _world(["arrivals.tiers={ L1 = 1.0 }"])
    seen = _arrivals(probe)
    probe.advance(HOUR)
    time = next(t for t, _tier, _refused in seen if t > 10 * MINUTE)
    world = _world(["arrivals.tiers={ L1 = 1.0 }"])
    seen = _arrivals(world)
    world.advance(time - 30_000)
    assert world.apply(CloseTier("L1", 1)).ok
    world.advance(time)
    assert seen[-1] == (time, "L1", True)


@pytest.mark.parametrize("multiplier", [MULTIPLIER.low, MULTIPLIER.high])
def test_the_prompt_multipliers_ends_are_accepted(multiplier):
    """The wait-prompt multiplier goes from 0 to 100 (the lever table), both ends included."""
    assert _world().apply(SetPromptMultiplier(multiplier)).ok


def test_content_weights_count_as_shares_of_demand():
    """A level's content weights are shares: weights of 2 and 1 at the reference prices still make demand 1."""
    from factory_game.levelkit import with_arrivals

    spec = level(model(content=("image", "audio")), rate_per_hour=10, market=MarketSpec(elasticity=1.0))
    world = World(with_arrivals(spec, content=(("image", 2.0), ("audio", 1.0))))
    assert world.apply(SetPrice("image", world.prices["image"])).ok
    assert world.summary()["manager"]["demand_factor"] == pytest.approx(1.0)
    assert world.apply(SetPrice("image", 2 * world.prices["image"])).ok
    assert world.summary()["manager"]["demand_factor"] == pytest.approx(2 / 3 * math.exp(-1.0) + 1 / 3)


def test_a_free_content_type_adds_its_weight_wherever_it_comes():
    """The order of the content types does not matter: a free one after a priced one adds, not replaces."""
    weights = {"b": 0.75, "a": 0.25}
    assert price_factor({"a": 5, "b": 200}, {"a": 0, "b": 100}, weights, 2.0) == \
        pytest.approx(0.25 + 0.75 * math.exp(-2.0))


def test_a_weak_priority_elasticity_still_moves_the_share():
    """Priority elasticity 0.5: doubling the surcharge over its reference cuts the share by e^-0.5."""
    world = _world(["market.priority_elasticity=0.5", "level.priority_surcharge=0.5", "arrivals.priority_share=0.4"])
    assert world.apply(SetSurcharge(100)).ok
    share = 0.4 * math.exp(-0.5)
    assert economics.revenue_per_task_cents(world, "sd15") == pytest.approx(world.prices["image"] * (1 + share))


# ------------------------------------------------------------------ from the mutmut run on sim/levers.py (the panel)
def test_a_price_steps_by_a_tenth_of_the_levels_price_and_at_least_a_cent():
    """The price button moves by 10 % of the level's price (whole cents, 50 -> 5, 20 -> 2), never by less than a
    cent, and has no top; the other steppers move by their fixed step."""
    assert (PRICE.stepped(50, +1, 50), PRICE.stepped(50, -1, 50)) == (55, 45)
    assert PRICE.stepped(20, +1, 20) == 22
    assert PRICE.stepped(7, +1, 7) == 8 and PRICE.stepped(1, -1, 7) == 0 and PRICE.stepped(0, -1, 7) is None
    assert PRICE.stepped(10**9, +1, 50) == 10**9 + 5
    assert (SURCHARGE.stepped(0, +1), SURCHARGE.stepped(1000, +1), MULTIPLIER.stepped(2.0, -1)) == (10, None, 1.5)


def test_a_panel_value_becomes_its_command_with_the_commands_types():
    """A stepper's value is a float; the command gets a whole count, a factor as it is, a switch as True/False."""
    cap = CAP.command_for("L1", 3.0)
    assert cap == SetCap("L1", 3) and type(cap.cap) is int
    multiplier = MULTIPLIER.command_for(None, 2.5)
    assert multiplier == SetPromptMultiplier(2.5) and type(multiplier.multiplier) is float
    assert SALES.command_for(None, 1.0).on is True and SALES.command_for(None, 0.0).on is False


def test_a_command_knows_its_lever_and_a_non_lever_has_none():
    assert lever_of(SetCap("L1", 3)) is CAP and lever_of(SetPrice("image", 5)) is PRICE
    assert lever_of(Arrive("L1", ("image",))) is None


def test_the_panel_reads_each_levers_value_in_its_unit():
    """What the levers panel shows: a door's minutes left (0 for an open one), the surcharge and the wait offer in
    percent; and a price steps by a tenth of the level's own price."""
    world = _world()
    market = world.market
    assert market.lever_value(CloseTier.name, "L2") == 0 and market.lever_value(SetPrioritySales.name) == 1
    assert market.lever_value(SetPromptMultiplier.name) == market.prompt.multiplier == 3.0
    assert (market.lever_value(SignContract.name, "sd15"), market.lever_value(ReleaseIdle.name, "sd15")) == (1, 0)
    assert world.apply(SetPrioritySales(False)).ok and market.lever_value(SetPrioritySales.name) == 0
    assert world.apply(CloseTier("L1", 30)).ok and world.apply(SetSurcharge(80)).ok
    assert world.apply(SetWaitOffer(30)).ok
    world.advance(10 * MINUTE)
    assert (market.lever_value(CloseTier.name, "L1"), market.lever_value(CloseTier.name, "L2")) == (20, 0)
    assert (market.lever_value(SetSurcharge.name), market.lever_value(SetWaitOffer.name)) == (80, 30)
    assert world.prices["image"] == 50 and market.step(PRICE, "image", +1) == 55
    world.advance(30 * MINUTE)
    assert market.lever_value(CloseTier.name, "L1") == 0


def test_the_panel_offers_the_unlocked_levers_one_per_key():
    """The levers panel lists each unlocked lever once per content type served, tier or model that may rent, in the
    table's order; renting's lever is always there, and the multiplier not where the level asks no wait question."""
    every = [(lever.name, key) for lever, key in _world().market.levers()]
    assert every == [("set_price", "image"), ("set_surcharge", None), ("priority_sales", None),
                     ("set_cap", "L1"), ("set_cap", "L2"), ("set_cap", "L3"),
                     ("close_tier", "L1"), ("close_tier", "L2"), ("close_tier", "L3"),
                     ("prompt_multiplier", None), ("wait_offer", None), ("sign_contract", "sd15"),
                     ("release_idle", "sd15")]
    unasked = [(lever.name, key) for lever, key in _world(["prompt.enabled=false"]).market.levers()]
    assert unasked == [item for item in every if item[0] != "prompt_multiplier"]
    level_4 = World(load_level(RUSH, ["autopilot.enabled=false"])).market.levers()  # it unlocks the price only
    assert [(lever.name, key) for lever, key in level_4] == [("set_price", "image"), ("release_idle", "sd15")]


def test_an_incidents_shock_and_a_carried_reputation_scale_demand():
    """Demand is the price factor x the reputation factor x an incident's shock; a career's next day starts from
    the reputation it earned."""
    market = _world().market
    assert market.set_shock(2.5) and market.demand == 2.5
    assert not market.set_shock(2.5)
    market = _world(["market.reputation_strength=1.0"]).market
    assert market.carry_reputation(0.6) and market.reputation == 0.6
    assert market.demand == pytest.approx(1 + (0.6 - market.spec.reputation_reference))
