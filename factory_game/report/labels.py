"""The report's words, from the shared string tables (:mod:`factory_game.texts`); the font that draws them is
:func:`factory_game.report.charts.game_style`'s."""

from __future__ import annotations

from factory_game import texts


def words(lang: str) -> dict[str, texts.Entry]:
    """The string table of ``lang`` (``chart.*``, ``axis.*``, ``legend.*`` ... keys), for the chart drawers."""
    return dict(texts.table(lang))

