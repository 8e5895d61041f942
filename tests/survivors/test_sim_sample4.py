"""The survivors of a fourth sample of sim/ (bench/results/mutation-2026-12-06-sim-sample-4.md): the tier mix a price
moves, replayed budgets, a batched request's tokens, edges of the forecast window, the pack switched back on, price
markers, utilisation, the JSON lines' builders, a rush batch's budget, the face's market state, refusal words and
values, and what a returning or giving-up customer carries."""

from __future__ import annotations

import json
from dataclasses import replace

from factory_game.level import load_level
from factory_game.levelkit import level, model, with_arrivals
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics, events, queries
from factory_game.sim.arrivals import Arrivals
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import AnswerIncident, Arrive, Rent, SetPrice, SetPrioritySales
from factory_game.sim.distributions import Dist
from factory_game.sim.rng import RngStreams
from factory_game.sim.spec import PromptSpec, ScriptedEvent, TraceArrival
from factory_game.sim.world import World


def test_a_dear_price_thins_the_price_sensitive_tiers_in_the_arriving_mix():
    world = World(load_level(LEVELS_DIR / "career" / "day.toml"))
    before = dict(world.market.tier_weights)
    assert world.apply(SetPrice("image", 3 * world.market.prices["image"])).ok
    after = dict(world.market.tier_weights)
    assert after["L1"] / before["L1"] < after["L3"] / before["L3"]


def test_a_replayed_request_draws_its_budget_when_the_level_does_not_fix_it():
    spec = with_arrivals(level(model()), budget=Dist.uniform(100, 200))
    drawn = Arrivals(spec, RngStreams(1), prompts_on=False).draw_replayed(TraceArrival(at_ms=0))
    assert type(drawn[2]) is int and 100 <= drawn[2] <= 200


def _batched_world(tmp_path):
    from tests.planner.test_batching import level_text

    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n1.000,100,20\n", encoding="utf-8")
    path = tmp_path / "level.toml"
    path.write_text(level_text(1, 8), encoding="utf-8")
    return World(load_level(path))


def test_a_requests_missing_tokens_are_drawn_and_the_logged_ones_kept(tmp_path):
    from types import SimpleNamespace

    server = _batched_world(tmp_path).models["llm"].batched
    for logged in ((50, None), (None, 7)):
        task = SimpleNamespace(tokens=logged)
        answer = server._tokens(task)
        assert answer == task.tokens and all(type(n) is int and n >= 1 for n in task.tokens)
        assert [n for n, given in zip(task.tokens, logged, strict=True) if given is not None] == \
            [given for given in logged if given is not None]


def test_a_batched_model_with_no_request_yet_reports_zero_latencies(tmp_path):
    summary = _batched_world(tmp_path).models["llm"].batched.summary()
    assert summary["ttft_mean_ms"] == 0.0


def test_a_level_exactly_as_long_as_the_long_level_line_shows_the_whole_day():
    world = World(replace(level(model()), duration_ms=economics.LONG_LEVEL_MS))
    world.advance(3 * HOUR)
    assert economics.forecast_window(world) == (0, economics.LONG_LEVEL_MS)


def test_the_pack_switched_back_on_says_its_share():
    world = World(load_level(LEVELS_DIR / "campaign" / "02-priority-pack.toml"))
    world.apply(SetPrioritySales(False))
    key, values = economics.lever_effect(world, SetPrioritySales(True))
    assert key == "pack" and values["share"] > 0


def test_a_price_event_is_a_price_marker():
    event = ScriptedEvent("price", HOUR, 0, content="image", price_cents=90)
    (marker,) = economics.markers(World(level(model(), events=(event,))))
    assert (marker.kind, marker.at_ms, marker.end_ms) == ("price", HOUR, HOUR)


