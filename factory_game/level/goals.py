"""Goals: a level's targets on summary metrics, scored in stars (0-3), with a warning threshold for the game."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from factory_game.sim.metrics import summary_paths
from factory_game.sim.spec import Goal, LevelSpec


def flatten(summary: dict, prefix: str = "") -> dict[str, float]:
    """`{"overall": {"sla_share": 0.9}}` -> `{"overall.sla_share": 0.9}` (numbers only)."""
    out: dict[str, float] = {}
    for key, value in summary.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[path] = value
    return out


def metric_paths(spec: LevelSpec, declared: Iterable[str] = ()) -> set[str]:
    """Every metric a goal of this level may name: the summary's declared figures (`sim/metrics.py`) and those its
    mods declare (`declared`: `mods.<mod id>.<name>`, from the catalog)."""
    return set(summary_paths(spec)) | set(declared)


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    value: float
    stars: int  # 0 = goal missed, 1-3 = met
    warning: bool

    @property
    def met(self) -> bool:
        return self.stars >= 1


AUTOPILOT_GOAL = "manager.autopilot_minutes"  # `[autopilot] star_cap`'s goal (loader.autopilot_star_cap_goal)


def capping(results: list[GoalResult]) -> GoalResult | None:
    """The goal that held the stars down, or None when every goal earned three: the weakest; among goals tied
    there, the auto-manager's minutes first (it caps the stars whatever the rest does, so blaming another goal
    would send the player after the wrong thing), then the level's order."""
    weakest = min((r.stars for r in results), default=3)
    if weakest == 3:
        return None
    tied = [r for r in results if r.stars == weakest]
    return next((r for r in tied if r.goal.metric == AUTOPILOT_GOAL), tied[0])


def score(goal: Goal, value: float) -> GoalResult:
    if goal.at_least:
        stars = sum(1 for threshold in goal.stars if value >= threshold)
        warning = goal.warn is not None and value < goal.warn
    else:
        stars = sum(1 for threshold in goal.stars if value <= threshold)
        warning = goal.warn is not None and value > goal.warn
    return GoalResult(goal, value, stars, warning)


def evaluate(spec: LevelSpec, summary: dict) -> list[GoalResult]:
    values = flatten(summary)
    return [score(goal, values[goal.metric]) for goal in spec.goals]


def level_stars(results: list[GoalResult]) -> int:
    """A level earns the stars of its weakest goal (0 if a goal is missed); no goals means 3."""
    return min((r.stars for r in results), default=3)
