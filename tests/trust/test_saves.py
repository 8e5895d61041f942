"""A save is a passive document: every hand edit is refused by name (never a TypeError, a hang or code run), and
a game only writes saves that Load accepts. (reliability-review.md rows 2, 5-12, 14a.)"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path

import pytest

from factory_game import atomic
from factory_game.level.bundled import LEVELS_DIR
from factory_game.plugins import prepare_level
from factory_game.save import SaveError, _checksum, load, read, save
from factory_game.sim.commands import Rent, SetPrice

LEVEL = LEVELS_DIR / "campaign" / "01-opening-day.toml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict:
    """A real save of level 1 at 30 min with two player commands (the review's mksave.py)."""
    level = prepare_level(LEVEL)
    world = level.start()
    level.replay(world, [(60_000, Rent("sd15", 2)), (120_000, SetPrice("image", 70))], 30 * 60_000)
    path = tmp_path_factory.mktemp("save") / "save.json"
    save(world, path, LEVEL)
    return json.loads(path.read_text())


def _signed(tmp_path: Path, body: dict, edit) -> Path:
    body = json.loads(json.dumps(body))
    edit(body)
    body["checksum"] = _checksum(body)
    path = tmp_path / "save.json"
    path.write_text(json.dumps(body))
    return path


@pytest.mark.parametrize("edit, named", [
    (lambda b: b["commands"][0].update(count="2"), "[commands.0.count] expected an integer"),
    (lambda b: b["commands"][0].update(count=2.5), "[commands.0.count] expected an integer"),
    (lambda b: b["commands"][0].update(model=["sd15"]), "[commands.0.model] expected a non-empty string"),
    (lambda b: b["commands"][1].update(cents=float("nan")), "[commands.1.cents]"),
    (lambda b: b["commands"].append(7), "[commands.2]"),
    (lambda b: b["commands"][0].update(command={}), "[commands.0] expected a command; found [command] expected one"),
    (lambda b: b["level"].update(bundled=None, path="a\x00b", text="x"), "[level.path]"),
    (lambda b: b["level"].update(bundled=None, path="evil.toml", text="x"), "[level.path]"),
    (lambda b: b["level"].update(bundled=None, path="/x/level.toml", text="other"), "[level.text]"),
    (lambda b: b["level"].update(bundled="../../../../etc/passwd"), "[level.bundled]"),
    (lambda b: b.update(seed=-1), "[seed]"),
    (lambda b: b.update(seed=2**64), "[seed]"),
    (lambda b: b.update(time_ms=10**15), "[time_ms]"),
], ids=["count-string", "count-float", "model-list", "cents-nan", "command-not-a-table", "command-name-a-table",
        "nul-path", "relative-path", "text-not-the-level", "bundled-escapes", "seed-negative", "seed-huge",
        "time-beyond-any-level"])
def test_an_edited_save_is_refused_by_name(tmp_path, saved, edit, named):
    path = _signed(tmp_path, saved, edit)
    with pytest.raises(SaveError) as caught:
        load(path)
    assert caught.value.kind == "corrupt" and named in str(caught.value)


def test_time_is_bounded_by_the_level_and_load_ends(tmp_path, saved):
    """Row 8: 10**15 ms hung Load; a moment past a level with goals is refused before any replay."""
    path = _signed(tmp_path, saved, lambda b: b.update(time_ms=4 * 3_600_000))
    started = time.monotonic()
    with pytest.raises(SaveError, match=r"\[time_ms\] expected a moment within the level's"):
        load(path)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("content", ["[" * 100_000, '{"seed": ' + "9" * 5000 + "}"], ids=["deep", "digits"])
def test_unsigned_garbage_is_damaged_not_a_crash(tmp_path, content):
    path = tmp_path / "save.json"
    path.write_text(content)
    with pytest.raises(SaveError) as caught:
        read(path)
    assert caught.value.kind == "corrupt"


def test_a_bom_is_no_damage(tmp_path, saved):
    path = tmp_path / "save.json"
    path.write_text("\ufeff" + json.dumps(saved), encoding="utf-8")
    assert load(path).now == 30 * 60_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_level_path_that_never_ends_is_refused(tmp_path, saved):
    """Row 9: a FIFO or /dev/zero as the save's level blocked Load or read for ever."""
    fifo = tmp_path / "level.toml"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero")):
        path = _signed(tmp_path, saved, lambda b, t=target: (b.update(version=1),  # format 1: no text to fall back on
                                                             b["level"].update(bundled=None, path=str(t))))
        with pytest.raises(SaveError) as caught:
            load(path)
        assert caught.value.kind == "level_unreadable"


def test_a_save_runs_no_code_from_the_working_directory(tmp_path, saved, monkeypatch):
    """Row 10 (SV3): save -> level -> ./mods of the working directory ran the mod's Python on Load."""
    poc = tmp_path / "poc"
    (poc / "mods" / "pwn").mkdir(parents=True)
    (poc / "mods" / "pwn" / "mod.toml").write_text(
        'id = "pwn"\nversion = "0.1.0"\napi = [1]\nname = { en = "pwn", zh-CN = "pwn" }\n'
        'description = { en = "x", zh-CN = "x" }\nauthor = "x"\n')
    (poc / "mods" / "pwn" / "mod.py").write_text(
        'import pathlib; pathlib.Path(__file__).parents[2].joinpath("PWNED").write_text("ran")\n')
    evil = poc / "evil.toml"
    evil.write_text(LEVEL.read_text().replace('id = "campaign-01-opening-day"',
                                              'id = "campaign-01-opening-day"\nmods = ["pwn"]', 1))
    sha = hashlib.sha256(evil.read_bytes()).hexdigest()
    path = _signed(tmp_path, saved, lambda b: b["level"].update(bundled=None, path=str(evil), sha256=sha,
                                                                 text=evil.read_text()))
    monkeypatch.chdir(poc)
    with pytest.raises(SaveError, match="a save loads no code from there") as caught:
        load(path)
    assert caught.value.kind == "level_broken"
    assert not (poc / "PWNED").exists()
    evil.unlink()  # the level's file gone: the text the save carries is replayed, and still runs no such mod
    with pytest.raises(SaveError, match="a save loads no code from there"):
        load(path)
    assert not (poc / "PWNED").exists()


def test_a_game_with_a_bad_seed_writes_no_save(tmp_path):
    """Row 12: a game with seed -1 saved a file that Load always refused."""
    level = prepare_level(LEVEL)
    world = level.start(-1)
    with pytest.raises(SaveError) as caught:
        save(world, tmp_path / "neg.json", LEVEL)
    assert caught.value.kind == "write_failed" and "seed -1" in str(caught.value)
    assert not (tmp_path / "neg.json").exists()


def test_atomic_writes_clean_stale_leftovers_and_respect_the_umask(tmp_path):
    """Rows 2 and 14a: a killed writer's temporary file stayed for ever; saves were always 0600."""
    target = tmp_path / "save.json"
    stale, fresh = tmp_path / ".save.json.old.tmp", tmp_path / ".save.json.live.tmp"
    for leftover in (stale, fresh):
        leftover.write_text("x")
    old = time.time() - atomic.STALE_S - 10
    os.utime(stale, (old, old))
    previous = os.umask(0o022)
    try:
        atomic.write_text_atomically(target, "hello")
    finally:
        os.umask(previous)
    assert target.read_text() == "hello"
    assert not stale.exists() and fresh.exists()  # a young one may be another writer's, in progress
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_huge_save_is_refused_before_reading(tmp_path):
    """Row 13: a 300 MB save was read whole (4 s, 1.2 GB)."""
    path = tmp_path / "save.json"
    with open(path, "wb") as handle:
        handle.truncate(300 * 2**20)  # sparse: no disk used
    started = time.monotonic()
    with pytest.raises(SaveError, match="expected a save of at most 64 MB; found 300 MB") as caught:
        read(path)
    assert caught.value.kind == "corrupt" and time.monotonic() - started < 1


def test_a_user_data_folder_that_is_a_file_is_named(tmp_path, monkeypatch):
    """Row 19: Save said '…/save.json: File exists'."""
    from factory_game.game import userdata

    (tmp_path / "ud").write_text("a file")
    monkeypatch.setenv("RIVER_USER_DATA", str(tmp_path / "ud"))
    world = prepare_level(LEVEL).start()
    with pytest.raises(SaveError, match="expected a folder to save in; found the file") as caught:
        save(world, userdata.save_slot(), LEVEL)
    assert caught.value.kind == "write_failed"
