"""The report as Markdown: a headline with the stars, the goals, the figures and the task table of
:class:`ReportData`, and the charts beside it."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from factory_game.level.goals import GoalResult, capping
from factory_game.report.charts import render_charts
from factory_game.report.data import SECTIONS, TASK_COLUMNS, ReportData, metric_unit
from factory_game.texts import format_duration, format_value, pick, text

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
    t = partial(text, lang)
    other = "zh-CN" if lang == "en" else "en"
    lines = [
        f"# {pick(data.title, lang, data.level_id)} / {pick(data.title, other, data.level_id)}",
        "",
        t("md.headline", stars="★" * data.stars + "☆" * (3 - data.stars), count=data.stars, level=data.level_id,
          seed=data.seed, time=format_duration(data.summary["time_ms"])),
        "",
    ]
    if data.event_hash:
        lines += [t("md.hash", hash=data.event_hash), ""]
    if data.mods.get("mods") or data.mods.get("mod_failures"):
        lines += [f"## {t('md.mods')}", ""]
        lines += ["- " + t("md.mod_line", id=m["id"], version=m["version"], sha=m["sha256"][:16])
                  for m in data.mods.get("mods", [])]
        lines += ["- " + t("md.mod_failed", **f) for f in data.mods.get("mod_failures", [])]
        lines.append("")
    if data.goals:
        lines += [f"## {t('md.goals')}", "", t("md.goal_header"), "|---|---:|---:|---:|---:|---|"]
        lines += [_goal_row(r, lang) for r in data.goals]
        lines += ["", capped_line(data, lang), ""]
    for section in SECTIONS:
        lines += [f"## {t(f'report.{section}')}", ""]
        lines += [f"- {t(row.key)}: {row.shown(lang)}" for row in data.rows(section)]
        if section == "customers":
            lines.append(f"- {anger_line(data.summary['overall'], lang)}")
        lines.append("")
    lines += ["| | " + " | ".join(t(key) for key, _metric in TASK_COLUMNS) + " |",
              "|---|" + "---:|" * len(TASK_COLUMNS)]
    for group in data.task_table():
        lines.append(f"| {data.group_name(group, lang)} | " + " | ".join(group.shown(lang)) + " |")
    player = [f"{format_duration(at)} {words_}" for at, source, _name, words_ in data.decisions if source == "player"]
    if images and player:
        lines += ["", t("md.decisions", list=", ".join(player[:30]) + (" …" if len(player) > 30 else ""))]
    if images:
        lines += ["", f"## {t('md.charts')}", ""]
        for name, path in images.items():
            title = t(f"chart.{name}")
            lines += [f"### {title}", "", f"![{title}]({path.name})", ""]
    return "\n".join(lines).rstrip() + "\n"


def capped_line(data: ReportData, lang: str) -> str:
    """Which goal held the stars down, and how far it was from its next star (the report that teaches; the
    end-of-level screen shows the same line)."""
    weakest = capping(list(data.goals))
    if weakest is None:
        return text(lang, "md.all_three")
    metric = weakest.goal.metric
    threshold = weakest.goal.stars[weakest.stars]
    unit = metric_unit(metric)
    return text(lang, "md.capped", stars=weakest.stars, goal=pick(weakest.goal.label, lang, metric),
                value=format_value(weakest.value, unit, lang),
                gap=format_value(abs(threshold - weakest.value), unit, lang),
                threshold=format_value(threshold, unit, lang))


def anger_line(overall: dict, lang: str) -> str:
    """Angry visits broken down by cause, largest first."""
    causes = overall.get("angry_by_cause", {})
    angry = sum(causes.values())
    if not angry:
        return text(lang, "md.no_anger")
    parts = [f"{text(lang, 'cause.' + cause)} {100 * n / angry:.0f}%"
             for cause, n in sorted(causes.items(), key=lambda item: -item[1]) if n]
    return text(lang, "md.anger", causes=", ".join(parts))


def _goal_row(r: GoalResult, lang: str) -> str:
    sign = "≥" if r.goal.at_least else "≤"
    unit = metric_unit(r.goal.metric)
    label = pick(r.goal.label, lang, r.goal.metric)
    result = text(lang, "md.missed" if not r.met else "md.warned" if r.warning else "md.met")
    thresholds = " | ".join(f"{sign} {format_value(t, unit, lang)}" for t in r.goal.stars)
    return (f"| {label} (`{r.goal.metric}`) | {format_value(r.value, unit, lang)} | {thresholds} "
            f"| {'★' * r.stars or '—'} {result} |")
