"""bench/soak.py --render animates the scene as play at 16× would, so the crowd it measures is the one play shows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import arcade
import pytest

from factory_game.plugins import prepare_level
from factory_game.sim.clock import MINUTE

ROOT = Path(__file__).resolve().parents[2]
LEVEL = ROOT / "levels" / "campaign" / "04-rush-hour.toml"


def _soak_module():
    """bench/ is not a package: load the script as a module (registered, as its dataclass needs)."""
    if "bench_soak" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_soak", ROOT / "bench" / "soak.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_soak"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_soak"]


@pytest.mark.slow
def test_leavers_walk_out_in_play_time_not_hours(window):
    world, render = _soak_module().headless_play_view(prepare_level(LEVEL, lenient=True), None)
    scene = arcade.get_window().current_view.scene
    most = 0
    while world.now < 90 * MINUTE:
        world.advance(world.now + MINUTE)
        render(world)
        most = max(most, len(scene.leavers))
    assert scene.sim_speed == 320  # 16× of 20 simulated seconds per real second
    assert world.metrics.customers > 100
    assert most < 30  # at the paused clock's 1× pace they would take hours to reach the edge: hundreds on screen
