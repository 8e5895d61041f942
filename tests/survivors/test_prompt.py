"""The wait prompt's edges (issue 21's prompt survivors), on tiny scripted worlds, read through the events."""

from __future__ import annotations

from factory_game.levelkit import level, model
from factory_game.sim.clock import MINUTE, SECOND
from factory_game.sim.commands import Arrive
from factory_game.sim.events import Kind
from factory_game.sim.prompt import SHOWN_WAIT_CAP_MS
from factory_game.sim.spec import PromptSpec, ScriptedEvent
from factory_game.sim.world import World


def _queue_of_ten(prompt: PromptSpec, events=()):
    world = World(level(model(slots=1), prompt=prompt, tiers=(("L1", 1),), events=events))
    prompts = []
    world.subscribe(lambda e: prompts.append((e.time, e.customer, e.info)) if e.kind == Kind.PROMPT else None)
    for _ in range(10):
        world.apply(Arrive("L1", ("image",), patience_ms=2 * 60 * MINUTE))
    return world, prompts


def test_a_multiplier_of_zero_switches_the_prompt_off():
    """A level's `[prompt] multiplier = 0` asks nobody, however long the queue (as `enabled = false` does)."""
    world, prompts = _queue_of_ten(PromptSpec(enabled=True, multiplier=0.0, answer_delay_ms=10 * SECOND))
    world.advance(30 * MINUTE)
    assert prompts == []
    _world, asked = _queue_of_ten(PromptSpec(enabled=True, multiplier=3.0, answer_delay_ms=10 * SECOND))
    assert asked, "the same queue with the default line does ask (the test can fail)"


def test_a_full_outage_predicts_an_unbounded_wait_and_asks_everyone_queued():
    """With every slot down the predicted wait is unbounded: each queued customer is asked, shown the cap."""
    outage = ScriptedEvent("outage", 1 * MINUTE, duration_ms=60 * MINUTE, model="sd15", slots=1)
    # a line of 100 tasks: nobody queued is past it before the outage
    world, prompts = _queue_of_ten(PromptSpec(enabled=True, multiplier=100.0, answer_delay_ms=10 * SECOND),
                                   events=(outage,))
    assert prompts == []
    world.advance(1 * MINUTE)
    assert [(t, c, int(info)) for t, c, info in prompts] == [(MINUTE, c, SHOWN_WAIT_CAP_MS) for c in range(2, 11)]


def test_a_yes_is_asked_again_when_the_start_slips_past_the_promise_by_a_line():
    """A customer who said yes is asked again once their predicted start passes the promised one by a full line."""
    outage = ScriptedEvent("outage", 2 * MINUTE, duration_ms=60 * MINUTE, model="sd15", slots=1)
    world, prompts = _queue_of_ten(PromptSpec(enabled=True, multiplier=3.0, answer_delay_ms=10 * SECOND),
                                   events=(outage,))
    world.advance(MINUTE)  # the first asked (customers 5..10) said yes to their waits
    first = {c for _t, c, _info in prompts}
    assert first == set(range(5, 11))
    world.advance(3 * MINUTE)  # the only slot went down at 2 min: every start slips without bound
    again = [c for t, c, _info in prompts if t >= 2 * MINUTE]
    assert set(again) >= first, "each promised customer is asked again"
