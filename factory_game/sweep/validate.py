"""Checking a sweep's answer on traffic it was not chosen on: held-out seeds (`--holdout-seeds 101:120`), and for a
replayed log a moving-block bootstrap (`--resample 8 --block 5m`): new logs made of blocks of the real one, each
block keeping its requests' order, spacing and sizes (so the bursts stay), laid end to end over the log's span.
The answer is rerun on each; the report says how often it meets the target and by what margin."""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
import random
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from factory_game.sweep.execute import Job, execute
from factory_game.sweep.grid import Run
from factory_game.sweep.provenance import LevelBundle
from factory_game.sweep.summary import Target


@dataclass(frozen=True)
class Check:
    label: str  # "seed 101", "resample 3"
    value: float  # the target metric
    meets: bool
    margin: float  # distance to the target on the right side (negative: missed)


def parse_seeds(text: str) -> list[int]:
    """`101:120` (both included) or `101,105,110`."""
    try:
        if ":" in text:
            first, last = (int(p) for p in text.split(":"))
            seeds = list(range(first, last + 1))
        else:
            seeds = [int(p) for p in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or min(seeds) < 0 or len(seeds) > 10_000:
        raise ValueError(f"--holdout-seeds: expected FIRST:LAST or a,b,c (seeds of at least 0, at most 10,000 of "
                         f"them); found {text!r}")
    return seeds


def holdout(job: Job, overrides: tuple, seeds: list[int], target: Target, workers: int,
            cluster: str | object | None) -> list[Check]:
    todo = [Run(overrides, seed, "holdout") for seed in seeds]
    rows = {row["seed"]: row for row in execute(job, todo, min(workers, len(todo)), cluster)}
    return [_check(f"seed {s}", rows[s][target.metric], target) for s in seeds]


def resampled(job: Job, overrides: tuple, count: int, block_ms: int, target: Target, workers: int,
              cluster: str | object | None) -> list[Check]:
    """The answer on `count` block-bootstrap resamples of the level's log (resample i drawn with seed i)."""
    checks = []
    for index in range(1, count + 1):
        bundle = bootstrap_bundle(job.level, block_ms, index)
        rows = list(execute(replace(job, level=bundle), [Run(overrides, 1, f"resample-{index}")], 1, cluster))
        checks.append(_check(f"resample {index}", rows[0][target.metric], target))
    return checks


def _check(label: str, value: float, target: Target) -> Check:
    margin = value - target.value if target.at_least else target.value - value
    return Check(label, value, margin >= 0, margin)


def bootstrap_bundle(bundle: LevelBundle, block_ms: int, seed: int) -> LevelBundle:
    """The level with its log replaced by a moving-block bootstrap of it."""
    trace = tomllib.loads(bundle.text).get("trace")
    if not isinstance(trace, dict) or not bundle.files:
        raise ValueError("--resample: expected a level that replays a log (a [trace] table)")
    relative, data = bundle.files[0]
    columns = trace.get("columns", {})
    column = columns.get("timestamp", "timestamp") if isinstance(columns, dict) else "timestamp"
    fmt = trace.get("format", "csv")
    text = bootstrap_log(data.decode("utf-8-sig"), fmt, column, block_ms / 1000, seed)
    return LevelBundle(bundle.name, bundle.text, ((relative, text.encode("utf-8")),))


def bootstrap_log(text: str, fmt: str, column: str, block_s: float, seed: int) -> str:
    """Blocks of `block_s` seconds drawn at random start times (moving blocks), laid end to end from the log's
    first request to its last; each row's timestamp is written as seconds since the epoch."""
    from factory_game.trace.reader import parse_timestamp

    header: list[str] = []
    records: list[tuple[float, dict]] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        header = list(reader.fieldnames or [])
        records = [(parse_timestamp(r[column]), r) for r in reader]
    else:
        for line in text.splitlines():
            if line.strip():
                record = json.loads(line)
                records.append((parse_timestamp(record[column]), record))
    if not records:
        raise ValueError("--resample: expected a log with requests")
    times = [t for t, _ in records]
    first, last = times[0], times[-1]
    span = max(last - first, block_s)
    rng = random.Random(seed)
    out: list[dict] = []
    for block in range(math.ceil(span / block_s)):
        start = first + rng.random() * max(span - block_s, 0.0)
        shift = first + block * block_s - start
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, start + block_s)
        for t, record in records[lo:hi]:
            if t + shift <= last:
                out.append({**record, column: f"{t + shift:.6f}"})
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buffer, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    else:
        for record in out:
            buffer.write(json.dumps({**record, column: float(record[column])}) + "\n")
    return buffer.getvalue()


def report(title: str, checks: list[Check], target: Target) -> str:
    met = sum(c.meets for c in checks)
    margins = [c.margin for c in checks]
    return (f"{title}: meets {target} in {met} of {len(checks)}; margin min {min(margins):+.4f}, "
            f"mean {math.fsum(margins) / len(margins):+.4f}, max {max(margins):+.4f}")


def write_checks(path: Path, checks: list[tuple[str, Check]]) -> None:
    """kind, label, value, meets, margin: one row per rerun, atomically."""
    from factory_game.atomic import write_text_atomically

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "label", "value", "meets", "margin"])
    for kind, c in checks:
        writer.writerow([kind, c.label, repr(c.value), "yes" if c.meets else "no", repr(c.margin)])
    write_text_atomically(path, buffer.getvalue())
