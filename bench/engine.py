"""Engine benchmark: River's engine against a textbook SimPy M/M/c over the same simulated horizon, plus the 8-hour
level at 1,000 customers per hour. Prints one table of CPU-time minima and ratios to SimPy measured in the same
process; when the compiled core is built (python -m factory_game.build_core), a column for the pure-Python core
(RIVER_PURE=1) and one for the compiled core, each measured in a fresh process in the same run. Asserts nothing
(machines are noisy: compare side by side, here, in one run).

    python3 bench/engine.py [--hours 300] [--repeat 3] [--scaling] [--compare-with OTHER_CHECKOUT]

`--compare-with` adds the engine rows of another checkout (say, the commit before a change, from `git worktree add`),
each run of either tree in its own fresh process, the two trees taking turns, so both meet the same machine load.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import itertools
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from factory_game.level import load_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR
from factory_game.sim.entities import Customer, Task
from factory_game.sim.events import EventLog
from factory_game.sim.world import World

REFERENCE = Path(__file__).resolve().parents[1] / "levels" / "reference" / "mmc.toml"
SLOTS, MEAN_MS, PER_HOUR = 20, 300_000.0, 216.0


def simpy_mmc(horizon_ms: int, seed: int) -> int:
    """The textbook SimPy process model of the same queue; returns tasks served."""
    import simpy

    env = simpy.Environment()
    server = simpy.Resource(env, capacity=SLOTS)
    arrivals, service = random.Random(seed), random.Random(seed + 1)
    served = [0]
    waits = []

    def task(env):
        arrived = env.now
        with server.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(service.expovariate(1 / MEAN_MS))
            served[0] += 1

    def source(env):
        while True:
            yield env.timeout(arrivals.expovariate(PER_HOUR / HOUR))
            env.process(task(env))

    env.process(source(env))
    env.run(until=horizon_ms)
    return served[0]


def floor_mmc(horizon_ms: int, seed: int) -> int:
    """A floor, not a rival: the same queue with a calendar shaped like the engine's (a heap of (time, seq, callback,
    arg)), the same draws and a Customer and a Task per arrival, and nothing else (no admission, money, metrics,
    integrals or ticks).
    What any pure-Python engine of this shape pays before doing the engine's work; returns tasks served."""
    heap: list = []
    seq = 0
    clock = [0]
    arrivals, service = random.Random(seed), random.Random(seed + 1)
    idle, queue, served = list(range(1, SLOTS + 1)), [], [0]
    ids = itertools.count(1)

    def at(time_ms, callback, arg=None):
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (time_ms, seq, callback, arg))

    def start(task, slot):
        at(clock[0] + max(1, round(service.expovariate(1 / MEAN_MS))), end, slot)

    def arrive(_arg):
        now = clock[0]
        at(max(now, int(now + arrivals.expovariate(PER_HOUR / HOUR))), arrive)
        customer = Customer(next(ids), "L1", 1000, False, 10_000, 0, now)
        task = Task(customer.id, customer.id, "image", "sd15", now)
        customer.tasks = [task]
        heapq.heappush(queue, ((1, now), customer.id, task))
        if idle:
            start(heapq.heappop(queue)[2], heapq.heappop(idle))

    def end(slot):
        served[0] += 1
        heapq.heappush(idle, slot)
        if queue:
            start(heapq.heappop(queue)[2], heapq.heappop(idle))

    at(0, arrive)
    while heap and heap[0][0] <= horizon_ms:
        time_ms, _seq, callback, arg = heapq.heappop(heap)
        clock[0] = time_ms
        callback(arg)
    return served[0]


def engine_mmc(horizon_ms: int, seed: int, mode: str) -> tuple[int, int]:
    """River's engine on the reference level. Modes: `bare` (metrics only), `ledger` (plus every ledger entry),
    `hashed` (plus every event built, serialised and hashed, as `factory-game run` does). Returns (served, events)."""
    spec = load_level(REFERENCE, [f'level.duration="{horizon_ms // HOUR}h"'])
    world = World(spec, seed=seed, ledger_window=0 if mode == "bare" else None)
    log = EventLog()
    if mode == "hashed":
        world.subscribe(log)
    summary = world.run()
    return summary["overall"]["completed"], log.count


PASS_THROUGH_MOD = """
from factory_game.api import builtin_price, builtin_priority_key, hookimpl

@hookimpl
def river_price(world, customer, task):
    return builtin_price(world, customer, task)

@hookimpl
def river_priority_key(world, customer, task):
    return builtin_priority_key(world, customer, task)
"""


