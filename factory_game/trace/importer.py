"""`factory-game trace import`: a request log becomes a level, in one of two modes.

- replay: the level's arrivals are exactly the log's (a `[trace]` table points at the log, which the run streams);
- fit: a non-homogeneous Poisson rate by hour of day (by weekday and hour when the log spans days) and the observed
  tier, content and priority mixes, with each model's service time fitted as a lognormal (mean and cv).

The log is read once, streamed, to check every row and gather what the level needs.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from factory_game.catalog import Catalog
from factory_game.sim.clock import HOUR
from factory_game.trace.reader import Mapping, read_rows
from factory_game.trace.service import Throughput, row_service_ms

MODES = ("replay", "fit")


@dataclass
class ImportOptions:
    mode: str = "replay"
    level_id: str = ""
    model: str = "llm"  # the model serving rows that name none (and the default content is its first)
    slots: int = 40
    max_extra: int = 40
    sla: str = "30s"
    seed: int = 1
    tiers: dict[str, int] = field(default_factory=lambda: {"L1": 1})
    throughput: dict[str, Throughput] = field(default_factory=dict)
    skip_bad: int = 0
    title: str = ""


@dataclass
class LogStats:
    """What one pass over the log found."""

    rows: int = 0
    skipped: list[int] = field(default_factory=list)
    first_s: float = math.inf
    last_s: float = -math.inf
    per_hour: Counter = field(default_factory=Counter)  # hour index since the epoch -> requests
    tiers: Counter = field(default_factory=Counter)
    content: Counter = field(default_factory=Counter)
    priority: Counter = field(default_factory=Counter)
    service_sum: dict = field(default_factory=lambda: defaultdict(float))  # model -> sum of ms
    service_sq: dict = field(default_factory=lambda: defaultdict(float))
    service_n: Counter = field(default_factory=Counter)


def scan(path: Path, mapping: Mapping, options: ImportOptions, catalog: Catalog) -> LogStats:
    stats = LogStats()
    model_content = {m.id: m.content[0] for m in catalog.models.values() if m.content}
    route = {}
    for m in catalog.models.values():
        for c in m.content:
            route.setdefault(c, m.id)
    for row in read_rows(path, mapping, options.skip_bad, stats.skipped):
        stats.rows += 1
        stats.first_s = min(stats.first_s, row.t)
        stats.last_s = row.t
        stats.per_hour[math.floor(row.t / 3600)] += 1
        if row.tier is not None:
            stats.tiers[row.tier] += 1
        content = row.content or (model_content.get(row.model) if row.model else None) \
            or model_content.get(options.model, "text")
        stats.content[content] += 1
        if row.priority is not None:
            stats.priority[row.priority] += 1
        model = route.get(content, options.model)
        service = row_service_ms(row.duration_s, row.prompt_tokens, row.output_tokens, options.throughput.get(model))
        if service is not None:
            stats.service_sum[model] += service
            stats.service_sq[model] += service * service
            stats.service_n[model] += 1
    return stats


def import_log(log: str | Path, out: str | Path, mapping: Mapping, options: ImportOptions,
               catalog: Catalog) -> LogStats:
    """Read the log, write the level. Returns what the pass found (rows, skipped lines, span)."""
    log, out = Path(log), Path(out)
    stats = scan(log, mapping, options, catalog)
    if stats.rows == 0:
        from factory_game.trace.reader import TraceError

        raise TraceError(str(log), None, "rows", "at least one request", "none")
    if stats.tiers:  # the log's own tiers; a row is one customer with one task, so the cap never binds below 1
        options.tiers = {t: options.tiers.get(t, 1) for t in sorted(stats.tiers)}
    start_hour = math.floor(stats.first_s / 3600)
    end_hour = math.floor(stats.last_s / 3600) + 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_level_toml(log, out, mapping, options, catalog, stats, start_hour, end_hour), encoding="utf-8")
    return stats


def hourly_rates(stats: LogStats, start_hour: int, end_hour: int) -> list[float]:
    """Requests per hour for each hour of the level: the mean over the log's hours of the same hour of day (and
    weekday, when the log spans more than a day). A partly observed first or last hour counts by the part seen."""
    by_weekday = stats.last_s - stats.first_s > 24 * 3600

    def bucket(hour: int) -> tuple[int, ...]:
        moment = datetime.fromtimestamp(hour * 3600, UTC)
        return (moment.weekday(), moment.hour) if by_weekday else (moment.hour,)

    counts: dict[tuple, float] = defaultdict(float)
    observed: dict[tuple, float] = defaultdict(float)
    for hour in range(start_hour, end_hour):
        seen_from = max(hour * 3600, stats.first_s)
        seen_to = min((hour + 1) * 3600, stats.last_s)
        observed[bucket(hour)] += max(seen_to - seen_from, 1.0) / 3600
        counts[bucket(hour)] += stats.per_hour.get(hour, 0)
    return [counts[bucket(h)] / observed[bucket(h)] for h in range(start_hour, end_hour)]


def fitted_pieces(stats: LogStats, start_hour: int, end_hour: int) -> list[tuple[int, float]]:
    """(start ms, requests per hour) pieces: each hour's fitted rate, and no traffic before the log's first request
    or after its last (the fit describes the traffic where the log saw it)."""
    origin = start_hour * 3600
    first_ms = round((stats.first_s - origin) * 1000)
    last_ms = round((stats.last_s - origin) * 1000) + 1
    pieces = [(0, 0.0)] if first_ms > 0 else []
    for index, rate in enumerate(hourly_rates(stats, start_hour, end_hour)):
        begin, end = max(index * HOUR, first_ms), min((index + 1) * HOUR, last_ms)
        if begin < end:
            pieces.append((begin, rate))
    if last_ms < (end_hour - start_hour) * HOUR:
        pieces.append((last_ms, 0.0))
    return pieces


def _level_toml(log: Path, out: Path, mapping: Mapping, options: ImportOptions, catalog: Catalog,
                stats: LogStats, start_hour: int, end_hour: int) -> str:
    start = datetime.fromtimestamp(start_hour * 3600, UTC)
    hours = end_hour - start_hour
    level_id = options.level_id or f"trace-{log.stem.lower()}"
    title = options.title or f"{log.name} ({options.mode})"
    def q(text: str) -> str:  # a JSON string is a valid TOML basic string
        return json.dumps(text, ensure_ascii=False)

    served = {options.model} | {_route(catalog, c) for c in stats.content}
    lines = [
        f"# Made by `factory-game trace import` ({options.mode}) from {log.name}: {stats.rows:,} requests,",
        f"# {start:%Y-%m-%d %H:%M} UTC + {hours} h."
        + (f" {len(stats.skipped)} bad row(s) skipped (lines {_lines(stats.skipped)})." if stats.skipped else ""),
        "",
        "[level]",
        f"id = {q(level_id)}",
        f"title = {{ en = {q(title)}, zh-CN = {q(title)} }}",
        f'briefing = {{ en = {q(f"Traffic of {log.name}, from {start:%H:%M} UTC.")}, '
        f'zh-CN = {q(f"{log.name} 的流量，自 UTC {start:%H:%M} 起。")} }}',
        f'duration = "{hours}h"',
        f'sla = "{options.sla}"',
        f"seed = {options.seed}",
        "",
        "[tiers]",
        *(f"{name} = {cap}" for name, cap in options.tiers.items()),
        "",
    ]
    for model_id in sorted(m for m in served if m):
        lines += [f"[models.{model_id}]", f"slots = {options.slots}", f"max_extra = {options.max_extra}"]
        n = stats.service_n.get(model_id, 0)
        if options.mode == "fit" and n:
            mean = stats.service_sum[model_id] / n
            var = max(stats.service_sq[model_id] / n - mean * mean, 0.0)
            cv = min(math.sqrt(var) / mean, 10.0) if mean > 0 else 0.0
            lines.append(f'service = {{ dist = "lognormal", mean = "{max(1, round(mean))}ms", cv = {cv:.3f} }}')
        lines.append("")
    lines += ["[arrivals]"]
    if options.mode == "replay":
        lines.append("rate = 0  # every arrival comes from the log ([trace] below)")
    else:
        lines.append("rate = [")
        lines += [f'  {{ from = "{ms}ms", per_hour = {rate:.1f} }},'
                  for ms, rate in fitted_pieces(stats, start_hour, end_hour)]
        lines.append("]")
    tier_mix = stats.tiers or Counter({next(iter(options.tiers)): 1})
    lines.append("tiers = { " + ", ".join(f"{k} = {v / sum(tier_mix.values()):.6f}"
                                          for k, v in sorted(tier_mix.items())) + " }")
    lines.append("content = { " + ", ".join(f"{k} = {v / stats.rows:.6f}" for k, v in sorted(stats.content.items()))
                 + " }")
    if stats.priority:
        lines.append(f"priority_share = {stats.priority[True] / sum(stats.priority.values()):.6f}")
    lines += ["", "[prompt]", "enabled = false  # an API answers or queues; nobody is asked", ""]
    if options.mode == "replay":
        relative = os.path.relpath(log.resolve(), out.resolve().parent)
        lines += [
            "[trace]",
            f"file = {q(Path(relative).as_posix())}",
            f'format = "{mapping.format}"',
            f'start = "{start:%Y-%m-%dT%H:%M:%SZ}"',
            f"skip_bad = {options.skip_bad}",
            "columns = { " + ", ".join(f"{k} = {q(v)}" for k, v in mapping.columns.items()) + " }",
        ]
        for model_id, tp in sorted(options.throughput.items()):
            lines.append(f"throughput.{model_id} = {{ prompt_tokens_per_s = {tp.prompt_tokens_per_s:g}, "
                         f"output_tokens_per_s = {tp.output_tokens_per_s:g} }}")
        lines.append("")
    return "\n".join(lines)


def _route(catalog: Catalog, content: str) -> str:
    for m in catalog.models.values():
        if content in m.content:
            return m.id
    return ""


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")
