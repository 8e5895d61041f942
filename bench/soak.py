"""Soak test: run a level for many simulated hours at top speed and watch memory, to catch what accumulates.

    python3 bench/soak.py [LEVEL] [--hours 24] [--seed N] [--no-ledger-entries | --render] [--top 8]
    python3 bench/soak.py --peak [--requests 1000000]

`--peak` measures what a player's headless runs cost at their peak, each in its own process through the command line
(`factory-game run`): the sandbox's full 30 simulated days, and the replay of a request log of `--requests` rows
(written by `trace synth` over ten days, made a level by `trace import`, run with 500 slots). Target: each at
most 150 MB of peak RSS; exit 1 if not.

The default level is the sandbox, the heaviest bundled level (the most customers per simulated hour, four models,
returning customers, and no end). An event log subscriber hashes every event, as the game's scene would consume
them. Every simulated hour the script collects garbage and records the process RSS and the bytes tracemalloc
traces. Two growths are printed: from the end of the first hour, and over the second half of the run. The world's
history is bounded by design (metric histograms, a time series thinned past 720 points, the game's ledger window),
so the first half includes those filling up to their bounds; a leak keeps growing after that. Target: under 5 % RSS
growth over the second half. The exit code is 1 when the target is missed.

With `--render` the world is the one of the game's play view, headless: after every simulated minute the view
looks at the world (scene, alerts, HUD) and draws a frame, with its own clock paused so that only the soak moves
time. The scene animates each frame as play at 16× would over that simulated minute (0.19 s of real time at 320
simulated seconds per second), so people walk in, queue and walk out in the same simulated time as in play; at
the paused clock's 1× pace a leaver would take hours of simulated time to reach the edge and the crowd on screen
would pile up far beyond what play ever holds. `soak(..., render=callback)` is the general hook: `callback(world)`
after every `frame_ms` of simulated time.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from factory_game.plugins import prepare_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import SetAutopilot
from factory_game.sim.events import EventLog
from factory_game.sim.world import World

DEFAULT_LEVEL = Path(__file__).resolve().parent.parent / "levels" / "sandbox.toml"
TARGET_GROWTH = 0.05
PEAK_TARGET_MB = 150


def peak_rss_mb(argv: list[str]) -> tuple[float, float, int]:
    """Run `factory-game ARGV` in a child process: (peak RSS in MB, wall seconds, exit code)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "factory_game", *argv], stdout=subprocess.DEVNULL,
                             env={**os.environ, "ARCADE_HEADLESS": "1"})
    _pid, status, usage = os.wait4(child.pid, 0)
    peak_kb = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KB on Linux
    return peak_kb / 1024, time.perf_counter() - started, os.waitstatus_to_exitcode(status)


def peak(requests: int) -> int:
    """The sandbox for 30 simulated days, and a replay of `requests` logged requests: peak RSS of each run."""
    hours = 240  # whole days (the diurnal curve averages to the mean rate), at a rate that 500 slots can serve: at
    # 1M requests a day the queue would grow to 400,000 waiting customers, each a live object, whatever the engine
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        log, level = f"{folder}/log.csv", f"{folder}/replay.toml"
        rows.append(("sandbox, 30 simulated days", *peak_rss_mb(["run", str(DEFAULT_LEVEL), "--until", "30d"])))
        rows.append((f"trace synth, {requests:,} rows", *peak_rss_mb(
            ["trace", "synth", "--out", log, "--per-hour", str(requests / hours), "--hours", str(hours)])))
        rows.append(("trace import (replay)", *peak_rss_mb(["trace", "import", log, "--out", level])))
        with open(log, "rb") as handle:
            logged = sum(1 for _line in handle) - 1  # the header
        rows.append((f"replay of {logged:,} requests", *peak_rss_mb(
            ["run", level, "--set", "models.llm.slots=500"])))
    print(f"{'run':36} {'peak RSS MB':>12} {'wall s':>8} {'exit':>5}")
    for name, mb, wall, code in rows:
        print(f"{name:36} {mb:>12.1f} {wall:>8.1f} {code:>5}")
    runs = (rows[0], rows[3])
    met = all(mb <= PEAK_TARGET_MB and code == 0 for _name, mb, _wall, code in runs)
    print(f"target (each run at most {PEAK_TARGET_MB} MB) {'met' if met else 'missed'}")
    return 0 if met else 1


@dataclass(frozen=True)
class Sample:
    hour: int
    wall_s: float
    events: int
    customers_present: int
    rss_bytes: int
    traced_bytes: int


