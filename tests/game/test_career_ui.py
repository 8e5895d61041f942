"""The career in the game (`game/career_mode.py`): started from the title screen, each day is the career's day level
on the play screen with yesterday's cash carried over; its evening screen shows the day's record, which is the
headless career's (`career.run_career`) for a player who does nothing; the next morning starts from there."""

import pytest

from factory_game import career
from factory_game.game.app import make_game
from factory_game.game.career_mode import CareerDayView
from factory_game.game.menus import TitleView
from factory_game.game.play import PlayView
from factory_game.sim import queries
from factory_game.texts import format_money as texts_money
from factory_game.texts import text


@pytest.fixture
def game(window):
    return make_game(levels=[], lang="en", muted=True, headless=True)


def _end_the_day(view):
    view.world.advance(view.spec.duration_ms)
    view.on_update(0.0)  # the clock sees the end: the evening screen instead of the report
    return view.window.current_view


def test_the_title_screen_offers_the_career(game):
    game.show_title()
    title = game.window.current_view
    assert isinstance(title, TitleView)
    button = next(b for b in title.buttons if b.label.value == text("en", "menu.career"))
    button.click()
    view = game.window.current_view
    assert isinstance(view, PlayView) and view.career is not None and view.spec.id == "career-day"
    view.on_hide_view()


def test_a_day_ends_on_the_evening_screen_with_the_headless_careers_record_and_carries_over(game):
    view = game.start_career()
    base = career.load_level(career.DAY_LEVEL)
    assert queries.money(view.world).cash == base.start_cash_cents
    evening = _end_the_day(view)
    view.on_hide_view()
    assert isinstance(evening, CareerDayView)
    headless = career.run_career(1, 1, "none")["days"][0]
    assert evening.run.records == [headless]  # the same day, the same rules: nothing answered, nothing rented
    shown = [label.value for label in evening.labels]
    assert text("en", "career.cash", money=texts_money(headless["cash_cents"])) in shown
    assert evening.default.label.value == text("en", "career.next_day", day=2)
    evening.default.click()
    morning = game.window.current_view
    assert isinstance(morning, PlayView) and morning.career is evening.run and evening.run.day == 2
    assert queries.money(morning.world).cash == headless["cash_cents"]  # the cash carried over
    morning.on_hide_view()


def test_the_last_day_ends_the_career(game):
    from factory_game.game.career_mode import CareerRun

    run = CareerRun.new(game, days=1)
    view = run.next_day()
    evening = _end_the_day(view)
    view.on_hide_view()
    assert run.ended == "days" and evening.default.label.value == text("en", "menu.to_title")


def test_a_career_day_cannot_be_saved_or_restarted_as_a_level(game):
    view = game.start_career()
    view.open_menu()
    menu = game.window.current_view
    by_text = {b.label.value: b for b in menu.buttons}
    assert not by_text[text("en", "menu.save")].enabled and not by_text[text("en", "menu.restart")].enabled
    assert by_text[text("en", "menu.resume")].enabled
    menu.back()
    view.on_hide_view()


def test_the_career_is_saved_each_evening_and_the_title_plays_on_from_the_next_morning(game, user_data):
    """Closing the game between days loses nothing: the evening saves the career, and a new game's title offers
    the next morning, which starts with the cash and the record the evening carried."""
    view = game.start_career()
    evening = _end_the_day(view)
    view.on_hide_view()
    assert (user_data / "career.json").is_file() and evening.run.saved is None
    carried = evening.run.business.cash_cents
    again = make_game(levels=[], lang="en", muted=True, headless=True)  # the game opened again
    again.show_title()
    title = again.window.current_view
    button = next(b for b in title.buttons if b.label.value == text("en", "menu.career_continue", day=2, days=5))
    button.click()
    morning = again.window.current_view
    assert isinstance(morning, PlayView) and morning.career.day == 2 and len(morning.career.records) == 1
    assert queries.money(morning.world).cash == carried
    morning.on_hide_view()


def test_a_finished_or_damaged_career_save_starts_a_new_career(game, user_data):
    user_data.mkdir(parents=True, exist_ok=True)
    (user_data / "career.json").write_text("{not json", encoding="utf-8")
    game.show_title()
    assert any(b.label.value == text("en", "menu.career") for b in game.window.current_view.buttons)
    view = game.start_career()
    assert view.career.day == 1
    view.on_hide_view()


def test_the_evening_after_a_three_star_day_names_the_lever_unlocked(game):
    """The lever a three-star day unlocks is said on the evening screen, in the player's language."""
    from factory_game.game.career_mode import CareerRun

    run = CareerRun.new(game)
    run.state.records.append(career.play_next_day(career.new_career(1, 5), "expert"))  # day 1 of seed 1: 3 stars
    run.results = []
    view = CareerDayView(game, run)
    game.window.show_view(view)
    assert run.records[-1]["stars"] == 3
    shown = [label.value for label in view.labels]
    assert text("en", "career.unlocked", lever=text("en", "lever_group.caps")) in shown
