"""Streaming a request log, one row at a time, into typed rows; bad rows get a named error.

A log is read lazily (a 50,000 requests/hour week is 8.4 million rows): the replay pulls the next row only when the
previous arrival has happened, so memory stays flat whatever the log's length.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

FORMATS = ("csv", "jsonl")
# The fields a log may carry, and what each means. Only `timestamp` is required.
FIELDS = {
    "timestamp": "when the request arrived: an ISO date-time (UTC when no offset) or seconds as a number",
    "customer": "a customer id (checked and carried; every row is still a customer of its own)",
    "tier": "the customer's tier, a tier of the level",
    "content": "the content type asked for",
    "model": "the model that served it (its content type is the model's first)",
    "priority": "priority-pack flag: true/false, 1/0, yes/no",
    "duration": "service time in seconds",
    "prompt_tokens": "prompt (context) tokens",
    "output_tokens": "output (generated) tokens",
}
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}
# Other names of a field in well-known request logs, lower case (column names are matched case-insensitively).
SYNONYMS = {
    "timestamp": ("timestamp", "arrival_timestamp", "arrival_time", "time", "created_at"),
    "customer": ("customer", "customer_id", "user", "user_id"),
    "tier": ("tier",),
    "content": ("content",),
    "model": ("model",),
    "priority": ("priority",),
    "duration": ("duration", "duration_s"),
    "prompt_tokens": ("prompt_tokens", "contexttokens", "context_tokens", "request tokens", "input_tokens",
                      "prompt_size", "num_prompt_tokens"),
    "output_tokens": ("output_tokens", "generatedtokens", "generated_tokens", "response tokens", "completion_tokens",
                      "token_size", "num_output_tokens"),
}
# Well-known logs, told apart by their columns (lower case): the name and the columns it has that a level cannot
# take as they are (BurstGPT's `Model` names ChatGPT or GPT-4, not a model of the level).
KNOWN_LOGS: tuple[tuple[str, set[str], dict[str, str]], ...] = (
    ("BurstGPT", {"timestamp", "request tokens", "response tokens"}, {"model": "it names the upstream service "
                                                                              "(ChatGPT, GPT-4), not a model"}),
    ("Azure LLM inference 2023/2024", {"timestamp", "contexttokens", "generatedtokens"}, {}),
    ("Splitwise-style", {"arrival_timestamp", "prompt_size", "token_size"}, {}),
)


class TraceError(Exception):
    """A bad row or header in a log: file, line, field, what was expected and what was found (the shape of a
    level problem, `file:line: [field] expected …; found …`)."""

    def __init__(self, file: str, line: int | None, field_name: str, expected: str, found: str) -> None:
        self.file, self.line, self.field, self.expected, self.found = file, line, field_name, expected, found
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: [{field_name}] expected {expected}; found {found}")


@dataclass(frozen=True)
class Mapping:
    """Which column holds which field (`columns`: field -> column name), and the file's format."""

    format: str = "csv"
    columns: dict[str, str] = field(default_factory=lambda: {"timestamp": "timestamp"})

    def column(self, name: str) -> str | None:
        return self.columns.get(name)


class Row(NamedTuple):
    """One request. `t` is seconds since the Unix epoch (or since the log's own zero when it writes numbers).
    A named tuple: built once per row, it is several times cheaper than a frozen dataclass."""

    line: int
    t: float
    customer: str | None = None
    tier: str | None = None
    content: str | None = None
    model: str | None = None
    priority: bool | None = None
    duration_s: float | None = None
    prompt_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True)
class ColumnChoice:
    """Which columns an import uses (field -> column), which it ignores and why, and the log it recognised."""

    columns: dict[str, str]
    ignored: dict[str, str]  # column -> why
    known_as: str | None

    def describe(self) -> str:
        used = ", ".join(f"{f} <- {c!r}" for f, c in self.columns.items())
        ignored = "; ".join(f"{c!r} ({why})" for c, why in self.ignored.items()) or "none"
        known = f"recognised as {self.known_as}; " if self.known_as else ""
        return f"{known}columns used: {used}; ignored: {ignored}"


