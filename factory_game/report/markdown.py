"""The report as Markdown: a headline with the stars, the goals, the summary tables, and the charts beside it."""

from __future__ import annotations

from pathlib import Path

from factory_game.level.goals import GoalResult
from factory_game.report.charts import render_charts
from factory_game.report.data import ReportData
from factory_game.report.labels import words
from factory_game.texts import format_duration, format_money, pick

REPORT_NAME = "report.md"


def write_report(data: ReportData, directory: str | Path, charts: bool = True, lang: str = "en") -> Path:
    """Write `report.md` and (unless `charts` is false) its PNG charts into `directory`, in `lang`; return the
    report's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    images = render_charts(data, directory, lang=lang) if charts else {}
    path = directory / REPORT_NAME
    path.write_text(markdown(data, images, lang), encoding="utf-8")
    return path


def markdown(data: ReportData, images: dict[str, Path] | None = None, lang: str = "en") -> str:
    text = words(lang)
    s = data.summary
    overall, money = s["overall"], s["money"]
    other = "zh-CN" if lang == "en" else "en"
    lines = [
        f"# {pick(data.title, lang, data.level_id)} / {pick(data.title, other, data.level_id)}",
        "",
        text["md.headline"].format(stars="★" * data.stars + "☆" * (3 - data.stars), count=data.stars,
                                   level=data.level_id, seed=data.seed, time=format_duration(s["time_ms"])),
        "",
    ]
    if data.event_hash:
        lines += [text["md.hash"].format(hash=data.event_hash), ""]
    if data.mods.get("mods") or data.mods.get("mod_failures"):
        lines += [f"## {text['md.mods']}", ""]
        lines += ["- " + text["md.mod_line"].format(id=m["id"], version=m["version"], sha=m["sha256"][:16])
                  for m in data.mods.get("mods", [])]
        lines += ["- " + text["md.mod_failed"].format(**f) for f in data.mods.get("mod_failures", [])]
        lines.append("")
    if data.goals:
        lines += [f"## {text['md.goals']}", "", text["md.goal_header"], "|---|---:|---:|---:|---:|---|"]
        lines += [_goal_row(r, text, lang) for r in data.goals]
        lines.append("")
    lines += [
        f"## {text['md.money']}", "",
        "- " + text["md.customers"].format(
            customers=overall["customers"], returns=overall["returns"], happy=overall["happy_customers"],
            angry=overall["angry_customers"], satisfaction=overall["satisfaction"]),
        "- " + text["md.prompts"].format(prompts=overall["prompts"], yes=overall["prompt_yes"],
                                         no=overall["prompt_no"]),
        "- " + text["md.cash"].format(
            revenue=format_money(money["revenue_cents"]), refunds=format_money(money["refunded_cents"]),
            upstream=format_money(money["upstream_cost_cents"]), profit=format_money(money["profit_cents"]),
            cash=format_money(money["cash_cents"])),
        "",
        f"## {text['md.tasks']}", "",
        text["md.task_header"],
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for model_id, g in s["models"].items():
        lines.append(_task_row(text["md.model"].format(name=data.model_name(model_id, lang)), g,
                               f"{100 * g['utilisation']:.0f}%"))
    for tier, g in s["tiers"].items():
        if g["requested"]:
            lines.append(_task_row(text["md.tier"].format(tier=tier), g))
    lines.append(_task_row(text["md.all"], overall))
    if images:
        lines += ["", f"## {text['md.charts']}", ""]
        for name, path in images.items():
            title = text[f"chart.{name}"]
            lines += [f"### {title}", "", f"![{title}]({path.name})", ""]
    return "\n".join(lines).rstrip() + "\n"


def _goal_row(r: GoalResult, text: dict[str, str], lang: str) -> str:
    sign = "≥" if r.goal.at_least else "≤"

    def show(value: float) -> str:
        if r.goal.metric.endswith("_cents"):
            return format_money(round(value))
        if r.goal.metric.endswith("_ms"):
            return format_duration(value)
        return f"{value:g}"

    label = pick(r.goal.label, lang, r.goal.metric)
    result = text["md.missed"] if not r.met else (text["md.warned"] if r.warning else text["md.met"])
    thresholds = " | ".join(f"{sign} {show(t)}" for t in r.goal.stars)
    return f"| {label} (`{r.goal.metric}`) | {show(r.value)} | {thresholds} | {'★' * r.stars or '—'} {result} |"


def _task_row(name: str, g: dict, utilisation: str = "") -> str:
    return (f"| {name} | {g['requested']} | {g['completed']} | {g['failed']} | {g['abandoned']} | {g['lost_sales']} "
            f"| {format_duration(g['wait_p50_ms'])} | {format_duration(g['wait_p95_ms'])} "
            f"| {100 * g['sla_share']:.1f}% | {utilisation} |")
