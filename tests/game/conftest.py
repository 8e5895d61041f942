"""One headless Arcade window for the whole game test session (creating GL contexts is slow)."""

from __future__ import annotations

import pytest

from factory_game.game import platform

platform.setup(headless=True, debug_gl=True)


@pytest.fixture(scope="session")
def window():
    import arcade

    win = arcade.Window(1280, 720, "River Factory tests", visible=False, antialiasing=False)  # as the game opens it
    yield win
    win.close()


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    """Save slot and progress file in a temporary directory, never the tester's own."""
    from factory_game.paths import USER_DATA_ENV

    directory = tmp_path / "userdata"
    monkeypatch.setenv(USER_DATA_ENV, str(directory))
    return directory


@pytest.fixture
def sized(window, monkeypatch):
    """Lay the HUD out for a window size: a headless window cannot be resized, so the size it reads is set."""
    def resize(width, height):
        monkeypatch.setattr(type(window), "width", property(lambda _self: width))
        monkeypatch.setattr(type(window), "height", property(lambda _self: height))
        monkeypatch.setattr(type(window), "get_size", lambda _self: (width, height))
    return resize
