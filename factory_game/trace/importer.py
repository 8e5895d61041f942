"""`factory-game trace import`: a request log becomes a level, in one of two modes.

- replay: the level's arrivals are exactly the log's (a `[trace]` table points at the log, which the run streams);
- fit: a non-homogeneous Poisson rate by hour of day (by weekday and hour when the log spans days), sub-hour bursts
  fitted at the scale of seconds on top of it (`[arrivals.burst]`, trace/burst.py), and the observed tier, content
  and priority mixes, with each model's service time fitted as a lognormal (mean and cv).

The level spans the log: its 0 is the log's first request (to the second), its end one SLA after the last request
(so the last request can still be served on time), not the whole clock hours the log touches, so contracted slots
are billed for the log's own span. The log is read once, streamed, to check every row and gather what the level
needs; the level is validated before it replaces anything, and it never replaces the log.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from factory_game.catalog import Catalog
from factory_game.trace.burst import BurstCounts, burst_toml, fit_burst
from factory_game.trace.reader import Mapping, TraceError, read_rows
from factory_game.trace.service import Throughput, row_service_ms

MODES = ("replay", "fit")


@dataclass
class ImportOptions:
    mode: str = "replay"
    level_id: str = ""
    model: str = "llm"  # the model serving rows that name none (and the default content is its first)
    slots: int = 40
    max_extra: int = 40
    sla: str = "30s"  # as the level file writes it
    sla_ms: int = 30_000  # the same, read by the caller (the level layer's units sit above this package)
    seed: int = 1
    tiers: dict[str, int] = field(default_factory=lambda: {"L1": 1})
    throughput: dict[str, Throughput] = field(default_factory=dict)
    skip_bad: int = 0
    title: str = ""
    burst_window_s: int = 10  # fit: the scale sub-hour bursts are fitted at (0: no bursts, hourly Poisson only)


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
    burst: BurstCounts | None = None
    gap_sum: float = 0.0  # inter-arrival times (s): their sum and sum of squares, for their cv
    gap_squares: float = 0.0

    def interarrival_cv(self) -> float | None:
        """The inter-arrival times' coefficient of variation: 1 for Poisson arrivals, far above 1 for bursts."""
        n = self.rows - 1
        if n < 2 or self.gap_sum <= 0:
            return None
        mean = self.gap_sum / n
        return math.sqrt(max(self.gap_squares / n - mean * mean, 0.0)) / mean


def scan(path: Path, mapping: Mapping, options: ImportOptions, catalog: Catalog) -> LogStats:
    stats = LogStats()
    if options.mode == "fit" and options.burst_window_s > 0:
        stats.burst = BurstCounts(options.burst_window_s)
    model_content = {m.id: m.content[0] for m in catalog.models.values() if m.content}
    route: dict[str, str] = {}
    for m in catalog.models.values():
        for c in m.content:
            route.setdefault(c, m.id)
    for row in read_rows(path, mapping, options.skip_bad, stats.skipped):
        if stats.rows:
            gap = row.t - stats.last_s
            stats.gap_sum += gap
            stats.gap_squares += gap * gap
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
        if stats.burst is not None:
            stats.burst.add(row.t, service)
        if service is not None:
            stats.service_sum[model] += service
            stats.service_sq[model] += service * service
            stats.service_n[model] += 1
    return stats


def import_log(log: str | Path, out: str | Path, mapping: Mapping, options: ImportOptions,
               catalog: Catalog, validate: Callable[[str], None]) -> LogStats:
    """Read the log, write the level (atomically, and only once `validate` accepts the written file: it raises
    TraceError otherwise; the level loader sits above this package, so the caller brings it). Returns what the pass
    found."""
    log, out = Path(log), Path(out)
    if out.resolve() == log.resolve():
        raise TraceError(str(out), None, "--out", "a level file other than the log", "the log itself")
    sla_ms = options.sla_ms
    stats = scan(log, mapping, options, catalog)
    if stats.rows == 0:
        raise TraceError(str(log), None, "rows", "at least one request", "none")
    if stats.last_s - stats.first_s > MAX_SPAN_S:
        raise TraceError(str(log), None, "timestamp", "a log spanning at most 366 days",
                         f"{(stats.last_s - stats.first_s) / 86_400:,.0f} days")
    if stats.tiers:  # the log's own tiers; a row is one customer with one task, so the cap never binds below 1
        options.tiers = {t: options.tiers.get(t, 1) for t in sorted(stats.tiers)}
    span = Span(math.floor(stats.first_s), stats.last_s, sla_ms)
    text = _level_toml(log, out, mapping, options, catalog, stats, span)
    from factory_game.atomic import atomic_writer

    with atomic_writer(out) as handle:
        handle.write(text)
        handle.flush()
        validate(handle.name)  # beside the target, so the log's relative path resolves as it will
    return stats


MAX_SPAN_S = 366 * 86_400


