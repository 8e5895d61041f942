"""`factory-game sweep LEVEL --grid key=start:stop:step ... --seeds 20 [--workers N] [--cluster ADDRESS]
[--target 'overall.sla_share>=0.95'] --out results.parquet` (or results.csv).

Resumable: each finished run is appended to `OUT.partial.jsonl` at once; a rerun skips the runs found there or in
OUT, provided they were made by the same level, data, mods, rent window, target and version (sweep/provenance.py;
otherwise the rerun is refused, naming what differs). The results are written when every run is in, atomically,
sorted by run key, so the file is the same whatever the workers or backend; `OUT.sweep.json` beside them records
what made them, `STEM.summary.csv` holds one row per configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from factory_game.level.units import parse_duration
from factory_game.sweep.execute import Job, RunFailed, RunnerSetupError, execute, progress_bar, read_checkpoint
from factory_game.sweep.grid import Run, parse_axis, runs
from factory_game.sweep.provenance import differences, digest, fingerprint
from factory_game.sweep.summary import COST, ConfigSummary, Target, cheapest, parse_target, summarise, table
from factory_game.sweep.validate import parse_seeds


class SweepError(Exception):
    """A sweep that cannot start or finish, with a message naming why (and the failing run)."""


def add_sweep_command(sub: argparse._SubParsersAction) -> None:
    sweep = sub.add_parser("sweep", help="run a level over a grid of overrides x seeds, in parallel")
    sweep.add_argument("level", help="a level file, or the name of a bundled level")
    sweep.add_argument("--grid", action="append", default=[], metavar="KEY=START:STOP:STEP",
                       help="a level key (as for run --set) over a range, stop included, or KEY=a,b,c; "
                            "rent.MODEL=... rents that many slots over --rent-window")
    sweep.add_argument("--seeds", type=int, default=20, help="seeds 1..N per configuration (default 20)")
    sweep.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes on this machine")
    sweep.add_argument("--cluster", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786")
    sweep.add_argument("--target", help="e.g. 'overall.sla_share>=0.95': the cheapest configuration meeting it")
    sweep.add_argument("--rent-window", default="", metavar="FROM-TO",
                       help='level times for rent.MODEL rentals, e.g. "0h15m-1h" (ordered at FROM, released at TO)')
    sweep.add_argument("--holdout-seeds", metavar="FIRST:LAST",
                       help="with --target: rerun the answer on these seeds (not the grid's): how often it holds")
    sweep.add_argument("--resample", type=int, default=0, metavar="N",
                       help="with --target, for a level replaying a log: rerun the answer on N block-bootstrap "
                            "resamples of the log")
    sweep.add_argument("--block", default="5m", help="the bootstrap's block length (default 5m)")
    sweep.add_argument("--out", required=True, metavar="results.parquet")
    sweep.add_argument("--chart", metavar="FILE.png", help="the Pareto chart (default: beside --out)")
    sweep.set_defaults(handler=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from factory_game.level.bundled import resolve_level

    try:
        axes = [parse_axis(g) for g in args.grid]
        keys = [k for k, _ in axes]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"--grid: expected each key once; found {', '.join(twice)} more than once")
        if args.seeds < 1 or args.workers < 1:
            raise ValueError("--seeds and --workers: expected at least 1")
        seeds = list(range(1, args.seeds + 1))
        runs(axes, seeds)  # the size check, before anything is read
        rent_from, rent_to = _window(args.rent_window, any(k.startswith("rent.") for k, _ in axes))
        holdout_seeds = parse_seeds(args.holdout_seeds) if args.holdout_seeds else []
        if set(holdout_seeds) & set(seeds):
            raise ValueError(f"--holdout-seeds: expected seeds other than the grid's 1..{args.seeds}; found "
                             f"{sorted(set(holdout_seeds) & set(seeds))[:5]}")
        if not 0 <= args.resample <= 1000:
            raise ValueError(f"--resample: expected 0 to 1,000 resamples; found {args.resample}")
        block_ms = parse_duration(args.block)
        if block_ms < 1000:
            raise ValueError(f"--block: expected at least 1s; found {args.block!r}")
        if (holdout_seeds or args.resample) and not args.target:
            raise ValueError("--holdout-seeds and --resample check the answer to a --target: give one")
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    level = resolve_level(args.level)
    metrics = _check_level(str(level), runs(axes, seeds))
    try:
        target = parse_target(args.target, metrics) if args.target else None
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    out = Path(args.out)
    chart = Path(args.chart) if args.chart else out.with_suffix(".png")
    job = Job.of(level, rent_from, rent_to)
    if args.resample and not job.level.files:
        raise SweepError(f"--resample: expected a level that replays a log (a [trace] table); {level} has none")
    others = [summary_path(out)] + ([chart] if target else [])
    if holdout_seeds or args.resample:
        others.append(out.with_name(out.stem + ".validation.csv"))
    check_outputs(out, others, level, job)
    record = fingerprint(job.level, _mods_record(job), (rent_from, rent_to), str(target) if target else None)
    with _term_as_interrupt():
        rows = sweep(job, runs(axes, seeds, digest(record)), out, args.workers, args.cluster, record=record)
    summaries = summarise(rows, metrics)
    write_summary(summary_path(out), summaries, target)
    print(table(summaries, target))
    if target is not None:
        best = cheapest(summaries, target)
        if best is None:
            print(f"\nno configuration meets {target} with 95 % confidence")
        else:
            m, c = best.stats[target.metric], best.stats[COST]
            print(f"\ncheapest meeting {target}: {best.config}  cost {c.mean / 100:,.2f} ± {c.half_width / 100:,.2f}"
                  f"  {target.metric} {m.mean:.4f} ± {m.half_width:.4f}")
            validate(job, best, holdout_seeds, args.resample, block_ms, target, args.workers, args.cluster,
                     out.with_name(out.stem + ".validation.csv"))
        from factory_game.sweep.chart import pareto_chart
        from factory_game.texts import format_duration

        pareto_chart(summaries, target, best, chart, f"{level.stem}: cost against {target.metric}",
                     format_duration(_duration_ms(job)))
        print(f"chart: {chart}")
    print(f"runs: {out}; per configuration: {summary_path(out)}")
    return 0


def validate(job: Job, best: ConfigSummary, seeds: list[int], resamples: int, block_ms: int, target: Target,
             workers: int, cluster: str | object | None, path: Path) -> None:
    """The answer rerun on held-out seeds and on resampled logs; a line each, and the reruns saved to `path`."""
    from factory_game.sweep.validate import holdout, report, resampled, write_checks

    overrides = tuple(best.overrides.items())
    checks = []
    if seeds:
        held = holdout(job, overrides, seeds, target, workers, cluster)
        print(report(f"held-out seeds {seeds[0]}..{seeds[-1]}", held, target))
        checks += [("seed", c) for c in held]
    if resamples:
        with_blocks = resampled(job, overrides, resamples, block_ms, target, workers, cluster)
        print(report(f"{resamples} block-bootstrap resamples of the log ({block_ms // 1000}s blocks)", with_blocks,
                     target))
        checks += [("resample", c) for c in with_blocks]
    if checks:
        write_checks(path, checks)
        print(f"reruns: {path}")


@contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """`kill PID` stops a sweep like Ctrl-C: its workers are ended and finished runs kept (exit 130)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _duration_ms(job: Job) -> int:
    from factory_game.level.units import parse_duration

    level = tomllib.loads(job.level.text).get("level", {})
    try:
        return parse_duration(level.get("duration", ""))
    except ValueError:
        return 0


