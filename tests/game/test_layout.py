"""The floor plan adapts to the level and routes go through doors, never walls."""

import itertools

import pytest

from factory_game.game import layout as L


@pytest.mark.parametrize("models", [
    [("sd15", 20, 0)],
    [("sd15", 40, 20)],
    [("a", 12, 6), ("b", 6, 4), ("c", 4, 2)],
    [(f"m{i}", 8, 4) for i in range(5)],
    [("sd15", 20, 20), ("video", 6, 6), ("music", 6, 10), ("llm", 20, 40)],  # the sandbox: 128 stations
])
def test_every_station_fits_in_its_zone_and_none_overlap(models):
    lay = L.build_layout(models)
    points = []
    for (_model, slots, extra), zone in zip(models, lay.zones.values(), strict=True):
        assert len(zone.stations) == slots + extra
        assert zone.label_y + L.LABEL_H // 2 <= lay.height
        for x, y in zone.stations:
            assert zone.left <= x - 8 and x + 8 <= zone.right
            assert lay.shop[0] + 8 <= y - 8 - L.SIT_DY and y + 8 <= zone.label_y - L.LABEL_H // 2
            points.append((x, y))
        if extra:
            assert all(zone.annex[0] <= x <= zone.annex[1] for x, _ in zone.stations[slots:])
            assert all(not zone.annex[0] <= x <= zone.annex[1] for x, _ in zone.stations[:slots])
    for (ax, ay), (bx, by) in itertools.combinations(points, 2):
        assert abs(ax - bx) >= 16 or abs(ay - by) >= 16 + L.SIT_DY + 2  # a sitter never covers the row below


def test_zones_tile_the_floor_left_to_right():
    lay = L.build_layout([("a", 12, 6), ("b", 6, 4), ("c", 4, 2)])
    zones = list(lay.zones.values())
    assert zones[0].left == L.COUNTER_W
    for a, b in itertools.pairwise(zones):
        assert a.right == b.left
    assert zones[-1].right <= lay.width


def test_the_floor_is_sized_to_the_level():
    small = L.build_layout([("a", 10, 0)])
    big = L.build_layout([("sd15", 20, 20), ("video", 6, 6), ("music", 6, 10), ("llm", 20, 40)])
    assert small.width * small.height * 2 < big.width * big.height
    assert small.width <= L.VIEW_W and small.height <= L.VIEW_H  # a small level fills the view at 2×, no empty acres
    assert len(small.zones["a"].bench_rows) < len(big.zones["sd15"].bench_rows)


def test_queue_spots_stay_in_the_lobby_and_priority_is_on_the_carpet():
    lay = L.build_layout([("a", 12, 6)])
    zone = lay.zones["a"]
    for i in range(300):
        x, y = zone.queue_spot(i, False)
        assert lay.lobby[0] <= y <= lay.divider[0] and zone.left <= x <= zone.right
        assert not zone.carpet[0] <= x <= zone.carpet[1]
        px, py = zone.queue_spot(i, True)
        assert zone.carpet[0] <= px <= zone.carpet[1] and lay.lobby[0] <= py <= lay.divider[0]


def _crosses_wall_at(a, b, band):
    """x where segment a-b passes through the horizontal wall band, or None."""
    (ax, ay), (bx, by) = a, b
    lo, hi = band
    if max(ay, by) < lo or min(ay, by) > hi:
        return None
    assert ax == bx, f"diagonal move through a wall: {a} -> {b}"
    return ax


def test_routes_between_street_lobby_and_shop_use_the_doors():
    lay = L.build_layout([("a", 12, 6), ("b", 6, 4)])
    station = lay.zones["b"].stations[3]
    doors_front = {lay.entrance[0], lay.exit[0]}
    doors_inner = {z.door_x for z in lay.zones.values()}
    for start, goal, model, leaving in [
        (lay.spawn, station, "b", False),
        (station, lay.exit, None, True),
        (lay.zones["a"].queue_spot(3, False), station, "b", False),
    ]:
        path = [start] + lay.route(start, goal, model, leaving)
        for a, b in zip(path, path[1:], strict=False):
            x = _crosses_wall_at(a, b, L.FRONT_WALL)
            assert x is None or x in doors_front
            x = _crosses_wall_at(a, b, lay.divider)
            assert x is None or x in doors_inner
        assert path[-1] == goal


def test_each_place_in_the_queue_outside_is_next_to_the_one_before():
    """Closing up the street queue is a step forward, never a walk across the line."""
    lay = L.build_layout([("a", 12, 6), ("b", 6, 4)])
    spots = [lay.street_spot(i) for i in range(400)]
    for (x0, y0), (x1, y1) in itertools.pairwise(spots):
        assert abs(x1 - x0) + abs(y1 - y0) <= 2 * L.STREET_DX
    assert all(lay.region(y) == "street" for _, y in spots)
