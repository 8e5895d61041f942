"""The things in the world: customers, their tasks, the models and their slots (stations)."""

from __future__ import annotations

import heapq
from typing import Protocol

from factory_game.sim.spec import ModelSpec
from factory_game.sim.stats import Stats

Key = tuple[float, ...]  # a queued task's priority key: smaller goes first (`Rules.priority_key`)

# Task states
PENDING = "pending"  # waiting outside with its customer: over the tier cap, not yet admitted
QUEUED = "queued"  # admitted (price held), waiting for a slot; counts against the cap
RUNNING = "running"  # at a station; counts against the cap
DONE = "done"
FAILED = "failed"
ABANDONED = "abandoned"  # the customer said no to the wait prompt
LOST = "lost"  # never admitted: the budget could not cover the hold


class Task:
    __slots__ = ("id", "customer_id", "content", "model", "state", "requested_at", "admitted_at", "queued_at",
                 "started_at", "end_at", "slot_id", "price_cents", "retries_left", "key", "attempt", "stats",
                 "service_ms", "tokens")

    def __init__(self, task_id: int, customer_id: int, content: str, model: str, requested_at: int) -> None:
        self.id = task_id
        self.customer_id = customer_id
        self.content = content
        self.model = model
        self.state = PENDING
        self.requested_at = requested_at
        self.admitted_at: int | None = None
        self.queued_at: int | None = None  # first time it entered the queue (a retry keeps its place)
        self.started_at: int | None = None
        self.end_at: int | None = None
        self.slot_id: int | None = None
        self.price_cents = 0
        self.retries_left = 0
        self.key: Key = ()
        self.attempt = 0  # starts so far; an end event for an older attempt is stale
        self.stats: Stats  # the metrics cell (model, tier) this task counts in: set by the world as it is made
        self.service_ms: int | None = None  # a replayed request's own service time; None: the model draws one
        # (prompt, output) tokens of a request to a batched model: from its log row, else drawn when it first starts
        self.tokens: tuple[int | None, int | None] | None = None

    def __repr__(self) -> str:
        return f"Task({self.id}, customer={self.customer_id}, {self.model}, {self.state})"


QueueEntry = tuple[Key, int, Task]  # (key, sequence number, task): a model's queue is a heap of these

# Customer states
INSIDE = "inside"  # has tasks admitted or waiting outside for the cap
ASKED = "asked"  # the wait prompt is out; the answer comes after the dispatcher's walk
LEAVING = "leaving"  # said no or ran out of budget; gone once nothing of theirs runs


class Customer:
    __slots__ = ("id", "tier", "cap", "priority", "budget_cents", "held_cents", "spent_cents", "patience_ms",
                 "tasks", "state", "in_flight", "arrived_at", "visit", "promised_start", "unhappy", "cause",
                 "next_pending")

    def __init__(self, customer_id: int, tier: str, cap: int, priority: bool, budget_cents: int,
                 patience_ms: int, arrived_at: int) -> None:
        self.id = customer_id
        self.tier = tier
        self.cap = cap
        self.priority = priority
        self.budget_cents = budget_cents
        self.held_cents = 0
        self.spent_cents = 0
        self.patience_ms = patience_ms
        self.tasks: list[Task] = []
        self.state = INSIDE
        self.in_flight = 0  # queued + running: what the tier cap limits
        self.arrived_at = arrived_at
        self.visit = 1
        self.promised_start: int | None = None  # set by a "yes" to the wait prompt
        self.unhappy = False
        self.cause = ""  # why this visit turned angry (the first thing that went wrong): see ANGER_CAUSES
        self.next_pending = 0  # index of the first task not yet admitted

    @property
    def available_cents(self) -> int:
        return self.budget_cents - self.held_cents - self.spent_cents

    def __repr__(self) -> str:
        return f"Customer({self.id}, {self.tier}, cap={self.cap}, in_flight={self.in_flight}, {self.state})"


# Why a visit ends angry, in the order the report lists them
ANGER_CAUSES = ("queue_wait", "slow_service", "failure", "gave_up", "budget", "refused")

# Slot states
IDLE = "idle"
BUSY = "busy"
DOWN = "down"  # an outage took it
LEAVING_SLOT = "leaving"  # a released rented slot finishing its task


class Slot:
    __slots__ = ("id", "model", "rented", "state", "task", "arrived_at", "billed_ms", "release_requested",
                 "price_cents", "committed_ms")

    def __init__(self, slot_id: int, model: str, rented: bool, arrived_at: int, price_cents: int = 0,
                 committed_ms: int = 0) -> None:
        self.id = slot_id
        self.model = model
        self.rented = rented
        self.state = IDLE
        self.task: Task | None = None
        self.arrived_at = arrived_at
        self.billed_ms = 0
        self.release_requested = False
        self.price_cents = price_cents  # per slot-hour while present (a rented one: spot or contract price)
        self.committed_ms = committed_ms  # a contract's period: billed in full, not released before its end

    def __repr__(self) -> str:
        return f"Slot({self.id}, {self.model}, {'rented' if self.rented else 'contracted'}, {self.state})"


