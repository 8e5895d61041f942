"""The headless bootstrap: Arcade imports and a window renders."""

import sys

from factory_game.game import platform


def test_headless_arcade_imports():
    assert platform.is_headless()
    assert "arcade" in sys.modules


def test_window_renders_a_frame(window):
    import arcade

    window.clear(color=(10, 20, 30, 255))
    image = arcade.get_image(0, 0, 4, 4)
    assert image.getpixel((1, 1))[:3] == (10, 20, 30)


def test_setup_twice_is_harmless():
    platform.setup(headless=True)
    assert platform.is_headless()


def test_debug_gl_is_off_by_default_in_a_fresh_process():
    import subprocess

    code = (
        "from factory_game.game import platform; platform.setup(headless=True);"
        "import pyglet, sys; print(pyglet.options.debug_gl, 'arcade' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_any_game_module_imported_first_sets_up_headless_arcade():
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "ARCADE_HEADLESS")}
    code = "import factory_game.game.menus, pyglet; print(pyglet.options.headless)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["True"]
