"""The end-of-level report's charts: the same PNGs ``factory-game run --report`` writes (``factory_game.report``),
drawn on first view in the language on screen and kept as textures.

matplotlib is optional (the ``report`` extra): without it :func:`available` is false and the report screen draws
its own simple line charts instead.
"""

from __future__ import annotations

import importlib.util
import itertools
import tempfile

from PIL import Image

from factory_game.game.gfx import arcade
from factory_game.report import CHARTS, ReportData, render_charts

CHART_DPI = 80  # the report's 8 × 4.5 inch charts at 640 × 360 window pixels: whole pixels, text still legible
NAMES = tuple(CHARTS)
_serial = itertools.count()  # textures are cached by hash: every report gets its own


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


class ReportCharts:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self._serial = next(_serial)
        self._textures: dict[tuple[str, str], arcade.Texture] = {}

    def texture(self, name: str, lang: str) -> arcade.Texture:
        """Chart ``name`` labelled in ``lang``, drawn the first time it is asked for."""
        key = (name, lang)
        if key not in self._textures:
            with tempfile.TemporaryDirectory() as directory:
                path = render_charts(self.data, directory, names=[name], dpi=CHART_DPI, lang=lang)[name]
                image = Image.open(path).convert("RGBA")
            self._textures[key] = arcade.Texture(image, hash=f"river:chart:{self._serial}:{name}:{lang}")
        return self._textures[key]
