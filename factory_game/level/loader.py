"""TOML level files into a validated `LevelSpec` (docs/levels.md). Each key's default, unit and range are declared on
its spec field (`factory_game/sim/spec.py`) and read by `factory_game/level/schema.py`; this module walks the tables
and keeps what one field cannot say alone: tiers and weights, rate pieces, event kinds, outage slots, spikes against
the rate limit, star order, goal metrics."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from factory_game.builtin import builtin_catalog
from factory_game.catalog import Catalog
from factory_game.level.batching import read_batching_table
from factory_game.level.burst import read_burst_table
from factory_game.level.errors import LevelError, Problem, key_lines, line_for
from factory_game.level.goals import AUTOPILOT_GOAL, metric_paths
from factory_game.level.reader import MISSING, Reader, _did_you_mean, is_finite_number
from factory_game.level.schema import default, read_fields, read_value
from factory_game.level.trace import read_trace_table
from factory_game.level.trace import served_by as _served_by
from factory_game.level.units import parse_money
from factory_game.sim.clock import MINUTE
from factory_game.sim.incidents import KINDS as INCIDENT_KINDS
from factory_game.sim.levers import GROUPS as LEVERS
from factory_game.sim.spec import (
    TIER_CAP,
    ArrivalSpec,
    AutopilotSpec,
    ContentSpec,
    Goal,
    IncidentsSpec,
    LevelSpec,
    MarketSpec,
    ModelSpec,
    PromptSpec,
    QueueSpec,
    RatePiece,
    ScriptedEvent,
    SpotSpec,
    TierTraits,
)

# Limits beside those declared on the spec fields (docs/levels.md, "Limits")
# customers per hour, spikes included: real LLM logs need more than 10,000 (the bundled Azure hour 21,174 in its
# busiest part; issue 20 plans a week at 1 million/h), with headroom for a spike on top
MAX_RATE = 5_000_000.0
MAX_WEIGHT = 1e6  # a tier's or a content type's weight in the arrival mix


def load_level(path: str | Path, overrides: Iterable[str] = (), catalog: Catalog | None = None) -> LevelSpec:
    """Read, override (`key.path=value`) and validate a level; raise LevelError with every problem found.

    Without `catalog` the level is read against the built-in content alone; a level that names mods opens through
    `factory_game.plugins.prepare_level`, which opens its mods once and passes their catalog here."""
    return read_level(path, overrides).build(catalog)


def parse_level(text: str, filename: str, overrides: Iterable[str] = (), catalog: Catalog | None = None) -> LevelSpec:
    return LevelDocument(text, filename, overrides).build(catalog)


MAX_LEVEL_BYTES = 16 * 2**20  # levels are a few KB; a request log goes in its own file ([trace])


def read_level(path: str | Path, overrides: Iterable[str] = ()) -> LevelDocument:
    """The level file as TOML with the overrides applied, not validated yet (LevelError if it is not TOML)."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a folder; a device or pipe whose reading never ends
            raise OSError("a folder" if path.is_dir() else "a device or pipe, not a file")
        if path.stat().st_size > MAX_LEVEL_BYTES:
            raise OSError(f"{path.stat().st_size // 2**20} MB, more than a level's {MAX_LEVEL_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise LevelError([Problem(str(path), "", "a readable level file", exc.strerror or str(exc))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise LevelError([Problem(str(path), "", "a UTF-8 text file",
                                  f"byte 0x{raw[exc.start]:02x} that is not UTF-8", line)]) from None
    return LevelDocument(text, str(path), overrides)


