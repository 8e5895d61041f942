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

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from factory_game.sim import capacity, entities, incidents, prompt, spot
from factory_game.sim.batching import BatchServer
from factory_game.sim.commands import Rent, SignContract
from factory_game.sim.events import Event, Kind

if TYPE_CHECKING:
    from factory_game.sim.entities import Customer, Slot, Task
    from factory_game.sim.levers import Lever
    from factory_game.sim.world import World

__all__ = [
    "CONTRACT", "CustomerState", "Event", "Kind", "MarketState", "Money", "Order", "RENTAL", "SlotCounts",
    "SlotState", "TaskState", "angry_causes", "autopilot_on", "caps", "contract_price_cents", "customer",
    "customer_counts", "customers", "door_closed", "happy_visits", "is_contract", "lever_step", "lever_value",
    "levers", "market_state", "model_ids",
    "money", "multiplier", "orders", "over_the_line", "predicted_wait_ms", "prices", "prompt_limit_ms",
    "queue_changes", "queue_length", "queued_tasks", "recent_series", "rent_room", "routed", "settle_costs",
    "slot", "slot_counts", "slots", "summary", "task_counts", "task_wait_ms", "wait_fraction",
]

RENTAL = "rent"  # an order's kind: a spot rental (released at will)
CONTRACT = "contract"  # a slot on contract (billed for its whole period, cannot be released)


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
    """A model's slots now. Extra slots are spot rentals or contracts: only rentals can be released."""

    busy: int  # running a task (released ones finishing theirs included)
    serving: int  # can take a task: the level's own not down, extra ones not released
    rented: int  # spot-rented and serving (what a release can give back)
    on_order: int  # extra slots ordered, not yet arrived (rentals and contracts)
    down: int  # taken by an outage
    contracted: int = 0  # on contract and serving (they leave by themselves when the period ends)
    leaving: int = 0  # released, finishing their task (busy, not serving)
    contract_until: int | None = None  # when the first serving contract ends (simulated ms)
    idle_rented: int = 0  # spot-rented, serving and idle (a release gives these back at once)


class Order(NamedTuple):
    """Extra slots on their way to a model: `slots` of one `kind` (RENTAL or CONTRACT) arriving at `arrive_at`."""

    kind: str
    slots: int
    arrive_at: int


class Money(NamedTuple):
    """The books now, in cents."""

    cash: int
    revenue: int
    upstream: int  # what River paid upstream (slots)
    profit: int


class MarketState(NamedTuple):
    """The levers' current settings and the market's response, as the manager's panels show them."""

    reputation: float
    demand: float  # the arrival rate's factor from price and reputation
    surcharge: float  # the priority pack's surcharge, a share of the price
    priority_share: float  # the share of arrivals buying the pack at that surcharge
    priority_on_sale: bool
    wait_offer: float  # the discount offered with the wait question, a share of the price
    closed_until: Mapping[str, int]  # tier -> simulated ms its door is closed until


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
def is_contract(slot: Slot) -> bool:
    """Whether an extra slot is on contract (it cannot be released) rather than a spot rental."""
    return slot.rented and slot.committed_ms > 0


def slot_counts(world: World, model_id: str) -> SlotCounts:
    m = world.models[model_id]
    down = contracted = leaving = idle_rented = 0
    contract_until: int | None = None
    for slot in m.slots:
        if slot.state == entities.DOWN:
            down += 1
        elif slot.state == entities.LEAVING_SLOT:
            leaving += 1
        elif is_contract(slot):
            contracted += 1
            end = slot.arrived_at + slot.committed_ms
            contract_until = end if contract_until is None else min(contract_until, end)
        elif slot.rented and slot.state == entities.IDLE:
            idle_rented += 1
    return SlotCounts(busy=m.busy, serving=m.capacity, rented=m.serving_rented - contracted,
                      on_order=m.pending_rentals, down=down, contracted=contracted, leaving=leaving,
                      contract_until=contract_until, idle_rented=idle_rented)


def orders(world: World, model_id: str) -> list[Order]:
    """The extra slots on their way to a model, soonest first: each accepted `rent` arrives after the model's lead
    time, each signed contract after the level's contract lead time (the world schedules them so)."""
    lead = {RENTAL: world.spec.model(model_id).lead_time_ms, CONTRACT: world.spec.market.contract_lead_ms}
    waiting = world.models[model_id].pending_rentals
    found: list[Order] = []
    for record in reversed(world.commands):
        if not waiting:
            break
        command = record.command
        if not record.ok or not isinstance(command, (Rent, SignContract)) or command.model != model_id:
            continue
        kind = RENTAL if isinstance(command, Rent) else CONTRACT
        arrive_at = record.time + lead[kind]
        if arrive_at >= world.now:
            found.append(Order(kind, command.count, arrive_at))
    found.sort(key=lambda order: order.arrive_at)
    # an order due exactly now may have arrived already: the world's count of slots on order decides
    extra = sum(order.slots for order in found) - waiting
    while extra > 0 and found:
        first = found[0]
        taken = min(extra, first.slots)
        found[0] = first._replace(slots=first.slots - taken)
        extra -= taken
        if not found[0].slots:
            found.pop(0)
    return found


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


# ------------------------------------------------------------------------------------------------------ the floor
def model_ids(world: World) -> list[str]:
    """The level's models, in the level's order."""
    return list(world.models)


def customers(world: World) -> Mapping[int, Customer]:
    """The customers present, by id, oldest first (read-only)."""
    return MappingProxyType(world.customers)


def customer(world: World, customer_id: int) -> Customer | None:
    return world.customers.get(customer_id)


def slots(world: World) -> Mapping[int, Slot]:
    """Every slot present (stations), by id (read-only)."""
    return MappingProxyType(world.slots)


