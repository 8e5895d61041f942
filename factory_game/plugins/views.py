"""Read-only views a mod's rules are handed instead of the simulation's own objects.

A rule reads the world, a customer, a task; it cannot change them (no setters, no `apply`, no mutable
containers: lists come back as tuples, dicts as read-only mappings). The views are live — they read the objects
underneath at the time of the call — and cost one small object per argument per call (bench/engine.py measures it).

The object underneath sits in a slot whose name is not an identifier (`HIDDEN`), so `view._of` or any other
`view._name` cannot reach it: it raises `PrivateField`, naming the mod and hook that tried (the guard's
thread-local), and the mod fails like any hook that raises. The forwarded fields stay C-speed reads
(`attrgetter`), with no `__getattribute__` of our own on the path.
"""

from __future__ import annotations

from operator import attrgetter
from types import MappingProxyType

from factory_game.plugins.guard import current_hook
from factory_game.sim.prompt import predicted_wait_ms

HIDDEN = "view of"  # the slot holding the simulation's object: `view.<identifier>` never reaches it
_of = attrgetter(HIDDEN)


class PrivateField(AttributeError):
    """A mod read a private field of a view (`view._of`): the views' fields are their public names only."""


def _no_private(what: str):
    """A `__getattr__` (asked only for names a view lacks) that names a private read and who made it."""
    def missing(self, name: str):
        if name.startswith("_") and not name.startswith("__"):
            inside = current_hook()
            who = f"mod {inside[0]} ({inside[1]})" if inside else "code outside a hook"
            raise PrivateField(f"{who} read {what}'s private field {name!r}: a mod sees only the view's public "
                               "fields (docs/modding.md, \"What the game provides\"); the simulation's objects are "
                               "not part of the api")
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")
    return missing


def _read_only(what: str):
    """A `__setattr__` that says the view is read-only (instead of "property has no setter")."""
    def refuse(self, name: str, value) -> None:
        raise AttributeError(f"{what} is read-only to mods (tried to set {name!r}); a rule answers, it does not "
                             "change what it is handed")
    return refuse


def _forward(cls: type, names: tuple[str, ...]) -> type:
    """Give `cls` a read-only property per name, read from the object underneath; and hide its `_of` slot."""
    slot = cls.__dict__.get("_of")
    if slot is not None:  # the slot keeps its storage; only ordinary attribute syntax loses its way to it
        setattr(cls, HIDDEN, slot)
        delattr(cls, "_of")
    for name in names:
        setattr(cls, name, property(attrgetter(f"{HIDDEN}.{name}")))
    return cls


class TaskView:
    """A task, read-only: id, customer_id, content, model, state, requested_at, admitted_at, queued_at, started_at,
    end_at, price_cents, retries_left, attempt, key."""

    __slots__ = ("_of",)  # moved to HIDDEN by _forward

    def __init__(self, task) -> None:
        object.__setattr__(self, HIDDEN, task)

    __setattr__ = _read_only("a task")
    __getattr__ = _no_private("a task")

    def __repr__(self) -> str:
        return f"TaskView({_of(self)!r})"


_forward(TaskView, ("id", "customer_id", "content", "model", "state", "requested_at", "admitted_at", "queued_at",
                    "started_at", "end_at", "price_cents", "retries_left", "attempt", "key"))


class CustomerView:
    """A customer, read-only: id, tier, cap, priority, budget_cents, held_cents, spent_cents, available_cents,
    patience_ms, state, in_flight, arrived_at, visit, promised_start, unhappy; `tasks` is a tuple of TaskViews."""

    __slots__ = ("_of",)  # moved to HIDDEN by _forward

    def __init__(self, customer) -> None:
        object.__setattr__(self, HIDDEN, customer)

    __setattr__ = _read_only("a customer")
    __getattr__ = _no_private("a customer")

    @property
    def tasks(self) -> tuple[TaskView, ...]:
        return tuple(TaskView(task) for task in _of(self).tasks)

    def __repr__(self) -> str:
        return f"CustomerView({_of(self)!r})"


_forward(CustomerView, ("id", "tier", "cap", "priority", "budget_cents", "held_cents", "spent_cents",
                        "available_cents", "patience_ms", "state", "in_flight", "arrived_at", "visit",
                        "promised_start", "unhappy"))


class ModelView:
    """A model, read-only: id, spec, queue_length, capacity (slots that can take a task now), busy, rented_count,
    pending_rentals, rent_room, down, up_contracted, serving_rented; `queue_keys()`, `predicted_wait_ms()`."""

    __slots__ = ("_of",)  # moved to HIDDEN by _forward

    def __init__(self, model) -> None:
        object.__setattr__(self, HIDDEN, model)

    __setattr__ = _read_only("a model")
    __getattr__ = _no_private("a model")

    def queue_keys(self) -> list[tuple]:
        """The priority keys of the waiting tasks, in no particular order (a fresh list)."""
        return _of(self).queue_keys()

    def predicted_wait_ms(self) -> float:
        """The wait a task joining the back of the queue now is told (the wait prompt's estimate)."""
        return predicted_wait_ms(_of(self))

    @property
    def rent_room(self) -> int:
        """How many more slots may be rented now: `max_extra` less those rented or on order."""
        model = _of(self)
        return model.spec.max_extra - model.rented_count

    @property
    def down(self) -> int:
        """Contracted slots an outage has taken."""
        model = _of(self)
        return model.spec.slots - model.up_contracted

    def __repr__(self) -> str:
        return f"ModelView({_of(self).id!r})"


_forward(ModelView, ("id", "spec", "queue_length", "capacity", "busy", "rented_count", "pending_rentals",
                     "up_contracted", "serving_rented"))


class MarketView:
    """The market, read-only: surcharge, wait_offer, priority_on_sale, reputation, demand, closed_until (a read-only
    mapping), and the derived priority_share(), return_probability(), patience_factor()."""

    __slots__ = ("_of",)  # moved to HIDDEN by _forward

    def __init__(self, market) -> None:
        object.__setattr__(self, HIDDEN, market)

    @property
    def closed_until(self):
        return MappingProxyType(_of(self).closed_until)

    def priority_share(self) -> float:
        return _of(self).priority_share()

    def return_probability(self) -> float:
        return _of(self).return_probability()

    def patience_factor(self) -> float:
        return _of(self).patience_factor()

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"the market is read-only to mods (tried to set {name!r})")

    __getattr__ = _no_private("the market")


_forward(MarketView, ("surcharge", "wait_offer", "priority_on_sale", "reputation", "demand"))


class WorldView:
    """The world, read-only: now, seed, spec (frozen), prices and caps (read-only mappings), models (id ->
    ModelView, in level order), market (MarketView), autopilot_enabled, customers_present. No `apply`: a rule
    decides, it does not act."""

    __slots__ = ("_of", "prices", "caps", "models", "market", "serving")  # _of moved to HIDDEN by _forward

    def __init__(self, world) -> None:
        object.__setattr__(self, HIDDEN, world)
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
        return len(_of(self).customers)

    def __setattr__(self, name: str, value) -> None:
        if hasattr(self, "serving"):  # set once, in __init__
            raise AttributeError(f"the world is read-only to mods (tried to set {name!r})")
        object.__setattr__(self, name, value)

    __getattr__ = _no_private("the world")

    def __repr__(self) -> str:
        return f"WorldView(t={_of(self).now}ms)"


_forward(WorldView, ("now", "seed", "spec", "autopilot_enabled"))
