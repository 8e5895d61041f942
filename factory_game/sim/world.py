"""The world: River's factory as a deterministic discrete-event simulation.

Flow of a task: a customer arrives with a demand; each task is admitted while the customer's in-flight count
(queued + running) is under the tier cap and its price can be held from the budget; admitted tasks queue at their
model, start on a free slot in priority order, and finish (capture) or fail (release, or retry). Past the prompt
threshold a queued customer is asked whether they still want to wait; a "no" releases their queued tasks' holds and
they leave. Outside changes come only through `apply(command)`; everything that happens is published as events.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from types import SimpleNamespace

from factory_game.sim.autopilot import Autopilot
from factory_game.sim.clock import HOUR, MINUTE, Calendar
from factory_game.sim.commands import Arrive, Command, Recorded, Release, Rent, SetAutopilot
from factory_game.sim.entities import (
    ABANDONED,
    ASKED,
    BUSY,
    DONE,
    DOWN,
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
    ModelState,
    Slot,
    Task,
)
from factory_game.sim.events import Event, Kind
from factory_game.sim.ledger import Ledger
from factory_game.sim.market import LeverRejected, Market, is_lever
from factory_game.sim.metrics import SCORE_ABANDONED, SCORE_FAILED, Metrics
from factory_game.sim.rng import RngStreams
from factory_game.sim.rules import Rules
from factory_game.sim.commands import SetPrice
from factory_game.sim.spec import LevelSpec, RatePiece, ScriptedEvent

_new_tuple = tuple.__new__
# The event kinds, the very Kind members, as plain attributes: reading `Kind.X` goes through the enum class and costs
# about four times as much, which showed when every event is built (8 per task).
KIND = SimpleNamespace(**Kind.__members__)
TICK_MS = MINUTE  # billing, metric samples, prompt sweeps and autopilot checks run on this beat


class CommandRejected(ValueError):
    """A command that cannot be carried out now (unknown model, over the extra-slot cap, …)."""


class World:
    def __init__(self, spec: LevelSpec, seed: int | None = None, rules: Rules | None = None,
                 ledger_window: int | None = None) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed
        self.rules = rules or Rules()
        self.rng = RngStreams(self.seed)
        self.calendar = Calendar()
        self.ledger = Ledger(spec.start_cash_cents, window=ledger_window)
        self.models: dict[str, ModelState] = {m.id: ModelState(m) for m in spec.models}
        self.customers: dict[int, Customer] = {}  # present now, in arrival order
        self.slots: dict[int, Slot] = {}
        self.prices = {c.id: c.price_cents for c in spec.content}
        self.route = _routes(spec)
        self.caps = dict(spec.tiers)
        self.commands: list[Recorded] = []
        self.autopilot = Autopilot(spec.autopilot, list(self.models))
        self.autopilot_enabled = spec.autopilot.enabled
        self.metrics = Metrics(self, sample_every_ms=TICK_MS)
        self.market = Market(self)
        self._arrival_generation = 0  # a redraw (demand changed) makes the arrival already scheduled stale
        self._listeners: list[Callable[[Event], None]] = []
        self._next_customer = 1
        self._next_task = 1
        self._next_slot = 1
        self._billed_contracted: dict[str, int] = dict.fromkeys(self.models, 0)
        self._rate_pieces = pieces = _rate_schedule(spec)
        self._rates_per_ms = [p.per_hour / HOUR for p in pieces]
        self._piece_ends = [p.start_ms for p in pieces[1:]] + [None]  # where each piece ends (None: never)
        self._arrival_cursor = 0.0
        self._arrival_piece = _piece_index(pieces, 0.0)
        self._arrival_rng = self.rng.stream("arrivals")
        self._customer_rng = self.rng.stream("customers")
        self._service_rng = {m: self.rng.stream(f"service/{m}") for m in self.models}
        self._failure_rng = {m: self.rng.stream(f"failures/{m}") for m in self.models}
        self._prompt_limit = {m.id: spec.prompt.multiplier * m.mean_service_ms for m in self.models.values()}
        self.prompt_multiplier = spec.prompt.multiplier
        self._prompts_on = spec.prompt.enabled and spec.prompt.multiplier > 0
        self._prompts_on_at_start = self._prompts_on  # patience is drawn only on levels that ask
        # Arrival draws that cannot vary are made once, here, by the very functions that would make them: a lone tier
        # or content type (`_weighted`) and a fixed budget or task count (`Dist.sample_int`) never touch the rng, so
        # every stream sees the same draws. None: draw on each arrival.
        arrivals = spec.arrivals
        self._lone_tier = _weighted(None, arrivals.tiers) if len(arrivals.tiers) == 1 else None
        self._fixed_budget = arrivals.budget.sample_int(None) if arrivals.budget.kind == "fixed" else None
        self._fixed_demand = None
        if arrivals.tasks.kind == "fixed" and len(arrivals.content) == 1:
            self._fixed_demand = tuple(self._draw_demand(None))

        for m in self.models.values():
            for _ in range(m.spec.slots):
                self._add_slot(m, rented=False)
        self._schedule_next_arrival()
        self.calendar.at(TICK_MS, self._tick)
        for event in spec.events:
            if event.kind == "outage":
                self.calendar.at(event.at_ms, self._outage_start, event)
            elif event.kind == "price":
                self.calendar.at(event.at_ms, self._scripted_price, event)

    # ----------------------------------------------------------------------------------------------- public face
    @property
    def now(self) -> int:
        return self.calendar.now

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """`listener(event)` is called for everything that happens from now on, in order."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.remove(listener)

    def advance(self, until_ms: int) -> None:
        """Run every event due at or before `until_ms`; the clock then reads `until_ms`."""
        self.calendar.run_until(until_ms)

    def run(self, until_ms: int | None = None) -> dict:
        """Run to the level's end (or `until_ms`), book the costs due, and return the summary."""
        self.advance(self.spec.duration_ms if until_ms is None else until_ms)
        self.settle_costs()
        return self.summary()

    def summary(self) -> dict:
        return self.metrics.summary()

    def apply(self, command: Command, source: str = "player") -> Recorded:
        """The one door for outside changes. Every command is recorded with its time, carried out or not."""
        try:
            self._carry_out(command, source)
            record = Recorded(self.now, source, command, ok=True)
        except CommandRejected as exc:
            record = Recorded(self.now, source, command, ok=False, reason=str(exc))
        self.commands.append(record)
        if self._listeners:
            self._emit(KIND.COMMAND, model=getattr(command, "model", None),
                       info=f"{source}:{command.name}:{'ok' if record.ok else 'rejected'}")
        return record

    def player_commands(self) -> list[tuple[int, Command]]:
        """What a replay needs besides the level and the seed: the player's commands and their times."""
        return [(r.time, r.command) for r in self.commands if r.source == "player"]

    def settle_costs(self) -> None:
        """Book upstream costs accrued up to now (the tick does this every minute; call before a summary)."""
        self._bill()

    # ------------------------------------------------------------------------------------------------- arrivals
    def _schedule_next_arrival(self) -> None:
        t = self._arrival_cursor
        i = self._arrival_piece  # the piece holding the cursor: both only move forward
        rates, ends = self._rates_per_ms, self._piece_ends
        rng = self._arrival_rng
        while True:
            rate_per_ms = rates[i] * self.market.demand
            end = ends[i]
            if rate_per_ms > 0:
                candidate = t + rng.expovariate(rate_per_ms)
                if end is None or candidate < end:
                    self._arrival_cursor = candidate
                    self._arrival_piece = i  # = _piece_index(pieces, candidate), as candidate < end
                    self.calendar.at(max(self.calendar.now, int(candidate)), self._on_arrival,
                                     self._arrival_generation)
                    return
            if end is None:
                return  # the rate stays zero: no more arrivals
            t = float(end)  # memoryless: redraw from the start of the next piece at its rate
            i += 1

    def _demand_changed(self) -> None:
        """Demand (price, reputation) changed: redraw the next arrival from now at the new rate (exact: the
        arrival process is memoryless); the one already on the calendar is stale."""
        now = self.calendar.now
        self._arrival_generation += 1
        self._arrival_cursor = float(now)
        self._arrival_piece = _piece_index(self._rate_pieces, now)
        self._schedule_next_arrival()

    def _on_arrival(self, generation: int) -> None:
        if generation != self._arrival_generation:
            return
        self._schedule_next_arrival()
        arrivals = self.spec.arrivals
        rng = self._customer_rng
        tier = self._lone_tier if self._lone_tier is not None else _weighted(rng, arrivals.tiers)
        priority = arrivals.priority_share > 0 and rng.random() < self.market.priority_share()
        budget = self._fixed_budget if self._fixed_budget is not None else arrivals.budget.sample_int(rng)
        patience = arrivals.patience.sample_int(rng, minimum=0) if self._prompts_on_at_start else 0
        contents = self._fixed_demand if self._fixed_demand is not None else self._draw_demand(rng)
        if self.market.closed_until and self.market.door_closed(tier, self.calendar.now):
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
        if self._listeners:
            self._emit(KIND.ARRIVE, customer=customer_id, info=f"{tier}:refused")
            self._emit(KIND.LEAVE, customer=customer_id, info="angry:refused")

    def _draw_demand(self, rng) -> list[str]:
        """How many tasks, then the content type of each."""
        arrivals = self.spec.arrivals
        count = arrivals.tasks.sample_int(rng, minimum=1)
        return [_weighted(rng, arrivals.content) for _ in range(count)]

    def _arrive(self, tier: str, priority: bool, budget: int, patience: int, contents: Sequence[str]) -> Customer:
        customer = Customer(self._next_customer, tier, self.caps[tier], priority, budget, patience, self.calendar.now)
        self._next_customer += 1
        self.metrics.customers += 1
        self.metrics.customers_by_tier[tier] += 1
        self._new_demand(customer, contents)
        self.customers[customer.id] = customer
        if self._listeners:
            self._emit(KIND.ARRIVE, customer=customer.id, cents=budget,
                       info=f"{tier}{'+priority' if priority else ''}:{len(customer.tasks)}")
        self._admit_pending(customer)
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
            self.metrics.returns += 1
            self._refuse_return(customer)
            return
        customer.visit += 1
        self.metrics.returns += 1
        customer.state = INSIDE
        customer.unhappy = False
        customer.cause = ""
        customer.promised_start = None
        customer.arrived_at = self.now
        demand = self._fixed_demand if self._fixed_demand is not None else self._draw_demand(self._customer_rng)
        self._new_demand(customer, demand)
        self.customers[customer.id] = customer
        if self._listeners:
            self._emit(KIND.ARRIVE, customer=customer.id, cents=customer.available_cents,
                       info=f"return:{customer.visit}:{len(customer.tasks)}")
        self._admit_pending(customer)

    def _refuse_return(self, customer: Customer) -> None:
        self.metrics.angry += 1
        self.metrics.angry_causes["refused"] += 1
        self.market.refused += 1
        if self._listeners:
            self._emit(KIND.ARRIVE, customer=customer.id, info="return:refused")
            self._emit(KIND.LEAVE, customer=customer.id, info="angry:refused")

    # ------------------------------------------------------------------------------------------------ admission
    def admit_waiting(self, customer: Customer) -> None:
        """Admit a present customer's waiting tasks now (a cap was raised)."""
        if customer.state == INSIDE:
            self._admit_pending(customer)

    def _admit_pending(self, customer: Customer) -> None:
        """Admit waiting tasks while the cap allows (queued + running count); leave when nothing is left."""
        tasks = customer.tasks
        if customer.next_pending < len(tasks):  # else nothing waits outside (every end of a task comes here)
            now = self.calendar.now
            price_rule = self.rules.price
            while customer.in_flight < customer.cap and customer.next_pending < len(tasks) \
                    and customer.state != LEAVING:
                task = tasks[customer.next_pending]
                customer.next_pending += 1
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
                if self._listeners:
                    self._emit(KIND.ADMIT, customer=customer.id, task=task.id, model=task.model)
                    self._emit(KIND.HOLD, customer=customer.id, task=task.id, cents=price)
                self._enqueue(task, customer, m, keep_key=False)
        if customer.in_flight == 0 and customer.state != ASKED:
            self._depart(customer)

    def _lose_sale(self, customer: Customer, task: Task, price: int) -> None:
        """The budget cannot cover the hold: the task is never admitted."""
        task.state = LOST
        task.end_at = self.calendar.now
        if not customer.unhappy:
            customer.unhappy, customer.cause = True, "budget"
        task.stats.lost += 1
        if self._listeners:
            self._emit(KIND.LOST_SALE, customer=customer.id, task=task.id, model=task.model, cents=price)

    def _enqueue(self, task: Task, customer: Customer, m: ModelState, keep_key: bool) -> None:
        now = self.calendar.now
        m.account(now)
        task.queued_at = now
        if not keep_key:
            task.key = self.rules.priority_key(self, customer, task)
        task.state = QUEUED
        m.push(task)
        if self._listeners:
            self._emit(KIND.QUEUE, customer=customer.id, task=task.id, model=m.id)
        if m.idle:
            self._dispatch(m)
        if self._prompts_on and task.state == QUEUED and customer.state == INSIDE:
            position = sum(1 for entry in m.queue if (entry[0], entry[1]) < (task.key, m._qseq))
            self._maybe_prompt(customer, m, m.predicted_wait_ms(position))

    # ------------------------------------------------------------------------------------------------- stations
    def _dispatch(self, m: ModelState) -> None:
        """Start queued tasks in priority order on idle slots, lowest slot id first, while both last.

        Every caller has just changed the queue or the slots, so it has already called `m.account(now)`."""
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
            m.busy_r += 1
        else:
            m.busy_c += 1
        task.state = RUNNING
        task.started_at = now
        task.slot_id = slot.id
        attempt = task.attempt = task.attempt + 1
        spec = m.spec
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
        task.stats.waits.add(now - task.queued_at)
        if self._listeners:
            self._emit(KIND.START, customer=task.customer_id, task=task.id, model=m.id, slot=slot.id,
                       info=str(duration))
        self.calendar.at(end, self._on_task_end, (task, attempt, failed))

    def _on_task_end(self, arg: tuple[Task, int, bool]) -> None:
        task, attempt, failed = arg
        if task.state != RUNNING or task.attempt != attempt:
            return  # stale: an outage already ended this attempt
        self._end_attempt(task, failed, reason="upstream error")

    def _end_attempt(self, task: Task, failed: bool, reason: str) -> None:
        """The slot side of an end: free the slot (or let a released one leave); the task side follows."""
        m = self.models[task.model]
        slot = self.slots[task.slot_id]
        customer = self.customers.get(task.customer_id)
        if customer is None:
            raise KeyError(f"customer {task.customer_id} has a running task but is not in the world")
        m.account(self.calendar.now)
        slot.task = None
        if slot.rented:
            m.busy_r -= 1
        else:
            m.busy_c -= 1
        if slot.state == BUSY:
            slot.state = IDLE
            heapq.heappush(m.idle, slot.id)
        elif slot.state == LEAVING_SLOT:
            self._remove_slot(slot, m)
        if not failed:
            self._deliver(task, customer, m, slot)
        elif task.retries_left > 0:
            self._retry(task, customer, m, slot, reason)
            return
        else:
            self._refund_failed(task, customer, m, slot, reason)
        customer.in_flight -= 1
        self._admit_pending(customer)
        if m.queue:
            self._dispatch(m)

    def _deliver(self, task: Task, customer: Customer, m: ModelState, slot: Slot) -> None:
        """Success: capture the hold; score the delivery against the SLA."""
        now = self.calendar.now
        task.state = DONE
        task.end_at = now
        cents = self.ledger.capture(now, customer.id, task.id)
        customer.held_cents -= cents
        customer.spent_cents += cents
        sojourn = now - task.admitted_at
        stats = task.stats
        stats.completed += 1
        stats.sojourns.add(sojourn)
        stats.revenue_cents += cents
        sla = self.metrics.sla_ms
        if sojourn <= sla:
            stats.score += 1.0
            stats.within_sla += 1
        else:  # late: the score falls linearly from 1 at the SLA to 0 at twice the SLA
            if not customer.unhappy:  # the larger part of the lateness names the cause
                waited = task.started_at - task.admitted_at
                customer.unhappy = True
                customer.cause = "queue_wait" if waited >= now - task.started_at else "slow_service"
            stats.score += max(0.0, 2.0 - sojourn / sla)
        if self._listeners:
            self._emit(KIND.FINISH, customer=customer.id, task=task.id, model=m.id, slot=slot.id)
            self._emit(KIND.CAPTURE, customer=customer.id, task=task.id, cents=cents)

    def _retry(self, task: Task, customer: Customer, m: ModelState, slot: Slot, reason: str) -> None:
        """A failure with retries left: back to the queue, hold kept, place (key) kept."""
        if self._listeners:
            self._emit(KIND.FAIL, customer=customer.id, task=task.id, model=m.id, slot=slot.id, info=reason)
        task.retries_left -= 1
        task.stats.retries += 1
        if self._listeners:
            self._emit(KIND.RETRY, customer=customer.id, task=task.id, model=m.id)
        self._enqueue(task, customer, m, keep_key=True)

    def _refund_failed(self, task: Task, customer: Customer, m: ModelState, slot: Slot, reason: str) -> None:
        """A failure with no retry left: release the hold."""
        now = self.calendar.now
        if self._listeners:
            self._emit(KIND.FAIL, customer=customer.id, task=task.id, model=m.id, slot=slot.id, info=reason)
        task.state = FAILED
        task.end_at = now
        if not customer.unhappy:
            customer.unhappy, customer.cause = True, "failure"
        cents = self.ledger.release(now, customer.id, task.id, reason)
        customer.held_cents -= cents
        stats = task.stats
        stats.failed += 1
        stats.score += SCORE_FAILED
        stats.refunded_cents += cents
        if self._listeners:
            self._emit(KIND.RELEASE, customer=customer.id, task=task.id, cents=cents, info=reason)

    def _add_slot(self, m: ModelState, rented: bool) -> Slot:
        m.account(self.now)
        slot = Slot(self._next_slot, m.id, rented, self.now)
        self._next_slot += 1
        self.slots[slot.id] = slot
        m.slots.append(slot)
        if rented:
            m.up_r += 1
            m.present_r += 1
        else:
            m.up_c += 1
        heapq.heappush(m.idle, slot.id)
        return slot

    def _remove_slot(self, slot: Slot, m: ModelState) -> None:
        """A released rented slot leaves: book what it still owes (at least the minimum rental period)."""
        m.account(self.now)
        present = self.now - slot.arrived_at
        self._bill_slot(slot, m, max(present, m.spec.min_rental_ms), note="rented")
        m.present_r -= 1
        m.slots.remove(slot)
        del self.slots[slot.id]
        if self._listeners:
            self._emit(KIND.SLOT_LEAVE, model=m.id, slot=slot.id)

    # --------------------------------------------------------------------------------------------------- prompt
    def _maybe_prompt(self, customer: Customer, m: ModelState, predicted: float) -> None:
        """Ask past the threshold. A "yes" is a promise: the customer is asked again only if the predicted start
        slips past the one they accepted by another full threshold (documented in docs/engine.md)."""
        limit = self._prompt_limit[m.id]
        if customer.promised_start is None:
            if predicted <= limit:
                return
        elif self.now + predicted <= customer.promised_start + limit:
            return
        customer.state = ASKED
        self.metrics.prompts += 1
        shown = min(predicted, 10**12)
        if self._listeners:
            self._emit(KIND.PROMPT, customer=customer.id, model=m.id, info=str(round(shown)))
        self.calendar.after(self.spec.prompt.answer_delay_ms, self._on_answer, (customer, shown))

    def _on_answer(self, arg: tuple[Customer, float]) -> None:
        customer, predicted = arg
        if customer.state != ASKED:
            return
        yes = bool(self.rules.answer_prompt(self, customer, predicted))
        if self._listeners:
            self._emit(KIND.ANSWER, customer=customer.id, info="yes" if yes else "no")
        if yes:
            self.metrics.prompt_yes += 1
            customer.state = INSIDE
            customer.promised_start = self.now + round(predicted)
            if customer.in_flight == 0:
                self._admit_pending(customer)
            return
        self.metrics.prompt_no += 1
        self._abandon(customer)

    def _abandon(self, customer: Customer) -> None:
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
            stats = task.stats
            stats.abandoned += 1
            stats.score += SCORE_ABANDONED
            if held:
                cents = self.ledger.release(now, customer.id, task.id, "abandoned")
                customer.held_cents -= cents
                customer.in_flight -= 1
                stats.refunded_cents += cents
                if self._listeners:
                    self._emit(KIND.ABANDON, customer=customer.id, task=task.id, model=task.model)
                    self._emit(KIND.RELEASE, customer=customer.id, task=task.id, cents=cents, info="abandoned")
            elif self._listeners:
                self._emit(KIND.ABANDON, customer=customer.id, task=task.id, model=task.model)
        customer.next_pending = len(customer.tasks)
        if customer.in_flight == 0:
            self._depart(customer)

    def _prompt_sweep(self) -> None:
        for m in self.models.values():
            if not m.queue:
                continue
            for position, entry in enumerate(sorted(m.queue, key=lambda e: (e[0], e[1]))):
                customer = self.customers.get(entry[2].customer_id)
                if customer is not None and customer.state == INSIDE:
                    self._maybe_prompt(customer, m, m.predicted_wait_ms(position))

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
        if self._listeners:
            self._emit(KIND.LEAVE, customer=customer.id, info="happy" if happy else f"angry:{customer.cause}")
        arrivals = self.spec.arrivals
        if happy and arrivals.return_probability > 0:
            rng = self.rng.stream("returns")
            if rng.random() < self.market.return_probability():
                delay = arrivals.return_after.sample_int(rng, minimum=1)
                self.calendar.after(delay, self._on_return, customer)

    # ------------------------------------------------------------------------------------------------- commands
    def _carry_out(self, command: Command, source: str) -> None:
        if is_lever(command):
            try:
                if self.market.apply(command, source):
                    self._demand_changed()
            except LeverRejected as exc:
                raise CommandRejected(str(exc)) from None
            return
        if isinstance(command, Rent):
            self._rent(command)
        elif isinstance(command, Release):
            self._release(command)
        elif isinstance(command, Arrive):
            self._scripted_arrival(command)
        elif isinstance(command, SetAutopilot):
            self.autopilot_enabled = bool(command.enabled)
        else:
            raise CommandRejected(f"unknown command {command!r}")

    def set_prompt_multiplier(self, multiplier: float) -> None:
        """The wait-question lever: ask past `multiplier` x each model's mean task time (from the next check)."""
        self._prompt_limit = {m.id: multiplier * m.mean_service_ms for m in self.models.values()}
        self.prompt_multiplier = multiplier

    def _model_for(self, model_id: str) -> ModelState:
        m = self.models.get(model_id)
        if m is None:
            raise CommandRejected(f"unknown model {model_id!r}; this level has {', '.join(self.models)}")
        return m

    def _rent(self, command: Rent) -> None:
        m = self._model_for(command.model)
        if command.count < 1:
            raise CommandRejected("rent at least one slot")
        room = m.spec.max_extra - m.rented_count
        if command.count > room:
            raise CommandRejected(f"{m.id} allows {m.spec.max_extra} extra slots; {m.rented_count} already rented")
        m.pending_rentals += command.count
        if self._listeners:
            self._emit(KIND.RENT, model=m.id, cents=m.spec.rent_price_cents * command.count,
                       info=str(command.count))
        for _ in range(command.count):
            self.calendar.after(m.spec.lead_time_ms, self._on_slot_arrive, m)

    def _on_slot_arrive(self, m: ModelState) -> None:
        m.pending_rentals -= 1
        slot = self._add_slot(m, rented=True)
        if self._listeners:
            self._emit(KIND.SLOT_ARRIVE, model=m.id, slot=slot.id)
        self._dispatch(m)

    def _release(self, command: Release) -> None:
        m = self._model_for(command.model)
        if command.count < 1:
            raise CommandRejected("release at least one slot")
        serving = [s for s in m.slots if s.rented and s.state in (IDLE, BUSY)]
        if not serving:
            raise CommandRejected(f"{m.id} has no rented slot to release (orders in transit cannot be cancelled)")
        # Idle before busy (it leaves now); then slots whose minimum rental is already paid (releasing one saves
        # money at once, while one still inside its paid period costs the same either way); then oldest first.
        now = self.now
        serving.sort(key=lambda s: (s.state != IDLE, now - s.arrived_at < m.spec.min_rental_ms, s.id))
        m.account(self.now)
        for slot in serving[:command.count]:
            slot.release_requested = True
            m.up_r -= 1
            if slot.state == IDLE:
                m.drop_idle(slot.id)
                slot.state = LEAVING_SLOT
                self._remove_slot(slot, m)
            else:
                slot.state = LEAVING_SLOT

    def _scripted_arrival(self, command: Arrive) -> None:
        if command.tier not in self.caps:
            raise CommandRejected(f"unknown tier {command.tier!r}; this level has {', '.join(self.caps)}")
        unknown = [c for c in command.contents if c not in self.route]
        if unknown or not command.contents:
            raise CommandRejected(f"no model of this level serves {unknown or 'an empty demand'}")
        rng = self.rng.stream("scripted")
        arrivals = self.spec.arrivals
        budget = command.budget_cents if command.budget_cents is not None else arrivals.budget.sample_int(rng)
        patience = command.patience_ms if command.patience_ms is not None else arrivals.patience.sample_int(rng)
        self._arrive(command.tier, command.priority, budget, patience, list(command.contents))

    def _scripted_price(self, event: ScriptedEvent) -> None:
        self.apply(SetPrice(event.content, event.price_cents), source="level")

    # -------------------------------------------------------------------------------------------------- outages
    def _outage_start(self, event: ScriptedEvent) -> None:
        """An upstream outage takes slots down; tasks running on them fail (released, or retried)."""
        m = self.models[event.model]
        victims = [s for s in m.slots if not s.rented and s.state in (IDLE, BUSY)]
        victims.sort(key=lambda s: -s.id)
        victims = victims[:event.slots]
        m.account(self.now)
        for slot in victims:
            m.up_c -= 1
            if slot.state == IDLE:
                m.drop_idle(slot.id)
                slot.state = DOWN
            else:
                task = slot.task
                slot.state = DOWN
                task.attempt += 1  # its scheduled end is now stale
                self._end_attempt(task, failed=True, reason="outage")  # frees the slot, which stays down
            if self._listeners:
                self._emit(KIND.SLOT_DOWN, model=m.id, slot=slot.id, info="outage")
        self.calendar.after(event.duration_ms, self._outage_end, [s.id for s in victims])
        if self._prompts_on:
            self._prompt_sweep()

    def _outage_end(self, slot_ids: list[int]) -> None:
        touched = []
        for slot_id in slot_ids:
            slot = self.slots[slot_id]
            m = self.models[slot.model]
            m.account(self.now)
            slot.state = IDLE
            m.up_c += 1
            heapq.heappush(m.idle, slot.id)
            if self._listeners:
                self._emit(KIND.SLOT_UP, model=m.id, slot=slot.id)
            touched.append(m)
        for m in dict.fromkeys(touched):
            self._dispatch(m)

    # ---------------------------------------------------------------------------------------------------- ticks
    def _tick(self, _arg: object) -> None:
        now = self.calendar.now
        self._bill()
        self.metrics.sample()
        if self.autopilot_enabled:
            self.metrics.autopilot_ms += TICK_MS
        if self.market.tick():
            self._demand_changed()
        if self._prompts_on and now % self.spec.prompt.check_every_ms < TICK_MS:
            self._prompt_sweep()
        if self.autopilot_enabled and now % self.spec.autopilot.every_ms < TICK_MS:
            self.autopilot.check(self)
        self.calendar.at(now + TICK_MS, self._tick)

    def _bill(self) -> None:
        """Book upstream costs accrued so far: contracted slots by the slot-hour, rented ones while present."""
        now = self.calendar.now
        for m in self.models.values():
            spec = m.spec
            owed = spec.slot_cost_cents * spec.slots * now // HOUR
            delta = owed - self._billed_contracted[m.id]
            if delta:
                self._billed_contracted[m.id] = owed
                self._book_upstream(m, delta, "contracted")
            if m.present_r:  # rented slots present (leaving ones included) are exactly the rented ones in m.slots
                for slot in m.slots:
                    if slot.rented:
                        self._bill_slot(slot, m, now - slot.arrived_at, note="rented")

    def _bill_slot(self, slot: Slot, m: ModelState, billable_ms: int, note: str) -> None:
        price = m.spec.rent_price_cents
        delta = price * billable_ms // HOUR - price * slot.billed_ms // HOUR
        slot.billed_ms = max(slot.billed_ms, billable_ms)
        if delta > 0:
            self._book_upstream(m, delta, note)

    def _book_upstream(self, m: ModelState, cents: int, note: str) -> None:
        self.ledger.upstream(self.now, m.id, cents, note)
        if self._listeners:
            self._emit(KIND.UPSTREAM_COST, model=m.id, cents=cents, info=note)

    # -------------------------------------------------------------------------------------------------- helpers
    def _emit(self, kind: Kind, customer: int | None = None, task: int | None = None, model: str | None = None,
              slot: int | None = None, cents: int | None = None, info: str | None = None) -> None:
        """Named parameters, not `**fields`: a dict per event cost twice as much. The event is built as `Event(...)`
        builds it (a tuple of the fields in their order, typed Event), without the generated `__new__`'s frame."""
        event = _new_tuple(Event, (self.calendar.now, kind, customer, task, model, slot, cents, info))
        for listener in self._listeners:
            listener(event)


