"""Every word and figure River Factory shows, in Simplified Chinese and English, for the game, the report and the
command line alike: one language list, one fallback rule, one set of string tables, one formatter for money,
durations, percentages, numbers and plurals. It imports neither the game nor Arcade.

String tables live in ``resources/i18n/<lang>.toml``: flat keys grouped in TOML tables, ``{name}`` placeholders for
:meth:`str.format`. A string that depends on a count is an inline table of CLDR plural categories, chosen by the
value ``n``::

    rent = { one = "Rented {n} station on {model}", other = "Rented {n} stations on {model}" }

Chinese has one form, so its tables keep a plain string there.

The fallback rule, everywhere: the language asked for, then English, then any text there is, then the key (or the
caller's fallback). Level titles, briefings, model and content names come from levels and mods as ``{lang: text}``
dicts; :func:`pick` applies the same rule to them.

Why Babel, and only its formatting: its CLDR data gives each language's plural categories and number formats
(grouping, decimals, per cent) without a hand-written rule per language, and a third language is one table away.
Its gettext catalogs were not taken: ``.po`` files would need a compile step and would replace TOML tables that
levels, mods and three branches already edit as text.
"""

from __future__ import annotations

import locale
import os
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, numbers

from factory_game.paths import I18N_DIR

LANGUAGES = ("zh-CN", "en")  # the player speaks Chinese first; the language switch cycles in this order
FALLBACK = "en"
CURRENCY = "¥"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

Entry = str | dict[str, str]  # a plain string, or a plural string's forms by CLDR category


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


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


def load_table(lang: str, directory: Path = I18N_DIR) -> dict[str, Entry]:
    """One language file flattened to ``{"section.key": entry}``."""
    with open(directory / f"{lang}.toml", "rb") as fh:
        data = tomllib.load(fh)
    flat: dict[str, Entry] = {}

    def walk(prefix: str, node: Mapping) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping) and "other" in value and set(value) <= PLURAL_CATEGORIES:
                flat[path] = {category: str(form) for category, form in value.items()}
            elif isinstance(value, Mapping):
                walk(path, value)
            else:
                flat[path] = str(value)

    walk("", data)
    return flat


@cache
def table(lang: str) -> dict[str, Entry]:
    return load_table(check_language(lang))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang, sep="-")


def text(lang: str, key: str, **values) -> str:
    """The string for ``key`` in ``lang`` (falling back to English, then to the key), formatted with ``values``;
    a plural string takes the form for ``values["n"]``."""
    entry = table(lang).get(key) or table(FALLBACK).get(key) or key
    if isinstance(entry, dict):
        category = _locale(lang).plural_form(abs(values.get("n", 0)))
        entry = entry.get(category) or entry["other"]
    return entry.format(**values) if values else entry


def pick(by_lang: Mapping[str, str] | None, lang: str, fallback: str = "") -> str:
    """A level's or a mod's ``{lang: text}`` in ``lang``, by the one fallback rule."""
    if not by_lang:
        return fallback
    for code in (lang, FALLBACK, *LANGUAGES):
        if by_lang.get(code):
            return by_lang[code]
    return next((value for value in by_lang.values() if value), fallback)


def format_money(cents: int, lang: str = FALLBACK) -> str:
    """Integer cents as ``¥1,234.50`` (``-¥12.00`` for a loss), grouped as ``lang`` groups digits."""
    amount = numbers.format_decimal(Decimal(abs(int(cents))) / 100, format="#,##0.00", locale=_locale(lang))
    return f"{'-' if cents < 0 else ''}{CURRENCY}{amount}"


def format_duration(ms: float) -> str:
    """Simulated time, compact and the same in every language: ``12s``, ``4.5s``, ``4m30s``, ``2h05m``, ``∞``; under
    a second in ms (``264ms``, ``15.2ms``: a token's latency)."""
    if ms == float("inf"):
        return "∞"
    if 0 < ms < 999.5:
        return f"{ms:.3g}ms"
    ms = round(ms)
    if ms < 60_000:
        return f"{ms / 1000:.0f}s" if ms % 1000 == 0 or ms >= 10_000 else f"{ms / 1000:.1f}s"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{rest // 1000:02d}s"


def format_percent(share: float, lang: str = FALLBACK, decimals: int = 0) -> str:
    """A share (0.957) as a percentage (``96%``, or ``95.7%`` with one decimal)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return numbers.format_percent(share, format=pattern, locale=_locale(lang))


def format_number(value: float, lang: str = FALLBACK) -> str:
    """A plain figure (a count, a score) with the language's grouping and at most one decimal."""
    return numbers.format_decimal(value, format="#,##0.#", locale=_locale(lang))


def format_value(amount: float, unit: str, lang: str = FALLBACK) -> str:
    """A figure by its unit (the units of ``factory_game.sim.metrics.Metric``): ``cents`` (money), ``ms`` (a
    duration), ``share`` (a percentage), ``factor`` (a multiplier: ×1.25), else (``count``, ``score``) a number."""
    if unit == "cents":
        return format_money(round(amount), lang)
    if unit == "ms":
        return format_duration(amount)
    if unit == "share":
        return format_percent(amount, lang, decimals=1)
    if unit == "factor":
        return "×" + numbers.format_decimal(amount, format="0.00", locale=_locale(lang))
    return format_number(amount, lang)
