"""The `[arrivals.burst]` table of a level: sub-hour bursts on top of the level's rate (factory_game/sim/burst.py).

    [arrivals.burst]
    window = "10s"                 # the scale the states were fitted at (a record; the process is continuous)
    start = [0.5, 0.5]             # probability of each state at time 0
    states = [
      { factor = 0.4, batch = 1.0, stay = "40s", next = [0, 1] },   # quiet: 0.4 x the rate, single arrivals
      { factor = 1.6, batch = 3.5, stay = "25s", next = [1, 0] },   # busy: 1.6 x the rate, batches of 3.5
    ]

`trace import --mode fit` writes it; a hand-written level may declare one too.
"""

from __future__ import annotations

from factory_game.level.reader import Reader, describe
from factory_game.sim.burst import BurstSpec, BurstState

MAX_STATES = 32
MAX_FACTOR = 1000.0


def read_burst_table(table: Reader) -> BurstSpec | None:
    """None when the level declares no bursts (or the table has problems, each reported)."""
    if not table.data:
        table.finish()
        return None
    window = table.duration("window", 10_000, low=1)
    raw_states = table.array("states")
    if not 1 <= len(raw_states) <= MAX_STATES:
        table.report(table.key("states"), f"1 to {MAX_STATES} states", f"{len(raw_states)}")
    count = len(raw_states)
    states = []
    for index, item in enumerate(raw_states):
        sub = Reader(item, table.key(f"states.{index}"), table.report)
        factor = sub.number("factor", low=0.0, high=MAX_FACTOR)
        batch = sub.number("batch", 1.0, low=1.0, high=10_000.0)
        stay = sub.duration("stay", low=1)
        following = _probabilities(sub, "next", count)
        sub.finish()
        if factor is not None and batch is not None and stay is not None and following is not None:
            states.append(BurstState(factor, batch, float(stay), following))
    start = _probabilities(table, "start", count)
    table.finish()
    if len(states) != count or start is None or window is None or not states:
        return None
    if sum(start) <= 0:
        table.report(table.key("start"), "at least one probability above 0", "all 0")
        return None
    return BurstSpec(tuple(states), start, window)


def _probabilities(table: Reader, name: str, count: int) -> tuple[float, ...] | None:
    value = table.raw(name)
    ok = isinstance(value, list) and len(value) == count and all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1e9 for v in value)
    if not ok:
        table.report(table.key(name), f"{count} weights of at least 0, one per state", describe(value))
        return None
    return tuple(float(v) for v in value)