@dataclass(frozen=True)
class Span:
    """The level's window on the log: its 0 at `origin_s` (log time, whole seconds), its end one SLA after the last
    request."""

    origin_s: int
    last_s: float
    sla_ms: int

    @property
    def duration_ms(self) -> int:
        return math.ceil((self.last_s - self.origin_s) * 1000) + 1 + self.sla_ms

    def hours(self) -> range:
        """The clock hours (since the epoch) the level overlaps."""
        return range(self.origin_s // 3600, math.floor((self.origin_s + self.duration_ms / 1000) / 3600) + 1)


def hourly_rates(stats: LogStats, hours: range) -> list[float]:
    """Requests per hour for each clock hour in `hours`: the mean over the log's hours of the same hour of day (and
    weekday, when the log spans more than a day). A partly observed first or last hour counts by the part seen."""
    by_weekday = stats.last_s - stats.first_s > 24 * 3600

    def bucket(hour: int) -> tuple[int, ...]:
        moment = datetime.fromtimestamp(hour * 3600, UTC)
        return (moment.weekday(), moment.hour) if by_weekday else (moment.hour,)

    counts: dict[tuple, float] = defaultdict(float)
    observed: dict[tuple, float] = defaultdict(float)
    for hour in hours:
        seen_from = max(hour * 3600, stats.first_s)
        seen_to = min((hour + 1) * 3600, stats.last_s)
        if seen_to < seen_from:
            continue
        observed[bucket(hour)] += max(seen_to - seen_from, 1.0) / 3600
        counts[bucket(hour)] += stats.per_hour.get(hour, 0)
    return [counts[bucket(h)] / observed[bucket(h)] if observed[bucket(h)] else 0.0 for h in hours]


def fitted_pieces(stats: LogStats, span: Span) -> list[tuple[int, float]]:
    """(start ms, requests per hour) pieces of the level: each clock hour's fitted rate from the log's first request
    to its last, then none (the fit describes the traffic where the log saw it)."""
    last_ms = round((stats.last_s - span.origin_s) * 1000) + 1
    hours = span.hours()
    pieces = []
    for hour, rate in zip(hours, hourly_rates(stats, hours), strict=True):
        begin = max(hour * 3600 - span.origin_s, 0) * 1000
        if begin < last_ms:
            pieces.append((begin, rate))
    pieces.append((last_ms, 0.0))
    return pieces


def _level_toml(log: Path, out: Path, mapping: Mapping, options: ImportOptions, catalog: Catalog,
                stats: LogStats, span: Span) -> str:
    start = datetime.fromtimestamp(span.origin_s, UTC)
    level_id = options.level_id or f"trace-{log.stem.lower()}"
    title = options.title or f"{log.name} ({options.mode})"
    served = {options.model} | {_route(catalog, c) for c in stats.content}
    lines = [
        f"# Made by `factory-game trace import` ({options.mode}) from {log.name}: {stats.rows:,} requests,",
        f"# {start:%Y-%m-%d %H:%M:%S} UTC + {span.duration_ms / 60_000:g} min (the log's span and one SLA)."
        + (f" {len(stats.skipped)} bad row(s) skipped (lines {_lines(stats.skipped)})." if stats.skipped else ""),
        "",
        "[level]",
        f"id = {q(level_id)}",
        f"title = {{ en = {q(title)}, zh-CN = {q(title)} }}",
        f'briefing = {{ en = {q(f"Traffic of {log.name}, from {start:%H:%M:%S} UTC.")}, '
        f'zh-CN = {q(f"{log.name} 的流量，自 UTC {start:%H:%M:%S} 起。")} }}',
        f'duration = "{span.duration_ms}ms"',
        f"sla = {q(options.sla)}",
        f"seed = {options.seed}",
        "",
        "[tiers]",
        *(f"{q(name)} = {cap}" for name, cap in options.tiers.items()),
        "",
    ]
    for model_id in sorted(m for m in served if m):
        lines += [f"[models.{q(model_id)}]", f"slots = {options.slots}", f"max_extra = {options.max_extra}"]
        n = stats.service_n.get(model_id, 0)
        if options.mode == "fit" and n:
            mean = stats.service_sum[model_id] / n
            var = max(stats.service_sq[model_id] / n - mean * mean, 0.0)
            cv = min(math.sqrt(var) / mean, 10.0) if mean > 0 else 0.0
            lines.append(f'service = {{ dist = "lognormal", mean = "{max(1, round(mean))}ms", cv = {cv:.3f} }}')
        lines.append("")
    lines += ["[arrivals]"]
    pieces = fitted_pieces(stats, span) if options.mode == "fit" else []
    if options.mode == "replay":
        lines.append("rate = 0  # every arrival comes from the log ([trace] below)")
    else:
        lines.append("rate = [")
        lines += [f'  {{ from = "{ms}ms", per_hour = {rate:.1f} }},' for ms, rate in pieces]
        lines.append("]")
    tier_mix = stats.tiers or Counter({next(iter(options.tiers)): 1})
    lines.append("tiers = { " + ", ".join(f"{q(k)} = {v / sum(tier_mix.values()):.6f}"
                                          for k, v in sorted(tier_mix.items())) + " }")
    lines.append("content = { " + ", ".join(f"{q(k)} = {v / stats.rows:.6f}"
                                            for k, v in sorted(stats.content.items())) + " }")
    if stats.priority:
        lines.append(f"priority_share = {stats.priority[True] / sum(stats.priority.values()):.6f}")
    if stats.burst is not None:
        starts = [ms for ms, _ in pieces]

        def rate_at(t: float) -> float:  # the level's rate at log time t
            ms = (t - span.origin_s) * 1000
            index = max([i for i, s in enumerate(starts) if s <= ms] or [0])
            return pieces[index][1] if pieces else 0.0

        burst = fit_burst(stats.burst, stats.first_s, stats.last_s, rate_at)
        if burst is not None:
            lines += burst_toml(burst)
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
            lines.append(f"throughput.{q(model_id)} = {{ prompt_tokens_per_s = {tp.prompt_tokens_per_s:g}, "
                         f"output_tokens_per_s = {tp.output_tokens_per_s:g} }}")
        lines.append("")
    return "\n".join(lines)


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL, which JSON leaves raw, escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _route(catalog: Catalog, content: str) -> str:
    for m in catalog.models.values():
        if content in m.content:
            return m.id
    return ""


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")
