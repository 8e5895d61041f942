"""The survivors of an eighth sample of sim/ (bench/results/mutation-2026-12-07-sim-sample-8.md), drawn after the
seventh sample's tests: a replica's KV cache after an outage, `RIVER_PURE`, an instant model's margin, the event log's
lines learnt afresh, the chart's minute samples, and a world left with no listener."""

from __future__ import annotations

import io
import json

from factory_game.level import load_level
from factory_game.levelkit import level, model
from factory_game.sim import economics, events, queries
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Arrive
from factory_game.sim.distributions import Dist
from factory_game.sim.events import EventLog
from factory_game.sim.prompt import SHOWN_WAIT_CAP_MS, predicted_wait_ms
from factory_game.sim.spec import ScriptedEvent
from factory_game.sim.world import World


def test_a_replica_back_from_an_outage_has_its_whole_kv_cache_free(tmp_path):
    """The outage failed what the replica held; after it, two requests that exactly fill the KV cache (2 x 120 of
    240 tokens) are served together, the second not kept waiting for the first to finish."""
    from tests.planner.test_batching import DECODE, PREFILL, level_text

    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n1.000,100,2000\n60.000,100,20\n60.000,100,20\n",
                                      encoding="utf-8")
    outage = '\n[[events]]\nkind = "outage"\nat = "5s"\nmodel = "llm"\nslots = 1\nduration = "10s"\n'
    (tmp_path / "level.toml").write_text(level_text(1, 8, 240) + outage, encoding="utf-8")
    world = World(load_level(tmp_path / "level.toml"))
    world.advance(HOUR)
    figures = world.models["llm"].batched.summary()
    assert world.summary()["models"]["llm"]["failed"] == 1 and figures["output_tokens"] == 40
    assert figures["batch_mean"] > 1
    assert figures["ttft_p99_ms"] < PREFILL.ms(100) + 19 * DECODE.ms(1)  # less than one request's whole time


def test_river_pure_is_named_as_the_reason_for_the_pure_sources(monkeypatch):
    from factory_game.sim import core

    monkeypatch.setenv("RIVER_PURE", "1")
    assert core.pure_reason() == "RIVER_PURE is set"


def test_a_model_whose_tasks_take_no_time_shows_minus_its_rent_as_its_margin():
    """No mean service time, no tasks-per-hour figure: a busy hour earns nothing the panel can reckon."""
    instant = model(service=Dist.fixed(0))
    world = World(level(instant))
    assert economics.margin_per_busy_slot_hour_cents(world, "sd15") == -instant.rent_price_cents


def test_the_event_logs_lines_are_written_when_it_learns_each_kind_afresh():
    """The log as a run's only listener, its line builders forgotten: each line is still the event's JSON."""
    events._LINE_BUILDERS.clear()
    out = io.StringIO()
    log = EventLog(out)
    world = World(level(model(slots=1)))
    world.subscribe(log)
    world.apply(Arrive("L1", ("image",)))
    world.advance(HOUR)
    log.close()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == log.count and {line["kind"] for line in lines} >= {"arrive", "queue", "start", "finish"}


def test_each_minute_sample_shows_each_models_queue_busy_capacity_rented_and_predicted_wait():
    """What the charts draw; a model with no slot serving shows the capped wait, not infinity."""
    outage = ScriptedEvent("outage", 2 * MINUTE, HOUR, model="sd15", slots=1)
    world = World(level(model(slots=1, service=Dist.fixed(HOUR)), events=(outage,)))
    world.apply(Arrive("L1", ("image",)))
    world.apply(Arrive("L2", ("image",)))
    world.advance(MINUTE)
    m = world.models["sd15"]
    (point,) = queries.recent_series(world, MINUTE)
    assert point["models"] == {"sd15": {"queue": 1, "busy": 1, "capacity": 1, "rented": 0,
                                        "predicted_wait_ms": predicted_wait_ms(m)}}
    world.advance(3 * MINUTE)
    (point,) = queries.recent_series(world, 3 * MINUTE)
    down = point["models"]["sd15"]
    assert down["capacity"] == 0 and down["predicted_wait_ms"] == SHOWN_WAIT_CAP_MS


def test_a_world_whose_last_listener_leaves_runs_on_unheard():
    world = World(level(model(slots=1)))
    seen = []
    world.subscribe(seen.append)
    world.apply(Arrive("L1", ("image",)))
    world.unsubscribe(seen.append)
    heard = len(seen)
    world.advance(HOUR)
    assert len(seen) == heard and world.summary()["overall"]["customers"] == 1
