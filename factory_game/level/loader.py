"""TOML level files into a validated `LevelSpec`. The schema is documented in docs/levels.md."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from factory_game.catalog import Catalog
from factory_game.level.errors import LevelError, Problem, key_lines, line_for
from factory_game.level.reader import MISSING, Reader, _did_you_mean
from factory_game.level.units import parse_money
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist
from factory_game.sim.market import LEVERS
from factory_game.sim.spec import (
    ArrivalSpec,
    AutopilotSpec,
    ContentSpec,
    Goal,
    LevelSpec,
    MarketSpec,
    ModelSpec,
    PromptSpec,
    QueueSpec,
    RatePiece,
    ScriptedEvent,
)

EVENT_KINDS = ("outage", "spike", "price")


def load_level(path: str | Path, overrides: Iterable[str] = (), catalog: Catalog | None = None) -> LevelSpec:
    """Read, override (`key.path=value`) and validate a level; raise LevelError with every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LevelError([Problem(str(path), "", "a readable level file", exc.strerror or str(exc))]) from None
    return parse_level(text, str(path), overrides, catalog)


def parse_level(text: str, filename: str, overrides: Iterable[str] = (), catalog: Catalog | None = None) -> LevelSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise LevelError([Problem(filename, "", "valid TOML", str(exc), line)]) from None
    problems: list[Problem] = []
    overrides = list(overrides)
    data = apply_overrides(data, overrides, filename, problems)
    lines = key_lines(text)
    overridden = [item.partition("=")[0].strip() for item in overrides]

    def report(key: str, expected: str, found: str) -> None:
        if any(key == o or key.startswith(o + ".") for o in overridden):
            problems.append(Problem(filename, key, expected, f"{found} (from --set)"))
        else:
            problems.append(Problem(filename, key, expected, found, line_for(lines, key)))

    spec = _build(data, report, catalog, filename)
    if problems:
        raise LevelError(problems)
    assert spec is not None
    return spec


def apply_overrides(data: dict, overrides: Iterable[str], filename: str, problems: list[Problem]) -> dict:
    """`--set models.sd15.slots=30`: the value is read as TOML (a bare word becomes a string)."""
    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem(filename, key, "an override like key.path=value", repr(item)))
            continue
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


def _build(data: dict, report, catalog: Catalog | None, filename: str) -> LevelSpec | None:
    root = Reader(data, "", report)
    level = root.table("level", required=True)
    level_id = level.string("id")
    title = level.texts("title")
    briefing = level.texts("briefing", {"en": "", "zh-CN": ""})
    duration = level.duration("duration", low=1)
    sla = level.duration("sla", 10 * MINUTE, low=1)
    seed = level.integer("seed", 1, low=0)
    start_cash = level.money("start_cash", 0, low=None)
    surcharge = level.number("priority_surcharge", 0.0, low=0.0, high=10.0)
    mods = _mods(level)
    level.finish()
    if catalog is None:
        catalog = _mods_catalog(mods, report)

    tiers = _tiers(root.table("tiers"))
    content = _content(root.table("content"), catalog)
    models = _models(root.table("models", required=True), catalog, {c.id for c in content}, report)
    served = {c for m in models for c in m.content}
    arrivals = _arrivals(root.table("arrivals", required=True), tiers, served, catalog)
    queue = root.table("queue")
    queue_spec = QueueSpec(aging_ms=queue.duration("aging", 0))
    queue.finish()
    prompt = root.table("prompt")
    prompt_spec = PromptSpec(
        enabled=prompt.boolean("enabled", True),
        multiplier=prompt.number("multiplier", 3.0, low=0.0, high=100.0),
        answer_delay_ms=prompt.duration("answer_delay", 20_000),
        check_every_ms=prompt.duration("check_every", MINUTE, low=MINUTE),
    )
    prompt.finish()
    events = _events(root, {m.id: m for m in models}, {c.id for c in content})
    autopilot, star_cap = _autopilot(root.table("autopilot"))
    market = _market(root.table("market"))
    goals = _goals(root)
    if star_cap < 3 and duration:
        goals += (autopilot_star_cap_goal(star_cap, duration),)
    root.finish()

    if None in (level_id, title, duration, arrivals) or not models:
        return None
    spec = LevelSpec(
        id=level_id, title=title, briefing=briefing, duration_ms=duration, content=content, models=models,
        arrivals=arrivals, tiers=tiers, seed=seed, sla_ms=sla, start_cash_cents=start_cash,
        priority_surcharge=surcharge, mods=mods, queue=queue_spec, prompt=prompt_spec, events=events,
        autopilot=autopilot, market=market, goals=goals, source=filename,
    )
    _check_goal_metrics(spec, report)
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
            sub.finish()
        else:
            level.report(key, 'a mod id or { id = "...", version = ">=1.0" }', repr(item))
    return tuple(out)


