"""The level schema, read from the spec dataclasses themselves: each field a level file sets carries its default and,
in its metadata (`factory_game.sim.spec.toml`), its key, unit and range. `read_fields` turns one TOML table into the
keyword arguments of a spec, through the `Reader`, so every problem of a file is still reported together."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from factory_game.level.reader import MISSING, Reader


def declared(cls: type) -> list[dataclasses.Field]:
    """The fields of `cls` a file sets (those with `toml` metadata), in declaration order."""
    return [f for f in dataclasses.fields(cls) if "toml" in f.metadata]


def default(cls: type, name: str) -> Any:
    """The default of `cls`'s field `name`, as the dataclass declares it."""
    return default_of(next(f for f in dataclasses.fields(cls) if f.name == name))


def default_of(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return MISSING


def read_fields(table: Reader, cls: type, base: Any = None, only: Iterable[str] | None = None,
                required: Iterable[str] = ()) -> dict[str, Any]:
    """`cls`'s declared fields read from `table`, by field name. A key the table lacks takes `base`'s value (a
    catalog model that a level overrides) or the field's default; a field with neither, or named in `required`, is
    reported missing. A value that is wrong is reported and replaced by that default (None when there is none), so
    reading goes on and finds the file's other problems."""
    only = None if only is None else set(only)
    required = set(required)
    out: dict[str, Any] = {}
    for field in declared(cls):
        if only is not None and field.name not in only:
            continue
        if field.name in required:
            default = MISSING
        elif base is not None:
            default = getattr(base, field.name)
        else:
            default = default_of(field)
        out[field.name] = read_value(table, field.metadata, default)
    return out


def read_value(table: Reader, meta: Mapping[str, Any], default: Any) -> Any:
    key, unit, low, high = meta["toml"], meta["unit"], meta["low"], meta["high"]
    if unit == "string":
        return table.string(key, default)
    if unit == "boolean":
        return table.boolean(key, default)
    if unit == "integer":
        return table.integer(key, default, low=low, high=high)
    if unit == "number":
        return table.number(key, default, low=low, high=high)
    if unit == "share":
        return table.number(key, default, low=0.0, high=1.0)
    if unit == "duration":
        return table.duration(key, default, low=low or 0)
    if unit == "money":
        return table.money(key, default, low=low)
    if unit == "texts":
        return table.texts(key, default)
    if unit.startswith("dist:"):
        return table.dist(key, default, unit.removeprefix("dist:"), low=low, high=high)
    raise ValueError(f"unknown unit {unit!r} in the schema of {key!r}")