def _mods_record(job: Job) -> list[dict]:
    return [{"id": i, "version": v, "sha256": h} for i, v, h in job.mods]


def _window(text: str, needed: bool) -> tuple[int, int]:
    if not text:
        if needed:
            raise ValueError('rent.MODEL in --grid needs --rent-window FROM-TO, e.g. "0h15m-1h"')
        return 0, 0
    start, sep, end = text.partition("-")
    try:
        a, b = parse_duration(start), parse_duration(end)
    except ValueError:
        a = b = -1
    if not sep or a < 0 or b <= a:
        raise ValueError(f'--rent-window: expected FROM-TO level times like "0h15m-1h", FROM before TO; found {text!r}')
    return a, b


def _check_level(level: str, todo: list[Run]) -> list[str]:
    """Every configuration's overrides validate, mods included, before any run starts (a typo is one message, not
    20 failures). Returns the level's summary figures (dotted paths): a row's metric columns."""
    from factory_game.level import LevelError
    from factory_game.plugins import prepare_level
    from factory_game.sim.metrics import summary_paths
    from factory_game.sweep.execute import forget_mod_modules

    seen = set()
    metrics: list[str] = []
    for run in todo:
        if run.config in seen:
            continue
        seen.add(run.config)
        try:
            spec = prepare_level(level, run.level_overrides()).spec
        except LevelError as exc:
            raise SweepError(f"configuration {run.config}: " + "; ".join(str(p) for p in exc.problems)) from None
        finally:
            forget_mod_modules()
        for model_id, count in run.rentals().items():  # a rental the run would refuse, named before any run
            model = next((m for m in spec.models if m.id == model_id), None)
            if model is None or count > model.max_extra:
                expected = f"at most {model.max_extra} (its max_extra)" if model else \
                    f"a model of the level ({', '.join(m.id for m in spec.models)})"
                raise SweepError(f"configuration {run.config}: [rent.{model_id}] expected {expected}; found {count}")
        metrics = metrics or summary_paths(spec)
    return metrics


FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def summary_path(out: Path) -> Path:
    """The per-configuration table beside the runs: results.parquet -> results.summary.csv."""
    return out.with_name(out.stem + ".summary.csv")


def _record_path(out: Path) -> Path:
    return out.with_name(out.name + ".sweep.json")


def check_outputs(out: Path, others: list[Path], level: Path, job: Job) -> None:
    """Before any run: every output path is writable, none is an input, --out names a format it can write."""
    if out.is_dir():
        raise SweepError(f"--out {out}: expected a file to write; found a directory")
    if out.suffix.lower() not in FORMATS:
        raise SweepError(f"--out {out}: expected a file ending in .parquet or .csv (the format is the extension's); "
                         f"found {out.suffix or 'no extension'!r}")
    inputs = {level.resolve(), *((level.parent / r).resolve() for r, _ in job.level.files)}
    for path in [out, *others]:
        if path.resolve() in inputs:
            raise SweepError(f"{path}: expected an output path; found an input of this sweep (it would be replaced)")
        if path.is_dir():
            raise SweepError(f"{path}: expected a file to write; found a directory")
        if path.exists() and not path.is_file():
            raise SweepError(f"{path}: expected a regular file to write; found a device or a pipe")
        parent = path.parent if str(path.parent) else Path(".")
        if parent.exists() and not parent.is_dir():
            raise SweepError(f"{path}: expected a folder to write into; found {parent} is a file")
        probe = parent
        while not probe.exists():
            probe = probe.parent
        if not os.access(probe, os.W_OK):
            raise SweepError(f"{path}: expected a place we may write; found {probe} is not writable")


def sweep(job: Job, todo_all: list[Run], out: Path, workers: int = 1, cluster: str | object | None = None,
          progress: bool = True, record: dict | None = None) -> list[dict]:
    """Run what is not yet done, checkpointing each row; write OUT; return every row, in `todo_all`'s order.

    `record` (default: the job's fingerprint) is what the results depend on; results on disk made by anything
    else are refused by name, and one sweep at a time may write to OUT."""
    record = record if record is not None else fingerprint(job.level, _mods_record(job),
                                                           (job.rent_from_ms, job.rent_to_ms), None)
    fmt = FORMATS.get(out.suffix.lower(), "parquet")
    checkpoint = out.with_name(out.name + ".partial.jsonl")
    with hold_lock(out.with_name(out.name + ".lock"), out):
        wanted = {r.key for r in todo_all}
        found = [*_read_results(out, fmt, record), *_read_checkpoint(checkpoint, record)]
        done = {row["key"]: row for row in found if row["key"] in wanted}
        todo = [r for r in todo_all if r.key not in done]
        show = progress and sys.stderr.isatty()
        if done:
            print(f"resuming: {len(done)} of {len(todo_all)} runs already done", file=sys.stderr)
        out.parent.mkdir(parents=True, exist_ok=True)
        fresh = not checkpoint.exists()
        with checkpoint.open("a", encoding="utf-8") as handle:
            if fresh:
                handle.write(json.dumps({"sweep": record}, sort_keys=True, separators=(",", ":")) + "\n")
                handle.flush()
            try:
                for row in execute(job, todo, workers, cluster):
                    done[row["key"]] = row
                    handle.write(json.dumps(row, separators=(",", ":")) + "\n")
                    handle.flush()
                    if show:
                        progress_bar(len(done), len(todo_all), lambda text: print(text, end="", file=sys.stderr))
            except RunFailed as exc:
                raise SweepError(f"{exc} ({len(done)} finished runs kept; the same run fails the same way: fix its "
                                 f"cause, then rerun to resume)") from None
            except RunnerSetupError as exc:
                raise SweepError(str(exc)) from None
        if show:
            print(file=sys.stderr)
        rows = sorted(done.values(), key=lambda r: r["key"])
        _write_results(out, fmt, rows, record)
        checkpoint.unlink()
    order = {r.key: i for i, r in enumerate(todo_all)}
    return sorted((r for r in rows if r["key"] in order), key=lambda r: order[r["key"]])


