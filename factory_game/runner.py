"""Headless runs: a level, a seed and (optionally) recorded player commands in; a summary and the event-log hash
out. Advancing in chunks (for a progress bar) or in one go gives the same result."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from factory_game.level.goals import GoalResult, evaluate, level_stars
from factory_game.plugins import ModFailed, ModSession, PreparedLevel
from factory_game.sim.commands import Command, command_from_dict
from factory_game.sim.events import EventLog
from factory_game.sim.rules import Rules
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World


@dataclass
class RunResult:
    spec: LevelSpec
    seed: int
    summary: dict
    event_hash: str
    event_count: int
    commands: list[dict]
    goals: list[GoalResult] = field(default_factory=list)
    world: World | None = None
    mods: dict = field(default_factory=lambda: {"mods": [], "mod_failures": []})  # ModSession.record()
    stopped: str | None = None  # why a strict run stopped before its end (a mod failed); the summary is partial

    @property
    def stars(self) -> int:
        return level_stars(self.goals)

    @property
    def goals_met(self) -> bool:
        return all(r.met for r in self.goals)

    def to_json(self) -> dict:
        return {
            "level": self.spec.id,
            "source": self.spec.source,
            "seed": self.seed,
            "event_log_sha256": self.event_hash,
            "events": self.event_count,
            "stars": self.stars,
            "goals": [
                {"metric": r.goal.metric, "value": r.value, "stars": r.stars, "met": r.met,
                 "direction": "at_least" if r.goal.at_least else "at_most", "thresholds": list(r.goal.stars)}
                for r in self.goals
            ],
            "commands": self.commands,
            **self.mods,
            **({"stopped": self.stopped} if self.stopped else {}),
            "summary": self.summary,
        }


def run_level(level: PreparedLevel | LevelSpec, seed: int | None = None, until_ms: int | None = None,
              commands: Iterable[tuple[int, Command]] = (), rules: Rules | None = None,
              events_out: IO[str] | None = None, progress: Callable[[int, int], None] | None = None,
              world_hook: Callable[[World], None] | None = None, mods: ModSession | None = None) -> RunResult:
    """Run a level headless. `commands` are player commands (time, command) replayed at their times.

    Hand it what `prepare_level` returns (the level's mods make the rules and observe the run). A bare LevelSpec
    (built in code) is prepared here: with the `mods` session and `rules` given, or its own mods opened strict."""
    if not isinstance(level, PreparedLevel):
        level = PreparedLevel.from_spec(level, session=mods, rules=rules)
    world = level.start(seed)
    log = EventLog(events_out)
    world.subscribe(log)
    if world_hook is not None:
        world_hook(world)
    try:
        level.replay(world, commands, until_ms, progress)
        return _result(level, world, log)  # a mod's river_metrics may fail here, in the summary
    except ModFailed as exc:  # strict: the run stops; what it did so far is still reported (partial)
        exc.partial = _result(level, world, log, stopped=str(exc.failure))  # the failed mod is off: its metrics 0
        raise


def _result(level: PreparedLevel, world: World, log: EventLog, stopped: str | None = None) -> RunResult:
    world.settle_costs()
    summary = world.summary()
    return RunResult(level.spec, world.seed, summary, log.hexdigest(), log.count,
                     [r.to_dict() for r in world.commands], evaluate(level.spec, summary), world,
                     level.session.record(), stopped)


def load_commands(path: str) -> list[tuple[int, Command]]:
    """Player commands from a run's JSON summary (its `commands` list) or a JSONL file of command dicts."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = json.loads(text)
        records = data["commands"] if isinstance(data, dict) else data
    except json.JSONDecodeError:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    out = []
    for record in records:
        if record.get("source", "player") != "player":
            continue
        body = {k: v for k, v in record.items() if k not in ("t", "source", "ok", "reason")}
        out.append((int(record["t"]), command_from_dict(body)))
    return out
