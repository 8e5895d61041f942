"""bench/balance.py, the search over static policies: a policy becomes the timed commands a player would give, a
small search runs end to end and names what it covered, and a wrong level is refused with exit 2."""

from __future__ import annotations

import importlib.util
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import Release, Rent, SetPrice

BENCH = Path(__file__).resolve().parents[2] / "bench" / "balance.py"


def _balance():
    spec = importlib.util.spec_from_file_location("balance", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["balance"] = module  # the process pool pickles its functions by module name
    spec.loader.exec_module(module)
    return module


def test_a_static_policy_is_timed_commands_around_the_announced_event():
    balance = _balance()
    spec, space, references = balance._level("04-rush-hour")
    assert space.events == ((90, 150, ("sd15",)),)  # the rush: 1h30 to 2h30
    params = {"price.image": 1.8, "ev0.sd15.n": 6, "ev0.sd15.start": -5, "ev0.sd15.stop": 20}
    assert balance.commands(space, params, references) == [
        (0, SetPrice("image", 90)), (85 * MINUTE, Rent("sd15", 6)), (170 * MINUTE, Release("sd15", 6))]
    held = balance.commands(space, {**params, "ev0.sd15.stop": balance.HOLD}, references)
    assert held[-1] == (85 * MINUTE, Rent("sd15", 6))  # held to closing: no release


def test_every_sampled_policy_uses_only_the_levels_levers():
    balance = _balance()
    space = balance._level("03-video-arrives")[1]  # contracts only (renting is always open)
    rng = random.Random(1)
    keys = {key for _ in range(50) for key in balance.sample(space, rng)}
    assert not any(key.startswith(("price.", "cap.", "surcharge", "prompt", "close")) for key in keys)
    assert "contract.video-gen" in keys


def test_a_small_search_runs_and_says_what_it_covered():
    balance = _balance()
    with ProcessPoolExecutor(max_workers=1) as pool:
        row = balance.search(pool, "01-opening-day", 4, 4, random.Random(3))
    assert row["covered"] == len(balance.grid(balance._level("01-opening-day")[1])) + 4 + 4
    assert len(row["best_stars"]) == len(balance.CONFIRM_SEEDS) == len(row["expert_stars"])
    assert all(0 <= s <= 3 for s in row["best_stars"])


def test_an_unknown_level_is_refused_with_exit_2(capsys):
    assert _balance().main(["--levels", "99"]) == 2
    assert "unknown level(s) ['99']" in capsys.readouterr().err
