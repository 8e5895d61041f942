"""`factory-game new-mod`: the scaffold, built in a temporary folder, installs, loads through its entry point and
passes its own tests (which use factory_game.testing)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory_game.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_scaffold_installs_loads_and_passes_its_own_test(tmp_path, capsys):
    where = tmp_path / "glow"
    assert main(["new-mod", "glow", "--dir", str(where)]) == 0
    assert (where / "river_glow" / "icon.png").stat().st_size > 0
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(where)], check=True, cwd=tmp_path)
    assert (site / "river_glow" / "mod.toml").is_file() and (site / "river_glow" / "levels" / "demo.toml").is_file()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    listed = subprocess.run([sys.executable, "-m", "factory_game", "mods", "--json"], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert '"id": "glow"' in listed.stdout and '"river_price"' in listed.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(where / "tests")],
                           env=env, cwd=tmp_path, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout


def test_new_mod_refuses_a_bad_name_or_a_full_folder(tmp_path, capsys):
    assert main(["new-mod", "Bad Name", "--dir", str(tmp_path / "x")]) == 2
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["new-mod", "ok", "--dir", str(tmp_path / "full")]) == 2
    assert "expected a new or empty folder for the mod; found" in capsys.readouterr().err