def _weighted(rng, choices: tuple[tuple[str, float], ...]) -> str:
    if len(choices) == 1:
        return choices[0][0]
    total = sum(weight for _name, weight in choices)
    x = rng.random() * total
    for name, weight in choices:
        x -= weight
        if x < 0:
            return name
    return choices[-1][0]


def _routes(spec: LevelSpec) -> dict[str, str]:
    """Each content type goes to the first model (in level order) that serves it."""
    route: dict[str, str] = {}
    for model in spec.models:
        for content in model.content:
            route.setdefault(content, model.id)
    return route


def _rate_schedule(spec: LevelSpec) -> list[RatePiece]:
    """The arrival rate as constant pieces, with demand spikes multiplied in."""
    pieces = sorted(spec.arrivals.rate, key=lambda p: p.start_ms)
    if not pieces or pieces[0].start_ms > 0:
        pieces.insert(0, RatePiece(0, 0.0))
    spikes = [e for e in spec.events if e.kind == "spike"]
    if not spikes:
        return pieces
    cuts = sorted({p.start_ms for p in pieces} | {e.at_ms for e in spikes} | {e.at_ms + e.duration_ms for e in spikes})
    out = []
    for cut in cuts:
        base = pieces[_piece_index(pieces, cut)].per_hour
        factor = 1.0
        for e in spikes:
            if e.at_ms <= cut < e.at_ms + e.duration_ms:
                factor *= e.factor
        out.append(RatePiece(cut, base * factor))
    return out


def _piece_index(pieces: list[RatePiece], t: float) -> int:
    """The last piece starting at or before `t`."""
    i = 0
    while i + 1 < len(pieces) and pieces[i + 1].start_ms <= t:
        i += 1
    return i
