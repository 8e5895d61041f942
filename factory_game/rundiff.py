"""What changed between two runs: `factory-game diff A B` over two run records (`run --json`) or two event logs
(`run --events`, JSON lines). For records: every figure (summary, goals, stars, event count) that moved beyond its
tolerance, the first command that differs, and whether the event logs' hashes agree; for event logs: the first
event that differs. Golden tests call `diff_records` for their failure message.

Tolerances map a figure's dotted path, or a glob of paths (`summary.models.*.p95_wait_ms`), to the change
allowed: an absolute number (`25`) or a share of the first run's value (`"2%"`). A record may carry its own under
`"tolerances"` (a golden where a change is intended); tolerances given to the call add to and override those.
Without one a figure must be equal."""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# 1 is "a goal was missed" and 3 "internal error" everywhere in the command line, so "the runs differ" is 4
EXIT_SAME, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 4, 2
COMPARED = ("summary", "goals", "stars", "events")  # the parts of a record that are results (not identity)
Tolerance = float | str


@dataclass(frozen=True)
class Moved:
    """A figure that moved beyond its tolerance (None: present in one run only)."""

    path: str
    a: float | None
    b: float | None
    allowed: Tolerance = 0

    def __str__(self) -> str:
        if self.a is None or self.b is None:
            return f"{self.path}: {_show(self.a)} -> {_show(self.b)} (only in one run)"
        change = self.b - self.a
        share = f", {change / self.a:+.1%}" if self.a else ""
        return f"{self.path}: {_show(self.a)} -> {_show(self.b)} ({change:+g}{share}; allowed {self.allowed})"


@dataclass
class Diff:
    """The differences between run A and run B; `str()` is a readable report and `bool()` says whether any."""

    moved: list[Moved] = field(default_factory=list)
    within: int = 0  # figures that changed but stayed within their tolerance
    first_event: tuple[int, str, str] | None = None  # (index, A's line, B's line), from event logs
    first_command: tuple[int, object, object] | None = None
    hashes: tuple[str | None, str | None] = (None, None)
    tolerant: bool = False  # tolerances were given: a change is intended, so the event logs may differ

    def __bool__(self) -> bool:
        return bool(self.moved or self.first_event or self.first_command
                    or (self.same_events is False and not self.tolerant))

    @property
    def same_events(self) -> bool | None:
        a, b = self.hashes
        return None if a is None or b is None else a == b

    def __str__(self) -> str:
        lines = []
        if self.same_events is not None:
            lines.append("event logs: identical" if self.same_events else
                         f"event logs differ (sha256 {str(self.hashes[0])[:12]}… vs {str(self.hashes[1])[:12]}…)")
        if self.first_event is not None:
            index, a, b = self.first_event
            lines += [f"first different event #{index}:", f"  A: {a}", f"  B: {b}"]
        if self.first_command is not None:
            number, command_a, command_b = self.first_command
            lines += [f"first different command #{number}:", f"  A: {command_a}", f"  B: {command_b}"]
        if self.moved:
            lines.append(f"{len(self.moved)} figure(s) moved beyond tolerance:")
            lines += [f"  {moved}" for moved in self.moved]
        if self.within:
            lines.append(f"{self.within} figure(s) changed within tolerance")
        if not self:
            lines.append("no difference beyond the tolerances" if self.tolerant else "no difference")
        return "\n".join(lines)


def figures(record: Mapping) -> dict[str, float]:
    """Every number among a record's results, by dotted path (goals by their metric)."""
    out: dict[str, float] = {}

    def walk(value: object, path: str) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            out[path] = value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                name = item.get("metric") if isinstance(item, Mapping) and "metric" in item else index
                walk(item, f"{path}.{name}")

    for key in COMPARED:
        if key in record:
            walk(record[key], key)
    return out


def diff_records(a: Mapping, b: Mapping, tolerances: Mapping[str, Tolerance] | None = None) -> Diff:
    """Compare two run records (A the reference: its `"tolerances"`, then `tolerances`, say what may move)."""
    allowed = {**dict(a.get("tolerances") or {}), **dict(tolerances or {})}
    for pattern, tolerance in allowed.items():
        _check_tolerance(pattern, tolerance)
    diff = Diff(hashes=(a.get("event_log_sha256"), b.get("event_log_sha256")), tolerant=bool(allowed))
    first, second = figures(a), figures(b)
    for path in sorted(set(first) | set(second)):
        x, y = first.get(path), second.get(path)
        if x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)):
            continue
        tolerance = _tolerance(path, allowed)
        if x is not None and y is not None and abs(y - x) <= _absolute(tolerance, x):
            diff.within += 1
        else:
            diff.moved.append(Moved(path, x, y, tolerance))
    commands_a, commands_b = a.get("commands") or [], b.get("commands") or []
    for index in range(max(len(commands_a), len(commands_b))):
        ca = commands_a[index] if index < len(commands_a) else None
        cb = commands_b[index] if index < len(commands_b) else None
        if ca != cb:
            diff.first_command = (index, ca, cb)
            break
    return diff


