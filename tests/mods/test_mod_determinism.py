"""Modded runs are as reproducible as any: same level and seed, same event-log hash, in another process under
another PYTHONHASHSEED too (mods draw only from the world's named streams)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory_game.plugins import prepare_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR

ROOT = Path(__file__).resolve().parents[2]
MOD_LEVELS = sorted((ROOT / "levels" / "mods").glob("*.toml"))
SCRIPT = ("import sys; from factory_game.plugins import prepare_level; from factory_game.runner import run_level;"
          "spec, rules, session = prepare_level(sys.argv[1]);"
          f"print(run_level(spec, until_ms={HOUR}, mods=session).event_hash)")


def test_there_is_a_level_per_example_mod():
    used = {mod for path in MOD_LEVELS for mod, _v in prepare_level(path).spec.mods}
    assert used == {p.name for p in (ROOT / "mods").iterdir() if (p / "mod.toml").is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("level", MOD_LEVELS, ids=lambda p: p.stem)
def test_same_hash_in_another_process_and_hash_seed(level):
    spec, _rules, session = prepare_level(level)
    here = run_level(spec, until_ms=HOUR, mods=session).event_hash
    hashes = set()
    for hash_seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(level)], capture_output=True, text=True, env=env,
                             cwd=ROOT, check=True)
        hashes.add(out.stdout.strip())
    assert hashes == {here}
