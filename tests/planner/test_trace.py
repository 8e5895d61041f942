"""Request logs: the Azure hour and a synthetic day import, validate and run; damaged rows give named errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from factory_game.cli import main
from factory_game.level import load_level
from factory_game.runner import run_level
from factory_game.sim.clock import MINUTE
from factory_game.trace.reader import Mapping, TraceError, read_rows
from factory_game.trace.synth import SynthSpec, Window, write_log

ROOT = Path(__file__).resolve().parents[2]
AZURE = ROOT / "levels" / "real" / "azure-llm-conv-2023.toml"
AZURE_LOG = AZURE.with_suffix(".csv")
SYNTH_COLUMNS = ["--column", "tier=tier", "--column", "content=content", "--column", "priority=priority",
                 "--column", "prompt_tokens=prompt_tokens", "--column", "output_tokens=output_tokens",
                 "--throughput", "llm=2000:25"]


def test_azure_hour_replays_exactly_the_logs_arrivals(capsys):
    assert main(["validate", str(AZURE)]) == 0
    spec = load_level(AZURE)
    result = run_level(spec, until_ms=25 * MINUTE)
    start = datetime(2023, 11, 16, 18, 15, 46, tzinfo=UTC).timestamp()  # the level spans the log
    with AZURE_LOG.open() as handle:
        next(handle)
        times = [datetime.fromisoformat(line.split(",")[0][:26]).replace(tzinfo=UTC).timestamp() for line in handle]
    assert len(times) == 19_366
    # every logged request up to 25 minutes in arrived (rounded to the ms), and none later
    assert result.summary["overall"]["customers"] == sum(1 for t in times if round((t - start) * 1000) <= 25 * MINUTE)


def test_azure_level_ships_its_data_and_attribution():
    readme = (ROOT / "levels" / "real" / "README.md").read_text(encoding="utf-8")
    assert "Splitwise" in readme and "Creative Commons Attribution 4.0" in readme
    assert (ROOT / "levels" / "real" / "LICENSE-azure-llm-conv-2023.txt").read_text(encoding="utf-8-sig") \
        .startswith("Attribution 4.0 International")
    assert AZURE_LOG.stat().st_size > 700_000


def test_service_time_comes_from_tokens_through_the_models_throughput(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(r) for r in [
        {"timestamp": 60.0, "prompt_tokens": 4000, "output_tokens": 50},  # 2 s + 2 s
        {"timestamp": 61.5, "duration": 7.25},  # its own duration wins
        {"timestamp": 62.0},  # nothing: the model's distribution draws one
    ]) + "\n", encoding="utf-8")
    level = tmp_path / "level.toml"
    assert main(["trace", "import", str(log), "--out", str(level), "--throughput", "llm=2000:25",
                 "--column", "duration=duration", "--column", "prompt_tokens=prompt_tokens",
                 "--column", "output_tokens=output_tokens"]) == 0
    starts = []
    result = run_level(load_level(level), world_hook=lambda w: w.subscribe(
        lambda e: starts.append((e.time, e.info)) if str(e.kind) == "start" else None))
    # the level spans the log: its 0 is the first request
    assert starts[0] == (0, "4000") and starts[1] == (1_500, "7250")
    assert starts[2][0] == 2_000 and starts[2][1] not in ("4000", "7250")
    assert result.summary["overall"]["customers"] == 3


def _synthetic_day(tmp_path: Path) -> Path:
    log = tmp_path / "day.csv"
    spec = SynthSpec(per_hour=120, hours=24, seed=3, bursts=[Window(17, 1, 3.0)], outages=[Window(3, 1)])
    assert write_log(spec, log) > 2000
    return log


def test_synthetic_day_imports_validates_and_runs_in_both_modes(tmp_path, capsys):
    log = _synthetic_day(tmp_path)
    rows = sum(1 for _ in read_rows(log, Mapping("csv", {"timestamp": "timestamp"})))
    hours = [int(line[11:13]) for line in log.read_text().splitlines()[1:]]
    assert 3 not in hours  # the outage window logged nothing
    assert hours.count(17) > 2 * hours.count(18)  # the burst
    for mode in ("replay", "fit"):
        level = tmp_path / f"{mode}.toml"
        assert main(["trace", "import", str(log), "--out", str(level), "--mode", mode, "--slots", "4",
                     *SYNTH_COLUMNS]) == 0
        assert main(["validate", str(level)]) == 0
        assert main(["run", str(level), "--json", str(tmp_path / f"{mode}.json")]) == 0
        summary = json.loads((tmp_path / f"{mode}.json").read_text())["summary"]
        assert summary["tiers"]["L2"]["requested"] > 0
        if mode == "replay":
            assert summary["overall"]["customers"] == rows
        else:  # a Poisson fit of the same hours: close to the log's count, not equal to it
            assert abs(summary["overall"]["customers"] - rows) < 0.1 * rows
            assert "per_hour = 0.0" in level.read_text()  # the outage hour fitted as no traffic
    capsys.readouterr()


def test_synthetic_log_is_the_same_for_the_same_seed(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_log(SynthSpec(per_hour=500, hours=2, seed=9), a, "jsonl")
    write_log(SynthSpec(per_hour=500, hours=2, seed=9), b, "jsonl")
    assert a.read_bytes() == b.read_bytes()


DAMAGED = """timestamp,prompt_tokens,output_tokens
2026-01-05 00:00:01,100,10
2026-01-05 00:00:02,12x,10
2026-01-05 00:00:03,100
yesterday,100,10
2026-01-05 00:00:00,100,10
2026-01-05 00:00:09,100,10
"""


@pytest.mark.parametrize("skip, line, field, expected", [
    (0, 3, "prompt_tokens", "a token count"),
    (1, 4, "row", "3 comma-separated values"),
    (2, 5, "timestamp", "an ISO date-time"),
    (3, 6, "timestamp", "at or after the previous row"),
])
def test_damaged_rows_are_named(tmp_path, capsys, skip, line, field, expected):
    log = tmp_path / "damaged.csv"
    log.write_text(DAMAGED, encoding="utf-8")
    code = main(["trace", "import", str(log), "--out", str(tmp_path / "x.toml"), "--skip-bad", str(skip),
                 "--column", "prompt_tokens=prompt_tokens", "--column", "output_tokens=output_tokens"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{log}:{line}: [{field}] expected" in err and expected in err
    assert "Traceback" not in err


def test_skip_bad_counts_what_it_skipped_and_the_level_skips_them_too(tmp_path, capsys):
    log = tmp_path / "damaged.csv"
    log.write_text(DAMAGED, encoding="utf-8")
    level = tmp_path / "x.toml"
    assert main(["trace", "import", str(log), "--out", str(level), "--skip-bad", "4",
                 "--column", "prompt_tokens=prompt_tokens", "--column", "output_tokens=output_tokens"]) == 0
    assert "4 bad row(s) skipped: lines [3, 4, 5, 6]" in capsys.readouterr().out
    result = run_level(load_level(level))
    assert result.summary["overall"]["customers"] == 2


def test_jsonl_errors_and_a_missing_column_are_named(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"ts": 1}\n{"ts": 2\n', encoding="utf-8")
    with pytest.raises(TraceError) as caught:
        list(read_rows(log, Mapping("jsonl", {"timestamp": "ts"})))
    assert str(caught.value).startswith(f"{log}:2: [row] expected a JSON object")
    csv_log = tmp_path / "log.csv"
    csv_log.write_text("when,tokens\n1,2\n", encoding="utf-8")
    with pytest.raises(TraceError) as caught:
        list(read_rows(csv_log, Mapping("csv", {"timestamp": "time"})))
    assert "[header] expected columns for timestamp (column 'time')" in str(caught.value)


def test_a_level_whose_log_is_gone_is_a_level_problem(tmp_path, capsys):
    level = tmp_path / "gone.toml"
    level.write_text(AZURE.read_text(encoding="utf-8").replace('file = "azure-llm-conv-2023.csv"',
                                                               'file = "missing.csv"'), encoding="utf-8")
    assert main(["validate", str(level)]) == 2
    err = capsys.readouterr().err
    assert "[trace.file]" in err and "missing.csv" in err
