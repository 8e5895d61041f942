"""What a report shows, taken out of a finished (or paused) world: plain numbers, no simulation objects, so the
charts and the text can be drawn from it at any time.

The figures are one model, :meth:`ReportData.rows` and :meth:`ReportData.task_table`: rows of (label key, value,
unit) that the terminal table (``cli.summary_table``), the Markdown report and the end-of-level screen each render,
with their labels from the string tables and their values through :func:`factory_game.texts.format_value`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import reduce
from typing import TYPE_CHECKING, cast

from factory_game.level.goals import GoalResult, evaluate, level_stars
from factory_game.sim.commands import Command
from factory_game.sim.levers import lever_of
from factory_game.sim.metrics import metric_of
from factory_game.texts import format_value, pick, text

if TYPE_CHECKING:
    from factory_game.runner import RunResult
    from factory_game.sim.world import World


def metric_unit(metric: str) -> str:
    """The unit of a summary figure (``cents``, ``ms``, ``share``, ``count``, ``score``, ``factor``), from the
    simulator's declared metrics; a figure not declared there shows as a plain number."""
    try:
        return metric_of(metric).unit
    except KeyError:
        return "count"


@dataclass(frozen=True)
class Row:
    """One figure of the report: its label's key in the string tables, its value, and how to show it."""

    key: str  # "figure.revenue"
    value: float
    unit: str  # see metric_unit

    def shown(self, lang: str) -> str:
        return format_value(self.value, self.unit, lang)


# (section, label key, summary path): the report's headline figures, in the order every renderer shows them.
FIGURES = (
    ("money", "figure.revenue", "money.revenue_cents"),
    ("money", "figure.refunds", "money.refunded_cents"),
    ("money", "figure.upstream", "money.upstream_cost_cents"),
    ("money", "figure.profit", "money.profit_cents"),
    ("money", "figure.cash", "money.cash_cents"),
    ("customers", "figure.customers", "overall.customers"),
    ("customers", "figure.returns", "overall.returns"),
    ("customers", "figure.happy", "overall.happy_customers"),
    ("customers", "figure.angry", "overall.angry_customers"),
    ("customers", "figure.satisfaction", "overall.satisfaction"),
    ("customers", "figure.prompts", "overall.prompts"),
    ("customers", "figure.prompt_yes", "overall.prompt_yes"),
    ("customers", "figure.prompt_no", "overall.prompt_no"),
    ("tasks", "figure.requested", "overall.requested"),
    ("tasks", "figure.done", "overall.completed"),
    ("tasks", "figure.failed", "overall.failed"),
    ("tasks", "figure.abandoned", "overall.abandoned"),
    ("tasks", "figure.lost", "overall.lost_sales"),
    ("tasks", "figure.wait_p50", "overall.wait_p50_ms"),
    ("tasks", "figure.wait_p95", "overall.wait_p95_ms"),
    ("tasks", "figure.sla", "overall.sla_share"),
)
SECTIONS = ("money", "customers", "tasks")  # each titled by "report.<section>"

# (label key, summary key) of the task table's columns; a group without the key (a tier has no slots) leaves it empty
TASK_COLUMNS = (
    ("figure.requested", "requested"),
    ("figure.done", "completed"),
    ("figure.failed", "failed"),
    ("figure.abandoned", "abandoned"),
    ("figure.lost", "lost_sales"),
    ("figure.wait_p50", "wait_p50_ms"),
    ("figure.wait_p95", "wait_p95_ms"),
    ("figure.sla", "sla_share"),
    ("figure.utilisation", "utilisation"),
    ("figure.queue_mean", "queue_mean"),
)


@dataclass(frozen=True)
class TaskGroup:
    """A row of the task table: a model, a tier or all tasks, with one Row (or None) per column of TASK_COLUMNS."""

    kind: str  # "model", "tier" or "all"
    id: str
    cells: tuple[Row | None, ...]

    def shown(self, lang: str) -> list[str]:
        return ["" if row is None else row.shown(lang) for row in self.cells]


