"""Where everything stands in the factory, computed from the level alone (no Arcade, so it is tested plainly).

The world is a 640×360 logical-pixel canvas, y up, drawn at an integer zoom. From the bottom: the road and the
sidewalk (arrivals walk in from the left, leavers walk off to the right), the front wall with the entrance and
the exit, the lobby (billing counter on the left, then one waiting area per model: benches either side of a red
carpet lane for priority-pack customers), a dividing wall with one doorway per model, and the workshop (one
group of stations per model, contracted slots first, then room for the rented ones). The right-hand panel and the
top bar are left free for the HUD. Each model gets a column whose width follows its largest possible slot count,
so a level with one 60-slot model and one with five small models both fill the floor.
"""

from __future__ import annotations

from dataclasses import dataclass

CANVAS_W, CANVAS_H = 640, 360
TOP_BAR = 22  # logical px the HUD's top bar covers
PANEL_W = 176  # logical px the HUD's right panel covers
FLOOR_W = CANVAS_W - PANEL_W

ROAD_Y, SIDEWALK_Y = 10, 30  # walking lines
FRONT_WALL = (40, 48)
LOBBY = (48, 196)
DIVIDER = (196, 204)
SHOP = (204, CANVAS_H - TOP_BAR)
COUNTER_W = 72  # the billing corner at the left of the lobby

STATION_DX, STATION_DY = 18, 26  # one station cell: 16 px machine, standing room, progress bar
MIN_STATION_DY = 17  # rows as close as this when a model has many stations
STATION_ROOM = 28  # workshop height kept free of stations: the group label above, the walkway below
SPOT_DX, SPOT_DY = 11, 24  # queue spots on the benches (room for the icon and wait bar over each head)
CARPET_W = 12
STREET_DX = 10  # people queueing outside stand this far apart
STREET_ROWS = (SIDEWALK_Y + 3, SIDEWALK_Y - 7)  # two rows on the sidewalk, the one by the wall first


@dataclass(frozen=True)
class Zone:
    """One model's column: its waiting area in the lobby and its station group in the workshop."""

    model: str
    left: int
    right: int
    door_x: int  # the doorway in the dividing wall, at the top of the red carpet
    stations: tuple[tuple[int, int], ...]  # centre of every station cell, contracted first, then rented ones
    contracted: int
    label_y: int
    bench_rows: tuple[int, ...]  # y of each bench row, nearest the doorway first

    @property
    def carpet(self) -> tuple[int, int]:
        return self.door_x - CARPET_W // 2, self.door_x + CARPET_W // 2

    def queue_spot(self, index: int, priority: bool) -> tuple[int, int]:
        """Where the index-th waiting task of its class stands: priority on the carpet, the rest on the benches.

        Spots fill from the doorway down; past the last row the line packs tighter instead of spilling out.
        """
        if priority:
            lo = LOBBY[0] + 6
            y = DIVIDER[0] - 8 - index * 10
            if y < lo:
                y = lo + (index * 3) % max(1, DIVIDER[0] - 8 - lo)
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
    zones: dict[str, Zone]
    entrance: tuple[int, int]  # door centre in the front wall
    exit: tuple[int, int]
    counter: tuple[int, int]  # where the cashier stands behind the desk (its centre)
    cashbox: tuple[int, int]
    dispatcher_home: tuple[int, int]
    spawn: tuple[int, int]  # off-screen left on the sidewalk
    despawn: tuple[int, int]  # off-screen right on the sidewalk

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
        here, there = region(start[1]), region(goal[1])
        path: list[tuple[int, int]] = []
        if here == there:
            return [goal]
        door_x = self.zones[model].door_x if model in self.zones else self._nearest_door(start[0])
        mid = (DIVIDER[0] + DIVIDER[1]) // 2
        front = self.exit if leaving else self.entrance
        if here == "street" and there != "street":
            path += [(self.entrance[0], SIDEWALK_Y), (self.entrance[0], FRONT_WALL[1] + 4)]
            here = "lobby"
        if here == "shop" and there != "shop":
            path += [(door_x, SHOP[0] + 4), (door_x, DIVIDER[0] - 4)]
            here = "lobby"
        if here == "lobby" and there == "shop":
            path += [(door_x, DIVIDER[0] - 4), (door_x, mid), (door_x, SHOP[0] + 4)]
        if here == "lobby" and there == "street":
            path.append((front[0], FRONT_WALL[1] + 4))
            if goal[0] != front[0]:  # a goal in the doorway itself is reached straight down
                path.append((front[0], SIDEWALK_Y))
        return path + [goal]

    def _nearest_door(self, x: float) -> int:
        return min((z.door_x for z in self.zones.values()), key=lambda d: abs(d - x))


