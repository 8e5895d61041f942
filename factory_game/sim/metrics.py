"""Run metrics: per model, per tier and overall, plus time series for charts.

Satisfaction score (0-100), documented in docs/engine.md: the mean over finished tasks of
  delivered within the SLA -> 1.0; delivered late -> falls linearly from 1.0 at the SLA to 0 at twice the SLA;
  failed and refunded -> 0.25 (money back, no content); abandoned after a "no" -> 0.1 (asked, refunded);
  lost sale (budget could not cover the hold) -> 0.
The formula is `Stats.record_*` below, beside these weights; the world calls them as tasks end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from factory_game.sim.entities import ModelState
from factory_game.sim.ledger import Ledger
from factory_game.sim.prompt import SHOWN_WAIT_CAP_MS, predicted_wait_ms
from factory_game.sim.spec import LevelSpec

MAX_SAMPLES = 720  # time-series points kept; then the resolution halves
SCORE_ON_TIME = 1.0
SCORE_FAILED = 0.25
SCORE_ABANDONED = 0.1
# a lost sale scores 0: it counts as finished and adds nothing


# ------------------------------------------------------------------------------------------- the summary, declared
@dataclass(frozen=True)
class Metric:
    """One figure of the summary. `unit` says how to show it: "count", "ms" (a duration), "cents" (money),
    "share" (0-1, shown as a percentage) or "score" (0-100)."""

    name: str
    unit: str
    description: str


UNITS = ("count", "ms", "cents", "share", "score")

# A group of tasks (everything, one model, one tier): `Stats.summary`.
TASK_METRICS = (
    Metric("requested", "count", "tasks customers asked for"),
    Metric("admitted", "count", "tasks let in under the tier cap with their price held"),
    Metric("completed", "count", "tasks delivered"),
    Metric("failed", "count", "tasks that failed for good and were refunded"),
    Metric("abandoned", "count", "tasks dropped after a \"no\" to the wait prompt"),
    Metric("lost_sales", "count", "tasks never admitted: the budget could not cover the hold"),
    Metric("retries", "count", "failed attempts sent back to the queue"),
    Metric("started", "count", "attempts started at a station"),
    Metric("wait_mean_ms", "ms", "mean queue wait of a start"),
    Metric("wait_p50_ms", "ms", "median queue wait"),
    Metric("wait_p95_ms", "ms", "95th percentile queue wait"),
    Metric("wait_p99_ms", "ms", "99th percentile queue wait"),
    Metric("wait_max_ms", "ms", "longest queue wait"),
    Metric("time_in_system_mean_ms", "ms", "mean time from admission to delivery"),
    Metric("sla_share", "share", "share of deliveries within the SLA"),
    Metric("satisfaction", "score", "satisfaction score (docs/engine.md \"Metrics\")"),
    Metric("revenue_cents", "cents", "money captured on delivery"),
    Metric("refunded_cents", "cents", "money released back to customers"),
)
# `overall` has the task metrics and these.
OVERALL_METRICS = (
    Metric("customers", "count", "customers who came in"),
    Metric("returns", "count", "visits by returning customers"),
    Metric("happy_customers", "count", "customers who left happy"),
    Metric("angry_customers", "count", "customers who left angry"),
    Metric("prompts", "count", "wait prompts asked"),
    Metric("prompt_yes", "count", "prompts answered yes"),
    Metric("prompt_no", "count", "prompts answered no"),
    Metric("abandon_share", "share", "share of admitted tasks abandoned"),
)
# `models.<id>` has the task metrics of that model's tasks and these.
MODEL_METRICS = (
    Metric("slots_contracted", "count", "contracted slots"),
    Metric("slots_rented_now", "count", "rented slots serving at the end"),
    Metric("utilisation", "share", "busy slot-time over present slot-time"),
    Metric("utilisation_contracted", "share", "busy over up time of the contracted slots"),
    Metric("utilisation_rented", "share", "busy over present time of the rented slots"),
    Metric("busy_slot_ms", "ms", "slot-time spent running tasks"),
    Metric("queue_mean", "count", "time-mean queue length"),
    Metric("queue_max", "count", "longest queue"),
    Metric("enqueued", "count", "times a task joined the queue"),
    Metric("queued_now", "count", "tasks waiting at the end"),
    Metric("running_now", "count", "tasks running at the end"),
)
# `tiers.<tier>` has the task metrics of that tier's tasks and these.
TIER_METRICS = (
    Metric("customers", "count", "customers of this tier who came in"),
)
MONEY_METRICS = (
    Metric("start_cash_cents", "cents", "cash at the start"),
    Metric("revenue_cents", "cents", "money captured"),
    Metric("refunded_cents", "cents", "money released"),
    Metric("held_cents", "cents", "money held for tasks not yet delivered"),
    Metric("upstream_cost_cents", "cents", "paid to model suppliers (contracted and rented slots)"),
    Metric("profit_cents", "cents", "revenue less upstream costs"),
    Metric("cash_cents", "cents", "cash at the end"),
)
RUN_METRICS = (
    Metric("time_ms", "ms", "simulated time the summary was taken at"),
)


def summary_paths(spec: LevelSpec) -> list[str]:
    """Every figure of this level's summary as a dotted path (`overall.sla_share`, `models.sd15.queue_max`, ...),
    in the summary's order: the names a goal may use."""
    def group(prefix: str, metrics: tuple[Metric, ...]) -> list[str]:
        return [f"{prefix}{m.name}" for m in metrics]

    paths = group("", RUN_METRICS) + group("overall.", TASK_METRICS + OVERALL_METRICS)
    for model in spec.models:
        paths += group(f"models.{model.id}.", TASK_METRICS + MODEL_METRICS)
    for tier, _cap in spec.tiers:
        paths += group(f"tiers.{tier}.", TIER_METRICS + TASK_METRICS)
    return paths + group("money.", MONEY_METRICS)


