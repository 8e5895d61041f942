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
  time, a committed period billed in full (what is left of it at closing time is booked then: `book_commitments`);
  it cannot be released and leaves by itself when the period ends.
Every bill goes to the ledger as an upstream cost. The world composes one `Capacity`, which owns the slot ids and
what was billed for contracted slots; the slot counts it keeps on `ModelState` are what the hot path and the
metrics read.
"""

from __future__ import annotations

import heapq
from typing import NamedTuple, Protocol

from factory_game.sim.clock import HOUR, Calendar
from factory_game.sim.commands import CommandRejected, Release, Rent, SignContract
from factory_game.sim.entities import BUSY, DOWN, IDLE, LEAVING_SLOT, ModelState, Slot, Task
from factory_game.sim.events import FAST_KIND, Emitter
from factory_game.sim.ledger import Ledger
from factory_game.sim.spec import LevelSpec, MarketSpec, ModelSpec, ScriptedEvent


class Order(NamedTuple):
    """A slot ordered and not yet arrived: when it arrives, on which terms, at what price per slot-hour."""

    arrive_at: int  # ms
    kind: str  # "rent" or "contract"
    price_cents: int
    period_ms: int = 0  # a contract's committed period when not the level's (one carried over by a career)


class SpotMarket(Protocol):
    """The spot market as renting sees it (`sim/spot.py`, present when the level has `[spot]`)."""

    def refusal(self, count: int) -> CommandRejected | None: ...

    def price_cents(self, model: ModelSpec) -> int: ...


class CapacityHost(Emitter, Protocol):
    """What capacity needs of the world: its events, a dispatch after slots arrive or come back, the end of a task
    an outage cuts short, and a word that capacity fell (waits grew: the prompt looks again)."""

    def dispatch(self, m: ModelState) -> None: ...

    def end_attempt(self, task: Task, failed: bool, reason: str) -> None: ...

    def capacity_fell(self) -> None: ...


def rent_room(m: ModelState) -> int:
    """How many more slots may be ordered on a model now: `max_extra` less those rented or on order."""
    return m.spec.max_extra - m.rented_count


def contract_price_cents(market: MarketSpec, model: ModelSpec) -> int:
    """A contract slot-hour: the level's share of the model's spot price."""
    return round(model.rent_price_cents * market.contract_share)


class Capacity:
    """The slots of every model, and what River pays for them."""

    def __init__(self, spec: LevelSpec, calendar: Calendar, models: dict[str, ModelState], slots: dict[int, Slot],
                 ledger: Ledger, host: CapacityHost) -> None:
        self.market = spec.market
        self.calendar = calendar
        self.models = models
        self.slots = slots
        self.ledger = ledger
        self.host = host
        self.next_slot = 1
        self.billed_contracted: dict[str, int] = dict.fromkeys(models, 0)  # cents, see `bill`
        self.on_order: dict[str, list[Order]] = {model_id: [] for model_id in models}  # by model, in order placed
        self.spot: SpotMarket | None = None  # the level's spot market; None: list price, unlimited stock
        # A career carries its contracts into the next day, which bills the rest of their periods; a level books it
        # at closing time (`book_commitments`).
        self.carries_contracts = False
        self.commitments_booked = False

    def orders(self, model_id: str) -> list[Order]:
        """A model's slots on order (rented and contract), soonest first."""
        return sorted(self.on_order[model_id])

    # ----------------------------------------------------------------------------------------------------- slots
    def add_slot(self, m: ModelState, rented: bool, price_cents: int | None = None, committed_ms: int = 0) -> Slot:
        """A slot joins a model (a contracted one at the start, a rented one when it arrives), idle."""
        now = self.calendar.now
        m.account(now)
        price = m.spec.rent_price_cents if price_cents is None else price_cents
        slot = Slot(self.next_slot, m.id, rented, now, price, committed_ms)
        self.next_slot += 1
        self.slots[slot.id] = slot
        m.slots.append(slot)
        if rented:
            m.serving_rented += 1
            m.present_rented += 1
        else:
            m.up_contracted += 1
        heapq.heappush(m.idle, slot.id)
        return slot

    def remove_slot(self, slot: Slot, m: ModelState) -> None:
        """A released rented slot leaves: book what it still owes (a contract its committed period, which may be
        shorter than the minimum rental when a career carries its last minutes into a new day; a rental at least the
        minimum rental period)."""
        now = self.calendar.now
        m.account(now)
        present = now - slot.arrived_at
        self.bill_slot(slot, m, max(present, slot.committed_ms or m.spec.min_rental_ms),
                       note="contract" if slot.committed_ms else "rented")
        m.present_rented -= 1
        m.slots.remove(slot)
        del self.slots[slot.id]
        if self.host.listeners:
            self.host.emit(FAST_KIND.SLOT_LEAVE, model=m.id, slot=slot.id)

    # ------------------------------------------------------------------------------------------ rent and release
    def rent(self, command: Rent) -> None:
        spec = self.model(command.model).spec
        if command.count < 1:
            raise CommandRejected("rent at least one slot")
        price = spec.rent_price_cents
        if self.spot is not None:  # the spot market: its price now, and its stock
            problem = self.spot.refusal(command.count)
            if problem is not None:
                raise problem
            price = self.spot.price_cents(spec)
        m = self._order(command.model, command.count)
        if self.host.listeners:
            self.host.emit(FAST_KIND.RENT, model=m.id, cents=price * command.count, info=str(command.count))
        order = Order(self.calendar.now + m.spec.lead_time_ms, "rent", price)
        for _ in range(command.count):
            self.on_order[m.id].append(order)
            self.calendar.after(m.spec.lead_time_ms, self._slot_arrives, m)

    def _order(self, model_id: str, count: int) -> ModelState:
        """The check a rental and a contract share (room for `count` more slots); the slots are then on order."""
        m = self.model(model_id)
        if count > rent_room(m):
            raise CommandRejected(f"{m.id} allows {m.spec.max_extra} extra slots; {m.rented_count} already rented",
                                  "max_extra", model=m.id, max=m.spec.max_extra)
        m.pending_rentals += count
        return m

    def _arrived(self, m: ModelState, kind: str) -> Order:
        """The oldest order of this kind arrives (orders of one kind share a lead time: first placed, first in)."""
        m.pending_rentals -= 1
        orders = self.on_order[m.id]
        return orders.pop(next(i for i, order in enumerate(orders) if order.kind == kind))

    def _slot_arrives(self, m: ModelState) -> None:
        order = self._arrived(m, "rent")
        slot = self.add_slot(m, rented=True, price_cents=order.price_cents)
        if self.host.listeners:
            self.host.emit(FAST_KIND.SLOT_ARRIVE, model=m.id, slot=slot.id)
        self.host.dispatch(m)

    def release(self, command: Release) -> None:
        m = self.model(command.model)
        if command.count < 1:
            raise CommandRejected("release at least one slot")
        serving = [s for s in m.slots if s.rented and not s.committed_ms and s.state in (IDLE, BUSY)]
        if not serving:
            raise CommandRejected(f"{m.id} has no rented slot to release (orders in transit and contracts cannot "
                                  "be cancelled)", "no_rented_slot", model=m.id)
        # Idle before busy (it leaves now); then slots whose minimum rental is already paid (releasing one saves
        # money at once, while one still inside its paid period costs the same either way); then oldest first.
        now = self.calendar.now
        serving.sort(key=lambda s: (s.state != IDLE, now - s.arrived_at < m.spec.min_rental_ms, s.id))
        m.account(now)
        for slot in serving[:command.count]:
            self._let_go(slot, m)

    def _let_go(self, slot: Slot, m: ModelState) -> None:
        """A rented or contracted slot stops serving: an idle one leaves now, a busy one when its task ends
        (`World.end_attempt`). The caller has accounted the model's time integrals up to now."""
        slot.release_requested = True
        m.serving_rented -= 1
        was_idle = slot.state == IDLE
        slot.state = LEAVING_SLOT
        if was_idle:
            m.drop_idle(slot.id)
            self.remove_slot(slot, m)

    def sign_contract(self, command: SignContract, price_cents: int | None = None, lead_ms: int | None = None,
                      period_ms: int | None = None) -> None:
        """Order `count` slots on contract: they count against `max_extra` like rentals, arrive after the level's
        contract lead time, cost the contract price per slot-hour for the whole committed period, and leave at its
        end (a busy one finishes its task first). A supplier's offer (an incident) names its own price and lead, and a
        career's contract carried into a new day what is left of its period. Every caller orders at least one slot
        (the lever table refuses fewer, an offer draws 2-6, a career carries one at a time), so no count check here."""
        m = self._order(command.model, command.count)
        price = contract_price_cents(self.market, m.spec) if price_cents is None else price_cents
        lead = self.market.contract_lead_ms if lead_ms is None else lead_ms
        if self.host.listeners:
            self.host.emit(FAST_KIND.RENT, model=m.id, cents=price * command.count, info=f"contract:{command.count}")
        order = Order(self.calendar.now + lead, "contract", price, period_ms or 0)
        for _ in range(command.count):
            self.on_order[m.id].append(order)
            self.calendar.after(lead, self._contract_slot_arrives, m)

    def _contract_slot_arrives(self, m: ModelState) -> None:
        order = self._arrived(m, "contract")
        period = self._contract_period(order)
        slot = self.add_slot(m, rented=True, price_cents=order.price_cents, committed_ms=period)
        if self.host.listeners:
            self.host.emit(FAST_KIND.SLOT_ARRIVE, model=m.id, slot=slot.id)
        self.calendar.after(period, self._contract_ends, slot)
        self.host.dispatch(m)

    def _contract_period(self, order: Order) -> int:
        """A contract's committed period: its own (one a career carried over), else the level's."""
        return order.period_ms or self.market.contract_period_ms

    def _contract_ends(self, slot: Slot) -> None:
        m = self.models[slot.model]
        m.account(self.calendar.now)
        self._let_go(slot, m)

    def model(self, model_id: str) -> ModelState:
        m = self.models.get(model_id)
        if m is None:
            raise CommandRejected(f"unknown model {model_id!r}; this level has {', '.join(self.models)}",
                                  "unknown_model", name=model_id)
        return m

    # --------------------------------------------------------------------------------------------------- outages
    def outage_start(self, event: ScriptedEvent) -> None:
        """An upstream outage takes contracted slots down (highest ids first); tasks running on them fail
        (released, or retried)."""
        m = self.models[event.model]
        victims = [s for s in m.slots if not s.rented and s.state in (IDLE, BUSY)]
        victims.sort(key=lambda s: -s.id)
        victims = victims[:event.slots]
        m.account(self.calendar.now)
        host = self.host
        for slot in victims:
            m.up_contracted -= 1
            task = slot.task
            if m.batched is not None:
                m.batched.outage(slot)  # a replica: its whole batch fails
            elif task is None:
                m.drop_idle(slot.id)
                slot.state = DOWN
            else:
                slot.state = DOWN
                host.end_attempt(task, failed=True, reason="outage")  # frees the slot, which stays down
            if host.listeners:
                host.emit(FAST_KIND.SLOT_DOWN, model=m.id, slot=slot.id, info="outage")
        self.calendar.after(event.duration_ms, self._outage_end, [s.id for s in victims])
        host.capacity_fell()

    def _outage_end(self, slot_ids: list[int]) -> None:
        touched = []
        for slot_id in slot_ids:
            slot = self.slots[slot_id]
            m = self.models[slot.model]
            m.account(self.calendar.now)
            slot.state = IDLE
            m.up_contracted += 1
            heapq.heappush(m.idle, slot.id)
            if self.host.listeners:
                self.host.emit(FAST_KIND.SLOT_UP, model=m.id, slot=slot.id)
            touched.append(m)
        for m in dict.fromkeys(touched):
            self.host.dispatch(m)

    # --------------------------------------------------------------------------------------------------- billing
    def bill(self) -> None:
        """Book upstream costs accrued so far: contracted slots by the slot-hour, rented ones while present."""
        now = self.calendar.now
        billed_contracted = self.billed_contracted
        for m in self.models.values():
            spec = m.spec
            owed = spec.slot_cost_cents * spec.slots * now // HOUR
            delta = owed - billed_contracted[m.id]
            if delta:
                billed_contracted[m.id] = owed
                self._book_upstream(m, delta, "contracted")
            if m.present_rented:  # rented slots present (leaving ones included) are exactly the rented ones in m.slots
                for slot in m.slots:
                    if slot.rented:
                        self.bill_slot(slot, m, now - slot.arrived_at,
                                       note="contract" if slot.committed_ms else "rented")

    def book_commitments(self) -> None:
        """At closing time, what the contracts still owe: signing commits River to the whole period, so the part past
        the level's end is booked now, for slots present and for slots still on order. Once per world, and not when
        a career carries the contracts into its next day (that day bills them)."""
        if self.carries_contracts or self.commitments_booked:
            return
        self.commitments_booked = True
        for m in self.models.values():
            for slot in m.slots:
                if slot.committed_ms:
                    self.bill_slot(slot, m, slot.committed_ms, note="contract")
            for order in self.on_order[m.id]:
                if order.kind == "contract":
                    self._book_upstream(m, order.price_cents * self._contract_period(order) // HOUR, "contract")

    def bill_slot(self, slot: Slot, m: ModelState, billable_ms: int, note: str) -> None:
        """Bring a rented slot's bill up to `billable_ms` of presence (never down: a slot is not billed twice)."""
        price = slot.price_cents
        delta = price * billable_ms // HOUR - price * slot.billed_ms // HOUR
        slot.billed_ms = max(slot.billed_ms, billable_ms)
        if delta > 0:
            self._book_upstream(m, delta, note)

    def _book_upstream(self, m: ModelState, cents: int, note: str) -> None:
        self.ledger.upstream(self.calendar.now, m.id, cents, note)
        if self.host.listeners:
            self.host.emit(FAST_KIND.UPSTREAM_COST, model=m.id, cents=cents, info=note)