class LevelDocument:
    """A level file read and overridden but not yet validated. The door (`factory_game.plugins.prepare_level`) reads
    its `mods` from here, opens them, and then builds the spec against their catalog."""

    def __init__(self, text: str, filename: str, overrides: Iterable[str] = ()) -> None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = _toml_error_line(str(exc))
            raise LevelError([Problem(filename, "", "valid TOML", str(exc), line)]) from None
        self.filename = filename
        self.problems: list[Problem] = []
        self.overridden: list[str] = []  # the keys --set changed, a mod's entry by its place in `mods`
        self.data = apply_overrides(data, overrides, filename, self.problems, self.overridden)
        self.lines = key_lines(text)

    def problem(self, key: str, expected: str, found: str) -> Problem:
        """A problem at `key`, with its line in the file (or marked as coming from an override)."""
        if any(key == o or key.startswith(o + ".") for o in self.overridden):
            return Problem(self.filename, key, expected, f"{found} (from --set)")
        return Problem(self.filename, key, expected, found, line_for(self.lines, key))

    def mods(self) -> tuple[tuple[str, str], ...]:
        """The mods the level names (the well-formed entries; `build` reports the others)."""
        level = self.data.get("level")
        return _mods(Reader(level if isinstance(level, dict) else {}, "level", lambda *_: None))

    def build(self, catalog: Catalog | None = None, problems: Iterable[Problem] = ()) -> LevelSpec:
        """The validated spec against `catalog` (default: the built-in content); LevelError names every problem,
        `problems` found by the caller (the mods that did not open) included."""
        found = [*self.problems, *problems]

        def report(key: str, expected: str, found_text: str) -> None:
            found.append(self.problem(key, expected, found_text))

        if catalog is None:
            catalog = builtin_catalog()
            named = self.mods()
            if named:
                report("level.mods", "a level without mods (a level with mods opens through "
                       "factory_game.plugins.prepare_level)", ", ".join(mod for mod, _ in named))
        spec = _build(self.data, report, catalog, self.filename)
        if found:
            raise LevelError(found)
        assert spec is not None
        return spec


def apply_overrides(data: dict, overrides: Iterable[str], filename: str, problems: list[Problem],
                    keys: list[str] | None = None) -> dict:
    """`--set models.sd15.slots=30`: the value is read as TOML (a bare word becomes a string). The keys set are
    appended to `keys`.

    A mod's setting is `level.mods.<id or place>.settings.<name>=value`, whether the level lists the mod as a bare
    `"id"` (made `{ id = "id" }` here, so it can take settings) or as a table."""
    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem(filename, key, "an override like key.path=value", repr(item)))
            continue
        if key.startswith("level.mods.") and key.count(".") >= 3:
            key, problem = _mod_entry_key(data, key)
            if problem:
                problems.append(Problem(filename, key, problem, f"--set {item}"))
                continue
        if keys is not None:
            keys.append(key)
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        target: Any = data
        parts = key.split(".")
        for part in parts[:-1]:
            if isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            elif isinstance(target, dict):
                target = target.setdefault(part, {})
            else:
                problems.append(Problem(filename, key, "a path through tables", f"--set {item}"))
                break
        else:
            if isinstance(target, dict):
                target[parts[-1]] = value
            else:
                problems.append(Problem(filename, key, "a path through tables", f"--set {item}"))
    return data


def _mod_entry_key(data: dict, key: str) -> tuple[str, str | None]:
    """`level.mods.<id or place>.rest` as `level.mods.<place>.rest`, the entry made a table; or what is wrong."""
    level = data.get("level")
    mods = level.get("mods") if isinstance(level, dict) else None
    if not isinstance(mods, list):
        return key, None  # the level's own problem, reported where `mods` is read
    _level, _mods, chosen, rest = key.split(".", 3)
    ids = [entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
           for entry in mods]
    if chosen.isdigit():
        index = int(chosen) if int(chosen) < len(mods) else None
    else:
        index = ids.index(chosen) if chosen in ids else None
    if index is None:
        named = [str(i) for i in ids if isinstance(i, str)]
        return key, (f"a mod of the level's `mods` list, by id or place (0 to {len(mods) - 1})" if mods else
                     "a mod of the level's `mods` list, which is empty") + _did_you_mean(chosen, named)
    if isinstance(mods[index], str):
        mods[index] = {"id": mods[index]}
    return f"level.mods.{index}.{rest}", None


