"""check-mod and assert_deterministic: runs in separate processes that differ in hash seed, wall-clock time and
import order (modding-review rows 11a-11f and 12: module-global state, time at import, set order)."""

import pytest

from factory_game.cli import main
from factory_game.modcheck import check_level
from factory_game.testing import assert_deterministic
from tests.mods.helpers import write_level, write_mod

HOUR = 3_600_000


def level_with(mods_dir, tmp_path, code):
    write_mod(mods_dir, "m", code)
    return write_level(tmp_path / "l.toml", '"m"')


def test_a_deterministic_mod_passes(mods_dir, tmp_path):
    level = level_with(mods_dir, tmp_path, """
        @hookimpl
        def river_price(world, task, rng, state):
            state["n"] = state.get("n", 0) + 1
            return 100 + rng.randrange(50) + state["n"] % 3
        """)
    report = check_level(level, until_ms=HOUR)
    assert report.problems == [], str(report)
    assert len(assert_deterministic(level, until_ms=HOUR)) == 64


def test_module_global_state_is_named_with_the_first_event_and_hook(mods_dir, tmp_path):
    level = level_with(mods_dir, tmp_path, """
        CALLS = [0]

        @hookimpl
        def river_price(world):
            CALLS[0] += 1
            return 100 + CALLS[0]
        """)
    with pytest.raises(AssertionError) as caught:
        assert_deterministic(level, until_ms=HOUR)
    text = str(caught.value)
    assert "keeps state between runs" in text
    assert "first different event #" in text and "the hook called just before it: mod m river_price" in text


def test_time_at_import_differs_between_processes(mods_dir, tmp_path):
    level = level_with(mods_dir, tmp_path, """
        import time
        STAMP = int(time.time() * 1000) % 97  # read at import, outside any hook: only other processes show it

        @hookimpl
        def river_price(world):
            return 100 + STAMP
        """)
    report = check_level(level, until_ms=HOUR, hash_seeds=1)
    assert any("another process differs with the same hash seed" in p for p in report.problems), str(report)


def test_set_order_is_named_as_hash_seed_dependence(mods_dir, tmp_path):
    level = level_with(mods_dir, tmp_path, """
        NAMES = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}

        @hookimpl
        def river_price(world):
            return 100 + list(NAMES).index("alpha")
        """)
    report = check_level(level, until_ms=HOUR)
    assert any("depends on Python's hash seed" in p for p in report.problems), str(report)
    assert not any("keeps state" in p for p in report.problems)


def test_time_in_a_hook_is_the_named_failure(mods_dir, tmp_path):
    level = level_with(mods_dir, tmp_path, """
        import time

        @hookimpl
        def river_price(world):
            return 100 + int(time.time()) % 7
        """)
    report = check_level(level, until_ms=HOUR, hash_seeds=1)
    assert any("time.time() called inside a hook" in p and "mod m 1.0.0 failed in river_price" in p
               for p in report.problems), str(report)


def test_check_mod_command(mods_dir, tmp_path, capsys):
    level_with(mods_dir, tmp_path, "@hookimpl\ndef river_price(world):\n    return 120\n")
    assert main(["check-mod", "m", str(tmp_path / "l.toml"), "--until", "30m", "--hash-seeds", "1"]) == 0
    assert "deterministic (5 runs in 4 separate processes agree)" in capsys.readouterr().out
    assert main(["check-mod", "m"]) == 2
    assert "no level uses mod m" in capsys.readouterr().err
