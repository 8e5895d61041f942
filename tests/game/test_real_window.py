"""A real window under Xvfb, driven through the X server with xdotool: title -> level select -> a level -> a few
seconds of play -> pause -> the pause menu -> quit to title -> quit; and the paused frame compared with a headless
render of the same moment (the save written at that moment, loaded headless)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from factory_game.game.app import campaign_levels, make_game
from factory_game.game.art import palette
from factory_game.game.play import PlayView
from factory_game.game.screenshot import frame

ROOT = Path(__file__).resolve().parents[2]


def need_xvfb():
    missing = [tool for tool in ("xvfb-run", "xdotool") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the real-window test: {', '.join(missing)} missing (see .ci/run)")
        pytest.skip(f"{', '.join(missing)} not installed here (apt-get install xvfb xdotool); CI runs this test")


def same_share(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels that are exactly the same in two images of one size."""
    diff = ImageChops.difference(a, b).convert("L")
    return diff.histogram()[0] / (a.width * a.height)


@pytest.mark.slow
def test_a_real_window_clicks_through_and_matches_the_headless_render(window, user_data, tmp_path):
    need_xvfb()
    env = {k: v for k, v in os.environ.items() if k not in ("ARCADE_HEADLESS", "DISPLAY", "WAYLAND_DISPLAY")}
    assert env["RIVER_USER_DATA"] == str(user_data)  # the window saves and remembers into the test's folder
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-m",
                           "tests.game.real_window_driver", str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    log = json.loads((tmp_path / "log.json").read_text())
    assert log[:5] == ["start: TitleView", "after choose: LevelSelectView", "after level: BriefingView",
                       "after open: PlayView", "played: PlayView"], log
    assert log[5] == "paused: PlayView" or log[5].startswith("paused"), log
    assert log[6].startswith("saved: True"), log
    assert log[7:] == ["grabbed: PlayView", "ui scale: 2 2", "grabbed 2x: PlayView", "after escape: PauseView",
                       "asked: PauseView", "after quit to title: TitleView", "closed"], log
    real = Image.open(tmp_path / "frame.png").convert("RGB")
    assert real.size == (1280, 720)

    game = make_game(levels=campaign_levels()[:1], lang="en", muted=True, headless=True, seed=5)
    assert game.ui_scale == 2  # the window's U presses were remembered (settings.json) ...
    game.ui_scale = None  # ... but its first frame was grabbed before them, at the automatic scale
    assert game.load_saved() is None
    view = window.current_view
    assert isinstance(view, PlayView) and view.clock.paused
    assert f"at {view.world.now}" in log[6]
    view.clock.set_speed(16)  # the game speed is the player's, not the save's: as it was in the window
    view.hud.refresh(0)
    headless = frame(view)
    view.on_hide_view()
    top_bar = (0, 0, 1280, view.frame.bar_h)  # clock, paused, speeds, money: the same pixels
    assert same_share(real.crop(top_bar), headless.crop(top_bar)) == 1.0
    floor_w = 1280 - view.frame.panel_w  # the floor: the same but for people caught mid-step in the real one
    floor = (0, view.frame.bar_h, floor_w, 720)
    assert same_share(real.crop(floor), headless.crop(floor)) > 0.9

    # play-test bug 1: at UI scale 2 the real window's HUD is the headless one (it was solid white)
    game.ui_scale = 2
    view.on_show_view()
    view.relayout()
    view.hud.refresh(0)
    headless_2x = frame(view)
    view.on_hide_view()
    real_2x = Image.open(tmp_path / "frame_2x.png").convert("RGB")
    scale = view.frame.scale
    assert scale == 2
    top_bar = (0, 0, 1280, view.frame.bar_h * scale)
    assert same_share(real_2x.crop(top_bar), headless_2x.crop(top_bar)) > 0.98
    panel = (1280 - view.frame.panel_w * scale, view.frame.bar_h * scale, 1280, 720)
    assert same_share(real_2x.crop(panel), headless_2x.crop(panel)) > 0.98
    # and it is the HUD's own colours, not washed out by a blend: the top bar between the speeds and the switches
    ink = palette()["ink"][:3]
    assert real_2x.getpixel((750, 10)) == headless_2x.getpixel((750, 10)) == ink
