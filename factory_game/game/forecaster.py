"""The goals strip's projection, made away from the frame: a copy of the world run to the end of the level a few
times (`level/projection.py`) on a worker thread, again every few simulated minutes and after each decision.

The copy is taken on the game's thread (the world moves on while the worker runs); the worker runs the futures and
hands back each goal's median and range. A level whose futures take long is projected less often, so the worker
never takes more than a quarter of the game's time. Until a first projection is in (and for a world that cannot be
copied), the strip keeps projecting from what it has seen (`panels/outlook.py`).
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from factory_game.level.projection import Projection, copy_world, future_ends, project_goals
from factory_game.sim import queries
from factory_game.sim.clock import MINUTE
from factory_game.sim.world import World

EVERY_MS = 5 * MINUTE  # a new projection at most this often (simulated time), and after each command
BUSY_SHARE = 0.25  # at most this share of real time spent projecting: a heavy level projects less often
STALE_MS = 30 * MINUTE  # a projection made longer ago than this (simulated) is not shown: the strip goes by pace


class Forecaster:
    def __init__(self) -> None:
        self._worker: ThreadPoolExecutor | None = None
        self._job: Future | None = None
        self._asked_at: int | None = None  # the world time of the projection being made or last made
        self._commands = 0  # the commands the world had then: a decision asks for a new one at once
        self.latest: dict[str, Projection] = {}
        self.made_at: int | None = None
        self.broken: str | None = None  # why the world could not be copied (the strip then projects by pace)
        self._cost_s = 0.0  # real seconds the last projection took, and when it came in
        self._done_at = 0.0

    def poll(self, world: World, end_ms: int | None) -> dict[str, Projection]:
        """The latest projection by metric (empty until one is in, or when it is stale); starts a new one when one
        is due."""
        self._take_finished()
        if not (end_ms is None or world.now >= end_ms or self.broken or self._job is not None):
            self._start_if_due(world, end_ms)
        fresh = self.made_at is not None and 0 <= world.now - self.made_at <= STALE_MS  # (not one of a later moment)
        return self.latest if fresh else {}

    def _take_finished(self) -> None:
        job = self._job
        if job is not None and job.done():
            self._job = None
            try:
                (self.latest, self._cost_s), self.made_at = job.result(), self._asked_at
            except Exception as exc:  # a mod that cannot run twice, say: the pace projection stays
                self.broken = f"{type(exc).__name__}: {exc}"
            self._done_at = time.perf_counter()

    def _start_if_due(self, world: World, end_ms: int) -> None:
        rested = time.perf_counter() - self._done_at >= self._cost_s * (1 / BUSY_SHARE - 1)
        due = rested and (self._asked_at is None or world.now - self._asked_at >= EVERY_MS
                          or queries.commands_given(world) != self._commands)
        if due:
            try:
                copied = copy_world(world)
            except Exception as exc:  # not every mod's state can be copied
                self.broken = f"{type(exc).__name__}: {exc}"
                return
            self._asked_at, self._commands = world.now, queries.commands_given(world)
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="projection")
            self._job = self._worker.submit(self._project, world.spec, copied, end_ms)

    @staticmethod
    def _project(spec, copied: World, end_ms: int) -> tuple[dict[str, Projection], float]:
        """On the worker: the futures of the copy, and the real seconds they took (the game's pacing, not the
        simulation's: the futures themselves never read a clock)."""
        started = time.perf_counter()
        projection = project_goals(spec, future_ends(copied, end_ms, copied=copied))
        return projection, time.perf_counter() - started

    def wait(self) -> None:
        """Block until the projection being made is in."""
        if self._job is not None:
            self._job.result()

    def settle(self, world: World, end_ms: int | None) -> dict[str, Projection]:
        """The projection of this very moment, waited for (screenshots and tests: a picture must not depend on how
        fast the worker was); the pacing is skipped."""
        for _ in range(3):
            self.wait()
            self._done_at = 0.0
            self.poll(world, end_ms)
            if self.made_at == world.now or end_ms is None or self.broken:
                break
        return self.latest

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            self._worker = None
