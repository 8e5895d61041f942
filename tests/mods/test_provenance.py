"""Runs record their mods; --replay and loading a save warn when a mod differs, and refuse when strict."""

import json

import pytest

from factory_game.cli import EXIT_BAD_INPUT, EXIT_OK, main
from factory_game.plugins import prepare_level
from factory_game.report.data import ReportData
from factory_game.report.markdown import markdown
from factory_game.runner import run_level
from factory_game.save import SaveError, load, read, save
from tests.mods.helpers import write_level, write_mod

PRICE = "@hookimpl\ndef river_price(world, customer, task):\n    return {cents}\n"


def recorded_run(mods_dir, tmp_path, capsys):
    folder = write_mod(mods_dir, "flat", PRICE.format(cents=150))
    level = write_level(tmp_path / "l.toml", '"flat"')
    out = tmp_path / "run.json"
    assert main(["run", str(level), "--until", "30m", "--json", str(out)]) == EXIT_OK
    capsys.readouterr()
    return folder, level, out


def test_replay_warns_when_a_mod_changed_and_strict_refuses(mods_dir, tmp_path, capsys):
    folder, level, out = recorded_run(mods_dir, tmp_path, capsys)
    assert main(["run", str(level), "--until", "30m", "--replay", str(out)]) == EXIT_OK
    assert "warning" not in capsys.readouterr().err  # same mod, same files: nothing to say
    (folder / "mod.py").write_text("from factory_game.api import hookimpl\n" + PRICE.format(cents=170),
                                   encoding="utf-8")
    assert main(["run", str(level), "--until", "30m", "--replay", str(out)]) == EXIT_OK
    assert "mod flat 1.0.0: its files changed since the recording" in capsys.readouterr().err
    assert main(["run", str(level), "--until", "30m", "--replay", str(out), "--strict"]) == EXIT_BAD_INPUT
    assert "the mods differ from the recorded run" in capsys.readouterr().err


def test_a_save_records_its_mods_and_loading_checks_them(mods_dir, tmp_path, caplog):
    folder = write_mod(mods_dir, "flat", PRICE.format(cents=150))
    level = prepare_level(write_level(tmp_path / "l.toml", '"flat"'))
    world = level.start()
    world.advance(20 * 60_000)
    slot = save(world, tmp_path / "game.json")
    (mod,) = read(slot).mods
    assert (mod["id"], mod["version"], len(mod["sha256"])) == ("flat", "1.0.0", 64)
    (folder / "mod.toml").write_text((folder / "mod.toml").read_text(encoding="utf-8") + "# edited\n",
                                     encoding="utf-8")
    load(slot)
    assert "mod flat 1.0.0: its files changed" in caplog.text
    with pytest.raises(SaveError, match="the save's mods changed since it was saved"):
        load(slot, strict_mods=True)


def test_the_report_lists_the_mods_and_a_lenient_switch_off(mods_dir, tmp_path):
    write_mod(mods_dir, "boom", "@hookimpl\ndef river_price(world):\n    raise ValueError('nope')\n")
    result = run_level(prepare_level(write_level(tmp_path / "l.toml", '"boom"'), lenient=True), until_ms=600_000)
    assert json.dumps(result.to_json()["mod_failures"][0]["switched_off"]) == "true"
    text = markdown(ReportData.from_run(result))
    assert "## Mods" in text and "boom 1.0.0 (files sha256" in text and "boom 1.0.0 failed in river_price" in text
