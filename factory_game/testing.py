"""Test helpers for mod authors: build a world from a level with your mod, move it, check that it kept the books
straight and that it is deterministic. Plain functions, usable from any test runner; with pytest, add
`pytest_plugins = ["factory_game.testing"]` to your conftest.py for the `river_world` and `river_run` fixtures.

    from factory_game.testing import assert_deterministic, check_invariants, make_world, run

    def test_my_mod():
        world = make_world("levels/my-level.toml")
        advance(world, 2 * HOUR)
        assert check_invariants(world) == []
        assert_deterministic("levels/my-level.toml")
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from factory_game.level.loader import read_level
from factory_game.modcheck import check_level
from factory_game.plugins import PreparedLevel, open_mods, prepare_level
from factory_game.plugins.levels import find_level
from factory_game.plugins.views import CustomerView, TaskView, WorldView
from factory_game.runner import RunResult, run_level
from factory_game.sim import entities as E
from factory_game.sim.world import World

__all__ = ["advance", "assert_deterministic", "check_invariants", "customer_view", "make_world", "mod_hooks", "run",
           "task_view", "with_settings", "world_view"]


def make_world(level: str | Path, seed: int | None = None, overrides: Iterable[str] = (),
               lenient: bool = False) -> World:
    """A fresh world of a level (a path, a bundled name or `mod-id/level`), its mods loaded and attached (strict:
    a failing mod raises ModFailed). Every customer who ever arrives is kept in
    `world.attached["testing customers"]`, so `check_invariants` can see departed ones."""
    prepared = prepare_level(find_level(str(level)), overrides, lenient=lenient)
    world = prepared.start(seed)
    seen: dict[int, object] = {}
    world.attached["testing customers"] = seen

    def keep(event) -> None:
        if event.customer is not None and event.customer not in seen and event.customer in world.customers:
            seen[event.customer] = world.customers[event.customer]
    world.subscribe(keep)
    return world


def advance(world: World, until_ms: int) -> World:
    """Run every event up to `until_ms` (simulated ms; use HOUR, MINUTE from factory_game.api)."""
    world.advance(until_ms)
    return world


def run(level: str | Path | PreparedLevel, seed: int | None = None, until_ms: int | None = None,
        overrides: Iterable[str] = (), settings: Mapping[str, Mapping[str, object]] | None = None) -> RunResult:
    """A headless run, as `factory-game run` does it: summary, goals, event-log hash. `level` is a path, a bundled
    level's name or `mod-id/level`, as on the command line; `overrides` are `--set` lines
    ("level.mods.0.settings.share=0.5"); `settings` sets mods' settings by mod id, as a level writes them
    (`{"surge": {"step": 0.5, "until": "6h"}}`), over the level's own."""
    if not isinstance(level, PreparedLevel):
        path = find_level(str(level))
        overrides = [*overrides, *(with_settings(path, settings) if settings else [])]
        level = prepare_level(path, overrides)
    return run_level(level, seed=seed, until_ms=until_ms)


def with_settings(level: str | Path, settings: Mapping[str, Mapping[str, object]]) -> list[str]:
    """The `--set` line that gives the level's mods `settings` (mod id -> {name: value}), kept with the level's
    own; ValueError for a mod the level does not use."""
    entries = read_level(find_level(str(level))).data.get("level", {}).get("mods", [])
    tables: list[dict[str, Any]] = [{"id": entry} if isinstance(entry, str) else dict(entry) for entry in entries]
    missing = sorted(set(settings) - {table.get("id") for table in tables})
    if missing:
        raise ValueError(f"settings for {', '.join(missing)}: expected mods the level uses; found "
                         f"{', '.join(str(t.get('id')) for t in tables) or 'no mods'}")
    for table in tables:
        if table["id"] in settings:
            table["settings"] = {**table.get("settings", {}), **settings[table["id"]]}
    return [f"level.mods={_inline_toml(tables)}"]


def _inline_toml(value: object) -> str:
    """A value as inline TOML (tables, arrays, strings, numbers, booleans): what a --set line takes."""
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_inline_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline_toml(item) for item in value) + "]"
    if isinstance(value, bool | int | float | str):
        return json.dumps(value)  # JSON's scalars are TOML's, for these
    raise ValueError(f"a setting value (string, number or boolean); found {value!r}")


