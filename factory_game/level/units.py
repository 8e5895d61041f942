"""Durations ("5m", "2h30m", "90s", "250ms") and money ("0.50") as level files write them (shown again by
:mod:`factory_game.texts`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_UNITS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
# The largest values a level file may write (docs/levels.md, "Limits"): beyond them a level would exhaust time or
# memory, or overflow a float, long before it meant anything.
MAX_DURATION_MS = 366 * 86_400_000  # any duration: 366 days
MAX_MONEY_CENTS = 1_000_000_000 * 100  # any amount of money, either sign: 1,000,000,000.00
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
    if total > MAX_DURATION_MS:
        raise ValueError(f"a duration of at most {duration_text(MAX_DURATION_MS)}")
    return int(total)


def parse_money(text: str) -> int:
    """A decimal money string ("12.50") to integer cents. Floats are refused: they cannot hold cents exactly."""
    if not isinstance(text, str):
        raise ValueError('a decimal money string like "0.50"')
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError('a decimal money string like "0.50"') from None
    if not value.is_finite() or value.copy_abs() > MAX_MONEY_CENTS // 100:  # exact, before scaling "1e999999999"
        raise ValueError(f'a money string from -{MAX_MONEY_CENTS // 100}.00 to {MAX_MONEY_CENTS // 100}.00')
    if _decimals(value) > 2:
        raise ValueError('a money string with at most two decimals, like "0.50"')
    return int(value * 100)  # exact: at most 12 digits


def _decimals(value: Decimal) -> int:
    """Digits after the point, trailing zeros aside; exact (no context rounding) whatever the exponent."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int), "a finite Decimal"  # NaN and infinities are refused before this
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros)) if any(digits) else 0


def duration_text(ms: int) -> str:
    """A limit as a level file writes it: "1m", "20s", "250ms"."""
    for unit in ("d", "h", "m", "s"):
        if ms and ms % _UNITS[unit] == 0:
            return f"{ms // _UNITS[unit]}{unit}"
    return f"{ms}ms"