def metric_of(path: str) -> Metric:
    """The declaration of a summary figure, by its dotted path (or bare name); KeyError if there is none."""
    return _BY_NAME[path.rsplit(".", 1)[-1]]


_BY_NAME: dict[str, Metric] = {}
for _metric in RUN_METRICS + TASK_METRICS + OVERALL_METRICS + MODEL_METRICS + TIER_METRICS + MONEY_METRICS:
    _BY_NAME.setdefault(_metric.name, _metric)  # a name in two sections has one unit (a test checks it)


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
        for name in Stats.__slots__:
            value = getattr(other, name)
            if isinstance(value, Histogram):
                getattr(self, name).merge(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    # The satisfaction formula: one call per finished task, adding its score (the weights above).
    def record_delivery(self, sojourn_ms: int, cents: int, sla_ms: int) -> bool:
        """A delivered task; returns whether it came within the SLA (a late one makes its customer unhappy)."""
        self.completed += 1
        self.sojourns.add(sojourn_ms)
        self.revenue_cents += cents
        if sojourn_ms <= sla_ms:
            self.score += SCORE_ON_TIME
            self.within_sla += 1
            return True
        self.score += max(0.0, 2.0 - sojourn_ms / sla_ms)  # late: from 1 at the SLA down to 0 at twice the SLA
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

    def summary(self) -> dict:
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


class Metrics:
    """Fed directly by the world (no event objects needed), so headless runs stay fast. Reads the models' time
    integrals and the ledger it is handed; the time comes with each call."""

    def __init__(self, spec: LevelSpec, models: dict[str, ModelState], ledger: Ledger, sample_every_ms: int) -> None:
        self.tiers = [tier for tier, _cap in spec.tiers]
        self.models = models
        self.ledger = ledger
        # One Stats per (model, tier) cell, fed on the hot path; groups are merged only for a summary.
        self.cells = {(m.id, tier): Stats() for m in spec.models for tier in self.tiers}
        self.customers = 0
        self.returns = 0
        self.customers_by_tier = dict.fromkeys(self.tiers, 0)
        self.prompts = 0
        self.prompt_yes = 0
        self.prompt_no = 0
        self.happy = 0
        self.angry = 0
        self.sample_every_ms = sample_every_ms
        self.series: list[dict] = []

    def group(self, model: str | None = None, tier: str | None = None) -> Stats:
        """All cells of one model, one tier, or everything, merged."""
        merged = Stats()
        for (cell_model, cell_tier), stats in self.cells.items():
            if model in (None, cell_model) and tier in (None, cell_tier):
                merged.merge(stats)
        return merged

    def sample(self, now: int, customers_present: int) -> None:
        """One point of the time series the charts draw, every `sample_every_ms`. Past MAX_SAMPLES points every
        other one is dropped and the interval doubles: the whole run stays charted in bounded memory."""
        if now % self.sample_every_ms:
            return
        if len(self.series) >= MAX_SAMPLES:
            self.sample_every_ms *= 2
            self.series = [p for p in self.series if p["t"] % self.sample_every_ms == 0]
            if now % self.sample_every_ms:
                return
        ledger = self.ledger
        self.series.append({
            "t": now,
            "cash_cents": ledger.cash_cents,
            "revenue_cents": ledger.revenue_cents,
            "upstream_cents": ledger.upstream_cents,
            "customers": customers_present,
            "models": {
                m.id: {
                    "queue": len(m.queue),
                    "busy": m.busy,
                    "capacity": m.capacity,
                    "rented": m.serving_rented,
                    "predicted_wait_ms": min(predicted_wait_ms(m), SHOWN_WAIT_CAP_MS),
                }
                for m in self.models.values()
            },
        })

    def summary(self, now: int) -> dict:
        ledger = self.ledger
        models = {}
        for m in self.models.values():
            m.account(now)
            contracted_util = m.busy_contracted_area / m.up_contracted_area if m.up_contracted_area else 0.0
            rented_util = m.busy_rented_area / m.present_rented_area if m.present_rented_area else 0.0
            models[m.id] = {
                **self.group(model=m.id).summary(),
                "slots_contracted": m.spec.slots,
                "slots_rented_now": m.serving_rented,
                "utilisation": round((m.busy_contracted_area + m.busy_rented_area)
                                     / max(1, m.up_contracted_area + m.present_rented_area), 6),
                "utilisation_contracted": round(contracted_util, 6),
                "utilisation_rented": round(rented_util, 6),
                "busy_slot_ms": m.busy_contracted_area + m.busy_rented_area,
                "queue_mean": round(m.queue_area / now, 6) if now else 0.0,
                "queue_max": m.queue_max,
                "enqueued": m.enqueued,
                "queued_now": len(m.queue),
                "running_now": m.busy,
            }
        everything = self.group()
        overall = everything.summary()
        overall.update({
            "customers": self.customers,
            "returns": self.returns,
            "happy_customers": self.happy,
            "angry_customers": self.angry,
            "prompts": self.prompts,
            "prompt_yes": self.prompt_yes,
            "prompt_no": self.prompt_no,
            "abandon_share": round(everything.abandoned / everything.admitted, 6) if everything.admitted else 0.0,
        })
        return {
            "time_ms": now,
            "overall": overall,
            "models": models,
            "tiers": {tier: {"customers": self.customers_by_tier[tier], **self.group(tier=tier).summary()}
                      for tier in self.tiers},
            "money": {
                "start_cash_cents": ledger.start_cash_cents,
                "revenue_cents": ledger.revenue_cents,
                "refunded_cents": ledger.refunded_cents,
                "held_cents": ledger.held_cents,
                "upstream_cost_cents": ledger.upstream_cents,
                "profit_cents": ledger.profit_cents,
                "cash_cents": ledger.cash_cents,
            },
        }