def _toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key) else json.dumps(key)


def mod_hooks(mod_id: str) -> list[str]:
    """The hooks an installed mod implements, sorted (it loads with its dependencies, or ModError says why)."""
    return open_mods([(mod_id, "")]).hooks_of(mod_id)


def world_view(world: World) -> WorldView:
    """The read-only view of `world` a hook is handed, to call a hook directly in a unit test."""
    return WorldView(world)


def task_view(world: World, task_id: int) -> TaskView:
    """The view of one of `world`'s tasks (by id) that a rule is handed."""
    for customer in world.customers.values():
        for task in customer.tasks:
            if task.id == task_id:
                return TaskView(task)
    raise KeyError(f"no task {task_id} among the customers present")


def customer_view(world: World, customer_id: int) -> CustomerView:
    """The view of one of `world`'s customers that a rule is handed."""
    return CustomerView(world.customers[customer_id])


def check_invariants(world: World) -> list[str]:
    """What is wrong with the books (an empty list: nothing). Money: each customer's budget is exactly what is
    available, held and spent; every hold is settled at most once and is still open only for a task in flight;
    revenue is what customers spent; cash is start + revenue - upstream. Tasks: each ends one way, and the metrics
    count what the tasks say. Needs a world from `make_world` (it remembers every customer)."""
    customers = world.attached.get("testing customers")
    if customers is None:
        return ["check_invariants needs a world from make_world (it remembers departed customers)"]
    problems = []
    ledger = world.ledger
    for customer in customers.values():
        if customer.available_cents + customer.held_cents + customer.spent_cents != customer.budget_cents:
            problems.append(f"customer {customer.id}: available + held + spent != budget")
        if customer.available_cents < 0:
            problems.append(f"customer {customer.id}: spent more than the budget")
    in_flight = {t.id for c in customers.values() for t in c.tasks if t.state in (E.QUEUED, E.RUNNING)}
    if set(ledger.holds) != in_flight:
        problems.append(f"open holds {sorted(set(ledger.holds) ^ in_flight)[:5]}… do not match the tasks in flight")
    if isinstance(ledger.entries, list):  # every entry kept (a headless world)
        settled = Counter(e.task for e in ledger.entries if e.kind in ("capture", "release"))
        if settled and max(settled.values()) > 1:
            problems.append("a hold was settled twice")
    spent = sum(c.spent_cents for c in customers.values())
    if spent != ledger.revenue_cents:
        problems.append(f"revenue {ledger.revenue_cents} != what customers spent {spent}")
    if ledger.cash_cents != ledger.start_cash_cents + ledger.revenue_cents - ledger.upstream_cents:
        problems.append("cash != start + revenue - upstream")
    states = Counter(t.state for c in customers.values() for t in c.tasks)
    overall = world.summary()["overall"]
    for key, state in (("completed", E.DONE), ("failed", E.FAILED), ("abandoned", E.ABANDONED),
                       ("lost_sales", E.LOST)):
        if overall[key] != states[state]:
            problems.append(f"summary {key} {overall[key]} != tasks in state {state} {states[state]}")
    return problems


def assert_deterministic(level: str | Path, seed: int | None = None, until_ms: int | None = None,
                         hash_seeds: int = 3) -> str:
    """Run the level in separate processes that differ in hash seed, wall-clock time and mod import order, and a
    second time in one of them (see factory_game.modcheck); raise AssertionError naming the first event that
    differs and the hook called before it. Returns the event-log hash."""
    report = check_level(level, seed=seed, until_ms=until_ms, hash_seeds=hash_seeds)
    if report.problems:
        raise AssertionError(str(report))
    return run(level, seed, until_ms).event_hash


try:  # fixtures, for a conftest.py with pytest_plugins = ["factory_game.testing"]
    import pytest
except ImportError:  # pytest is a test-time dependency only
    pass
else:
    @pytest.fixture
    def river_world():
        """`river_world(level, seed=None, overrides=(), lenient=False)` -> a World with its mods, see make_world."""
        return make_world

    @pytest.fixture
    def river_run():
        """`river_run(level, seed=None, until_ms=None, overrides=(), settings=None)` -> a RunResult, see run."""
        return run