def _mods_catalog(mods: tuple[tuple[str, str], ...], report) -> Catalog:
    """What the level's mods (and the built-in content) register; a mod that cannot load is a level problem."""
    from factory_game.plugins import ModError, open_mods  # late: the plugin layer imports the simulation only

    try:
        return open_mods(mods).catalog
    except ModError as exc:
        for problem in exc.problems:
            report("level.mods", "mods that are installed and compatible", problem)
        return open_mods().catalog


def _tiers(table: Reader) -> tuple[tuple[str, int], ...]:
    if not table.data:
        return (("L1", 1), ("L2", 2), ("L3", 3), ("L4", 5), ("L5", 10))
    tiers = tuple((name, table.integer(name, low=1, high=1000)) for name in table.data)
    table.finish()
    return tuple(t for t in tiers if t[1] is not None)


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
        if content is MISSING:
            content = list(base.content)
        if not isinstance(content, list) or not content or not all(isinstance(c, str) for c in content):
            report(sub.key("content"), "a non-empty array of content type ids", repr(content))
            content = []
        for c in content:
            if c not in content_ids:
                report(sub.key("content"), "known content types" + _did_you_mean(c, sorted(content_ids)),
                       f"unknown content type {c!r}")
        d = base or ModelSpec(model_id, (), 1, Dist.fixed(1), min_rental_ms=HOUR)
        spec = ModelSpec(
            id=model_id,
            content=tuple(content),
            slots=_v(sub.integer("slots", d.slots, low=0, high=500), d.slots),
            service=sub.dist("service", d.service, "duration"),
            failure_rate=_v(sub.number("failure_rate", d.failure_rate, low=0.0, high=1.0), d.failure_rate),
            retries=_v(sub.integer("retries", d.retries, low=0, high=10), d.retries),
            slot_cost_cents=_v(sub.money("slot_cost", d.slot_cost_cents), d.slot_cost_cents),
            rent_price_cents=_v(sub.money("rent_price", d.rent_price_cents), d.rent_price_cents),
            lead_time_ms=_v(sub.duration("lead_time", d.lead_time_ms), d.lead_time_ms),
            min_rental_ms=_v(sub.duration("min_rental", d.min_rental_ms), d.min_rental_ms),
            max_extra=_v(sub.integer("max_extra", d.max_extra, low=0, high=500), d.max_extra),
            names=_v(sub.texts("names", d.names or {"en": model_id, "zh-CN": model_id}), {}),
            provider=d.provider,
        )
        sub.finish()
        out.append(spec)
    return tuple(out)


def _arrivals(table: Reader, tiers, served: set[str], catalog: Catalog) -> ArrivalSpec | None:
    rate = _rate(table)
    tier_names = [t for t, _cap in tiers]
    tier_weights = _weights(table, "tiers", tier_names, "tier", {tier_names[0]: 1.0} if tier_names else {})
    content = _weights(table, "content", sorted(served), "content type served by a model of this level", None)
    spec = ArrivalSpec(
        rate=rate,
        tiers=tier_weights,
        content=content,
        priority_share=_v(table.number("priority_share", 0.0, low=0.0, high=1.0), 0.0),
        tasks=table.dist("tasks", Dist.fixed(1), "count"),
        budget=table.dist("budget", Dist.fixed(10_000), "money"),
        patience=table.dist("patience", Dist.uniform(10 * MINUTE, 30 * MINUTE), "duration"),
        return_probability=_v(table.number("return_probability", 0.0, low=0.0, high=1.0), 0.0),
        return_after=table.dist("return_after", Dist.exponential(HOUR), "duration"),
    )
    table.finish()
    if not rate or not content or not tier_weights:
        return None
    return spec


