"""`factory-game diff A B` and `diff_records`: figures beyond a tolerance, the first different event or command."""

import json

import pytest

from factory_game.cli import main
from factory_game.rundiff import EXIT_DIFFERENT, diff_event_logs, diff_records

LEVEL = "reference/mmc"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    where = tmp_path_factory.mktemp("runs")
    paths = {}
    for seed in (1, 2):
        record, events = where / f"s{seed}.json", where / f"s{seed}.jsonl"
        assert main(["run", LEVEL, "--seed", str(seed), "--until", "1h", "--json", str(record),
                     "--events", str(events)]) == 0
        paths[seed] = record, events
    return paths


def test_the_same_run_shows_no_difference(two_runs, capsys):
    record, _events = two_runs[1]
    capsys.readouterr()
    assert main(["diff", str(record), str(record)]) == 0
    assert "event logs: identical" in capsys.readouterr().out


def test_two_seeds_differ_in_figures_and_in_the_first_event(two_runs, capsys):
    (record_a, events_a), (record_b, events_b) = two_runs[1], two_runs[2]
    capsys.readouterr()
    assert main(["diff", str(record_a), str(record_b)]) == EXIT_DIFFERENT
    out = capsys.readouterr().out
    assert "figure(s) moved beyond tolerance" in out and "summary.overall." in out
    assert main(["diff", str(events_a), str(events_b)]) == EXIT_DIFFERENT
    assert "first different event #" in capsys.readouterr().out


def test_tolerances_absolute_relative_and_from_the_reference():
    a = {"event_log_sha256": "x", "summary": {"overall": {"revenue_cents": 1000, "completed": 50}}}
    b = {"event_log_sha256": "y", "summary": {"overall": {"revenue_cents": 1015, "completed": 53}}}
    diff = diff_records(a, b)
    assert [m.path for m in diff.moved] == ["summary.overall.completed", "summary.overall.revenue_cents"]
    assert "summary.overall.revenue_cents: 1000 -> 1015 (+15, +1.5%; allowed 0)" in str(diff)
    diff = diff_records(a, b, {"summary.overall.revenue_cents": "2%", "summary.*.completed": 3})
    assert not diff and diff.within == 2
    assert "no difference beyond the tolerances" in str(diff)
    assert not diff_records({**a, "tolerances": {"summary.overall.*": 20}}, b)
    assert diff_records(a, b, {"summary.overall.revenue_cents": 10, "summary.*.completed": 3}).moved[0].path == \
        "summary.overall.revenue_cents"
    with pytest.raises(ValueError, match=r"\[tolerances.summary\] expected a number >= 0"):
        diff_records(a, b, {"summary": -1})


def test_only_the_hash_differs_is_a_difference():
    a = {"event_log_sha256": "x", "summary": {"n": 1}}
    diff = diff_records(a, {**a, "event_log_sha256": "y"})
    assert diff and "event logs differ" in str(diff)


def test_event_logs_name_the_first_different_line():
    diff = diff_event_logs(['{"t": 1}\n', '{"t": 2}\n'], ['{"t": 1}\n', '{"t": 3}\n', '{"t": 4}\n'])
    assert diff.first_event == (1, '{"t": 2}', '{"t": 3}')
    assert diff_event_logs(["a\n"], ["a\n", "b\n"]).first_event == (1, "(no more events)", "b")


def test_bad_input_is_named(tmp_path, capsys, two_runs):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    record, events = two_runs[1]
    assert main(["diff", str(broken), str(record)]) == 2
    assert "broken.json:1: expected a run record (run --json); found invalid JSON" in capsys.readouterr().err
    assert main(["diff", str(record), str(events)]) == 2
    assert "compare two of a kind" in capsys.readouterr().err
    assert main(["diff", str(record), str(record), "--tolerance", "x=abc"]) == 2
    assert "--tolerance: expected PATH=NUMBER" in capsys.readouterr().err
    assert json.loads(record.read_text())["summary"]
