"""The play screen headless: it renders stations and HUD text, its buttons command the world, speed and language
change what they should."""

import arcade
import pytest

from factory_game.game.app import make_game
from factory_game.game.art import palette
from factory_game.game.play import PlayView
from factory_game.game.screenshot import frame
from factory_game.sim.commands import Release, Rent

from .levels import busy_level


@pytest.fixture
def play(window):
    game = make_game(levels=[], lang="zh-CN", muted=True, headless=True)
    view = PlayView(game, busy_level())
    window.show_view(view)
    yield view
    view.on_hide_view()


def run_frames(view, n, dt=1 / 30):
    for _ in range(n):
        view.step(dt)


def colours_around(image, x, y, r=10):
    h = image.height
    return {image.getpixel((px, h - 1 - py)) for px in range(x - r, x + r) for py in range(y - r, y + r)}


def test_frame_shows_every_station_and_hud_text(play):
    play.set_speed(16)
    run_frames(play, 120)
    image = frame(play)
    assert image.size == (1280, 720)
    pal = {name: rgb[:3] for name, rgb in palette().items()}
    for station in play.scene.slot_sprites.values():
        x, y = play.camera.to_window(*station.home)
        seen = colours_around(image, x, y)
        # a busy one shows its time left (white on red when its task runs late)
        screen = (pal["red"] if station.late else pal["cyan"]) if station.timer.visible else pal["slate"]
        assert screen in seen and pal["silver"] in seen, f"station {station.slot_id} not drawn"
    # the top bar shows white figures on ink: count text pixels in the cash column
    cash = play.hud.figures["cash"].text
    x0, y0 = int(cash.x), int(cash.y)
    text_pixels = sum(1 for c in colours_around(image, x0 + 40, y0 + 6, 40) if c == pal["white"])
    assert text_pixels >= 1
    assert play.hud.figures["cash"].value.startswith("¥")


def test_rent_button_rents_a_slot(play):
    card = play.hud.cards[0]
    model = play.world.models[card.model_id]
    before = model.rented_count
    assert card.rent.click()
    assert model.rented_count == before + 1
    assert play.world.commands[-1].command.name == "rent" and play.world.commands[-1].source == "player"
    run_frames(play, 200)
    play.hud.refresh(0)
    assert card.release.enabled
    card.release.click()
    assert play.world.commands[-1].command.name == "release"


def test_speed_key_changes_simulated_time_per_frame(play):
    def advance_per_frame():
        before = play.world.now
        run_frames(play, 10)
        return (play.world.now - before) / 10

    play.on_key_press(arcade.key.KEY_1, 0)
    slow = advance_per_frame()
    play.on_key_press(arcade.key.KEY_5, 0)
    fast = advance_per_frame()
    assert fast == pytest.approx(16 * slow, rel=0.01)
    play.on_key_press(arcade.key.SPACE, 0)
    assert advance_per_frame() == 0


def test_language_switch_changes_hud_text(play):
    assert play.hud.figure_titles["cash"].value == "现金"
    play.on_key_press(arcade.key.L, 0)
    assert play.hud.figure_titles["cash"].value == "Cash"
    assert play.hud.cards[0].rent.label.value.startswith("Rent")
    play.on_key_press(arcade.key.L, 0)
    assert play.hud.cards[0].rent.label.value.startswith("租")


def test_clicking_a_station_opens_the_inspector(play):
    run_frames(play, 30)
    station = next(iter(play.scene.slot_sprites.values()))
    x, y = play.camera.to_window(*station.home)
    click(play, x, y)
    assert play.selected == ("station", station.slot_id)
    assert play.inspector_lines()[0].startswith("工位")


def test_autopilot_button_switches_the_world(play):
    assert not play.world.autopilot_enabled
    play.hud.autopilot.click()
    assert play.world.autopilot_enabled


def test_hovering_a_button_shows_its_tooltip(play):
    rent = play.hud.cards[0].rent
    left, bottom, width, height = rent.rect
    play.on_mouse_motion(left + width / 2, bottom + height / 2, 0, 0)
    play.hud.refresh(0)
    assert play.hud.tooltip.visible and play.hud.tooltip.value.startswith("向模型供应商")
    play.on_mouse_motion(5, 5, 0, 0)
    play.hud.refresh(0)
    assert not play.hud.tooltip.visible


