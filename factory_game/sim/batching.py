"""Batched serving: a model whose replicas run continuous batching (docs/engine.md, "Batched serving").

A batched model's slots are replicas. Each replica runs this loop, one step at a time, as vLLM's default scheduler
does without chunked prefill:
1. at a step boundary, admit queued requests in queue order while the batch has room (`max_batch`) and their prompt
   plus output tokens fit the KV-cache cap (`max_batch_tokens`); the head of the line waits when it does not fit
   (first come, first served: nobody skips it), except that an empty replica always takes it;
2. if any were admitted, one prefill step reads their prompts (`prefill(their prompt tokens)` ms) while the requests
   already running wait; at its end each admitted request has its first token;
3. else, if requests are running, one decode step: each writes one token (`decode(batch size)` ms); those with all
   their output written finish at its end;
4. else the replica is idle (in `ModelState.idle`) until a request is queued.
Replicas share the model's queue: a new request goes to an idle replica when there is one, else it waits for the
first busy replica to reach a step boundary (a perfectly pooled queue, as River's slots have).

A replica's steps chain in integer microseconds (a decode step is 10-40 ms: whole-ms steps would be off by up to
5 %); each step's end is put on the calendar at the next whole millisecond, and a request that arrived after the
step's exact end (within that millisecond) waits for the next boundary, as it would in continuous time. Time to
first token (TTFT) runs from a request's admission to the end of its prefill step; time per output token (TPOT) from
its first token to its last, over its other output tokens.
Not modelled: preemption, chunked prefill, prefix caching, attention time growing with the context.
"""

from __future__ import annotations

import heapq
import math
import random
from array import array
from typing import Any, Protocol

from factory_game.sim.capacity import Capacity
from factory_game.sim.clock import Calendar
from factory_game.sim.entities import BUSY, DOWN, IDLE, LEAVING_SLOT, RUNNING, ModelState, Slot, Task
from factory_game.sim.events import FAST_KIND, Emitter
from factory_game.sim.spec import BatchingSpec

MS = 1000  # microseconds


class ServingHost(Emitter, Protocol):
    """What the replicas need of the world: the end of a request (delivered, retried or refunded there)."""

    def end_attempt(self, task: Task, failed: bool, reason: str) -> None: ...


class _Request:
    """A request on a replica: its task, its tokens (the KV cache it reserves: prompt + output), the output tokens
    still to write (a failing one stops early), when its first token came (us)."""

    __slots__ = ("task", "prompt", "output", "left", "first_us", "failed")

    def __init__(self, task: Task, prompt: int, output: int, left: int, failed: bool) -> None:
        self.task = task
        self.prompt = prompt
        self.output = output
        self.left = left
        self.first_us = 0
        self.failed = failed


class _Replica:
    """One replica's batch: `running` decodes, `joining` is in its prefill step; `step` makes a cut step stale."""

    __slots__ = ("slot", "running", "joining", "tokens", "clock_us", "step")

    def __init__(self, slot: Slot) -> None:
        self.slot = slot
        self.running: list[_Request] = []
        self.joining: list[_Request] = []
        self.tokens = 0  # prompt + output tokens of the requests held (the KV cache they reserve)
        self.clock_us = 0  # when the current step ends
        self.step = 0