def mod_rules(horizon_ms: int, seed: int, how: str) -> tuple[int, int]:
    """The reference level, bare, with its price and priority rules asked `how`: `plain wrapper` (a Python function
    in between, the least any mod rule costs), `mod` (a pass-through mod through the session's `ask`: guard,
    read-only views, answer checks), else the built-in rules called directly. Returns (served, rule calls)."""
    import dataclasses
    import tempfile

    from factory_game.plugins import open_mods
    from factory_game.sim.rules import Rules

    spec = load_level(REFERENCE, [f'level.duration="{horizon_ms // HOUR}h"'])
    calls = [0]
    if how == "mod":
        with tempfile.TemporaryDirectory() as folder:
            mod = Path(folder) / "pass-through"
            mod.mkdir()
            (mod / "mod.toml").write_text('id = "pass-through"\nversion = "1.0.0"\napi = [1]\nauthor = "bench"\n'
                                          'name = { en = "P", zh-CN = "P" }\ndescription = { en = "P", zh-CN = "P" }\n')
            (mod / "mod.py").write_text(PASS_THROUGH_MOD)
            session = open_mods([("pass-through", "")], mod_dirs=[Path(folder)])
        rules = session.rules()
    elif how == "plain wrapper":
        base = Rules()

        def wrap(rule):
            def wrapped(world, customer, task):
                calls[0] += 1
                return rule(world, customer, task)
            return wrapped
        rules = dataclasses.replace(base, price=wrap(base.price), priority_key=wrap(base.priority_key))
    else:
        rules = Rules()
    world = World(spec, seed=seed, rules=rules, ledger_window=0)
    summary = world.run()
    return summary["overall"]["completed"], calls[0]


