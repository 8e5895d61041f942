"""Example mod 3 (mods/fair-share): under a priority-pack rush, normal customers' worst wait stays bounded with the
mod and grows with the rush without it."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from factory_game.plugins import prepare_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.events import Kind

ROOT = Path(__file__).resolve().parents[2]
LEVEL = ROOT / "levels" / "mods" / "fair-share-rush.toml"


class Waits:
    """Subscriber: each task's queue wait (so far, for tasks still waiting at the end), by customer class."""

    def __init__(self) -> None:
        self.priority: dict[int, bool] = {}
        self.queued: dict[int, tuple[int, int]] = {}  # task -> (customer, time)
        self.waits: dict[bool, list[int]] = {True: [], False: []}
        self.starts: dict[bool, list[int]] = {True: [], False: []}  # task ids in start order
        self.now = 0

    def __call__(self, event) -> None:
        self.now = event.time
        if event.kind == Kind.ARRIVE and event.customer not in self.priority:
            self.priority[event.customer] = "+priority" in (event.info or "")
        elif event.kind == Kind.QUEUE:
            self.queued.setdefault(event.task, (event.customer, event.time))
        elif event.kind == Kind.START:
            customer, since = self.queued.pop(event.task)
            self.waits[self.priority[customer]].append(event.time - since)
            self.starts[self.priority[customer]].append(event.task)

    def worst_normal(self) -> int:
        still = [self.now - since for customer, since in self.queued.values() if not self.priority[customer]]
        return max(self.waits[False] + still)


def run(mods: str, rush_hours: int, seed: int = 11, extra: tuple[str, ...] = ()) -> Waits:
    waits = Waits()
    overrides = [f"level.mods={mods}", "prompt.enabled=false", f'level.duration="{rush_hours + 1}h"',
                 f'arrivals.rate=[{{ from = "0h", per_hour = 162 }}, {{ from = "{rush_hours}h", per_hour = 40 }}]',
                 *extra]
    spec, _rules, session = prepare_level(LEVEL, overrides)
    run_level(spec, seed=seed, mods=session, world_hook=lambda world: world.subscribe(waits))
    return waits


def test_normal_customers_worst_wait_is_bounded_with_fair_share_and_grows_without():
    with_mod = {hours: run('["fair-share"]', hours).worst_normal() for hours in (1, 2, 3)}
    without = {hours: run("[]", hours).worst_normal() for hours in (1, 2, 3)}
    print("worst normal wait (min) with fair share:", {h: round(w / MINUTE) for h, w in with_mod.items()},
          "without:", {h: round(w / MINUTE) for h, w in without.items()})
    assert all(wait <= 20 * MINUTE for wait in with_mod.values())
    assert without[1] > 45 * MINUTE
    assert without[2] > without[1] + 30 * MINUTE and without[3] > without[2] + 30 * MINUTE


def test_priority_packs_still_go_first_most_of_the_time():
    waits = run('["fair-share"]', 2)
    mean = {cls: sum(w) / len(w) for cls, w in waits.waits.items()}
    assert len(waits.waits[True]) > 3 * len(waits.waits[False])  # they get the larger share of the slots
    assert mean[False] < 10 * MINUTE < mean[True] < HOUR  # a rush beyond capacity: their own queue grows


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.1, 0.95), rate=st.integers(40, 250))
def test_each_class_is_served_first_come_first_served(seed, share, rate):
    waits = run('["fair-share"]', 1, seed=seed,
                extra=(f"arrivals.priority_share={share}", f'arrivals.rate={rate}', 'level.duration="40m"'))
    for started in waits.starts.values():
        assert started == sorted(started)  # task ids rise with queueing time within a class
