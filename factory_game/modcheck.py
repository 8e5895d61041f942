"""Is a mod deterministic? `factory-game check-mod ID [LEVEL]` runs each of the mod's levels in separate processes
that differ in what a deterministic run must not depend on, and compares their event-log hashes:

- the same hash seed, at a later wall-clock time: a difference means randomness or time read outside the hooks
  (at import, in a thread, or by a library the hook calls: `datetime.now()`, `secrets`), which the guard cannot see;
- other `PYTHONHASHSEED`s: a difference means the order of a set (or of a dict built from one) of strings;
- the level's mods imported in the reverse order: a difference means import-time side effects between mods;
- a second run in the first process: a difference means state kept between runs (module-level globals).

For each difference it names the first event that differs and the hook that ran just before it. What the guard
sees inside a hook (a clock, `datetime.now()`, `os.urandom`, `secrets`, an unseeded `Random()`, the global `random`)
fails the run, and is reported as that run's failure. `factory_game.testing.assert_deterministic` calls
`check_level`."""

from __future__ import annotations

import argparse
import bisect
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from factory_game.level.bundled import bundled_levels
from factory_game.plugins import ModFailed, discover, prepare_level
from factory_game.plugins.levels import find_level, mod_levels
from factory_game.plugins.resolve import resolve
from factory_game.runner import run_level


@dataclass(frozen=True)
class Probe:
    """One run in a process of its own: what differs from the first."""

    label: str
    hash_seed: int
    reverse_imports: bool = False
    twice: bool = False  # also run again in the same process (state kept between runs)


def probes(hash_seeds: int = 3) -> list[Probe]:
    return [Probe("first run", 0, twice=True), Probe("a later run in another process", 0),
            *(Probe(f"PYTHONHASHSEED={n}", n) for n in range(1, hash_seeds + 1)),
            Probe("the level's mods imported in reverse order", 0, reverse_imports=True)]


WHY = {
    "again": "a second run in the same process differs: the mod keeps state between runs (module-level "
             "globals?); keep a run's state in the `state` argument",
    "process": "a run in another process differs with the same hash seed: randomness or time read outside the "
               "hooks (at import, in a thread, or by a library a hook calls)?",
    "hash": "the run depends on Python's hash seed: iterating a set of strings (or a dict built from one)? "
            "iterate sorted(...)",
    "imports": "the run depends on the order the mods are imported: side effects at import time?",
}


@dataclass
class Outcome:
    probe: Probe
    hash: str | None
    failure: str | None
    events: Path
    calls: list[list] = field(default_factory=list)  # [events so far, mod id, hook], in call order
    second_hash: str | None = None
    second_events: Path | None = None
    second_calls: list[list] = field(default_factory=list)


@dataclass
class CheckReport:
    """What `check_level` found for one level: `problems` is empty when every run agreed."""

    level: str
    runs: int
    problems: list[str]

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.level}: deterministic ({self.runs} runs in {self.runs - 1} separate processes agree)"
        return f"{self.level}: NOT deterministic\n" + "\n".join(f"  - {problem}" for problem in self.problems)


def check_level(level: str | Path, seed: int | None = None, until_ms: int | None = None,
                hash_seeds: int = 3) -> CheckReport:
    """Run `level` in separate processes (see the module docstring) and compare them."""
    path = find_level(str(level))
    with tempfile.TemporaryDirectory(prefix="river-check-") as work:
        outcomes = [_run_probe(probe, path, seed, until_ms, Path(work) / f"run{index}")
                    for index, probe in enumerate(probes(hash_seeds))]
        return CheckReport(str(level), len(outcomes) + 1, _compare(outcomes))


def _compare(outcomes: list[Outcome]) -> list[str]:
    problems = []
    failures = {o.failure for o in outcomes if o.failure}
    for failure in sorted(failures):
        labels = [o.probe.label for o in outcomes if o.failure == failure]
        problems.append(f"the run failed ({', '.join(labels)}): {failure}")
    base = outcomes[0]
    if base.hash is None:
        return problems
    if base.second_hash is not None and base.second_hash != base.hash:
        assert base.second_events is not None
        problems.append(WHY["again"] + _divergence(base.events, base.calls, base.second_events, base.second_calls))
    for other in outcomes[1:]:
        if other.hash is None or other.hash == base.hash:
            continue
        why = WHY["imports"] if other.probe.reverse_imports else \
            WHY["process"] if other.probe.hash_seed == base.probe.hash_seed else WHY["hash"]
        problems.append(f"{other.probe.label}: {why}" + _divergence(base.events, base.calls, other.events,
                                                                     other.calls))
    return problems


