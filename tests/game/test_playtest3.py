"""The third play-test's bugs (shared/reviews/play-test.md, "4. Bugs"), one test per bug a test can show."""

import pytest

from factory_game.game.app import make_game
from factory_game.game.art import contract_tag
from factory_game.game.play import PlayView
from factory_game.sim import queries
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import Rent, SignContract

from .levels import busy_level


def card_text(card) -> str:
    """A model card's slots line and the line under it (rented, on contract, on order, leaving, down)."""
    return f"{card.busy.value} {card.extra.value}"

@pytest.fixture
def play(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level(rate_per_hour=300))
    window.show_view(view)
    yield view
    view.on_hide_view()


def test_2_3_contracts_are_not_rentals_on_the_card_the_floor_and_in_the_alerts(play):
    card = play.hud.cards[1]
    model = card.model_id
    world = play.world
    world.apply(SignContract(model, 4))
    play.hud.refresh(0)
    assert "contract +4 in 15m00s" in card_text(card)  # bug 3: was "+4 in 0s"
    assert "Rented" not in card_text(card)
    world.advance(5 * MINUTE)
    play.hud.refresh(0)
    assert "contract +4 in 10m00s" in card_text(card)
    world.advance(16 * MINUTE)
    play.step(0)
    counts = queries.slot_counts(world, model)
    until = counts.contract_until
    assert counts.contracted == 4 and counts.rented == 0
    assert "Contracted 4 until 4h15m" in card_text(card), card_text(card)
    assert until == 15 * MINUTE + 4 * 60 * MINUTE
    assert "Rented" not in card_text(card)
    # bug 2: Release is off, and says why
    assert not card.release.enabled
    assert card.release.tooltip == "tip.release_contract"
    shown = [text for text, _ in play.alerts.lines(play.game.i18n, 5)]
    assert any("Clipper station on contract arrived" in text for text in shown), shown
    assert not any("rented" in text for text in shown), shown
    tagged = [s for s in play.scene.slot_sprites.values() if s.model == model and s.tag.visible]
    assert len(tagged) == 4 and all(s.tag.texture is contract_tag() for s in tagged)
    # the inspector says what a contracted station is, and when it goes
    play.selected = ("station", next(s.slot_id for s in tagged))
    lines = play.inspector_lines()
    assert "on contract" in lines[1] and "Contract ends at 4h15m" in lines[2]


def test_11_the_goals_strip_never_hides_the_floor(window, sized):
    """Three goals or more at 1280×720: the floor is laid out under the strip, so no station row or plate is
    under it (it was drawn over the floor's top)."""
    import dataclasses

    from factory_game.sim.spec import Goal

    spec = busy_level()
    goals = tuple(Goal(f"money.{m}", True, (0, 1, 2), label={"en": m, "zh-CN": m})
                  for m in ("profit_cents", "revenue_cents", "profit_cents", "revenue_cents"))
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    for size in ((1280, 720), (1920, 1080), (800, 480)):
        sized(*size)
        view = PlayView(game, dataclasses.replace(spec, goals=goals))
        window.show_view(view)
        strip = view.hud.manager.goals
        assert strip.height > 0
        strip_bottom = (view.frame.height - view.frame.bar_h - strip.height) * view.frame.scale
        assert view.camera.area[1] <= strip_bottom
        # every station is drawn below the strip
        for station in view.scene.slot_sprites.values():
            _x, y = view.camera.to_window(station.home[0], station.home[1] + station.height / 2)
            assert y <= strip_bottom, (size, y, strip_bottom)
        view.on_hide_view()


def test_release_idle_gives_back_every_idle_rental_at_once(play):
    """UX 8: releasing was one at a time (Ctrl+Q twenty times). Shift+Release, or Ctrl+Shift+Q, frees every idle
    rented station in one go; busy ones and contracts stay."""
    import arcade

    card = play.hud.cards[0]
    model = card.model_id
    world = play.world
    world.apply(Rent(model, 6))
    world.advance(world.now + 3 * MINUTE)
    play.step(0)
    counts = queries.slot_counts(world, model)
    assert counts.rented == 6 and counts.idle_rented > 1
    idle, busy = counts.idle_rented, counts.rented - counts.idle_rented
    left, bottom, width, height = card.release.rect
    x, y = left + width / 2, bottom + height / 2
    play.on_mouse_press(x, y, arcade.MOUSE_BUTTON_LEFT, arcade.key.MOD_SHIFT)
    counts = queries.slot_counts(world, model)
    assert counts.idle_rented == 0 and counts.rented == busy, (idle, busy, counts)