def diff_event_logs(a: Iterable[str], b: Iterable[str]) -> Diff:
    """The first event that differs between two event logs (lines of JSON)."""
    diff = Diff()
    iter_a, iter_b = iter(a), iter(b)
    index = 0
    while True:
        line_a, line_b = next(iter_a, None), next(iter_b, None)
        if line_a is None and line_b is None:
            return diff
        if (line_a or "").rstrip("\n") != (line_b or "").rstrip("\n"):
            diff.first_event = (index, (line_a or "(no more events)").rstrip("\n"),
                                (line_b or "(no more events)").rstrip("\n"))
            return diff
        index += 1


def diff_files(a: Path, b: Path, tolerances: Mapping[str, Tolerance] | None = None) -> Diff:
    """Two run records, or two event logs (told apart by their first character: a record is one JSON object)."""
    kinds = [_kind(path) for path in (a, b)]
    if kinds[0] != kinds[1]:
        raise ValueError(f"{a} is {kinds[0]} and {b} is {kinds[1]}: compare two of a kind")
    if kinds[0] == "an event log":
        with a.open(encoding="utf-8") as first, b.open(encoding="utf-8") as second:
            return diff_event_logs(first, second)
    return diff_records(_read_record(a), _read_record(b), tolerances)


def _kind(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: expected a readable run record or event log; found {type(exc).__name__}: "
                         f"{exc}") from None
    first_line = text.lstrip().split("\n", 1)[0]
    try:
        value = json.loads(first_line)
    except json.JSONDecodeError:
        return "a run record"
    return "an event log" if isinstance(value, list | dict) and text.strip().count("\n") else "a run record"


def _read_record(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: expected a run record (run --json); found invalid JSON: "
                         f"{exc.msg}") from None
    if not isinstance(value, dict) or "summary" not in value:
        raise ValueError(f"{path}: expected a run record (run --json, with a summary); found {type(value).__name__}")
    return value


def _tolerance(path: str, allowed: Mapping[str, Tolerance]) -> Tolerance:
    if path in allowed:
        return allowed[path]
    matches = [pattern for pattern in allowed if fnmatch.fnmatchcase(path, pattern)]
    return allowed[max(matches, key=len)] if matches else 0  # the most specific pattern wins


def _absolute(tolerance: Tolerance, reference: float) -> float:
    if isinstance(tolerance, str):
        return abs(reference) * float(tolerance.rstrip("%")) / 100
    return float(tolerance)


def _check_tolerance(pattern: str, tolerance: object) -> None:
    ok = isinstance(tolerance, int | float) and not isinstance(tolerance, bool) and tolerance >= 0
    if isinstance(tolerance, str) and tolerance.endswith("%"):
        try:
            ok = float(tolerance[:-1]) >= 0
        except ValueError:
            ok = False
    if not ok:
        raise ValueError(f"[tolerances.{pattern}] expected a number >= 0 or a share like \"2%\"; found "
                         f"{tolerance!r}")


def _number(text: str, item: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--tolerance: expected PATH=NUMBER or PATH=SHARE%; found {item!r}") from None


def _show(value: float | None) -> str:
    return "absent" if value is None else f"{value:g}"


def add_diff_command(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diff", help="compare two runs (run --json records, or run --events logs): the figures "
                                         "that moved beyond a tolerance and the first event that differs")
    parser.add_argument("a", metavar="A", help="the reference run record or event log")
    parser.add_argument("b", metavar="B", help="the run to compare with it")
    parser.add_argument("--tolerance", action="append", default=[], metavar="PATH=TOL",
                        help="allow a figure (or glob) to move: summary.overall.revenue_cents=100 or ...=2%%")
    parser.set_defaults(handler=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    """Exit 0 when the runs agree within the tolerances, 4 when they differ, 2 on bad input."""
    tolerances: dict[str, Tolerance] = {}
    try:
        for item in args.tolerance:
            path, sep, value = item.partition("=")
            if not sep or not path:
                raise ValueError(f"--tolerance: expected PATH=NUMBER or PATH=SHARE%; found {item!r}")
            tolerances[path] = value if value.endswith("%") else _number(value, item)
        diff = diff_files(Path(args.a), Path(args.b), tolerances)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(diff)
    return EXIT_DIFFERENT if diff else EXIT_SAME
