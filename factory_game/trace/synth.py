"""Synthetic request logs for tests and benchmarks, in the format `trace import` reads (CSV or JSON Lines).

The rate is a product of shapes: a diurnal curve (quiet at night, a peak in the evening), a weekday shape (weekends
lighter), bursts (a factor over a window) and an outage window (no requests logged). Arrivals are a non-homogeneous
Poisson process drawn minute by minute (constant rate within a minute), from one seeded RNG: the same arguments
write the same file, byte for byte. With `batch`, each arrival is a batch instead (geometric sizes of that mean,
the epochs at the rate over the mean, so the mean rate is kept), its requests spread uniformly over `spread_s`
seconds: the sub-minute bursts of real LLM logs, with a known truth to check the burst fit against.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

COLUMNS = ("timestamp", "customer", "tier", "content", "priority", "prompt_tokens", "output_tokens")
# Hour of day -> share of the mean rate (mean 1.0 over the day): peak at 16:00 (1.6x), trough at 04:00 (0.4x).
DIURNAL = tuple(1.0 + 0.6 * math.cos(2 * math.pi * (h - 16) / 24) for h in range(24))
WEEKDAY = (1.05, 1.05, 1.05, 1.05, 1.1, 0.85, 0.85)  # Monday..Sunday, mean 1.0


@dataclass(frozen=True)
class Window:
    start_h: float
    hours: float
    factor: float = 0.0


@dataclass
class SynthSpec:
    per_hour: float = 50_000.0  # the mean rate
    hours: float = 24.0
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    seed: int = 1
    bursts: list[Window] = field(default_factory=list)
    outages: list[Window] = field(default_factory=list)
    tiers: dict[str, float] = field(default_factory=lambda: {"L1": 0.7, "L2": 0.3})
    priority_share: float = 0.1
    customers: int = 5_000
    batch: float = 1.0  # mean batch size (geometric on 1, 2, ...); 1: single arrivals
    spread_s: float = 0.0  # a batch's requests fall uniformly within this many seconds of its epoch

    def rate_at(self, hour: float) -> float:
        moment = self.start + timedelta(hours=hour)
        rate = self.per_hour * DIURNAL[moment.hour] * WEEKDAY[moment.weekday()]
        for w in self.bursts:
            if w.start_h <= hour < w.start_h + w.hours:
                rate *= w.factor
        for w in self.outages:
            if w.start_h <= hour < w.start_h + w.hours:
                rate = 0.0
        return rate


    def peak_and_expected_rows(self) -> tuple[float, float]:
        """The highest hourly rate (a minute's) and the expected number of rows: checked before writing, so an
        overflowing burst factor or a 44 TB request is refused instead of filling the disk."""
        rates = [self.rate_at(minute / 60) for minute in range(math.ceil(self.hours * 60))]
        return max(rates, default=0.0), math.fsum(rates) / 60


def requests(spec: SynthSpec) -> Iterator[dict]:
    """The log's rows in time order, one dict each."""
    rng = random.Random(spec.seed)
    minutes = math.ceil(spec.hours * 60)
    base = spec.start.timestamp()
    pending: list[tuple[float, int, dict]] = []  # (ms, sequence, row): batch members may fall in the next minute
    sequence = 0
    for minute in range(minutes):
        per_ms = spec.rate_at(minute / 60) / 3_600_000 / spec.batch
        t = 0.0
        while per_ms > 0:
            t += rng.expovariate(per_ms)
            if t >= 60_000:
                break
            size = _geometric(rng, spec.batch)
            for _ in range(size):
                at = minute * 60_000 + t + (rng.random() * spec.spread_s * 1000 if size > 1 else 0.0)
                heapq.heappush(pending, (at, sequence, _row(rng, spec, base + at / 1000)))
                sequence += 1
        while pending and pending[0][0] < (minute + 1) * 60_000:  # later epochs all fall after this minute
            yield heapq.heappop(pending)[2]
    while pending:
        yield heapq.heappop(pending)[2]


def _row(rng: random.Random, spec: SynthSpec, at: float) -> dict:
    return {
        "timestamp": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
        "customer": f"c{rng.randrange(spec.customers)}",
        "tier": rng.choices(list(spec.tiers), list(spec.tiers.values()))[0],
        "content": "text",
        "priority": int(rng.random() < spec.priority_share),
        "prompt_tokens": int(rng.lognormvariate(6.5, 0.8)),  # median ~660, like a chat service
        "output_tokens": int(rng.lognormvariate(5.0, 0.9)),  # median ~150
    }


def _geometric(rng: random.Random, mean: float) -> int:
    """1, 2, ... with the given mean; no draw at all for single arrivals (the log of a given seed stays the same)."""
    if mean <= 1.0:
        return 1
    count = 1
    while rng.random() >= 1.0 / mean:
        count += 1
    return count


def write_log(spec: SynthSpec, out: str | Path | IO[str], fmt: str = "csv") -> int:
    """Write the log; returns the number of rows."""
    if isinstance(out, str | Path):
        from factory_game.atomic import atomic_writer

        with atomic_writer(Path(out)) as handle:  # a whole log or none: an interrupted write leaves no half file
            return write_log(spec, handle, fmt)
    count = 0
    if fmt == "csv":
        out.write(",".join(COLUMNS) + "\n")
        for row in requests(spec):
            out.write(",".join(str(row[c]) for c in COLUMNS) + "\n")
            count += 1
    else:
        for row in requests(spec):
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += 1
    return count


def parse_window(text: str, with_factor: bool) -> Window:
    """`START_H:HOURS[:FACTOR]` in hours from the log's start, e.g. `30:2:3` (3x for 2 h from hour 30)."""
    parts = text.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    wanted = 3 if with_factor else 2
    if len(numbers) != wanted or numbers[0] < 0 or numbers[1] <= 0 or (with_factor and numbers[2] < 0) \
            or not all(math.isfinite(n) for n in numbers):
        shape = "START_H:HOURS:FACTOR like 30:2:3" if with_factor else "START_H:HOURS like 50:0.5"
        raise ValueError(f"expected {shape}; found {text!r}")
    return Window(*numbers)


def parse_batch(text: str) -> tuple[float, float]:
    """`MEAN:SPREAD_S`, e.g. `12:2` (batches of mean 12 within 2 s); mean in [1, 1000], spread in [0, 60] s."""
    try:
        mean, spread = (float(p) for p in text.split(":"))
    except ValueError:
        mean = spread = math.nan
    if not (1 <= mean <= 1000 and 0 <= spread <= 60):
        raise ValueError(f"--batch: expected MEAN:SPREAD_S like 12:2 (mean 1 to 1000, spread 0 to 60 s); "
                         f"found {text!r}")
    return mean, spread
