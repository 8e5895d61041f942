"""Capacity: a model's slots (stations), renting and releasing them, outages, and what River pays upstream.

The whole rented-slot story, in order (docs/engine.md "Capacity and money"):
- `rent`: the player (or the autopilot) orders slots; each arrives after the model's lead time (`_slot_arrives`),
  up to `max_extra` rented slots per model, orders in transit counted;
- a rented slot is billed `rent_price_cents` per slot-hour from its arrival while present (`bill`, every tick);
- `release`: idle rented slots leave at once, busy ones finish their task first (`remove_slot` when they go);
  a slot that leaves is billed for at least `min_rental_ms` (`remove_slot`);
- contracted slots are billed `slot_cost_cents` per slot-hour from time 0, present or down (`bill`);
- an outage (`outage_start`, `outage_end`) takes contracted slots down for a while; tasks on them fail;
- a capacity contract (`sign_contract`) is a rented slot on other terms: the level's contract price, a longer lead
  time, a committed period billed in full; it cannot be released and leaves by itself when the period ends.
Every bill goes to the ledger as an upstream cost. The world calls these functions with itself as the first
argument; the slot counts they keep on `ModelState` are what the hot path and the metrics read.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from factory_game.sim import prompt
from factory_game.sim.clock import HOUR
from factory_game.sim.commands import CommandRejected, Release, Rent, SignContract
from factory_game.sim.entities import BUSY, DOWN, IDLE, LEAVING_SLOT, Slot
from factory_game.sim.events import FAST_KIND

if TYPE_CHECKING:
    from factory_game.sim.entities import ModelState
    from factory_game.sim.spec import ScriptedEvent
    from factory_game.sim.world import World


# --------------------------------------------------------------------------------------------------------- slots
def add_slot(world: World, m: ModelState, rented: bool, price_cents: int | None = None,
             committed_ms: int = 0) -> Slot:
    """A slot joins a model (a contracted one at the start, a rented one when it arrives), idle."""
    now = world.calendar.now
    m.account(now)
    price = m.spec.rent_price_cents if price_cents is None else price_cents
    slot = Slot(world._next_slot, m.id, rented, now, price, committed_ms)
    world._next_slot += 1
    world.slots[slot.id] = slot
    m.slots.append(slot)
    if rented:
        m.serving_rented += 1
        m.present_rented += 1
    else:
        m.up_contracted += 1
    heapq.heappush(m.idle, slot.id)
    return slot


def remove_slot(world: World, slot: Slot, m: ModelState) -> None:
    """A released rented slot leaves: book what it still owes (at least the minimum rental period)."""
    now = world.calendar.now
    m.account(now)
    present = now - slot.arrived_at
    bill_slot(world, slot, m, max(present, m.spec.min_rental_ms, slot.committed_ms),
              note="contract" if slot.committed_ms else "rented")
    m.present_rented -= 1
    m.slots.remove(slot)
    del world.slots[slot.id]
    if world._listeners:
        world._emit(FAST_KIND.SLOT_LEAVE, model=m.id, slot=slot.id)


# ---------------------------------------------------------------------------------------------- rent and release
def rent(world: World, command: Rent) -> None:
    m = _model_for(world, command.model)
    if command.count < 1:
        raise CommandRejected("rent at least one slot")
    if command.count > rent_room(m):
        raise CommandRejected(f"{m.id} allows {m.spec.max_extra} extra slots; {m.rented_count} already rented")
    m.pending_rentals += command.count
    if world._listeners:
        world._emit(FAST_KIND.RENT, model=m.id, cents=m.spec.rent_price_cents * command.count,
                    info=str(command.count))
    for _ in range(command.count):
        world.calendar.after(m.spec.lead_time_ms, _slot_arrives, (world, m))


def rent_room(m: ModelState) -> int:
    """How many more slots may be ordered on a model now: `max_extra` less those rented or on order."""
    return m.spec.max_extra - m.rented_count


def _slot_arrives(arg: tuple[World, ModelState]) -> None:
    world, m = arg
    m.pending_rentals -= 1
    slot = add_slot(world, m, rented=True)
    if world._listeners:
        world._emit(FAST_KIND.SLOT_ARRIVE, model=m.id, slot=slot.id)
    world._dispatch(m)


def release(world: World, command: Release) -> None:
    m = _model_for(world, command.model)
    if command.count < 1:
        raise CommandRejected("release at least one slot")
    serving = [s for s in m.slots if s.rented and not s.committed_ms and s.state in (IDLE, BUSY)]
    if not serving:
        raise CommandRejected(f"{m.id} has no rented slot to release (orders in transit and contracts cannot be "
                              "cancelled)")
    # Idle before busy (it leaves now); then slots whose minimum rental is already paid (releasing one saves
    # money at once, while one still inside its paid period costs the same either way); then oldest first.
    now = world.calendar.now
    serving.sort(key=lambda s: (s.state != IDLE, now - s.arrived_at < m.spec.min_rental_ms, s.id))
    m.account(now)
    for slot in serving[:command.count]:
        _let_go(world, slot, m)


def _let_go(world: World, slot: Slot, m: ModelState) -> None:
    """A rented or contracted slot stops serving: an idle one leaves now, a busy one when its task ends
    (`World._end_attempt`). The caller has accounted the model's time integrals up to now."""
    slot.release_requested = True
    m.serving_rented -= 1
    was_idle = slot.state == IDLE
    slot.state = LEAVING_SLOT
    if was_idle:
        m.drop_idle(slot.id)
        remove_slot(world, slot, m)


