"""The compiled core (python -m factory_game.build_core) gives byte-identical results to the pure-Python modules,
and the switch back to pure Python works. The comparison runs only where the core is built (CI builds it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory_game.sim import core
from factory_game.sim.core import COMPILED, is_compiled, pure_reason
from tests.golden.cases import cases

ROOT = Path(__file__).resolve().parents[1]
built = pytest.mark.skipif(not is_compiled(), reason=f"compiled core not in use: {pure_reason() or 'not built'}")

_ALL_CASES = """
import json
from tests.golden.cases import cases, run_case
from factory_game.sim.core import is_compiled
print(json.dumps({"compiled": is_compiled(),
                  "cases": {case.name: run_case(case) for case in cases()}}, sort_keys=True))
"""


def _golden_runs(pure: bool) -> dict:
    env = {**os.environ, "RIVER_PURE": "1" if pure else "0", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _ALL_CASES], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


@built
def test_every_hot_module_is_compiled():
    import importlib

    for name in COMPILED:
        module = importlib.import_module(f"factory_game.sim.{name}")
        assert not (module.__file__ or "").endswith(".py"), name


@built
def test_golden_cases_are_byte_identical_compiled_and_pure():
    compiled, pure = _golden_runs(pure=False), _golden_runs(pure=True)
    assert compiled["compiled"] and not pure["compiled"]
    assert compiled["cases"].keys() == pure["cases"].keys() == {case.name for case in cases()}
    for name, record in compiled["cases"].items():  # summary, goals, commands, the event-log hash: every byte
        assert json.dumps(record, sort_keys=True) == json.dumps(pure["cases"][name], sort_keys=True), name


def test_river_pure_forces_the_pure_modules():
    env = {**os.environ, "RIVER_PURE": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", "from factory_game.sim import world; print(world.__file__)"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("world.py")


def test_a_build_older_than_its_sources_is_not_used(tmp_path, monkeypatch):
    for name in COMPILED:
        (tmp_path / f"{name}.py").write_text(f"# {name}\n")
    monkeypatch.setattr(core, "_SIM", tmp_path)
    monkeypatch.delenv("RIVER_PURE", raising=False)
    assert pure_reason() is None  # nothing built
    stamp = {name: core.source_digest(name) for name in COMPILED}
    (tmp_path / core.STAMP).write_text(json.dumps(stamp))
    assert pure_reason() is None  # built from these very sources
    (tmp_path / "world.py").write_text("# world, edited after the build\n")
    assert pure_reason() == ("changed since the compiled build: world "
                             "(rebuild: python -m factory_game.build_core)")


def test_the_fields_stats_merge_walks_are_its_slots():
    code = "from factory_game.sim import stats; print(stats._STATS_FIELDS == stats.Stats.__slots__)"
    env = {**os.environ, "RIVER_PURE": "1", "PYTHONPATH": str(ROOT)}  # a compiled Stats has no __slots__ to read
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_exponential_draw_is_random_expovariate():
    import random

    from factory_game.sim.distributions import exponential

    ours, theirs = random.Random(7), random.Random(7)
    for rate in (1e-6, 0.003, 1.0, 250.0) * 500:
        assert exponential(ours, rate) == theirs.expovariate(rate)  # the same float, bit for bit
