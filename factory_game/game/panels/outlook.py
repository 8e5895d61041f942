"""Live goals: each goal's value so far (the end report's number: the same `evaluate` on the same summary), where
it is heading, and which goal held the stars down. Pure Python (no Arcade), so tests check it headless.
"""

from __future__ import annotations

from dataclasses import dataclass

from factory_game.level.goals import GoalResult, score
from factory_game.sim.clock import MINUTE

TREND_WINDOW_MS = 30 * MINUTE  # a cumulative goal is projected at its pace over this much of the recent past
CUMULATIVE_SUFFIXES = ("_cents", ".completed", ".admitted", ".requested", ".customers", ".returns", ".visits",
                       ".autopilot_minutes")


@dataclass(frozen=True)
class GoalOutlook:
    """A goal now and at the end: its value so far (the report's number: the same `evaluate`), its projection and
    the stars each would earn."""

    now: GoalResult
    projected_value: float
    projected_stars: int

    @property
    def heading(self) -> str:
        """`good` (three stars ahead), `warn` (one or two), `bad` (missed)."""
        return "good" if self.projected_stars == 3 else "warn" if self.projected_stars else "bad"


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
    if past is None or past[0] >= now_ms:
        return value_now
    pace = (value_now - past[1]) / (now_ms - past[0])
    return value_now + pace * (end_ms - now_ms)


def outlook(results: list[GoalResult], history: dict[str, list[tuple[int, float]]], now_ms: int,
            end_ms: int | None) -> list[GoalOutlook]:
    out = []
    for result in results:
        value = project(result.goal.metric, result.value, history.get(result.goal.metric, []), now_ms, end_ms)
        out.append(GoalOutlook(result, value, score(result.goal, value).stars))
    return out


def capping_goal(results: list[GoalResult]) -> tuple[GoalResult, float] | None:
    """The goal that held the stars down, and how far it was from its next star's threshold (in its own unit);
    None when every goal earned three."""
    weakest = min(results, key=lambda r: r.stars, default=None)
    if weakest is None or weakest.stars == 3:
        return None
    threshold = weakest.goal.stars[weakest.stars]
    return weakest, abs(threshold - weakest.value)
