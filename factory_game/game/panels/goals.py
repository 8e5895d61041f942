"""The live goals over the floor's top left: each goal's value so far, its projection to closing time, its star
thresholds, in green (three stars ahead), amber (one or two) or red (missed). The values are the end report's: the
same `evaluate` on the same summary (`panels/outlook.py` says how the projection is made)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from factory_game import texts
from factory_game.game.art import palette
from factory_game.game.panels.outlook import TREND_WINDOW_MS, GoalOutlook, outlook
from factory_game.game.ui import Label, box, clip, text_width
from factory_game.level.goals import evaluate
from factory_game.report.data import metric_unit
from factory_game.sim import queries

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost

HEADING_COLOUR = {"good": "lime", "warn": "orange", "bad": "red", "neutral": "silver"}


def format_value(metric: str, value: float, lang: str) -> str:
    """A goal's number in its metric's declared unit, through the one text layer (as the report shows it)."""
    return texts.format_value(max(0, value) if metric_unit(metric) == "ms" else value, metric_unit(metric), lang)


class GoalsStrip:
    def __init__(self, hud: WidgetHost) -> None:
        self.hud = hud
        self.history: dict[str, list[tuple[int, float]]] = {}  # metric -> (time, value) over the trend window
        self.lines: list[Label] = []
        self.outlooks: list[GoalOutlook] = []
        self.height = 0  # UI pixels the strip takes under the top bar (the floor is laid out below it)

    def build(self, left: float, top: float, right: float, on_toggle: Callable[[], None]) -> float:
        """Create the strip's widgets under `top`; return the bottom edge it uses."""
        hud, t, pal = self.hud, self.hud.i18n.t, palette()
        spec = hud.view.world.spec
        line = 17 if hud.small else 18
        goals = spec.goals
        width = right - left - 16
        self.columns = columns = 1 if hud.small or len(goals) < 3 else 2  # two columns keep the stations in view
        rows = -(-len(goals) // columns)
        header = 24  # the title and the levers' button (all there is on a level without goals, as the sandbox)
        height = header + line * rows + 6
        self.box = box(hud.boxes, left + 6, top - height - 4, width, height, (*pal["ink"][:3], 215))
        self.title = hud.label(left + 12, top - 18, t("manager.goals_small" if hud.small else "manager.goals"),
                               pal["yellow"])
        label = t("manager.levers_open" if hud.manager.open else "manager.levers_closed")
        button_w = text_width(label) + 12
        self.toggle = hud.button(left + 6 + width - button_w - 4, top - header, button_w, 20, label, on_toggle,
                                 "tip.levers")
        column_w = (width - 12) / columns
        self.lines = [hud.label(left + 12 + (i // rows) * column_w, top - header - line * (i % rows + 1) + 2, "",
                                clip_px=int(column_w) - 8)
                      for i in range(len(goals))]
        self.height = height + 4
        return top - height - 4

    def refresh(self, summary: dict | None, fresh: bool) -> None:
        hud = self.hud
        world = hud.view.world
        spec = world.spec
        if summary is None or not spec.goals:
            return
        results = evaluate(spec, summary)
        now = world.now
        if fresh:
            for result in results:
                points = self.history.setdefault(result.goal.metric, [])
                if not points or points[-1][0] < now:
                    points.append((now, result.value))
                while len(points) > 2 and points[1][0] < now - TREND_WINDOW_MS:
                    points.pop(0)
            self._money_history(world)
        end = hud.view.clock.end_ms
        self.outlooks = outlook(results, self.history, now, end, hud.view.forecaster.poll(world, end))
        pal = palette()
        for label, view in zip(self.lines, self.outlooks, strict=True):
            goal = view.now.goal
            name = hud.i18n.pick(goal.label, goal.metric)
            sign = "≥" if goal.at_least else "≤"
            lang = hud.i18n.lang
            low, high = (format_value(goal.metric, end, lang) for end in (view.low, view.high))
            figures = f"{format_value(goal.metric, view.now.value, lang)} → " + (low if low == high else
                                                                                    f"{low}–{high}")
            # the name gives way to the figures; the star thresholds come last and give way to both
            room = (label.clip_px or 400) - text_width(figures) - text_width(": ")
            text = f"{clip(name, max(16, room))}: {figures}"
            if not hud.small:
                text += "  ★" + sign + "/".join(format_value(goal.metric, stars, lang) for stars in goal.stars)
            label.set(clip(text, label.clip_px or 400), pal[HEADING_COLOUR[view.heading]])

    def _money_history(self, world) -> None:
        """Revenue and profit are in the world's per-minute series from the start: a loaded game or a screen
        opened mid-run projects them at once, without waiting for its own samples."""
        series = queries.recent_series(world, world.now - TREND_WINDOW_MS)
        if series:
            self.history["money.revenue_cents"] = [(p["t"], p["revenue_cents"]) for p in series]
            self.history["money.profit_cents"] = [(p["t"], p["revenue_cents"] - p["upstream_cents"]) for p in series]
