"""The decisions a mod may take over, each declared once: a `Rule` names the decision, the arguments the
simulation passes, the check its answer must pass and the built-in default. `Rules` (what a World is handed), the
hook specifications (`river_<name>`), the built-in plugin and the mod session's tables all follow from `RULES`.

Rules are plain callables: data in, decision out, no side effects. The simulation only ever sees a `Rules` value;
the plugin layer builds one from the mods a level uses (and wraps each callable so a failing mod is named and
switched off and the built-in rule takes over). Nothing here knows about pluggy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from factory_game.sim.builtin_rules import default_price, default_priority_key

if TYPE_CHECKING:
    from factory_game.sim.autopilot import Autopilot
    from factory_game.sim.entities import Customer, Key, ModelState, Task
    from factory_game.sim.market import Market
    from factory_game.sim.spec import LevelSpec


class World(Protocol):
    """What the built-in rules read of the world (the simulation hands its `World`; a mod's rule gets the same
    object). Declared here so that the rules do not import the world that imports them."""

    @property
    def spec(self) -> LevelSpec: ...

    @property
    def now(self) -> int: ...

    @property
    def prices(self) -> dict[str, int]: ...

    @property
    def caps(self) -> dict[str, int]: ...

    @property
    def models(self) -> dict[str, ModelState]: ...

    @property
    def market(self) -> Market: ...

    @property
    def autopilot(self) -> Autopilot: ...


MAX_TASKS_PER_CUSTOMER = 100  # a customer rule's demand above this is a mistake, not a customer


class Newcomer(NamedTuple):
    """What a new customer brings, as the level's draws made it: the customer rule may answer another one (use
    `drawn._replace(...)`). `content` names one content type per task."""

    tier: str
    priority: bool  # bought the priority pack
    budget_cents: int
    patience_ms: int  # 0 when the level asks no wait question
    content: tuple[str, ...]


def default_answer(world: World, customer: Customer, predicted_wait_ms: float) -> bool:
    """A customer keeps waiting if the predicted wait is within their patience, stretched by what River offers on
    asking (`Market.patience_factor`: 1 with no offer, 1.4 with 20 % off)."""
    return predicted_wait_ms <= customer.patience_ms * world.market.patience_factor()


def default_route(world: World, customer: Customer, task: Task) -> str:
    """The first model (in level order) that serves the task's content type: the model the task names already."""
    return task.model


def default_capacity(world: World, model: str) -> int:
    """The built-in auto-manager's decision for `model` now: slots to rent (> 0), to release (< 0), or 0."""
    return world.autopilot.decide(model, world.models[model], world.now)


def default_customer(world: World, drawn: Newcomer) -> Newcomer:
    """The level's own draws (`[arrivals]`): the newcomer as drawn."""
    return drawn


# ------------------------------------------------------------------------------------------- answer checks
# Each takes the answer and the arguments the rule was called with; it returns what is wrong, or None.
def check_price(answer: object, world: World, customer: Customer, task: Task) -> str | None:
    if type(answer) is not int or answer < 0:
        shown = " (a bool is not a price: use int(...))" if type(answer) is bool else ""
        return f"answered {answer!r}{shown}; expected a price in whole cents (an int >= 0)"
    return None


def check_priority_key(answer: object, world: World, customer: Customer, task: Task) -> str | None:
    if type(answer) is not tuple or not answer:
        return f"answered {answer!r}; expected a non-empty tuple of finite numbers"
    for value in answer:
        kind = type(value)
        if kind is bool:
            return f"answered {answer!r}; a bool is not accepted in a key (use int(...))"
        if kind is not int and kind is not float:
            return f"answered {answer!r}; expected a non-empty tuple of finite numbers (int or float)"
        if kind is float and not math.isfinite(value):
            return f"answered {answer!r}; expected finite numbers (NaN and infinity break the queue order)"
    return None


def check_answer(answer: object, world: World, customer: Customer, predicted_wait_ms: float) -> str | None:
    if type(answer) is not bool:
        return f"answered {answer!r}; expected True or False"
    return None


def check_route(answer: object, world: World, customer: Customer, task: Task) -> str | None:
    state = world.models.get(answer) if type(answer) is str else None
    if state is None or task.content not in state.spec.content:
        serving = [m for m, s in world.models.items() if task.content in s.spec.content]
        return f"answered {answer!r}; expected the id of a model serving {task.content!r} ({', '.join(serving)})"
    return None


