"""Goals scored in stars at their thresholds, the warning line, and which goal the report blames for missing stars
(level/goals.py's mutants, which the level selection did not reach: the campaign tests use them on whole runs)."""

from __future__ import annotations

import pytest

from factory_game.level.goals import AUTOPILOT_GOAL, GoalResult, capping, flatten, level_stars, score
from factory_game.sim.spec import Goal

AT_LEAST = Goal("overall.sla_share", True, (0.8, 0.9, 0.95), warn=0.85)
AT_MOST = Goal("overall.p95_wait_ms", False, (60_000, 30_000, 10_000), warn=40_000)


@pytest.mark.parametrize("value, stars, warning", [
    (0.79, 0, True), (0.8, 1, True), (0.85, 1, False), (0.9, 2, False), (0.95, 3, False), (1.0, 3, False)])
def test_an_at_least_goal_earns_a_star_at_each_threshold_reached_and_warns_below_its_line(value, stars, warning):
    """`at_least`: one star per threshold the value reaches (equal counts); a warning strictly below `warn`."""
    assert score(AT_LEAST, value) == GoalResult(AT_LEAST, value, stars, warning)


@pytest.mark.parametrize("value, stars, warning", [
    (60_001, 0, True), (60_000, 1, True), (40_000, 1, False), (30_000, 2, False), (10_000, 3, False), (0, 3, False)])
def test_an_at_most_goal_earns_a_star_at_each_threshold_kept_under_and_warns_above_its_line(value, stars, warning):
    """`at_most`: one star per threshold the value stays at or under; a warning strictly above `warn`."""
    assert score(AT_MOST, value) == GoalResult(AT_MOST, value, stars, warning)


def test_a_goal_without_a_warning_line_never_warns():
    """No `warn`: the goal is never in warning, even when missed."""
    goal = Goal("overall.sla_share", True, (0.8, 0.9, 0.95))
    assert score(goal, 0.1).warning is False
    assert score(Goal("overall.p95_wait_ms", False, (3, 2, 1)), 10).warning is False


def _result(metric, stars):
    return GoalResult(Goal(metric, True, (1, 2, 3)), stars, stars, False)


def test_the_goal_blamed_is_the_weakest_the_auto_manager_first_among_ties_then_the_levels_order():
    """`capping`: None at three stars everywhere (or no goals); else the weakest goal, the autopilot's first if tied."""
    assert capping([]) is None and capping([_result("a", 3), _result("b", 3)]) is None
    first, second = _result("a", 1), _result("b", 1)
    assert capping([_result("c", 2), first, second]) is first
    autopilot = _result(AUTOPILOT_GOAL, 1)
    assert capping([first, autopilot, second]) is autopilot
    assert capping([_result(AUTOPILOT_GOAL, 2), first]) is first  # weaker than the autopilot's wins
    assert capping([_result("c", 0), autopilot]).goal.metric == "c"


def test_a_level_earns_its_weakest_goals_stars_and_three_without_goals():
    """The level's stars are the minimum over its goals; a level with no goals earns 3."""
    assert level_stars([]) == 3
    assert level_stars([_result("a", 3), _result("b", 2), _result("c", 3)]) == 2


def test_flatten_keeps_numbers_by_dotted_path_and_drops_the_rest():
    """Nested summaries become dotted paths; booleans, strings and lists are not metrics."""
    summary = {"overall": {"sla_share": 0.9, "served": 3, "ok": True, "name": "x", "list": [1]}, "top": 1.5}
    assert flatten(summary) == {"overall.sla_share": 0.9, "overall.served": 3, "top": 1.5}
