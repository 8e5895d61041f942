"""The campaign's balance, checked both ways: a sensible player (the level's own autopilot) earns three stars, and
doing nothing (autopilot off, no commands) misses at least one goal from level 3 on — at the level's seed and at
one more, so that a balance that holds only by luck fails here rather than in a player's hands."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory_game.plugins import prepare_level
from factory_game.runner import run_level

CAMPAIGN = sorted((Path(__file__).resolve().parents[2] / "levels" / "campaign").glob("*.toml"))
OTHER_SEED = 101
DO_NOTHING_MUST_FAIL_FROM = 3  # levels 1 and 2 teach; from level 3 on, idleness is punished


def _number(path: Path) -> int:
    return int(path.name.split("-", 1)[0])


def _report(result) -> str:
    return "; ".join(f"{r.goal.metric}={r.value:g} ({r.stars}*)" for r in result.goals)


def test_the_campaign_has_six_levels_in_order():
    assert [_number(p) for p in CAMPAIGN] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("path", CAMPAIGN, ids=lambda p: p.stem)
def test_every_level_has_briefings_goals_warnings_and_an_autopilot(path):
    spec = prepare_level(path).spec
    for texts in (spec.title, spec.briefing):
        assert texts.get("en") and texts.get("zh-CN")
    assert len(spec.goals) >= 2
    for goal in spec.goals:
        assert goal.warn is not None, f"{goal.metric} has no warning threshold"
        assert goal.label.get("en") and goal.label.get("zh-CN"), f"{goal.metric} has no label"
    assert spec.autopilot.enabled


@pytest.mark.parametrize("seed_of", ["level", "other"])
@pytest.mark.parametrize("path", CAMPAIGN, ids=lambda p: p.stem)
def test_the_autopilot_earns_three_stars(path, seed_of):
    level = prepare_level(path)
    seed = level.spec.seed if seed_of == "level" else OTHER_SEED
    result = run_level(level, seed=seed)
    assert result.stars == 3, f"{path.stem} seed {seed}: {_report(result)}"


@pytest.mark.parametrize("seed_of", ["level", "other"])
@pytest.mark.parametrize("path", [p for p in CAMPAIGN if _number(p) >= DO_NOTHING_MUST_FAIL_FROM],
                         ids=lambda p: p.stem)
def test_doing_nothing_misses_a_goal(path, seed_of):
    level = prepare_level(path, ["autopilot.enabled=false"])
    seed = level.spec.seed if seed_of == "level" else OTHER_SEED
    result = run_level(level, seed=seed)
    assert not result.commands
    assert not result.goals_met, f"{path.stem} seed {seed}, doing nothing: {_report(result)}"
