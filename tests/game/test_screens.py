"""Every screen opens and draws headless, the keyboard walks through them, and the screenshot command works."""

import argparse

import arcade
import pytest

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
    briefing = press(window, ENTER)  # the main button: the first campaign level not yet won
    assert isinstance(briefing, BriefingView) and briefing.path == levels[0]
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


def test_level_select_locks_until_a_star_and_stars_persist(window):
    levels = campaign_levels()
    game = make_game(levels=levels, lang="zh-CN", muted=True, headless=True)
    assert game.unlocked(0) and not game.unlocked(1)
    assert game.first_unfinished() == levels[0]
    first = game.load(levels[0]).id
    game.record(first, 2)
    game.record(first, 1)  # a worse run keeps the best
    assert game.unlocked(1)
    again = make_game(levels=levels, lang="zh-CN", muted=True, headless=True)  # a later session
    assert again.stars == {first: 2} and again.unlocked(1) and not again.unlocked(2)
    assert again.first_unfinished() == levels[1]


def test_level_select_offers_the_sandbox(window):
    game = make_game(lang="en", muted=True, headless=True)
    game.show_levels()
    view = window.current_view
    texts = [b.label.value for b in view.buttons]
    assert "Sandbox" in texts
    view.buttons[texts.index("Sandbox")].click()
    assert isinstance(window.current_view, BriefingView) and window.current_view.path == game.sandbox


def test_screenshot_command_writes_a_png(window, tmp_path):
    parser = argparse.ArgumentParser()
    add_game_commands(parser.add_subparsers(dest="command"))
    out = tmp_path / "shot.png"
    args = parser.parse_args(["screenshot", str(campaign_levels()[0]), "--at", "10m", "--out", str(out)])
    assert args.handler(args) == 0
    from PIL import Image

    assert Image.open(out).size == (1280, 720)


def test_briefing_names_the_levels_mods_in_the_current_language(window):
    from factory_game.level.bundled import LEVELS_DIR as LEVELS

    level = LEVELS / "mods" / "mesh-studio.toml"
    game = make_game(levels=[level], lang="zh-CN", muted=True, headless=True)
    game.show_briefing(level)
    texts = [label.value for label in window.current_view.labels]
    assert any(text.startswith("模组：3D 模型") for text in texts)
    game.i18n.set_language("en")
    texts = [label.value for label in window.current_view.labels]
    assert any(text.startswith("Mods: 3D models") for text in texts)
    window.current_view.on_hide_view()


def test_the_report_screen_shows_the_run_reports_data_and_charts(window):
    from factory_game.game import report_charts
    from factory_game.report import ReportData

    level = campaign_levels()[0]
    game = make_game(levels=[level], lang="en", muted=True, headless=True, seed=5)
    play = game.start(level)
    play.world.advance(play.spec.duration_ms)
    play.on_update(1 / 30)
    report = window.current_view
    assert isinstance(report, ReportView)
    expected = ReportData.from_world(play.world)
    assert report.data.summary == expected.summary and report.data.goals == expected.goals
    shown = " · ".join(label.value for label in report.labels)
    for row in expected.rows():  # every figure of the report model, labelled from the string tables
        assert f"{game.i18n.t(row.key)} {row.shown('en')}" in shown
    from factory_game.report.markdown import anger_line, capped_line

    # the report that teaches, on screen as in the Markdown: what held the stars down, why the angry ones left
    assert capped_line(expected, "en").replace("**", "")[:20] in shown
    assert anger_line(expected.summary["overall"], "en")[:20] in shown
    if report_charts.available():
        import time

        assert not report.chart_shown() and report.waiting_for_chart  # drawn off the frame, not in it
        for _ in range(600):  # the worker draws it while frames go on
            report.on_update(1 / 30)
            if report.chart_shown():
                break
            time.sleep(0.02)
        assert report.chart[0].texture.size == (640, 360)
        next(b for b in report.buttons if b.label.value == "Money").click()
        assert report.tab == "money"
        assert next(b for b in report.buttons if b.label.value == "Money").active
    report.on_draw()


