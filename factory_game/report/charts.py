"""The report's four charts as PNG files, drawn with matplotlib's object API on the Agg canvas (no pyplot, no
global backend switch, so the game process can draw them too).

They wear the game's look, in the report files as on the end-of-level screen: the Sweetie 16 palette on the ink
background of the HUD, and the game's pixel font (Unifont, so Chinese is as legible as English) at its native 16 px,
not antialiased."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from factory_game.paths import FONT_FILE, FONT_NAME
from factory_game.report.data import ReportData
from factory_game.report.labels import words
from factory_game.sim.clock import HOUR, MINUTE

SIZE = (8.0, 4.5)  # inches; at DPI 100 an 800 x 450 image, readable on the end-of-level screen
DPI = 100
# Sweetie 16, the game's palette: sky, orange, lime, pink, yellow, cyan, red, green for the series
INK, NIGHT, SLATE, SILVER, WHITE = "#1a1c2c", "#333c57", "#566c86", "#94b0c2", "#f4f4f4"
GOOD, BAD = "#a7f070", "#ef7d57"
COLOURS = ["#41a6f6", "#ef7d57", "#a7f070", "#c86cc4", "#ffcd75", "#73eff7", "#b13e53", "#38b764"]


def game_style(dpi: int) -> dict:
    """matplotlib settings for the game's look at ``dpi``: text is 16 pixels tall whatever the resolution."""
    from cycler import cycler
    from matplotlib import font_manager

    family = ["DejaVu Sans"]
    if FONT_FILE.exists():
        if FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
            font_manager.fontManager.addfont(str(FONT_FILE))
        family = [FONT_NAME, "DejaVu Sans"]
    return {
        "font.family": family, "font.size": 16 * 72 / dpi, "text.antialiased": False,
        "figure.facecolor": INK, "savefig.facecolor": INK, "axes.facecolor": NIGHT, "axes.edgecolor": SLATE,
        "axes.labelcolor": SILVER, "text.color": WHITE, "xtick.color": SILVER, "ytick.color": SILVER,
        "grid.color": SLATE, "grid.alpha": 0.6, "legend.facecolor": INK, "legend.edgecolor": SLATE,
        "legend.labelcolor": WHITE, "legend.framealpha": 0.9, "axes.prop_cycle": cycler(color=COLOURS),
        "axes.titlesize": "medium", "legend.fontsize": "medium", "xtick.labelsize": "medium",
        "ytick.labelsize": "medium", "axes.labelsize": "medium",
    }


def render_charts(data: ReportData, directory: str | Path, names: Iterable[str] | None = None,
                  dpi: int = DPI, lang: str = "en") -> dict[str, Path]:
    """Draw the charts (all, or those `names`) into `directory` as `<name>.png`, labelled in `lang`; return
    their paths."""
    from matplotlib import rc_context

    text = words(lang)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    with rc_context(game_style(dpi)):
        for name in names or CHARTS:
            figure = _figure()
            CHARTS[name](figure, data, text, lang)
            figure.suptitle(text[f"chart.{name}"], color="#ffcd75")
            figure.tight_layout()
            path = directory / f"{name}.png"
            figure.savefig(path, dpi=dpi)
            out[name] = path
    return out


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    FigureCanvasAgg(figure)
    return figure


def _hours(data: ReportData) -> list[float]:
    return [sample["t"] / HOUR for sample in data.series]


def _models(data: ReportData) -> list[str]:
    return list(data.series[0]["models"]) if data.series else []


def _style(axes, text: dict[str, str], ylabel: str) -> None:
    axes.set_xlabel(text["axis.time"])
    axes.set_ylabel(ylabel)
    axes.grid(True)
    axes.margins(x=0)


def _mark_decisions(axes, data: ReportData, top_label: bool = True) -> None:
    """The manager's decisions as dotted vertical lines at their times (renting green, releasing red, levers
    blue, the auto-manager grey), each with its few words at the top; many decisions in one minute share a line."""
    shown: dict[int, list[str]] = {}
    colours = {"rent": "#2ca02c", "release": "#d62728", "autopilot": "#7f7f7f"}
    for time, source, name, words_ in data.decisions:
        if source == "autopilot" and name in ("rent", "release"):
            words_ = "auto " + words_
        minute = time // MINUTE
        axes.axvline(time / HOUR, color=colours.get(name, "#1f77b4"), linestyle=":", linewidth=1, alpha=0.8)
        shown.setdefault(minute, []).append(words_)
    if not top_label:
        return
    for minute, texts in list(shown.items())[:40]:  # a busy auto-manager: the first forty are enough to read
        axes.text(minute / 60, 1.0, " " + ", ".join(texts[:3]), transform=axes.get_xaxis_transform(), rotation=90,
                  va="top", ha="right", fontsize=6, color="#333333", clip_on=True)


