"""`sweep` runs mod levels, each run isolated from what earlier runs left in its process: a mod keeping
module-global state gives the same rows with 1 and 2 workers (and on Dask) as fresh `run`s (issue 19 item 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factory_game.cli import main
from factory_game.paths import MODS_ENV
from factory_game.sweep.cli import sweep
from factory_game.sweep.execute import Job
from factory_game.sweep.grid import parse_axis, runs

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sticky(tmp_path, monkeypatch) -> Path:
    mods = tmp_path / "mods"
    shutil.copytree(FIXTURES / "mods", mods)
    monkeypatch.setenv(MODS_ENV, str(mods))
    return shutil.copy(FIXTURES / "sticky.toml", tmp_path / "sticky.toml")


def test_a_mod_level_sweeps_alike_with_1_and_2_workers_and_as_fresh_runs(sticky, tmp_path, capsys):
    todo = runs([parse_axis("models.sd15.slots=5,6")], [1, 2])
    job = Job.of(sticky)
    assert [m[0] for m in job.mods] == ["sticky-price"]
    one = sweep(job, todo, tmp_path / "one.parquet", workers=1, progress=False)
    two = sweep(job, todo, tmp_path / "two.parquet", workers=2, progress=False)
    assert one == two
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCADE_HEADLESS": "1"}
    for row in one:  # each the same as a run in a fresh process of its own
        out = tmp_path / f"{row['key']}.json"
        subprocess.run([sys.executable, "-m", "factory_game", "run", str(sticky), "--seed", str(row["seed"]), "--set",
                        f"models.sd15.slots={row['models.sd15.slots']}", "--json", str(out)], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        fresh = json.loads(out.read_text(encoding="utf-8"))
        assert fresh["summary"]["money"]["revenue_cents"] == row["money.revenue_cents"]
        assert fresh["event_log_sha256"] == row["event_log_sha256"]
    capsys.readouterr()
    # and through the command line, which validates the mod level first instead of refusing it
    assert main(["sweep", str(sticky), "--grid", "models.sd15.slots=5,6", "--seeds", "2", "--workers", "1",
                 "--out", str(tmp_path / "cli.parquet")]) == 0


def test_a_mod_level_on_dask_matches_the_local_rows(sticky, tmp_path):
    from distributed import Client, LocalCluster

    todo = runs([parse_axis("models.sd15.slots=5,6")], [1, 2])
    job = Job.of(sticky)
    local = sweep(job, todo, tmp_path / "local.parquet", workers=1, progress=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("os").environ.__setitem__(MODS_ENV, str(sticky.parent / "mods")))
        dask = sweep(job, todo, tmp_path / "dask.parquet", cluster=client, progress=False)
    assert dask == local
