"""The manager's figures, read-only: what a rental or a lever is worth now, what is on its way, what the day ahead
looks like. The HUD's manager panels show these; the tests check them; nothing here changes the world. Formulas are
documented in docs/game.md ("The manager's panels").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factory_game.sim.arrivals import piece_index, rate_schedule
from factory_game.sim.capacity import contract_price_cents
from factory_game.sim.clock import HOUR
from factory_game.sim.commands import (
    CloseTier,
    Command,
    ReleaseIdle,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.entities import IDLE
from factory_game.sim.market import OFFER_PATIENCE

if TYPE_CHECKING:
    from factory_game.sim.world import World

# ------------------------------------------------------------------------------------------------------- money
def revenue_per_task_cents(world: World, model_id: str) -> float:
    """What a task on this model brings now: its content types' prices (by the level's weights), with the priority
    surcharge on the share who buy the pack."""
    model = world.models[model_id]
    weights = {c: w for c, w in world.spec.arrivals.content if c in model.spec.content}
    total = sum(weights.values())
    if total <= 0:  # a model no arrival asks for: the plain mean of its prices
        weights = {c: 1.0 for c in model.spec.content}
        total = float(len(weights))
    price = sum(world.prices.get(c, 0) * w for c, w in weights.items()) / total
    return price * (1 + world.market.surcharge * world.market.priority_share())


def margin_per_busy_slot_hour_cents(world: World, model_id: str) -> float:
    """A rented slot kept busy for an hour: the tasks it makes in that hour (1 h / mean task time) times the
    revenue per task, minus its rent."""
    spec = world.models[model_id].spec
    tasks_per_hour = HOUR / spec.mean_service_ms if spec.mean_service_ms else 0.0
    return tasks_per_hour * revenue_per_task_cents(world, model_id) - spec.rent_price_cents


def next_hour_cost_cents(world: World, model_id: str) -> int:
    """Upstream cost of the next hour at today's slots: contracted slots, rented ones present and those on order,
    each at its own price (spot or contract)."""
    m = world.models[model_id]
    spec = m.spec
    present = sum(slot.price_cents for slot in m.slots if slot.rented and not slot.release_requested)
    ordered = sum(order.price_cents for order in world.capacity.orders(model_id))
    return spec.slot_cost_cents * spec.slots + present + ordered


def orders_in_transit(world: World, model_id: str) -> list[tuple[int, int]]:
    """Rented and contract slots ordered and not yet arrived, as (count, arrival time ms), soonest first: what
    capacity keeps (`Capacity.orders`), slots arriving at the same moment counted together."""
    arrivals = Counter(order.arrive_at for order in world.capacity.orders(model_id))
    return [(count, at) for at, count in sorted(arrivals.items())]


def paid_until_ms(world: World, model_id: str) -> list[int]:
    """For each rented slot serving now, the end of its paid minimum or its contract's period (releasing a spot slot
    before then saves nothing; a contract slot leaves then), soonest first."""
    m = world.models[model_id]
    return sorted(slot.arrived_at + (slot.committed_ms or m.spec.min_rental_ms) for slot in m.slots
                  if slot.rented and not slot.release_requested)


# ------------------------------------------------------------------------------------------------------ forecast
@dataclass(frozen=True)
class Marker:
    """A scheduled event the briefing announced, on the forecast's timeline."""

    at_ms: int
    end_ms: int
    kind: str  # spike, outage, price
    factor: float = 0.0  # a spike's demand factor
    model: str = ""  # an outage's model (an id: the game says its name) and how many slots it takes
    slots: int = 0


FORECAST_POINTS = 48
LONG_LEVEL_MS = 8 * HOUR  # past this (the sandbox), the forecast shows a window around now instead of the whole day


def forecast_window(world: World) -> tuple[int, int]:
    """The stretch of time the forecast shows: the whole level, or for a long one the hour behind and three ahead."""
    end = world.spec.duration_ms
    if end <= LONG_LEVEL_MS:
        return 0, end
    start = max(0, world.now - HOUR)
    return start, start + 4 * HOUR