def region(y: float) -> str:
    if y < FRONT_WALL[1]:
        return "street"
    if y < DIVIDER[1] - 4:
        return "lobby"
    return "shop"


def build_layout(models: list[tuple[str, int, int]]) -> Layout:
    """Lay out the floor for ``models`` given as (id, contracted slots, max extra slots), in level order.

    Stations pack in as many rows as the workshop holds; each model's column is first made wide enough for its
    stations, and what width is left is shared in proportion to the slot counts. When even that does not fit
    (well over a hundred stations), stations stand closer together, down to touching."""
    left = COUNTER_W
    width = FLOOR_W - left - 4
    counts = [max(1, slots + extra) for _, slots, extra in models]
    rows_max = max(1, (SHOP[1] - SHOP[0] - STATION_ROOM) // MIN_STATION_DY)
    cols = [max(2, -(-count // rows_max)) for count in counts]
    dx = max(16, min(STATION_DX, (width - 4 * len(models)) // max(1, sum(cols))))
    need = [c * dx + 4 for c in cols]
    spare = max(0, width - sum(need))
    weights = [max(4, count) for count in counts]
    zones: dict[str, Zone] = {}
    x = left
    for (model_id, slots, extra), base, weight in zip(models, need, weights, strict=True):
        w = base + spare * weight // sum(weights)
        zones[model_id] = _zone(model_id, x, x + w, slots, extra, dx)
        x += w
    return Layout(
        zones=zones,
        entrance=(36, (FRONT_WALL[0] + FRONT_WALL[1]) // 2),
        exit=(FLOOR_W - 20, (FRONT_WALL[0] + FRONT_WALL[1]) // 2),
        counter=(30, 110),
        cashbox=(54, 102),
        dispatcher_home=(52, 150),
        spawn=(-12, SIDEWALK_Y),
        despawn=(FLOOR_W + 12, SIDEWALK_Y - 12),
    )


def _zone(model_id: str, left: int, right: int, slots: int, extra: int, dx: int) -> Zone:
    cols = max(1, (right - left - 4) // dx)
    count = slots + extra
    rows = -(-count // cols) if count else 1
    room = SHOP[1] - SHOP[0] - STATION_ROOM  # above: the group's label; below: the path from the doorway
    dy = min(STATION_DY, max(MIN_STATION_DY, room // max(1, rows))) if rows > 1 else STATION_DY
    block = (rows - 1) * dy + 16
    top = SHOP[0] + 10 + max(block, (room + block) // 2)  # the block's top edge, centred when there is room
    label_y = top + 8
    x0 = left + (right - left - cols * dx) // 2 + dx // 2
    stations = []
    for i in range(count):
        row, col = divmod(i, cols)
        stations.append((x0 + col * dx, top - 8 - row * dy))
    door_x = (left + right) // 2
    bench_rows = tuple(range(DIVIDER[0] - 30, LOBBY[0] + 4, -SPOT_DY))
    return Zone(model_id, left, right, door_x, tuple(stations), slots, label_y, bench_rows)
