"""`mod.toml`: who a mod is and what it needs. Read before any of the mod's code runs.

    id = "surge-pricing"                      # lowercase letters, digits, - and _
    version = "1.0.0"
    api = [1]                                 # the API_VERSIONs of factory_game.api this mod works with
    game = ">=0.1"                            # optional: the game versions it needs (PEP 440, "" = any)
    name = { en = "Surge pricing", zh-CN = "高峰定价" }
    description = { en = "…", zh-CN = "…" }
    author = "River Factory team"

    [dependencies]                            # other mods, with version constraints ("" = any version)
    other-mod = ">=1.0,<2"

    [settings.discount]                       # a per-level setting: type, default, range, names in both languages
    type = "share"                            # integer, number, share, boolean, string, duration, money
    default = 0.3
    name = { en = "Night discount", zh-CN = "夜间折扣" }

    [events.viral]                            # an event kind levels may schedule, as kind = "<mod id>/viral"
    name = { en = "Viral trend", zh-CN = "爆款潮流" }
    [events.viral.params.factor]              # its parameters: declared as settings are
    type = "number"
    default = 2.0

    [metrics.late_deliveries]                 # a figure the mod adds to the summary (mods.<id>.<name>)
    unit = "count"                            # count, ms, cents, share, score (as the summary's own figures)
    description = { en = "…", zh-CN = "…" }
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from factory_game.level.errors import Problem, key_lines, line_for
from factory_game.level.reader import MISSING, Reader, describe
from factory_game.level.schema import read_fields, read_value
from factory_game.plugins.versions import check_constraint, parse_version
from factory_game.sim.metrics import UNITS, Metric
from factory_game.sim.spec import toml
from factory_game.texts import LANGUAGES

ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Manifest:
    id: str = field(metadata=toml("id", "string"))
    version: str = field(metadata=toml("version", "string"))
    api: tuple[int, ...] = ()
    names: dict[str, str] = field(default_factory=dict, metadata=toml("name", "texts"))
    description: dict[str, str] = field(default_factory=dict, metadata=toml("description", "texts"))
    author: str = field(default="", metadata=toml("author", "string"))
    dependencies: tuple[tuple[str, str], ...] = ()  # (mod id, version constraint), sorted by id
    settings: tuple[Setting, ...] = ()  # what a level may set for this mod, in declaration order
    metrics: tuple[ModMetric, ...] = ()  # what the mod adds to the summary, in declaration order
    events: tuple[ModEvent, ...] = ()  # the event kinds a level may schedule for this mod
    game: str = field(default="", metadata=toml("game", "string"))  # the game versions it needs ("" = any)


SETTING_TYPES = ("integer", "number", "share", "boolean", "string", "duration", "money")


@dataclass(frozen=True)
class Setting:
    """One per-level setting a mod declares: a level writes it in `unit` (as level keys are written), from `low` to
    `high`; `default` is already converted (ms for a duration, cents for money)."""

    name: str
    unit: str
    default: object
    low: float | None
    high: float | None
    names: dict[str, str]

    @property
    def meta(self) -> dict:
        """The schema metadata level keys carry (`factory_game.sim.spec.toml`): read by the same reader."""
        return {"toml": self.name, "unit": self.unit, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class ModMetric:
    """One figure a mod adds to the summary, under `mods.<mod id>.<name>`: reported by its `river_metrics`, named
    by goals like the summary's own figures."""

    name: str
    unit: str  # one of factory_game.sim.metrics.UNITS
    description: dict[str, str]  # language -> text, "en" and "zh-CN"

    @property
    def metric(self) -> Metric:
        """The declaration in the summary's own terms (the English description)."""
        return Metric(self.name, self.unit, self.description["en"])


@dataclass(frozen=True)
class ModEvent:
    """An event kind a level may schedule (`[[events]] kind = "<mod id>/<name>"`, `at`, and the `params`, each
    read like a setting); at its time the mod's `river_event` is called with them."""

    name: str
    names: dict[str, str]
    params: tuple[Setting, ...]


RESERVED_EVENT_KEYS = ("kind", "at")  # an event entry's own keys: no parameter may take them