def demand_curve(world: World, happy_last_hour: int) -> list[tuple[int, float]]:
    """Expected arrivals per hour at FORECAST_POINTS times across `forecast_window`: the level's rate with its
    announced spikes, times today's demand factor (price and reputation), plus, from now on, the returning
    customers expected (`expected_returns_per_hour`)."""
    start, end = forecast_window(world)
    pieces = rate_schedule(world.spec)
    returns = expected_returns_per_hour(world, happy_last_hour)
    out = []
    for i in range(FORECAST_POINTS):
        t = start + (end - start) * i // FORECAST_POINTS
        rate = 0.0
        for piece in pieces:
            if piece.start_ms <= t:
                rate = piece.per_hour
        out.append((t, rate * world.market.demand + (returns if t >= world.now else 0.0)))
    return out


def expected_returns_per_hour(world: World, happy_last_hour: int) -> float:
    """Returning customers expected per hour over the next hour or so: the customers who left happy in the last
    hour, times the return probability as reputation has it now (they come back about `return_after` later)."""
    return world.market.return_probability() * happy_last_hour


def markers(world: World) -> list[Marker]:
    out = []
    for event in world.spec.events:
        if event.kind == "spike":
            out.append(Marker(event.at_ms, event.at_ms + event.duration_ms, "spike", factor=event.factor))
        elif event.kind == "outage":
            out.append(Marker(event.at_ms, event.at_ms + event.duration_ms, "outage", model=event.model,
                              slots=event.slots))
        elif event.kind == "price":
            out.append(Marker(event.at_ms, event.at_ms, "price"))
    return out


# --------------------------------------------------------------------------------------------- a lever's effect
def lever_effect(world: World, command: Command) -> tuple[str, dict[str, str | int | float]] | None:
    """What pulling a lever is expected to do, read *before* it is applied: a key of the string tables' `[effect]`
    table and its values (demand answering a price, the pack's buyers answering its price, the waiting tasks a
    raised cap lets in, the customers a closed door turns away, the money a contract commits or a release saves).
    None when the lever has no effect worth saying. Estimates from today's state, not a forecast of the day."""
    market = world.market
    if isinstance(command, SetPrice):
        if market.spec.elasticity <= 0:
            return "price_flat", {}
        prices = {**market.seen_prices(), command.content: command.cents}
        after = market.price_factor_at(prices)
        before = market.price_factor_at(market.seen_prices())
        return "price", {"demand": round(after / before, 2) if before > 0 else 0.0}
    if isinstance(command, SetSurcharge):
        return "pack", {"share": round(market.priority_share_at(command.percent / 100, market.priority_on_sale) * 100)}
    if isinstance(command, SetPrioritySales):
        return "pack", {"share": round(market.priority_share_at(market.surcharge, bool(command.on)) * 100)}
    if isinstance(command, SetCap):
        room = 0
        for customer in world.customers.values():
            if customer.tier == command.tier:
                waiting = len(customer.tasks) - customer.next_pending
                room += min(waiting, max(0, command.cap - customer.in_flight))
        return ("cap_admits", {"n": room}) if room else ("cap_holds", {})
    if isinstance(command, CloseTier):
        if command.minutes == 0:
            return None
        pieces = rate_schedule(world.spec)
        rate = pieces[piece_index(pieces, world.now)].per_hour * market.demand
        weights = dict(market.tier_weights)  # the mix arriving now (price moves it where tiers differ)
        share = weights.get(command.tier, 0.0) / (sum(weights.values()) or 1.0)
        return "door", {"n": round(rate * share * command.minutes / 60)}
    if isinstance(command, SetPromptMultiplier):
        model = next(iter(world.models.values()))
        return "prompt", {"model": model.id, "minutes": round(command.multiplier * model.spec.mean_service_ms / 60_000)}
    if isinstance(command, SetWaitOffer):
        return "offer", {"patience": round(1 + OFFER_PATIENCE * command.percent / 100, 2)}
    if isinstance(command, SignContract):
        spec = world.models[command.model].spec
        hourly = contract_price_cents(world.spec.market, spec) * command.count
        hours = world.spec.market.contract_period_ms / HOUR
        return "contract", {"hourly": hourly, "total": round(hourly * hours), "hours": f"{hours:g}"}
    if isinstance(command, ReleaseIdle):
        m = world.models[command.model]
        idle = [s for s in m.slots if s.rented and not s.committed_ms and s.state == IDLE]
        return "release", {"hourly": sum(s.price_cents for s in idle[command.keep:])}
    return None