class BatchServer:
    """The replicas of one batched model, and the TTFT and TPOT of the requests they delivered."""

    def __init__(self, m: ModelState, spec: BatchingSpec, host: ServingHost, calendar: Calendar,
                 capacity: Capacity, slots: dict[int, Slot], token_rng: random.Random,
                 failure_rng: random.Random) -> None:
        self.m, self.spec, self.host, self.calendar = m, spec, host, calendar
        self.capacity, self.slots = capacity, slots
        self.token_rng, self.failure_rng = token_rng, failure_rng
        self.replicas: dict[int, _Replica] = {}
        self.ttft_us = array("q")  # per delivered request
        self.tpot_us = array("q")  # per delivered request with more than one output token
        self.busy_us = 0  # replica-time in steps
        self.prefill_us = 0  # of which prefill steps
        self.held_us = 0  # requests held x step time: the batch's time-weighted size
        self.tokens_out = 0

    # ------------------------------------------------------------------------------------------ the world's calls
    def wake(self) -> None:
        """The queue or the replicas changed: idle replicas take queued requests (lowest replica id first)."""
        m = self.m
        while m.queue and m.idle:
            slot = self.slots[heapq.heappop(m.idle)]
            replica = self.replicas.get(slot.id)
            if replica is None:
                replica = self.replicas[slot.id] = _Replica(slot)
            replica.clock_us = self.calendar.now * MS
            m.account(self.calendar.now)
            self._set_busy(slot, True)
            self._boundary(replica)

    def outage(self, slot: Slot) -> None:
        """An outage takes the replica down: what it holds fails (retried or refunded); it stays down. The caller
        has accounted the model's time integrals."""
        replica = self.replicas.get(slot.id)
        if slot.state == IDLE or replica is None:
            self.m.drop_idle(slot.id)
            slot.state = DOWN
            return
        self._set_busy(slot, False)
        slot.state = DOWN
        slot.task = None
        replica.step += 1  # the step on the calendar is stale
        held = replica.joining + replica.running
        replica.joining, replica.running, replica.tokens = [], [], 0
        for request in held:
            self.host.end_attempt(request.task, failed=True, reason="outage")

    def held(self, slot_id: int) -> int:
        """Requests the replica holds now (decoding or in its prefill step): its station's occupancy."""
        replica = self.replicas.get(slot_id)
        return len(replica.running) + len(replica.joining) if replica is not None else 0

    def predicted_wait_ms(self, position: int) -> float:
        """Expected queue wait of the request at `position` (0 = next in line): none while the serving replicas'
        batches have room for everyone ahead of it; past that, the requests beyond the room leave at the rate full
        replicas finish requests (max_batch requests every prefill of a mean prompt plus a mean output's decode
        steps at a full batch). The HUD, the wait prompt and the auto-manager read it."""
        spec, m = self.spec, self.m
        serving = [s for s in m.slots if s.state in (IDLE, BUSY)]
        if not serving:
            return float("inf")
        room = 0
        for slot in serving:
            replica = self.replicas.get(slot.id)
            room += spec.max_batch - (len(replica.running) + len(replica.joining) if replica else 0)
        if position < room:
            return 0.0
        request_ms = (spec.prefill.ms(spec.prompt_tokens.mean)
                      + spec.output_tokens.mean * spec.decode.ms(spec.max_batch))
        return (position - room + 1) * request_ms / (len(serving) * spec.max_batch)

    # ----------------------------------------------------------------------------------------------- the loop
    def _boundary(self, replica: _Replica) -> None:
        """A step ended (or an idle replica woke): admit, then prefill, decode or go idle."""
        spec = self.spec
        if replica.slot.state != LEAVING_SLOT:
            self._admit(replica)
        if replica.joining:
            dur_us = _us(spec.prefill.ms(sum(r.prompt for r in replica.joining)))
            self.prefill_us += dur_us
            self._schedule(replica, dur_us, self._prefill_done)
        elif replica.running:
            self._schedule(replica, _us(spec.decode.ms(len(replica.running))), self._decode_done)
        else:
            self._go_idle(replica)

    def _admit(self, replica: _Replica) -> None:
        m, spec, now = self.m, self.spec, self.calendar.now
        room = spec.max_batch - len(replica.running)
        cap = spec.max_batch_tokens
        queue = m.queue
        m.account(now)  # before the queue shrinks
        while queue and room > 0:
            task = queue[0][2]
            queued_us = (task.queued_at or 0) * MS
            if queued_us > replica.clock_us:  # it came after this step's exact end, within its last millisecond
                if replica.running or replica.joining:
                    break  # it joins at the next boundary
                replica.clock_us = queued_us  # an empty replica: as if it had gone idle and woken at its arrival
            prompt, output = self._tokens(task)
            if cap and replica.tokens + prompt + output > cap and (replica.running or replica.joining):
                break  # the head of the line waits for room in the KV cache
            heapq.heappop(queue)
            room -= 1
            replica.tokens += prompt + output
            failed = False
            left = output
            if m.spec.failure_rate > 0 and self.failure_rng.random() < m.spec.failure_rate:
                failed = True  # it breaks somewhere along its output
                left = max(1, round(output * self.failure_rng.random()))
            replica.joining.append(_Request(task, prompt, output, left, failed))
            self._start(task, replica.slot)

    def _start(self, task: Task, slot: Slot) -> None:
        now = self.calendar.now
        task.state = RUNNING
        task.started_at = now
        task.slot_id = slot.id
        task.attempt += 1
        task.end_at = None
        queued_at = task.queued_at
        assert queued_at is not None  # a started task was queued
        task.stats.waits.add(now - queued_at)
        if slot.task is None:
            slot.task = task
        host = self.host
        if host.listeners:
            host.emit(FAST_KIND.START, customer=task.customer_id, task=task.id, model=self.m.id, slot=slot.id,
                      info="batch")

    def _tokens(self, task: Task) -> tuple[int, int]:
        """The request's (prompt, output) tokens: from its log row, else drawn once (a retry keeps them)."""
        tokens = task.tokens
        if tokens is None or tokens[0] is None or tokens[1] is None:
            prompt = tokens[0] if tokens is not None else None
            output = tokens[1] if tokens is not None else None
            if prompt is None:
                prompt = self.spec.prompt_tokens.sample_int(self.token_rng, minimum=1)
            if output is None:
                output = self.spec.output_tokens.sample_int(self.token_rng, minimum=1)
            tokens = task.tokens = (prompt, output)
        return max(0, tokens[0] or 0), max(1, tokens[1] or 1)

    def _schedule(self, replica: _Replica, dur_us: int, then: Any) -> None:
        self.busy_us += dur_us
        self.held_us += dur_us * (len(replica.running) + len(replica.joining))
        replica.clock_us += dur_us
        at_ms = max(self.calendar.now, -(-replica.clock_us // MS))
        self.calendar.at(at_ms, then, (replica, replica.step))

    def _prefill_done(self, arg: tuple[_Replica, int]) -> None:
        replica, step = arg
        if step != replica.step:
            return
        clock = replica.clock_us
        joined, replica.joining = replica.joining, []
        finished: list[_Request] = []
        for request in joined:
            request.first_us = clock
            request.left -= 1
            (finished if request.left == 0 else replica.running).append(request)
        self._finish(replica, finished)

    def _decode_done(self, arg: tuple[_Replica, int]) -> None:
        replica, step = arg
        if step != replica.step:
            return
        finished: list[_Request] = []
        still: list[_Request] = []
        for request in replica.running:
            request.left -= 1
            (finished if request.left == 0 else still).append(request)
        replica.running = still
        self._finish(replica, finished)

    def _finish(self, replica: _Replica, finished: list[_Request]) -> None:
        """Requests that wrote their last token leave (delivered, or failed); then the next step."""
        clock = replica.clock_us
        slot = replica.slot
        for request in finished:
            replica.tokens -= request.prompt + request.output
            task = request.task
            if not request.failed:
                admitted_at = task.admitted_at
                assert admitted_at is not None  # a running task was admitted
                self.ttft_us.append(request.first_us - admitted_at * MS)
                if request.output > 1:
                    self.tpot_us.append(round((clock - request.first_us) / (request.output - 1)))
                self.tokens_out += request.output
        held = replica.running or replica.joining
        slot.task = held[0].task if held else None
        for request in finished:
            self.host.end_attempt(request.task, failed=request.failed, reason="upstream error")
        if slot.state != DOWN:
            self._boundary(replica)

    def _go_idle(self, replica: _Replica) -> None:
        m, slot = self.m, replica.slot
        m.account(self.calendar.now)
        self._set_busy(slot, False)
        slot.task = None
        if slot.state == LEAVING_SLOT:
            del self.replicas[slot.id]
            self.capacity.remove_slot(slot, m)
        else:
            slot.state = IDLE
            heapq.heappush(m.idle, slot.id)

    def _set_busy(self, slot: Slot, busy: bool) -> None:
        """A replica starts or stops running a batch: the model's busy counts (utilisation) follow."""
        delta = 1 if busy else -1
        if slot.rented:
            self.m.busy_rented += delta
        else:
            self.m.busy_contracted += delta
        if busy and slot.state == IDLE:
            slot.state = BUSY

    # ------------------------------------------------------------------------------------------------- summary
    def summary(self) -> dict[str, Any]:
        """`models.<id>` figures of a batched model (`BATCH_METRICS` in sim/metrics.py)."""
        ttft, tpot = sorted(self.ttft_us), sorted(self.tpot_us)
        return {
            "ttft_mean_ms": _ms(sum(ttft) / len(ttft)) if ttft else 0.0,
            "ttft_p50_ms": _ms(_quantile(ttft, 0.50)),
            "ttft_p95_ms": _ms(_quantile(ttft, 0.95)),
            "ttft_p99_ms": _ms(_quantile(ttft, 0.99)),
            "tpot_mean_ms": _ms(sum(tpot) / len(tpot)) if tpot else 0.0,
            "tpot_p50_ms": _ms(_quantile(tpot, 0.50)),
            "tpot_p95_ms": _ms(_quantile(tpot, 0.95)),
            "tpot_p99_ms": _ms(_quantile(tpot, 0.99)),
            "batch_mean": round(self.held_us / self.busy_us, 6) if self.busy_us else 0.0,
            "prefill_share": round(self.prefill_us / self.busy_us, 6) if self.busy_us else 0.0,
            "output_tokens": self.tokens_out,
        }


def _us(ms: float) -> int:
    return max(1, round(ms * MS))


def _ms(us: float) -> float:
    return round(us / MS, 3)


def _quantile(values: list[int], q: float) -> int:
    """Nearest rank, rounded up (as the histograms' quantiles): 0 with no values."""
    return values[math.ceil(q * (len(values) - 1))] if values else 0
