"""Outages and the bill (the review's capacity survivors): read through the events and the ledger's totals."""

from __future__ import annotations

from factory_game.levelkit import level, model
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Arrive, SignContract
from factory_game.sim.events import Kind
from factory_game.sim.spec import MarketSpec, ScriptedEvent
from factory_game.sim.world import World


def _outage_world(slots=3, down=2, at=MINUTE, minutes=10):
    spec = level(model(slots=slots, slot_cost_cents=600),
                 events=(ScriptedEvent("outage", at, duration_ms=minutes * MINUTE, model="sd15", slots=down),))
    world = World(spec)
    log = []
    world.subscribe(log.append)
    return world, log


def test_tasks_queued_during_a_full_outage_start_the_moment_it_ends():
    """Slots back from an outage take the waiting tasks at once (no idle slot beside a waiting queue)."""
    world, log = _outage_world(slots=2, down=2)
    world.advance(2 * MINUTE)
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
    world.advance(30 * MINUTE)
    starts = [e.time for e in log if e.kind == Kind.START]
    assert starts[:2] == [11 * MINUTE, 11 * MINUTE] and starts[2] == 16 * MINUTE


def test_an_outage_takes_the_newest_contracted_slots_down():
    """The highest slot ids go down first, and the same ones come back up."""
    world, log = _outage_world(slots=3, down=2)
    world.advance(12 * MINUTE)
    down = [e.slot for e in log if e.kind == Kind.SLOT_DOWN]
    up = [e.slot for e in log if e.kind == Kind.SLOT_UP]
    assert down == [3, 2] and sorted(up) == [2, 3]  # of slots 1, 2, 3


def test_contracted_slots_are_billed_while_down():
    """Contracted slots cost their slot-hour whether up or down: 3 slots x 6.00 x 30 min = 9.00, outage or not."""
    world, log = _outage_world(slots=3, down=3, at=5 * MINUTE, minutes=20)
    world.advance(15 * MINUTE)  # mid-outage: the cost has kept accruing minute by minute
    world.settle_costs()
    assert world.ledger.upstream_cents == 3 * 600 * 15 // 60
    world.advance(30 * MINUTE)
    world.settle_costs()
    assert world.ledger.upstream_cents == 900
    assert sum(e.cents for e in log if e.kind == Kind.UPSTREAM_COST and e.info == "contracted") == 900


def test_a_contract_slot_that_leaves_at_its_periods_end_is_billed_exactly_the_period():
    """A contract slot is billed its committed period at the contract price, no more, no less."""
    spec = level(model(slots=1, max_extra=2, rent_price_cents=400),
                 market=MarketSpec(contract_share=0.5, contract_period_ms=HOUR, contract_lead_ms=0))
    world = World(spec)
    assert world.apply(SignContract("sd15", 1)).ok
    world.advance(3 * HOUR)
    world.settle_costs()
    contract = [e for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract"]
    assert sum(e.cents for e in contract) == 200
