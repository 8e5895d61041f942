"""The settings remembered between sessions (issue 16 item 10): the UI scale chosen with U and the window size, kept
in `settings.json` as carefully as the progress file: versioned, merged, a bad value costs only itself, never a
crash; `play --ui-scale` overrides the remembered scale."""

from __future__ import annotations

import json

import arcade
import pytest

from factory_game.game import userdata
from factory_game.game.app import campaign_levels, make_game, open_game
from factory_game.game.play import PlayView

from .levels import busy_level


def write(text: str) -> None:
    userdata.settings_file().parent.mkdir(parents=True, exist_ok=True)
    userdata.settings_file().write_text(text, encoding="utf-8")


def on_disk() -> dict:
    return json.loads(userdata.settings_file().read_text(encoding="utf-8"))


def test_none_at_first_then_each_write_changes_only_what_it_names():
    assert userdata.read_settings() == userdata.Settings()
    userdata.write_settings(ui_scale=2)
    userdata.write_settings(window=(1600, 900))
    assert userdata.read_settings() == userdata.Settings(2, (1600, 900))
    assert on_disk() == {"version": 1, "ui_scale": 2, "window": [1600, 900]}
    userdata.write_settings(ui_scale=None)  # back to automatic; the window stays
    assert userdata.read_settings() == userdata.Settings(None, (1600, 900))


@pytest.mark.parametrize(("text", "expected", "named"), [
    ('{"version": 1, "ui_scale": 9, "window": [1600, 900]}', userdata.Settings(None, (1600, 900)), "ui_scale"),
    ('{"version": 1, "ui_scale": 3, "window": [10, "x"]}', userdata.Settings(3, None), "window"),
    ('{"version": 1, "ui_scale": true, "window": [100, 100]}', userdata.Settings(), "ui_scale"),
    ('{"version": 7, "ui_scale": 2}', userdata.Settings(), "settings format 1; found 7"),
    ('{"ui_scale": 2', userdata.Settings(), "not JSON"),
    ('[2]', userdata.Settings(), "expected an object"),
])
def test_a_bad_value_costs_only_itself(text, expected, named):
    write(text)
    settings = userdata.read_settings()
    assert (settings.ui_scale, settings.window) == (expected.ui_scale, expected.window)
    assert settings.damaged is not None and named in settings.damaged


def test_writing_over_a_damaged_file_keeps_it_aside_and_never_writes_a_bad_value():
    write('{"ui_scale": 2')
    userdata.write_settings(ui_scale=3, window=(5, 5))  # the window is not a size: not written
    assert on_disk() == {"version": 1, "ui_scale": 3, "window": None}
    kept = list(userdata.settings_file().parent.glob("settings.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"ui_scale": 2'


def test_an_unwritable_folder_never_stops_the_game(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(userdata, "write_text_atomically", refuse)
    assert userdata.write_settings(ui_scale=2) == userdata.Settings()


def test_u_remembers_the_scale_and_the_next_game_starts_with_it(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    assert game.ui_scale is None
    view = PlayView(game, busy_level())
    window.show_view(view)
    view.on_key_press(arcade.key.U, 0)  # automatic -> 1×
    view.on_hide_view()
    assert game.ui_scale == 1 and userdata.read_settings().ui_scale == 1
    assert make_game(levels=[], lang="en", muted=True, headless=True).ui_scale == 1


def test_play_ui_scale_overrides_the_remembered_one(window):
    userdata.write_settings(ui_scale=1)
    game = open_game(campaign_levels()[0], lang="en", muted=True, headless=True, ui_scale=2)
    assert game.ui_scale == 2 and userdata.read_settings().ui_scale == 1  # an override, not a choice
    assert open_game(campaign_levels()[0], lang="en", muted=True, headless=True).ui_scale == 1


def test_the_window_size_is_remembered_on_quit(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    closed = []
    window_close = type(window).close
    type(window).close = lambda self: closed.append(1)  # the session's one window stays open
    try:
        game.quit()
    finally:
        type(window).close = window_close
    assert closed == [1] and userdata.read_settings().window == tuple(window.get_size())
