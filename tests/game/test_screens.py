"""Every screen opens and draws headless, the keyboard walks through them, and the screenshot command works."""

import argparse

import arcade

from factory_game.game.app import campaign_levels, make_game
from factory_game.game.commands import add_game_commands
from factory_game.game.menus import BriefingView, LevelSelectView, PauseView, ReportView, TitleView
from factory_game.game.play import PlayView

ENTER, ESC = arcade.key.ENTER, arcade.key.ESCAPE


def press(window, key):
    window.current_view.on_key_press(key, 0)
    window.current_view.on_update(1 / 60)
    window.current_view.on_draw()
    return window.current_view


def test_title_to_report_and_back(window):
    levels = campaign_levels()
    assert levels, "the campaign levels are bundled"
    game = make_game(levels=levels, lang="en", muted=True, headless=True)
    game.show_title()
    window.current_view.on_draw()
    assert isinstance(window.current_view, TitleView)
    assert isinstance(press(window, ENTER), LevelSelectView)
    assert isinstance(press(window, ENTER), BriefingView)
    play = press(window, ENTER)
    assert isinstance(play, PlayView)
    play.step(1 / 30)
    assert isinstance(press(window, ESC), PauseView)
    assert isinstance(press(window, ENTER), PlayView)
    play.world.advance(play.spec.duration_ms)
    play.on_update(1 / 30)
    report = window.current_view
    assert isinstance(report, ReportView)
    report.on_draw()
    assert game.stars[play.spec.id] == report.stars_won
    assert isinstance(press(window, ESC), LevelSelectView)


def test_level_select_locks_until_a_star(window):
    game = make_game(levels=campaign_levels(), lang="zh-CN", muted=True, headless=True)
    assert game.unlocked(0)
    if len(campaign_levels()) > 1:
        assert not game.unlocked(1)
        game.record(game.load(campaign_levels()[0]).id, 1)
        assert game.unlocked(1)


def test_screenshot_command_writes_a_png(window, tmp_path):
    parser = argparse.ArgumentParser()
    add_game_commands(parser.add_subparsers(dest="command"))
    out = tmp_path / "shot.png"
    args = parser.parse_args(["screenshot", str(campaign_levels()[0]), "--at", "10m", "--out", str(out)])
    assert args.handler(args) == 0
    from PIL import Image

    assert Image.open(out).size == (1280, 720)


def test_briefing_names_the_levels_mods_in_the_current_language(window):
    from factory_game.game.paths import LEVELS

    level = LEVELS / "mods" / "mesh-studio.toml"
    game = make_game(levels=[level], lang="zh-CN", muted=True, headless=True)
    game.show_briefing(level)
    texts = [label.value for label in window.current_view.labels]
    assert any(text.startswith("模组：3D 模型") for text in texts)
    game.i18n.set_language("en")
    texts = [label.value for label in window.current_view.labels]
    assert any(text.startswith("Mods: 3D models") for text in texts)
    window.current_view.on_hide_view()