class BatchedServing(Protocol):
    """A batched model's replicas (`sim/batching.py`): what the task flow and capacity ask of them."""

    def wake(self) -> None: ...

    def outage(self, slot: Slot) -> None: ...

    def predicted_wait_ms(self, position: int) -> float: ...


class ModelState:
    """One upstream model: its stations and its queue (a heap of (key, seq, task); the key comes from the priority
    rule, the seq breaks ties in arrival order). Keeps the time integrals the metrics need.

    Slot counts, kept up to date by the world so the hot path never walks the slot list: contracted slots are
    "up" unless an outage took them; rented slots are "serving" until released and "present" until they leave
    (a released busy slot finishes its task first, and is billed while present)."""

    __slots__ = ("spec", "id", "slots", "queue", "idle", "pending_rentals", "busy_contracted", "busy_rented",
                 "up_contracted", "serving_rented", "present_rented", "_queue_seq", "accounted_to", "queue_area",
                 "queue_max", "busy_contracted_area", "busy_rented_area", "up_contracted_area", "present_rented_area",
                 "enqueued", "batched")

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.id = spec.id  # a plain attribute: read on the hot path
        self.slots: list[Slot] = []
        self.queue: list[QueueEntry] = []
        # Heap of the ids of the idle slots, lowest first, and nothing else: a slot that goes down or leaves while
        # idle is taken out (`drop_idle`), so the dispatcher never meets a stale id.
        self.idle: list[int] = []
        self.pending_rentals = 0  # ordered, not yet arrived
        self.busy_contracted = 0  # contracted slots running a task
        self.busy_rented = 0  # rented slots running a task (leaving ones included)
        self.up_contracted = 0  # contracted slots not down
        self.serving_rented = 0  # rented slots serving (not leaving)
        self.present_rented = 0  # rented slots present, leaving ones included (they are still billed)
        self._queue_seq = 0
        # Time integrals (count x ms) up to `accounted_to`, for means and utilisation
        self.accounted_to = 0
        self.queue_area = 0
        self.queue_max = 0
        self.busy_contracted_area = 0
        self.busy_rented_area = 0
        self.up_contracted_area = 0
        self.present_rented_area = 0
        self.enqueued = 0  # tasks that ever joined the queue (a retry joins again)
        # a batched model's replicas (set by the world); None: the slot model, one task per slot. For a batched
        # model `idle` holds the replicas with nothing to run, and `busy_*` count replicas running a batch.
        self.batched: BatchedServing | None = None

    def drop_idle(self, slot_id: int) -> None:
        """An idle slot goes down or leaves (rare): its id leaves the heap."""
        self.idle.remove(slot_id)
        heapq.heapify(self.idle)

    @property
    def busy(self) -> int:
        return self.busy_contracted + self.busy_rented

    @property
    def capacity(self) -> int:
        """Slots that can take a new task now (not down, not released)."""
        return self.up_contracted + self.serving_rented

    @property
    def rented_count(self) -> int:
        """Rented slots present or on their way, not counting those already released."""
        return self.pending_rentals + self.serving_rented

    def account(self, now: int) -> None:
        """Integrate queue length and slot use up to `now`; call before any of them changes."""
        dt = now - self.accounted_to
        if dt:
            self.queue_area += len(self.queue) * dt
            self.busy_contracted_area += self.busy_contracted * dt
            self.busy_rented_area += self.busy_rented * dt
            self.up_contracted_area += self.up_contracted * dt
            self.present_rented_area += self.present_rented * dt
            self.accounted_to = now

    def push(self, task: Task) -> None:
        self._queue_seq += 1
        self.enqueued += 1
        heapq.heappush(self.queue, (task.key, self._queue_seq, task))
        if len(self.queue) > self.queue_max:
            self.queue_max = len(self.queue)

    def queue_position(self, task: Task) -> int:
        """How many queued tasks start before `task` (which has just been pushed, so it holds the last seq)."""
        mark = (task.key, self._queue_seq)
        return sum(1 for entry in self.queue if (entry[0], entry[1]) < mark)

    @property
    def queue_length(self) -> int:
        """Tasks waiting (not running)."""
        return len(self.queue)

    def queue_keys(self) -> list[Key]:
        """The priority keys of the waiting tasks, in no particular order: for rules that look at the queue."""
        return [entry[0] for entry in self.queue]

    def queued_tasks(self) -> list[Task]:
        """Queued tasks in service order."""
        return [entry[2] for entry in sorted(self.queue, key=_entry_order)]


def _entry_order(entry: QueueEntry) -> tuple[Key, int]:
    return entry[0], entry[1]