def test_one_slot_busy_all_the_time_is_fully_used():
    """Exactly 1.0, after a second as after an hour: nothing but the slot's own time is in the sum."""
    world = World(level(model(slots=1, service=Dist.fixed(HOUR))))
    world.apply(Arrive("L1", ("image",)))
    world.advance(1_000)
    assert world.summary()["models"]["sd15"]["utilisation"] == 1.0
    world.advance(HOUR)
    assert world.summary()["models"]["sd15"]["utilisation"] == 1.0


def test_each_kinds_json_line_is_built_afresh_as_json_writes_it():
    """The shaped line builders (`event_line`) are learnt per kind on first use: cleared, they learn again and each
    line is the canonical JSON of the event."""
    events._LINE_BUILDERS.clear()
    world = World(level(model(slots=1)))
    seen = []
    world.subscribe(seen.append)
    world.apply(Arrive("L1", ("image",)))
    world.advance(HOUR)
    for event in seen:
        assert json.loads(events.event_line(event)) == {k: v for k, v in event.to_dict().items() if v is not None}


def test_a_rush_batch_brings_a_studio_whose_budget_covers_its_tasks_three_times_and_a_cent():
    world = World(load_level(LEVELS_DIR / "campaign" / "04-rush-hour.toml",
                             ["incidents.rates={rush_batch = 1}", "autopilot.enabled=false"]), seed=2)
    incident = world.incidents.schedule[0]
    world.advance(incident.at_ms)
    price = world.market.prices[incident.params["content"]]
    before = set(world.customers)
    assert world.apply(AnswerIncident(incident.id, "accept")).ok
    (studio,) = [world.customers[c] for c in set(world.customers) - before
                 if len(world.customers[c].tasks) == incident.params["tasks"]]
    assert studio.budget_cents == incident.params["tasks"] * price * 3 + 1


def test_the_market_as_the_face_reads_it():
    world = World(load_level(LEVELS_DIR / "campaign" / "02-priority-pack.toml"))
    world.apply(SetPrioritySales(False))
    state = queries.market_state(world)
    assert state.priority_on_sale is False and state.demand == world.market.demand


def test_a_newcomer_with_too_many_tasks_is_refused_in_words():
    from factory_game.sim.rules import MAX_TASKS_PER_CUSTOMER, Newcomer, check_customer

    world = World(level(model()))
    many = Newcomer("L1", False, 0, 0, ("image",) * (MAX_TASKS_PER_CUSTOMER + 1))
    assert check_customer(many, world, many).endswith(
        f"expected a tuple of 1 to {MAX_TASKS_PER_CUSTOMER} content types, one per task")


def test_a_spot_market_short_of_slots_says_how_many_are_left():
    world = World(load_level(LEVELS_DIR / "campaign" / "04-rush-hour.toml",
                             ["autopilot.enabled=false", "spot.stock=30", "spot.others=0.5"]), seed=4)
    left = world.spot.available()
    refused = world.apply(Rent("sd15", left + 1))
    assert not refused.ok and (refused.code, dict(refused.values)) == ("spot_short", {"left": left})


def test_a_returning_customer_comes_back_content_and_one_who_gives_up_is_leaving():
    spec = with_arrivals(level(model(slots=1)), return_probability=1.0, return_after=Dist.fixed(MINUTE))
    world = World(spec)
    seen = []
    world.subscribe(lambda e: seen.append((e.kind, e.info, e.customer)))
    world.apply(Arrive("L1", ("image",)))
    world.advance(20 * MINUTE)
    back = [c for kind, info, c in seen if kind == "arrive" and info and info.startswith("return:")]
    assert back and world.customers[back[0]].cause == ""

    asking = World(level(model(slots=1), prompt=PromptSpec(enabled=True, multiplier=0.5)))
    states = []
    asking.subscribe(lambda e: states.append(asking.customers[e.customer].state) if e.kind == "abandon" else None)
    for _ in range(3):
        asking.apply(Arrive("L1", ("image",), patience_ms=0))
    asking.advance(HOUR)
    assert states and set(states) == {"leaving"}

