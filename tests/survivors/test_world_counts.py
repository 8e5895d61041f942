"""Counts a whole run rests on, pinned on small worlds (survivors of the sim/ sample in world.py and stats.py):
every failed task is counted, and a customer who loses a sale leaves angry for the budget."""

from __future__ import annotations

from factory_game.levelkit import level, model
from factory_game.sim.clock import HOUR
from factory_game.sim.commands import Arrive
from factory_game.sim.world import World


def test_each_task_that_fails_for_good_is_counted():
    """Three tasks failing with no retry left count three failures, each refunded."""
    world = World(level(model(slots=3, failure_rate=1.0, retries=0)))
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
    world.advance(HOUR)
    overall = world.summary()["overall"]
    assert overall["failed"] == 3 and overall["completed"] == 0


def test_a_customer_whose_budget_cannot_cover_a_task_leaves_angry_for_the_budget():
    """A lost sale makes the visit angry, with the cause `budget`."""
    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",), budget_cents=0))
    world.advance(HOUR)
    overall = world.summary()["overall"]
    assert overall["lost_sales"] == 1 and overall["angry_by_cause"].get("budget") == 1
