"""The play HUD fits the smallest window (640×360): no text over another, none over a button, none cut by one,
all inside the window, in both languages. 1280×720 keeps its two-line top bar."""

import itertools

import pytest

from factory_game.game.app import SANDBOX, campaign_levels, make_game
from factory_game.game.play import PlayView
from factory_game.level.loader import load_level

from .levels import busy_level


def text_rect(label):
    text = label.text
    return text.left, text.bottom, text.content_width, text.content_height


def overlap(a, b):
    return not (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1])


def inside(inner, outer):
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def hud_boxes(hud):
    """(what, rect) for every shown HUD text and every button, after a frame has filled the texts in."""
    texts = [(label.value, text_rect(label)) for label in hud.labels if label.visible and label.value]
    buttons = [(f"[{b.label.value}]", b.rect) for b in hud.buttons]
    return texts, buttons


def levels():
    rush = next(path for path in campaign_levels() if "rush-hour" in path.name)
    outage = next(path for path in campaign_levels() if "outage" in path.name)
    return {"busy (3 models)": busy_level(), "rush hour": load_level(rush), "outage": load_level(outage),
            "sandbox (4 models)": load_level(SANDBOX)}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("size", [(640, 360), (800, 480)])
def test_nothing_overlaps_in_a_small_window(window, sized, lang, size):
    sized(*size)
    game = make_game(levels=[], lang=lang, muted=True, headless=True)
    for name, spec in levels().items():
        view = PlayView(game, spec)
        for _ in range(60):  # a few simulated minutes: queues, waits and money to show
            view.step(1 / 2)
        view.hud.refresh(1.0)
        hud = view.hud
        assert hud.small
        texts, buttons = hud_boxes(hud)
        assert len(texts) >= 12  # clock, money, cards, alerts, the inspector's legend
        assert len(buttons) == 9 + 2 * len(spec.models) + 2  # pause, speeds, 中/EN, sound, menu; cards; auto; levers
        window_rect = (0, 0, *size)
        for what, rect in texts + buttons:
            assert inside(rect, window_rect), (name, what, rect)
        for b in hud.buttons:
            assert inside(text_rect(b.label), b.rect), (name, b.label.value, b.rect)
        for (what_a, a), (what_b, b) in itertools.combinations(texts + buttons, 2):
            assert not overlap(a, b), (name, what_a, a, what_b, b)
        assert {"cash", "profit", "satisfaction"} <= set(hud.figures)
        assert hud.figures["satisfaction"].value.endswith("%")


def test_a_big_window_keeps_its_two_line_top_bar(window, sized):
    sized(1280, 720)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    hud = view.hud
    assert not hud.small
    assert set(hud.figures) == {"cash", "revenue", "costs", "profit", "satisfaction"}
    assert hud.keys.visible and hud.pause.rect == (170, 682, 36, 34)
    assert hud.cards[0].rent.label.value.startswith("Rent +1")


def test_the_small_hud_switches_language(window, sized):
    sized(640, 360)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    window.show_view(view)
    try:
        assert view.hud.cards[0].release.label.value == "Release"
        view.toggle_language()
        assert view.hud.cards[0].release.label.value == "退租"
        assert view.hud.figure_titles["cash"].value == "现金"
        view.on_draw()
    finally:
        view.on_hide_view()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_inspector_takes_the_alerts_place_in_a_small_window(window, sized, lang):
    sized(640, 360)
    game = make_game(levels=[], lang=lang, muted=True, headless=True)
    view = PlayView(game, busy_level())
    for _ in range(60):
        view.step(1 / 2)
    hud = view.hud
    rows_under_the_alerts = hud._shown_rows
    customer = next(c for c in view.world.customers.values() if len(c.tasks) >= 2)
    view.selected = view.scene.selected = ("customer", customer.id)
    hud.refresh(1.0)
    assert not hud.alerts_title.visible and not any(label.visible for label in hud.alert_lines)
    shown = [label for label in hud.inspector if label.value]
    assert hud._shown_rows >= rows_under_the_alerts + 3  # the alerts title, its lines and the gap
    assert len(shown) == min(len(hud._wrapped), hud._shown_rows) >= 5 and shown[0].value == hud._wrapped[0]
    texts, buttons = hud_boxes(hud)
    for (what_a, a), (what_b, b) in itertools.combinations(texts + buttons, 2):
        assert not overlap(a, b), (what_a, a, what_b, b)
    assert all(text_rect(label)[1] >= 0 for label in shown)
    view.selected = view.scene.selected = None  # nothing selected: the alerts come back
    hud.refresh(1.0)
    assert hud.alerts_title.visible and all(label.visible for label in hud.alert_lines)
    assert hud.inspector[0].text.y < hud.alert_lines[-1].text.y