def decision_text(command: Command, lang: str = "en") -> str:
    """A decision in a few characters, for a mark on a chart: "+4 sd15", "-2 sd15", "image 0.80", "L3 cap 1",
    "#2 matched" (an incident's answer).
    The words are the string table's `lever.<command>_mark` (the lever table's `mark`), filled with the command's
    fields; `_mark_off` when the decision switches something off or opens a door (a false or zero value)."""
    values = asdict(command)
    lever = lever_of(command)
    key = lever.mark if lever is not None else f"lever.{command.name}_mark"
    field = lever.field if lever is not None else next(iter(values), "")
    if (lever is None or lever.unit in ("switch", "minutes")) and values.get(field, True) in (False, 0):
        key += "_off"
    if "cents" in values:
        values["price"] = f"{values['cents'] / 100:.2f}"
    if command.name == "answer_incident":  # the choice in the player's language
        values["choice"] = text(lang, f"incident.choice_{values['choice']}")
    return text(lang, key, **values)


@dataclass(frozen=True)
class ReportData:
    level_id: str
    title: dict[str, str]
    seed: int
    summary: dict
    goals: list[GoalResult]
    series: list[dict]  # one sample per simulated minute (World.metrics.series)
    waits_by_tier: dict[str, list[int]]  # queue wait of every started task, ms
    model_names: dict[str, dict[str, str]] = field(default_factory=dict)  # model -> {lang: name}
    event_hash: str = ""
    # the manager's decisions carried out, as (time ms, source, command name, short text): marked on the charts
    decisions: list[tuple[int, str, str, str]] = field(default_factory=list)
    mods: dict = field(default_factory=dict)  # the run's mods and mod failures (ModSession.record())

    @property
    def stars(self) -> int:
        return level_stars(self.goals)

    def rows(self, section: str | None = None) -> list[Row]:
        """The headline figures (of one section, or all)."""
        return [Row(key, self.figure(path), metric_unit(path)) for where, key, path in FIGURES
                if section in (None, where)]

    def figure(self, path: str) -> float:
        """The summary's value at a dotted path (`money.profit_cents`)."""
        return cast(float, reduce(dict.__getitem__, path.split("."), self.summary))

    def task_table(self) -> list[TaskGroup]:
        """Tasks per model, per tier that had any, and overall."""
        groups = [("model", model_id, g) for model_id, g in self.summary["models"].items()]
        groups += [("tier", tier, g) for tier, g in self.summary["tiers"].items() if g["requested"]]
        groups.append(("all", "", self.summary["overall"]))
        return [TaskGroup(kind, name, tuple(Row(key, g[metric], metric_unit(metric)) if metric in g else None
                                            for key, metric in TASK_COLUMNS))
                for kind, name, g in groups]

    def group_name(self, group: TaskGroup, lang: str, model_ids: bool = False) -> str:
        """"model SD1.5" (or "model sd15", the id that ``--set models.sd15...`` takes), "tier L1", "all", in
        ``lang``."""
        if group.kind == "model":
            return text(lang, "report.group_model", name=group.id if model_ids else self.model_name(group.id, lang))
        if group.kind == "tier":
            return text(lang, "report.group_tier", tier=group.id)
        return text(lang, "report.group_all")

    def model_name(self, model_id: str, lang: str) -> str:
        return pick(self.model_names.get(model_id), lang, model_id)

    @classmethod
    def from_world(cls, world: World, goals: list[GoalResult] | None = None, event_hash: str = "") -> ReportData:
        """From a live world (the game's end-of-level screen); goals are scored now if not given."""
        summary = world.summary()
        metrics = world.metrics
        return cls(
            level_id=world.spec.id,
            title=dict(world.spec.title),
            seed=world.seed,
            summary=summary,
            goals=evaluate(world.spec, summary) if goals is None else list(goals),
            series=list(metrics.series),
            waits_by_tier={tier: metrics.group(tier=tier).waits.expand() for tier, _cap in world.spec.tiers},
            model_names={m.id: dict(m.names) for m in world.spec.models},
            event_hash=event_hash,
            decisions=[(r.time, r.source, r.command.name, decision_text(r.command)) for r in world.commands
                       if r.ok and r.command.name not in ("arrive",)],
        )

    @classmethod
    def from_run(cls, result: RunResult) -> ReportData:
        if result.world is None:
            raise ValueError("the run kept no world; run_level keeps it unless told otherwise")
        data = cls.from_world(result.world, result.goals, result.event_hash)
        # the run's summary was taken after its final cost settlement: report exactly that
        return replace(data, summary=result.summary, mods=result.mods)
