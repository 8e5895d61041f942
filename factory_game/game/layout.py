"""Where everything stands in the factory, computed from the level alone (no Arcade, so it is tested plainly).

The floor is a world of logical pixels, y up, sized to the level: the camera (``camera.py``) shows it at an integer
zoom and pans over it. From the bottom: the road and the sidewalk (arrivals walk in from the left, leavers walk off
to the right), the front wall with the entrance and the exit, the lobby (billing counter on the left, then one
waiting area per model: benches either side of a red carpet lane for priority-pack customers), a dividing wall with
one doorway per model, and the workshop. Each model's column holds its contracted stations in rows with an aisle
between rows (a person sitting at a station never covers the row below), and beside them, across an aisle, its
annex for rented stations under a RENTED sign. The number of rows is the one that makes the floor's shape closest
to the screen's, so a one-model level is compact and the four-model sandbox is wide, never overlapping; the lobby's
bench rows follow the level's station count.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

VIEW_W, VIEW_H = 464, 338  # the floor area the camera shows at 2× in a 1280×720 window (the HUD has the rest)

ROAD_Y, SIDEWALK_Y = 10, 30  # walking lines
FRONT_WALL = (40, 48)
LOBBY_BOTTOM = FRONT_WALL[1]
WALL_H = 8
COUNTER_W = 72  # the billing corner at the left of the lobby

STATION = 16  # a station sprite is 16×16
SIT_DY = 12  # a worker stands this far below the station's centre
STATION_DX = 18  # column pitch: two pixels between machines
ROW_DY = 30  # row pitch: the station, its sitter under it, a two-pixel aisle
ANNEX_GAP = 12  # the aisle between the contracted block and the rented annex
LABEL_H = 16  # the row over a station group: the model's name, the RENTED sign (16 px text at zoom 1)
SHOP_FOOT = 14  # free floor under the last row: the walkway from the doorway
SPOT_DX, SPOT_DY = 11, 24  # queue spots on the benches (room for the hourglass over each head)
CARPET_W = 12
MIN_ZONE_W = 80  # a waiting area: a bench either side of the carpet
STREET_DX = 10  # people queueing outside stand this far apart
STREET_ROWS = (SIDEWALK_Y + 3, SIDEWALK_Y - 7)  # two rows on the sidewalk, the one by the wall first
MAX_ROWS = 8

THEMES = (  # (lobby floor, workshop floor, décor) per level, picked by the level's id
    ("floor_wood", "floor_shop", "plant"),
    ("floor_tile", "floor_steel", "plant"),
    ("floor_wood", "floor_steel", "cooler"),
    ("floor_tile", "floor_shop", "cooler"),
)


def text_px(text: str) -> int:
    """Width of ``text`` in the 16 px Unifont at zoom 1: 8 px a character, 16 for a wide (CJK) one."""
    return sum(16 if unicodedata.east_asian_width(ch) in "WF" else 8 for ch in text)


@dataclass(frozen=True)
class Zone:
    """One model's column: its waiting area in the lobby and its station group (and annex) in the workshop."""

    model: str
    left: int
    right: int
    door_x: int  # the doorway in the dividing wall, at the top of the red carpet
    stations: tuple[tuple[int, int], ...]  # centre of every station cell, contracted first, then the annex's
    contracted: int
    label_y: int  # the centre line of the group's label row
    bench_rows: tuple[int, ...]  # y of each bench row, nearest the doorway first
    annex: tuple[int, int] | None  # x range of the rented annex, None when the model cannot rent
    lobby: tuple[int, int]
    sign_x: int  # the RENTED sign's centre: over the annex, clear of the name at zoom 1

    @property
    def carpet(self) -> tuple[int, int]:
        return self.door_x - CARPET_W // 2, self.door_x + CARPET_W // 2

    def sitter(self, index: int) -> tuple[int, int]:
        """Where whoever works at the index-th station stands."""
        x, y = self.stations[index]
        return x, y - SIT_DY

    def queue_spot(self, index: int, priority: bool) -> tuple[int, int]:
        """Where the index-th waiting task of its class stands: priority on the carpet, the rest on the benches.

        Spots fill from the doorway down; past the last row the line packs tighter instead of spilling out.
        """
        lobby_bottom, lobby_top = self.lobby
        if priority:
            lo = lobby_bottom + 6
            y = lobby_top - 8 - index * 10
            if y < lo:
                y = lo + (index * 3) % max(1, lobby_top - 8 - lo)
            return self.door_x, y
        left_cols = max(1, (self.carpet[0] - self.left - 4) // SPOT_DX)
        right_cols = max(1, (self.right - self.carpet[1] - 4) // SPOT_DX)
        cols = left_cols + right_cols
        rows = len(self.bench_rows)
        row, col = divmod(index, cols)
        if row >= rows:  # overflow: squeeze extra people between the rows
            row = row % rows
            shift = 4 * ((index // (cols * rows)) % 3)
        else:
            shift = 0
        if col < left_cols:
            x = self.carpet[0] - 6 - col * SPOT_DX
        else:
            x = self.carpet[1] + 6 + (col - left_cols) * SPOT_DX
        return x, self.bench_rows[row] + 4 - shift


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    lobby: tuple[int, int]  # y range
    divider: tuple[int, int]
    shop: tuple[int, int]
    zones: dict[str, Zone]
    entrance: tuple[int, int]  # door centre in the front wall
    exit: tuple[int, int]
    counter: tuple[int, int]  # where the cashier stands behind the desk (its centre)
    cashbox: tuple[int, int]
    dispatcher_home: tuple[int, int]
    spawn: tuple[int, int]  # off the floor, left on the sidewalk
    despawn: tuple[int, int]  # off the floor, right on the sidewalk
    theme: tuple[str, str, str]

    def region(self, y: float) -> str:
        if y < FRONT_WALL[1]:
            return "street"
        if y < self.divider[1] - 4:
            return "lobby"
        return "shop"

    def street_spot(self, index: int) -> tuple[int, int]:
        """The index-th place in the queue outside, for customers holding tickets not yet let in (over their cap).

        The queue starts at the entrance and snakes along the sidewalk, two deep: out along the row by the wall,
        back along the kerb, stopping short of the exit (arrivals come from the left, leavers go right from the
        exit); past that it snakes again, tighter, in the gaps. Each place is next to the one before, so closing up
        the line is a step forward, never a walk across it."""
        first, last = self.entrance[0] + 14, self.exit[0] - 14
        per_row = max(1, (last - first) // STREET_DX + 1)
        lap, index = divmod(index, per_row * len(STREET_ROWS))
        row, col = divmod(index, per_row)
        if row % 2:
            col = per_row - 1 - col
        shift = (lap % 2) * STREET_DX // 2
        return first + col * STREET_DX + shift, STREET_ROWS[row] - (lap % 2) * 2

    def route(self, start: tuple[float, float], goal: tuple[int, int], model: str | None = None,
              leaving: bool = False) -> list[tuple[int, int]]:
        """Waypoints from start to goal through the doors (never through a wall). ``model`` names the doorway
        to use between lobby and workshop; ``leaving`` picks the exit instead of the entrance."""
        here, there = self.region(start[1]), self.region(goal[1])
        path: list[tuple[int, int]] = []
        if here == there:
            return [goal]
        door_x = self.zones[model].door_x if model in self.zones else self._nearest_door(start[0])
        below, above = self.divider
        mid = (below + above) // 2
        shop_in = self.shop[0] + 4
        front = self.exit if leaving else self.entrance
        if here == "street" and there != "street":
            path += [(self.entrance[0], SIDEWALK_Y), (self.entrance[0], FRONT_WALL[1] + 4)]
            here = "lobby"
        if here == "shop" and there != "shop":
            path += [(door_x, shop_in), (door_x, below - 4)]
            here = "lobby"
        if here == "lobby" and there == "shop":
            path += [(door_x, below - 4), (door_x, mid), (door_x, shop_in)]
        if here == "lobby" and there == "street":
            path.append((front[0], FRONT_WALL[1] + 4))
            if goal[0] != front[0]:  # a goal in the doorway itself is reached straight down
                path.append((front[0], SIDEWALK_Y))
        return path + [goal]

    def _nearest_door(self, x: float) -> int:
        return min((z.door_x for z in self.zones.values()), key=lambda d: abs(d - x))


@dataclass(frozen=True)
class ModelPlan:
    """What the floor needs to know of a model: its slots, how many it may rent, how wide its label is."""

    id: str
    slots: int
    extra: int = 0
    label_px: int = 0  # the widest of its names (any language) at zoom 1, its content icons included


def _block_cols(count: int, rows: int) -> int:
    return -(-count // rows) if count else 0


def _zone_width(plan: ModelPlan, rows: int, rented_px: int) -> int:
    cols_c = max(1, _block_cols(plan.slots, rows))
    cols_r = _block_cols(plan.extra, rows)
    stations = 8 + cols_c * STATION_DX + (ANNEX_GAP + cols_r * STATION_DX if cols_r else 0)
    label = 8 + plan.label_px + (8 + rented_px if plan.extra else 0) + 4
    return max(MIN_ZONE_W, stations, label)


def _bench_rows(plans: list[ModelPlan], widths: list[int]) -> int:
    """Bench rows for the load: a seat per contracted station and one per two that may be rented, two to six rows."""
    need = 2
    for plan, width in zip(plans, widths, strict=True):
        seats = max(1, (width - CARPET_W - 8) // SPOT_DX)
        need = max(need, -(-(plan.slots + plan.extra // 2) // seats))
    return min(6, need)


def build_layout(models: Sequence[ModelPlan | tuple], rented_px: int = 48, level_id: str = "") -> Layout:
    """Lay out the floor for ``models`` (``ModelPlan``\\s, or (id, slots, extra) tuples) in level order.

    ``rented_px``: the widest RENTED sign text at zoom 1 (both languages), so the sign never covers the name.
    ``level_id`` picks the level's theme (floors and décor), the same on every machine."""
    plans = [m if isinstance(m, ModelPlan) else ModelPlan(*m) for m in models]

    def size(rows: int, benches: int) -> tuple[int, int]:
        width = COUNTER_W + sum(_zone_width(p, rows, rented_px) for p in plans) + 4
        height = (LOBBY_BOTTOM + 56 + (benches - 1) * SPOT_DY + WALL_H + LABEL_H + 8 + (rows - 1) * ROW_DY
                  + STATION // 2 + SIT_DY + 8 + SHOP_FOOT)
        return width, height

    def best_rows(benches: int) -> int:
        """The row count whose floor is closest to the screen's shape: the least zoomed-out view shows it all."""
        return min(range(1, MAX_ROWS + 1),
                   key=lambda r: (max(size(r, benches)[0] / VIEW_W, size(r, benches)[1] / VIEW_H), r))

    rows = best_rows(3)
    benches = _bench_rows(plans, [_zone_width(p, rows, rented_px) for p in plans])
    rows = best_rows(benches)
    lobby_top = LOBBY_BOTTOM + 30 + (benches - 1) * SPOT_DY + 26
    floor_below_shop = lobby_top + WALL_H
    width, height = size(rows, benches)
    shop = (floor_below_shop, height)
    label_y = height - LABEL_H // 2 - 2
    top_row = height - LABEL_H - 4 - STATION // 2
    zones: dict[str, Zone] = {}
    x = COUNTER_W
    bench_rows = tuple(range(lobby_top - 30, LOBBY_BOTTOM + 4, -SPOT_DY))
    for plan in plans:
        w = _zone_width(plan, rows, rented_px)
        zones[plan.id] = _zone(plan, x, x + w, rows, top_row, label_y, bench_rows, (LOBBY_BOTTOM, lobby_top),
                               rented_px)
        x += w
    counter_y = min(110, lobby_top - 40)
    return Layout(
        width=width, height=height, lobby=(LOBBY_BOTTOM, lobby_top), divider=(lobby_top, floor_below_shop),
        shop=shop, zones=zones,
        entrance=(36, (FRONT_WALL[0] + FRONT_WALL[1]) // 2),
        exit=(width - 20, (FRONT_WALL[0] + FRONT_WALL[1]) // 2),
        counter=(30, counter_y),
        cashbox=(54, counter_y - 8),
        dispatcher_home=(52, min(150, lobby_top - 20)),
        spawn=(-12, SIDEWALK_Y),
        despawn=(width + 12, SIDEWALK_Y - 12),
        theme=THEMES[zlib.crc32(level_id.encode()) % len(THEMES)],
    )


def _zone(plan: ModelPlan, left: int, right: int, rows: int, top_row: int, label_y: int,
          bench_rows: tuple[int, ...], lobby: tuple[int, int], rented_px: int) -> Zone:
    cols_c = max(1, _block_cols(plan.slots, rows))
    cols_r = _block_cols(plan.extra, rows)
    block_w = cols_c * STATION_DX + (ANNEX_GAP + cols_r * STATION_DX if cols_r else 0)
    x0 = left + (right - left - block_w) // 2 + STATION_DX // 2
    stations = []
    for i in range(plan.slots):
        row, col = divmod(i, cols_c)
        stations.append((x0 + col * STATION_DX, top_row - row * ROW_DY))
    annex = None
    if cols_r:
        ax = x0 + cols_c * STATION_DX + ANNEX_GAP
        annex = (ax - STATION_DX // 2, ax + cols_r * STATION_DX - STATION_DX // 2)
        for i in range(plan.extra):
            row, col = divmod(i, cols_r)
            stations.append((ax + col * STATION_DX, top_row - row * ROW_DY))
    door_x = (left + right) // 2
    sign_x = right
    if annex is not None:
        half = -(-rented_px // 2)
        sign_x = min(right - 4 - half, max((annex[0] + annex[1]) // 2, left + 4 + plan.label_px + 8 + half))
    return Zone(plan.id, left, right, door_x, tuple(stations), plan.slots, label_y, bench_rows, annex, lobby,
                sign_x)
