"""The wait prompt: River asks a queued customer whether they still want to wait (docs/engine.md "The wait prompt").

The rule, whole, in this module:
- the estimator (`predicted_wait_ms`): the expected queue wait of the task at a position in a model's queue;
- the line (`prompt_limit_ms`): the level's `[prompt] multiplier` times the model's mean task time (3x by default);
- the promise rule (`maybe_ask`): ask when the predicted wait of a customer's task passes the line; a "yes" is a
  promise, asked again only if the predicted start slips past the accepted one by another full line;
- the sweep (`sweep`): every `check_every_ms` and after an outage, every queued customer's wait is predicted again;
- the answer (`Prompt._on_answer`): the customers' rule (`Rules.answer_prompt`) decides, after the dispatcher's walk.
A task's wait is checked when it joins a queue (the world calls `maybe_ask`) and at each sweep.
The state (the multiplier, the lines, whether it asks now) is the `Prompt` object's; the world composes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from factory_game.sim.clock import Calendar
from factory_game.sim.entities import ASKED, INSIDE, Customer, ModelState
from factory_game.sim.events import FAST_KIND, Emitter
from factory_game.sim.spec import LevelSpec, ModelSpec

SHOWN_WAIT_CAP_MS = 10**12  # an unbounded wait (no serving slot) is shown and answered as this many ms


def prompt_limit_ms(spec: LevelSpec, model: ModelSpec) -> float:
    """The line at the level's own multiplier: past this predicted wait (ms) a customer waiting at `model` is asked."""
    return line_ms(spec.prompt.multiplier, model)


def line_ms(multiplier: float, model: ModelSpec) -> float:
    """The line at `multiplier`: that many times the model's mean task time."""
    return multiplier * model.mean_service_ms


def prompts_on(spec: LevelSpec) -> bool:
    """Whether this level asks at all (a multiplier of 0 switches the prompt off, as `enabled = false` does)."""
    return spec.prompt.enabled and spec.prompt.multiplier > 0


def predicted_wait_ms(m: ModelState, position: int | None = None) -> float:
    """Expected queue wait of the task at `position` (0 = next to start; default: a task arriving now).

    Estimator: with c serving slots all busy, the k-th task in line (0-based) starts after k+1 departures;
    departures come at rate c/m (m = mean service time), so the wait is (k+1)·m/c. Exact for exponential
    service, a fair estimate otherwise. A free slot means no wait; no serving slot means an unbounded wait. A
    batched model's replicas estimate their own (`BatchServer.predicted_wait_ms`).
    """
    if position is None:
        position = len(m.queue)
    if m.batched is not None:
        return m.batched.predicted_wait_ms(position)
    idle = len(m.idle)
    if position < idle:
        return 0.0
    serving = m.up_contracted + m.serving_rented
    if serving == 0:
        return float("inf")
    return (position - idle + 1) * m.spec.service.mean / serving


class PromptCounts(Protocol):
    """Where the prompt counts its questions and answers (the world's `Metrics`)."""

    prompts: int
    prompt_yes: int
    prompt_no: int


class PromptHost(Emitter, Protocol):
    """What the prompt needs of the world: its events, the customers present, the answer rule, and the ways an
    answer goes on (the offer's discount; admit what waits; leave, taking the queued tasks along)."""

    @property
    def customers(self) -> dict[int, Customer]: ...

    def answer_prompt(self, customer: Customer, predicted_ms: float) -> bool: ...

    def kept_waiting(self, customer: Customer) -> None: ...

    def admit_pending(self, customer: Customer) -> None: ...

    def abandon(self, customer: Customer) -> None: ...


class Prompt:
    """The wait prompt's state and rule. `enabled`: the level asks at all (fixed for the run); `multiplier` and
    the per-model `limits` (the lines, ms) move with the lever; `on`: asking now (enabled, multiplier above 0)."""

    def __init__(self, spec: LevelSpec, models: Iterable[ModelSpec], calendar: Calendar, counts: PromptCounts,
                 host: PromptHost) -> None:
        self.spec = spec.prompt
        self.models = tuple(models)
        self.enabled = prompts_on(spec)
        self.on = self.enabled
        self.multiplier = spec.prompt.multiplier
        self.limits = {m.id: prompt_limit_ms(spec, m) for m in self.models}
        self.calendar = calendar
        self.counts = counts
        self.host = host

    def limit_ms(self, model_id: str) -> float:
        """The line of a model now: past this predicted wait a customer waiting there is asked."""
        return self.limits[model_id]

    def refusal(self) -> str | None:
        """Why the multiplier lever cannot move on this level, or None."""
        if self.enabled:
            return None
        why = "enabled = false" if not self.spec.enabled else "multiplier = 0"
        return f"this level asks no wait question ([prompt] {why})"

    def set_multiplier(self, multiplier: float) -> None:
        """The wait-question lever: ask past `multiplier` x each model's mean task time from the next check;
        0 stops asking. Only on a level whose prompt is enabled (see `refusal`)."""
        self.multiplier = multiplier
        self.limits = {m.id: line_ms(multiplier, m) for m in self.models}
        self.on = self.enabled and multiplier > 0

    def maybe_ask(self, customer: Customer, m: ModelState, predicted: float) -> None:
        """Ask past the line. A "yes" is a promise: the customer is asked again only if the predicted start slips
        past the one they accepted by another full line."""
        limit = self.limits[m.id]
        if customer.promised_start is None:
            if predicted <= limit:
                return
        elif self.calendar.now + predicted <= customer.promised_start + limit:
            return
        customer.state = ASKED
        self.counts.prompts += 1
        shown = min(predicted, SHOWN_WAIT_CAP_MS)
        host = self.host
        if host.listeners:
            host.emit(FAST_KIND.PROMPT, customer=customer.id, model=m.id, info=str(round(shown)))
        self.calendar.after(self.spec.answer_delay_ms, self._on_answer, (customer, shown))

    def _on_answer(self, arg: tuple[Customer, float]) -> None:
        """The dispatcher has walked over: the customer answers. Yes: they keep waiting, with a promised start.
        No: they leave, their queued tasks with them (`World.abandon`)."""
        customer, predicted = arg
        if customer.state != ASKED:
            return
        host = self.host
        yes = host.answer_prompt(customer, predicted)
        if host.listeners:
            host.emit(FAST_KIND.ANSWER, customer=customer.id, ok=yes)
        if yes:
            self.counts.prompt_yes += 1
            host.kept_waiting(customer)  # the offer made on asking, if any
            customer.state = INSIDE
            customer.promised_start = self.calendar.now + round(predicted)
            if customer.in_flight == 0:
                host.admit_pending(customer)
            return
        self.counts.prompt_no += 1
        host.abandon(customer)

    def sweep(self, models: Iterable[ModelState]) -> None:
        """Predict every queued customer's wait again, in each queue's service order."""
        customers = self.host.customers
        for m in models:
            if not m.queue:
                continue
            for position, entry in enumerate(sorted(m.queue, key=lambda e: (e[0], e[1]))):
                customer = customers.get(entry[2].customer_id)
                if customer is not None and customer.state == INSIDE:
                    self.maybe_ask(customer, m, predicted_wait_ms(m, position))
