"""The survivors of a fifth sample of sim/ (bench/results/mutation-2026-12-06-sim-sample-5.md): a rate that starts
late, a batched model's prefill share, bursty batches and demand, a uniform duration's mean, outage markers, the
matched competitor cut as the level's command, a rush batch's money in its own content's price, spot rentals over
several models, the refused visit's events and count, the auto-manager's beat, a retried task's place in line, and
the face's answers on a fresh world."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from factory_game.level import load_level
from factory_game.levelkit import level, model, with_arrivals
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics, incidents, queries
from factory_game.sim.arrivals import piece_index, rate_schedule
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import (
    AnswerIncident,
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
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Kind
from factory_game.sim.spec import RatePiece, ScriptedEvent
from factory_game.sim.world import World

RUSH = LEVELS_DIR / "campaign" / "04-rush-hour.toml"
SANDBOX = LEVELS_DIR / "sandbox.toml"


def test_a_rate_that_starts_one_millisecond_in_is_zero_at_the_start():
    """The schedule gets its zero piece whenever the first piece starts after 0, even 1 ms after."""
    pieces = rate_schedule(with_arrivals(level(model()), rate=(RatePiece(1, 600.0),)))
    assert pieces[piece_index(pieces, 0)] == RatePiece(0, 0.0)
    assert pieces[piece_index(pieces, 1)] == RatePiece(1, 600.0)


def test_a_uniform_duration_has_the_mean_of_its_ends():
    assert Dist.uniform(4 * MINUTE, 6 * MINUTE).mean == 5 * MINUTE


def test_an_outage_marker_spans_its_outage_and_names_its_model_and_slots():
    outage = ScriptedEvent("outage", HOUR, 20 * MINUTE, model="sd15", slots=2)
    spike = ScriptedEvent("spike", 2 * HOUR, 30 * MINUTE, factor=3.0)
    world = World(level(model(slots=3), events=(outage, spike)))
    assert economics.markers(world) == [
        economics.Marker(HOUR, HOUR + 20 * MINUTE, "outage", model="sd15", slots=2),
        economics.Marker(2 * HOUR, 2 * HOUR + 30 * MINUTE, "spike", factor=3.0),
    ]


def test_a_matched_competitor_cut_is_the_levels_price_change_not_the_players():
    """Matching moves the price as the level's command: a replay of the player's commands must not carry it."""
    world = World(load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={competitor_cut = 1}"]), seed=2)
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    assert world.apply(AnswerIncident(incident.id, "match")).ok
    (price_change,) = [r for r in world.commands if r.command.name == "set_price"]
    assert price_change.source == "level" and price_change.ok
    assert [c.name for _t, c in world.player_commands()] == ["answer_incident"]


def test_a_rush_batchs_bonus_and_penalty_are_in_its_own_contents_price():
    """Over many draws on a level selling four content types at four prices, each batch is paid in its own."""
    spec = load_level(SANDBOX)
    prices = {c.id: c.price_cents for c in spec.content}
    drawn = set()
    for seed in range(40):
        p = incidents._draw_rush_batch(random.Random(seed), spec)
        assert p is not None
        drawn.add(p["content"])
        assert p["bonus_cents"] == p["tasks"] * prices[p["content"]]
        assert p["penalty_cents"] == p["tasks"] * prices[p["content"]] // 2
    assert len(drawn) >= 2


def test_the_spot_market_counts_rivers_rentals_on_every_model():
    world = World(load_level(SANDBOX, ["autopilot.enabled=false", "spot.stock=60", "spot.others=0.2"]), seed=3)
    assert world.apply(Rent("sd15", 2)).ok and world.apply(Rent("music-gen", 1)).ok
    assert world.spot.rented() == 3  # on order
    world.advance(30 * MINUTE)
    assert queries.orders(world, "sd15") == [] and world.spot.rented() == 3  # arrived


def _served_and_gone(world: World):
    """One L1 customer served and gone; returns them (the world forgets them once gone)."""
    world.apply(Arrive("L1", ("image",)))
    (customer,) = world.customers.values()
    world.advance(world.now + 10 * MINUTE)
    assert customer.id not in world.customers
    return customer


def test_a_regular_coming_back_to_a_closed_door_is_turned_away_and_counted():
    """Refused at the door on their return: an angry visit, logged as refused, and one more refused arrival for
    reputation (the market's count, read at its next tick)."""
    world = World(level(model(slots=1)))
    customer = _served_and_gone(world)
    seen = []
    world.subscribe(seen.append)
    assert world.apply(CloseTier("L1", 60)).ok
    world._on_return(customer)
    assert world.market.refused == 1
    assert queries.angry_causes(world)["refused"] == 1
    assert [(e.kind, e.customer, e.info) for e in seen if e.kind in (Kind.ARRIVE, Kind.LEAVE)] == [
        (Kind.ARRIVE, customer.id, "return:refused"), (Kind.LEAVE, customer.id, "refused")]
    assert [e.ok for e in seen if e.kind == Kind.LEAVE] == [False]


def test_a_newcomer_turned_away_leaves_as_refused():
    world = World(level(model(slots=1), rate_per_hour=600))
    seen = []
    world.subscribe(seen.append)
    assert world.apply(CloseTier("L1", 60)).ok
    world.advance(10 * MINUTE)
    arrived = [e.customer for e in seen if e.kind == Kind.ARRIVE and e.info == "L1:refused"]
    left = [(e.customer, e.ok, e.info) for e in seen if e.kind == Kind.LEAVE]
    assert arrived and left == [(c, False, "refused") for c in arrived]


def test_the_auto_manager_looks_once_every_period_on_the_periods_minute():
    every = 5 * MINUTE
    spec = level(model())
    world = World(replace(spec, autopilot=replace(spec.autopilot, enabled=True, every_ms=every)))
    looked = []
    world.autopilot.check = lambda models, now, apply: looked.append(now)
    world.advance(HOUR)
    assert looked == list(range(every, HOUR + 1, every))  # the first tick is a minute in


def test_a_retried_task_keeps_its_place_ahead_of_later_arrivals():
    """A failed attempt goes back to the queue in its first place: it starts again before those who came after it
    (every attempt fails here, each task has one retry; three customers a minute apart on one slot)."""
    world = World(level(model(slots=1, failure_rate=1.0, retries=1), tiers=(("L1", 5),)), seed=1)
    seen = []
    world.subscribe(seen.append)
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
        world.advance(world.now + MINUTE)
    world.advance(2 * HOUR)
    assert [e.task for e in seen if e.kind == Kind.START] == [1, 1, 2, 2, 3, 3]


def test_a_fresh_worlds_face_answers_with_its_empty_defaults():
    """What the HUD and panels read before anything happened: no refusal, the level's caps in its tier order, the
    market at its starting values, nothing counted."""
    world = World(load_level(SANDBOX), seed=7)
    assert queries.last_refusal(world) == ("", {})
    caps = queries.caps(world)
    assert list(caps.items()) == list(world.spec.tiers)
    caps["L1"] = 99  # a copy: the face never hands out the world's own table
    assert queries.caps(world)["L1"] == dict(world.spec.tiers)["L1"]
    state = queries.market_state(world)
    market = world.spec.market
    assert (state.reputation, state.demand, state.surcharge, state.priority_on_sale, state.wait_offer,
            dict(state.closed_until)) == (market.reputation_reference, 1.0, 0.5, True, 0.0, {})
    assert 0 < state.priority_share < 1
    assert set(queries.task_counts(world).values()) == {0} and set(queries.customer_counts(world).values()) == {0}
    assert set(queries.angry_causes(world).values()) == {0} and queries.happy_visits(world) == 0
    assert queries.commands_given(world) == 0 and queries.open_incidents(world) == []


def test_the_last_refusal_is_read_only_from_a_refused_newest_command():
    world = World(load_level(SANDBOX), seed=7)
    world.apply(Rent("ghost", 1))
    assert queries.last_refusal(world) == ("unknown_model", {"name": "ghost"})
    world.apply(Rent("sd15", 1))
    assert queries.last_refusal(world) == ("", {})


@pytest.mark.parametrize(("prompt", "output"), [(100, 20), (512, 5), (100, 2), (1024, 1)])
def test_a_lone_batched_requests_figures_follow_from_the_profiles(tmp_path, prompt, output):
    """One request alone: a prefill step of its prompt (which gives the first token), then a decode step at batch
    size 1 per further output token; every figure of the model follows from the two profiles."""
    from tests.planner.test_batching import DECODE, PREFILL, level_text

    (tmp_path / "log.csv").write_text(f"timestamp,prompt,output\n1.000,{prompt},{output}\n", encoding="utf-8")
    (tmp_path / "level.toml").write_text(level_text(1, 8), encoding="utf-8")
    world = World(load_level(tmp_path / "level.toml"))
    world.advance(HOUR)
    prefill_us = round(PREFILL.ms(prompt) * 1000)
    decode_us = round(DECODE.ms(1) * 1000) if output > 1 else 0
    busy_us = prefill_us + (output - 1) * decode_us
    ttft, tpot = prefill_us / 1000, decode_us / 1000
    assert world.models["llm"].batched.summary() == {
        "ttft_mean_ms": ttft, "ttft_p50_ms": ttft, "ttft_p95_ms": ttft, "ttft_p99_ms": ttft,
        "tpot_mean_ms": tpot, "tpot_p50_ms": tpot, "tpot_p95_ms": tpot, "tpot_p99_ms": tpot,
        "batch_mean": 1.0, "prefill_share": round(prefill_us / busy_us, 6), "output_tokens": output}


def _burst_arrivals(demand: float, factor: float, batch: float, horizon_ms: float = 2_000_000.0) -> list[float]:
    """Arrival times of one bursty state held all along, at the level's 36 000 an hour (0.01 a millisecond)."""
    from factory_game.sim.burst import BurstArrivals, BurstSpec, BurstState

    spec = BurstSpec(states=(BurstState(factor, batch, 1e15, (0.0,)),), start=(1.0,))
    arrivals = BurstArrivals(spec, random.Random(11))
    times, t = [], 0.0
    while True:
        drawn = arrivals.next_time(t, [0.01], [None], 0, demand)
        assert drawn is not None
        t = drawn[0]
        if t >= horizon_ms:
            return times
        times.append(t)


@pytest.mark.parametrize(("demand", "factor", "batch"), [(1.0, 1.0, 1.0), (2.0, 1.0, 1.0), (0.5, 3.0, 1.0),
                                                         (1.0, 1.0, 2.0), (1.0, 1.0, 4.0),
                                                         (2.0, 2.0, 3.0)])
def test_bursty_traffic_comes_at_the_levels_rate_times_demand_and_state_in_batches_of_its_mean(demand, factor,
                                                                                              batch):
    """In a state, arrivals come at the level's rate x demand x the state's factor, in batches (arrivals at one
    instant) of the state's mean size: a price that doubles demand doubles the traffic, whatever its bursts."""
    times = _burst_arrivals(demand, factor, batch)
    expected = 0.01 * demand * factor * 2_000_000
    assert abs(len(times) - expected) < 0.06 * expected
    batches = len(set(times))
    assert abs(len(times) / batches - batch) < 0.06 * batch


@pytest.mark.parametrize("dist", [Dist.fixed(300.0), Dist.exponential(300.0), Dist.lognormal(300.0, 0.8),
                                  Dist.uniform(100.0, 500.0), Dist.uniform(250.0, 350.0)], ids=lambda d: d.kind)
def test_each_distributions_mean_is_the_mean_of_its_draws(dist):
    """`mean` is what the predicted wait, the forecasts and the auto-manager plan with: it must be what the draws
    average (4 000 draws; within 5 %)."""
    rng = random.Random(5)
    draws = [dist.sample(rng) for _ in range(4000)]
    assert dist.mean == 300.0
    assert abs(sum(draws) / len(draws) - dist.mean) < 0.05 * dist.mean


def test_the_world_in_use_is_said_to_be_compiled_only_when_it_is_not_its_python_source():
    """`is_compiled` decides which tests and benchmarks apply (a compiled world cannot be copied): a world module
    loaded from its .py file is the pure one."""
    from factory_game.sim import core
    from factory_game.sim import world as world_module

    assert core.is_compiled() is (not str(world_module.__file__).endswith(".py"))


def test_the_pure_finder_loads_a_compiled_modules_python_source_under_its_own_name():
    """With `RIVER_PURE` (or a stale build) the hot modules come from their .py sources, named as imported."""
    from factory_game.sim import core

    spec = core._PureFinder.find_spec("factory_game.sim.world")
    assert spec is not None and spec.name == "factory_game.sim.world"
    assert spec.origin == str(core._SIM / "world.py")
    assert core._PureFinder.find_spec("factory_game.sim.levers") is None  # not compiled: the normal finder's
    assert core._PureFinder.find_spec("elsewhere.world") is None


# The face's answers that only the game's screens read (no sim/ test reached them: a class of 'no tests' mutants).
SANDBOX_LEVERS = [  # (lever, key): (value now, one click up, one click down), as the levers panel shows them
    (("set_price", "image"), (50, 55, 45)), (("set_price", "video"), (400, 440, 360)),
    (("set_price", "audio"), (80, 88, 72)), (("set_price", "text"), (10, 11, 9)),
    (("set_surcharge", None), (50, 60, 40)), (("priority_sales", None), (1, None, 0)),
    (("set_cap", "L1"), (1, 2, None)), (("set_cap", "L2"), (2, 3, 1)), (("set_cap", "L5"), (10, 11, 9)),
    (("close_tier", "L1"), (0.0, 15.0, None)), (("prompt_multiplier", None), (3.0, 3.5, 2.5)),
    (("wait_offer", None), (0, 10, None)), (("sign_contract", "sd15"), (1, 2, None)),
    (("release_idle", "llm"), (0, 1, None)),
]


def test_the_levers_panel_reads_each_levers_value_and_its_next_click_either_way():
    world = World(load_level(SANDBOX, ["autopilot.enabled=false"]), seed=7)
    rows = {(lever.name, key): lever for lever, key in queries.levers(world)}
    assert len(rows) == 26 and list(rows)[:5] == [("set_price", c) for c in ("image", "video", "audio", "text")] + [
        ("set_surcharge", None)]
    for (name, key), (value, up, down) in SANDBOX_LEVERS:
        lever = rows[(name, key)]
        assert (queries.lever_value(world, name, key), queries.lever_step(world, lever, key, +1),
                queries.lever_step(world, lever, key, -1)) == (value, up, down), (name, key)


def test_the_face_finds_customers_slots_prices_doors_and_contract_prices_as_the_world_holds_them():
    world = World(load_level(SANDBOX, ["autopilot.enabled=false", "arrivals.rate=0"]), seed=7)
    for _ in range(2):
        world.apply(Arrive("L2", ("image", "text")))
    first, second = world.customers
    assert list(queries.customers(world)) == [first, second] and second > first
    assert queries.customer(world, first).tier == "L2" and queries.customer(world, 10_000) is None
    with pytest.raises(TypeError):
        queries.customers(world)[99] = None  # read-only
    assert [s.id for s in queries.slot_iter(world, "sd15")] == list(range(1, 21))
    assert queries.slot(world, 1).model == "sd15" and queries.slot(world, 10_000) is None
    spec = world.spec
    assert queries.prices(world) == {c.id: c.price_cents for c in spec.content}
    assert world.apply(SetPrice("image", 70)).ok and queries.prices(world)["image"] == 70
    queries.prices(world)["image"] = 1  # a copy
    assert queries.prices(world)["image"] == 70
    assert [queries.contract_price_cents(world, m.id) for m in spec.models] == [
        round(m.rent_price_cents * spec.market.contract_share) for m in spec.models]
    assert queries.contract_price_cents(world, "sd15") == 150  # half of its 300 spot price on the sandbox
    assert world.apply(CloseTier("L1", 10)).ok
    assert queries.door_closed(world, "L1") and not queries.door_closed(world, "L2")
    reopens = world.now + 10 * MINUTE
    world.advance(reopens - 1)
    assert queries.door_closed(world, "L1")
    world.advance(reopens)
    assert not queries.door_closed(world, "L1")


def test_the_charts_read_the_minutes_sampled_from_the_time_asked():
    world = World(load_level(SANDBOX, ["autopilot.enabled=false"]), seed=7)
    world.advance(10 * MINUTE)
    assert [p["t"] for p in queries.recent_series(world, 5 * MINUTE)] == [m * MINUTE for m in range(5, 11)]
    assert queries.recent_series(world, 11 * MINUTE) == []


# economics.py: what the manager's panels say a lever will do, and the forecast's curve (a class: each figure from
# the level's numbers, not from the function that shows it).
def _quiet_sandbox(*more: str) -> World:
    return World(load_level(SANDBOX, ["autopilot.enabled=false", *more]), seed=7)


def test_each_levers_effect_is_said_with_the_levels_own_numbers():
    world = _quiet_sandbox()
    world.advance(30 * MINUTE)
    spec, market = world.spec, world.spec.market
    sd15 = spec.model("sd15")
    l1_share = dict(spec.arrivals.tiers)["L1"] / sum(w for _t, w in spec.arrivals.tiers)
    rate = spec.arrivals.rate[0].per_hour
    period_h = market.contract_period_ms / HOUR
    expected = [
        (SetPrice("image", 100), ("price_flat", {})),  # the sandbox's demand does not answer prices
        (SetPrioritySales(False), ("pack", {"share": 0})),
        (SetSurcharge(100), ("pack", {"share": round(100 * world.market.priority_share())})),
        (CloseTier("L1", 45), ("door", {"n": round(rate * l1_share * 45 / 60)})),
        (CloseTier("L1", 0), None),
        (SetPromptMultiplier(2.0), ("prompt", {"model": "sd15", "minutes": round(2 * sd15.mean_service_ms / MINUTE)})),
        (SetWaitOffer(10), ("offer", {"patience": 1.2})),  # 1 + 2 x 10 %
        (SignContract("sd15", 2), ("contract", {"hourly": 2 * round(sd15.rent_price_cents * market.contract_share),
                                                "total": round(2 * round(sd15.rent_price_cents * market.contract_share)
                                                               * period_h), "hours": f"{period_h:g}"})),
        (ReleaseIdle("sd15", 0), ("release", {"hourly": 0})),  # nothing rented
        (Rent("sd15", 1), None),
    ]
    for command, effect in expected:
        assert economics.lever_effect(world, command) == effect, command


def test_releasing_idle_rented_slots_saves_their_rent_beyond_those_kept():
    world = _quiet_sandbox("arrivals.rate=0")
    assert world.apply(Rent("sd15", 3)).ok
    world.advance(30 * MINUTE)
    rent = world.spec.model("sd15").rent_price_cents
    assert economics.lever_effect(world, ReleaseIdle("sd15", 1)) == ("release", {"hourly": 2 * rent})
    assert economics.lever_effect(world, ReleaseIdle("sd15", 3)) == ("release", {"hourly": 0})


def test_a_raised_cap_admits_the_waiting_tasks_it_makes_room_for():
    world = _quiet_sandbox("arrivals.rate=0")
    world.apply(Arrive("L1", ("image",) * 4))  # L1's cap is 1: one task in flight, three waiting
    world.apply(Arrive("L2", ("image",) * 4))
    assert economics.lever_effect(world, SetCap("L1", 3)) == ("cap_admits", {"n": 2})
    assert economics.lever_effect(world, SetCap("L1", 9)) == ("cap_admits", {"n": 3})
    assert economics.lever_effect(world, SetCap("L1", 1)) == ("cap_holds", {})


def test_the_forecast_curve_is_the_levels_rate_times_demand_plus_returns_from_now_on():
    world = _quiet_sandbox()
    world.advance(30 * MINUTE)
    start, end = economics.forecast_window(world)
    assert (start, end) == (0, 4 * HOUR)  # a long level: the hour behind (none yet) and three ahead
    returns = world.market.return_probability() * 10
    rate = world.spec.arrivals.rate[0].per_hour * world.market.demand
    assert economics.demand_curve(world, happy_last_hour=10) == [
        (t, rate + (returns if t >= world.now else 0.0))
        for t in (end * i // economics.FORECAST_POINTS for i in range(economics.FORECAST_POINTS))]
    world.advance(3 * HOUR)
    assert economics.forecast_window(world) == (2 * HOUR, 6 * HOUR)


def test_a_tasks_revenue_is_its_contents_price_with_the_packs_surcharge_on_its_buyers():
    world = _quiet_sandbox()
    share, surcharge = world.market.priority_share(), world.market.surcharge
    assert economics.revenue_per_task_cents(world, "sd15") == pytest.approx(50 * (1 + surcharge * share))
    asked = _quiet_sandbox("arrivals.content={image = 1.0}")  # no arrival asks for text: its plain price
    assert economics.revenue_per_task_cents(asked, "llm") == pytest.approx(10 * (1 + surcharge * share))


# incidents.py: the schedule's rules, with a first onset and a gap that differ (both default to 10 minutes).
def test_every_schedule_keeps_its_first_onset_gap_end_kinds_and_deadlines():
    rates = {"rush_batch": 2, "viral_spike": 1, "competitor_cut": 0}
    table = ", ".join(f"{kind} = {rate}" for kind, rate in rates.items())
    spec = load_level(RUSH, ["autopilot.enabled=false", f"incidents.rates={{{table}}}",
                             'incidents.first_after="25m"', 'incidents.gap="7m"'])
    kinds_seen = set()
    for seed in range(12):
        schedule = World(spec, seed=seed).incidents.schedule
        assert [i.id for i in schedule] == list(range(1, len(schedule) + 1))
        assert all(25 * MINUTE <= i.at_ms <= spec.duration_ms - 7 * MINUTE for i in schedule)
        assert all(b.at_ms - a.at_ms >= 7 * MINUTE for a, b in zip(schedule, schedule[1:], strict=False))
        for i in schedule:
            kind = incidents.KINDS[i.kind]
            assert (i.deadline_ms, i.choices, i.default, i.choice, i.by) == (
                i.at_ms + kind.deadline_ms, kind.choices, kind.default, None, "")
            kinds_seen.add(i.kind)
    assert kinds_seen == {"rush_batch", "viral_spike"}  # a kind at rate 0 never comes
    none = load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={rush_batch = 0}"])
    assert World(none, seed=1).incidents.schedule == []


def test_incidents_wait_oldest_first_and_the_players_answer_is_said_as_theirs():
    spec = load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={supplier_offer = 6}",
                             'incidents.gap="1m"'])
    world = World(spec, seed=2)
    first, second = world.incidents.schedule[:2]
    assert second.at_ms < first.deadline_ms  # both open at once
    seen = []
    world.subscribe(lambda e: seen.append(e) if e.kind == Kind.INCIDENT else None)
    world.advance(second.at_ms)
    assert world.incidents.open_now() == [first, second] and queries.open_incidents(world) == [first, second]
    assert world.apply(AnswerIncident(second.id, "decline")).ok
    assert (second.choice, second.by) == ("decline", "player")
    assert (seen[-1].info, seen[-1].ok) == (f"{second.id}:supplier_offer:decline", True)
    assert world.incidents.open_now() == [first]


def test_an_incidents_bonus_and_penalty_are_booked_and_said_with_their_cents_and_nothing_for_zero():
    world = World(load_level(RUSH, ["autopilot.enabled=false", "incidents.rates={rush_batch = 1}"]), seed=2)
    incident = world.incidents.schedule[0]
    seen = []
    world.subscribe(lambda e: seen.append(e) if e.kind == Kind.INCIDENT else None)
    cash = queries.money(world).cash
    world.incidents.outcome(incident, 0)
    world.incidents.outcome(incident, 250)
    world.incidents.outcome(incident, -100)
    assert [(e.info, e.cents) for e in seen] == [(f"{incident.id}:rush_batch:bonus", 250),
                                                 (f"{incident.id}:rush_batch:penalty", -100)]
    assert queries.money(world).cash == cash + 150
    notes = [e.note for e in world.ledger.entries if e.note and e.note.startswith("incident")]
    assert notes == [f"incident {incident.id} rush_batch bonus", f"incident {incident.id} rush_batch penalty"]
