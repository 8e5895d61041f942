"""The end-of-level report's charts: the same PNGs ``factory-game run --report`` writes (``factory_game.report``),
drawn off the frame by a worker thread (matplotlib's object API on its own figures), the language on screen first,
and made textures on the main thread once ready. Drawing them in the frame stalled the game for seconds at a level's
end (``bench/level_end.py``).

matplotlib is optional (the ``report`` extra): without it :func:`available` is false and the report screen draws
the simple line charts of :func:`line_charts` instead.
"""

from __future__ import annotations

import importlib.util
import itertools
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from factory_game.game.gfx import arcade
from factory_game.report import CHARTS, ReportData, render_charts

CHART_DPI = 80  # the report's 8 × 4.5 inch charts at 640 × 360 window pixels: whole pixels, text still legible
NAMES = tuple(CHARTS)
_serial = itertools.count()  # textures are cached by hash: every report gets its own


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


class ReportCharts:
    def __init__(self, data: ReportData, lang: str) -> None:
        self.data = data
        self._serial = next(_serial)
        self._textures: dict[tuple[str, str], arcade.Texture] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-charts")
        self._jobs: dict[tuple[str, str], Future] = {}
        self.lang = lang

    def start(self) -> None:
        """Draw every chart in the language on screen, in tab order (again: nothing). Called once the report is on
        screen, so the worker does not slow the frame that builds it."""
        for name in NAMES:
            self._submit(name, self.lang)

    def _submit(self, name: str, lang: str) -> None:
        if (name, lang) not in self._jobs:
            self._jobs[(name, lang)] = self._worker.submit(self._draw, name, lang)

    def _draw(self, name: str, lang: str) -> Image.Image:
        with tempfile.TemporaryDirectory() as directory:
            path = render_charts(self.data, directory, names=[name], dpi=CHART_DPI, lang=lang)[name]
            return Image.open(path).convert("RGBA")

    def texture(self, name: str, lang: str) -> arcade.Texture | None:
        """Chart ``name`` labelled in ``lang`` once it is drawn, else None (it is drawn after those asked before)."""
        key = (name, lang)
        if key not in self._textures:
            job = self._jobs.get(key)
            if job is None:
                if self._jobs:  # started: a chart in another language is drawn on demand
                    self._submit(name, lang)
                return None
            if not job.done():
                return None
            self._textures[key] = arcade.Texture(job.result(), hash=f"river:chart:{self._serial}:{name}:{lang}",
                                                 hit_box_algorithm=arcade.hitbox.algo_bounding_box)
        return self._textures[key]

    def close(self) -> None:
        """Stop drawing charts nobody will look at (the report screen is left)."""
        self._worker.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class LineChart:
    title_key: str  # in the string tables
    frame: tuple[float, float, float, float]  # left, bottom, width, height in window pixels
    lines: list[list[tuple[float, float]]]  # each line's points inside the frame
    unit: str = "count"  # of the vertical axis: "count", "ms" or "cents"
    top: float = 1.0  # the value at the frame's top (its bottom is 0)
    end_ms: int = 0  # the time at the frame's right (its left is 0)


def nice_top(value: float, floor: float) -> float:
    """An axis top a reader takes in at a glance: 1, 2 or 5 times a power of ten, at least `floor` (so a queue of
    two at closing time is not a full-height spike)."""
    value = max(value, floor)
    power = 10 ** max(0, len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def line_charts(data: ReportData, left: float, bottom: float, width: float, height: float) -> list[LineChart]:
    """Three small line charts from the report's time series (queue length, the longest predicted wait, revenue
    against upstream cost) stacked in the given box; none before two samples."""
    series = data.series
    if len(series) < 2:
        return []
    end = series[-1]["t"] or 1
    models = list(series[0]["models"])
    specs = [("report.chart_queue", "count", 10,
              [[(p["t"], sum(p["models"][m]["queue"] for m in models)) for p in series]]),
             ("report.chart_wait", "ms", 60_000, [[(p["t"], max(p["models"][m]["predicted_wait_ms"] for m in models))
                                                   for p in series]]),
             ("report.chart_money", "cents", 1000, [[(p["t"], p["revenue_cents"]) for p in series],
                                                    [(p["t"], p["upstream_cents"]) for p in series]])]
    each = height / 3 - 30
    charts = []
    for i, (key, unit, floor, lines) in enumerate(specs):
        low = bottom + height - (i + 1) * (each + 30)
        peak = max((v for line in lines for _, v in line if v != float("inf")), default=1)
        # a duration's scale in whole minutes (20m, not 16m40s); others as they are
        top = nice_top(peak / floor, 1) * floor if unit == "ms" else nice_top(peak, floor)
        points = [[(left + width * t / end, low + each * min(v, top) / top) for t, v in line] for line in lines]
        charts.append(LineChart(key, (left, low, width, each), points, unit, top, end))
    return charts
