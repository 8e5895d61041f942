"""The report's words, from the shared string tables (:mod:`factory_game.texts`), and the font that can draw them."""

from __future__ import annotations

from factory_game import texts
from factory_game.paths import FONT_FILE, FONT_NAME


def words(lang: str) -> dict[str, str]:
    """The string table of ``lang`` (``chart.*``, ``axis.*``, ``legend.*`` ... keys), for the chart drawers."""
    return dict(texts.table(lang))


def font_family(lang: str) -> list[str]:
    """matplotlib's font list for `lang`: the game's bundled Unifont where the default font has no CJK glyphs."""
    if lang == "en" or not FONT_FILE.exists():
        return ["DejaVu Sans"]
    from matplotlib import font_manager

    if FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    return [FONT_NAME, "DejaVu Sans"]