def slot(world: World, slot_id: int) -> Slot | None:
    return world.slots.get(slot_id)


def slot_iter(world: World, model_id: str) -> Iterator[Slot]:
    """A model's slots present, in the order they joined."""
    return iter(world.models[model_id].slots)


# ------------------------------------------------------------------------------------------------------ money
def replica_batch(world: World, slot: Slot) -> tuple[int, int] | None:
    """A batched model's replica (docs/engine.md "Batched serving"): (requests it holds, its max batch); None for a
    slot of the slot model, which holds at most its one task."""
    batched = world.models[slot.model].batched
    if not isinstance(batched, BatchServer):
        return None
    return batched.held(slot.id), batched.spec.max_batch


def money(world: World) -> Money:
    ledger = world.ledger
    return Money(ledger.cash_cents, ledger.revenue_cents, ledger.upstream_cents, ledger.profit_cents)


def settle_costs(world: World) -> None:
    """Book the upstream costs accrued up to now (what a run does before its final summary); bookkeeping only,
    nothing the simulation does next depends on it."""
    world.settle_costs()


def summary(world: World) -> dict[str, Any]:
    """The run's metrics so far, as the report and the goals read them (costs booked up to the last tick)."""
    return world.summary()


def recent_series(world: World, since_ms: int) -> list[dict[str, Any]]:
    """The per-minute samples the charts draw, from `since_ms` on."""
    return [point for point in world.metrics.series if point["t"] >= since_ms]


def angry_causes(world: World) -> dict[str, int]:
    """Angry visits so far, by cause, in the causes' declared order."""
    return {cause: world.metrics.angry_causes[cause] for cause in entities.ANGER_CAUSES}


def happy_visits(world: World) -> int:
    """Visits that ended happy so far (what expected returns are reckoned from)."""
    return world.metrics.happy


# ------------------------------------------------------------------------------------------------------ levers
def autopilot_on(world: World) -> bool:
    return world.autopilot_enabled


def prices(world: World) -> dict[str, int]:
    """The list price of each kind of content now, in cents."""
    return dict(world.prices)


def routed(world: World, content_id: str) -> bool:
    """Whether some model on this level makes this kind of content."""
    return content_id in world.route


def caps(world: World) -> dict[str, int]:
    """Each tier's cap on tasks in flight now, in the level's tier order."""
    return dict(world.caps)


def contract_price_cents(world: World, model_id: str) -> int:
    """What a slot-hour on contract costs on a model."""
    return capacity.contract_price_cents(world.spec.market, world.spec.model(model_id))


def door_closed(world: World, tier: str) -> bool:
    """Whether a tier's door is closed to new arrivals now."""
    return world.market.door_closed(tier, world.now)


def customer_traits(world: World, tier: str, priority: bool) -> tuple[float, float] | None:
    """What a customer of `tier` (with the pack or not) answers to: (price sensitivity, how much a late delivery
    costs them: the tier's lateness, times `priority_waiting` with the pack); None on a level whose customers all
    answer alike (no `[tier_traits]`, `priority_waiting` 1)."""
    spec = world.spec
    if not spec.tier_traits and spec.priority_waiting == 1.0:
        return None
    traits = spec.traits(tier)
    return traits.price_sensitivity, traits.lateness * (spec.priority_waiting if priority else 1.0)


def market_state(world: World) -> MarketState:
    market = world.market
    return MarketState(reputation=market.reputation, demand=market.demand, surcharge=market.surcharge,
                       priority_share=market.priority_share(), priority_on_sale=market.priority_on_sale,
                       wait_offer=market.wait_offer, closed_until=MappingProxyType(market.closed_until))


def levers(world: World) -> list[tuple[Lever, str | None]]:
    """The levers this level lets the player move, one row per key (content, tier, model), in the table's order."""
    return world.market.levers()


def lever_value(world: World, name: str, key: str | None = None) -> float:
    """What a lever is set to now (a price in cents, a cap, a door's minutes left...)."""
    return world.market.lever_value(name, key)


def lever_step(world: World, lever: Lever, key: str | None, direction: int) -> float | None:
    """The lever's value one panel click up (+1) or down (-1), or None at the edge of its range."""
    return world.market.step(lever, key, direction)

# ------------------------------------------------------------------------- the spot market and incidents (issue 16)
# Without a `[spot]` table a rental costs the model's list price and the stock never runs out; without
# `[incidents]` none ever opens. The answers come from `sim/spot.py` and `sim/incidents.py`.
__all__ += ["incident_texts", "incidents_seen", "open_incidents", "spot_available", "spot_factor", "spot_forecast",
            "spot_history", "spot_price_cents", "spot_sold_out"]


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


def incident_texts(world: World, kind: str) -> Mapping[str, Mapping[str, str]] | None:
    """A mod's incident kind's own words ("title", "body", one per choice, each by language); None for a built-in
    kind (its words are the `[incident]` strings)."""
    kinds = world.incidents.kinds if world.incidents is not None else {}
    return kinds[kind].texts if kind in kinds else None


def incidents_seen(world: World) -> list[incidents.Incident]:
    """Every incident opened so far, answered or not (`choice`, and `by`: "player" or "default")."""
    return [] if world.incidents is None else list(world.incidents.opened.values())


def last_refusal(world: World) -> tuple[str, dict[str, str | int]]:
    """The newest command's refusal as a reason code and its values (`CommandRejected`), for the player's words:
    read when the world announces a refused command (a `command` event with `ok` false)."""
    record = world.commands[-1] if world.commands else None
    if record is None or record.ok:
        return "", {}
    return record.code, dict(record.values)


def commands_given(world: World) -> int:
    """How many commands the world has taken so far, carried out or not (a decision was made since: it grew)."""
    return len(world.commands)
