"""The world's read-only face for the game: what a screen may ask, answered by the rule that decides it.

The HUD, the floor and the alerts read the world only through these functions and names, never through its
queues' heap tuples or its slot counters, and never re-derive a rule (mods have their own face, `factory_game.api`).
Each answer comes from the module that owns the rule: the prompt line and the predicted wait from `sim/prompt.py`,
the slot counts from what `sim/capacity.py` keeps. Nothing here changes the world.

The wait bar. A waiting task's bar shows its *predicted* wait (by its place in the queue) against the prompt line,
`wait_fraction`: the very figure and line the prompt compares, so a full bar means the customer is, or has been,
asked. It falls as the queue moves forward and rises when capacity goes. (Elapsed wait would be a different number
from the one that decides the prompt.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from factory_game.sim import capacity, entities, incidents, prompt, spot
from factory_game.sim.events import Event, Kind

if TYPE_CHECKING:
    from factory_game.sim.entities import Task
    from factory_game.sim.world import World

__all__ = [
    "CustomerState", "Event", "Kind", "SlotCounts", "SlotState", "TaskState", "customer_counts", "multiplier",
    "over_the_line", "predicted_wait_ms", "prompt_limit_ms", "queue_changes", "queue_length", "queued_tasks",
    "rent_room", "slot_counts", "task_counts", "task_wait_ms", "wait_fraction",
]


class TaskState:
    """A task's `state`, as the simulation spells it."""

    PENDING = entities.PENDING  # outside with its customer, over the tier cap
    QUEUED = entities.QUEUED  # admitted, waiting for a slot
    RUNNING = entities.RUNNING  # at a station
    DONE = entities.DONE
    FAILED = entities.FAILED
    ABANDONED = entities.ABANDONED  # dropped after a "no" to the wait prompt
    LOST = entities.LOST  # never admitted: the budget could not cover the hold
    IN_FLIGHT = (QUEUED, RUNNING)  # what the tier cap counts


class CustomerState:
    """A customer's `state`."""

    INSIDE = entities.INSIDE
    ASKED = entities.ASKED  # the wait prompt is out
    LEAVING = entities.LEAVING  # said no or ran out of budget


class SlotState:
    """A slot's (station's) `state`."""

    IDLE = entities.IDLE
    BUSY = entities.BUSY
    DOWN = entities.DOWN  # an outage took it
    LEAVING = entities.LEAVING_SLOT  # released, finishing its task


class SlotCounts(NamedTuple):
    """A model's slots now."""

    busy: int  # running a task (released ones finishing theirs included)
    serving: int  # can take a task: contracted ones not down, rented ones not released
    rented: int  # rented and serving (what a release can give back)
    on_order: int  # rented, ordered, not yet arrived
    down: int  # taken by an outage


# ------------------------------------------------------------------------------------------------------ the prompt
def multiplier(world: World) -> float:
    """The level's prompt multiplier: the line is this many times a model's mean task time."""
    return world.prompt_multiplier  # the level's, or what the wait-question lever set


def prompt_limit_ms(world: World, model_id: str) -> float:
    """The prompt line of a model: past this predicted wait a customer waiting there is asked."""
    return world.prompt.limit_ms(model_id)


def predicted_wait_ms(world: World, model_id: str, position: int | None = None) -> float:
    """Expected queue wait of the task at `position` in service order (0 = next; default: a task arriving now).
    `inf` when the model has no serving slot."""
    return prompt.predicted_wait_ms(world.models[model_id], position)


def over_the_line(world: World, model_id: str) -> bool:
    """Whether a task arriving now would be predicted to wait past the prompt line."""
    return predicted_wait_ms(world, model_id) > prompt_limit_ms(world, model_id)


def wait_fraction(world: World, model_id: str, position: int) -> float:
    """What the wait bar shows for the task at `position` in a model's queue: its predicted wait over the prompt
    line, 0 (starts now) to 1 (at the line; a customer predicted past it is asked)."""
    limit = prompt_limit_ms(world, model_id)
    if limit <= 0:
        return 0.0
    return min(1.0, predicted_wait_ms(world, model_id, position) / limit)


def task_wait_ms(world: World, task: Task) -> float | None:
    """The predicted wait of a queued task, by its place in its queue; None if it is not queued."""
    if task.state != entities.QUEUED:
        return None
    for position, queued in enumerate(queued_tasks(world, task.model)):
        if queued is task:
            return predicted_wait_ms(world, task.model, position)
    return None


