"""A validating reader over one TOML table: typed getters that collect problems instead of raising, and a final
check for unknown keys with a did-you-mean. All problems of a file are then reported together."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import Any

from factory_game.level.units import duration_text, parse_duration, parse_money
from factory_game.sim.distributions import Dist
from factory_game.texts import LANGUAGES

MISSING = object()


def describe(value: Any) -> str:
    if value is MISSING:
        return "nothing (the key is missing)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(value), type(value).__name__)
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{kind} {shown}"


class Reader:
    def __init__(self, data: Any, path: str, report: Callable[[str, str, str], None]) -> None:
        self.path = path
        self.report = report  # report(path, expected, found)
        self.ok = isinstance(data, dict)
        self.data: dict = data if self.ok else {}
        self.used: set[str] = set()
        if not self.ok and data is not MISSING:
            report(path, "a table", describe(data))

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str, default: Any = MISSING) -> Any:
        self.used.add(name)
        return self.data.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, default: Any, expected: str, convert: Callable[[Any], Any]) -> Any:
        value = self.raw(name)
        if value is MISSING:
            if default is MISSING:
                self.report(self.key(name), expected, describe(MISSING))
                return None
            return default
        try:
            return convert(value)
        except (ValueError, TypeError) as exc:
            self.report(self.key(name), str(exc) or expected, describe(value))
            return default if default is not MISSING else None

    def string(self, name: str, default: Any = MISSING, choices: tuple[str, ...] = ()) -> Any:
        def convert(value: Any) -> str:
            if not isinstance(value, str):
                raise TypeError("a string")
            if choices and value not in choices:
                raise ValueError(f"one of {', '.join(repr(c) for c in choices)}" + _did_you_mean(value, choices))
            return value
        return self._get(name, default, "a string", convert)

    def boolean(self, name: str, default: Any = MISSING) -> Any:
        def convert(value: Any) -> bool:
            if not isinstance(value, bool):
                raise TypeError("true or false")
            return value
        return self._get(name, default, "true or false", convert)

    def integer(self, name: str, default: Any = MISSING, low: float | None = None, high: float | None = None) -> Any:
        def convert(value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(_range_text("an integer", low, high))
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(_range_text("an integer", low, high))
            return value
        return self._get(name, default, _range_text("an integer", low, high), convert)

    def number(self, name: str, default: Any = MISSING, low: float | None = None, high: float | None = None) -> Any:
        def convert(value: Any) -> float:
            if isinstance(value, bool) or not isinstance(value, int | float) or not is_finite_number(value):
                raise TypeError(_range_text("a finite number", low, high))
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(_range_text("a number", low, high))
            return float(value)
        return self._get(name, default, _range_text("a number", low, high), convert)

    def duration(self, name: str, default: Any = MISSING, low: int = 0) -> Any:
        def convert(value: Any) -> int:
            ms = parse_duration(value)
            if ms < low:
                raise ValueError(f"a duration of at least {duration_text(low)}")
            return ms
        return self._get(name, default, 'a duration string like "5m"', convert)

    def money(self, name: str, default: Any = MISSING, low: int | None = 0) -> Any:
        def convert(value: Any) -> int:
            cents = parse_money(value)
            if low is not None and cents < low:
                raise ValueError('a money string that is not negative, like "0.50"')
            return cents
        return self._get(name, default, 'a money string like "0.50"', convert)

    def texts(self, name: str, default: Any = MISSING) -> Any:
        """A table of language -> text, which must have both zh-CN and en."""
        def convert(value: Any) -> dict[str, str]:
            if isinstance(value, str):
                raise TypeError('a table with both languages, like { en = "...", zh-CN = "..." }')
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise TypeError('a table of strings by language, like { en = "...", zh-CN = "..." }')
            missing = [lang for lang in LANGUAGES if lang not in value]
            if missing:
                raise ValueError(f"texts in zh-CN and en (missing {', '.join(missing)})")
            return dict(value)
        return self._get(name, default, "a table of texts by language", convert)

    def table(self, name: str, required: bool = False) -> Reader:
        value = self.raw(name)
        if value is MISSING and required:
            self.report(self.key(name), "a table", describe(MISSING))
        return Reader(value if value is not MISSING else {}, self.key(name), self.report)

    def array(self, name: str) -> list:
        value = self.raw(name, [])
        if not isinstance(value, list):
            self.report(self.key(name), "an array", describe(value))
            return []
        return value

    def dist(self, name: str, default: Any, unit: str, low: float | None = None, high: float | None = None) -> Any:
        """A distribution table: { dist = "exponential", mean = "5m" } with values in `unit` (duration, money,
        count); a count's values from `low` (default 0) to `high`."""
        value = self.raw(name)
        if value is MISSING:
            return default
        sub = Reader(value, self.key(name), self.report)
        if not sub.ok:
            return default
        kind = sub.string("dist", choices=("fixed", "exponential", "lognormal", "uniform"))
        read = {"duration": sub.duration, "money": sub.money,
                "count": lambda key, default=MISSING: sub.integer(key, default, low=low or 0, high=high)}[unit]
        result = default
        if kind == "uniform":
            low, high = read("min"), read("max")
            if low is not None and high is not None:
                if high < low:
                    self.report(sub.key("max"), "max at least min", f"min {low}, max {high}")
                else:
                    result = Dist.uniform(low, high)
        elif kind in ("fixed", "exponential", "lognormal"):
            mean = read("mean" if kind != "fixed" else "value")
            cv = sub.number("cv", low=0.0, high=10.0) if kind == "lognormal" else 0.0
            if mean is not None and cv is not None:
                if kind != "fixed" and mean <= 0:
                    self.report(sub.key("mean"), "a mean above zero", describe(sub.data.get("mean")))
                else:
                    result = Dist(kind, mean=mean, cv=cv)
        sub.finish()
        return result

    def finish(self) -> None:
        """Report keys nobody asked for, with the closest known name."""
        for name in self.data:
            if name not in self.used:
                self.report(self.key(name), "a known key" + _did_you_mean(name, tuple(self.used)),
                            f"unknown key {name!r}")


def is_finite_number(value: int | float) -> bool:
    """A float that is not NaN or infinite, or an integer a float can hold (TOML integers have no size limit)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _did_you_mean(word: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _range_text(what: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{what} from {low} to {high}"
    if low is not None:
        return f"{what} of at least {low}"
    if high is not None:
        return f"{what} of at most {high}"
    return what
