"""`factory-game run LEVEL --check` is how CI uses a level as a scenario: exit 1 when a goal is missed."""

from __future__ import annotations

from factory_game.cli import EXIT_GOALS_MISSED, EXIT_OK, main

LEVEL = "campaign/04-rush-hour"  # resolved by name, as a player would type it


def test_check_passes_with_the_autopilot(capsys):
    assert main(["run", LEVEL, "--check"]) == EXIT_OK
    assert "stars: 2" in capsys.readouterr().out  # every goal met; the auto-manager's star cap holds it at two


def test_check_fails_when_nobody_manages(capsys):
    assert main(["run", LEVEL, "--check", "--set", "autopilot.enabled=false"]) == EXIT_GOALS_MISSED
    assert "MISSED" in capsys.readouterr().out
