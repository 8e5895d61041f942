"""The menus fit the smallest window (640×360, the window's minimum) as well as the usual 1280×720."""

import itertools

import pytest

from factory_game.game.app import campaign_levels, make_game
from factory_game.game.menus import TitleView
from factory_game.game.userdata import save_slot
from factory_game.save import SaveError

SIZES = ((640, 360), (1280, 720))


@pytest.fixture
def sized(window, monkeypatch):
    """Lay views out for a window size: a headless window cannot be resized, so the size they read is set."""
    def resize(width, height):
        monkeypatch.setattr(type(window), "width", property(lambda _self: width))
        monkeypatch.setattr(type(window), "height", property(lambda _self: height))
    return resize


def assert_laid_out(view, size, message):
    """Every button inside the window, none over another, the title above them, the message under them."""
    rects = [b.rect for b in view.buttons]
    for left, bottom, width, height in rects:
        assert 0 <= left and left + width <= size[0] and 0 <= bottom and bottom + height <= size[1]
    for a, b in itertools.combinations(rects, 2):
        assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
    lowest = min(bottom for _, bottom, _, _ in rects)
    said = [label for label in view.labels if label.value.startswith(message)]
    assert said and all(4 <= label.text.y < lowest for label in said)
    top = max(bottom + height for _, bottom, _, height in rects)
    assert view.labels[0].text.y > top  # the heading


def test_the_pause_menu_fits(window, sized):
    game = make_game(levels=campaign_levels()[:1], lang="en", muted=True, headless=True, seed=3)
    play = game.start(campaign_levels()[0])
    for size in SIZES:
        sized(*size)
        play.open_menu()
        menu = window.current_view
        menu._tell("load_failed", error=SaveError("corrupt", "damaged", path=save_slot()))
        assert len(menu.buttons) == 7 and menu.labels[0].value == "Paused"
        assert_laid_out(menu, size, "Could not load")
        menu.back()


def test_the_title_fits(window, sized):
    game = make_game(levels=campaign_levels(), lang="en", muted=True, headless=True)
    for size in SIZES:
        sized(*size)
        game.show_title()
        title = window.current_view
        assert isinstance(title, TitleView)
        title.error = SaveError("corrupt", "damaged", path=save_slot())
        title.build()
        assert len(title.buttons) == 7 and title.labels[0].value == "River Factory"  # with the career
        assert_laid_out(title, size, "Could not load")
        title.on_update(1 / 60)
        title.on_draw()
