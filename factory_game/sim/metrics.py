"""Run metrics: per model, per tier and overall, plus time series for charts.

Satisfaction score (0-100), documented in docs/engine.md: the mean over finished tasks of
  delivered within the SLA -> 1.0; delivered late -> falls linearly from 1.0 at the SLA to 0 at twice the SLA
  (faster for a harsher customer: a tier's `lateness`, a pack buyer's `priority_waiting`);
  failed and refunded -> 0.25 (money back, no content); abandoned after a "no" -> 0.1 (asked, refunded);
  lost sale (budget could not cover the hold) -> 0.
The formula is `Stats.record_*` in `sim/stats.py`, beside its weights; the world calls them as tasks end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factory_game.sim.entities import ANGER_CAUSES, ModelState
from factory_game.sim.ledger import Ledger
from factory_game.sim.prompt import SHOWN_WAIT_CAP_MS, predicted_wait_ms
from factory_game.sim.spec import LevelSpec
from factory_game.sim.stats import Histogram as Histogram
from factory_game.sim.stats import Stats as Stats
from factory_game.sim.stats import bin_of as bin_of
from factory_game.sim.stats import upper_edge as upper_edge

MAX_SAMPLES = 720  # time-series points kept; then the resolution halves


# ------------------------------------------------------------------------------------------- the summary, declared
@dataclass(frozen=True)
class Metric:
    """One figure of the summary. `unit` says how to show it: "count", "ms" (a duration), "cents" (money),
    "share" (0-1, shown as a percentage), "score" (0-100) or "factor" (a multiplier, shown as ×1.25)."""

    name: str
    unit: str
    description: str


UNITS = ("count", "ms", "cents", "share", "score", "factor")

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
    Metric("visits", "count", "visits: customers plus returns (happy + angry + present)"),
    Metric("happy_customers", "count", "visits that ended happy"),
    Metric("angry_customers", "count", "visits that ended angry (`angry_by_cause` says why)"),
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
# `models.<id>` of a batched model (`[models.<id>.batching]`, sim/batching.py) also has these.
BATCH_METRICS = (
    Metric("ttft_mean_ms", "ms", "mean time to first token, from admission (delivered requests)"),
    Metric("ttft_p50_ms", "ms", "median time to first token"),
    Metric("ttft_p95_ms", "ms", "95th percentile time to first token"),
    Metric("ttft_p99_ms", "ms", "99th percentile time to first token"),
    Metric("tpot_mean_ms", "ms", "mean time per output token after the first"),
    Metric("tpot_p50_ms", "ms", "median time per output token"),
    Metric("tpot_p95_ms", "ms", "95th percentile time per output token"),
    Metric("tpot_p99_ms", "ms", "99th percentile time per output token"),
    Metric("batch_mean", "count", "requests a busy replica holds, time-weighted"),
    Metric("prefill_share", "share", "share of busy replica-time spent in prefill steps"),
    Metric("output_tokens", "count", "output tokens of delivered requests"),
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
    Metric("profit_cents", "cents", "revenue less upstream costs, plus incidents' bonuses and penalties"),
    Metric("cash_cents", "cents", "cash at the end"),
)
# `overall.angry_by_cause`: angry visits by their cause (docs/engine.md "Why a visit ends angry")
ANGER_METRICS = (
    Metric("queue_wait", "count", "delivered late after a queue wait longer than the task"),
    Metric("slow_service", "count", "delivered late mostly because the task itself ran long"),
    Metric("failure", "count", "a task failed for good and was refunded"),
    Metric("gave_up", "count", "said no to the wait question"),
    Metric("budget", "count", "a task the budget could not cover"),
    Metric("refused", "count", "turned away at a closed door"),
)
# `manager`: the manager's levers and what the market made of them (`World.summary`)
MANAGER_METRICS = (
    Metric("autopilot_minutes", "count", "simulated minutes the auto-manager was on (its star cap)"),
    Metric("reputation", "share", "reputation at the end (docs/engine.md \"The market and the levers\")"),
    Metric("demand_factor", "factor", "demand against the level's rate at the end (price, reputation, incidents)"),
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
    paths += group("overall.angry_by_cause.", ANGER_METRICS)
    for model in spec.models:
        paths += group(f"models.{model.id}.", TASK_METRICS + MODEL_METRICS
                       + (BATCH_METRICS if model.batching is not None else ()))
    for tier, _cap in spec.tiers:
        paths += group(f"tiers.{tier}.", TIER_METRICS + TASK_METRICS)
    return paths + group("money.", MONEY_METRICS) + group("manager.", MANAGER_METRICS)


def metric_of(path: str) -> Metric:
    """The declaration of a summary figure, by its dotted path (or bare name); KeyError if there is none."""
    return _BY_NAME[path.rsplit(".", 1)[-1]]


_BY_NAME: dict[str, Metric] = {}
for _metric in (RUN_METRICS + TASK_METRICS + OVERALL_METRICS + MODEL_METRICS + TIER_METRICS + MONEY_METRICS
                + ANGER_METRICS + MANAGER_METRICS + BATCH_METRICS):
    _BY_NAME.setdefault(_metric.name, _metric)  # a name in two sections has one unit (a test checks it)


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
        self.angry_causes = dict.fromkeys(ANGER_CAUSES, 0)  # angry visits by cause; they sum to `angry`
        self.autopilot_ms = 0  # simulated time the auto-manager was on (its star cap: docs/campaign.md)
        self.sample_every_ms = sample_every_ms
        self.series: list[dict[str, Any]] = []

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

    def summary(self, now: int) -> dict[str, Any]:
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
            "visits": self.customers + self.returns,
            "happy_customers": self.happy,
            "angry_customers": self.angry,
            "prompts": self.prompts,
            "prompt_yes": self.prompt_yes,
            "prompt_no": self.prompt_no,
            "abandon_share": round(everything.abandoned / everything.admitted, 6) if everything.admitted else 0.0,
            "angry_by_cause": dict(self.angry_causes),  # last in `overall`: a group of its own
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
