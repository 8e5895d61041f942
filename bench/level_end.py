"""The worst frame when a level ends: the play view hands over to the report (its data and its charts), headless.

    python3 bench/level_end.py [--level campaign/04-rush-hour] [--frames 60]

Plays the level to a minute before its end, then times each frame (update + draw + GL finish) while the clock runs
out, the report screen opens and its first chart shows; prints the worst and the median frame, and how many frames
passed before the chart was on screen. The charts are drawn by matplotlib off the frame (a worker thread), so the
worst frame should stay near an ordinary one.
"""

from __future__ import annotations

import argparse
import statistics
import time

from factory_game.game import platform


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="campaign/04-rush-hour")
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    platform.setup(headless=True)
    from factory_game.game.app import make_game
    from factory_game.game.menus import ReportView
    from factory_game.level.bundled import resolve_level

    game = make_game(levels=[], lang="zh-CN", muted=True, headless=True)
    window = game.window
    view = game.start(resolve_level(args.level), speed=16)
    view.world.advance(view.spec.duration_ms - 60_000)
    times, shown_at = [], None
    for i in range(args.frames):
        start = time.perf_counter()
        current = window.current_view
        current.on_update(1 / 60)
        window.current_view.on_draw()
        window.ctx.finish()
        times.append((time.perf_counter() - start) * 1000)
        report = window.current_view
        if shown_at is None and isinstance(report, ReportView) and report.chart_shown():
            shown_at = i
    worst = max(range(len(times)), key=times.__getitem__)
    print(f"level end of {args.level}: worst frame {times[worst]:.0f} ms (frame {worst}), median "
          f"{statistics.median(times):.1f} ms, chart on screen after {shown_at} frames")


if __name__ == "__main__":
    main()