def rss_bytes() -> int:
    """Resident set size now (Linux /proc); elsewhere the peak, which still shows growth."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def soak(world: World, hours: int, render: Callable[[World], None] | None = None, frame_ms: int = MINUTE,
         on_sample: Callable[[Sample], None] | None = None) -> list[Sample]:
    """Advance `world` hour by hour (frame by frame when rendering) and sample memory after each hour."""
    log = EventLog()
    world.subscribe(log)
    samples = []
    start = time.perf_counter()
    for hour in range(1, hours + 1):
        end = hour * HOUR
        if render is None:
            world.advance(end)
        else:
            while world.now < end:
                world.advance(min(end, world.now + frame_ms))
                render(world)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
        sample = Sample(hour, time.perf_counter() - start, log.count, len(world.customers), rss_bytes(), traced)
        samples.append(sample)
        if on_sample is not None:
            on_sample(sample)
    return samples


def headless_play_view(level, seed, frame_ms: int = MINUTE) -> tuple[World, Callable[[World], None]]:
    """The game's play view in a headless window, its clock paused and the auto-manager on; and a callback that
    lets it look at the world and draw one frame, animated as play at top speed would over `frame_ms`."""
    from factory_game.game import platform

    platform.setup(headless=True)
    from factory_game.game.app import make_game
    from factory_game.game.clock import BASE_RATE, SPEEDS
    from factory_game.game.play import PlayView

    sim_speed = BASE_RATE * SPEEDS[-1]  # simulated seconds per real second at 16×
    frame_s = frame_ms / 1000 / sim_speed  # the real time play at 16× takes over one frame of the soak

    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, level, seed=seed)
    game.window.show_view(view)
    view.toggle_pause()  # the soak moves simulated time, not the view's clock
    view.world.apply(SetAutopilot(True))

    def render(_world: World) -> None:
        view.step(frame_s, sim_speed=sim_speed)
        view.on_draw()
        game.window.ctx.finish()

    return view.world, render


def growth(samples: list[Sample], field: str, start: int = 0) -> float:
    """Relative growth of a memory field from sample `start` to the last."""
    first, last = getattr(samples[start], field), getattr(samples[-1], field)
    return (last - first) / first if first else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("level", nargs="?", default=str(DEFAULT_LEVEL))
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--no-ledger-entries", action="store_true",
                        help="keep only the ledger's totals, not every movement (what an endless game could do)")
    parser.add_argument("--top", type=int, default=8, help="show the N allocation sites that grew most")
    parser.add_argument("--render", action="store_true", help="draw the game's play view (headless) every minute")
    parser.add_argument("--peak", action="store_true",
                        help="peak RSS of the sandbox's 30 days and of a long replay, each run by the command line")
    parser.add_argument("--requests", type=int, default=1_000_000, help="rows of the replayed log (with --peak)")
    args = parser.parse_args(argv)
    if args.peak:
        return peak(args.requests)

    level = prepare_level(args.level, lenient=args.render)
    spec = level.spec
    if args.render:
        if args.no_ledger_entries:
            parser.error("--render plays the game's own world, which keeps its ledger entries")
        world, render = headless_play_view(level, args.seed)
    else:
        world = level.start(args.seed, 0 if args.no_ledger_entries else None)
        render = None
    was_tracing = tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        print(f"soak: {spec.id}, seed {world.seed}, {args.hours} simulated hours, "
              f"ledger entries {'off' if args.no_ledger_entries else 'kept'}, "
              f"{'rendering' if render else 'no rendering'}")
        print(f"{'hour':>4} {'wall s':>7} {'events':>9} {'present':>8} {'RSS MB':>8} {'traced MB':>10}")

        def show(s: Sample) -> None:
            print(f"{s.hour:>4} {s.wall_s:>7.1f} {s.events:>9} {s.customers_present:>8} {s.rss_bytes / 1e6:>8.1f} "
                  f"{s.traced_bytes / 1e6:>10.2f}", flush=True)

        first = None

        def remember(s: Sample) -> None:
            nonlocal first
            show(s)
            if s.hour == 1:
                first = tracemalloc.take_snapshot()

        samples = soak(world, args.hours, render=render, on_sample=remember)
        print(f"growth from hour 1 to hour {samples[-1].hour}: RSS {100 * growth(samples, 'rss_bytes'):+.1f} %, "
              f"traced {100 * growth(samples, 'traced_bytes'):+.1f} %")
        half = len(samples) // 2
        rss, traced = growth(samples, "rss_bytes", half), growth(samples, "traced_bytes", half)
        print(f"growth over the second half, hour {samples[half].hour} to {samples[-1].hour}: RSS {100 * rss:+.1f} %, "
              f"traced {100 * traced:+.1f} % (target: RSS under {100 * TARGET_GROWTH:.0f} %)")
        if args.top and first is not None and len(samples) > 1:
            print("allocation sites that grew most:")
            for stat in tracemalloc.take_snapshot().compare_to(first, "lineno")[:args.top]:
                print(f"  {stat}")
    finally:  # tracing makes every allocation about 10x dearer: a test calling main() must not leave it on
        if not was_tracing:
            tracemalloc.stop()
    met = rss < TARGET_GROWTH
    print("target met" if met else "target missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
