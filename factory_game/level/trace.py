"""The `[trace]` table of a level: a request log replayed as the level's arrivals, streamed beside the level.

    [trace]
    file = "azure-llm-conv-2023.csv"            # relative to the level file
    format = "csv"                              # or "jsonl"
    start = "2023-11-16T18:00:00Z"              # the log time at the level's 0 (numbers: seconds)
    skip_bad = 0                                # bad rows tolerated (each skipped); one more is an error
    columns = { timestamp = "TIMESTAMP", prompt_tokens = "ContextTokens", output_tokens = "GeneratedTokens" }
    throughput = { llm = { prompt_tokens_per_s = 2000, output_tokens_per_s = 25 } }   # per slot
    # (not for a batched model: its replicas time a request from its token counts and their profile)

Each row is one customer with one task; what the row leaves out is drawn from the level's `[arrivals]` mixes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from factory_game.level.reader import Reader
from factory_game.sim.spec import ModelSpec, TraceArrival, TraceSpec
from factory_game.trace.reader import FIELDS, FORMATS, Mapping, Row, TraceError, parse_timestamp, read_rows
from factory_game.trace.service import Throughput, row_service_ms


def read_trace_table(table: Reader, level_file: str, models: tuple[ModelSpec, ...],
                     tiers: tuple[tuple[str, int], ...], route: dict[str, str]) -> TraceSpec | None:
    """Validate the table (and the log's header and first row); None when the level has no `[trace]`."""
    if not table.data:
        return None
    file = table.string("file")
    fmt = table.string("format", "csv", choices=FORMATS)
    start_raw = table.raw("start", 0)
    try:
        start_s = parse_timestamp(start_raw)
    except (ValueError, TypeError, OverflowError):
        table.report(table.key("start"), "the log time at the level's 0: an ISO date-time or seconds", repr(start_raw))
        start_s = 0.0
    skip_bad = table.integer("skip_bad", 0, low=0, high=1_000_000)
    columns_reader = table.table("columns")
    columns = {}
    for name in FIELDS:
        column = columns_reader.string(name, None)
        if column is not None:
            columns[name] = column
    columns_reader.finish()
    columns.setdefault("timestamp", "timestamp")
    throughputs = {}
    per_model = table.table("throughput")
    model_ids = [m.id for m in models]
    for model_id in per_model.data:
        sub = per_model.table(model_id)
        if model_id not in model_ids:
            table.report(sub.path, f"a model of this level ({', '.join(model_ids)})", f"unknown model {model_id!r}")
        batched = next((m for m in models if m.id == model_id and m.batching is not None), None)
        if batched is not None:
            table.report(sub.path, "no throughput for a batched model (its speed is its [models."
                         f"{model_id}.batching] profile)", f"throughput.{model_id}")
        prompt = sub.number("prompt_tokens_per_s", low=0.001, high=1e9)
        output = sub.number("output_tokens_per_s", low=0.001, high=1e9)
        sub.finish()
        if prompt is not None and output is not None:
            throughputs[model_id] = Throughput(prompt, output)
    table.finish()
    if file is None or fmt is None or skip_bad is None:
        return None
    path = Path(level_file).parent / file
    if path.exists() and not path.is_file():  # a folder, a device (/dev/zero never ends) or a pipe (never answers)
        table.report(table.key("file"), "a request log file", f"{str(path)!r}, which is not a regular file")
        return None
    mapping = Mapping(fmt, columns)
    converter = _Converter(str(path), start_s, {t for t, _ in tiers}, route,
                           {m.id: m.content[0] for m in models if m.content}, throughputs,
                           {m.id for m in models if m.batching is not None})
    try:
        for row in read_rows(path, mapping, skip_bad):
            converter(row)
            break
    except TraceError as exc:
        table.report(table.key("file"), f"a log whose rows read ({exc})", f"the log {str(path)!r}")
        return None

    def open_arrivals() -> Iterator[TraceArrival]:
        return map(converter, read_rows(path, mapping, skip_bad))

    return TraceSpec(str(path), open_arrivals)


class _Converter:
    """A log row to a TraceArrival in level terms; a value the level cannot take is a named error."""

    def __init__(self, file: str, start_s: float, tiers: set[str], route: dict[str, str],
                 model_content: dict[str, str], throughputs: dict[str, Throughput], batched: set[str]) -> None:
        self.file, self.start_s, self.tiers, self.route = file, start_s, tiers, route
        self.model_content, self.throughputs, self.batched = model_content, throughputs, batched
        self.lone_model = next(iter(set(route.values()))) if len(set(route.values())) == 1 else None

    def __call__(self, row: Row) -> TraceArrival:
        at_ms = round((row.t - self.start_s) * 1000)
        if at_ms < 0:
            raise TraceError(self.file, row.line, "timestamp", "a time at or after the level's start",
                             f"{-at_ms / 1000:.3f} s before it")
        if row.tier is not None and row.tier not in self.tiers:
            raise TraceError(self.file, row.line, "tier", f"a tier of the level ({', '.join(sorted(self.tiers))})",
                             repr(row.tier))
        content = row.content
        if content is None and row.model is not None:
            content = self.model_content.get(row.model)
            if content is None:
                raise TraceError(self.file, row.line, "model",
                                 f"a model of the level ({', '.join(self.model_content)})", repr(row.model))
        if content is not None and content not in self.route:
            raise TraceError(self.file, row.line, "content",
                             f"a content type a model serves ({', '.join(self.route)})", repr(content))
        model = self.route[content] if content is not None else self.lone_model
        if model in self.batched:  # its replicas time it from its tokens (a logged duration is not used)
            tokens = (row.prompt_tokens, row.output_tokens)
            return TraceArrival(at_ms, row.tier, content, row.priority, None,
                                None if tokens == (None, None) else tokens)
        service = row_service_ms(row.duration_s, row.prompt_tokens, row.output_tokens,
                                 self.throughputs.get(model) if model else None)
        return TraceArrival(at_ms, row.tier, content, row.priority, service)


def served_by(models: tuple[ModelSpec, ...]) -> dict[str, str]:
    """Content type -> the first model (in level order) that serves it: the world's routing rule."""
    route: dict[str, str] = {}
    for model in models:
        for content in model.content:
            route.setdefault(content, model.id)
    return route
