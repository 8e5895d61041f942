"""The camera and the window: wheel zoom in integer steps, drag and arrow pan kept within the floor, a reset key;
more floor (not bars) between zoom steps; the HUD at an integer UI scale, legible from 640×360 to 2560×1440."""

import arcade
import pytest

from factory_game.game.app import make_game
from factory_game.game.camera import HudFrame, auto_ui_scale
from factory_game.game.play import PlayView

from .levels import busy_level


@pytest.fixture
def play(window, sized):
    sized(1280, 720)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    window.show_view(view)
    view.step(1 / 30)
    yield view
    view.on_hide_view()


def test_the_wheel_zooms_in_integer_steps_about_the_mouse(play):
    cam = play.camera
    cam.zoom_by(2)  # zoomed in far enough that the view can move both ways
    start = cam.zoom
    x, y = 300, 300
    under = cam.to_floor(x, y)
    play.on_mouse_scroll(x, y, 0, 1)
    assert cam.zoom == start + 1 and isinstance(cam.zoom, int)
    fx, fy = cam.to_floor(x, y)
    assert abs(fx - under[0]) <= 1 and abs(fy - under[1]) <= 1  # the point under the mouse stays put
    for _ in range(10):
        play.on_mouse_scroll(x, y, 0, -1)
    assert cam.zoom == 1
    play.on_draw()


def test_drag_and_arrows_pan_within_the_floor_and_home_resets(play):
    cam, lay = play.camera, play.scene.layout
    cam.zoom_by(2)
    before = cam.centre
    play.on_mouse_press(400, 300, arcade.MOUSE_BUTTON_LEFT, 0)
    play.on_mouse_drag(460, 300, 60, 0, arcade.MOUSE_BUTTON_LEFT, 0)
    play.on_mouse_release(460, 300, arcade.MOUSE_BUTTON_LEFT, 0)
    assert cam.centre[0] < before[0] and play.selected is None  # a drag pans and selects nothing
    for _ in range(100):
        play.on_key_press(arcade.key.RIGHT, 0)
        play.on_key_press(arcade.key.UP, 0)
    seen_w, seen_h = cam.area[0] / cam.zoom, cam.area[1] / cam.zoom
    assert cam.left + seen_w <= lay.width + 1 and cam.bottom + seen_h <= lay.height + 1  # never past the floor
    assert cam.left == round(cam.left) and cam.bottom == round(cam.bottom)  # whole pixels: crisp sprites
    play.on_key_press(arcade.key.HOME, 0)
    assert cam.zoom == cam.fit_zoom and cam.centre == (lay.width / 2, lay.height / 2)


@pytest.mark.parametrize("size", [(1000, 700), (1400, 800), (1920, 1080)])
def test_sizes_between_zoom_steps_show_more_floor_not_bars(play, sized, size):
    sized(*size)
    play.on_resize(*size)
    cam = play.camera
    area = play.frame.floor_area(play.hud.manager.goals.height)
    cam.zoom_by(3)  # zoomed in, the floor overflows the view: every window pixel of the area shows floor
    assert cam.target[0] * cam.zoom >= area[0] and cam.target[1] * cam.zoom >= area[1]
    assert cam.area == area


def test_ui_scale_is_automatic_and_can_be_chosen(play, sized):
    assert auto_ui_scale(1280, 720) == 1 and auto_ui_scale(1920, 1080) == 1 and auto_ui_scale(2560, 1440) == 2
    frame = HudFrame.of(2560, 1440)
    assert frame.scale == 2 and (frame.width, frame.height) == (1280, 720) and not frame.small
    sized(1920, 1080)
    play.on_resize(1920, 1080)
    assert play.frame.scale == 1
    play.on_key_press(arcade.key.U, 0)  # auto -> 1
    play.on_key_press(arcade.key.U, 0)  # 1 -> 2 (as far as the window allows: 1920 // 640 = 3)
    assert play.frame.scale == 2 and play.frame.small  # 960×540 UI pixels: the compact HUD at twice the size
    assert play.hud.cards[0].name.value
    play.on_draw()


@pytest.mark.parametrize("size", [(640, 360), (2560, 1440)])
def test_the_hud_text_is_legible_at_the_extremes(play, sized, size):
    """16 px Unifont at least, scaled by whole steps: 16 window px at 640×360, 32 at 2560×1440."""
    sized(*size)
    play.on_resize(*size)
    frame = play.frame
    assert frame.scale == (2 if size[0] == 2560 else 1)
    heights = [label.text.content_height * frame.scale for label in play.hud.labels if label.visible and label.value]
    assert heights and min(heights) >= 16 * frame.scale
    play.on_draw()
