"""One error path: every bad input on the command line ends with exit 2 and a message naming the option or file,
what was expected and what was found; exit 1 only for a missed goal; a bug is exit 3, never a traceback; no output
replaces an input. (reliability-review.md rows 44-56, 69-71, 73-74.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from factory_game import cli
from factory_game.cli import main
from factory_game.level.bundled import LEVELS_DIR

L1 = "campaign/01-opening-day"
L3 = "campaign/03-video-arrives"


def _run(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _lines(tmp_path: Path, name: str, *records: str) -> str:
    path = tmp_path / name
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_an_unexpected_exception_is_exit_3_with_one_line(monkeypatch, capsys):
    def broken(_args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli, "cmd_levels", broken)
    code, err = _run(["levels"], capsys)
    assert code == 3 and err.startswith("internal error: ZeroDivisionError: boom") and "please report" in err


def test_usage_errors_return_2_and_help_returns_0(capsys):
    assert main(["run"]) == 2
    assert main(["--help"]) == 0
    assert main(["no-such-command"]) == 2


@pytest.mark.parametrize("argv, named", [
    (["run", L1, "--until", ""], "--until: expected a duration string"),  # row 44: '' ran the whole level
    (["run", L1, "--seed", "-1"], "--seed: expected an integer seed from 0 to 2^63-1; found '-1'"),  # row 46
    (["run", L1, "--seed", str(2**63)], "--seed: expected an integer seed"),
    (["play", L1, "--seed", "-1"], "--seed: expected an integer seed"),
    (["screenshot", L1, "--seed", "-5"], "--seed: expected an integer seed"),
    (["screenshot", L1, "--size", "0x0"], "--size: expected WIDTHxHEIGHT"),
])
def test_options_are_checked_before_anything_runs(argv, named, capsys):
    code, err = _run(argv, capsys)
    assert code == 2 and named in err


def test_one_line_json_lines_replays(tmp_path, capsys):
    """Row 47: one command on one line was refused as "'commands'"."""
    one = _lines(tmp_path, "one.jsonl", '{"t": 60000, "command": "rent", "model": "sd15", "count": 2}')
    out = tmp_path / "r.json"
    code, _err = _run(["run", L1, "--replay", one, "--until", "10m", "--json", str(out)], capsys)
    assert code == 0
    assert [c["command"] for c in json.loads(out.read_text())["commands"] if c["source"] == "player"] == ["rent"]


@pytest.mark.parametrize("records, named", [
    ((), "expected a run's JSON or JSON lines of commands; found an empty file"),  # row 48
    (('{"t": 1e400, "command": "rent", "model": "sd15", "count": 2}', '{"t": 0, "command": "autopilot", '
      '"enabled": true}'), "1e400"),  # row 52
    (('{"t": 1, "command": "rent", "model": "sd15", "count": "2"}', '{"t": 0, "command": "autopilot", '
      '"enabled": true}'), "[count] of command 'rent': expected an integer from 0 to 2^53; found string '2'"),
    (('{"t": 1, "command": "set_price", "content": "image", "cents": NaN}',), "NaN"),  # row 53
    (('{"t": 1, "command": "arrive", "tier": "L1", "contents": "image", "priority": false, "budget_cents": null, '
      '"patience_ms": null}',), "[contents] of command 'arrive': expected a non-empty list"),  # row 56
    (('{"t": 1, "command": "arrive", "tier": "L1", "contents": ["image"], "priority": false, "budget_cents": -5, '
      '"patience_ms": null}',), "[budget_cents]"),
    (("[" * 50_000,), "expected a run's JSON"),
    (("7",), "[commands] expected a list of commands; found integer 7"),
])
def test_a_bad_replay_is_named(tmp_path, records, named, capsys):
    replay = _lines(tmp_path, "bad.jsonl", *records)
    code, err = _run(["run", L1, "--replay", replay, "--until", "10m"], capsys)
    assert code == 2 and f"--replay {replay}" in err and named in err


def test_a_replay_of_another_level_is_refused_and_refusals_are_told(tmp_path, capsys):
    """Row 51: a run recorded on level 3 replayed on level 1 exited 0 with every command refused, silently."""
    cmds = _lines(tmp_path, "v.jsonl", '{"t":600000,"command":"rent","model":"video-gen","count":2}',
                  '{"t":0,"command":"autopilot","enabled":false}')
    r3 = tmp_path / "r3.json"
    assert _run(["run", L3, "--replay", cmds, "--json", str(r3), "--until", "20m"], capsys)[0] == 0
    code, err = _run(["run", L1, "--replay", str(r3), "--until", "20m"], capsys)
    assert code == 2 and "expected a run of the level campaign-01-opening-day; found a run of " \
                         "campaign-03-video-arrives" in err
    code, err = _run(["run", L1, "--replay", cmds, "--until", "20m"], capsys)  # bare commands: run, but say so
    assert code == 0 and "1 of 2 replayed commands were refused" in err and "video-gen" in err


@pytest.mark.parametrize("option", ["--json", "--events"])
def test_outputs_are_checked_before_the_run(tmp_path, option, capsys, monkeypatch):
    """Row 54: --json to a folder failed after the whole run; /dev/full and a missing folder were tracebacks."""
    ran = []
    monkeypatch.setattr(cli, "run_level", lambda *a, **k: ran.append(1))
    (tmp_path / "d").mkdir()
    for target, named in ((tmp_path / "d", "expected a file to write; found a folder"),
                          (tmp_path / "missing" / "x.json", "expected an existing folder to write in"),
                          (Path("/dev/full"), "found a device, pipe or socket"),
                          (Path(""), "expected a file name; found an empty string")):
        code, err = _run(["run", L1, option, str(target) if str(target) != "." else ""], capsys)
        assert code == 2 and option in err and named in err
    assert ran == []


def test_no_output_replaces_an_input_or_another_output(tmp_path, capsys):
    """Row 55: --events X --json X wrote the JSON over the event log; an output may not be the replay or level."""
    level = tmp_path / "level.toml"
    level.write_text((LEVELS_DIR / f"{L1}.toml").read_text())
    replay = _lines(tmp_path, "r.jsonl", '{"t":0,"command":"autopilot","enabled":true}')
    before = {p: Path(p).read_bytes() for p in (str(level), replay)}
    x = str(tmp_path / "x")
    for argv, named in (([ "--events", x, "--json", x], "--json"),
                        (["--json", replay, "--replay", replay], "found the input"),
                        (["--events", str(level)], "found the input")):
        code, err = _run(["run", str(level), "--until", "10m", *argv], capsys)
        assert code == 2 and named in err
    assert {p: Path(p).read_bytes() for p in before} == before
    assert not Path(x).exists()


def test_a_broken_environment_is_named(tmp_path, monkeypatch, capsys):
    """Rows 69-70: RIVER_RESOURCES missing was a traceback; a bad RIVER_MODS entry was silently ignored."""
    monkeypatch.setenv("RIVER_MODS", str(tmp_path / "nope"))
    code, err = _run(["levels"], capsys)
    assert code == 0 and "warning: RIVER_MODS" in err and "no such folder" in err
    monkeypatch.setattr("factory_game.paths.I18N_DIR", tmp_path / "none" / "i18n")
    monkeypatch.setenv("RIVER_RESOURCES", str(tmp_path / "none"))
    code, err = _run(["run", L1, "--until", "10m"], capsys)
    assert code == 2 and "RIVER_RESOURCES" in err and "expected the game's resources folder" in err


def test_new_mod_into_a_file_is_named(tmp_path, capsys):
    """Row 73: --dir a file was a traceback."""
    (tmp_path / "f").write_text("x")
    code, err = _run(["new-mod", "ok", "--dir", str(tmp_path / "f")], capsys)
    assert code == 2 and "found the file" in err
    code, err = _run(["new-mod", "ok", "--dir", str(tmp_path / "f" / "sub")], capsys)
    assert code == 2 and "expected a folder that can be written" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_trace_file_that_never_ends_is_refused(tmp_path, capsys):
    """Row 74: [trace] file = "/dev/zero" read until MemoryError; a FIFO hung validate."""
    source = LEVELS_DIR / "real" / "azure-llm-conv-2023.toml"
    os.mkfifo(tmp_path / "fifo.csv")
    for target in ("/dev/zero", str(tmp_path / "fifo.csv"), str(tmp_path)):
        level = tmp_path / "l.toml"
        text = source.read_text()
        start = text.index("file = ")
        level.write_text(text[:start] + f"file = {json.dumps(target)}" + text[text.index("\n", start):])
        code, err = _run(["validate", str(level)], capsys)
        assert code == 2 and "which is not a regular file" in err


def test_a_second_checkouts_identical_mods_are_no_conflict(tmp_path, monkeypatch, capsys):
    """Row 71: ./mods holding copies of the bundled mods made every mod level fail with 'defined by two folders'."""
    import shutil

    from factory_game.paths import MODS_DIR

    shutil.copytree(MODS_DIR, tmp_path / "mods")
    monkeypatch.chdir(tmp_path)
    code, err = _run(["run", "mods/surge-hour", "--until", "10m"], capsys)
    assert code == 0, err
    (tmp_path / "mods" / "surge-pricing" / "mod.py").write_text("# another mod with the same id\n")
    code, err = _run(["run", "mods/surge-hour", "--until", "10m"], capsys)
    assert code == 2 and "defined by two mod folders" in err