def choose_columns(header: list[str], given: dict[str, str], file: str, strict: bool = True) -> ColumnChoice:
    """The columns of each field: `given` (FIELD=NAME from the command line) first, then a column named like the
    field or one of its well-known names, matched case-insensitively; every other column is named as ignored."""
    by_lower: dict[str, str] = {}
    for name in header:
        by_lower.setdefault(name.strip().lower(), name)
    lower = set(by_lower)
    known = next(((name, skip) for name, needs, skip in KNOWN_LOGS if needs <= lower), None)
    columns: dict[str, str] = {}
    for field_name, column in given.items():
        actual = by_lower.get(column.strip().lower(), None if strict else column)
        if actual is None:
            raise TraceError(file, 1, "header", f"a column {column!r} for {field_name} (--column)",
                             f"columns {header}")
        columns[field_name] = actual
    ignored: dict[str, str] = {}
    taken = set(columns.values())
    for field_name, names in SYNONYMS.items():
        if field_name in columns:
            continue
        for name in names:
            actual = by_lower.get(name)
            if actual is None or actual in taken:
                continue
            if known is not None and field_name in known[1]:
                ignored[actual] = known[1][field_name]
                taken.add(actual)
                break
            columns[field_name] = actual
            taken.add(actual)
            break
    if "timestamp" not in columns:
        raise TraceError(file, 1, "header", "a timestamp column (named like timestamp or arrival_timestamp, or given "
                         "with --column timestamp=NAME)", f"columns {header}")
    for name in header:
        if name not in taken:
            ignored[name] = "no field of a level"
    order = list(FIELDS)
    return ColumnChoice(dict(sorted(columns.items(), key=lambda kv: order.index(kv[0]))), ignored,
                        known[0] if known else None)


HEADER_ROWS = 1000  # JSON Lines rows read for the keys a log uses


