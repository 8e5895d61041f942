"""The sweep checks its answer on traffic it was not chosen on: held-out seeds and block-bootstrap resamples of a
replayed log (issue 20 item 4); the chart labels every point (item 5)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from factory_game.cli import main
from factory_game.sweep.chart import point_label
from factory_game.sweep.summary import ConfigSummary
from factory_game.sweep.validate import bootstrap_log
from factory_game.trace.synth import SynthSpec, write_log


def _replay_level(tmp_path: Path) -> Path:
    log = tmp_path / "log.csv"
    write_log(SynthSpec(per_hour=600, hours=0.5, seed=4), log)
    level = tmp_path / "replay.toml"
    assert main(["trace", "import", str(log), "--out", str(level), "--throughput", "llm=2000:25",
                 "--slots", "4", "--sla", "60s"]) == 0
    return level


def test_the_answer_is_rerun_on_held_out_seeds_and_resampled_logs(tmp_path, capsys):
    level = _replay_level(tmp_path)
    out = tmp_path / "plan.parquet"
    args = ["sweep", str(level), "--grid", "models.llm.slots=2:8:2", "--seeds", "2", "--workers", "1",
            "--target", "overall.sla_share>=0.5", "--out", str(out)]
    assert main([*args, "--holdout-seeds", "2:4"]) == 2  # overlapping the grid's seeds
    assert "other than the grid's" in capsys.readouterr().err
    assert main([*args, "--holdout-seeds", "101:103", "--resample", "3", "--block", "2m"]) == 0
    printed = capsys.readouterr().out
    assert "held-out seeds 101..103: meets overall.sla_share>=0.5 in " in printed
    assert "3 block-bootstrap resamples of the log (120s blocks): meets" in printed
    rows = list(csv.DictReader((tmp_path / "plan.validation.csv").open(encoding="utf-8")))
    assert [r["label"] for r in rows] == ["seed 101", "seed 102", "seed 103", "resample 1", "resample 2",
                                          "resample 3"]
    assert all(0 <= float(r["value"]) <= 1 and r["meets"] in ("yes", "no") for r in rows)
    assert main(["sweep", str(level), "--seeds", "1", "--holdout-seeds", "9", "--out", str(out)]) == 2
    assert "give one" in capsys.readouterr().err


def test_a_block_bootstrap_keeps_the_span_the_order_and_the_blocks():
    rows = [f"{t},{t % 7}" for t in range(0, 600, 3)]
    text = "timestamp,prompt_tokens\n" + "\n".join(rows) + "\n"
    one, again, other = (bootstrap_log(text, "csv", "timestamp", 60.0, s) for s in (1, 1, 2))
    assert one == again and one != other
    times = [float(r["timestamp"]) for r in csv.DictReader(io.StringIO(one))]
    assert times == sorted(times) and times[0] >= 0 and times[-1] <= 597
    assert 170 < len(times) < 230  # about the log's 200 requests
    tokens = {(round(float(r["timestamp"])) % 60 // 3, r["prompt_tokens"]) for r in csv.DictReader(io.StringIO(one))}
    assert len(tokens) > 20  # rows keep their own token counts, moved with their block


def test_every_point_of_the_chart_has_a_label():
    def summary(overrides: dict) -> ConfigSummary:
        return ConfigSummary(" ".join(f"{k}={v}" for k, v in overrides.items()), overrides, {})

    assert point_label(summary({"models.llm.slots": 54})) == "54"
    assert point_label(summary({"models.llm.slots": 54, "rent.llm": 2})) == "54+2R"
    assert point_label(summary({"models.llm.slots": 54, "level.sla": "30s"})) == "54 sla=30s"