def _rate(table: Reader) -> tuple[RatePiece, ...]:
    """`rate = 216` (customers per hour) or `rate = [{ from = "0h", per_hour = 100 }, …]`."""
    value = table.raw("rate")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            table.report(table.key("rate"), "customers per hour, at least 0", repr(value))
            return ()
        return (RatePiece(0, float(value)),)
    if not isinstance(value, list) or not value:
        table.report(table.key("rate"), 'customers per hour, or an array of { from = "0h", per_hour = 100 }',
                     "nothing" if value is MISSING else repr(value))
        return ()
    pieces = []
    for index, item in enumerate(value):
        sub = Reader(item, table.key(f"rate.{index}"), table.report)
        start = sub.duration("from")
        per_hour = sub.number("per_hour", low=0.0)
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
        weight = sub.number(key, low=0.0)
        if weight:
            out.append((key, weight))
    sub.finish()
    if not out:
        sub.report(sub.path, "at least one weight above zero", "none")
    return tuple(out)


def _events(root: Reader, models: dict[str, ModelSpec], content_ids: set[str]) -> tuple[ScriptedEvent, ...]:
    out = []
    for index, item in enumerate(root.array("events")):
        sub = Reader(item, f"events.{index}", root.report)
        kind = sub.string("kind", choices=EVENT_KINDS)
        at = sub.duration("at")
        event = None
        if kind == "outage":
            model = sub.string("model", choices=tuple(models))
            slots = sub.integer("slots", low=1)
            duration = sub.duration("duration", low=1)
            if model and slots and slots > models[model].slots:
                sub.report(sub.key("slots"), f"at most the {models[model].slots} contracted slots of {model}",
                           str(slots))
            if None not in (model, slots, duration, at):
                event = ScriptedEvent("outage", at, duration_ms=duration, model=model, slots=slots)
        elif kind == "spike":
            factor = sub.number("factor", low=0.0, high=100.0)
            duration = sub.duration("duration", low=1)
            if None not in (factor, duration, at):
                event = ScriptedEvent("spike", at, duration_ms=duration, factor=factor)
        elif kind == "price":
            content = sub.string("content", choices=tuple(sorted(content_ids)))
            price = sub.money("price")
            if None not in (content, price, at):
                event = ScriptedEvent("price", at, content=content, price_cents=price)
        sub.finish()
        if event is not None:
            out.append(event)
    return tuple(out)


def _market(table: Reader) -> MarketSpec:
    d = MarketSpec()
    levers = table.raw("levers", list(d.levers))
    if not isinstance(levers, list) or any(lever not in LEVERS for lever in levers):
        table.report(table.key("levers"), f"a list of levers from {', '.join(LEVERS)}", repr(levers))
        levers = list(d.levers)
    spec = MarketSpec(
        elasticity=_v(table.number("elasticity", d.elasticity, low=0.0, high=10.0), d.elasticity),
        priority_elasticity=_v(table.number("priority_elasticity", d.priority_elasticity, low=0.0, high=10.0),
                               d.priority_elasticity),
        reputation_strength=_v(table.number("reputation_strength", d.reputation_strength, low=0.0, high=10.0),
                               d.reputation_strength),
        reputation_reference=_v(table.number("reputation_reference", d.reputation_reference, low=0.0, high=1.0),
                                d.reputation_reference),
        reputation_lag_ms=_v(table.duration("reputation_lag", d.reputation_lag_ms, low=MINUTE), d.reputation_lag_ms),
        contract_share=_v(table.number("contract_share", d.contract_share, low=0.0, high=10.0), d.contract_share),
        contract_period_ms=_v(table.duration("contract_period", d.contract_period_ms, low=MINUTE),
                              d.contract_period_ms),
        contract_lead_ms=_v(table.duration("contract_lead", d.contract_lead_ms), d.contract_lead_ms),
        levers=tuple(dict.fromkeys(levers)),
    )
    table.finish()
    return spec


