"""The play-test's bug list (shared/reviews/play-test.md, "Bugs"), one test per bug that a test can show."""

import arcade
import pytest

from factory_game.game.app import make_game
from factory_game.game.hud import money, wait_text
from factory_game.game.menus import PauseView, ReportView
from factory_game.game.play import PlayView
from factory_game.game.ui import text_width
from factory_game.sim.commands import Release, Rent

from .levels import busy_level


def card_text(card) -> str:
    """A model card's slots line and the line under it (rented, on contract, on order, leaving, down)."""
    return f"{card.busy.value} {card.extra.value}"

@pytest.fixture
def play(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level(rate_per_hour=1500))
    window.show_view(view)
    yield view
    view.on_hide_view()


def run(view, frames, dt=1 / 10):
    for _ in range(frames):
        view.step(dt)


def test_1_busy_never_reads_above_the_total_after_releasing_busy_rented_stations(play):
    from factory_game.sim import queries

    card = play.hud.cards[0]
    world = play.world
    play.world.apply(Rent(card.model_id, 6))
    play.hud.refresh(0)
    assert "+6 in 2m00s" in card_text(card)  # on order, with when the first arrives (bug 15: "Rented 16" on order)
    play.set_speed(4)
    run(play, 200)
    rented_busy = [s for s in world.slots.values() if s.model == card.model_id and s.rented and s.state == "busy"]
    assert len(rented_busy) == 6, "every rented station busy, for the test to mean anything"
    play.world.apply(Release(card.model_id, 6))
    play.hud.refresh(0)
    busy, total = card.busy.value.split()[1].split("/")
    assert int(busy) <= int(total) == queries.slot_counts(world, card.model_id).serving
    assert "Leaving 6" in card_text(card)


def test_7_alerts_add_up_rentals_and_are_never_cut(play):
    for _ in range(6):  # six clicks, one line: "Rented 6 stations", not "Rented 1 station(s) ×6"
        play.rent(play.hud.cards[0].model_id)
    play.hud.refresh(0)
    shown = [label.value for label in play.hud.alert_lines if label.value]
    assert shown[0].endswith("Rented 6 stations on SD 1.5")
    play.alerts.add("rent", model="llm", n=1)
    assert play.alerts.lines(play.game.i18n, 1)[0][0].endswith("Rented 1 station on Talker")
    for _ in range(6):
        play.alerts.add("long_wait", model="video", multiplier="3")
        play.world.advance(play.world.now + 11 * 60_000)
    play.hud.refresh(0)
    width = play.hud.alert_lines[0].clip_px
    texts = [label.value for label in play.hud.alert_lines if label.value]
    assert texts and all(text_width(text) <= width and "…" not in text for text in texts)
    assert "Clipper predicted wait over the 3× line" in " ".join(text.strip() for text in texts)  # whole, wrapped


def test_15_an_old_cash_alert_leaves_the_feed(play):
    play.alerts.add("cash_low")
    assert "Cash is low!" in play.alerts.lines(play.game.i18n, 3)[0][0]
    play.world.advance(play.world.now + 61 * 60_000)
    assert all("Cash is low!" not in text for text, _ in play.alerts.lines(play.game.i18n, 3))


def test_8_a_task_kept_outside_shows_how_long_and_the_model_by_name(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level(rate_per_hour=900, slots=(4, 2, 2)))
    view.set_speed(4)
    run(view, 150)
    world = view.world
    customer = next(c for c in world.customers.values()
                    if any(t.state == "pending" and world.now - t.requested_at >= 60_000 for t in c.tasks[-6:]))
    view.selected = ("customer", customer.id)
    lines = [line for line in view.inspector_lines() if "waiting outside" in line]
    assert lines and all(not line.endswith("waiting outside 0s") for line in lines)
    assert all("@sd15" not in line and "@video" not in line for line in view.inspector_lines())
    view.on_hide_view()


def test_9_clicking_a_helper_selects_its_owner(play):
    play.set_speed(4)
    run(play, 120)
    scene = play.scene
    owner, helper = next((h.customer_id, h) for h in scene.helpers.values()
                         if h.arrived and h.customer_id in scene.customers
                         and scene.pick(h.x, h.y) != ("customer", None)
                         and all(abs(p.x - h.x) > 8 or abs(p.y - h.y) > 10 for p in scene.customers.values()))
    x, y = play.camera.to_window(helper.x, helper.y)
    play.on_mouse_press(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    play.on_mouse_release(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    assert play.selected == ("customer", owner)


def test_12_one_number_format():
    assert money(-40) == "−¥0.40" and money(150) == "¥1.50"
    assert wait_text(8300) == "8s" and wait_text(358_000) == "5m58s" and wait_text(0) == "0s"


def test_14_a_cut_legend_says_so(window, sized):
    sized(640, 360)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    view.step(1 / 30)
    hud = view.hud
    shown = [label.value for label in hud.inspector if label.value]
    if len(hud._wrapped) > hud._shown_rows:
        assert shown[-1].startswith("…"), shown
    assert not any(text.endswith("L1") for text in shown)  # never "Shirt = tier: L1" as a whole statement


def test_15_quit_asks_first_and_the_report_has_a_way_to_the_title(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    window.show_view(view)
    view.open_menu()
    menu = window.current_view
    assert isinstance(menu, PauseView)
    quit_button = next(b for b in menu.buttons if b.label.value == "Quit to title")
    quit_button.click()
    assert window.current_view is menu
    next(b for b in menu.buttons if b.label.value.startswith("Quit? Unsaved")).click()
    assert window.current_view is not menu and not isinstance(window.current_view, PlayView)
    view.world.advance(view.spec.duration_ms)
    report = ReportView(game, view.spec, view.world)
    window.show_view(report)
    assert any(b.label.value == "Title" for b in report.buttons)