def draw_queue(figure, data: ReportData, text: dict[str, str], lang: str) -> None:
    axes = figure.add_subplot()
    hours = _hours(data)
    for colour, model in zip(COLOURS, _models(data), strict=False):
        queue = [sample["models"][model]["queue"] for sample in data.series]
        axes.plot(hours, queue, color=colour, linewidth=1.6, label=data.model_name(model, lang))
    _style(axes, text, text["axis.queue"])
    axes.set_ylim(bottom=0)
    _mark_decisions(axes, data)
    axes.legend(loc="upper left")


def draw_waits(figure, data: ReportData, text: dict[str, str], lang: str) -> None:
    """Share of each tier's tasks that started within x minutes: one curve per tier (higher and further left
    is better); the legend gives the median and the 95th percentile."""
    axes = figure.add_subplot()
    tiers = [(tier, sorted(waits)) for tier, waits in data.waits_by_tier.items() if waits]
    longest = max((waits[-1] for _tier, waits in tiers), default=0) / MINUTE
    for colour, (tier, waits) in zip(COLOURS, tiers, strict=False):
        n = len(waits)
        xs = [0.0] + [w / MINUTE for w in waits] + [max(longest, 1.0)]
        ys = [0.0] + [(i + 1) / n for i in range(n)] + [1.0]
        median, p95 = waits[n // 2] / MINUTE, waits[min(n - 1, int(0.95 * n))] / MINUTE
        axes.step(xs, ys, where="post", color=colour, linewidth=1.8,
                  label=text["legend.tier"].format(tier=tier, n=n, median=median, p95=p95))
    axes.set_xlabel(text["axis.wait"])
    axes.set_ylabel(text["axis.started_within"])
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    axes.grid(True)
    if tiers:
        axes.legend(loc="lower right")
    else:
        axes.text(0.5, 0.5, text["empty.waits"], ha="center", va="center", transform=axes.transAxes)


def draw_utilisation(figure, data: ReportData, text: dict[str, str], lang: str) -> None:
    """Busy slots against available slots (contracted + rented up), one panel per model."""
    models = _models(data)
    hours = _hours(data)
    figure.set_size_inches(SIZE[0], max(SIZE[1], 1.2 + 1.6 * len(models)))
    for index, model in enumerate(models):
        axes = figure.add_subplot(len(models), 1, index + 1)
        busy = [sample["models"][model]["busy"] for sample in data.series]
        capacity = [sample["models"][model]["capacity"] for sample in data.series]
        colour = COLOURS[index % len(COLOURS)]
        axes.fill_between(hours, busy, step="post", color=colour, alpha=0.35, linewidth=0,
                          label=text["legend.busy"])
        axes.step(hours, capacity, where="post", color=colour, linewidth=1.8, label=text["legend.available"])
        total = data.summary["models"].get(model, {}).get("utilisation", 0.0)
        axes.set_title(text["panel.utilisation"].format(name=data.model_name(model, lang), percent=100 * total),
                       loc="right", pad=3)
        axes.set_ylabel(text["axis.slots"])
        axes.set_ylim(0, max(capacity + [1]) * 1.15)
        axes.grid(True)
        axes.margins(x=0)
        _mark_decisions(axes, data, top_label=index == 0)
        if index == 0:
            axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
        if index < len(models) - 1:
            axes.tick_params(labelbottom=False)
        else:
            axes.set_xlabel(text["axis.time"])


def draw_money(figure, data: ReportData, text: dict[str, str], lang: str) -> None:
    axes = figure.add_subplot()
    hours = _hours(data)
    revenue = [sample["revenue_cents"] / 100 for sample in data.series]
    cost = [sample["upstream_cents"] / 100 for sample in data.series]
    axes.plot(hours, revenue, color=GOOD, linewidth=2, label=text["legend.revenue"])
    axes.plot(hours, cost, color=BAD, linewidth=2, label=text["legend.cost"])
    ahead = [r >= c for r, c in zip(revenue, cost, strict=True)]
    if any(ahead):
        axes.fill_between(hours, cost, revenue, where=ahead, color=GOOD, alpha=0.2, interpolate=True,
                          label=text["legend.profit"])
    if not all(ahead):
        axes.fill_between(hours, cost, revenue, where=[not a for a in ahead], color=BAD, alpha=0.2,
                          interpolate=True, label=text["legend.loss"])
    _style(axes, text, text["axis.amount"])
    _mark_decisions(axes, data)
    axes.legend(loc="upper left")


# name -> draw(figure, data, words, lang); each chart's title is the label "chart.<name>"
CHARTS: dict[str, Callable] = {
    "queue": draw_queue,
    "waits": draw_waits,
    "utilisation": draw_utilisation,
    "money": draw_money,
}
