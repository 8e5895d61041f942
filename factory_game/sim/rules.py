"""The decisions a mod may take over, as plain callables: data in, decision out, no side effects.

The simulation only ever sees a `Rules` value; the plugin layer builds one from the mods a level uses
(and wraps each callable so a failing mod is switched off and the built-in rule takes over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factory_game.sim.entities import Customer, Task
    from factory_game.sim.world import World

PriceRule = Callable[["World", "Customer", "Task"], int]
PriorityRule = Callable[["World", "Customer", "Task"], tuple]
AnswerRule = Callable[["World", "Customer", float], bool]


def default_price(world: World, customer: Customer, task: Task) -> int:
    """The content type's price now; priority-pack customers pay the surcharge on top (a lever; the level's
    `priority_surcharge` at the start)."""
    cents = world.prices[task.content]
    surcharge = world.market.surcharge
    if customer.priority and surcharge:
        cents += round(cents * surcharge)
    return cents


def default_priority_key(world: World, customer: Customer, task: Task) -> tuple:
    """Priority pack first, FIFO inside a class (the queue's sequence number breaks ties).

    With aging on (`queue.aging`), a priority task is ordered as if it had queued `aging` earlier, so a normal
    task that has waited longer than that is served before newer priority tasks: no one starves.
    """
    aging = world.spec.queue.aging_ms
    if aging:
        return (task.queued_at - (aging if customer.priority else 0),)
    return (0 if customer.priority else 1, task.queued_at)


def default_answer(world: World, customer: Customer, predicted_wait_ms: float) -> bool:
    """A customer keeps waiting if the predicted wait is within their patience, stretched by what River offers on
    asking (`Market.patience_factor`: 1 with no offer, 1.4 with 20 % off)."""
    return predicted_wait_ms <= customer.patience_ms * world.market.patience_factor()


@dataclass(frozen=True)
class Rules:
    price: PriceRule = default_price
    priority_key: PriorityRule = default_priority_key
    answer_prompt: AnswerRule = default_answer