def test_the_floor_keeps_integer_zoom_and_maps_clicks_in_any_window(play, sized):
    """Between two zoom steps the window shows more floor, not bigger bars; clicks land on what is drawn."""
    lay = play.scene.layout
    for size in ((1400, 800), (1920, 1080), (1000, 700), (640, 360), (2560, 1440)):
        sized(*size)
        play.on_resize(*size)
        cam, frame = play.camera, play.frame
        area = frame.floor_area(play.hud.manager.goals.height)
        assert cam.zoom == cam.fit_zoom == max(1, min(area[0] // lay.width, area[1] // lay.height))
        assert cam.target[0] * cam.zoom >= area[0] and cam.target[1] * cam.zoom >= area[1]  # drawn edge to edge
        station = next(iter(play.scene.slot_sprites.values()))
        x, y = cam.to_window(*station.home)
        assert 0 <= x < area[0] and 0 <= y < area[1]
        assert play.scene.pick(*cam.to_floor(x, y)) == ("station", station.slot_id)
    assert play.hud.cards


def click(view, x, y):
    """A left click that does not move: press and release at the same point."""
    view.on_mouse_press(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    view.on_mouse_release(x, y, arcade.MOUSE_BUTTON_LEFT, 0)


@pytest.mark.slow
def test_a_whole_level_at_16x_with_random_clicks_keeps_the_scene_in_step(play):
    import random

    rng = random.Random(7)
    play.set_speed(16)
    buttons = [b for card in play.hud.cards for b in (card.rent, card.release)] + [play.hud.autopilot]
    for i in range(800):
        play.step(1 / 30)
        if i % 25 == 0:
            rng.choice(buttons).click()
        if i % 40 == 0:
            click(play, rng.randrange(0, 928), rng.randrange(0, 676))
            play.inspector_lines()
        assert set(play.scene.customers) == set(play.world.customers)
    assert play.world.now == play.spec.duration_ms
    flying = {t.id for c in play.world.customers.values() for t in c.tasks if t.state in ("queued", "running")}
    assert set(play.scene.helpers) <= flying
    assert all(s.slot_id in play.world.slots or s.fade_from is not None for s in play.scene.slot_sprites.values())


def test_clicking_a_customer_opens_the_inspector(play):
    play.set_speed(4)
    run_frames(play, 90)
    person = next(p for p in play.scene.customers.values() if p.arrived)
    x, y = play.camera.to_window(person.x, person.y)
    click(play, x, y)
    assert play.selected == ("customer", person.customer_id)
    lines = play.inspector_lines()
    assert lines[0].startswith(f"顾客 #{person.customer_id}")
    assert any(line.startswith("进行中") for line in lines)
    play.step(1 / 30)
    assert play.scene.marker.visible and play.scene.marker.position == play.scene.customers[person.customer_id].position


def test_the_inspector_says_what_a_customer_answers_to_where_tiers_differ(window, play):
    """The career day's tiers differ (`[tier_traits]`): the inspector adds what the selected customer answers to, in
    the player's language; on a level whose customers all answer alike it adds nothing."""
    from factory_game.level import load_level
    from factory_game.level.bundled import LEVELS_DIR

    run_frames(play, 60)
    play.selected = ("customer", next(iter(play.world.customers)))
    assert not any("×" in line for line in play.inspector_lines()[:4])  # busy_level: no traits
    play.on_hide_view()
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, load_level(LEVELS_DIR / "career" / "day.toml"))
    window.show_view(view)
    try:
        seen = {}
        while len(seen) < 2 and view.world.now < 3_600_000:
            view.step(1 / 10)
            for c in view.world.customers.values():
                if c.tier in ("L1", "L3") and not c.priority:
                    view.selected = ("customer", c.id)
                    seen[c.tier] = view.inspector_lines()
        assert "Answers the price ×1.6 · a late delivery costs ×1" in seen["L1"]
        assert "Answers the price ×0.6 · a late delivery costs ×2" in seen["L3"]
        game.i18n.set_language("zh-CN")
        view.selected = ("customer", next(c.id for c in view.world.customers.values() if c.tier == "L1"))
        assert "对价格的敏感 ×1.6 · 迟交的代价 ×1" in view.inspector_lines()
    finally:
        view.on_hide_view()


def test_six_models_fit_the_panel(window):
    from dataclasses import replace

    spec = busy_level()
    extra = tuple(replace(m, id=f"{m.id}-b", names={"en": f"{m.names['en']} B"}) for m in spec.models)
    spec = replace(spec, models=spec.models + extra)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, spec)
    window.show_view(view)
    try:
        view.step(1 / 30)
        assert len(view.hud.cards) == 6
        assert all(not card.p95.visible for card in view.hud.cards)  # compact cards
        lowest = min(card.rent.rect[1] for card in view.hud.cards)
        assert lowest > view.hud.autopilot.rect[1] > 0
        assert len(view.hud.inspector) >= 1
    finally:
        view.on_hide_view()


def test_a_level_with_nothing_to_score_has_no_end(window):
    from dataclasses import replace

    game = make_game(levels=[], lang="en", muted=True, headless=True)
    spec = replace(busy_level(), goals=())  # like the sandbox
    view = PlayView(game, spec)
    window.show_view(view)
    view.world.advance(spec.duration_ms)
    view.set_speed(16)
    view.on_update(1 / 10)
    assert window.current_view is view and view.world.now > spec.duration_ms
    assert "/" not in view.hud.clock.value and not view.hud.progress.visible
    view.on_hide_view()


def test_texts_name_the_levels_prompt_multiplier(window):
    """A level whose prompt line is 2× says "2×" on the model cards, in the legend and in the long-wait alert."""
    from dataclasses import replace

    from factory_game.sim import queries

    spec = busy_level(rate_per_hour=2000, slots=(2, 1, 1))
    spec = replace(spec, prompt=replace(spec.prompt, enabled=True, multiplier=2.0))
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, spec)
    window.show_view(view)
    try:
        view.set_speed(16)
        run_frames(view, 60)
        card = view.hud.cards[0]
        assert card.line.value.startswith("2× line"), card.line.value
        view.selected = None
        assert any("2× line" in line for line in view.inspector_lines())
        assert queries.over_the_line(view.world, "sd15")
        texts = [text for text, _colour in view.alerts.lines(game.i18n, 30)]
        assert any("over the 2× line" in text for text in texts), texts
        assert not any("3×" in text for text in texts + [card.line.value])
    finally:
        view.on_hide_view()