def check_capacity(answer: object, world: World, model: str) -> str | None:
    if type(answer) is not int:
        return f"answered {answer!r}; expected an int: slots to rent (> 0), to release (< 0) or 0"
    return None


def check_customer(answer: object, world: World, drawn: Newcomer) -> str | None:
    if type(answer) is not Newcomer:
        return f"answered {answer!r}; expected a Newcomer (drawn._replace(...))"
    if answer.tier not in world.caps:
        return f"answered tier {answer.tier!r}; expected a tier of this level ({', '.join(world.caps)})"
    if type(answer.priority) is not bool:
        return f"answered priority {answer.priority!r}; expected True or False"
    for name in ("budget_cents", "patience_ms"):
        value = getattr(answer, name)
        if type(value) is not int or value < 0:
            return f"answered {name} {value!r}; expected an int >= 0"
    content = answer.content
    if type(content) is not tuple or not 1 <= len(content) <= MAX_TASKS_PER_CUSTOMER:
        return (f"answered content {content!r}; expected a tuple of 1 to {MAX_TASKS_PER_CUSTOMER} content types, "
                "one per task")
    served = {c for state in world.models.values() for c in state.spec.content}
    for kind in content:
        if kind not in served:
            return (f"answered content {kind!r}; expected a content type a model of this level serves "
                    f"({', '.join(sorted(served))})")
    return None


@dataclass(frozen=True)
class Rule:
    """One decision a mod may take over. Its hook is `river_<name>`; a mod's implementation takes any subset of
    `args` (what the simulation passes, in this order) and `extras` (what the plugin layer adds for mods)."""

    name: str
    args: tuple[str, ...]
    default: Callable[..., Any]
    check: Callable[..., str | None]
    doc: str
    extras: tuple[str, ...] = ("rng", "settings", "state")

    @property
    def hook(self) -> str:
        return f"river_{self.name}"


RULES: tuple[Rule, ...] = (
    Rule("price", ("world", "customer", "task"), default_price, check_price,
         "The price in integer cents of `task` for `customer` now, or None to let the next rule decide."),
    Rule("priority_key", ("world", "customer", "task"), default_priority_key, check_priority_key,
         "The queue key of `task` (a tuple of finite numbers, smaller goes first; ties in queue order), or None "
         "to pass. Called once when the task enters its model's queue."),
    Rule("answer_prompt", ("world", "customer", "predicted_wait_ms"), default_answer, check_answer,
         "Whether `customer` keeps waiting when asked with `predicted_wait_ms` ahead (a bool), or None to pass."),
    Rule("route", ("world", "customer", "task"), default_route, check_route,
         "The id of the model that serves `task` (one of `models`, those serving its content type, in level "
         "order), or None to pass. Asked when the task is admitted, before its price.",
         extras=("models", "rng", "settings", "state")),
    Rule("capacity", ("world", "model"), default_capacity, check_capacity,
         "The auto-manager's decision for `model` (an id) at each of its checks: slots to rent (> 0), to release "
         "(< 0), 0 to keep, or None to pass. Asked only while the auto-manager is on."),
    Rule("customer", ("world", "drawn"), default_customer, check_customer,
         "What a new customer brings (a Newcomer: tier, priority, budget_cents, patience_ms, content), given "
         "`drawn`, the level's own draws for them; or None to pass. Asked once per arrival drawn from `[arrivals]` "
         "(not for logged requests, scripted arrivals or returning customers); draw only from `rng`."),
)

if TYPE_CHECKING:
    @dataclass(frozen=True)
    class Rules:
        """What `make_dataclass` below builds, declared for the type checker (tests/test_sim_parts.py checks that
        the two agree)."""

        price: Callable[[World, Customer, Task], int] = default_price
        priority_key: Callable[[World, Customer, Task], Key] = default_priority_key
        answer_prompt: Callable[[World, Customer, float], bool] = default_answer
        route: Callable[[World, Customer, Task], str] = default_route
        capacity: Callable[[World, str], int] = default_capacity
        customer: Callable[[World, Newcomer], Newcomer] = default_customer
else:
    Rules = make_dataclass(
        "Rules", [(rule.name, Callable, field(default=rule.default)) for rule in RULES], frozen=True,
        namespace={"__doc__": "The rules a World follows, one callable per entry of RULES (the defaults: built-in)."})
    Rules.__module__ = __name__