def autopilot_star_cap_goal(star_cap: int, duration_ms: int) -> Goal:
    """`[autopilot] star_cap`: a goal on the minutes the auto-manager was on. Any minute costs the stars above the
    cap; the other thresholds are the level's length, always met. Being a goal, the cap shows in the live goals and
    the report like any other (and the report names it when it capped the stars)."""
    whole = float(duration_ms // MINUTE)
    stars = tuple(0.0 if n > star_cap else whole for n in (1, 2, 3))
    label = {"en": "Managed without the auto-manager (minutes on)", "zh-CN": "不靠自动经理（开启分钟数）"}
    return Goal("manager.autopilot_minutes", False, stars, 0.0, label)


def _autopilot(table: Reader) -> tuple[AutopilotSpec, int]:
    """The policy, and `star_cap`: the most stars a run earns once the auto-manager was on (3: no cap)."""
    d = AutopilotSpec()
    spec = AutopilotSpec(
        enabled=_v(table.boolean("enabled", d.enabled), d.enabled),
        every_ms=_v(table.duration("every", d.every_ms, low=MINUTE), d.every_ms),
        rent_wait_factor=_v(table.number("rent_wait_factor", d.rent_wait_factor, low=0.0), d.rent_wait_factor),
        release_util=_v(table.number("release_util", d.release_util, low=0.0, high=1.0), d.release_util),
        sustain=_v(table.integer("sustain", d.sustain, low=1), d.sustain),
        step=_v(table.integer("step", d.step, low=1), d.step),
    )
    star_cap = _v(table.integer("star_cap", 3, low=0, high=3), 3)
    table.finish()
    return spec, star_cap


def _goals(root: Reader) -> tuple[Goal, ...]:
    out = []
    for index, item in enumerate(root.array("goals")):
        sub = Reader(item, f"goals.{index}", root.report)
        metric = sub.string("metric")
        label = sub.texts("label", {})
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
            out.append(Goal(metric, direction == "at_least", stars, warn, label))
    return tuple(out)


def _stars(sub: Reader, key: str, raw: Any, money: bool) -> tuple[float, float, float] | None:
    if not isinstance(raw, list) or len(raw) != 3:
        sub.report(sub.key(key), "three thresholds, for one, two and three stars", repr(raw))
        return None
    values = [_threshold(sub, key, v, money) for v in raw]
    if None in values:
        return None
    ordered = sorted(values) if key == "at_least" else sorted(values, reverse=True)
    if values != ordered:
        sub.report(sub.key(key), "thresholds from one star to three (harder each time)", repr(raw))
        return None
    return tuple(values)


def _threshold(sub: Reader, key: str, raw: Any, money: bool) -> float | None:
    if money and isinstance(raw, str):
        try:
            return float(parse_money(raw))
        except ValueError as exc:
            sub.report(sub.key(key), str(exc), repr(raw))
            return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        sub.report(sub.key(key), "a number" + (' or a money string like "50.00"' if money else ""), repr(raw))
        return None
    return float(raw)


def _check_goal_metrics(spec: LevelSpec, report) -> None:
    from factory_game.level.goals import metric_paths  # the summary's shape comes from the simulation

    known = metric_paths(spec)
    for index, goal in enumerate(spec.goals):
        if goal.metric not in known:
            report(f"goals.{index}.metric", "a summary metric" + _did_you_mean(goal.metric, sorted(known)),
                   repr(goal.metric))


def _v(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def _toml_error_line(message: str) -> int | None:
    marker = "line "
    if marker in message:
        tail = message.split(marker, 1)[1]
        digits = "".join(ch for ch in tail.split(",")[0].split(")")[0] if ch.isdigit())
        return int(digits) if digits else None
    return None
