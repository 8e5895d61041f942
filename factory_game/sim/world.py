"""The world: River's factory as a deterministic discrete-event simulation.

Flow of a task: a customer arrives with a demand; each task is admitted while the customer's in-flight count
(queued + running) is under the tier cap and its price can be held from the budget; admitted tasks queue at their
model, start on a free slot in priority order, and finish (capture) or fail (release, or retry). Past the prompt
threshold a queued customer is asked whether they still want to wait; a "no" releases their queued tasks' holds and
they leave. Outside changes come only through `apply(command)`; everything that happens is published as events.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from factory_game.sim.arrivals import Arrivals
from factory_game.sim.autopilot import Autopilot
from factory_game.sim.batching import BatchServer
from factory_game.sim.builtin_rules import default_price
from factory_game.sim.capacity import Capacity
from factory_game.sim.clock import MINUTE, Calendar
from factory_game.sim.commands import (
    AnswerIncident,
    Arrive,
    Command,
    CommandRejected,
    Recorded,
    Release,
    Rent,
    SetAutopilot,
    SetPrice,
)
from factory_game.sim.entities import (
    ABANDONED,
    ASKED,
    BUSY,
    DONE,
    FAILED,
    IDLE,
    INSIDE,
    LEAVING,
    LEAVING_SLOT,
    LOST,
    PENDING,
    QUEUED,
    RUNNING,
    Customer,
    Key,
    ModelState,
    Slot,
    Task,
)
from factory_game.sim.events import FAST_KIND, Event, EventLog, Kind
from factory_game.sim.incidents import IncidentKind, Incidents
from factory_game.sim.ledger import Ledger
from factory_game.sim.market import Market, is_lever
from factory_game.sim.metrics import Metrics
from factory_game.sim.prompt import Prompt, predicted_wait_ms
from factory_game.sim.rng import RngStreams
from factory_game.sim.rules import Newcomer, Rules, default_capacity, default_customer, default_route
from factory_game.sim.spec import LevelSpec, ScriptedEvent, TraceArrival
from factory_game.sim.spot import Spot

__all__ = ["CommandRejected", "TICK_MS", "World"]

_tuple_new = tuple.__new__  # builds an Event as `Event(...)` does, without the generated `__new__`'s frame
TICK_MS = MINUTE  # billing, metric samples, prompt sweeps and autopilot checks run on this beat


class World:
    """One run of a level. Its other jobs are objects it composes, each owning its state, in its own module:
    `arrivals` (when customers come and what they bring), `capacity` (slots, renting, outages, upstream bills),
    `prompt` (the wait prompt), `market` (the levers and demand), `metrics` (counts, the satisfaction formula, the
    summary) and `autopilot`. Each sees the world through a narrow protocol of its own (`CapacityHost`,
    `PromptHost`, `MarketHost`), never through this class, and nobody reads another's underscore names. This class
    keeps the task flow (admission, queue, stations, ends, departures), `apply` (the one door for outside changes)
    and the kernel the parts use: `listeners`/`emit`, `dispatch`, `end_attempt`, `admit_pending`, `abandon`.
    A mod reads the world through `factory_game.api`, the game through `factory_game.sim.queries`."""

    def __init__(self, spec: LevelSpec, seed: int | None = None, rules: Rules | None = None,
                 ledger_window: int | None = None, incident_kinds: Mapping[str, IncidentKind] | None = None) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed
        self.rules = rules or Rules()
        self._routing = self.rules.route is not default_route  # a mod routes: ask at each admission
        self._capacity_rule = self.rules.capacity is not default_capacity  # a mod manages capacity
        self._customer_rule = self.rules.customer is not default_customer  # a mod shapes newcomers
        self.rng = RngStreams(self.seed)
        self.calendar = Calendar()
        self.ledger = Ledger(spec.start_cash_cents, window=ledger_window)
        self.models: dict[str, ModelState] = {m.id: ModelState(m) for m in spec.models}
        self.customers: dict[int, Customer] = {}  # present now, in arrival order
        self.slots: dict[int, Slot] = {}
        self.route = _routes(spec)
        self.commands: list[Recorded] = []
        self.autopilot = Autopilot(spec.autopilot, list(self.models))
        self.autopilot_enabled = spec.autopilot.enabled
        self.metrics = Metrics(spec, self.models, self.ledger, sample_every_ms=TICK_MS)
        self.listeners: list[Callable[[Event], None]] = []
        self._only_log: EventLog | None = None  # the event log when it is the only listener: fed fields, no Event
        self._sections: list[tuple[str, Callable[[], dict[str, Any]]]] = []  # extra summary tables (the mods' metrics)
        # what the layers above keep with this run (each mod's state, the test kit's customers): a compiled World
        # takes no attribute it does not declare, nor a weak reference
        self.attached: dict[str, Any] = {}
        self._next_customer = 1
        self._next_task = 1
        self._sla_ms = spec.sla_ms
        self._lateness = _lateness_weights(spec)
        self._service_rng = {m: self.rng.stream(f"service/{m}") for m in self.models}
        self._failure_rng = {m: self.rng.stream(f"failures/{m}") for m in self.models}
        self.capacity = Capacity(spec, self.calendar, self.models, self.slots, self.ledger, self)
        self.prompt = Prompt(spec, spec.models, self.calendar, self.metrics, self)
        self._arrivals = Arrivals(spec, self.rng, self.prompt.enabled)
        self.market = Market(spec, self, self.capacity, self.prompt)
        self.prices = self.market.prices  # content -> cents now (the market's; read here by the rules and views)
        # what admission asks for a price; with a mod's price rule (and elasticity), demand follows its quotes
        self._price: Callable[[World, Customer, Task], int] = self.rules.price
        if self.rules.price is not default_price and spec.market.elasticity > 0:
            self.market.follow_quotes()
            self._price = self._quoted_price
        self._priority_key: Callable[[World, Customer, Task], Key] = self.rules.priority_key  # asked on every task
        self.caps = self.market.caps  # tier -> cap now (the market's)
        self._arrival_generation = 0  # a redraw (demand changed) makes the arrival already scheduled stale
        self.spot = Spot(spec.spot, spec, self.rng, self.models, self.capacity.on_order) if spec.spot else None
        self.capacity.spot = self.spot
        self.incidents = (Incidents(spec.incidents, spec, self.rng, self.calendar, self.capacity, self.market,
                                    self.ledger, self.spot, self, incident_kinds) if spec.incidents else None)

        for m in self.models.values():
            for _ in range(m.spec.slots):
                self.capacity.add_slot(m, rented=False)
            if m.spec.batching is not None:
                m.batched = BatchServer(m, m.spec.batching, self, self.calendar, self.capacity, self.slots,
                                        self.rng.stream(f"tokens/{m.id}"), self._failure_rng[m.id])
        self._schedule_next_arrival()
        self._trace = spec.trace.open() if spec.trace is not None else None
        if self._trace is not None:
            self._schedule_next_trace_arrival()
        self.calendar.at(TICK_MS, self._tick)
        for event in spec.events:
            if event.kind == "outage":
                self.calendar.at(event.at_ms, self.capacity.outage_start, event)
            elif event.kind == "price":
                self.calendar.at(event.at_ms, self._scripted_price, event)

    # ----------------------------------------------------------------------------------------------- public face
    @property
    def now(self) -> int:
        return self.calendar.now

    @property
    def prompt_multiplier(self) -> float:
        """The wait prompt's multiplier now: the level's, or what the lever set."""
        return self.prompt.multiplier

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """`listener(event)` is called for everything that happens from now on, in order."""
        self.listeners.append(listener)
        self._find_only_log()

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        self.listeners.remove(listener)
        self._find_only_log()

    def _find_only_log(self) -> None:
        """A headless run's one listener is its event log: `emit` then hands it the fields, building no Event (a
        tuple and a call saved on every event)."""
        only = self.listeners[0] if len(self.listeners) == 1 else None
        self._only_log = only if type(only) is EventLog else None

    def call_at(self, time_ms: int, callback: Callable[[], None]) -> None:
        """`callback()` at `time_ms`, in calendar order (ties: first scheduled, first called). The plugin layer
        delivers a level's mod events this way; a callback changes the world only through `apply`."""
        self.calendar.at(time_ms, lambda _arg: callback())

    def add_summary_section(self, key: str, section: Callable[[], dict[str, Any]]) -> None:
        """`summary()[key]` becomes `section()` each time a summary is taken (the plugin layer adds the mods'
        metrics this way; the simulation never calls mods itself)."""
        self._sections.append((key, section))

    def advance(self, until_ms: int) -> None:
        """Run every event due at or before `until_ms`; the clock then reads `until_ms`."""
        self.calendar.run_until(until_ms)

    def run(self, until_ms: int | None = None) -> dict[str, Any]:
        """Run to the level's end (or `until_ms`), book the costs due, and return the summary."""
        self.advance(self.spec.duration_ms if until_ms is None else until_ms)
        self.settle_costs()
        return self.summary()

    def summary(self) -> dict[str, Any]:
        summary = self.metrics.summary(self.calendar.now)
        for m in self.models.values():
            if isinstance(m.batched, BatchServer):
                summary["models"][m.id].update(m.batched.summary())
        summary["manager"] = {
            "autopilot_minutes": self.metrics.autopilot_ms // MINUTE,
            "reputation": round(self.market.reputation, 6),
            "demand_factor": round(self.market.demand, 6),
        }
        for key, section in self._sections:
            summary[key] = section()
        return summary

    def apply(self, command: Command, source: str = "player") -> Recorded:
        """The one door for outside changes. Every command is recorded with its time, carried out or not."""
        try:
            self._carry_out(command, source)
            record = Recorded(self.now, source, command, ok=True)
        except CommandRejected as exc:
            record = Recorded(self.now, source, command, ok=False, reason=str(exc), code=exc.code, values=exc.values)
        self.commands.append(record)
        if self.listeners:
            self.emit(FAST_KIND.COMMAND, model=getattr(command, "model", None), info=f"{source}:{command.name}",
                       ok=record.ok, reason=record.reason or None)
        return record

    def player_commands(self) -> list[tuple[int, Command]]:
        """What a replay needs besides the level and the seed: the player's commands and their times."""
        return [(r.time, r.command) for r in self.commands if r.source == "player"]

    def settle_costs(self) -> None:
        """Book upstream costs accrued up to now (the tick does this every minute; call before a summary); at the
        close of a level that ends, also what its contracts are still committed to."""
        self.capacity.bill()
        if self.spec.goals and self.calendar.now >= self.spec.duration_ms:
            self.capacity.book_commitments()

    # ------------------------------------------------------------------------------------------------- arrivals
    def _schedule_next_arrival(self) -> None:
        t = self._arrivals.next_time(self.market.demand)
        if t is not None:
            self.calendar.at(max(self.calendar.now, int(t)), self._on_arrival, self._arrival_generation)

    def _demand_changed(self) -> None:
        """Demand (price, reputation) changed: redraw the next arrival from now at the new rate (exact: the
        arrival process is memoryless); the one already on the calendar is stale."""
        self._arrival_generation += 1
        self._arrivals.restart_at(self.calendar.now)
        self._schedule_next_arrival()

    def _on_arrival(self, generation: int) -> None:
        if generation != self._arrival_generation:
            return
        self._schedule_next_arrival()
        market = self.market
        drawn = self._arrivals.draw_customer(market.priority_share(), market.tier_weights)
        if self._customer_rule:
            drawn = self.rules.customer(self, Newcomer(*drawn[:4], tuple(drawn[4])))
        tier, priority, budget, patience, contents = drawn
        if market.closed_until and market.door_closed(tier, self.calendar.now):
            self._refuse(tier)
            return
        self._arrive(tier, priority, budget, patience, contents)

    def _refuse(self, tier: str) -> None:
        """The tier's door is closed: the arrival is turned away (a visit that ends angry, cause `refused`)."""
        self.metrics.customers += 1
        self.metrics.customers_by_tier[tier] += 1
        self.metrics.angry += 1
        self.metrics.angry_causes["refused"] += 1
        self.market.refused += 1
        customer_id = self._next_customer
        self._next_customer += 1
        if self.listeners:
            self.emit(FAST_KIND.ARRIVE, customer=customer_id, info=f"{tier}:refused")
            self.emit(FAST_KIND.LEAVE, customer=customer_id, ok=False, info="refused")

    def _refuse_return(self, customer: Customer) -> None:
        self.metrics.returns += 1
        self.metrics.angry += 1
        self.metrics.angry_causes["refused"] += 1
        self.market.refused += 1
        if self.listeners:
            self.emit(FAST_KIND.ARRIVE, customer=customer.id, info="return:refused")
            self.emit(FAST_KIND.LEAVE, customer=customer.id, ok=False, info="refused")

    def _schedule_next_trace_arrival(self) -> None:
        """Pull one logged request at a time: the log is streamed, never held whole."""
        arrival = next(self._trace, None) if self._trace is not None else None
        if arrival is not None:
            self.calendar.at(max(self.calendar.now, arrival.at_ms), self._on_trace_arrival, arrival)

    def _on_trace_arrival(self, arrival: TraceArrival) -> None:
        """A logged request: one customer with one task, and its own service time when the log gives one."""
        self._schedule_next_trace_arrival()
        self._arrive(*self._arrivals.draw_replayed(arrival), arrival.service_ms, arrival.tokens)

    def _arrive(self, tier: str, priority: bool, budget: int, patience: int, contents: Sequence[str],
                service_ms: int | None = None, tokens: tuple[int | None, int | None] | None = None) -> Customer:
        customer = Customer(self._next_customer, tier, self.caps[tier], priority, budget, patience, self.calendar.now)
        self._next_customer += 1
        self.metrics.customers += 1
        self.metrics.customers_by_tier[tier] += 1
        self._new_demand(customer, contents)
        if service_ms is not None:
            customer.tasks[0].service_ms = service_ms
        if tokens is not None:
            customer.tasks[0].tokens = tokens
        self.customers[customer.id] = customer
        if self.listeners:
            self.emit(FAST_KIND.ARRIVE, customer=customer.id, cents=budget,
                       info=f"{tier}{'+priority' if priority else ''}:{len(customer.tasks)}")
        self.admit_pending(customer)
        return customer

    def _new_demand(self, customer: Customer, contents: Sequence[str]) -> None:
        now = self.calendar.now
        cells = self.metrics.cells
        tier = customer.tier
        tasks = customer.tasks = []
        customer.next_pending = 0
        for content in contents:
            model = self.route[content]
            task = Task(self._next_task, customer.id, content, model, now)
            self._next_task += 1
            tasks.append(task)
            stats = task.stats = cells[(model, tier)]
            stats.requested += 1

    def _on_return(self, customer: Customer) -> None:
        if self.market.closed_until and self.market.door_closed(customer.tier, self.now):
            self._refuse_return(customer)
            return
        customer.visit += 1
        self.metrics.returns += 1
        customer.state = INSIDE
        customer.unhappy = False
        customer.cause = ""
        customer.promised_start = None
        customer.arrived_at = self.now
        self._new_demand(customer, self._arrivals.draw_demand())
        self.customers[customer.id] = customer
        if self.listeners:
            self.emit(FAST_KIND.ARRIVE, customer=customer.id, cents=customer.available_cents,
                       info=f"return:{customer.visit}:{len(customer.tasks)}")
        self.admit_pending(customer)

    # ------------------------------------------------------------------------------------------------ admission
    def admit_waiting(self, customer: Customer) -> None:
        """Admit a present customer's waiting tasks now (a cap was raised)."""
        if customer.state == INSIDE:
            self.admit_pending(customer)

    def admit_pending(self, customer: Customer) -> None:
        """Admit waiting tasks while the cap allows (queued + running count); leave when nothing is left."""
        tasks = customer.tasks
        if customer.next_pending < len(tasks):  # else nothing waits outside (every end of a task comes here)
            now = self.calendar.now
            price_rule = self._price
            while customer.in_flight < customer.cap and customer.next_pending < len(tasks) \
                    and customer.state != LEAVING:
                task = tasks[customer.next_pending]
                customer.next_pending += 1
                if self._routing:
                    self._reroute(customer, task)
                price = price_rule(self, customer, task)
                if price > customer.budget_cents - customer.held_cents - customer.spent_cents:  # available_cents
                    self._lose_sale(customer, task, price)
                    continue
                m = self.models[task.model]
                task.price_cents = price
                task.state = QUEUED
                task.admitted_at = now
                task.retries_left = m.spec.retries
                customer.held_cents += price
                customer.in_flight += 1
                self.ledger.hold(now, customer.id, task.id, price)
                task.stats.admitted += 1
                if self.listeners:
                    self.emit(FAST_KIND.ADMIT, customer=customer.id, task=task.id, model=task.model)
                    self.emit(FAST_KIND.HOLD, customer=customer.id, task=task.id, cents=price)
                self._enqueue(task, customer, m, keep_key=False)
        if customer.in_flight == 0 and customer.state != ASKED:
            self._depart(customer)

    def _quoted_price(self, world: World, customer: Customer, task: Task) -> int:
        """A mod's price rule's quote, told to the market beside the built-in price (demand answers to the ratio)."""
        price = self.rules.price(world, customer, task)
        self.market.quote(task.content, price, default_price(world, customer, task))
        return price

    def _reroute(self, customer: Customer, task: Task) -> None:
        """A mod's routing rule picks the model (checked to serve the content); the task counts there instead."""
        model = self.rules.route(self, customer, task)
        if model != task.model:
            task.stats.requested -= 1
            task.model = model
            task.stats = self.metrics.cells[(model, customer.tier)]
            task.stats.requested += 1

    def _lose_sale(self, customer: Customer, task: Task, price: int) -> None:
        """The budget cannot cover the hold: the task is never admitted."""
        task.state = LOST
        task.end_at = self.calendar.now
        if not customer.unhappy:
            customer.unhappy, customer.cause = True, "budget"
        task.stats.record_lost_sale()
        if self.listeners:
            self.emit(FAST_KIND.LOST_SALE, customer=customer.id, task=task.id, model=task.model, cents=price)

    def _enqueue(self, task: Task, customer: Customer, m: ModelState, keep_key: bool) -> None:
        now = self.calendar.now
        m.account(now)
        task.queued_at = now
        if not keep_key:
            task.key = self._priority_key(self, customer, task)
        task.state = QUEUED
        m.push(task)
        if self.listeners:
            self.emit(FAST_KIND.QUEUE, customer=customer.id, task=task.id, model=m.id)
        if m.idle:
            self.dispatch(m)
        if self.prompt.on and task.state == QUEUED and customer.state == INSIDE:
            self.prompt.maybe_ask(customer, m, predicted_wait_ms(m, m.queue_position(task)))

    # ------------------------------------------------------------------------------------------------- stations
    def dispatch(self, m: ModelState) -> None:
        """Start queued tasks in priority order on idle slots, lowest slot id first, while both last.

        Every caller has just changed the queue or the slots, so it has already called `m.account(now)`. A batched
        model's replicas take their requests themselves (`sim/batching.py`)."""
        if m.batched is not None:
            m.batched.wake()
            return
        queue = m.queue
        idle = m.idle
        slots = self.slots
        while queue and idle:
            self._start(heapq.heappop(queue)[2], slots[heapq.heappop(idle)], m)

    def _start(self, task: Task, slot: Slot, m: ModelState) -> None:
        now = self.calendar.now
        slot.state = BUSY
        slot.task = task
        if slot.rented:
            m.busy_rented += 1
        else:
            m.busy_contracted += 1
        task.state = RUNNING
        task.started_at = now
        task.slot_id = slot.id
        attempt = task.attempt = task.attempt + 1
        spec = m.spec
        duration = task.service_ms
        if duration is None:
            duration = round(spec.service.sample(self._service_rng[task.model]))
            if duration < 1:
                duration = 1
        failed = False
        if spec.failure_rate > 0:
            frng = self._failure_rng[task.model]
            if frng.random() < spec.failure_rate:
                failed = True
                duration = max(1, round(duration * frng.random()))  # it breaks somewhere along the way
        end = task.end_at = now + duration
        queued_at = task.queued_at
        assert queued_at is not None  # a started task was queued
        task.stats.waits.add(now - queued_at)
        if self.listeners:
            self.emit(FAST_KIND.START, customer=task.customer_id, task=task.id, model=m.id, slot=slot.id,
                       info=str(duration))
        self.calendar.at(end, self._on_task_end, (task, attempt, failed))

    def _on_task_end(self, arg: tuple[Task, int, bool]) -> None:
        task, attempt, failed = arg
        if task.state != RUNNING or task.attempt != attempt:
            return  # stale: an outage ended this attempt (the task is queued, settled, or on a later attempt)
        self.end_attempt(task, failed, reason="upstream error")

    def end_attempt(self, task: Task, failed: bool, reason: str) -> None:
        """The slot side of an end: free the slot (or let a released one leave, after the task's end is announced:
        FINISH or FAIL before SLOT_LEAVE, so the log never shows a task ending on a slot that has gone); the task side
        follows. A batched model's replica has done its side already (`sim/batching.py`)."""
        m = self.models[task.model]
        slot_id = task.slot_id
        assert slot_id is not None  # a running task has its slot
        slot = self.slots[slot_id]
        customer = self.customers.get(task.customer_id)
        if customer is None:
            raise KeyError(f"customer {task.customer_id} has a running task but is not in the world")
        m.account(self.calendar.now)
        leaving = False
        if m.batched is None:
            slot.task = None
            if slot.rented:
                m.busy_rented -= 1
            else:
                m.busy_contracted -= 1
            leaving = slot.state == LEAVING_SLOT
            if slot.state == BUSY:
                slot.state = IDLE
                heapq.heappush(m.idle, slot.id)
        if not failed:
            self._deliver(task, customer, m, slot)
        elif task.retries_left > 0:
            self._retry(task, customer, m, slot, reason)
            if leaving:
                self.capacity.remove_slot(slot, m)
            self._enqueue(task, customer, m, keep_key=True)
            return
        else:
            self._refund_failed(task, customer, m, slot, reason)
        if leaving:
            self.capacity.remove_slot(slot, m)
        customer.in_flight -= 1
        self.admit_pending(customer)
        if m.queue:
            self.dispatch(m)

    def _deliver(self, task: Task, customer: Customer, m: ModelState, slot: Slot) -> None:
        """Success: capture the hold; score the delivery against the SLA."""
        now = self.calendar.now
        task.state = DONE
        task.end_at = now
        cents = self.ledger.capture(now, customer.id, task.id)
        customer.held_cents -= cents
        customer.spent_cents += cents
        admitted_at, started_at = task.admitted_at, task.started_at
        assert admitted_at is not None and started_at is not None  # a delivered task was admitted and started
        lateness = self._lateness
        if lateness is None:
            on_time = task.stats.record_delivery(now - admitted_at, cents, self._sla_ms)
        else:  # what this customer's tier (and the pack) makes a late delivery cost (`_lateness_weights`)
            without_pack, with_pack = lateness[customer.tier]
            on_time = task.stats.record_delivery(now - admitted_at, cents, self._sla_ms,
                                                 with_pack if customer.priority else without_pack)
        if not on_time and not customer.unhappy:
            # delivered late: the larger part of the lateness names the cause
            customer.unhappy = True
            waited = started_at - admitted_at
            customer.cause = "queue_wait" if waited >= now - started_at else "slow_service"
        if self.listeners:
            self.emit(FAST_KIND.FINISH, customer=customer.id, task=task.id, model=m.id, slot=slot.id)
            self.emit(FAST_KIND.CAPTURE, customer=customer.id, task=task.id, cents=cents)

    def _retry(self, task: Task, customer: Customer, m: ModelState, slot: Slot, reason: str) -> None:
        """A failure with retries left: hold kept, place (key) kept; the caller puts it back in the queue."""
        if self.listeners:
            self.emit(FAST_KIND.FAIL, customer=customer.id, task=task.id, model=m.id, slot=slot.id, info=reason)
        task.retries_left -= 1
        task.stats.retries += 1
        if self.listeners:
            self.emit(FAST_KIND.RETRY, customer=customer.id, task=task.id, model=m.id)

    def _refund_failed(self, task: Task, customer: Customer, m: ModelState, slot: Slot, reason: str) -> None:
        """A failure with no retry left: release the hold."""
        now = self.calendar.now
        if self.listeners:
            self.emit(FAST_KIND.FAIL, customer=customer.id, task=task.id, model=m.id, slot=slot.id, info=reason)
        task.state = FAILED
        task.end_at = now
        if not customer.unhappy:
            customer.unhappy, customer.cause = True, "failure"
        cents = self.ledger.release(now, customer.id, task.id, reason)
        customer.held_cents -= cents
        task.stats.record_failure(cents)
        if self.listeners:
            self.emit(FAST_KIND.RELEASE, customer=customer.id, task=task.id, cents=cents, info=reason)

    # ---------------------------------------------------------------------------------------------- a "no"
    def abandon(self, customer: Customer) -> None:
        """A "no": queued tasks leave the queue and their holds are released; tasks still outside are dropped;
        running tasks finish and are delivered. The customer's quota is free at once."""
        now = self.now
        customer.state = LEAVING
        if not customer.unhappy:
            customer.unhappy, customer.cause = True, "gave_up"
        touched = {t.model for t in customer.tasks if t.state == QUEUED}
        for model_id in sorted(touched):
            m = self.models[model_id]
            m.account(now)
            m.queue = [entry for entry in m.queue if entry[2].customer_id != customer.id]
            heapq.heapify(m.queue)
        for task in customer.tasks:
            if task.state not in (QUEUED, PENDING):
                continue
            held = task.state == QUEUED
            task.state = ABANDONED
            task.end_at = now
            if held:
                cents = self.ledger.release(now, customer.id, task.id, "abandoned")
                customer.held_cents -= cents
                customer.in_flight -= 1
                task.stats.record_abandon(cents)
                if self.listeners:
                    self.emit(FAST_KIND.ABANDON, customer=customer.id, task=task.id, model=task.model)
                    self.emit(FAST_KIND.RELEASE, customer=customer.id, task=task.id, cents=cents, info="abandoned")
            else:
                task.stats.record_abandon(0)
                if self.listeners:
                    self.emit(FAST_KIND.ABANDON, customer=customer.id, task=task.id, model=task.model)
        customer.next_pending = len(customer.tasks)
        if customer.in_flight == 0:
            self._depart(customer)

    # ---------------------------------------------------------------------------------------------- departures
    def _depart(self, customer: Customer) -> None:
        if self.customers.pop(customer.id, None) is None:
            return
        happy = not customer.unhappy
        if happy:
            self.metrics.happy += 1
        else:
            self.metrics.angry += 1
            self.metrics.angry_causes[customer.cause] += 1
        if self.listeners:
            self.emit(FAST_KIND.LEAVE, customer=customer.id, ok=happy, info=None if happy else customer.cause)
        if happy:
            delay = self._arrivals.draw_return(self.market.return_probability())
            if delay is not None:
                self.calendar.after(delay, self._on_return, customer)

    # ------------------------------------------------------------------------------------------------- commands
    def _carry_out(self, command: Command, source: str) -> None:
        if is_lever(command):
            if self.market.apply(command, source):
                self._demand_changed()
            return
        if isinstance(command, Rent):
            self.capacity.rent(command)
        elif isinstance(command, Release):
            self.capacity.release(command)
        elif isinstance(command, Arrive):
            self._scripted_arrival(command)
        elif isinstance(command, SetAutopilot):
            self.autopilot_enabled = bool(command.enabled)
        elif isinstance(command, AnswerIncident):
            if self.incidents is None:
                raise CommandRejected("this level has no incidents", "no_incidents")
            self.incidents.answer(command, source)
        else:
            raise CommandRejected(f"unknown command {command!r}")

    # ------------------------------------------------------------------------------- what the parts ask back
    def answer_prompt(self, customer: Customer, predicted_ms: float) -> bool:
        """The customers' rule (a mod's, or the built-in) answers the wait question."""
        return bool(self.rules.answer_prompt(self, customer, predicted_ms))

    def kept_waiting(self, customer: Customer) -> None:
        """A "yes" to the wait question: the market's offer on asking, if any, comes off now."""
        self.market.grant_wait_discount(customer)

    def capacity_fell(self) -> None:
        """An outage took slots down: waits grew, so the prompt looks at every queue again."""
        if self.prompt.on:
            self.prompt.sweep(self.models.values())

    def incident_arrival(self, tier: str, contents: list[str], budget_cents: int) -> Customer:
        """A customer an incident brings (a studio's batch): this demand, this budget, all the patience there is."""
        return self._arrive(tier, False, budget_cents, 10**12, contents)

    def demand_changed(self) -> None:
        """An incident moved demand: redraw the next arrival."""
        self._demand_changed()

    def _scripted_arrival(self, command: Arrive) -> None:
        if command.tier not in self.caps:
            raise CommandRejected(f"unknown tier {command.tier!r}; this level has {', '.join(self.caps)}")
        unknown = [c for c in command.contents if c not in self.route]
        if unknown or not command.contents:
            raise CommandRejected(f"no model of this level serves {unknown or 'an empty demand'}")
        budget, patience = self._arrivals.draw_scripted(command.budget_cents, command.patience_ms)
        self._arrive(command.tier, command.priority, budget, patience, list(command.contents))

    def _scripted_price(self, event: ScriptedEvent) -> None:
        self.apply(SetPrice(event.content, event.price_cents), source="level")

    # ---------------------------------------------------------------------------------------------------- ticks
    def _tick(self, _arg: object) -> None:
        now = self.calendar.now
        self.capacity.bill()
        self.metrics.sample(now, len(self.customers))
        if self.autopilot_enabled:
            self.metrics.autopilot_ms += TICK_MS
        if self.market.tick():
            self._demand_changed()
        if self.spot is not None:
            self.spot.tick(now)
        if self.prompt.on and now % self.spec.prompt.check_every_ms < TICK_MS:
            self.prompt.sweep(self.models.values())
        if self.autopilot_enabled and now % self.spec.autopilot.every_ms < TICK_MS:
            if self._capacity_rule:
                self._follow_capacity_rule()
            else:
                self.autopilot.check(self.models, now, self.apply)
        self.calendar.at(now + TICK_MS, self._tick)

    def _follow_capacity_rule(self) -> None:
        """A mod's capacity rule is the auto-manager: ask it about each model, in level order, and carry out its
        answer as the auto-manager's command (recorded, never replayed as the player's)."""
        rule = self.rules.capacity
        for model_id in self.models:
            slots = rule(self, model_id)
            if slots > 0:
                self.apply(Rent(model_id, slots), "autopilot")
            elif slots < 0:
                self.apply(Release(model_id, -slots), "autopilot")

    # -------------------------------------------------------------------------------------------------- helpers
    def emit(self, kind: Kind, customer: int | None = None, task: int | None = None, model: str | None = None,
              slot: int | None = None, cents: int | None = None, info: str | None = None, ok: bool | None = None,
              reason: str | None = None) -> None:
        """Named parameters, not `**fields`: a dict per event cost twice as much. The event is built as `Event(...)`
        builds it (a tuple of the fields in their order, typed Event), without the generated `__new__`'s frame."""
        log = self._only_log
        if log is not None and len(self.listeners) == 1:  # (unless someone appended to `listeners` itself)
            log.record(self.calendar.now, kind, customer, task, model, slot, cents, info, ok, reason)
            return
        event = _tuple_new(Event, (self.calendar.now, kind, customer, task, model, slot, cents, info, ok, reason))
        for listener in self.listeners:
            listener(event)


def _routes(spec: LevelSpec) -> dict[str, str]:
    """Each content type goes to the first model (in level order) that serves it."""
    route: dict[str, str] = {}
    for model in spec.models:
        for content in model.content:
            route.setdefault(content, model.id)
    return route


def _lateness_weights(spec: LevelSpec) -> dict[str, tuple[float, float]] | None:
    """Tier -> how much a late delivery costs its satisfaction score, (without the pack, with it): the tier's
    `lateness` trait, times the level's `priority_waiting` for a pack buyer. None when every weight is 1, so a level
    without traits scores deliveries exactly as before."""
    weights = {tier: (spec.traits(tier).lateness, spec.traits(tier).lateness * spec.priority_waiting)
               for tier, _cap in spec.tiers}
    return weights if any(w != (1.0, 1.0) for w in weights.values()) else None
