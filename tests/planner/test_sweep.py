"""Sweeps: the same per-run rows with 1 worker, 2 workers and a Dask LocalCluster; resumable; a failing run named."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from factory_game.cli import main
from factory_game.sweep.cli import sweep
from factory_game.sweep.execute import Job
from factory_game.sweep.grid import parse_axis, runs
from factory_game.sweep.summary import Stat, parse_target, stat

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def level(tmp_path: Path) -> Path:
    """The M/M/20 reference, 40 minutes long, with rentable slots."""
    text = (ROOT / "levels" / "reference" / "mmc.toml").read_text(encoding="utf-8")
    path = tmp_path / "small.toml"
    path.write_text(text.replace('duration = "8h"', 'duration = "40m"').replace("max_extra = 0", "max_extra = 4"),
                    encoding="utf-8")
    return path


def _rows(out: Path) -> list[dict]:
    return pq.read_table(out).to_pylist()


@pytest.mark.slow
def test_the_same_rows_whatever_the_workers_or_backend(level, tmp_path):
    from distributed import Client, LocalCluster

    todo = runs([parse_axis("models.sd15.slots=16:20:4"), parse_axis("rent.sd15=0,2")], [1, 2])
    job = Job.of(level, 10 * 60_000, 30 * 60_000)
    one = sweep(job, todo, tmp_path / "one.parquet", workers=1, progress=False)
    two = sweep(job, todo, tmp_path / "two.parquet", workers=2, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = sweep(job, todo, tmp_path / "dask.parquet", cluster=client, progress=False)
    assert len(one) == 8 and one == two == dask
    assert _rows(tmp_path / "one.parquet") == _rows(tmp_path / "two.parquet") == _rows(tmp_path / "dask.parquet")
    assert len({r["event_log_sha256"] for r in one}) == 8  # the runs differ from each other
    assert 0 < one[0]["models.sd15.utilisation"] <= 1  # every declared summary figure is a column
    rented = [r for r in one if r["rent.sd15"] == 2]
    assert all(r["money.upstream_cost_cents"] > 0 for r in rented)


@pytest.mark.slow
def test_resume_skips_finished_runs_and_a_failing_run_is_named(level, tmp_path, capsys, monkeypatch):
    out = tmp_path / "r.parquet"
    args = ["sweep", str(level), "--grid", "models.sd15.slots=18:20:2", "--seeds", "2", "--workers", "1",
            "--out", str(out), "--target", "models.sd15.utilisation>=0.3"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "cheapest meeting models.sd15.utilisation>=0.3" in first and out.with_suffix(".png").stat().st_size > 10_000
    # grow the grid: the four finished runs are not run again
    assert main([*args[:3], "models.sd15.slots=18:22:2", *args[4:]]) == 0
    assert "resuming: 4 of 6 runs already done" in capsys.readouterr().err
    assert len(_rows(out)) == 6
    # a rental beyond max_extra is named before any run
    code = main(["sweep", str(level), "--grid", "rent.sd15=0,9", "--rent-window", "5m-10m", "--seeds", "1",
                 "--workers", "1", "--out", str(tmp_path / "bad.parquet")])
    assert code == 2 and "[rent.sd15] expected at most 4 (its max_extra); found 9" in capsys.readouterr().err
    # a run failing in the middle is named; finished runs are kept
    import factory_game.runner

    real = factory_game.runner.run_level

    def failing(spec, *args, **kwargs):
        if spec.models[0].slots == 20:
            raise RuntimeError("boom")
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(factory_game.runner, "run_level", failing)
    code = main(["sweep", str(level), "--grid", "models.sd15.slots=18,20", "--seeds", "1", "--workers", "1",
                 "--out", str(tmp_path / "bad.parquet")])
    err = capsys.readouterr().err
    assert code == 2 and "(models.sd15.slots=20, seed 1) failed: RuntimeError: boom" in err
    assert "fix its cause, then rerun" in err
    assert "Traceback" not in err
    assert len((tmp_path / "bad.parquet.partial.jsonl").read_text().splitlines()) == 2  # its record, one run


def test_bad_sweep_options_are_named(level, capsys):
    with pytest.raises(ValueError, match="start <= stop"):
        parse_axis("models.sd15.slots=20:10:2")
    with pytest.raises(ValueError, match="METRIC>=VALUE"):
        parse_target("overall.sla>=0.9", ["overall.sla_share"])
    assert main(["sweep", str(level), "--grid", "models.sd15.slots=-4:0:4", "--seeds", "1", "--out", "x.parquet"]) == 2
    assert "configuration models.sd15.slots=-4" in capsys.readouterr().err


def test_confidence_interval_is_students_t():
    s = stat([1.0, 2.0, 3.0, 4.0])
    assert s.mean == 2.5 and s.half_width == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert stat([5.0]) == Stat(5.0, 0.0, 1, 5.0, 5.0)
