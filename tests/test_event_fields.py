"""Every event names what it is about (docs/engine.md, "Events"): each kind carries its fields, and a task's events
agree with each other on its customer and its model, on the bundled levels that between them make every kind."""

from __future__ import annotations

from collections import Counter

import pytest

from factory_game.level import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import CloseTier
from factory_game.sim.events import Event, Kind
from factory_game.sim.world import World

# The fields each kind must set (the others may be None).
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.ARRIVE: ("customer",),
    Kind.ADMIT: ("customer", "task", "model"),
    Kind.LOST_SALE: ("customer", "task", "model", "cents"),
    Kind.QUEUE: ("customer", "task", "model"),
    Kind.START: ("customer", "task", "model", "slot"),
    Kind.FINISH: ("customer", "task", "model", "slot"),
    Kind.FAIL: ("customer", "task", "model", "slot", "info"),
    Kind.RETRY: ("customer", "task", "model"),
    Kind.PROMPT: ("customer", "model", "info"),
    Kind.ANSWER: ("customer", "ok"),
    Kind.ABANDON: ("customer", "task", "model"),
    Kind.LEAVE: ("customer", "ok"),
    Kind.HOLD: ("customer", "task", "cents"),
    Kind.CAPTURE: ("customer", "task", "cents"),
    Kind.RELEASE: ("customer", "task", "cents", "info"),
    Kind.UPSTREAM_COST: ("model", "cents", "info"),
    Kind.RENT: ("model", "cents", "info"),
    Kind.SLOT_ARRIVE: ("model", "slot"),
    Kind.SLOT_LEAVE: ("model", "slot"),
    Kind.SLOT_DOWN: ("model", "slot", "info"),
    Kind.SLOT_UP: ("model", "slot"),
    Kind.COMMAND: ("info", "ok"),
    Kind.INCIDENT: ("info",),
}
RUNS = [("sandbox.toml", 7, ['level.duration="3h"', "models.sd15.failure_rate=0.1", "models.sd15.retries=1"]),
        ("campaign/05-outage.toml", 5, []), ("campaign/09-keep-waiting.toml", 9, []),
        ("campaign/02-priority-pack.toml", 2, [])]
DOOR = (30 * MINUTE, 90 * MINUTE)  # the first tier's door is closed for this stretch of each run: refusals too


class Checker:
    """Checks each event as it comes: its kind's fields, time that never goes back, and a task's customer and model
    the same in every event about it."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.customer_of: dict[int, int] = {}
        self.model_of: dict[int, str] = {}
        self.now = 0

    def __call__(self, event: Event) -> None:
        self.kinds[event.kind] += 1
        missing = [name for name in REQUIRED[event.kind] if getattr(event, name) is None]
        assert not missing, f"{event} lacks {missing}"
        assert event.time >= self.now, f"{event} goes back in time"
        self.now = event.time
        if event.task is not None:
            assert self.customer_of.setdefault(event.task, event.customer) == event.customer, event
            if event.model is not None:
                assert self.model_of.setdefault(event.task, event.model) == event.model, event
        if event.cents is not None and event.kind in (Kind.HOLD, Kind.CAPTURE, Kind.RELEASE, Kind.UPSTREAM_COST):
            assert event.cents >= 0, event


@pytest.mark.parametrize(("name", "seed", "overrides"), RUNS, ids=[r[0] for r in RUNS])
def test_each_event_names_what_it_is_about(name, seed, overrides):
    checker = _run(name, seed, overrides)
    assert checker.kinds[Kind.FINISH] > 50


def _run(name: str, seed: int, overrides: list[str]) -> Checker:
    world = World(load_level(LEVELS_DIR / name, overrides), seed=seed)
    checker = Checker()
    world.subscribe(checker)
    world.advance(DOOR[0])
    world.apply(CloseTier(world.spec.tiers[0][0], (DOOR[1] - DOOR[0]) // MINUTE))  # refused where intake is locked
    world.run()
    assert all(type(entry.time) is int for entry in world.ledger.entries)  # the books are dated too
    return checker


def test_the_runs_make_every_kind():
    seen: Counter[str] = Counter()
    for name, seed, overrides in RUNS:
        seen.update(_run(name, seed, overrides).kinds)
    assert set(Kind) - set(seen) == set()


def test_a_batched_models_events_name_what_they_are_about_through_an_outage_and_a_release(tmp_path):
    """Replicas with continuous batching (sim/batching.py): a failed batch's requests say why, and a rented replica
    released while idle leaves."""
    from factory_game.sim.commands import Release, Rent
    from tests.planner.test_batching import level_text, poisson

    arrivals = poisson(5, 30.0, 12000, (200, 800), (50, 200))  # busy: the rented replica is mid-batch
    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n" + "".join(
        f"{t / 1000:.3f},{p},{o}\n" for t, p, o in arrivals), encoding="utf-8")
    level = tmp_path / "level.toml"
    level.write_text(level_text(1, 8) + '\n[[events]]\nkind = "outage"\nat = "30s"\nmodel = "llm"\nslots = 1\n'
                     'duration = "20s"\n', encoding="utf-8")
    world = World(load_level(level))
    checker = Checker()
    world.subscribe(checker)
    world.apply(Rent("llm", 1))
    world.advance(5 * MINUTE)
    world.apply(Release("llm", 1))
    world.run()
    assert checker.kinds[Kind.FAIL] > 0 and checker.kinds[Kind.SLOT_LEAVE] == 1