def test_ctrl_shift_and_a_models_key_release_its_idle_rentals(window):
    import arcade

    game = make_game(levels=[], lang="en", muted=True, headless=True)
    quiet = PlayView(game, busy_level(rate_per_hour=1))
    window.show_view(quiet)
    model = quiet.hud.cards[0].model_id
    quiet.world.apply(Rent(model, 4))
    quiet.world.advance(3 * MINUTE)
    assert queries.slot_counts(quiet.world, model).idle_rented == 4
    quiet.on_key_press(arcade.key.Q, arcade.key.MOD_CTRL | arcade.key.MOD_SHIFT)
    assert queries.slot_counts(quiet.world, model).rented == 0
    quiet.on_hide_view()


def test_6_the_level_select_lists_the_mod_and_real_levels(window):
    """Setup 6: the eight levels of levels/mods/ and the real trace were reachable only from the command line."""
    from factory_game.game.menus import BriefingView, LevelSelectView
    from factory_game.game.screenshot import frame
    from factory_game.level.bundled import LEVELS_DIR

    game = make_game(lang="en", muted=True, headless=True)
    game.show_levels()
    first = window.current_view
    more = next(b for b in first.buttons if b.label.value.startswith("More levels"))
    more.click()
    page = window.current_view
    assert isinstance(page, LevelSelectView) and page.more
    listed = {path for path, _spec in page.level_of.values()}
    shipped = set((LEVELS_DIR / "mods").glob("*.toml")) | set((LEVELS_DIR / "real").glob("*.toml"))
    assert shipped <= listed, sorted(p.name for p in shipped - listed)
    width, height = window.get_size()
    for button in page.buttons:  # every one on screen, none over another
        left, bottom, w, h = button.rect
        assert 0 <= left and left + w <= width and 0 <= bottom and bottom + h <= height, button.label.value
    rects = [b.rect for b in page.buttons]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
    frame(page)
    real = next(b for i, b in enumerate(page.buttons) if page.level_of.get(i, (None,))[0] is not None
                and page.level_of[i][0].parent.name == "real")
    real.click()
    briefing = window.current_view
    assert isinstance(briefing, BriefingView)
    briefing.back()  # back to the page it was on
    assert isinstance(window.current_view, LevelSelectView) and window.current_view.more


def test_setup_2_window_size_and_f11(window, monkeypatch):
    """Setup 2: the window opened at 1280×720 in a corner, with no size option and no fullscreen."""
    import arcade
    import pyglet

    from factory_game.game.commands import window_size

    assert window_size("1920x1080") == (1920, 1080) and window_size("800X480") == (800, 480)
    assert window_size("100x100") is None and window_size("big") is None and window_size("1x2x3") is None
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    make_game(levels=[], lang="en", muted=True, headless=True)  # a second game on the same window: one handler
    switched = []
    monkeypatch.setattr(type(window), "set_fullscreen", lambda self, on=True, *a, **k: switched.append(on))
    view = PlayView(game, busy_level())
    window.show_view(view)
    # through the window's handler stack as the event loop would (a headless window queues `dispatch_event`)
    pyglet.event.EventDispatcher.dispatch_event(window, "on_key_press", arcade.key.F11, 0)
    assert switched == [not window.fullscreen]
    view.on_hide_view()


def test_setup_2_play_refuses_a_bad_size(capsys, monkeypatch):
    from factory_game.cli import main

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("ARCADE_HEADLESS", raising=False)
    assert main(["play", "--size", "300x200"]) == 2
    assert "--size" in capsys.readouterr().err