def test_a_refused_command_alerts_with_its_own_reason(play):
    """Each refusal raises one alert with its own reason code and values, read when the COMMAND event says no."""
    play.world.apply(Rent("sd15", 99), source="autopilot")
    play.world.apply(Release("video", 1))  # nothing rented yet: refused with its own reason
    items = [(key, values) for _t, key, values, _n in play.alerts.items if key.startswith("refused")]
    assert items[:2] == [("refused_no_rented_slot", {"model": "video"}),
                         ("refused_max_extra", {"model": "sd15", "max": 6})]


def test_leaving_moods_show_as_faces(window):
    """A customer who said no walks out angry, one served on time happy: read from the LEAVE events' typed `ok`."""
    from factory_game.game.art import textures
    from factory_game.game.scene import Scene
    from factory_game.levelkit import level, model
    from factory_game.sim.commands import Arrive
    from factory_game.sim.spec import PromptSpec
    from factory_game.sim.world import World

    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True, answer_delay_ms=1000), tiers=(("L1", 1),),
                        sla_ms=3_600_000))
    scene = Scene(world)
    for _ in range(5):  # 5 is asked (20 min > 15) and, with no patience, says no
        world.apply(Arrive("L1", ("image",), patience_ms=0))
    scene.sync(1 / 60)
    walkers = {cid: scene.customers[cid] for cid in (1, 5)}
    world.advance(1000)
    scene.sync(1 / 60)
    assert walkers[5].leaving and walkers[5].mark.texture is textures()["face_angry"]
    world.advance(5 * 60_000)  # 1 is served on time and leaves
    scene.sync(1 / 60)
    assert walkers[1].leaving and walkers[1].mark.texture is textures()["face_happy"]
