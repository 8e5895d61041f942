"""`factory-game trace import` and `factory-game trace synth`."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from factory_game.trace.importer import MODES, ImportOptions, import_log
from factory_game.trace.reader import FIELDS, FORMATS, Mapping, TraceError, choose_columns, guess_format, header_of
from factory_game.trace.service import Throughput
from factory_game.trace.synth import SynthSpec, parse_batch, parse_window, write_log


class TraceArgError(ValueError):
    """A bad option of a trace command (the CLI prints it and exits 2)."""


def add_trace_commands(sub: argparse._SubParsersAction) -> None:
    trace = sub.add_parser("trace", help="request logs: import one as a level, or make a synthetic one")
    tsub = trace.add_subparsers(dest="trace_command", required=True)

    imp = tsub.add_parser("import", help="turn a request log (CSV or JSON Lines) into a level",
                          description="Modes: replay (the level's arrivals are exactly the log's; the log is "
                                      "streamed beside the level) or fit (hourly rates, sub-hour bursts fitted at "
                                      "the scale of seconds, and the observed mixes).")
    imp.add_argument("log")
    imp.add_argument("--out", required=True, metavar="LEVEL.toml")
    imp.add_argument("--mode", choices=MODES, default="replay")
    imp.add_argument("--format", choices=FORMATS, help="default: from the file name (.jsonl/.ndjson: jsonl)")
    imp.add_argument("--column", action="append", default=[], metavar="FIELD=NAME",
                     help="which column holds a field; fields: " + ", ".join(FIELDS)
                          + " (default: a column named like the field or a well-known name of it, any case: "
                            "Azure 2023/2024, BurstGPT and Splitwise-style logs import with no --column)")
    imp.add_argument("--model", default="llm", help="the model serving rows that name none (default llm)")
    imp.add_argument("--slots", type=int, default=40, help="contracted slots of each model (default 40)")
    imp.add_argument("--max-extra", type=int, default=40, help="slots that may be rented on top (default 40)")
    imp.add_argument("--sla", default="30s", help='the on-time limit, e.g. "30s" (default)')
    imp.add_argument("--throughput", action="append", default=[], metavar="MODEL=PROMPT:OUTPUT",
                     help="tokens per second per slot, e.g. llm=2000:25 (service time from token counts)")
    imp.add_argument("--skip-bad", type=int, default=0, metavar="N", help="tolerate up to N bad rows (skipped)")
    imp.add_argument("--id", default="", help="the level id (default: trace-<log name>)")
    imp.add_argument("--title", default="")
    imp.add_argument("--burst-window", type=int, default=10, metavar="SECONDS",
                     help="fit: the scale sub-hour bursts are fitted at (default 10 s; 0: hourly Poisson only)")
    imp.set_defaults(handler=cmd_import)

    syn = tsub.add_parser("synth", help="write a synthetic request log (diurnal, weekday, bursts, outages)")
    syn.add_argument("--out", required=True)
    syn.add_argument("--per-hour", type=float, default=50_000.0, help="mean requests per hour (default 50,000)")
    syn.add_argument("--hours", type=float, default=24.0)
    syn.add_argument("--start", default="2026-01-05T00:00:00", help="UTC start (default a Monday midnight)")
    syn.add_argument("--seed", type=int, default=1)
    syn.add_argument("--burst", action="append", default=[], metavar="START_H:HOURS:FACTOR")
    syn.add_argument("--outage", action="append", default=[], metavar="START_H:HOURS")
    syn.add_argument("--batch", default="1:0", metavar="MEAN:SPREAD_S",
                     help="requests come in batches of geometric size with this mean, spread over SPREAD_S seconds, "
                          "e.g. 12:2 (default 1:0, single arrivals)")
    syn.add_argument("--format", choices=FORMATS, help="default: from the file name")
    syn.set_defaults(handler=cmd_synth)


def _columns(items: list[str]) -> dict[str, str]:
    """The FIELD=NAME pairs given with --column."""
    columns: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        if not sep or name not in FIELDS or not column:
            raise TraceArgError(f"--column: expected FIELD=NAME with FIELD one of {', '.join(FIELDS)}; found {item!r}")
        columns[name] = column
    return columns


def cmd_import(args: argparse.Namespace) -> int:
    from factory_game.plugins import open_mods

    throughput = {}
    for item in args.throughput:
        model, sep, rates = item.partition("=")
        try:
            if not sep:
                raise ValueError(f"MODEL=PROMPT:OUTPUT like llm=2000:25; found {item!r}")
            throughput[model] = Throughput.parse(rates)
        except ValueError as exc:
            raise TraceArgError(f"--throughput: expected {exc}") from None
    if args.slots < 0 or args.max_extra < 0 or args.skip_bad < 0:
        raise TraceArgError("--slots, --max-extra and --skip-bad: expected a count of at least 0")
    check_output(Path(args.out), "--out", inputs=[Path(args.log)])
    fmt = args.format or guess_format(args.log)
    choice = choose_columns(header_of(args.log, fmt), _columns(args.column), args.log, strict=fmt == "csv")
    print(f"{args.log}: {choice.describe()}", file=sys.stderr)
    mapping = Mapping(fmt, choice.columns)
    options = ImportOptions(mode=args.mode, level_id=args.id, model=args.model, slots=args.slots,
                            max_extra=args.max_extra, sla=args.sla, throughput=throughput, skip_bad=args.skip_bad,
                            title=args.title, burst_window_s=args.burst_window, sla_ms=_sla_ms(args.sla, args.log))
    catalog = open_mods().catalog
    if args.model not in catalog.models:
        raise TraceArgError(f"--model: expected one of {', '.join(catalog.models)}; found {args.model!r}")
    stats = import_log(args.log, args.out, mapping, options, catalog, _validate_level(Path(args.out)))
    span_h = (stats.last_s - stats.first_s) / 3600
    cv = stats.interarrival_cv()
    if cv is not None and cv > BURSTY_CV and args.mode == "fit" and args.burst_window == 0:
        print(f"warning: the log's inter-arrival cv is {cv:.2f} (Poisson: 1): an hourly Poisson fit under-provisions "
              f"traffic this bursty; fit its bursts (leave out --burst-window 0)", file=sys.stderr)
    print(f"{args.out}: {stats.rows:,} requests over {span_h:.2f} h ({args.mode})"
          + (f", inter-arrival cv {cv:.2f}" if cv is not None else "")
          + (f"; {len(stats.skipped)} bad row(s) skipped: lines {stats.skipped[:10]}" if stats.skipped else ""))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    try:
        start = datetime.fromisoformat(args.start)
        bursts = [parse_window(w, with_factor=True) for w in args.burst]
        outages = [parse_window(w, with_factor=False) for w in args.outage]
        batch, spread_s = parse_batch(args.batch)
    except ValueError as exc:
        raise TraceArgError(f"trace synth: {exc}") from None
    if not (0 < args.per_hour <= 1e8 and 0 < args.hours <= 24 * 366):
        raise TraceArgError("trace synth: expected --per-hour in (0, 1e8] and --hours in (0, 8784]")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if not (datetime(1970, 1, 1, tzinfo=UTC) <= start and start.year + math.ceil(args.hours / 24 / 365) < 9999):
        raise TraceArgError(f"trace synth: --start: expected a time from 1970 to 9998; found {args.start!r}")
    spec = SynthSpec(per_hour=args.per_hour, hours=args.hours, seed=args.seed, bursts=bursts, outages=outages,
                     start=start, batch=batch, spread_s=spread_s)
    peak, rows = spec.peak_and_expected_rows()
    if peak > 1e8:
        raise TraceArgError(f"trace synth: --per-hour and --burst: expected a peak rate (the daily peak is 1.76 x "
                            f"--per-hour, times any burst factor) of at most 1e8 requests/h; found {peak:.3g}/h")
    if rows > MAX_SYNTH_ROWS:
        raise TraceArgError(f"trace synth: expected at most {MAX_SYNTH_ROWS:,} requests (about "
                            f"{MAX_SYNTH_ROWS * 80 / 1e9:.0f} GB); found about {rows:,.0f} from --per-hour, --hours "
                            f"and --burst")
    check_output(Path(args.out), "--out")
    try:
        count = write_log(spec, Path(args.out), args.format or guess_format(args.out))
    except OSError as exc:
        raise TraceArgError(f"trace synth: --out {args.out}: expected a file we can write; found "
                            f"{exc.strerror or exc}") from None
    print(f"{args.out}: {count:,} requests over {args.hours:g} h", file=sys.stderr)
    return 0


MAX_SYNTH_ROWS = 100_000_000
BURSTY_CV = 1.5  # inter-arrival cv above which an hourly Poisson fit is warned about


def check_output(path: Path, option: str, inputs: Sequence[Path] = ()) -> None:
    """Before any work: `path` can be written and is none of the inputs (an input is never replaced)."""
    if any(path.resolve() == i.resolve() for i in inputs):
        raise TraceArgError(f"{option} {path}: expected a new file; found the input itself (it would be replaced)")
    if path.is_dir():
        raise TraceArgError(f"{option} {path}: expected a file to write; found a directory")
    if path.exists() and not path.is_file():
        raise TraceArgError(f"{option} {path}: expected a regular file to write; found a device or a pipe")
    if not path.name:
        raise TraceArgError(f"{option}: expected a file name; found {str(path)!r}")
    probe = path.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise TraceArgError(f"{option} {path}: expected a folder to write into; found {probe} is a file")
    if not os.access(probe, os.W_OK):
        raise TraceArgError(f"{option} {path}: expected a folder we may write to; found {probe} is not writable")


def _sla_ms(sla: str, log: str) -> int:
    from factory_game.level.units import parse_duration

    try:
        return parse_duration(sla)
    except ValueError as exc:
        raise TraceError(log, None, "--sla", str(exc), repr(sla)) from None


def _validate_level(out: Path) -> Callable[[str], None]:
    """What the importer calls on the level it wrote (in a temporary file beside `out`) before it replaces `out`."""
    from factory_game.level import LevelError, load_level

    def validate(path: str) -> None:
        try:
            load_level(path)
        except LevelError as exc:
            raise TraceError(str(out), None, "level", "options that make a valid level",
                             "; ".join(f"[{p.path}] {p.found} (expected {p.expected})" for p in exc.problems)
                             ) from None

    return validate
