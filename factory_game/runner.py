"""Headless runs: a level, a seed and (optionally) recorded player commands in; a summary and the event-log hash
out. Advancing in chunks (for a progress bar) or in one go gives the same result."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from factory_game.errors import BadInput
from factory_game.level.goals import GoalResult, evaluate, level_stars
from factory_game.level.reader import describe
from factory_game.level.records import checked_command, command_time
from factory_game.plugins import ModFailed, ModSession, PreparedLevel
from factory_game.plugins.provenance import mod_differences
from factory_game.sim.commands import Command
from factory_game.sim.events import EventLog
from factory_game.sim.rules import Rules
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World

HEADLESS_LEDGER_WINDOW = 0  # a headless run reads the ledger's totals only; its movements are in the event log


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
              world_hook: Callable[[World], None] | None = None, mods: ModSession | None = None,
              ledger_window: int | None = HEADLESS_LEDGER_WINDOW) -> RunResult:
    """Run a level headless. `commands` are player commands (time, command) replayed at their times.

    Memory stays flat however long the run: the ledger keeps its running totals and `ledger_window` entries (none
    by default; None keeps every one, for a test that reads them), and every event goes to `events_out` when it is
    given, else only into the log's hash.

    Hand it what `prepare_level` returns (the level's mods make the rules and observe the run). A bare LevelSpec
    (built in code) is prepared here: with the `mods` session and `rules` given, or its own mods opened strict."""
    if not isinstance(level, PreparedLevel):
        level = PreparedLevel.from_spec(level, session=mods, rules=rules)
    world = level.start(seed, ledger_window)
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


class ReplayError(ValueError):
    """A file of player commands that cannot be replayed; the message names the file, the line or command, what was
    expected and what was found."""


@dataclass(frozen=True)
class Replay:
    """What a `--replay` file holds: the player commands, and the level (its id) when it is a run's JSON summary."""

    commands: list[tuple[int, Command]]
    level: str | None = None


def load_commands(path: str) -> list[tuple[int, Command]]:
    """Player commands from a run's JSON summary (its `commands` list) or a JSONL file of command dicts."""
    return read_replay(path).commands


def read_replay(path: str) -> Replay:
    """Read a `--replay` file: a run's JSON summary, a JSON list of commands, or JSON lines (one command each).
    Raises ReplayError for anything else, naming what is wrong."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise ReplayError(f"{path}: expected UTF-8 text (JSON); found an undecodable byte") from None
    if not text.strip():
        raise ReplayError(f"{path}: expected a run's JSON or JSON lines of commands; found an empty file")
    level = None
    try:
        data = _strict_json(text)
        if isinstance(data, dict) and "commands" in data:
            records, level = data["commands"], data.get("level")
        elif isinstance(data, dict):  # one line of JSON lines
            records = [data]
        else:
            records = data
        where = ["commands." + str(i) for i in range(len(records))] if isinstance(records, list) else []
    except json.JSONDecodeError:
        records, where = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(_strict_json(line))
                except (ValueError, RecursionError) as exc:
                    raise ReplayError(f"{path}:{number}: expected a JSON object (a command); found {exc}") from None
                where.append(f"line {number}")
    except (ValueError, RecursionError) as exc:
        raise ReplayError(f"{path}: expected a run's JSON or JSON lines of commands; found {exc}") from None
    if level is not None and not isinstance(level, str):
        raise ReplayError(f"{path}: [level] expected a level id; found {describe(level)}")
    if not isinstance(records, list):
        raise ReplayError(f"{path}: [commands] expected a list of commands; found {describe(records)}")
    out = []
    for record, place in zip(records, where, strict=True):
        if not isinstance(record, dict):
            raise ReplayError(f"{path}: {place}: expected a command (a JSON object); found {describe(record)}")
        if record.get("source", "player") != "player":
            continue
        body = {k: v for k, v in record.items() if k not in ("t", "source", "ok", "reason")}
        try:
            out.append((command_time(record.get("t")), checked_command(body)))
        except ValueError as exc:
            raise ReplayError(f"{path}: {place}: {exc}") from None
    return Replay(out, level)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name}, which is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text}, beyond the range of a number")
    return value


def _strict_json(text: str) -> object:
    """json.loads without NaN, Infinity or numbers that overflow to them."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)


def replay_commands(path: str, level: PreparedLevel, strict: bool = False) -> list[tuple[int, Command]]:
    """The player commands a replay file (a run's JSON record or a command list) holds for `level`, checked as
    `run --replay` and `play --replay` both take them: BadInput when the file is bad or a run of another level, or,
    with `strict`, recorded with other mods; without it, other mods are warned about on stderr."""
    try:
        replay = read_replay(path)
    except ReplayError as exc:
        raise BadInput(f"--replay {exc}") from None
    if replay.level is not None and replay.level != level.spec.id:
        raise BadInput(f"--replay {path}: expected a run of the level {level.spec.id}; found a run of {replay.level}")
    differences = _replayed_mod_differences(path, level.session.record()["mods"])
    if differences and strict:
        raise BadInput(f"--replay {path}: the mods differ from the recorded run: " + "; ".join(differences))
    for line in differences:
        print(f"warning: --replay {path}: {line}; the replay may not match", file=sys.stderr)
    return replay.commands


def _replayed_mod_differences(path: str, current: list[dict[str, Any]]) -> list[str]:
    """How the mods now differ from those the recorded run's JSON lists ([] for a JSONL file of commands)."""
    with open(path, encoding="utf-8-sig") as handle:
        try:
            recorded = json.load(handle)
        except json.JSONDecodeError:
            return []
    if not isinstance(recorded, dict) or not isinstance(recorded.get("mods"), list):
        return []
    return mod_differences(recorded["mods"], current)
