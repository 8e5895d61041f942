"""The parts of the factory that never move: floors, walls, doors, benches, carpets, the counter.

Built once per level into one SpriteList and drawn each frame as one batch.
"""

from __future__ import annotations

from factory_game.game import layout as L
from factory_game.game.art import palette, textures
from factory_game.game.gfx import arcade


def _put(sprites: arcade.SpriteList, name: str, left: int, bottom: int) -> arcade.Sprite:
    tex = textures()[name]
    sprite = arcade.Sprite(tex, center_x=left + tex.width / 2, center_y=bottom + tex.height / 2)
    sprites.append(sprite)
    return sprite


def _fill(sprites: arcade.SpriteList, name: str, x0: int, x1: int, y0: int, y1: int) -> None:
    tex = textures()[name]
    for y in range(y0, y1, tex.height):
        for x in range(x0, x1, tex.width):
            _put(sprites, name, x, y)


STREET_BEYOND = 640  # the road and sidewalk run on past the building (seen when it is narrower than the view)


def build_background(lay: L.Layout) -> arcade.SpriteList:
    """Road, sidewalk, the building's floors and walls, the waiting areas, the billing corner, the level's décor."""
    s: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
    right = lay.width
    lobby_floor, shop_floor, decor = lay.theme
    _fill(s, "street", -STREET_BEYOND, right + STREET_BEYOND, 0, 20)
    _fill(s, "lane", -STREET_BEYOND, right + STREET_BEYOND, 0, 16)  # centre line of the road
    _fill(s, "sidewalk", -STREET_BEYOND, right + STREET_BEYOND, 20, 40)
    _fill(s, lobby_floor, 0, right, lay.lobby[0], lay.lobby[1])
    _fill(s, shop_floor, 0, right, lay.shop[0], lay.height)
    _fill(s, "wall", 0, right, L.FRONT_WALL[0], L.FRONT_WALL[1])
    _fill(s, "wall", 0, right, lay.divider[0], lay.divider[1])
    for door_x in (lay.entrance[0], lay.exit[0]):
        _put(s, "door", door_x - 8, L.FRONT_WALL[0])
    # a velvet rope along the kerb: the line on the sidewalk waits for the tier cap, not for a free station
    for x in range(lay.entrance[0] + 10, lay.exit[0] - 16, 8):
        _put(s, "rope", x, 13)
    for zone in lay.zones.values():
        _put(s, lobby_floor, zone.door_x - 8, lay.divider[0] - 8)  # doorway in the dividing wall
        carpet_left = zone.carpet[0]
        _fill(s, "carpet", carpet_left, carpet_left + L.CARPET_W, lay.lobby[0] + 2, lay.divider[1])
        for y in zone.bench_rows:
            for x0, x1 in ((zone.left + 4, zone.carpet[0] - 2), (zone.carpet[1] + 2, zone.right - 4)):
                for bx in range(x0, x1 - 23, 26):
                    _put(s, "bench", bx, y - 3)
        if zone.annex is not None:  # the annex's floor is marked out in yellow, like a loading bay
            pal = palette()
            left, right_x = zone.annex[0] - 3, zone.annex[1] + 3
            bottom, top = zone.stations[-1][1] - L.SIT_DY - 10, zone.stations[zone.contracted][1] + 10
            for x0, y0, w, h in ((left, bottom, right_x - left, 1), (left, top, right_x - left, 1),
                                 (left, bottom, 1, top - bottom), (right_x, bottom, 1, top - bottom + 1)):
                _rect(s, x0, y0, w, h, pal["yellow"])
    # the billing corner: counter, cashbox, décor by the door and in the workshop's corner
    _put(s, "counter", 8, lay.counter[1] - 14)
    _put(s, "cashbox", lay.cashbox[0] - 4, lay.cashbox[1] - 3)
    _put(s, "plant", 2, lay.lobby[0] + 2)
    _put(s, decor, L.COUNTER_W - 20, lay.lobby[0] + 2)
    _put(s, decor, 4, lay.shop[0] + 4)
    _put(s, "plant", 40, lay.shop[0] + 4)
    return s


def _rect(sprites: arcade.SpriteList, left: int, bottom: int, width: int, height: int, color) -> None:
    sprites.append(arcade.SpriteSolidColor(width, height, left + width / 2, bottom + height / 2, color))
