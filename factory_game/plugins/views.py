"""Read-only views a mod's rules are handed instead of the simulation's own objects.

A rule reads the world, a customer, a task; it cannot change them (no setters, no `apply`, no mutable
containers: lists come back as tuples, dicts as read-only mappings). The views are live — they read the objects
underneath at the time of the call — and cost one small object per argument per call (bench/engine.py measures it).
The objects themselves stay out of reach of anything but deliberate digging into private attributes, which is
unsupported.
"""

from __future__ import annotations

from operator import attrgetter
from types import MappingProxyType
from typing import Any

from factory_game.sim.prompt import predicted_wait_ms


def _read_only(what: str):
    """A `__setattr__` that says the view is read-only (instead of "property has no setter")."""
    def refuse(self, name: str, value) -> None:
        raise AttributeError(f"{what} is read-only to mods (tried to set {name!r}); a rule answers, it does not "
                             "change what it is handed")
    return refuse


def _forward(cls: type, names: tuple[str, ...]) -> type:
    for name in names:
        setattr(cls, name, property(attrgetter(f"_of.{name}")))
    return cls


class TaskView:
    """A task, read-only: id, customer_id, content, model, state, requested_at, admitted_at, queued_at, started_at,
    end_at, price_cents, retries_left, attempt, key."""

    __slots__ = ("_of",)
    _of: Any  # the simulation's object, set once in __init__

    def __init__(self, task) -> None:
        object.__setattr__(self, "_of", task)

    __setattr__ = _read_only("a task")

    def __repr__(self) -> str:
        return f"TaskView({self._of!r})"


_forward(TaskView, ("id", "customer_id", "content", "model", "state", "requested_at", "admitted_at", "queued_at",
                    "started_at", "end_at", "price_cents", "retries_left", "attempt", "key"))


class CustomerView:
    """A customer, read-only: id, tier, cap, priority, budget_cents, held_cents, spent_cents, available_cents,
    patience_ms, state, in_flight, arrived_at, visit, promised_start, unhappy; `tasks` is a tuple of TaskViews."""

    __slots__ = ("_of",)
    _of: Any  # the simulation's object, set once in __init__

    def __init__(self, customer) -> None:
        object.__setattr__(self, "_of", customer)

    __setattr__ = _read_only("a customer")

    @property
    def tasks(self) -> tuple[TaskView, ...]:
        return tuple(TaskView(task) for task in self._of.tasks)

    def __repr__(self) -> str:
        return f"CustomerView({self._of!r})"


_forward(CustomerView, ("id", "tier", "cap", "priority", "budget_cents", "held_cents", "spent_cents",
                        "available_cents", "patience_ms", "state", "in_flight", "arrived_at", "visit",
                        "promised_start", "unhappy"))


class ModelView:
    """A model, read-only: id, spec, queue_length, capacity (slots that can take a task now), busy, rented_count,
    pending_rentals, rent_room, down, up_contracted, serving_rented; `queue_keys()`, `predicted_wait_ms()`."""

    __slots__ = ("_of",)
    _of: Any  # the simulation's object, set once in __init__

    def __init__(self, model) -> None:
        object.__setattr__(self, "_of", model)

    __setattr__ = _read_only("a model")

    def queue_keys(self) -> list[tuple]:
        """The priority keys of the waiting tasks, in no particular order (a fresh list)."""
        return self._of.queue_keys()

    def predicted_wait_ms(self) -> float:
        """The wait a task joining the back of the queue now is told (the wait prompt's estimate)."""
        return predicted_wait_ms(self._of)

    @property
    def rent_room(self) -> int:
        """How many more slots may be rented now: `max_extra` less those rented or on order."""
        return self._of.spec.max_extra - self._of.rented_count

    @property
    def down(self) -> int:
        """Contracted slots an outage has taken."""
        return self._of.spec.slots - self._of.up_contracted

    def __repr__(self) -> str:
        return f"ModelView({self._of.id!r})"


_forward(ModelView, ("id", "spec", "queue_length", "capacity", "busy", "rented_count", "pending_rentals",
                     "up_contracted", "serving_rented"))


class MarketView:
    """The market, read-only: surcharge, wait_offer, priority_on_sale, reputation, demand, closed_until (a read-only
    mapping), and the derived priority_share(), return_probability(), patience_factor()."""

    __slots__ = ("_of",)

    def __init__(self, market) -> None:
        self._of = market

    @property
    def closed_until(self):
        return MappingProxyType(self._of.closed_until)

    def priority_share(self) -> float:
        return self._of.priority_share()

    def return_probability(self) -> float:
        return self._of.return_probability()

    def patience_factor(self) -> float:
        return self._of.patience_factor()

    def __setattr__(self, name: str, value) -> None:
        if name != "_of" or hasattr(self, "_of"):
            raise AttributeError(f"the market is read-only to mods (tried to set {name!r})")
        object.__setattr__(self, name, value)


_forward(MarketView, ("surcharge", "wait_offer", "priority_on_sale", "reputation", "demand"))


class WorldView:
    """The world, read-only: now, seed, spec (frozen), prices and caps (read-only mappings), models (id ->
    ModelView, in level order), market (MarketView), autopilot_enabled, customers_present. No `apply`: a rule
    decides, it does not act."""

    __slots__ = ("_of", "prices", "caps", "models", "market", "serving")

    def __init__(self, world) -> None:
        self._of = world
        self.prices = MappingProxyType(world.prices)
        self.caps = MappingProxyType(world.caps)
        self.models = MappingProxyType({model_id: ModelView(m) for model_id, m in world.models.items()})
        self.market = MarketView(world.market)
        serving: dict[str, list[str]] = {}
        for model_id, m in world.models.items():
            for content in m.spec.content:
                serving.setdefault(content, []).append(model_id)
        self.serving = MappingProxyType({content: tuple(ids) for content, ids in serving.items()})

    @property
    def customers_present(self) -> int:
        return len(self._of.customers)

    def __setattr__(self, name: str, value) -> None:
        if hasattr(self, "serving"):  # set once, in __init__
            raise AttributeError(f"the world is read-only to mods (tried to set {name!r})")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"WorldView(t={self._of.now}ms)"


_forward(WorldView, ("now", "seed", "spec", "autopilot_enabled"))
