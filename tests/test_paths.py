"""Where files are: one module finds the bundled data in a wheel or a checkout, the player's directory, and writes
files atomically."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from factory_game import paths
from factory_game.atomic import write_text_atomically

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_each_bundled_folder_where_paths_looks_for_it():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {name: f"factory_game/data/{name}" for name in paths.BUNDLED}


def test_an_installed_package_reads_its_data_folder_and_a_checkout_reads_beside_it(tmp_path):
    package = tmp_path / "site-packages" / "factory_game"
    (package / "data" / "levels").mkdir(parents=True)
    assert paths.data_root(package) == package / "data"
    checkout = tmp_path / "checkout"
    (checkout / "factory_game").mkdir(parents=True)
    assert paths.data_root(checkout / "factory_game") == checkout


def test_this_checkout_finds_its_levels_resources_and_mods():
    assert paths.DATA_ROOT == ROOT
    assert (paths.LEVELS_DIR / "campaign" / "01-opening-day.toml").is_file()
    assert paths.FONT_FILE.is_file() and paths.ATLAS_PNG.is_file() and (paths.I18N_DIR / "en.toml").is_file()
    assert (paths.MODS_DIR / "surge-pricing" / "mod.toml").is_file()


def test_the_user_directory_and_mod_folders_come_from_river_variables(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.USER_DATA_ENV, str(tmp_path / "me"))
    assert paths.user_data_dir() == tmp_path / "me"
    monkeypatch.delenv(paths.USER_DATA_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.user_data_dir() == tmp_path / "xdg" / "river-factory"
    monkeypatch.setenv(paths.MODS_ENV, os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")]))
    assert paths.extra_mod_dirs() == [tmp_path / "a", tmp_path / "b"]
    assert all(name.startswith("RIVER_") for name in (paths.USER_DATA_ENV, paths.MODS_ENV, paths.RESOURCES_ENV))


def test_an_atomic_write_that_fails_keeps_the_old_file_whole_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "deep" / "progress.json"
    write_text_atomically(target, "old")
    assert target.read_text(encoding="utf-8") == "old"

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_text_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["progress.json"]
