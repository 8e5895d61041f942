"""The wait prompt: River asks a queued customer whether they still want to wait (docs/engine.md "The wait prompt").

The rule, whole, in this module:
- the estimator (`predicted_wait_ms`): the expected queue wait of the task at a position in a model's queue;
- the line (`prompt_limit_ms`): the level's `[prompt] multiplier` times the model's mean task time (3x by default);
- the promise rule (`maybe_ask`): ask when the predicted wait of a customer's task passes the line; a "yes" is a
  promise, asked again only if the predicted start slips past the accepted one by another full line;
- the sweep (`sweep`): every `check_every_ms` and after an outage, every queued customer's wait is predicted again;
- the answer (`on_answer`): the customers' rule (`Rules.answer_prompt`) decides, after the dispatcher's walk.
A task's wait is checked when it joins a queue (the world calls `maybe_ask`) and at each sweep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.sim.entities import ASKED, INSIDE
from factory_game.sim.events import FAST_KIND
from factory_game.sim.spec import LevelSpec, ModelSpec

if TYPE_CHECKING:
    from factory_game.sim.entities import Customer, ModelState
    from factory_game.sim.world import World

SHOWN_WAIT_CAP_MS = 10**12  # an unbounded wait (no serving slot) is shown and answered as this many ms


def prompt_limit_ms(spec: LevelSpec, model: ModelSpec) -> float:
    """The line: past this predicted wait (ms) a customer waiting at `model` is asked."""
    return spec.prompt.multiplier * model.mean_service_ms


def prompts_on(spec: LevelSpec) -> bool:
    """Whether this level asks at all (a multiplier of 0 switches the prompt off, as `enabled = false` does)."""
    return spec.prompt.enabled and spec.prompt.multiplier > 0


def predicted_wait_ms(m: ModelState, position: int | None = None) -> float:
    """Expected queue wait of the task at `position` (0 = next to start; default: a task arriving now).

    Estimator: with c serving slots all busy, the k-th task in line (0-based) starts after k+1 departures;
    departures come at rate c/m (m = mean service time), so the wait is (k+1)·m/c. Exact for exponential
    service, a fair estimate otherwise. A free slot means no wait; no serving slot means an unbounded wait.
    """
    if position is None:
        position = len(m.queue)
    idle = len(m.idle)
    if position < idle:
        return 0.0
    serving = m.up_contracted + m.serving_rented
    if serving == 0:
        return float("inf")
    return (position - idle + 1) * m.spec.service.mean / serving


def maybe_ask(world: World, customer: Customer, m: ModelState, predicted: float) -> None:
    """Ask past the line. A "yes" is a promise: the customer is asked again only if the predicted start slips past
    the one they accepted by another full line."""
    limit = world._prompt_limits[m.id]
    if customer.promised_start is None:
        if predicted <= limit:
            return
    elif world.calendar.now + predicted <= customer.promised_start + limit:
        return
    customer.state = ASKED
    world.metrics.prompts += 1
    shown = min(predicted, SHOWN_WAIT_CAP_MS)
    if world._listeners:
        world._emit(FAST_KIND.PROMPT, customer=customer.id, model=m.id, info=str(round(shown)))
    world.calendar.after(world.spec.prompt.answer_delay_ms, on_answer, (world, customer, shown))


def on_answer(arg: tuple[World, Customer, float]) -> None:
    """The dispatcher has walked over: the customer answers. Yes: they keep waiting, with a promised start.
    No: they leave, their queued tasks with them (`World._abandon`)."""
    world, customer, predicted = arg
    if customer.state != ASKED:
        return
    yes = bool(world.rules.answer_prompt(world, customer, predicted))
    if world._listeners:
        world._emit(FAST_KIND.ANSWER, customer=customer.id, ok=yes)
    if yes:
        world.metrics.prompt_yes += 1
        customer.state = INSIDE
        customer.promised_start = world.calendar.now + round(predicted)
        if customer.in_flight == 0:
            world._admit_pending(customer)
        return
    world.metrics.prompt_no += 1
    world._abandon(customer)


def sweep(world: World) -> None:
    """Predict every queued customer's wait again, in each queue's service order."""
    customers = world.customers
    for m in world.models.values():
        if not m.queue:
            continue
        for position, entry in enumerate(sorted(m.queue, key=lambda e: (e[0], e[1]))):
            customer = customers.get(entry[2].customer_id)
            if customer is not None and customer.state == INSIDE:
                maybe_ask(world, customer, m, predicted_wait_ms(m, position))