def _build(data: dict, report, catalog: Catalog, filename: str) -> LevelSpec | None:
    """Each table read by the schema declared on its spec; what remains here is what one field cannot say alone."""
    root = Reader(data, "", report)
    level = root.table("level", required=True)
    fields = read_fields(level, LevelSpec)
    mods = _mods(level)
    level.finish()

    tiers = _tiers(root.table("tiers"))
    tier_traits = _tier_traits(root.table("tier_traits"), [name for name, _cap in tiers])
    content = _content(root.table("content"), catalog)
    models = _models(root.table("models", required=True), catalog, {c.id for c in content}, report)
    served = {c for m in models for c in m.content}
    arrivals = _arrivals(root.table("arrivals", required=True), tiers, served)
    queue = _table(root, "queue", QueueSpec)
    prompt = _table(root, "prompt", PromptSpec)
    events = _events(root, {m.id: m for m in models}, {c.id for c in content}, arrivals, catalog.events)
    autopilot = _table(root, "autopilot", AutopilotSpec)
    market = _market(root.table("market"))
    goals = _goals(root)
    if autopilot.star_cap < 3 and fields.get("duration_ms"):
        goals += (autopilot_star_cap_goal(autopilot.star_cap, fields["duration_ms"]),)
    trace = read_trace_table(root.table("trace"), filename, models, tiers, _served_by(models))
    spot = _table(root, "spot", SpotSpec) if root.has("spot") else None
    incidents = _incidents(root.table("incidents"), catalog.incidents, [mod_id for mod_id, _version in mods]) \
        if root.has("incidents") else None
    root.finish()

    if None in fields.values() or arrivals is None or not models:
        return None
    spec = LevelSpec(**fields, content=content, models=models, arrivals=arrivals, tiers=tiers, mods=mods, queue=queue,
                     tier_traits=tier_traits,
                     prompt=prompt, events=events, autopilot=autopilot, goals=goals, source=filename, market=market,
                     trace=trace, spot=spot, incidents=incidents)
    _check_goal_metrics(spec, catalog, report)
    return spec


def _table(root: Reader, name: str, cls: type) -> Any:
    """A table whose every key is a field of `cls` (queue, prompt, autopilot)."""
    table = root.table(name)
    spec = cls(**read_fields(table, cls))
    table.finish()
    return spec


def _mods(level: Reader) -> tuple[tuple[str, str], ...]:
    out = []
    for index, item in enumerate(level.array("mods")):
        key = f"level.mods.{index}"
        if isinstance(item, str):
            out.append((item, ""))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            sub = Reader(item, key, level.report)
            out.append((sub.string("id"), sub.string("version", "")))
            sub.raw("settings")  # read against the mod's declared settings by the door, once the mod is open
            sub.finish()
        else:
            level.report(key, 'a mod id or { id = "...", version = ">=1.0", settings = { ... } }', repr(item))
    return tuple(out)


def _tiers(table: Reader) -> tuple[tuple[str, int], ...]:
    if not table.data:
        return default(LevelSpec, "tiers")
    low, high = TIER_CAP
    tiers = tuple((name, table.integer(name, low=low, high=high)) for name in table.data)
    table.finish()
    return tuple(t for t in tiers if t[1] is not None)


def _tier_traits(table: Reader, tier_names: list[str]) -> tuple[tuple[str, TierTraits], ...]:
    """`[tier_traits.<tier>]`: each a tier of `[tiers]`, with the fields of `TierTraits` (a tier left out keeps the
    defaults, as does a level without the table)."""
    out = []
    for name in table.data:
        if name not in tier_names:
            table.report(table.key(name), f"a tier of this level ({', '.join(tier_names)})"
                         + _did_you_mean(name, tier_names), f"unknown tier {name!r}")
            table.used.add(name)
            continue
        sub = table.table(name)
        fields = read_fields(sub, TierTraits)
        sub.finish()
        if None not in fields.values():
            out.append((name, TierTraits(**fields)))
    table.finish()
    return tuple(out)


def _content(table: Reader, catalog: Catalog) -> tuple[ContentSpec, ...]:
    """Every catalog content type is available; a level may reprice them."""
    out = []
    for name in table.data:
        if name not in catalog.content:
            table.report(table.key(name), "a known content type" + _did_you_mean(name, list(catalog.content)),
                         f"unknown content type {name!r}")
            table.used.add(name)
    for content_id, base in catalog.content.items():
        sub = table.table(content_id)
        price = sub.money("price", base.price_cents)
        sub.finish()
        out.append(ContentSpec(content_id, price if price is not None else base.price_cents, base.names, base.icon))
    return tuple(out)