def timed(fn, *args):
    """(wall seconds, CPU seconds of this process, result): CPU time leaves out the waits for a shared core."""
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def best_of(repeat, fn, *args):
    """The least wall time and the least CPU time over `repeat` runs, and the result (the same every run)."""
    runs = [timed(fn, *args) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


ROWS = [
    ("simpy (textbook process model)", simpy_mmc, ()),
    ("floor (calendar, draws, objects only)", floor_mmc, ()),
    ("engine, bare", engine_mmc, ("bare",)),
    ("engine, ledger", engine_mmc, ("ledger",)),
    ("engine, hashed", engine_mmc, ("hashed",)),
    ("engine, bare, rules via a plain wrapper", mod_rules, ("plain wrapper",)),
    ("engine, bare, a mod's pass-through rules", mod_rules, ("mod",)),
]


def measure(hours: int, repeat: int) -> list[dict]:
    """Every row of the table in this process: served, the least wall and CPU time."""
    out = []
    for label, fn, extra in ROWS:
        wall, cpu, result = best_of(repeat, fn, hours * HOUR, 1, *extra)
        out.append({"label": label, "served": result[0] if isinstance(result, tuple) else result,
                    "wall": wall, "cpu": cpu})
    return out


def measure_in(pure: bool, hours: int, repeat: int, what: str = "--json") -> list[dict]:
    """`measure` (or `scaling`, with `--scaling-json`) in a fresh process on the pure (RIVER_PURE=1) or the compiled
    core."""
    env = {**os.environ, "RIVER_PURE": "1" if pure else "0"}
    out = subprocess.run([sys.executable, __file__, "--hours", str(hours), "--repeat", str(repeat), what],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


_ONE_RUN = """
import json, sys, time
sys.path[:0] = ['.', 'bench']
import engine
start, start_cpu = time.perf_counter(), time.process_time()
served, _events = engine.engine_mmc(int(sys.argv[1]), 1, sys.argv[2])
print(json.dumps([served, time.perf_counter() - start, time.process_time() - start_cpu]))
"""


def compare(other: Path, hours: int, repeat: int, simpy: tuple[float, float]) -> None:
    """The engine rows of this checkout and of `other`, each run in a fresh process, the trees taking turns."""
    trees = {"this": Path(__file__).resolve().parents[1], "other": other.resolve()}
    print(f"\n  engine rows, this checkout against {trees['other']}, each run in its own process, in turns "
          f"(the ratios against the simpy row above)")
    for mode in ("bare", "hashed"):
        runs: dict[str, list] = {name: [] for name in trees}
        for _ in range(repeat):
            for name, tree in trees.items():
                out = subprocess.run([sys.executable, "-c", _ONE_RUN, str(hours * HOUR), mode], cwd=tree,
                                     capture_output=True, text=True, check=True)
                runs[name].append(json.loads(out.stdout))
        for name in trees:
            served = runs[name][0][0]
            wall, cpu = min(r[1] for r in runs[name]), min(r[2] for r in runs[name])
            print(f"  {f'{name}: river engine, {mode}':40} {served:>8} served  {wall:6.2f} s  {served / wall:>9,.0f} "
                  f"x{served / wall / simpy[0]:.2f}   {cpu:6.2f} s  {served / cpu:>9,.0f} "
                  f"x{served / cpu / simpy[1]:.2f} simpy")


SCALING = [  # (what grows, overrides): load 0.9 unless the slots alone grow
    ("horizon 25 h", ['level.duration="25h"']),
    ("horizon 50 h", ['level.duration="50h"']),
    ("horizon 100 h", ['level.duration="100h"']),
    ("1,080 customers/h, 100 slots, 20 h", ['level.duration="20h"', "arrivals.rate=1080", "models.sd15.slots=100"]),
    ("4,320 customers/h, 400 slots, 5 h", ['level.duration="5h"', "arrivals.rate=4320", "models.sd15.slots=400"]),
    ("100 slots (load 0.18), 100 h", ['level.duration="100h"', "models.sd15.slots=100"]),
    ("400 slots (load 0.045), 100 h", ['level.duration="100h"', "models.sd15.slots=400"]),
]


def run_spec(spec, mode: str) -> int:
    """A level run bare (metrics only) or hashed (every ledger entry and event, as `run` does); tasks served."""
    world = World(spec, seed=1, ledger_window=0 if mode == "bare" else None)
    if mode == "hashed":
        world.subscribe(EventLog())
    return world.run()["overall"]["completed"]


def scaling(repeat: int) -> list[dict]:
    """CPU µs per task served, bare and hashed, as the horizon, the customers and the slots grow (this process's
    core)."""
    out = []
    for label, overrides in SCALING:
        spec = load_level(REFERENCE, overrides)
        row: dict = {"label": label}
        for mode in ("bare", "hashed"):
            _wall, cpu, served = best_of(repeat, run_spec, spec, mode)
            row["served"], row[mode] = served, cpu / served * 1e6
        out.append(row)
    return out


def scaling_table(columns: dict[str, list[dict]]) -> None:
    names = list(columns)
    print("\nHow cost grows: CPU µs per task served (least of the runs)")
    print(f"  {'':40} {'served':>8} " + " ".join(f"{name + ' bare':>14} {name + ' hashed':>16}" for name in names))
    for i, row in enumerate(columns[names[0]]):
        print(f"  {row['label']:40} {row['served']:>8} "
              + " ".join(f"{columns[n][i]['bare']:14.2f} {columns[n][i]['hashed']:16.2f}" for n in names))


def table(columns: dict[str, list[dict]]) -> None:
    """One line a row: per core, CPU seconds (the least) and tasks/s as a multiple of SimPy's in the same process;
    the mod rows also against the bare engine."""
    names = list(columns)
    print(f"  {'':44} {'served':>7} " + " ".join(f"{name + ' cpu':>13} {'× simpy':>8} {'× bare':>7}"
                                                   for name in names))
    for i, (label, _fn, _extra) in enumerate(ROWS):
        cells = []
        for name in names:
            rows = columns[name]
            simpy, bare, row = rows[0], rows[2], rows[i]
            versus = (row["served"] / row["cpu"]) / (simpy["served"] / simpy["cpu"])
            to_bare = f"{row['cpu'] / bare['cpu']:7.2f}" if "rule" in label else f"{'':7}"
            cells.append(f"{row['cpu']:11.3f} s {versus:7.2f}× {to_bare}")
        print(f"  {label:44} {columns[names[0]][i]['served']:>7} " + " ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, default=300, help="simulated horizon of the M/M/c comparison")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--compare-with", type=Path, help="another checkout whose engine rows to run in turn")
    parser.add_argument("--json", action="store_true", help="print this process's rows as JSON (used by the table)")
    parser.add_argument("--scaling", action="store_true", help="also how cost grows with horizon, customers, slots")
    parser.add_argument("--scaling-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json or args.scaling_json:
        print(json.dumps(measure(args.hours, args.repeat) if args.json else scaling(args.repeat)))
        return

    from factory_game.sim.core import is_compiled, pure_reason

    print(f"M/M/{SLOTS}, load 0.9, {args.hours} simulated hours, least CPU time of {args.repeat}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if is_compiled():
        columns = {"pure": measure_in(True, args.hours, args.repeat),
                   "compiled": measure_in(False, args.hours, args.repeat)}
    else:
        print(f"  (no compiled core: {pure_reason() or 'not built; python -m factory_game.build_core'})")
        columns = {"pure": measure(args.hours, args.repeat)}
    table(columns)
    if args.scaling:
        cores = [True, False] if is_compiled() else [True]
        scaling_table({"pure" if pure else "compiled": measure_in(pure, args.hours, args.repeat, "--scaling-json")
                       for pure in cores})

    if args.compare_with:
        simpy = columns["pure"][0]
        compare(args.compare_with, args.hours, args.repeat,
                (simpy["served"] / simpy["wall"], simpy["served"] / simpy["cpu"]))

    print("\n8-hour level at 1,000 customers/hour (93 slots, load 0.9), as `factory-game run` runs it (events hashed), "
          + ("compiled" if is_compiled() else "pure"))
    spec = load_level(REFERENCE, ["arrivals.rate=1000", "models.sd15.slots=93"])
    seconds, cpu, result = best_of(args.repeat, run_level, spec)
    print(f"  wall {seconds:.3f} s  cpu {cpu:.3f} s  {result.event_count:,} events  "
          f"{result.event_count / cpu:,.0f} events/s (cpu)  {result.summary['overall']['completed']:,} tasks served")
    tracemalloc.start()
    run_level(spec)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak traced memory {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
