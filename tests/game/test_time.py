"""Time that stops and time that runs fast: pause freezes every walker, and at 16× people keep up with their tasks."""

import pytest

from factory_game.game import scene as scene_module
from factory_game.game.app import make_game
from factory_game.game.play import PlayView
from factory_game.game.scene import Scene
from factory_game.sim.world import World

from .levels import busy_level
from .test_hud_fit import hud_boxes, overlap, text_rect

SIXTEEN_X = 16 * 20  # simulated seconds per real second at 16×
FRAME_S = 1 / 60


def positions(scene):
    moving = [p.position for p in (*scene.customers.values(), *scene.helpers.values(), *scene.leavers,
                                   scene.dispatcher)]
    return moving + [f.sprite.position for f in scene.flights]


def test_pause_freezes_every_walker_coin_and_screen(window):
    world = World(busy_level())
    scene = Scene(world)
    scene.sim_speed = SIXTEEN_X
    for _ in range(200):
        world.advance(world.now + 5333)
        scene.sync(FRAME_S)
    assert any(p.route for p in scene.customers.values()), "someone must be walking for the test to mean anything"
    scene.sim_speed = 0  # paused: the world does not move, and neither does anything on the floor
    before = positions(scene)
    textures = [s.texture for s in scene.stations]
    for _ in range(120):
        scene.sync(FRAME_S)
    assert positions(scene) == before
    assert [s.texture for s in scene.stations] == textures


def late_walkers(scene, world):
    """Of the tasks running for a quarter of a real second at 16× or more: (carriers not at the station, all)."""
    late = total = 0
    for customer in world.customers.values():
        for task in customer.tasks:
            if task.state != "running" or world.now - task.started_at < SIXTEEN_X * 1000 // 4:
                continue
            carrier = scene.helpers.get(task.id) or scene.customers.get(customer.id)
            total += 1
            late += bool(carrier.route)
    return late, total


@pytest.mark.slow
def test_at_16x_people_reach_their_station_before_their_task_is_old(window, monkeypatch):
    today = scene_module.walk_speed

    def share(speed_of):
        monkeypatch.setattr(scene_module, "walk_speed", speed_of)
        world = World(busy_level(rate_per_hour=900))
        scene = Scene(world)
        scene.sim_speed = SIXTEEN_X
        late = total = 0
        for frame in range(360):
            world.advance(world.now + round(SIXTEEN_X * 1000 * FRAME_S))
            scene.sync(FRAME_S)
            if frame > 120 and frame % 10 == 0:
                a, b = late_walkers(scene, world)
                late, total = late + a, total + b
        assert total > 200
        return late / total

    capped = share(lambda s: 40.0 * min(6.0, max(1.0, s ** 0.5)) if s > 0 else 0.0)  # the old cap
    now = share(today)
    assert now <= 0.002 and capped > 0.005, (now, capped)


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (1920, 1080)])
def test_paused_sits_in_the_top_bar_over_nothing_else(window, sized, size):
    sized(*size)
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    view.step(1 / 30)
    view.toggle_pause()
    view.step(1 / 30)
    hud = view.hud
    label = hud.paused_label
    assert label.visible and label.value == "Paused"
    rect = text_rect(label)
    floor_top = view.frame.height - view.frame.bar_h
    assert rect[1] >= floor_top, "drawn over the floor"
    texts, buttons = hud_boxes(hud)
    for what, other in texts + buttons:
        if what != "Paused":
            assert not overlap(rect, other), (what, other)
