"""The goals' projection from the world's futures (`level/projection.py`, issue 16 item 5): copies run to closing
time down other random paths, the world itself untouched, incidents not yet opened unknown to the copies, the same
world giving the same projection. How close it comes to the end on the experts' runs is `bench/projection.py`'s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factory_game.level.projection import copy_world, future_ends, project_goals
from factory_game.plugins import PreparedLevel, prepare_level
from factory_game.sim.clock import MINUTE
from factory_game.sim.core import is_compiled
from factory_game.sim.events import EventLog

LEVELS = Path(__file__).resolve().parents[1] / "levels"

# A compiled world cannot be copied (mypyc classes do not deepcopy): the game then projects at the pace, which
# tests/game/test_manager_panels.py tests.
pytestmark = pytest.mark.skipif(is_compiled(), reason="a compiled world cannot be copied")


def _world(name: str, seed: int = 3):
    spec = prepare_level(LEVELS / name).spec
    return spec, PreparedLevel.from_spec(spec).start(seed)


def test_projecting_leaves_the_world_as_it_was():
    spec, projected = _world("campaign/04-rush-hour.toml")
    _spec, straight = _world("campaign/04-rush-hour.toml")
    log_a, log_b = EventLog(), EventLog()
    projected.subscribe(log_a)
    straight.subscribe(log_b)
    for world in (projected, straight):
        world.advance(80 * MINUTE)
    future_ends(projected, spec.duration_ms)
    for world in (projected, straight):
        world.advance(spec.duration_ms)
        world.settle_costs()
    assert projected.summary() == straight.summary()
    assert log_a.hexdigest() == log_b.hexdigest() and log_a.count > 1000


def test_futures_differ_and_the_same_world_projects_the_same():
    spec, world = _world("campaign/01-opening-day.toml")
    world.advance(90 * MINUTE)
    ends = future_ends(world, spec.duration_ms)
    assert len({json.dumps(summary, sort_keys=True) for summary in ends}) == len(ends)  # each went its own way
    profits = [summary["money"]["profit_cents"] for summary in ends]
    assert len(set(profits)) > 1
    assert future_ends(world, spec.duration_ms) == ends
    projection = project_goals(spec, ends)["money.profit_cents"]
    assert projection.low == min(profits) <= projection.value <= projection.high == max(profits)


def test_a_copy_knows_only_the_incidents_that_have_opened():
    spec, world = _world("career/day.toml", seed=1)
    world.advance(60 * MINUTE)
    opened = set(world.incidents.opened)
    assert len(world.incidents.schedule) > len(opened)  # more are coming, unannounced
    copied = copy_world(world)
    copied.incidents.forget_unopened()
    copied.advance(spec.duration_ms)
    assert set(copied.incidents.opened) == opened


def test_at_half_time_the_expert_on_a_level_without_incidents_ends_inside_the_range():
    from tests.campaign.policies import EXPERTS

    spec = prepare_level(LEVELS / "campaign" / "03-video-arrives.toml").spec
    world = PreparedLevel.from_spec(spec).start(1)
    world.autopilot_enabled = False
    expert = EXPERTS["03-video-arrives"](spec)
    expert.start(world)
    projection = None
    while world.now < spec.duration_ms:
        world.advance(min(spec.duration_ms, world.now + MINUTE))
        if world.now == spec.duration_ms // 2:
            projection = project_goals(spec, future_ends(world, spec.duration_ms))["money.profit_cents"]
        if world.now < spec.duration_ms:
            expert.step(world)
    world.settle_costs()
    end = world.summary()["money"]["profit_cents"]
    assert projection is not None and projection.low <= end <= projection.high
    assert abs(projection.value - end) <= 0.1 * abs(end)
