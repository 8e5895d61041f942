"""The report as Markdown: a headline with the stars, the goals, the summary tables, and the charts beside it."""

from __future__ import annotations

from pathlib import Path

from factory_game.level.goals import GoalResult
from factory_game.level.units import format_duration, format_money
from factory_game.report.charts import CHARTS, render_charts
from factory_game.report.data import ReportData

REPORT_NAME = "report.md"


def write_report(data: ReportData, directory: str | Path, charts: bool = True) -> Path:
    """Write `report.md` and (unless `charts` is false) its PNG charts into `directory`; return the report."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    images = render_charts(data, directory) if charts else {}
    path = directory / REPORT_NAME
    path.write_text(markdown(data, images), encoding="utf-8")
    return path


def markdown(data: ReportData, images: dict[str, Path] | None = None) -> str:
    s = data.summary
    overall, money = s["overall"], s["money"]
    stars = "★" * data.stars + "☆" * (3 - data.stars)
    lines = [
        f"# {data.title.get('en', data.level_id)} / {data.title.get('zh-CN', '')}",
        "",
        f"**{stars}** ({data.stars} of 3) — level `{data.level_id}`, seed {data.seed}, "
        f"simulated {format_duration(s['time_ms'])}",
        "",
    ]
    if data.event_hash:
        lines += [f"Event log SHA-256: `{data.event_hash}`", ""]
    if data.goals:
        lines += ["## Goals", "", "| goal | value | ★ | ★★ | ★★★ | result |", "|---|---:|---:|---:|---:|---|"]
        lines += [_goal_row(r) for r in data.goals]
        lines.append("")
    lines += [
        "## Customers and money", "",
        f"- customers: {overall['customers']} (returning {overall['returns']}), happy {overall['happy_customers']}, "
        f"angry {overall['angry_customers']}; satisfaction {overall['satisfaction']:.1f} / 100",
        f"- wait prompts: {overall['prompts']} (yes {overall['prompt_yes']}, no {overall['prompt_no']})",
        f"- revenue {format_money(money['revenue_cents'])}, refunds {format_money(money['refunded_cents'])}, "
        f"upstream cost {format_money(money['upstream_cost_cents'])}, **profit {format_money(money['profit_cents'])}**"
        f", cash {format_money(money['cash_cents'])}",
        "",
        "## Tasks", "",
        "| | requested | done | failed | abandoned | lost sales | wait p50 | wait p95 | within SLA | utilisation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model_id, g in s["models"].items():
        lines.append(_task_row(f"model {data.model_names.get(model_id, model_id)}", g,
                               f"{100 * g['utilisation']:.0f}%"))
    for tier, g in s["tiers"].items():
        if g["requested"]:
            lines.append(_task_row(f"tier {tier}", g))
    lines.append(_task_row("**all**", overall))
    if images:
        lines += ["", "## Charts", ""]
        for name, path in images.items():
            lines += [f"### {CHARTS[name][0]}", "", f"![{CHARTS[name][0]}]({path.name})", ""]
    return "\n".join(lines).rstrip() + "\n"


def _goal_row(r: GoalResult) -> str:
    money = r.goal.metric.endswith("_cents")
    sign = "≥" if r.goal.at_least else "≤"

    def show(value: float) -> str:
        return format_money(round(value)) if money else f"{value:g}"

    label = r.goal.label.get("en") or r.goal.metric
    result = "missed" if not r.met else ("met, but past the warning line" if r.warning else "met")
    thresholds = " | ".join(f"{sign} {show(t)}" for t in r.goal.stars)
    return f"| {label} (`{r.goal.metric}`) | {show(r.value)} | {thresholds} | {'★' * r.stars or '—'} {result} |"


def _task_row(name: str, g: dict, utilisation: str = "") -> str:
    return (f"| {name} | {g['requested']} | {g['completed']} | {g['failed']} | {g['abandoned']} | {g['lost_sales']} "
            f"| {format_duration(g['wait_p50_ms'])} | {format_duration(g['wait_p95_ms'])} "
            f"| {100 * g['sla_share']:.1f}% | {utilisation} |")
