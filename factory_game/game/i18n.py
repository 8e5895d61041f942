"""The game's current language, switchable while the game runs, over :mod:`factory_game.texts` (the string tables,
the fallback rule and the formatters shared with the report and the command line).

Views subscribe with :meth:`I18n.on_change` and refresh their ``arcade.Text`` objects once per switch instead of
formatting every frame.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from factory_game import texts
from factory_game.texts import LANGUAGES, system_language


class I18n:
    """The current language; :meth:`t` and :meth:`pick` read the shared tables in it."""

    def __init__(self, lang: str | None = None) -> None:
        self._listeners: list[Callable[[str], None]] = []
        self.lang = lang if lang in LANGUAGES else system_language()

    def t(self, key: str, **values) -> str:
        """The string for ``key`` in the current language, formatted with ``values`` (see :func:`texts.text`)."""
        return texts.text(self.lang, key, **values)

    def pick(self, by_lang: Mapping[str, str] | None, fallback: str = "") -> str:
        """Choose from a level's ``{lang: text}`` in the current language (see :func:`texts.pick`)."""
        return texts.pick(by_lang, self.lang, fallback)

    def set_language(self, lang: str) -> None:
        texts.check_language(lang)
        if lang != self.lang:
            self.lang = lang
            for listener in list(self._listeners):
                listener(lang)

    def toggle(self) -> str:
        """Switch to the next language and return it."""
        self.set_language(LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)])
        return self.lang

    def on_change(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[str], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)
