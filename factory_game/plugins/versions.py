"""Mod versions and the constraints levels and manifests put on them.

A version is dotted numbers ("1", "1.2", "1.2.3"; missing parts count as 0). A constraint is empty or "*" (any
version) or comma-separated clauses that must all hold: ">=1.0,<2", "==1.2.0", "!=1.1", or a bare "1.2" (meaning
==). Small on purpose: mods need ordering and ranges, not the whole of PEP 440.
"""

from __future__ import annotations

import operator
import re

_VERSION = re.compile(r"^\d+(\.\d+)*$")
_CLAUSE = re.compile(r"^(==|!=|>=|<=|>|<)?\s*(\S+)$")
_OPS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt,
        "<": operator.lt}


def parse_version(text: str) -> tuple[int, ...]:
    """"1.2" -> (1, 2); raise ValueError naming what was expected."""
    text = text.strip()
    if not _VERSION.match(text):
        raise ValueError(f'a version like "1.2.0"; found {text!r}')
    return tuple(int(part) for part in text.split("."))


def check_constraint(constraint: str) -> None:
    """Raise ValueError if `constraint` cannot be read."""
    satisfies("0", constraint)


def satisfies(version: str, constraint: str) -> bool:
    """Whether `version` meets every clause of `constraint` (ValueError if either cannot be read)."""
    have = parse_version(version)
    return all(_OPS[op](_pad(have, len(want)), _pad(want, len(have))) for op, want in _clauses(constraint))


def _clauses(constraint: str) -> list[tuple[str, tuple[int, ...]]]:
    constraint = constraint.strip()
    if constraint in ("", "*"):
        return []
    out = []
    for clause in constraint.split(","):
        match = _CLAUSE.match(clause.strip())
        try:
            out.append((match.group(1) or "==", parse_version(match.group(2))))
        except (AttributeError, ValueError):
            raise ValueError(f'a version constraint like ">=1.0,<2"; found {constraint!r}') from None
    return out


def _pad(version: tuple[int, ...], width: int) -> tuple[int, ...]:
    return version + (0,) * (width - len(version))
