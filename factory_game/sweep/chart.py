"""The sweep's chart: upstream cost against the target metric per configuration (mean and 95 % CI bars), the
Pareto front joined, the target drawn, the cheapest configuration meeting it ringed. Drawn like the run report's
charts (matplotlib's object API on Agg, the same size and colours)."""

from __future__ import annotations

from pathlib import Path

from factory_game.report.charts import COLOURS, DPI, SIZE
from factory_game.sim.metrics import metric_of
from factory_game.sweep.summary import COST, ConfigSummary, Target, pareto_front
from factory_game.texts import CURRENCY


def point_label(summary: ConfigSummary) -> str:
    """A configuration in a few characters: `54` slots, `54+2R` with 2 rented, other keys as `key=value`."""
    parts, rented = [], 0
    for key, value in summary.overrides.items():
        if key.startswith("rent."):
            rented += int(value)
        elif key.endswith(".slots"):
            parts.append(str(value))
        else:
            parts.append(f"{key.rsplit('.', 1)[-1]}={value}")
    return " ".join(parts) + (f"+{rented}R" if rented else "") or "as is"


def pareto_chart(summaries: list[ConfigSummary], target: Target, best: ConfigSummary | None, path: Path,
                 title: str, period: str = "") -> Path:
    """`period`: what one run covers (the level's duration), named on the cost axis."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    share = metric_of(target.metric).unit == "share"
    scale = 100.0 if share else 1.0

    def xy(s: ConfigSummary) -> tuple[float, float, float, float]:
        c, m = s.stats[COST], s.stats[target.metric]
        return c.mean / 100, m.mean * scale, c.half_width / 100, m.half_width * scale

    for rented, marker, name in ((False, "o", "contracted only"), (True, "^", "with rented slots")):
        group = [s for s in summaries if any(k.startswith("rent.") and v for k, v in s.overrides.items()) == rented]
        if not group:
            continue
        points = [xy(s) for s in group]
        axes.errorbar([p[0] for p in points], [p[1] for p in points], xerr=[p[2] for p in points],
                      yerr=[p[3] for p in points], fmt=marker, color=COLOURS[0], ecolor="#9bbbd9", markersize=5,
                      label=f"{name} (mean, 95 % CI)")
        for s, p in zip(group, points, strict=True):
            axes.annotate(point_label(s), (p[0], p[1]), textcoords="offset points", xytext=(4, 4), fontsize=7)
    front = [xy(s) for s in pareto_front(summaries, target)]
    axes.plot([p[0] for p in front], [p[1] for p in front], "-", color=COLOURS[2], label="Pareto front")
    axes.axhline(target.value * scale, color=COLOURS[1], linestyle="--", linewidth=1, label=f"target {target}")
    if best is not None:
        x, y, _, _ = xy(best)
        axes.plot([x], [y], "o", markersize=12, markerfacecolor="none", markeredgecolor=COLOURS[1], markeredgewidth=2)
        low, high = axes.get_xlim()
        left = x > (low + high) / 2  # keep the note inside the axes
        axes.annotate(f"cheapest meeting the target:\n{best.config}", (x, y), textcoords="offset points",
                      xytext=(-12 if left else 12, -28), ha="right" if left else "left", fontsize=8,
                      bbox={"boxstyle": "round", "fc": "white", "alpha": 0.9})
    axes.set_xlabel(f"upstream cost ({CURRENCY} per run{f' of {period}' if period else ''}, mean)")
    axes.set_ylabel(target.metric + (" (%)" if share else ""))
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    figure.suptitle(title, fontsize=13, fontweight="bold")
    figure.tight_layout()
    import io

    from factory_game.atomic import atomic_writer

    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=DPI, format="png")
    with atomic_writer(path, binary=True) as handle:
        handle.write(buffer.getvalue())
    return path