def test_ux3_the_projection_is_a_range_neutral_at_the_start_and_minutes_never_outrun_the_clock():
    """UX 3 and bug 5: L1 read −¥42 in red at 2m42s (contracted slots bill from minute 0); after a Load the
    auto-manager's minutes were projected to 235 in a 180-minute level."""
    from factory_game.game.panels.outlook import outlook
    from factory_game.level.goals import score
    from factory_game.sim.spec import Goal

    profit = Goal("money.profit_cents", True, (12000, 15000, 19000))
    start = outlook([score(profit, -4200)], {"money.profit_cents": [(0, 0), (2 * MINUTE, -3000)]},
                    int(2.7 * MINUTE), 180 * MINUTE)[0]
    assert start.heading == "neutral"
    # later: a recent pace and the whole run's pace bound the range, and it holds the single projection
    history = {"money.profit_cents": [(60 * MINUTE, 4000), (90 * MINUTE, 10000)]}
    view = outlook([score(profit, 10000)], history, 90 * MINUTE, 180 * MINUTE)[0]
    assert view.low == 10000 + 10000 / (90 * MINUTE) * 90 * MINUTE == 20000  # since the start
    assert view.high == 10000 + 6000 / 30 * 90 == 28000  # the last half hour
    assert view.low <= view.projected_value <= view.high and view.heading == "good"
    minutes = Goal("manager.autopilot_minutes", False, (180, 180, 0))
    loaded = outlook([score(minutes, 68)], {"manager.autopilot_minutes": [(66 * MINUTE, 64), (72 * MINUTE, 68)]},
                     72 * MINUTE, 180 * MINUTE)[0]
    assert loaded.high <= 68 + 108 and loaded.projected_value <= 180


def test_12_after_a_load_arrived_stations_stand_in_place(window):
    """Bug 12: saved the minute rented stations arrived, then loaded (paused): they floated faint two rows above
    the annex, their drop-in frozen at its first frame."""
    from factory_game.sim.world import World

    world = World(busy_level(rate_per_hour=60))
    model = world.spec.models[0].id
    world.apply(Rent(model, 3))
    world.advance(3 * MINUTE)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, world.spec, world=world, paused=True)  # as `load_saved` opens a loaded game
    window.show_view(view)
    view.step(1 / 30)
    rented = [s for s in view.scene.slot_sprites.values() if s.rented]
    assert len(rented) == 3
    assert all(s.position == s.home and s.alpha == 255 for s in rented)
    # one ordered now still drops in when it arrives
    world.apply(Rent(model, 1))
    world.advance(world.now + 3 * MINUTE)
    view.set_speed(1)
    view.step(1 / 30)
    new = [s for s in view.scene.slot_sprites.values() if s.rented and s not in rented]
    assert len(new) == 1 and new[0].position != new[0].home
    view.on_hide_view()


def test_4_the_pause_menus_language_button_reaches_the_floor(play):
    """Bug 4: Esc, "Language", Esc left the floor's plates ("Workshop", "RENTED", the rope sign) in English."""
    from factory_game.game.menus import PauseView

    english = sorted(label.value for _key, label, *_rest in play.floor_labels.items)
    play.open_menu()
    pause = play.window.current_view
    assert isinstance(pause, PauseView)
    pause._toggle_language()
    pause.back()
    assert play.window.current_view is play
    chinese = sorted(label.value for _key, label, *_rest in play.floor_labels.items)
    assert "Workshop" in english and "Workshop" not in chinese and "车间" in chinese


def test_14_a_lever_pulled_is_said_in_the_alerts(play):
    """Bug 14: a price, a cap, the pack or a contract logged nothing; only refusals reached the feed."""
    from factory_game.sim.commands import SetCap, SetPrice

    play.apply(SetPrice("image", 25))
    play.apply(SetPrice("image", 30))  # the same lever again: its line updates
    play.apply(SetCap("L1", 2))
    play.apply(SignContract("video", 2))
    lines = [text.split(" — ")[0] for text, _colour in play.alerts.lines(play.game.i18n, 6) if text]  # each with
    assert lines[0].endswith("Signed 2 Clipper slots on contract: they arrive in 15m00s")  # its effect after " — "
    assert lines[1].endswith("L1 may now have 2 tasks in flight")
    assert lines[2].endswith("Image price set to ¥0.30") and not any("¥0.25" in line for line in lines)
    play.game.i18n.set_language("zh-CN")
    assert play.alerts.lines(play.game.i18n, 3)[2][0].split("——")[0].endswith("图片 价格改为 ¥0.30")
    play.game.i18n.set_language("en")


