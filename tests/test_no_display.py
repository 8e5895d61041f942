"""``factory-game play`` with no display says what is wrong and what to do, and exits 2 at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("env_change, args", [
    ({}, []),
    ({"DISPLAY": ":0", "ARCADE_HEADLESS": "1"}, ["--ui-scale", "2"]),
])
def test_play_without_a_display_exits_2_with_what_to_do(env_change, args):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "ARCADE_HEADLESS")}
    env.update(env_change)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "factory_game", "play", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=20)
    took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    for hint in ("needs a display", "factory-game run", "factory-game screenshot", "xvfb-run"):
        assert hint in done.stderr
    assert "Traceback" not in done.stderr
    assert took < 3.0, f"took {took:.1f} s (the brief: within a second on an idle machine)"
