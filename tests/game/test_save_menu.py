"""Saving and loading from the pause menu: the loaded game carries on exactly as the saved one would have."""

import json

from factory_game.game.app import campaign_levels, make_game
from factory_game.game.menus import PauseView, TitleView
from factory_game.game.play import LEDGER_WINDOW, PlayView
from factory_game.game.userdata import save_slot
from factory_game.save import VERSION
from factory_game.sim.events import EventLog


def start(window):
    game = make_game(levels=campaign_levels()[:1], lang="en", muted=True, headless=True, seed=3)
    play = game.start(campaign_levels()[0], speed=16)
    for _ in range(60):
        play.step(1 / 30)
    play.rent(play.hud.cards[0].model_id)
    play.toggle_autopilot()  # on: a loaded game must keep the player's switch as it was
    for _ in range(30):
        play.step(1 / 30)
    return game, play


def test_the_played_world_keeps_a_window_of_the_ledger(window):
    _game, play = start(window)
    assert play.world.ledger.entries.maxlen == LEDGER_WINDOW


def test_save_and_load_from_the_pause_menu_continue_identically(window):
    game, play = start(window)
    play.open_menu()
    menu = window.current_view
    assert isinstance(menu, PauseView)
    menu.save()
    assert save_slot().is_file() and menu.status == ("saved", {})
    saved_at = play.world.now
    menu.load()
    loaded = window.current_view
    assert isinstance(loaded, PlayView) and loaded is not play
    assert loaded.clock.paused and loaded.hud.paused_label.visible  # a loaded game starts paused
    assert loaded.world.now == saved_at and loaded.world.autopilot_enabled
    assert loaded.world.ledger.entries.maxlen == LEDGER_WINDOW
    people = loaded.scene.customers
    assert set(people) == set(loaded.world.customers) and all(p.arrived for p in people.values())  # no walk-in
    logs = []
    for world in (play.world, loaded.world):
        log = EventLog()
        world.subscribe(log)
        world.advance(saved_at + 30 * 60_000)
        logs.append((world.now, log.count, log.hexdigest(), world.ledger.cash_cents))
    assert logs[0] == logs[1] and logs[0][1] > 0
    loaded.on_hide_view()


def test_a_broken_save_is_an_alert_not_a_crash(window):
    game, play = start(window)
    play.open_menu()
    menu = window.current_view
    menu.save()
    body = json.loads(save_slot().read_text())
    body["version"] = 99
    save_slot().write_text(json.dumps(body))
    menu.load()
    assert window.current_view is menu
    assert menu.status[0] == "load_failed" and menu.status[1]["error"].kind == "newer_version"
    assert play.alerts.items[0][1] == "load_failed"
    assert said(menu, "Could not load the save: it was saved by a newer version of the game")
    assert play.alerts.lines(game.i18n, 1)[0][0].endswith(
        f"save format 99; this one reads up to {VERSION}). Update the game to load it")
    game.i18n.set_language("zh-CN")  # what is on screen is said again in the other language
    assert said(menu, "无法读取存档：存档由更新版本的游戏保存")
    assert f"存档格式 99，本版本最高支持 {VERSION}" in play.alerts.lines(game.i18n, 1)[0][0]
    game.i18n.set_language("en")
    save_slot().write_text("{ truncated")
    game.show_title()
    title = window.current_view
    assert isinstance(title, TitleView)
    title.load()
    assert window.current_view is title and title.error.kind == "corrupt"
    assert said(title, "Could not load the save: the save is damaged or cut short")
    game.i18n.set_language("zh-CN")
    assert said(title, "无法读取存档：存档已损坏或不完整")
    title.on_draw()


def said(view, text):
    """Whether a line on the screen starts with ``text``."""
    return any(label.value.startswith(text) for label in view.labels)