# ------------------------------------------------------------------------------------------------------ queues
def queued_tasks(world: World, model_id: str) -> list[Task]:
    """The tasks waiting at a model, in the order they will start."""
    return world.models[model_id].queued_tasks()


def queue_length(world: World, model_id: str) -> int:
    return world.models[model_id].queue_length


def queue_changes(world: World, model_id: str) -> tuple[int, int]:
    """A value that changes whenever a task joins or leaves a model's queue (for caching what is drawn from it)."""
    m = world.models[model_id]
    return m.enqueued, len(m.queue)


# ------------------------------------------------------------------------------------------------------ counts
def slot_counts(world: World, model_id: str) -> SlotCounts:
    m = world.models[model_id]
    down = sum(1 for slot in m.slots if slot.state == entities.DOWN)
    return SlotCounts(busy=m.busy, serving=m.capacity, rented=m.serving_rented, on_order=m.pending_rentals,
                      down=down)


def rent_room(world: World, model_id: str) -> int:
    """How many more slots the player may order on a model now."""
    return capacity.rent_room(world.models[model_id])


def task_counts(world: World, model_id: str | None = None) -> dict[str, int]:
    """Tasks of the customers present, by state (every state listed, zeros included); one model's or all."""
    counts = dict.fromkeys((TaskState.PENDING, TaskState.QUEUED, TaskState.RUNNING, TaskState.DONE,
                            TaskState.FAILED, TaskState.ABANDONED, TaskState.LOST), 0)
    for customer in world.customers.values():
        for task in customer.tasks:
            if model_id is None or task.model == model_id:
                counts[task.state] += 1
    return counts


def customer_counts(world: World) -> dict[str, int]:
    """Customers present, by state."""
    counts = dict.fromkeys((CustomerState.INSIDE, CustomerState.ASKED, CustomerState.LEAVING), 0)
    for customer in world.customers.values():
        counts[customer.state] += 1
    return counts


# ------------------------------------------------------------------------- the spot market and incidents (issue 16)
# Without a `[spot]` table a rental costs the model's list price and the stock never runs out; without
# `[incidents]` none ever opens. The answers come from `sim/spot.py` and `sim/incidents.py`.
__all__ += ["incidents_seen", "open_incidents", "spot_available", "spot_factor", "spot_forecast", "spot_history",
            "spot_price_cents", "spot_sold_out"]


def spot_factor(world: World) -> float | None:
    """The spot price now as a factor of each model's list rent price; None when the level has no spot market."""
    return None if world.spot is None else world.spot.factor()


def spot_price_cents(world: World, model_id: str) -> int:
    """What a slot-hour of `model_id` rented now costs (the list price without a spot market)."""
    spec = world.models[model_id].spec
    return spec.rent_price_cents if world.spot is None else world.spot.price_cents(spec)


def spot_available(world: World) -> int | None:
    """Spot slots left to rent now, across the upstream; None: no limit (no spot market)."""
    return None if world.spot is None else world.spot.available()


def spot_sold_out(world: World) -> bool:
    """Whether renting is refused now because the spot market has no slot left."""
    return world.spot is not None and world.spot.available() == 0


def spot_history(world: World) -> list[tuple[int, float]]:
    """The spot price factor of the last two hours, one (time ms, factor) a minute, oldest first: a sparkline."""
    return [] if world.spot is None else list(world.spot.history)


def spot_forecast(world: World, minutes: int) -> spot.Forecast | None:
    """The spot price factor `minutes` ahead with River's rentals as they are: median and 90 % band, from the
    market's own parameters and the level's demand curve (not from its future draws)."""
    return None if world.spot is None else world.spot.forecast(world.now, minutes)


def open_incidents(world: World) -> list[incidents.Incident]:
    """Incidents waiting for an answer (`AnswerIncident(id, choice)`), oldest first: each has `kind`, `at_ms`,
    `deadline_ms`, `choices`, `default` and its drawn `params` (sizes, the model or content type it concerns)."""
    return [] if world.incidents is None else world.incidents.open_now()


def incidents_seen(world: World) -> list[incidents.Incident]:
    """Every incident opened so far, answered or not (`choice`, and `by`: "player" or "default")."""
    return [] if world.incidents is None else list(world.incidents.opened.values())
