"""The headless command line: summary, JSON, events, exit codes."""

import json
from pathlib import Path

from factory_game.cli import main

REFERENCE = str(Path(__file__).resolve().parents[1] / "levels" / "reference" / "mmc.toml")


def test_run_prints_a_summary_and_writes_json_and_events(tmp_path, capsys):
    out, events = tmp_path / "s.json", tmp_path / "e.jsonl"
    assert main(["run", REFERENCE, "--until", "1h", "--json", str(out), "--events", str(events)]) == 0
    text = capsys.readouterr().out
    assert "sd15" in text and "sha256" in text
    data = json.loads(out.read_text())
    assert data["summary"]["time_ms"] == 3_600_000
    assert data["events"] == len(events.read_text().splitlines()) > 100
    assert data["event_log_sha256"][:16] in text


def test_bad_input_exits_2_with_a_named_problem(capsys):
    assert main(["run", REFERENCE, "--set", "models.sd15.slots=lots"]) == 2
    err = capsys.readouterr().err
    assert "models.sd15.slots" in err and "'lots'" in err
    assert main(["run", REFERENCE, "--until", "soon"]) == 2
    assert main(["validate", "no/such/level.toml"]) == 2


def test_check_exits_1_when_a_goal_is_missed(tmp_path):
    level = tmp_path / "goal.toml"
    level.write_text(Path(REFERENCE).read_text() + '\n[[goals]]\nmetric = "overall.sla_share"\n'
                     'at_least = [0.97, 0.98, 0.99]\n')
    assert main(["run", str(level), "--until", "1h", "--check"]) == 1
    assert main(["run", str(level), "--until", "1h"]) == 0


def test_levels_lists_bundled_levels(capsys):
    assert main(["levels"]) == 0
    assert "reference/mmc" in capsys.readouterr().out