MODEL_KEYS_FOR_NEW = ("content", "slots", "service")


def _models(table: Reader, catalog: Catalog, content_ids: set[str], report) -> tuple[ModelSpec, ...]:
    """A level lists the models it uses: a catalog id (with optional overrides) or a new model in full."""
    out = []
    for model_id in table.data:
        sub = table.table(model_id)
        base = catalog.models.get(model_id)
        if base is None and not all(sub.has(k) for k in MODEL_KEYS_FOR_NEW):
            report(table.key(model_id), "a known model" + _did_you_mean(model_id, list(catalog.models))
                   + " or a new model with content, slots and service", f"unknown model {model_id!r}")
            table.used.add(model_id)
            continue
        content = sub.raw("content", MISSING)
        if content is MISSING and base is not None:  # a new model has content (checked above)
            content = list(base.content)
        if not isinstance(content, list) or not content or not all(isinstance(c, str) for c in content):
            report(sub.key("content"), "a non-empty array of content type ids", repr(content))
            content = []
        for c in content:
            if c not in content_ids:
                report(sub.key("content"), "known content types" + _did_you_mean(c, sorted(content_ids)),
                       f"unknown content type {c!r}")
        fields = read_fields(sub, ModelSpec, base)
        declares_batching = sub.has("batching")
        batching = (read_batching_table(sub.table("batching")) if declares_batching
                    else base.batching if base is not None else None)
        sub.finish()
        if None in fields.values() or (declares_batching and batching is None):  # problems reported
            continue
        fields["names"] = fields["names"] or {"en": model_id, "zh-CN": model_id}
        out.append(ModelSpec(id=model_id, content=tuple(content), provider=base.provider if base else "builtin",
                             batching=batching, **fields))
    return tuple(out)


def _arrivals(table: Reader, tiers, served: set[str]) -> ArrivalSpec | None:
    rate = _rate(table)
    tier_names = [t for t, _cap in tiers]
    tier_weights = _weights(table, "tiers", tier_names, "tier", {tier_names[0]: 1.0} if tier_names else {})
    content = _weights(table, "content", sorted(served), "content type served by a model of this level", None)
    fields = read_fields(table, ArrivalSpec)
    burst = read_burst_table(table.table("burst"))
    table.finish()
    if not rate or not content or not tier_weights or None in fields.values():
        return None
    return ArrivalSpec(rate=rate, tiers=tier_weights, content=content, burst=burst, **fields)


def _rate(table: Reader) -> tuple[RatePiece, ...]:
    """`rate = 216` (customers per hour) or `rate = [{ from = "0h", per_hour = 100 }, …]`."""
    value = table.raw("rate")
    if isinstance(value, int | float) and not isinstance(value, bool):
        per_hour = table.number("rate", low=0.0, high=MAX_RATE)
        return () if per_hour is None else (RatePiece(0, per_hour),)
    if not isinstance(value, list) or not value:
        table.report(table.key("rate"), 'customers per hour, or an array of { from = "0h", per_hour = 100 }',
                     "nothing" if value is MISSING else repr(value))
        return ()
    pieces = []
    for index, item in enumerate(value):
        sub = Reader(item, table.key(f"rate.{index}"), table.report)
        start = sub.duration("from")
        per_hour = sub.number("per_hour", low=0.0, high=MAX_RATE)
        sub.finish()
        if start is not None and per_hour is not None:
            pieces.append(RatePiece(start, per_hour))
    starts = [p.start_ms for p in pieces]
    if starts != sorted(set(starts)):
        table.report(table.key("rate"), "pieces in increasing order of `from`", str(starts))
    return tuple(pieces)


def _weights(table: Reader, name: str, allowed: list[str], what: str, default) -> tuple[tuple[str, float], ...]:
    sub = table.table(name)
    if not sub.data:
        if default is None:
            # by default every served content type is equally likely
            return tuple((a, 1.0) for a in allowed)
        return tuple(default.items())
    out = []
    for key in sub.data:
        if key not in allowed:
            sub.used.add(key)
            sub.report(sub.key(key), f"a {what}" + _did_you_mean(key, allowed), f"unknown {key!r}")
            continue
        weight = sub.number(key, low=0.0, high=MAX_WEIGHT)
        if weight:
            out.append((key, weight))
    sub.finish()
    if not out:
        sub.report(sub.path, "at least one weight above zero", "none")
    return tuple(out)