@contextmanager
def hold_lock(lock: Path, out: Path) -> Iterator[None]:
    """One sweep at a time on OUT: a second one is refused at once, naming the first's process."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = lock.open("a+", encoding="utf-8")
        try:
            _try_lock(handle.fileno())
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise SweepError(f"--out {out}: expected no other sweep writing it; found one running (pid {holder}); "
                             f"wait for it, or choose another --out") from None
        if os.path.exists(lock) and os.path.samefile(lock, handle.name):
            break
        handle.close()  # the lock file was replaced between open and lock: lock the new one
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        lock.unlink(missing_ok=True)
        handle.close()


def _try_lock(fd: int) -> None:
    try:
        import fcntl
    except ModuleNotFoundError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _refuse(what: str, before: dict | None, record: dict) -> None:
    if before is None:
        raise SweepError(f"{what}: expected the results of this sweep; found results without a record of what made "
                         f"them (another tool or an older version): choose another --out, or move it away")
    if before != record:
        raise SweepError(f"{what}: expected the results of this sweep; found the results of another: "
                         + "; ".join(differences(before, record))
                         + " (choose another --out, or move it away to start afresh)")


def _read_checkpoint(path: Path, record: dict) -> list[dict]:
    if not path.exists():
        return []
    rows = list(read_checkpoint(path))
    header = rows[0].get("sweep") if rows and isinstance(rows[0], dict) else None
    _refuse(str(path), header if isinstance(header, dict) else None, record)
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if not isinstance(row, dict) or not isinstance(row.get("key"), str):
            raise SweepError(f"{path}:{line}: expected a run's row with its key; found {str(row)[:60]!r}")
    return body


def _read_results(out: Path, fmt: str, record: dict) -> list[dict]:
    if not out.exists():
        return []
    side = _record_path(out)
    try:
        before = json.loads(side.read_text(encoding="utf-8")) if side.exists() else None
    except (OSError, ValueError):
        before = None
    _refuse(str(out), before if isinstance(before, dict) else None, record)
    try:
        if fmt == "csv":
            return _read_csv(out)
        import pyarrow.parquet as pq

        return pq.read_table(out).to_pylist()
    except Exception as exc:  # noqa: BLE001 - a damaged results file is named, whatever the reader raised
        raise SweepError(f"{out}: expected the results of this sweep as {fmt}; found a file that does not read "
                         f"({type(exc).__name__}: {exc})") from None


def _write_results(out: Path, fmt: str, rows: list[dict], record: dict) -> None:
    from factory_game.atomic import atomic_writer, write_text_atomically

    text = json.dumps(record, sort_keys=True, indent=1)
    if fmt == "csv":
        with atomic_writer(out) as handle:
            _write_csv(handle, rows)
    else:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ModuleNotFoundError:
            raise SweepError("--out as Parquet needs pyarrow: pip install 'factory_game[sweep]'") from None
        table = pa.Table.from_pylist(rows).replace_schema_metadata({"river.sweep": text})
        with atomic_writer(out, binary=True) as handle:
            pq.write_table(table, handle)
    write_text_atomically(_record_path(out), text + "\n")


def _write_csv(handle: IO[str], rows: list[dict]) -> None:
    import csv

    columns = list(rows[0]) if rows else ["key", "config", "seed"]
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else repr(row[c]) if isinstance(row[c], float) else row[c]
                         for c in columns])


def _read_csv(out: Path) -> list[dict]:
    """Rows as written: text columns as text; numbers back to int or float (a float is written by repr, so it reads
    back exactly), as `--grid` values are parsed."""
    import csv

    text_columns = {"key", "config", "event_log_sha256"}
    with out.open(encoding="utf-8", newline="") as handle:
        return [{k: v if k in text_columns else _value(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def _value(text: str) -> int | float | str | None:
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def write_summary(path: Path, summaries: list[ConfigSummary], target: Target | None) -> None:
    """One row per configuration: n, and per figure its mean, 95 % CI half-width, min and max (and the margin of
    the CI's worse end to the target), atomically."""
    import csv
    import io

    from factory_game.atomic import write_text_atomically

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    metrics = list(summaries[0].stats) if summaries else []
    writer.writerow(["config", "n", *(f"{m}.{part}" for m in metrics for part in ("mean", "ci95", "min", "max")),
                     *(["target", "margin", "meets"] if target else [])])
    for s in summaries:
        cells: list[object] = [s.config, s.stats[metrics[0]].n if metrics else 0]
        for m in metrics:
            st = s.stats[m]
            cells += [repr(st.mean), repr(st.half_width), repr(st.minimum), repr(st.maximum)]
        if target:
            cells += [str(target), repr(target.margin(s.stats[target.metric])),
                      "yes" if target.met_by(s.stats[target.metric]) else "no"]
        writer.writerow(cells)
    write_text_atomically(path, buffer.getvalue())