def test_without_matplotlib_the_report_screen_draws_its_line_charts(window, monkeypatch):
    from factory_game.game import report_charts

    monkeypatch.setattr(report_charts, "available", lambda: False)
    level = campaign_levels()[0]
    game = make_game(levels=[level], lang="zh-CN", muted=True, headless=True, seed=5)
    play = game.start(level)
    play.world.advance(play.spec.duration_ms)
    play.on_update(1 / 30)
    report = window.current_view
    assert isinstance(report, ReportView) and report.charts is None
    charts = report_charts.line_charts(report.data, 0, 0, 640, 400)
    assert [c.title_key for c in charts] == ["report.chart_queue", "report.chart_wait", "report.chart_money"]
    for chart in charts:
        x, y, w, h = chart.frame
        assert all(x <= px <= x + w and y <= py <= y + h + 1e-9 for line in chart.lines for px, py in line)
    assert len(report.strips) == 4  # queue, wait, revenue and cost
    assert any(label.value == "排队长度" for label in report.labels)
    report.on_draw()


@pytest.mark.parametrize("size", [(1280, 720), (640, 360)])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_bundled_briefing_is_whole_and_clear_of_its_goals_and_buttons(window, sized, lang, size):
    """Page by page, every line of a bundled level's briefing, mods and goals is shown once, inside the window and
    clear of the other lines and the buttons, from the largest layout to the smallest window."""
    from factory_game.level.bundled import bundled_levels

    from .test_hud_fit import inside, overlap, text_rect

    sized(*size)
    levels = [path for path in bundled_levels() if path.parent.name in ("campaign", "career", "mods")]
    game = make_game(levels=levels, lang=lang, muted=True, headless=True)
    paged = 0
    for path in levels:
        game.show_briefing(path)
        view = window.current_view
        body = [text for text, _colour, _part in view._body(min(640, size[0] - 48)) if text is not None]
        shown = []
        for page in range(view.pages):
            assert view.page == page
            texts = [(label.value, text_rect(label)) for label in view.labels if label.value]
            outside = [text for text, rect in texts if not inside(rect, (0, 0, *size))]
            assert not outside, (path.name, page, outside[:3])
            margin = 8  # room between a line and a button
            buttons = [(f"[{b.label.value}]", (b.rect[0] - margin, b.rect[1] - margin, b.rect[2] + 2 * margin,
                                               b.rect[3] + 2 * margin)) for b in view.buttons]
            assert all(inside(b.rect, (0, 0, *size)) for b in view.buttons), path.name
            clashes = [(a, b) for i, (a, ra) in enumerate(texts) for b, rb in texts[i + 1:] + buttons
                       if overlap(ra, rb)]
            assert not clashes, (path.name, page, clashes[:3])
            shown += [text for text, _rect in texts if text in body]
            view.on_key_press(arcade.key.PAGEDOWN, 0)
        assert shown == body, path.name  # every line once, in order: nothing cut short
        assert view.page == 0  # round again to the first page
        paged += view.pages > 1
        view.on_hide_view()
    if size == (1280, 720):
        assert paged == 0  # the full layout shows every bundled briefing on one page
    else:
        assert paged > 0  # the smallest window needs pages for the long ones


def test_a_briefing_turns_its_pages_by_button_keys_and_wheel(window, sized):
    from factory_game.level.bundled import LEVELS_DIR

    sized(640, 360)
    level = LEVELS_DIR / "campaign" / "02-priority-pack.toml"
    game = make_game(levels=[level], lang="en", muted=True, headless=True)
    game.show_briefing(level)
    view = window.current_view
    assert view.pages > 1
    turn = next(b for b in view.buttons if b.label.value.startswith("Page 1/"))
    turn.click()
    assert view.page == 1 and any(b.label.value.startswith("Page 2/") for b in view.buttons)
    view.on_key_press(arcade.key.PAGEUP, 0)
    assert view.page == 0
    view.on_mouse_scroll(0, 0, 0, -1)
    assert view.page == 1
    view.on_mouse_scroll(0, 0, 0, 1)
    assert view.page == 0
    view.on_key_press(ENTER, 0)  # Enter still starts the level, whatever the page
    assert isinstance(window.current_view, PlayView)
    window.current_view.on_hide_view()