def _divergence(first: Path, first_calls: list[list], second: Path, second_calls: list[list]) -> str:
    """The first event that differs between two event logs, and the hook each run called just before it."""
    with first.open(encoding="utf-8") as a, second.open(encoding="utf-8") as b:
        index = 0
        while True:
            line_a, line_b = a.readline(), b.readline()
            if line_a != line_b:
                break
            if not line_a:
                return ""
            index += 1
    shown = [line.strip() or "(no more events)" for line in (line_a, line_b)]
    before = [_hook_before(calls, index) for calls in (first_calls, second_calls)]
    hook = before[0] if before[0] == before[1] else f"{before[0]} / {before[1]}"
    return (f"\n      first different event #{index}: {shown[0]}\n      against: {shown[1]}\n"
            f"      the hook called just before it: {hook}")


def _hook_before(calls: list[list], index: int) -> str:
    position = bisect.bisect_right([call[0] for call in calls], index) - 1
    if position < 0:
        return "none (no hook had been called yet)"
    _count, mod_id, hook = calls[position]
    return f"mod {mod_id} {hook}"


def _run_probe(probe: Probe, level: Path, seed: int | None, until_ms: int | None, stem: Path) -> Outcome:
    out = stem.with_suffix(".json")
    command = [sys.executable, "-m", "factory_game.modcheck", str(level), "--out", str(out), "--events",
               str(stem.with_suffix(".jsonl"))]
    command += ["--seed", str(seed)] if seed is not None else []
    command += ["--until-ms", str(until_ms)] if until_ms is not None else []
    command += ["--reverse-imports"] if probe.reverse_imports else []
    command += ["--twice"] if probe.twice else []
    here = str(Path(__file__).resolve().parents[1])  # the child runs this very copy of the game
    env = {**os.environ, "PYTHONHASHSEED": str(probe.hash_seed), "ARCADE_HEADLESS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if not out.exists():
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return Outcome(probe, None, f"the process ended with exit {done.returncode}: {tail}", stem)
    data = json.loads(out.read_text(encoding="utf-8"))
    return Outcome(probe, data["hash"], data["failure"], stem.with_suffix(".jsonl"), data["calls"],
                   data.get("second_hash"), stem.with_suffix(".2.jsonl"), data.get("second_calls", []))


def _child(argv: Sequence[str]) -> int:
    """One probe's run, in its own process: the event log to --events, hashes and hook calls to --out."""
    parser = argparse.ArgumentParser(prog="python -m factory_game.modcheck")
    parser.add_argument("level")
    parser.add_argument("--out", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--until-ms", type=int)
    parser.add_argument("--reverse-imports", action="store_true")
    parser.add_argument("--twice", action="store_true")
    args = parser.parse_args(argv)
    if args.reverse_imports:
        _import_mods_reversed(Path(args.level))
    record: dict = {}
    record["hash"], record["failure"], record["calls"] = _one_run(args, Path(args.events))
    if args.twice:
        record["second_hash"], _failure, record["second_calls"] = _one_run(
            args, Path(args.events).with_suffix(".2.jsonl"))
    Path(args.out).write_text(json.dumps(record), encoding="utf-8")
    return 0


def _one_run(args: argparse.Namespace, events: Path) -> tuple[str | None, str | None, list[list]]:
    prepared = prepare_level(args.level)
    calls: list[list] = []
    seen = [0]

    def count(_event: object) -> None:
        seen[0] += 1

    prepared.session.guard.listener = lambda mod_id, hook: calls.append([seen[0], mod_id, hook])
    with events.open("w", encoding="utf-8") as out:
        try:
            result = run_level(prepared, seed=args.seed, until_ms=args.until_ms, events_out=out,
                               world_hook=lambda world: world.subscribe(count))
        except ModFailed as exc:
            partial = exc.partial
            return (partial.event_hash if partial is not None else None), str(exc.failure), calls
    return result.event_hash, None, calls


def _import_mods_reversed(level: Path) -> None:
    """Import the level's mods last-first before the level opens them (which then finds them imported)."""
    data = tomllib.loads(level.read_text(encoding="utf-8"))
    entries = data.get("level", {}).get("mods", [])
    requests = [(entry, "") if isinstance(entry, str) else (entry.get("id"), entry.get("version", ""))
                for entry in entries]
    for info in reversed(resolve(requests, discover())):
        info.load()


def levels_of(mod_id: str) -> list[tuple[str, Path]]:
    """(name, path) of the levels that use a mod: those it ships and the bundled ones that name it."""
    out = [(name, path) for name, path in mod_levels() if name.startswith(f"{mod_id}/")]
    for path in bundled_levels():
        try:
            entries = tomllib.loads(path.read_text(encoding="utf-8")).get("level", {}).get("mods", [])
        except (OSError, tomllib.TOMLDecodeError):
            continue
        ids = {entry if isinstance(entry, str) else entry.get("id") for entry in entries}
        if mod_id in ids:
            out.append((str(path.with_suffix("")).split("levels/", 1)[-1], path))
    return out


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