EVENT_FIELDS = {"outage": ("model", "slots", "duration_ms"), "spike": ("factor", "duration_ms"),
                "price": ("content", "price_cents")}


def _events(root: Reader, models: dict[str, ModelSpec], content_ids: set[str],
            arrivals: ArrivalSpec | None, mod_events: dict[str, tuple]) -> tuple[ScriptedEvent, ...]:
    out = []
    peak = max((piece.per_hour for piece in arrivals.rate), default=0.0) if arrivals else 0.0
    for index, item in enumerate(root.array("events")):
        sub = Reader(item, f"events.{index}", root.report)
        kind = sub.string("kind", choices=(*EVENT_FIELDS, *mod_events))
        if kind in mod_events:  # a mod's kind: `at` and the parameters it declares, read like its settings
            at = read_fields(sub, ScriptedEvent, only=("at_ms",), required=("at_ms",))
            params = tuple((param.name, read_value(sub, param.meta, param.default)) for param in mod_events[kind])
            sub.finish()
            if None not in at.values() and all(value is not None for _name, value in params):
                out.append(ScriptedEvent(kind, **at, params=params))
            continue
        names = EVENT_FIELDS.get(kind, ())
        fields = read_fields(sub, ScriptedEvent, only=("at_ms", *names), required=("at_ms", *names))
        sub.finish()
        if kind is None or None in fields.values():
            continue
        if kind == "outage":
            model = models.get(fields["model"])
            if model is None:
                sub.report(sub.key("model"), "a model of this level" + _did_you_mean(fields["model"], list(models)),
                           repr(fields["model"]))
                continue
            if fields["slots"] > model.slots:
                sub.report(sub.key("slots"), f"at most the {model.slots} contracted slots of {model.id}",
                           str(fields["slots"]))
                continue
        elif kind == "spike" and peak * fields["factor"] > MAX_RATE:
            sub.report(sub.key("factor"), f"a factor that keeps the arrival rate at most {MAX_RATE:g} per hour "
                       f"(the busiest rate here is {peak:g})", f"{fields['factor']:g}")
            continue
        elif kind == "price" and fields["content"] not in content_ids:
            sub.report(sub.key("content"), "a content type" + _did_you_mean(fields["content"], sorted(content_ids)),
                       repr(fields["content"]))
            continue
        out.append(ScriptedEvent(kind, **fields))
    return tuple(out)


def _market(table: Reader) -> MarketSpec:
    """`[market]`: the declared fields, and `levers`, each checked against the levers the simulation knows."""
    fields = read_fields(table, MarketSpec)
    levers = table.raw("levers", list(MarketSpec.levers))
    if not isinstance(levers, list) or any(lever not in LEVERS for lever in levers):
        table.report(table.key("levers"), f"a list of levers from {', '.join(LEVERS)}", repr(levers))
        levers = list(MarketSpec.levers)
    table.finish()
    return MarketSpec(**fields, levers=tuple(dict.fromkeys(levers)))


def _incidents(table: Reader, mod_kinds: dict, level_mods: list[str]) -> IncidentsSpec:
    """`[incidents]`: the declared fields, and `rates`, a table of incident kinds to onsets per hour: the built-in
    kinds (`sim.incidents.KINDS`) and `<mod id>/<name>`, a kind a mod of the level registers."""
    fields = read_fields(table, IncidentsSpec)
    rates = table.raw("rates", {})
    out: list[tuple[str, float]] = []
    if not isinstance(rates, dict):
        table.report(table.key("rates"), "a table of incident kinds to onsets per hour, like { rush_batch = 0.5 }",
                     repr(rates))
        rates = {}
    known = [*INCIDENT_KINDS, *mod_kinds]
    for kind, rate in rates.items():
        owner = kind.split("/", 1)[0] if "/" in kind else None
        if owner is not None and owner not in level_mods and not any(k.startswith(f"{owner}/") for k in mod_kinds):
            table.report(table.key(f"rates.{kind}"), f"an incident kind of a mod this level uses; mod {owner!r} is "
                         "not in its `mods` (add it there)", repr(kind))
        elif kind not in known:
            table.report(table.key(f"rates.{kind}"), "an incident kind" + _did_you_mean(kind, known), repr(kind))
        elif isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 60:
            table.report(table.key(f"rates.{kind}"), "onsets per hour from 0 to 60", repr(rate))
        else:
            out.append((kind, float(rate)))
    table.finish()
    return IncidentsSpec(**fields, rates=tuple(out))


