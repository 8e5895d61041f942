"""Live goals: each goal's value so far (the end report's number: the same `evaluate` on the same summary), where
it is heading as a range, and which goal held the stars down. Pure Python (no Arcade), so tests check it headless.

Where it is heading comes from the world's futures when the game has them (`level/projection.py`, made by
`game/forecaster.py`: the median and range of six runs to closing time with today's levers); before the first is in,
or for a world that cannot be copied, from what the strip has seen:

The range. A sum (money, counts) goes on at its pace: the recent pace (the last TREND_WINDOW_MS) and the pace since
the start bound it; a share or a percentile stays within what it was over the recent window (from NEUTRAL_MS on).
A guess from a few minutes says little: for the first NEUTRAL_MS a goal is shown neutral (grey) whatever its range,
and a pace is only taken over at least MIN_SPAN_MS of history (after a Load the screen's own history starts again).
A count of minutes cannot grow faster than the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from factory_game.level.goals import GoalResult, capping, score
from factory_game.level.projection import Projection
from factory_game.sim.clock import MINUTE

TREND_WINDOW_MS = 30 * MINUTE  # a cumulative goal is projected at its pace over this much of the recent past
NEUTRAL_MS = 15 * MINUTE  # before this, no colour: contracted slots bill from minute 0, revenue comes on delivery
MIN_SPAN_MS = 5 * MINUTE  # the shortest history a pace is taken over
CUMULATIVE_SUFFIXES = ("_cents", ".completed", ".admitted", ".requested", ".customers", ".returns", ".visits",
                       ".autopilot_minutes")


@dataclass(frozen=True)
class GoalOutlook:
    """A goal now and at the end: its value so far (the report's number: the same `evaluate`), its projection and
    the stars each would earn."""

    now: GoalResult
    projected_value: float
    projected_stars: int
    low: float = 0.0  # the projection's range
    high: float = 0.0
    early: bool = False  # too early to say: shown neutral

    @property
    def heading(self) -> str:
        """`neutral` (too early), `good` (three stars even at the range's worse end), `bad` (missed even at its
        better end), else `warn`."""
        if self.early:
            return "neutral"
        goal = self.now.goal
        worse, better = (self.low, self.high) if goal.at_least else (self.high, self.low)
        if score(goal, worse).stars == 3:
            return "good"
        return "bad" if score(goal, better).stars == 0 else "warn"


def is_cumulative(metric: str) -> bool:
    """Sums that keep growing over a run (money, counts); the rest are shares, means and percentiles."""
    return metric.endswith(CUMULATIVE_SUFFIXES)


def project(metric: str, value_now: float, history: list[tuple[int, float]], now_ms: int, end_ms: int | None) -> float:
    """A cumulative goal goes on at its pace over the last TREND_WINDOW_MS (or since the start): value now +
    pace x time left. A share, mean or percentile is projected as it stands: the run so far is the best estimate of
    the whole run. An endless level projects nothing."""
    if end_ms is None or now_ms >= end_ms or not is_cumulative(metric):
        return value_now
    since = now_ms - TREND_WINDOW_MS
    past = next(((t, v) for t, v in history if t >= since), None)
    if past is None or now_ms - past[0] < MIN_SPAN_MS:
        return value_now
    pace = (value_now - past[1]) / (now_ms - past[0])
    return value_now + pace * (end_ms - now_ms)


def project_range(metric: str, value_now: float, history: list[tuple[int, float]], now_ms: int,
                  end_ms: int | None) -> tuple[float, float]:
    """The end value's plausible range (see the module's docstring)."""
    if end_ms is None or now_ms >= end_ms:
        return value_now, value_now
    recent = [(t, v) for t, v in history if t >= now_ms - TREND_WINDOW_MS]
    if not is_cumulative(metric):  # (the first minutes' shares, of a handful of tasks, say nothing)
        values = [v for t, v in recent if t >= NEUTRAL_MS] + [value_now]
        return min(values), max(values)
    left = end_ms - now_ms
    ends = []
    if recent and now_ms - recent[0][0] >= MIN_SPAN_MS:
        ends.append(value_now + (value_now - recent[0][1]) / (now_ms - recent[0][0]) * left)
    if now_ms >= MIN_SPAN_MS:  # the whole run's pace (a sum starts at 0)
        ends.append(value_now + value_now / now_ms * left)
    low, high = (min(ends), max(ends)) if ends else (value_now, value_now)
    if metric.endswith("_minutes"):  # minutes of something cannot outrun the clock
        high = min(high, value_now + left / MINUTE)
    return low, high


def outlook(results: list[GoalResult], history: dict[str, list[tuple[int, float]]], now_ms: int,
            end_ms: int | None, projected: Mapping[str, Projection] | None = None) -> list[GoalOutlook]:
    """Each goal now and where it is heading: from the futures of the world (`projected`, by metric: the level's
    projection) when there are some, else at its pace (`project`, `project_range`)."""
    out = []
    for result in results:
        points = history.get(result.goal.metric, [])
        future = (projected or {}).get(result.goal.metric)
        if future is not None:
            value, low, high = future.value, future.low, future.high
        else:
            low, high = project_range(result.goal.metric, result.value, points, now_ms, end_ms)
            value = min(max(project(result.goal.metric, result.value, points, now_ms, end_ms), low), high)
        early = end_ms is not None and now_ms < min(NEUTRAL_MS, end_ms // 4)
        out.append(GoalOutlook(result, value, score(result.goal, value).stars, low, high, early))
    return out


def capping_goal(results: list[GoalResult]) -> tuple[GoalResult, float] | None:
    """The goal that held the stars down, and how far it was from its next star's threshold (in its own unit);
    None when every goal earned three."""
    weakest = capping(results)
    if weakest is None:
        return None
    threshold = weakest.goal.stars[weakest.stars]
    return weakest, abs(threshold - weakest.value)