def header_of(path: str | Path, fmt: str) -> list[str]:
    """The log's column names: a CSV's header row, or the keys of a JSON Lines file's first objects (in the order
    first seen; a key may appear in some rows only)."""
    name = str(path)
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            if fmt == "csv":
                try:
                    row = next(csv.reader(handle), None)
                except csv.Error as exc:
                    raise TraceError(name, 1, "header", "a header row naming the columns", str(exc)) from None
                if row is None:
                    raise TraceError(name, 1, "header", "a header row naming the columns", "an empty file")
                return [h.strip() for h in row]
            keys: dict[str, None] = {}
            for line, text in enumerate(handle, start=1):
                if line > HEADER_ROWS:
                    break
                try:
                    record = json.loads(text) if text.strip() else {}
                except json.JSONDecodeError:
                    continue  # reading the rows names it
                keys.update(dict.fromkeys(record) if isinstance(record, dict) else {})
            return list(keys)
    except OSError as exc:
        raise TraceError(name, None, "file", "a readable request log", exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise TraceError(name, None, "file", "UTF-8 text", f"an undecodable byte ({exc.reason})") from None


def guess_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return "jsonl" if suffix in (".jsonl", ".ndjson", ".json") else "csv"


def parse_timestamp(value: object) -> float:
    """Seconds since the epoch, from an ISO date-time (UTC when it names no offset) or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        text = value.strip()
        if len(text) >= 10 and text[4] == "-":  # a date: the common case, tried first (no exception on the way)
            moment = _iso(text)
            if moment.tzinfo is None:
                return (moment - _EPOCH_NAIVE).total_seconds()
            return moment.timestamp()
        seconds = float(text)
    elif isinstance(value, int | float):
        seconds = float(value)
    else:
        raise TypeError
    if not math.isfinite(seconds) or abs(seconds) > MAX_SECONDS:
        raise ValueError
    return seconds


_EPOCH_NAIVE = datetime(1970, 1, 1)
MAX_SECONDS = 253_402_214_400.0  # 9999-12-31: a time a date can show, either side of the epoch


def _iso(text: str) -> datetime:
    """`datetime.fromisoformat`, and for a Python that refuses more than six fractional digits (the Azure log has
    seven: 100 ns), the same text cut to microseconds."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        head, dot, fraction = text.partition(".")
        if not dot:
            raise
        digits = len(fraction) - len(fraction.lstrip("0123456789"))
        return datetime.fromisoformat(f"{head}.{fraction[:min(digits, 6)]}{fraction[digits:]}".replace("Z", "+00:00"))


def read_rows(path: str | Path, mapping: Mapping, skip_bad: int = 0, skipped: list[int] | None = None
              ) -> Iterator[Row]:
    """Rows of the log in file order. A bad row raises TraceError, unless fewer than `skip_bad` rows were skipped
    so far: then its line number is appended to `skipped` and reading goes on. Timestamps must not go backwards
    (a replay streams the file, it cannot sort it)."""
    path = Path(path)
    name = str(path)
    skipped = [] if skipped is None else skipped
    if mapping.format not in FORMATS:
        raise TraceError(name, None, "format", f"one of {', '.join(FORMATS)}", repr(mapping.format))
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise TraceError(name, None, "file", "a readable request log", exc.strerror or str(exc)) from None
    with handle:
        records = _csv_records(handle, name, mapping) if mapping.format == "csv" else _jsonl_records(handle, name)
        last = -math.inf
        line = 1
        try:
            for line, record in records:
                try:
                    row = _row(line, record, mapping)
                    if row.t < last:
                        raise _Bad("timestamp", "a time at or after the previous row's (the log must be in order)",
                                   repr(record.get(mapping.columns["timestamp"])))
                except _Bad as bad:
                    if len(skipped) >= skip_bad:
                        hint = f" ({len(skipped)} bad row(s) skipped before; --skip-bad {skip_bad})" if skip_bad else ""
                        raise TraceError(name, line, bad.field, bad.expected, bad.found + hint) from None
                    skipped.append(line)
                    continue
                last = row.t
                yield row
        except UnicodeDecodeError as exc:
            raise TraceError(name, None, "file", "UTF-8 text", f"an undecodable byte ({exc.reason})") from None
        except csv.Error as exc:  # a field past the csv module's limit, a NUL byte
            raise TraceError(name, None, "row", f"a CSV row after line {line}", str(exc)) from None


class _Bad(Exception):
    def __init__(self, field_name: str, expected: str, found: str) -> None:
        self.field, self.expected, self.found = field_name, expected, found


def _csv_records(handle, name: str, mapping: Mapping) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise TraceError(name, 1, "header", "a header row naming the columns", "an empty file")
    header = [h.strip() for h in header]
    missing = [f"{f} (column {c!r})" for f, c in mapping.columns.items() if c not in header]
    if missing:
        raise TraceError(name, 1, "header", f"columns for {', '.join(missing)}", f"columns {header}")
    width = len(header)
    for record in reader:
        line = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if len(record) != width:
            yield line, {"__width__": (width, len(record))}
            continue
        yield line, dict(zip(header, record, strict=True))


def _jsonl_records(handle, name: str) -> Iterator[tuple[int, dict]]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, {"__json__": exc.msg}
            continue
        yield line, record if isinstance(record, dict) else {"__json__": f"a {type(record).__name__}"}


def _row(line: int, record: dict, mapping: Mapping) -> Row:
    if "__width__" in record:
        width, found = record["__width__"]
        raise _Bad("row", f"{width} comma-separated values", f"{found} values")
    if "__json__" in record:
        raise _Bad("row", "a JSON object on one line", record["__json__"])
    columns = mapping.columns

    def get(field_name: str) -> object:
        column = columns.get(field_name)
        if column is None:
            return None
        value = record.get(column)
        if value is None and field_name == "timestamp":
            raise _Bad(column, "a timestamp", "nothing")
        return None if value == "" else value

    raw_t = get("timestamp")
    try:
        t = parse_timestamp(raw_t)
    except (ValueError, TypeError, OverflowError):
        raise _Bad(columns["timestamp"], "an ISO date-time like 2023-11-16 18:15:46.68 or seconds as a number",
                   repr(raw_t)) from None
    return Row(line, t, _text(get("customer")), _text(get("tier")), _text(get("content")), _text(get("model")),
               _flag(get("priority"), columns.get("priority")),
               _number(get("duration"), columns.get("duration"), "a service time in seconds, at least 0"),
               _count(get("prompt_tokens"), columns.get("prompt_tokens")),
               _count(get("output_tokens"), columns.get("output_tokens")))


def _text(value: object) -> str | None:
    return None if value is None else str(value).strip() or None


def _flag(value: object, column: str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(column or "priority", "a flag: true/false, 1/0 or yes/no", repr(value))


def _number(value: object, column: str | None, expected: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or number > 1e7:
        raise _Bad(column or "?", expected.replace("at least 0", "from 0 to 10,000,000"), repr(value))
    return number


def _count(value: object, column: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise _Bad(column or "?", "a token count: a whole number from 0 to 999,999,999", repr(value))
    return int(text)
