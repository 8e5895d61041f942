"""The end-of-level report's charts: the same PNGs ``factory-game run --report`` writes (``factory_game.report``),
drawn off the frame by a worker thread (matplotlib's object API on its own figures), the language on screen first,
and made textures on the main thread once ready. Drawing them in the frame stalled the game for seconds at a level's
end (``bench/level_end.py``).

matplotlib is optional (the ``report`` extra): without it :func:`available` is false and the report screen draws
its own simple line charts instead.
"""

from __future__ import annotations

import importlib.util
import itertools
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor

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
