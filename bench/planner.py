"""Planner benchmark, side by side in one run: the engine against SimPy (from bench/engine.py), sweep throughput
with 1 and 2 worker processes and a 2-worker Dask LocalCluster (parallel efficiency), a synthetic log at
50,000 requests/hour replayed (generation, import, run: wall time and peak memory), the slot answer of the bursty
fit and the hourly fit against the replay's on the bundled Azure hour, and what isolating mod runs costs. Prints
figures; asserts nothing.

    python3 bench/planner.py [--replay-hours 6] [--sweep-runs 8] [--only fit --only isolation]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]  # this checkout

from engine import best_of, engine_mmc, simpy_mmc  # noqa: E402

from factory_game.sim.clock import HOUR  # noqa: E402
from factory_game.sweep.cli import sweep  # noqa: E402
from factory_game.sweep.execute import Job  # noqa: E402
from factory_game.sweep.grid import parse_axis, runs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

REPLAY = """
import sys, time
from factory_game.level import load_level
from factory_game.sim.events import EventLog
from factory_game.sim.world import World
spec = load_level(sys.argv[1])
start = time.perf_counter()
world = World(spec, ledger_window=0)  # totals-only ledger: every entry of a week would be kept otherwise
log = EventLog()
world.subscribe(log)
summary = world.run()
wall = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and exec
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(f"{wall:.2f} {peak:.1f} {summary['overall']['customers']} {summary['overall']['completed']} {log.count}")
"""


def engine_vs_simpy(hours: int) -> None:
    print(f"engine on the M/M/20 reference, {hours} simulated hours, best of 3")
    simpy_s, simpy_served = best_of(3, simpy_mmc, hours * HOUR, 1)
    simpy_rate = simpy_served / simpy_s
    print(f"  {'simpy':28} {simpy_rate:>9,.0f} tasks/s")
    for mode in ("bare", "hashed"):
        seconds, (served, _events) = best_of(3, engine_mmc, hours * HOUR, 1, mode)
        print(f"  {'river engine, ' + mode:28} {served / seconds:>9,.0f} tasks/s  x{served / seconds / simpy_rate:.2f}")


def sweep_throughput(count: int, work: Path) -> None:
    from distributed import Client, LocalCluster

    level = work / "sweep-level.toml"
    text = (ROOT / "levels" / "reference" / "mmc.toml").read_text(encoding="utf-8")
    level.write_text(text.replace('duration = "8h"', 'duration = "24h"'), encoding="utf-8")
    todo = runs([parse_axis("models.sd15.slots=19:21:1")], list(range(1, count // 3 + 1)))
    job = Job.of(level, 0, 0)
    print(f"\nsweep: {len(todo)} runs of the M/M/20 reference for 24 simulated hours (events hashed)")
    rates = {}
    for name, kwargs in (("1 worker", {"workers": 1}), ("2 worker processes", {"workers": 2})):
        start = time.perf_counter()
        rows = sweep(job, todo, work / f"{name[0]}.parquet", progress=False, **kwargs)
        rates[name] = len(rows) / (time.perf_counter() - start)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("factory_game.runner"))  # workers import the engine before the clock starts
        start = time.perf_counter()
        rows = sweep(job, todo, work / "dask.parquet", cluster=client, progress=False)
        rates["Dask LocalCluster, 2 workers"] = len(rows) / (time.perf_counter() - start)
    base = rates["1 worker"]
    for name, rate in rates.items():
        workers = 1 if name == "1 worker" else 2
        print(f"  {name:30} {rate:6.2f} runs/s  speed-up x{rate / base:.2f}  efficiency {rate / base / workers:.0%}")


def replay(hours: float, work: Path) -> None:
    log, level = work / "synthetic.csv", work / "synthetic.toml"
    print(f"\nsynthetic log at 50,000 requests/hour (mean), {hours:g} h, replayed")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "factory_game", "trace", "synth", "--out", str(log), "--per-hour", "50000",
                    "--hours", str(hours)], check=True, capture_output=True, cwd=ROOT)
    made = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "factory_game", "trace", "import", str(log), "--out", str(level),
                    "--column", "tier=tier", "--column", "priority=priority", "--column", "prompt_tokens=prompt_tokens",
                    "--column", "output_tokens=output_tokens", "--throughput", "llm=2000:25", "--slots", "220",
                    "--max-extra", "0", "--sla", "30s"], check=True, capture_output=True, cwd=ROOT)
    imported = time.perf_counter() - start
    out = subprocess.run([sys.executable, "-c", REPLAY, str(level)], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    wall, peak, customers, completed, events = out.stdout.split()
    size = log.stat().st_size / 2**20
    print(f"  generate {made:.1f} s, import (one streamed pass) {imported:.1f} s, log {size:.0f} MiB")
    print(f"  run: {int(customers):,} requests, {int(completed):,} served, {int(events):,} events hashed, "
          f"wall {float(wall):.1f} s ({int(customers) / float(wall):,.0f} requests/s), peak RSS {float(peak):.0f} MiB")


def smallest_slots(level: Path, seeds: int, low: int, high: int, target: float = 0.95) -> int:
    """The fewest llm slots whose mean on-time share over seeds 1..N meets the target (bisection)."""
    from factory_game.level import load_level
    from factory_game.runner import run_level

    while low < high:
        middle = (low + high) // 2
        spec = load_level(level, [f"models.llm.slots={middle}"])
        shares = [run_level(spec, seed=s).summary["overall"]["sla_share"] for s in range(1, seeds + 1)]
        if sum(shares) / seeds >= target:
            high = middle
        else:
            low = middle + 1
    return low


def fit_against_replay(work: Path) -> None:
    """The slot answer (mean on-time share >= 95 %) of the replay, the bursty fit and the hourly Poisson fit of the
    bundled Azure hour (within 30 s) and of a synthetic log of batches (`trace synth --batch 12:2`, within 60 s): the
    fit should land within 10 % of the replay."""
    synthetic = work / "batches.csv"
    subprocess.run([sys.executable, "-m", "factory_game", "trace", "synth", "--out", str(synthetic), "--per-hour",
                    "4000", "--hours", "1", "--seed", "2", "--batch", "12:2", "--start", "2026-01-05T12:00:00"],
                   check=True, capture_output=True, cwd=ROOT)
    for log, sla, low, high in ((ROOT / "levels" / "real" / "azure-llm-conv-2023.csv", "30s", 30, 90),
                                (synthetic, "60s", 5, 45)):
        print(f"\nfit against replay: fewest slots for a mean >= 95 % within {sla}, {log.name} (fits: 10 seeds)")
        answers = {}
        for name, extra in (("replay", ["--mode", "replay"]), ("bursty fit", ["--mode", "fit"]),
                            ("hourly Poisson fit", ["--mode", "fit", "--burst-window", "0"])):
            level = work / f"{log.stem}-{name.replace(' ', '-')}.toml"
            subprocess.run([sys.executable, "-m", "factory_game", "trace", "import", str(log), "--out", str(level),
                            "--throughput", "llm=2000:25", "--sla", sla, *extra], check=True, capture_output=True,
                           cwd=ROOT)
            start = time.perf_counter()
            answers[name] = smallest_slots(level, 1 if name == "replay" else 10, low, high)
            print(f"  {name:20} {answers[name]:3d} slots  ({answers[name] / answers['replay'] - 1:+.0%} against the "
                  f"replay; {time.perf_counter() - start:.0f} s)")


def isolation_cost(work: Path, repeats: int = 3) -> None:
    """What isolating mod runs costs: the mods' modules imported afresh for each run (what a sweep does) against
    no isolation and against a process per run."""
    import multiprocessing

    from factory_game.paths import MODS_ENV
    from factory_game.sweep import execute

    fixtures = ROOT / "tests" / "planner" / "fixtures"
    shutil.copytree(fixtures / "mods", work / "mods", dirs_exist_ok=True)
    os.environ[MODS_ENV] = str(work / "mods")
    job = Job.of(fixtures / "sticky.toml")
    todo = runs([parse_axis("models.sd15.slots=5:14:1")], [1, 2])
    execute.run_one(job, todo[0])
    print(f"\nisolating mod runs: {len(todo)} runs of tests/planner/fixtures/sticky.toml, best of {repeats}")
    real = execute.forget_mod_modules

    def in_process() -> None:
        for run in todo:
            execute.run_one(job, run)

    def process_per_run() -> None:
        with multiprocessing.get_context("fork").Pool(1, maxtasksperchild=1) as pool:
            list(pool.imap_unordered(_run_packed, [(job, run) for run in todo]))

    def none() -> None:
        execute.forget_mod_modules = lambda also=(): None  # type: ignore[assignment]
        try:
            in_process()
        finally:
            execute.forget_mod_modules = real

    for name, how in (("no isolation", none), ("fresh mod modules (sweep)", in_process),
                      ("a process per run (fork)", process_per_run)):
        best = min(_timed(how) for _ in range(repeats))
        print(f"  {name:28} {best / len(todo) * 1000:6.1f} ms a run")


def _run_packed(item: tuple) -> dict:
    from factory_game.sweep.execute import run_one

    return run_one(*item)


def _timed(how) -> float:
    start = time.perf_counter()
    how()
    return time.perf_counter() - start


SECTIONS = ("engine", "sweep", "replay", "fit", "isolation")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine-hours", type=int, default=300)
    parser.add_argument("--sweep-runs", type=int, default=12)
    parser.add_argument("--replay-hours", type=float, default=6.0)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    args = parser.parse_args()
    only = set(args.only or SECTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "engine" in only:
            engine_vs_simpy(args.engine_hours)
        if "sweep" in only:
            sweep_throughput(args.sweep_runs, work)
        if "replay" in only:
            for hours in (args.replay_hours / 2, args.replay_hours):
                replay(hours, work)
        if "fit" in only:
            fit_against_replay(work)
        if "isolation" in only:
            isolation_cost(work)
    print(f"\nthis process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
