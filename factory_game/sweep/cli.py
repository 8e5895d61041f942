"""`factory-game sweep LEVEL --grid key=start:stop:step ... --seeds 20 [--workers N] [--cluster ADDRESS]
[--target 'overall.sla_share>=0.95'] --out results.parquet`.

Resumable: each finished run is appended to `OUT.partial.jsonl` at once; a rerun skips the runs found there or in
OUT. The results are written as Parquet (pyarrow) when every run is in, sorted by run key, so the file is the same
whatever the workers or backend."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from factory_game.level.units import parse_duration
from factory_game.sweep.execute import Job, RunFailed, RunnerSetupError, execute, progress_bar, read_checkpoint
from factory_game.sweep.grid import Run, parse_axis, runs
from factory_game.sweep.summary import COST, cheapest, parse_target, summarise, table


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
    sweep.add_argument("--out", required=True, metavar="results.parquet")
    sweep.add_argument("--chart", metavar="FILE.png", help="the Pareto chart (default: beside --out)")
    sweep.set_defaults(handler=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from factory_game.level.bundled import resolve_level

    try:
        axes = [parse_axis(g) for g in args.grid]
        if args.seeds < 1 or args.workers < 1:
            raise ValueError("--seeds and --workers: expected at least 1")
        todo_all = runs(axes, list(range(1, args.seeds + 1)))
        rent_from, rent_to = _window(args.rent_window, any(k.startswith("rent.") for k, _ in axes))
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    level = str(resolve_level(args.level))
    metrics = _check_level(level, todo_all)
    try:
        target = parse_target(args.target, metrics) if args.target else None
    except ValueError as exc:
        raise SweepError(str(exc)) from None
    out = Path(args.out)
    rows = sweep(Job(level, rent_from, rent_to), todo_all, out, args.workers, args.cluster)
    summaries = summarise(rows, metrics)
    print(table(summaries, target))
    if target is not None:
        best = cheapest(summaries, target)
        if best is None:
            print(f"\nno configuration meets {target} with 95 % confidence")
        else:
            m, c = best.stats[target.metric], best.stats[COST]
            print(f"\ncheapest meeting {target}: {best.config}  cost {c.mean / 100:,.2f} ± {c.half_width / 100:,.2f}"
                  f"  {target.metric} {m.mean:.4f} ± {m.half_width:.4f}")
        chart = Path(args.chart) if args.chart else out.with_suffix(".png")
        from factory_game.sweep.chart import pareto_chart

        pareto_chart(summaries, target, best, chart, f"{Path(level).stem}: cost against {target.metric}")
        print(f"chart: {chart}")
    return 0


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
    """Every configuration's overrides validate before any run starts (a typo is one message, not 20 failures).
    Returns the level's summary figures (dotted paths): a row's metric columns."""
    from factory_game.level import LevelError, load_level
    from factory_game.sim.metrics import summary_paths

    seen = set()
    metrics: list[str] = []
    for run in todo:
        if run.config in seen:
            continue
        seen.add(run.config)
        try:
            spec = load_level(level, run.level_overrides())
        except LevelError as exc:
            raise SweepError(f"configuration {run.config}: " + "; ".join(str(p) for p in exc.problems)) from None
        metrics = metrics or summary_paths(spec)
    return metrics


def sweep(job: Job, todo_all: list[Run], out: Path, workers: int = 1, cluster: str | object | None = None,
          progress: bool = True) -> list[dict]:
    """Run what is not yet done, checkpointing each row; write OUT; return every row, sorted by run key."""
    checkpoint = out.with_name(out.name + ".partial.jsonl")
    wanted = {r.key for r in todo_all}
    done = {row["key"]: row for row in [*_read_results(out), *read_checkpoint(checkpoint)] if row["key"] in wanted}
    todo = [r for r in todo_all if r.key not in done]
    show = progress and sys.stderr.isatty()
    if done:
        print(f"resuming: {len(done)} of {len(todo_all)} runs already done", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    with checkpoint.open("a", encoding="utf-8") as handle:
        try:
            for row in execute(job, todo, workers, cluster):
                done[row["key"]] = row
                handle.write(json.dumps(row, separators=(",", ":")) + "\n")
                handle.flush()
                if show:
                    progress_bar(len(done), len(todo_all), lambda text: print(text, end="", file=sys.stderr))
        except RunFailed as exc:
            raise SweepError(f"{exc} ({len(done)} finished runs kept: rerun to resume)") from None
        except RunnerSetupError as exc:
            raise SweepError(str(exc)) from None
    if show:
        print(file=sys.stderr)
    rows = sorted(done.values(), key=lambda r: r["key"])
    _write_results(out, rows)
    checkpoint.unlink()
    order = {r.key: i for i, r in enumerate(todo_all)}
    return sorted(rows, key=lambda r: order[r["key"]])


def _read_results(out: Path) -> list[dict]:
    if not out.exists():
        return []
    import pyarrow.parquet as pq

    return pq.read_table(out).to_pylist()


def _write_results(out: Path, rows: list[dict]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise SweepError("--out as Parquet needs pyarrow: pip install 'factory_game[sweep]'") from None
    pq.write_table(pa.Table.from_pylist(rows), out)
