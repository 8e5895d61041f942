"""The title moves (screens flicker, coins hop, the parade walks); the level select tells what a level is about."""

from factory_game.game.app import make_game
from factory_game.game.menus import LevelSelectView, TitleView


def test_the_title_shows_the_factory_at_work(window):
    game = make_game(lang="en", muted=True, headless=True)
    game.show_title()
    title = window.current_view
    assert isinstance(title, TitleView)
    seen_textures, coins = set(), 0
    for _ in range(90):
        title.on_update(1 / 30)
        seen_textures |= {id(s.texture) for s in title.stations}
        coins = max(coins, len(title.coins))
    assert len(seen_textures) == 2 and coins >= 1
    title.on_draw()


def test_the_level_select_describes_the_level_under_the_mouse(window):
    game = make_game(lang="en", muted=True, headless=True)
    game.show_levels()
    view = window.current_view
    assert isinstance(view, LevelSelectView)
    first = [label.value for label in view.about]
    assert first[0] and "goals" in first[-1]
    left, bottom, width, height = view.buttons[3].rect
    view.on_mouse_motion(left + 5, bottom + 5, 0, 0)
    path, spec = view.level_of[3]
    assert [label.value for label in view.about] != first
    assert view.about[0].value.split()[0] in spec.briefing["en"]


def test_the_level_select_fits_the_whole_campaign_in_the_window(window):
    """Ten campaign levels in one column of 640 ran into the sandbox, "More levels" and Back buttons at 1280x720:
    the campaign goes into two columns when one does not fit, and no button leaves the window or covers another."""
    game = make_game(lang="zh-CN", muted=True, headless=True)
    game.show_levels()
    view = window.current_view
    assert isinstance(view, LevelSelectView)
    assert len(view.level_of) == len(game.levels()) + (game.sandbox is not None)
    width, height = window.get_size()
    rects = [b.rect for b in view.buttons]
    for left, bottom, w, h in rects:
        assert 0 <= left and left + w <= width and 0 <= bottom and bottom + h <= height
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1], (a, b)
    lowest = min(bottom for _left, bottom, _w, _h in rects)
    assert all(label.text.y < lowest for label in view.about)  # the level's description under every button
