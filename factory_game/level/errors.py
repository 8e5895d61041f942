"""Level errors that a person can act on: file, key path, line, what was expected and what was found."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    path: str  # dotted key path, e.g. models.sd15.slots
    expected: str
    found: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" [{self.path}]" if self.path else ""
        return f"{where}:{key} expected {self.expected}; found {self.found}"


class LevelError(Exception):
    """Every problem found in one level file, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def key_lines(text: str) -> dict[str, int]:
    """Map dotted key paths to the line that defines them (a best effort: TOML parsers keep no positions).

    Arrays of tables get an index: the second [[events]] is `events.1`.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    array_counts: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            name = ".".join(part.strip().strip('"') for part in header.group(2).split("."))
            if header.group(1) == "[[":
                index = array_counts.get(name, 0)
                array_counts[name] = index + 1
                table = [*name.split("."), str(index)]
            else:
                table = name.split(".")
            for end in range(1, len(table) + 1):  # [a.b.c] also defines a and a.b, if nothing did before
                lines.setdefault(".".join(table[:end]), number)
            continue
        key = _KEY.match(raw)
        if key:
            parts = [part.strip().strip('"') for part in key.group(1).split(".")]
            lines.setdefault(".".join([*table, *parts]), number)
    return lines


def line_for(lines: dict[str, int], path: str) -> int | None:
    parts = path.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return None