def autopilot_star_cap_goal(star_cap: int, duration_ms: int) -> Goal:
    """`[autopilot] star_cap`: a goal on the minutes the auto-manager was on. Any minute costs the stars above the
    cap; the other thresholds are the level's length, always met. Being a goal, the cap shows in the live goals and
    the report like any other (and the report names it when it capped the stars)."""
    whole = float(duration_ms // MINUTE)
    one, two, three = (0.0 if n > star_cap else whole for n in (1, 2, 3))
    stars = (one, two, three)
    label = {"en": "Managed without the auto-manager (minutes on)", "zh-CN": "不靠自动经理（开启分钟数）"}
    return Goal(AUTOPILOT_GOAL, False, stars, 0.0, label)


def _goals(root: Reader) -> tuple[Goal, ...]:
    out = []
    for index, item in enumerate(root.array("goals")):
        sub = Reader(item, f"goals.{index}", root.report)
        fields = read_fields(sub, Goal)
        metric = fields["metric"]
        money = bool(metric) and metric.endswith("_cents")
        bands = {}
        for direction in ("at_least", "at_most"):
            raw = sub.raw(direction)
            if raw is not MISSING:
                bands[direction] = _stars(sub, direction, raw, money)
        warn_raw = sub.raw("warn")
        warn = None if warn_raw is MISSING else _threshold(sub, "warn", warn_raw, money)
        sub.finish()
        if len(bands) != 1:
            sub.report(sub.key("at_least"), "exactly one of at_least or at_most: three star thresholds",
                       "both" if bands else "neither")
            continue
        direction, stars = next(iter(bands.items()))
        if metric and stars:
            out.append(Goal(at_least=direction == "at_least", stars=stars, warn=warn, **fields))
    return tuple(out)


def _stars(sub: Reader, key: str, raw: Any, money: bool) -> tuple[float, float, float] | None:
    if not isinstance(raw, list) or len(raw) != 3:
        sub.report(sub.key(key), "three thresholds, for one, two and three stars", repr(raw))
        return None
    read = [_threshold(sub, key, v, money) for v in raw]
    values = [v for v in read if v is not None]
    if len(values) != 3:
        return None
    ordered = sorted(values) if key == "at_least" else sorted(values, reverse=True)
    if values != ordered:
        sub.report(sub.key(key), "thresholds from one star to three (harder each time)", repr(raw))
        return None
    return values[0], values[1], values[2]


def _threshold(sub: Reader, key: str, raw: Any, money: bool) -> float | None:
    if money and isinstance(raw, str):
        try:
            return float(parse_money(raw))
        except ValueError as exc:
            sub.report(sub.key(key), str(exc), repr(raw))
            return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not is_finite_number(raw):
        sub.report(sub.key(key), "a finite number" + (' or a money string like "50.00"' if money else ""), repr(raw))
        return None
    return float(raw)


def _check_goal_metrics(spec: LevelSpec, catalog: Catalog, report) -> None:
    known = metric_paths(spec, catalog.metrics)
    for index, goal in enumerate(spec.goals):
        if goal.metric not in known:
            report(f"goals.{index}.metric", "a summary metric" + _did_you_mean(goal.metric, sorted(known)),
                   repr(goal.metric))


_TOML_LINE = re.compile(r"\(at line (\d+)")  # tomllib ends its messages with "(at line 3, column 7)"


def _toml_error_line(message: str) -> int | None:
    found = _TOML_LINE.search(message)
    return int(found.group(1)) if found else None
