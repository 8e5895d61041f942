"""Durations ("5m", "2h30m", "90s", "250ms") and money ("0.50") as level files write them (shown again by
:mod:`factory_game.texts`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")


def parse_duration(text: str) -> int:
    """A duration string to integer milliseconds. Raises ValueError saying what was expected."""
    if not isinstance(text, str):
        raise ValueError('a duration string like "5m", "2h30m" or "90s"')
    compact = text.replace(" ", "")
    pos = 0
    total = Decimal(0)
    for match in _PART.finditer(compact):
        if match.start() != pos:
            break
        total += Decimal(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(compact) or not compact:
        raise ValueError('a duration string like "5m", "2h30m" or "90s"')
    return int(total)


def parse_money(text: str) -> int:
    """A decimal money string ("12.50") to integer cents. Floats are refused: they cannot hold cents exactly."""
    if not isinstance(text, str):
        raise ValueError('a decimal money string like "0.50"')
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError('a decimal money string like "0.50"') from None
    cents = value * 100
    if cents != cents.to_integral_value() or not value.is_finite():
        raise ValueError('a money string with at most two decimals, like "0.50"')
    return int(cents)
