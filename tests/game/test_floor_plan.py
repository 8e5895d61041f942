"""Every bundled level's floor at its busiest moment: no station, sitter or sign covers another, and no name on the
floor or in the HUD is cut short, in either language, at any supported window size and zoom."""

import itertools
from functools import cache

import pytest

from factory_game.game import layout as L
from factory_game.game.app import make_game
from factory_game.game.play import PlayView
from factory_game.game.screenshot import busiest_moment
from factory_game.level.bundled import bundled_levels
from factory_game.plugins import prepare_level
from factory_game.sim.commands import Rent

LEVELS = bundled_levels()
SIZES = [(640, 360), (1280, 720), (2560, 1440)]  # the compact HUD, the full one, the full one at UI scale 2


def rect(sprite):
    return sprite.left, sprite.bottom, sprite.right, sprite.top


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@cache
def busiest(path):
    return busiest_moment(path)


def busiest_view(game, path):
    """A play view of the level at its busiest moment with every station it may rent already rented (as many as a
    spot market sells at the start, on a level that has one), everyone where the world says they are."""
    prepared = prepare_level(path, lenient=True)
    view = PlayView(game, prepared)
    for model in prepared.spec.models:
        for _ in range(model.max_extra):
            if not view.world.apply(Rent(model.id, 1)).ok:
                break
    view.world.advance(busiest(path))
    view.scene.sync(0)
    for _ in range(120):  # people walk to their places (2 s at the 16× pace)
        view.scene.sim_speed = 320
        view.scene.sync(1 / 60)
    return view


@pytest.mark.slow
@pytest.mark.parametrize("path", LEVELS, ids=[p.stem for p in LEVELS])
def test_no_station_sitter_or_sign_covers_another_at_the_busiest_moment(window, path):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = busiest_view(game, path)
    scene = view.scene
    stations = {sid: rect(s) for sid, s in scene.slot_sprites.items()}
    assert len(stations) > sum(m.slots for m in view.world.spec.models) or not any(
        m.max_extra for m in view.world.spec.models), "the rented annexes are part of the check"
    sit_spots = {(s.home[0], s.home[1] - L.SIT_DY): sid for sid, s in scene.slot_sprites.items()}
    sitters = [(sit_spots[p.position], rect(p)) for p in (*scene.customers.values(), *scene.helpers.values())
               if p.arrived and p.position in sit_spots]
    assert sitters, "nobody at work at the busiest moment?"
    for (a, ra), (b, rb) in itertools.combinations(stations.items(), 2):
        assert not overlap(ra, rb), ("stations", a, b)
    for own, r in sitters:
        for sid, rs in stations.items():
            assert sid == own or not overlap(r, rs), ("sitter of", own, "covers station", sid)
    for (a, ra), (b, rb) in itertools.combinations(sitters, 2):
        assert a == b or not overlap(ra, rb), ("sitters", a, b)
    # the words over the groups (window pixels, as drawn) cover no station and no other word
    labels = view.floor_labels
    words = {key: labels.rect(key) for key, *_ in labels.items}
    words = {k: (x, y, x + w, y + h) for k, (x, y, w, h) in words.items()}
    cam = view.camera
    for key, r in words.items():
        for sid, (x0, y0, x1, y1) in stations.items():
            (wx0, wy0), (wx1, wy1) = cam.to_window(x0, y0), cam.to_window(x1, y1)
            assert not overlap(r, (wx0, wy0, wx1, wy1)), (key, "covers station", sid)
    for (a, ra), (b, rb) in itertools.combinations(words.items(), 2):
        assert not overlap(ra, rb), (a, b)
    view.on_hide_view()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_no_name_is_cut_short_at_any_size_or_zoom(window, sized, lang):
    game = make_game(levels=[], lang=lang, muted=True, headless=True)
    for path in LEVELS:
        prepared = prepare_level(path)
        spec = prepared.spec
        view = PlayView(game, prepared)
        names = {m.id: game.i18n.pick(m.names, m.id) for m in spec.models}
        for size in SIZES:
            sized(*size)
            view.relayout()
            for card in view.hud.cards:  # the HUD's model cards
                assert card.name.value == names[card.model_id], (path.stem, size, card.name.value)
            cam = view.camera
            for zoom in range(1, cam.fit_zoom + 2):
                cam.set_zoom(zoom)
                view.floor_labels.place()
                for model_id, name in names.items():
                    zone = view.scene.layout.zones[model_id]
                    key = "name:" + model_id
                    label = next(label for k, label, *_ in view.floor_labels.items if k == key)
                    assert label.value == name
                    x, _y, w, _h = view.floor_labels.rect(key)
                    right = cam.to_window(zone.right, 0)[0]
                    assert x + w <= right, (path.stem, size, zoom, name, "runs past its group")
                    if zone.annex is not None:
                        sign_x = view.floor_labels.rect("rented:" + model_id)[0]
                        assert x + w < sign_x, (path.stem, size, zoom, name, "runs into the RENTED sign")
        view.on_hide_view()
