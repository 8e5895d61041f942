"""A sweep's results are never reused for anything else, never clobber an input, never interleave, and its workers
never outlive it (reliability-review.md rows 62-67)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from factory_game.cli import main
from factory_game.sweep.cli import hold_lock
from factory_game.sweep.execute import workers_for

ROOT = Path(__file__).resolve().parents[2]


def _level(folder: Path, name: str = "small.toml", sla: str = '"10m"') -> Path:
    """The M/M/20 reference, 20 minutes long, with rentable slots."""
    text = (ROOT / "levels" / "reference" / "mmc.toml").read_text(encoding="utf-8")
    path = folder / name
    path.write_text(text.replace('duration = "8h"', 'duration = "20m"').replace("max_extra = 0", "max_extra = 4")
                    .replace('seed = 1', f"seed = 1\nsla = {sla}"), encoding="utf-8")
    return path


def _sweep(level: Path, out: Path, *extra: str) -> list[str]:
    return ["sweep", str(level), "--grid", "models.sd15.slots=18,20", "--seeds", "1", "--workers", "1",
            "--out", str(out), *extra]


def test_results_of_another_level_or_window_are_refused_by_name(tmp_path, capsys):
    level = _level(tmp_path)
    assert 'sla = "10m"' in level.read_text(encoding="utf-8")
    out = tmp_path / "plan.parquet"
    assert main(_sweep(level, out)) == 0
    capsys.readouterr()
    assert main(_sweep(level, out)) == 0  # the same sweep: resumed, nothing rerun
    assert "resuming: 2 of 2 runs already done" in capsys.readouterr().err
    edited = _level(tmp_path, "small.toml", '"30s"')  # the same file, edited
    assert main(_sweep(edited, out)) == 2
    err = capsys.readouterr().err
    assert "found the results of another" in err and "the level's text" in err and "resuming" not in err
    other = _level(tmp_path, "other.toml")
    assert main(_sweep(other, out, "--grid", "rent.sd15=0,2", "--rent-window", "5m-10m")) == 2
    assert "--rent-window" in capsys.readouterr().err
    # a fresh --out gives the edited level's own figures, and a checkpoint of another sweep is refused too
    assert main(_sweep(edited, tmp_path / "fresh.parquet")) == 0
    (tmp_path / "fresh.parquet").rename(tmp_path / "moved.parquet")
    (tmp_path / "plan.parquet").rename(tmp_path / "fresh.parquet")
    (tmp_path / "plan.parquet.sweep.json").rename(tmp_path / "fresh.parquet.sweep.json")
    capsys.readouterr()
    assert main(_sweep(edited, tmp_path / "fresh.parquet")) == 2
    # results with no record of what made them (an older version) are refused, not trusted
    (tmp_path / "fresh.parquet.sweep.json").unlink()
    assert main(_sweep(level, tmp_path / "fresh.parquet")) == 2
    assert "without a record of what made them" in capsys.readouterr().err
    assert pq.read_schema(tmp_path / "moved.parquet").metadata[b"river.sweep"].startswith(b"{")


def test_a_damaged_checkpoint_is_named_not_a_traceback(tmp_path, capsys):
    level, out = _level(tmp_path), tmp_path / "k.parquet"
    (tmp_path / "k.parquet.partial.jsonl").write_text('{"foo": 1}\n', encoding="utf-8")
    assert main(_sweep(level, out)) == 2
    err = capsys.readouterr().err
    assert "k.parquet.partial.jsonl" in err and "without a record" in err and "Traceback" not in err
    (tmp_path / "n.parquet").write_text("notes\n", encoding="utf-8")
    (tmp_path / "n.parquet.sweep.json").write_text("{}", encoding="utf-8")
    assert main(_sweep(level, tmp_path / "n.parquet")) == 2
    assert (tmp_path / "n.parquet").read_text(encoding="utf-8") == "notes\n"  # never overwritten


def test_outputs_are_checked_before_any_run_and_inputs_never_clobbered(tmp_path, capsys):
    level = _level(tmp_path)
    before = level.read_bytes()
    assert main(_sweep(level, level.with_suffix(".csv"))) == 0  # a sibling is fine
    capsys.readouterr()
    for out, words in [(tmp_path / "x.txt", "ending in .parquet or .csv"), (tmp_path, "directory"),
                       (tmp_path / "small.toml" / "x.csv", "is a file")]:
        assert main(_sweep(level, out)) == 2
        assert words in capsys.readouterr().err
    assert main(_sweep(level, tmp_path / "ok.parquet", "--target", "overall.sla_share>=0.5",
                       "--chart", str(level))) == 2
    assert "found an input of this sweep" in capsys.readouterr().err
    assert level.read_bytes() == before and not (tmp_path / "ok.parquet").exists()


def test_out_csv_writes_csv_and_resumes_from_it(tmp_path, capsys):
    level, out = _level(tmp_path), tmp_path / "plan.csv"
    assert main(_sweep(level, out, "--target", "overall.sla_share>=0.5")) == 0
    first = capsys.readouterr().out
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("key,config,seed,models.sd15.slots,") and not out.read_bytes().startswith(b"PAR1")
    summary = (tmp_path / "plan.summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[0].startswith("config,n,") and "margin" in summary[0] and len(summary) == 3
    assert main(_sweep(level, out, "--target", "overall.sla_share>=0.5")) == 0
    captured = capsys.readouterr()
    assert "resuming: 2 of 2" in captured.err and captured.out == first  # the same figures, read back exactly


def test_two_sweeps_cannot_write_one_out(tmp_path, capsys):
    level, out = _level(tmp_path), tmp_path / "plan.parquet"
    with hold_lock(out.with_name(out.name + ".lock"), out):
        assert main(_sweep(level, out)) == 2
    assert f"found one running (pid {os.getpid()})" in capsys.readouterr().err
    assert main(_sweep(level, out)) == 0  # released
    assert not out.with_name(out.name + ".lock").exists()


def test_a_sweep_with_workers_ends_quietly(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCADE_HEADLESS": "1"}
    done = subprocess.run([sys.executable, "-m", "factory_game", *_sweep(_level(tmp_path), tmp_path / "q.parquet")[:-4],
                           "--workers", "2", "--out", str(tmp_path / "q.parquet")], env=env, capture_output=True)
    assert done.returncode == 0 and b"Traceback" not in done.stderr


def test_duplicate_grid_keys_are_refused(tmp_path, capsys):
    assert main(_sweep(_level(tmp_path), tmp_path / "d.parquet", "--grid", "models.sd15.slots=22")) == 2
    assert "expected each key once" in capsys.readouterr().err


def test_workers_are_capped_at_the_number_of_runs():
    assert workers_for(64, 8) == 8 and workers_for(2, 8) == 2 and workers_for(4, 0) == 1


def _group(pgid: int) -> list[int]:
    import psutil

    out = []
    for process in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                out.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return out


@pytest.mark.skipif(sys.platform != "linux", reason="process groups and signals as on Linux")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_workers_end_with_their_sweep(tmp_path, how):
    level = _level(tmp_path)
    text = level.read_text(encoding="utf-8").replace('duration = "20m"', 'duration = "2000h"')
    level.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCADE_HEADLESS": "1"}
    sweep = subprocess.Popen([sys.executable, "-m", "factory_game", "sweep", str(level), "--grid",
                              "models.sd15.slots=16:30:2", "--seeds", "2", "--workers", "2", "--out",
                              str(tmp_path / "o.parquet")], env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(_group(sweep.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_group(sweep.pid)) == 3, "a sweep and its 2 workers"
    os.kill(sweep.pid, how)
    code = sweep.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group(sweep.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group(sweep.pid) == []
    if how != signal.SIGKILL:
        err = sweep.stderr.read()
        assert code == 130 and b"interrupted" in err and b"Traceback" not in err


def test_a_trace_file_that_is_not_a_file_and_a_bad_cluster_are_named(tmp_path, capsys):
    level = tmp_path / "zero.toml"
    text = (ROOT / "levels" / "real" / "azure-llm-conv-2023.toml").read_text(encoding="utf-8")
    level.write_text(text.replace('file = "azure-llm-conv-2023.csv"', 'file = "/dev/zero"'), encoding="utf-8")
    assert main(["validate", str(level)]) == 2
    assert "[trace.file] expected a request log file; found" in capsys.readouterr().err
    assert main(_sweep(_level(tmp_path), tmp_path / "c.parquet", "--cluster", "garbage://x")) == 2
    assert "cannot reach a Dask scheduler" in capsys.readouterr().err


def test_a_streamed_output_replaces_the_old_file_whole_or_not_at_all(tmp_path):
    from factory_game.atomic import atomic_writer

    target = tmp_path / "results.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("the disk filled up")
    assert target.read_text(encoding="utf-8") == "old\n" and sorted(tmp_path.iterdir()) == [target]
    with atomic_writer(target, binary=True) as handle:
        handle.write(b"new\n")
    assert target.read_bytes() == b"new\n" and sorted(tmp_path.iterdir()) == [target]
