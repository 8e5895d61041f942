"""Fitting sub-hour bursts (factory_game/sim/burst.py) to a request log, at the scale of seconds.

The log is cut into windows (10 s by default). Each window's load is its work (the sum of its requests' service
times, in requests of mean size: a minute of many short requests and a minute of few long ones weigh what they
cost, which matters: in the bundled Azure hour the per-minute count and mean service time correlate at -0.83) over
what the hourly rate expects, its sampling noise taken out (the noise of single arrivals and of batches: a log of
batches at a steady rate has no states). The windows are split into states by quantiles of that factor; a state's
factor is its windows' mean, its mean stay and its next-state probabilities come from the sequence of states, and its
batch size from how clumped the counts in 5-second bins are inside its windows (variance over mean of a batch-Poisson
count is 2b - 1 for geometric batches of mean b; 1 for single arrivals).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from factory_game.sim.burst import BurstSpec, BurstState

STATES = 4


MIN_PER_WINDOW = 30  # requests a window holds on average at least: fewer, and the states would fit Poisson noise
# The bins a batch is counted in: wider than a batch's spread (real batches come within a second or two), so that
# one batch mostly falls in one bin; 1 s bins cut a batch of 12 spread over 2 s into pieces and found 2.5-5.8.
BATCH_BIN_S = 5


@dataclass
class BurstCounts:
    """What the fit needs from one pass over the log: per-second counts and work (kept by second, so the window
    can be chosen once the log's rate is known)."""

    window_s: int = 10  # the smallest window; a sparse log gets a wider one (MIN_PER_WINDOW)
    per_second: Counter = field(default_factory=Counter)  # second index -> requests
    work_by_second: dict = field(default_factory=lambda: defaultdict(float))  # -> sum of service (ms, or 1 each)
    work: dict = field(default_factory=dict)  # window index -> work, once the window is chosen
    work_squares: float = 0.0  # sum over requests of their work squared: how much one request's size varies

    def add(self, t: float, service_ms: float | None) -> None:
        second = math.floor(t)
        work = 1.0 if service_ms is None else service_ms
        self.per_second[second] += 1
        self.work_by_second[second] += work
        self.work_squares += work * work

    def choose_window(self, first_s: float, last_s: float) -> None:
        per_s = sum(self.per_second.values()) / max(last_s - first_s, 1.0)
        self.window_s = max(self.window_s, math.ceil(MIN_PER_WINDOW / per_s))
        work: dict[int, float] = defaultdict(float)
        for second, value in self.work_by_second.items():
            work[second // self.window_s] += value
        self.work = work


def fit_burst(counts: BurstCounts, first_s: float, last_s: float, rate_per_hour_at: Callable[[float], float],
              states: int = STATES) -> BurstSpec | None:
    """The fitted process, or None when the log is too short for one (fewer than 2 windows of its own).
    `rate_per_hour_at(t)`: the level's hourly rate at log time t (what the factors multiply)."""
    counts.choose_window(first_s, last_s)
    w = counts.window_s
    first_w, last_w = math.floor(first_s) // w, math.floor(last_s) // w
    windows = list(range(first_w, last_w + 1))
    if len(windows) < 2:
        return None
    total_work = math.fsum(counts.work.values())
    total_requests = sum(counts.per_second.values())
    unit = total_work / total_requests  # the mean request's work
    factors = []
    for index in windows:
        expected = rate_per_hour_at((index + 0.5) * w) * w / 3600
        factors.append(counts.work.get(index, 0.0) / unit / expected if expected > 0 else 0.0)
    batch = _batch(counts, windows)
    factors = _denoised(factors, counts, total_requests / len(windows), unit, batch)
    labels = _quantile_labels(factors, states)
    k = max(labels) + 1
    members: list[list[int]] = [[] for _ in range(k)]
    for position, label in enumerate(labels):
        members[label].append(position)
    runs: list[list[int]] = [[] for _ in range(k)]
    moves = [[0] * k for _ in range(k)]
    length = 1
    for a, b in zip(labels, labels[1:], strict=False):
        if a == b:
            length += 1
        else:
            runs[a].append(length)
            moves[a][b] += 1
            length = 1
    runs[labels[-1]].append(length)
    shares = tuple(len(m) / len(labels) for m in members)
    fitted = []
    for state in range(k):
        factor = math.fsum(factors[p] for p in members[state]) / len(members[state])
        out = sum(moves[state])
        following = tuple(moves[state][j] / out for j in range(k)) if out else \
            tuple(0.0 if j == state else shares[j] for j in range(k))  # left only at the log's end
        stay_ms = 1000.0 * w * sum(runs[state]) / len(runs[state])
        fitted.append(BurstState(round(factor, 4), round(_batch(counts, [windows[p] for p in members[state]]), 3),
                                 round(stay_ms, 1), tuple(round(p, 4) for p in following)))
    return BurstSpec(tuple(fitted), tuple(round(s, 4) for s in shares), w * 1000)


def _denoised(factors: list[float], counts: BurstCounts, per_window: float, unit: float,
              batch: float) -> list[float]:
    """The factors with the sampling noise of their windows taken out: a window of n requests of varying sizes, in
    geometric batches of mean b, shows a factor that varies by (2b - 1 + cv^2) / n even when the rate does not, which
    would pass for bursts (and cost slots: the batches are drawn anyway, so the states would count them twice).
    The spread around the mean is scaled down to the part the noise does not explain (method of moments)."""
    mean = math.fsum(factors) / len(factors)
    spread = math.fsum((f - mean) ** 2 for f in factors) / len(factors)
    total = sum(counts.per_second.values())
    size_cv2 = counts.work_squares / total / (unit * unit) - 1.0  # cv^2 of one request's work
    noise = (2.0 * batch - 1.0 + max(size_cv2, 0.0)) / max(per_window, 1e-9)
    if spread <= 0:
        return factors
    scale = math.sqrt(max(0.0, 1.0 - noise / spread))
    return [mean + (f - mean) * scale for f in factors]


def _quantile_labels(values: list[float], states: int) -> list[int]:
    """Each value's state: 0 for the lowest quantile up to `states - 1`; equal cuts merged, states renumbered."""
    ordered = sorted(values)
    cuts = sorted({ordered[min(len(ordered) - 1, len(ordered) * i // states)] for i in range(1, states)})
    raw = [sum(v >= c for c in cuts) for v in values]
    used = sorted(set(raw))
    renumber = {old: new for new, old in enumerate(used)}
    return [renumber[r] for r in raw]


def _batch(counts: BurstCounts, windows: list[int], bin_s: int = BATCH_BIN_S) -> float:
    """Mean batch size from the clumping of counts in `bin_s`-second bins inside the windows (pooled variance over
    mean, so the windows' own rates do not count as clumping)."""
    w = counts.window_s
    bins = max(w // bin_s, 1)
    squares = total = 0.0
    n = 0
    for index in windows:
        values = [sum(counts.per_second.get(index * w + b * bin_s + s, 0) for s in range(bin_s)) for b in range(bins)]
        mean = sum(values) / bins
        squares += sum((c - mean) ** 2 for c in values)
        total += sum(values)
        n += bins - 1
    if total == 0 or n == 0:
        return 1.0
    dispersion = (squares / n) / (total / (len(windows) * bins))
    return max(1.0, (dispersion + 1.0) / 2.0)


def burst_toml(spec: BurstSpec) -> list[str]:
    """The `[arrivals.burst]` table's lines."""
    lines = ["", "[arrivals.burst]  # sub-hour bursts fitted at the scale of seconds (docs/planning.md)",
             f'window = "{spec.window_ms // 1000}s"',
             "start = [" + ", ".join(f"{p:g}" for p in spec.start) + "]",
             "states = ["]
    for s in spec.states:
        lines.append(f'  {{ factor = {s.factor:g}, batch = {s.batch:g}, stay = "{round(s.stay_ms)}ms", '
                     f"next = [{', '.join(f'{p:g}' for p in s.next)}] }},")
    lines.append("]")
    return lines