def sign_contract(world: World, command: SignContract) -> None:
    """Order `count` slots on contract: they count against `max_extra` like rentals, arrive after the level's
    contract lead time, cost the contract price per slot-hour for the whole committed period, and leave at its end
    (a busy one finishes its task first)."""
    m = _model_for(world, command.model)
    market = world.spec.market
    if command.count < 1:
        raise CommandRejected("sign for at least one slot")
    if command.count > rent_room(m):
        raise CommandRejected(f"{m.id} allows {m.spec.max_extra} extra slots; {m.rented_count} already rented")
    m.pending_rentals += command.count
    if world._listeners:
        world._emit(FAST_KIND.RENT, model=m.id, cents=contract_price_cents(world, m) * command.count,
                    info=f"contract:{command.count}")
    for _ in range(command.count):
        world.calendar.after(market.contract_lead_ms, _contract_slot_arrives, (world, m))


def contract_price_cents(world: World, m: ModelState) -> int:
    """A contract slot-hour: the level's share of the model's spot price."""
    return round(m.spec.rent_price_cents * world.spec.market.contract_share)


def _contract_slot_arrives(arg: tuple[World, ModelState]) -> None:
    world, m = arg
    m.pending_rentals -= 1
    period = world.spec.market.contract_period_ms
    slot = add_slot(world, m, rented=True, price_cents=contract_price_cents(world, m), committed_ms=period)
    if world._listeners:
        world._emit(FAST_KIND.SLOT_ARRIVE, model=m.id, slot=slot.id)
    world.calendar.after(period, _contract_ends, (world, slot))
    world._dispatch(m)


def _contract_ends(arg: tuple[World, Slot]) -> None:
    world, slot = arg
    m = world.models[slot.model]
    m.account(world.calendar.now)
    _let_go(world, slot, m)


def _model_for(world: World, model_id: str) -> ModelState:
    m = world.models.get(model_id)
    if m is None:
        raise CommandRejected(f"unknown model {model_id!r}; this level has {', '.join(world.models)}")
    return m


# ------------------------------------------------------------------------------------------------------- outages
def outage_start(arg: tuple[World, ScriptedEvent]) -> None:
    """An upstream outage takes contracted slots down (highest ids first); tasks running on them fail (released,
    or retried)."""
    world, event = arg
    m = world.models[event.model]
    victims = [s for s in m.slots if not s.rented and s.state in (IDLE, BUSY)]
    victims.sort(key=lambda s: -s.id)
    victims = victims[:event.slots]
    m.account(world.calendar.now)
    for slot in victims:
        m.up_contracted -= 1
        if slot.state == IDLE:
            m.drop_idle(slot.id)
            slot.state = DOWN
        else:
            task = slot.task
            slot.state = DOWN
            task.attempt += 1  # its scheduled end is now stale
            world._end_attempt(task, failed=True, reason="outage")  # frees the slot, which stays down
        if world._listeners:
            world._emit(FAST_KIND.SLOT_DOWN, model=m.id, slot=slot.id, info="outage")
    world.calendar.after(event.duration_ms, outage_end, (world, [s.id for s in victims]))
    if world._prompts_on:
        prompt.sweep(world)  # capacity fell: waits grew


def outage_end(arg: tuple[World, list[int]]) -> None:
    world, slot_ids = arg
    touched = []
    for slot_id in slot_ids:
        slot = world.slots[slot_id]
        m = world.models[slot.model]
        m.account(world.calendar.now)
        slot.state = IDLE
        m.up_contracted += 1
        heapq.heappush(m.idle, slot.id)
        if world._listeners:
            world._emit(FAST_KIND.SLOT_UP, model=m.id, slot=slot.id)
        touched.append(m)
    for m in dict.fromkeys(touched):
        world._dispatch(m)


# ------------------------------------------------------------------------------------------------------- billing
def bill(world: World) -> None:
    """Book upstream costs accrued so far: contracted slots by the slot-hour, rented ones while present."""
    now = world.calendar.now
    billed_contracted = world._billed_contracted
    for m in world.models.values():
        spec = m.spec
        owed = spec.slot_cost_cents * spec.slots * now // HOUR
        delta = owed - billed_contracted[m.id]
        if delta:
            billed_contracted[m.id] = owed
            _book_upstream(world, m, delta, "contracted")
        if m.present_rented:  # rented slots present (leaving ones included) are exactly the rented ones in m.slots
            for slot in m.slots:
                if slot.rented:
                    bill_slot(world, slot, m, now - slot.arrived_at,
                              note="contract" if slot.committed_ms else "rented")


def bill_slot(world: World, slot: Slot, m: ModelState, billable_ms: int, note: str) -> None:
    """Bring a rented slot's bill up to `billable_ms` of presence (never down: a slot is not billed twice)."""
    price = slot.price_cents
    delta = price * billable_ms // HOUR - price * slot.billed_ms // HOUR
    slot.billed_ms = max(slot.billed_ms, billable_ms)
    if delta > 0:
        _book_upstream(world, m, delta, note)


def _book_upstream(world: World, m: ModelState, cents: int, note: str) -> None:
    world.ledger.upstream(world.calendar.now, m.id, cents, note)
    if world._listeners:
        world._emit(FAST_KIND.UPSTREAM_COST, model=m.id, cents=cents, info=note)
