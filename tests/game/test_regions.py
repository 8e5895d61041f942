"""The play screen is cut into Arcade sections (`game/regions.py`): each region has its own rectangle, draws its own
widgets and takes the clicks inside it; the tooltip is drawn last on its own backing; the game's modules import one
another without a circle, counting imports under TYPE_CHECKING."""

import arcade
import grimp
import pytest

from factory_game.game.app import make_game
from factory_game.game.art import palette
from factory_game.game.play import PlayView
from factory_game.game.screenshot import frame

from .levels import busy_level


@pytest.fixture
def play(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    window.show_view(view)
    yield view
    view.on_hide_view()


def rect(section):
    return section.left, section.bottom, section.right, section.top


def test_the_regions_tile_the_window(play):
    names = {s.name for s in play.section_manager.sections}
    assert names == {"floor", "goals", "levers", "incident", "timeline", "top", "panel", "inspector", "tooltip"}
    assert all(isinstance(s, arcade.Section) for s in play.section_manager.sections)
    r = play.regions
    width, height = play.window.get_size()
    # floor, goals strip and top bar stack up the left; the side panel beside them, all the way to the bar
    assert r["floor"].bottom == 0 and r["floor"].top == r["goals"].bottom
    assert r["goals"].top == r["top"].bottom and r["top"].top == height
    assert r["floor"].right == r["goals"].right == r["panel"].left and r["panel"].right == width
    assert r["panel"].top == r["top"].bottom
    # the inspector lies inside the panel
    assert r["panel"].left <= r["inspector"].left and r["inspector"].right <= r["panel"].right
    assert not r["levers"].enabled  # closed: the floor takes the clicks
    assert not r["timeline"].enabled  # only while a recorded run is watched
    play.on_key_press(arcade.key.G, 0)
    assert r["levers"].enabled and rect(r["levers"]) == rect(r["floor"])
    play.on_key_press(arcade.key.G, 0)
    assert not r["levers"].enabled


def test_a_click_reaches_only_the_region_under_it(play):
    card = play.hud.cards[0]
    left, bottom, width, height = card.rent.rect
    x, y = left + width / 2, bottom + height / 2
    assert not play.hud.click(x, y, region="top")  # the rent button is not the top bar's
    play.on_mouse_press(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    play.on_mouse_release(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    assert any(item[1] == "rent" for item in play.alerts.items)
    assert play.selected is None  # a click on the panel selects nothing on the floor under it
    # a click on the floor selects there and presses no button
    station = next(iter(play.scene.slot_sprites.values()))
    fx, fy = play.camera.to_window(*station.home)
    play.on_mouse_press(fx, fy, arcade.MOUSE_BUTTON_LEFT, 0)
    play.on_mouse_release(fx, fy, arcade.MOUSE_BUTTON_LEFT, 0)
    assert play.selected == ("station", station.slot_id)


def test_the_tooltip_is_drawn_last_on_a_backing_and_wrapped(play):
    """Play-test bug 10: a long tip overprinted the panel's text and ran into the side panel."""
    play.on_key_press(arcade.key.G, 0)  # the levers panel, whose contract buttons have the longest tip
    hud = play.hud
    button = next(b for b in hud.buttons if b.tooltip == "lever.sign_contract_tip")
    left, bottom, width, height = button.rect
    play.on_mouse_motion(left + width / 2, bottom + height / 2, 0, 0)
    hud.refresh(0)
    shown = [label for label in hud.tooltip_lines if label.visible]
    assert shown and hud.tooltip_box.visible
    box = hud.tooltip_box
    assert box.width <= max(160, play.frame.width // 3) + 12
    assert play.regions["tooltip"].draw_order == max(s.draw_order for s in play.section_manager.sections)
    image = frame(play)
    k = play.frame.scale
    white = palette()["white"][:3]
    inside = image.crop((int(box.left * k) + 2, image.height - int(box.top * k) + 2,
                         int(box.right * k) - 2, image.height - int(box.bottom * k) - 2))
    assert white not in {colour for _count, colour in inside.getcolors(1 << 16)}, "text shows through the tooltip"


def test_no_import_circle_among_the_games_modules_counting_type_checking():
    graph = grimp.build_graph("factory_game", exclude_type_checking_imports=False)
    game = sorted(m for m in graph.modules if m.startswith("factory_game.game"))
    circles = [(a, b) for a in game for b in graph.find_modules_directly_imported_by(a)
               if b.startswith("factory_game.game") and graph.chain_exists(importer=b, imported=a)]
    assert circles == []
