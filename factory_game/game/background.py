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


def build_background(lay: L.Layout) -> arcade.SpriteList:
    s = arcade.SpriteList(use_spatial_hash=False)
    right = L.FLOOR_W
    _fill(s, "street", 0, right, 0, 20)
    _fill(s, "lane", 0, right, 0, 16)  # centre line of the road
    _fill(s, "sidewalk", 0, right, 20, 40)
    _fill(s, "floor_wait", 0, right, L.LOBBY[0], L.DIVIDER[0])
    _fill(s, "floor_shop", 0, right, L.SHOP[0], L.CANVAS_H)
    _fill(s, "wall", 0, right, L.FRONT_WALL[0], L.FRONT_WALL[1])
    _fill(s, "wall", 0, right, L.DIVIDER[0], L.DIVIDER[1])
    for door_x in (lay.entrance[0], lay.exit[0]):
        _put(s, "door", door_x - 8, L.FRONT_WALL[0])
    for zone in lay.zones.values():
        _put(s, "floor_wait", zone.door_x - 8, L.DIVIDER[0] - 8)  # doorway in the dividing wall
        carpet_left = zone.carpet[0]
        _fill(s, "carpet", carpet_left, carpet_left + L.CARPET_W, L.LOBBY[0] + 2, L.DIVIDER[1])
        for y in zone.bench_rows:
            for x0, x1 in ((zone.left + 4, zone.carpet[0] - 2), (zone.carpet[1] + 2, zone.right - 4)):
                for bx in range(x0, x1 - 23, 26):
                    _put(s, "bench", bx, y - 3)
    # the billing corner: counter, cashbox, a plant by the door, another in the office
    _put(s, "counter", 8, lay.counter[1] - 14)
    _put(s, "cashbox", lay.cashbox[0] - 4, lay.cashbox[1] - 3)
    _put(s, "plant", 2, L.LOBBY[0] + 2)
    _put(s, "plant", L.COUNTER_W - 20, L.LOBBY[0] + 2)
    _put(s, "plant", 4, L.SHOP[0] + 4)
    # the HUD's backgrounds, baked with the floor so the HUD adds no full-size fills per frame
    pal = palette()
    panel_h = L.CANVAS_H - L.TOP_BAR
    _rect(s, L.FLOOR_W, 0, L.PANEL_W, panel_h, pal["night"])
    _rect(s, L.FLOOR_W, 0, 1, panel_h, pal["ink"])
    _rect(s, 0, panel_h, L.CANVAS_W, L.TOP_BAR, pal["ink"])
    return s


def _rect(sprites: arcade.SpriteList, left: int, bottom: int, width: int, height: int, color) -> None:
    sprites.append(arcade.SpriteSolidColor(width, height, left + width / 2, bottom + height / 2, color))
