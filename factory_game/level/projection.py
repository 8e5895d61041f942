"""Where the goals are heading: possible futures of the world from now (issue 16 item 5).

A projection copies the world as it stands and runs the copy to the end of the level a few times, each time down
another random path (`RngStreams.fork`): the levers held as they are, the auto-manager doing what it does, open
incidents taking their defaults, announced events as the level has them, incidents not yet opened unknown (dropped
from the copy: the manager cannot know them), the spot market's noise redrawn. Each goal's range is the lowest and
highest of the futures' end values, its point the median. What it cannot know is the player's next decision: it
says where today's policy leads, which is what a manager weighs a lever against.
"""

from __future__ import annotations

import copy
import statistics
from dataclasses import dataclass

from factory_game.level.goals import evaluate
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World

FUTURES = 6  # futures per projection: a range from six runs, in tens of milliseconds on a campaign level


@dataclass(frozen=True)
class Projection:
    """A goal's end value: the median of the futures and their range."""

    value: float
    low: float
    high: float


def copy_world(world: World) -> World:
    """A deep copy of the world without its listeners (the game's screens and the run's event log stay with the
    original, which gets them back in their order)."""
    listeners = list(world.listeners)
    for listener in listeners:
        world.unsubscribe(listener)
    try:
        return copy.deepcopy(world)
    finally:
        for listener in listeners:
            world.subscribe(listener)


def future_ends(world: World, end_ms: int, futures: int = FUTURES, copied: World | None = None) -> list[dict]:
    """The summaries at `end_ms` of `futures` copies of the world run from now, each down its own path. `copied`
    is a copy already taken (`copy_world`), so the runs can be made away from the world (the game's worker)."""
    base = copied if copied is not None else copy_world(world)
    ends = []
    for k in range(futures):
        future = copy.deepcopy(base) if k < futures - 1 else base
        future.rng.fork(f"projection/{future.now}/{k}")
        if future.incidents is not None:
            future.incidents.forget_unopened()
        future.advance(end_ms)
        future.settle_costs()
        ends.append(future.summary())
    return ends


def project_goals(spec: LevelSpec, ends: list[dict]) -> dict[str, Projection]:
    """Each goal's projection from the futures' summaries, by metric."""
    by_metric: dict[str, list[float]] = {}
    for summary in ends:
        for result in evaluate(spec, summary):
            by_metric.setdefault(result.goal.metric, []).append(result.value)
    return {metric: Projection(statistics.median(values), min(values), max(values))
            for metric, values in by_metric.items()}