def read_manifest(path: Path) -> tuple[Manifest | None, list[str]]:
    """The manifest, or None and every problem found (each naming the file, line and key, as level problems do)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, [str(Problem(str(path), "", "a readable manifest", exc.strerror or str(exc)))]
    except UnicodeDecodeError as exc:
        return None, [str(Problem(str(path), "", "a UTF-8 text file", f"a byte that is not UTF-8 at {exc.start}"))]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [str(Problem(str(path), "", "valid TOML", str(exc)))]
    return parse_manifest(data, str(path), key_lines(text))


def parse_manifest(data: dict, source: str, lines: dict[str, int] | None = None) -> tuple[Manifest | None, list[str]]:
    """The manifest's fields read by the level schema's reader (one error shape for levels, manifests and saves)."""
    problems: list[str] = []

    def report(key: str, expected: str, found: str) -> None:
        problems.append(str(Problem(source, key, expected, found, line_for(lines or {}, key))))

    reader = Reader(data, "", report)
    fields = read_fields(reader, Manifest, required=("id", "version", "names", "description", "author"))
    if fields["id"] is not None and not ID.match(fields["id"]):
        report("id", "an id of lowercase letters, digits, - and _", describe(fields["id"]))
    if fields["version"] is not None:
        try:
            parse_version(fields["version"])
        except ValueError:
            report("version", 'a version like "1.0.0"', describe(fields["version"]))
    for key, name in (("name", "names"), ("description", "description")):
        if fields[name] is not None and any(not fields[name][lang].strip() for lang in LANGUAGES):
            report(key, "a table with en and zh-CN text", describe(fields[name]))
    if fields["author"] is not None and not fields["author"].strip():
        report("author", "the author's name", describe(fields["author"]))
    if fields["game"]:
        try:
            check_constraint(fields["game"])
        except ValueError:
            report("game", 'a game version constraint like ">=0.2" ("" for any)', describe(fields["game"]))
    api = reader.raw("api")
    if not isinstance(api, list) or not api or not all(isinstance(v, int) and not isinstance(v, bool) for v in api):
        report("api", "a list of supported API versions, e.g. [1]", describe(api))
    dependencies = reader.table("dependencies")
    for dep in dependencies.data:
        constraint = dependencies.string(dep)  # None (and reported) when it is not a string
        try:
            if constraint is not None:
                check_constraint(constraint)
        except ValueError:
            report(f"dependencies.{dep}", 'a version constraint like ">=1.0,<2" ("" for any)', describe(constraint))
    settings = _settings(reader.table("settings"), report)
    metrics = _metrics(reader.table("metrics"), report)
    events = _events(reader.table("events"), report)
    reader.finish()
    if problems:
        return None, problems
    return Manifest(api=tuple(api), dependencies=tuple(sorted(dependencies.data.items())), settings=settings,
                    metrics=metrics, events=events, **fields), []


def _settings(table: Reader, report) -> tuple[Setting, ...]:
    """`[settings.NAME]` tables: type, default, optional min and max, name in en and zh-CN."""
    out = []
    for name in table.data:
        sub = table.table(name)
        if not sub.ok:
            continue
        unit = sub.string("type", choices=SETTING_TYPES)
        bounded = unit in ("integer", "number")
        low, high = (sub.number("min", None), sub.number("max", None)) if bounded else (None, None)
        if unit == "integer":
            low, high = (None if v is None else int(v) for v in (low, high))
        names = sub.texts("name")
        default = None
        if unit is not None:
            meta = {"toml": "default", "unit": unit, "low": low, "high": high}
            default = read_value(sub, meta, MISSING)
        sub.finish()
        if not ID.match(name):
            report(table.key(name), "a setting name of lowercase letters, digits, - and _", describe(name))
        elif None not in (unit, names, default):
            out.append(Setting(name, unit, default, low, high, names))
    return tuple(out)


def _metrics(table: Reader, report) -> tuple[ModMetric, ...]:
    """`[metrics.NAME]` tables: unit (one of the summary's units) and description in en and zh-CN."""
    out = []
    for name in table.data:
        sub = table.table(name)
        if not sub.ok:
            continue
        unit = sub.string("unit", choices=UNITS)
        description = sub.texts("description")
        sub.finish()
        if not ID.match(name):
            report(table.key(name), "a metric name of lowercase letters, digits, - and _", describe(name))
        elif None not in (unit, description):
            out.append(ModMetric(name, unit, description))
    return tuple(out)


def _events(table: Reader, report) -> tuple[ModEvent, ...]:
    """`[events.NAME]` tables: name in en and zh-CN, and `[events.NAME.params.PARAM]` tables, read as settings."""
    out = []
    for name in table.data:
        sub = table.table(name)
        if not sub.ok:
            continue
        names = sub.texts("name")
        params_table = sub.table("params")
        params = _settings(params_table, report) if params_table.ok else ()
        sub.finish()
        for param in params:
            if param.name in RESERVED_EVENT_KEYS:
                report(params_table.key(param.name), f"a parameter name other than {' and '.join(RESERVED_EVENT_KEYS)}"
                       " (the event entry's own keys)", describe(param.name))
        if not ID.match(name) or "/" in name:
            report(table.key(name), "an event name of lowercase letters, digits, - and _", describe(name))
        elif names is not None:
            out.append(ModEvent(name, names, params))
    return tuple(out)
