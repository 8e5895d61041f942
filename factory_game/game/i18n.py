"""Every string the player reads, in Simplified Chinese and English, switchable while the game runs.

Strings live in ``resources/i18n/<lang>.toml`` (flat keys grouped in TOML tables, ``{name}`` placeholders for
``str.format``). Level titles, briefings, model and content names come from the level as dicts keyed by
language; :meth:`I18n.pick` chooses from those. Views subscribe with :meth:`I18n.on_change` and refresh their
``arcade.Text`` objects once per switch instead of formatting every frame.
"""

from __future__ import annotations

import locale
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from factory_game.paths import I18N_DIR

LANGUAGES = ("zh-CN", "en")


def load_table(lang: str, directory: Path = I18N_DIR) -> dict[str, str]:
    """Flatten one language file to ``{"section.key": text}``."""
    with open(directory / f"{lang}.toml", "rb") as fh:
        data = tomllib.load(fh)
    flat: dict[str, str] = {}

    def walk(prefix: str, node: Mapping) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                walk(path, value)
            else:
                flat[path] = str(value)

    walk("", data)
    return flat


def system_language() -> str:
    """zh-CN when the system locale is Chinese, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh-CN" if value.lower().startswith("zh") else "en"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return "zh-CN" if name.lower().startswith("zh") else "en"


class I18n:
    """The current language and its string table."""

    def __init__(self, lang: str | None = None) -> None:
        self._tables = {code: load_table(code) for code in LANGUAGES}
        self._listeners: list[Callable[[str], None]] = []
        self.lang = lang if lang in LANGUAGES else system_language()

    def t(self, key: str, **values) -> str:
        """The string for ``key`` in the current language, formatted with ``values``."""
        text = self._tables[self.lang].get(key) or self._tables["en"].get(key) or key
        return text.format(**values) if values else text

    def pick(self, by_lang: Mapping[str, str] | None, fallback: str = "") -> str:
        """Choose from a level's ``{lang: text}``: the current language, then English, then any."""
        if not by_lang:
            return fallback
        for code in (self.lang, self.lang.split("-")[0], "en", "zh-CN"):
            if by_lang.get(code):
                return by_lang[code]
        return next(iter(by_lang.values()))

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
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