def test_15_a_won_campaign_says_so_and_still_offers_a_level(window):
    """Bug 15: with every level starred the title lost its main button ("Enter to start" opened the level select),
    and "Next level" after the last dropped the player on the level select with no end-of-campaign moment."""
    from factory_game.game.menus import BriefingView, TitleView

    game = make_game(lang="en", muted=True, headless=True)
    levels = [path for path, _spec in game.levels()]
    for path in levels:
        game.record(game.load(path).id, 3)
    game.stars[game.load(levels[2]).id] = 2  # one level short of three stars
    game.current = levels[-1]
    game.next_level()
    title = window.current_view
    assert isinstance(title, TitleView)
    won, total = game.campaign_stars()
    assert (won, total) == (3 * len(levels) - 1, 3 * len(levels))
    assert f"Campaign complete: {won} of {total} stars" in [label.value for label in title.labels]
    assert title.default is not None and title.default.label.value.startswith("Go for three stars: ")
    title.default.click()
    assert isinstance(window.current_view, BriefingView) and window.current_view.path == levels[2]


def test_13_the_mods_badge_is_never_cut_to_nonsense(window):
    """Bug 13: "Mods: 3D models, Surge pricing, Fa…" with no way to read the rest."""
    from factory_game.game.ui import text_width
    from factory_game.plugins import prepare_level
    from factory_game.plugins.levels import find_level

    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, prepare_level(find_level("campaign/06-mods-at-work"), lenient=True))
    window.show_view(view)
    view.step(0)
    badge = view.hud.mods_badge
    full = view.mods_text()
    assert "…" not in badge.value and text_width(badge.value) <= badge.clip_px
    if text_width(full) > badge.clip_px:
        assert badge.value == f"{len(view.world.spec.mods)} mods (below)"
    assert full in view.inspector_lines()  # the whole list, wrapped in the inspector's legend
    view.on_hide_view()


def test_7_and_setup_1_the_report_wraps_instead_of_cutting_and_its_fallback_charts_have_axes(window, monkeypatch):
    """Bug 7: L4's report cut goal lines before their result and dropped anger causes, silently. Setup 1: without
    matplotlib the charts had no axes and a queue of two at closing time drew a full-height spike."""
    from factory_game import texts as texts_module
    from factory_game.game import report_charts
    from factory_game.game.app import campaign_levels
    from factory_game.game.menus import ReportView
    from factory_game.game.screenshot import frame
    from factory_game.texts import format_duration

    monkeypatch.setattr(report_charts, "available", lambda: False)
    level = next(p for p in campaign_levels() if p.stem.startswith("04"))
    game = make_game(levels=[level], lang="en", muted=True, headless=True, seed=5)
    play = game.start(level)
    play.world.advance(play.spec.duration_ms)
    play.on_update(1 / 30)
    report = window.current_view
    assert isinstance(report, ReportView)
    texts = [label.value for label in report.labels]
    assert not any(text.endswith("…") for text in texts), [t for t in texts if t.endswith("…")]
    results = [t for t in texts if t.rstrip().endswith(("met", "missed", "near the line"))]
    assert len(results) == len(report.data.goals)  # every goal line ends in its result
    causes = [cause for cause, n in report.data.summary["overall"]["angry_by_cause"].items() if n]
    assert len(causes) >= 3, "a run with several causes, for the test to mean anything"
    shown = " ".join(texts)
    assert all(texts_module.text("en", f"cause.{cause}") in shown for cause in causes)  # none dropped
    # the fallback's axes: each chart says its scale and the run's length
    charts = report_charts.line_charts(report.data, 0, 0, 640, 400)
    assert charts[0].top >= 10 and charts[0].unit == "count"
    assert all(chart.end_ms == play.spec.duration_ms for chart in charts)
    assert format_duration(play.spec.duration_ms) in texts  # the time axis' end
    frame(report)
