"""Player commands as records in files (a save, a `--replay` file): each field's type and range checked against
the command's declaration before the command is built, so that a hand-edited file is refused by name instead of
failing deep inside the simulation (an unhashable model id, a count of "2", a price of NaN)."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import get_type_hints

from factory_game.level.reader import describe
from factory_game.sim.commands import COMMANDS, Command, command_from_dict

MAX_COMMAND_INT = 2**53  # a command's integers (counts, cents, minutes, percents) are from 0 to this


def command_time(value: object) -> int:
    """A command's time in ms: an integer from 0; ValueError naming what was found."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COMMAND_INT:
        raise ValueError(f"[t] expected a time in ms, an integer from 0 to 2^53; found {describe(value)}")
    return value


class CommandFieldError(ValueError):
    """A command's field of the wrong type, named: `[count] of command 'rent': expected …; found …`."""

    def __init__(self, command: str, key: str, expected: str, found: str) -> None:
        super().__init__(f"[{key}] of command {command!r}: expected {expected}; found {found}")
        self.key, self.expected, self.found = key, expected, found


def checked_command(body: dict) -> Command:
    """`command_from_dict` with each field's type checked against the command's declaration first, so that a
    hand-edited file is refused here, by name, instead of failing deep inside the simulation."""
    name = body.get("command")
    if not isinstance(name, str) or name not in COMMANDS:
        raise ValueError(f"[command] expected one of {', '.join(sorted(COMMANDS))}; found {describe(name)}")
    cls = COMMANDS[name]
    hints = get_type_hints(cls)
    for f in fields(cls):
        if f.name in body:
            problem = _type_problem(hints[f.name], body[f.name])
            if problem:
                raise CommandFieldError(cls.name, f.name, problem, describe(body[f.name]))
    try:
        return command_from_dict(body)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc)) from None


def _type_problem(kind: object, value: object) -> str | None:
    """What `value` should have been for a field declared `kind`, or None when it fits."""
    if kind is bool:
        return None if isinstance(value, bool) else "true or false"
    if kind is str:
        return None if isinstance(value, str) and value else "a non-empty string"
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COMMAND_INT
        return None if ok else "an integer from 0 to 2^53"
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        return None if ok else "a finite number"
    if kind == tuple[str, ...]:
        ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
        return None if ok else "a non-empty list of strings"
    if kind == int | None:
        return None if value is None else _type_problem(int, value) and "an integer from 0 to 2^53, or null"
    raise AssertionError(f"a command field of type {kind} has no check")  # a new command type: add its check
