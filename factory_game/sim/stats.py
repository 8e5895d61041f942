"""The counters of a group of tasks (`Stats`: everything, one model, one tier) and the histogram that keeps their
waits in bounded memory. The satisfaction formula is `Stats.record_*`, beside its weights (docs/engine.md):
  delivered within the SLA -> 1.0; delivered late -> falls linearly from 1.0 at the SLA to 0 at twice the SLA
  (at (1 + 1/k) x the SLA for a customer whose lateness weight is k: `[tier_traits]`, `priority_waiting`);
  failed and refunded -> 0.25 (money back, no content); abandoned after a "no" -> 0.1 (asked, refunded);
  lost sale (budget could not cover the hold) -> 0.
A leaf module: a task points at its cell (`Task.stats`) and `metrics` sums the cells, so both import it.
"""

from __future__ import annotations

import math
from typing import Any

SCORE_ON_TIME = 1.0
SCORE_FAILED = 0.25
SCORE_ABANDONED = 0.1
# a lost sale scores 0: it counts as finished and adds nothing


class Histogram:
    """Queue waits or times in system, counted in bins: memory stays bounded however long the run.

    Bin edges: exact zero (a task that started at once), then 1-second bins up to 5 minutes, 10-second bins up to an
    hour, 1-minute bins beyond. Mean and max are exact; a quantile is the upper edge of the bin that holds its rank
    (nearest rank, rounded up, clamped to the max): a conservative figure, within a second for short waits and
    within 1-3 % for long ones.
    """

    __slots__ = ("bins", "count", "total", "max")

    def __init__(self) -> None:
        self.bins: dict[int, int] = {}
        self.count = 0
        self.total = 0
        self.max = 0

    def add(self, ms: int) -> None:
        self.count += 1
        self.total += ms
        if ms > self.max:
            self.max = ms
        # `bin_of` inlined for the common values, zero (a start at once) and 1-second bins: the same keys.
        key = -(-ms // 1000) if 0 <= ms <= _FINE_MS else bin_of(ms)
        bins = self.bins
        bins[key] = bins.get(key, 0) + 1

    def merge(self, other: Histogram) -> None:
        self.count += other.count
        self.total += other.total
        self.max = max(self.max, other.max)
        for key, n in other.bins.items():
            self.bins[key] = self.bins.get(key, 0) + n

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def quantile(self, q: float) -> int:
        if not self.count:
            return 0
        rank = math.ceil(q * (self.count - 1))  # 0-based position in sorted order
        seen = 0
        for key in sorted(self.bins):
            seen += self.bins[key]
            if seen > rank:
                return min(upper_edge(key), self.max)
        return self.max

    def expand(self) -> list[int]:
        """Every value at bin resolution, sorted: for drawing a distribution."""
        return [min(upper_edge(key), self.max) for key in sorted(self.bins) for _ in range(self.bins[key])]


_FINE_S, _MEDIUM_S = 300, 3600  # 1-second bins up to 5 minutes, 10-second bins up to an hour, then 1 minute
_FINE_MS = _FINE_S * 1000
_MEDIUM_KEY = _FINE_S + (_MEDIUM_S - _FINE_S) // 10


def bin_of(ms: int) -> int:
    if ms <= 0:
        return 0
    seconds = -(-ms // 1000)
    if seconds <= _FINE_S:
        return seconds
    if seconds <= _MEDIUM_S:
        return _FINE_S + -(-(seconds - _FINE_S) // 10)
    return _MEDIUM_KEY + -(-(seconds - _MEDIUM_S) // 60)


def upper_edge(key: int) -> int:
    """The largest value (ms) that falls in bin `key`."""
    if key <= _FINE_S:
        return key * 1000
    if key <= _MEDIUM_KEY:
        return (_FINE_S + (key - _FINE_S) * 10) * 1000
    return (_MEDIUM_S + (key - _MEDIUM_KEY) * 60) * 1000


class Stats:
    """Counters and samples for one group of tasks (all, one model, one tier)."""

    __slots__ = ("requested", "admitted", "completed", "failed", "abandoned", "lost", "waits", "sojourns",
                 "within_sla", "score", "revenue_cents", "refunded_cents", "retries")

    def __init__(self) -> None:
        self.requested = 0
        self.admitted = 0
        self.completed = 0
        self.failed = 0
        self.abandoned = 0
        self.lost = 0
        self.retries = 0
        self.waits = Histogram()  # queue wait of each start, ms
        self.sojourns = Histogram()  # admission to delivery of each completed task, ms
        self.within_sla = 0
        self.score = 0.0
        self.revenue_cents = 0
        self.refunded_cents = 0

    def merge(self, other: Stats) -> None:
        for name in _STATS_FIELDS:
            value = getattr(other, name)
            if isinstance(value, Histogram):
                getattr(self, name).merge(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    # The satisfaction formula: one call per finished task, adding its score (the weights above).
    def record_delivery(self, sojourn_ms: int, cents: int, sla_ms: int, lateness: float = 1.0) -> bool:
        """A delivered task; returns whether it came within the SLA (a late one makes its customer unhappy).
        `lateness` is how hard the customer punishes a late one (their tier's trait, times `priority_waiting` for a
        pack buyer): the score falls from 1 at the SLA to 0 at (1 + 1/lateness) x the SLA."""
        self.completed += 1
        self.sojourns.add(sojourn_ms)
        self.revenue_cents += cents
        if sojourn_ms <= sla_ms:
            self.score += SCORE_ON_TIME
            self.within_sla += 1
            return True
        if lateness == 1.0:
            self.score += max(0.0, 2.0 - sojourn_ms / sla_ms)  # late: from 1 at the SLA down to 0 at twice the SLA
        else:
            self.score += max(0.0, 1.0 - lateness * (sojourn_ms - sla_ms) / sla_ms)
        return False

    def record_failure(self, refunded_cents: int) -> None:
        """A task failed for good (no retry left); its hold was released."""
        self.failed += 1
        self.score += SCORE_FAILED
        self.refunded_cents += refunded_cents

    def record_abandon(self, refunded_cents: int) -> None:
        """A task dropped after its customer's "no" (refunded if it was admitted, 0 if still outside)."""
        self.abandoned += 1
        self.score += SCORE_ABANDONED
        self.refunded_cents += refunded_cents

    def record_lost_sale(self) -> None:
        self.lost += 1

    def summary(self) -> dict[str, Any]:
        waits = self.waits
        finished = self.completed + self.failed + self.abandoned + self.lost
        return {
            "requested": self.requested,
            "admitted": self.admitted,
            "completed": self.completed,
            "failed": self.failed,
            "abandoned": self.abandoned,
            "lost_sales": self.lost,
            "retries": self.retries,
            "started": waits.count,
            "wait_mean_ms": round(waits.mean, 3),
            "wait_p50_ms": waits.quantile(0.50),
            "wait_p95_ms": waits.quantile(0.95),
            "wait_p99_ms": waits.quantile(0.99),
            "wait_max_ms": waits.max,
            "time_in_system_mean_ms": round(self.sojourns.mean, 3),
            "sla_share": round(self.within_sla / self.completed, 6) if self.completed else 0.0,
            "satisfaction": round(100 * self.score / finished, 3) if finished else 100.0,
            "revenue_cents": self.revenue_cents,
            "refunded_cents": self.refunded_cents,
        }


# The fields `Stats.merge` walks: `Stats.__slots__` written out, since a compiled class (factory_game/sim/core.py)
# cannot read its `__slots__` (tests/test_compiled.py checks the two agree).
_STATS_FIELDS = ("requested", "admitted", "completed", "failed", "abandoned", "lost", "waits", "sojourns",
                 "within_sla", "score", "revenue_cents", "refunded_cents", "retries")
