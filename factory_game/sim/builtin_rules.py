"""The two built-in rules asked on every task, the price and the queue key: compiled with the hot path.

A mod calls them too (`factory_game.api.builtin_price`, `builtin_priority_key`), handing its read-only views of the
world, the customer and the task. So the arguments are typed by the protocols below, of only what the rules read:
a compiled function typed with the simulation's own classes would refuse a view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class _Market(Protocol):
    @property
    def surcharge(self) -> float: ...


class _Queue(Protocol):
    @property
    def aging_ms(self) -> int: ...


class _Spec(Protocol):
    @property
    def queue(self) -> _Queue: ...


class RuleWorld(Protocol):
    """What the price and the queue key read of the world (a `World`, or a mod's view of it)."""

    @property
    def prices(self) -> Mapping[str, int]: ...

    @property
    def market(self) -> _Market: ...

    @property
    def spec(self) -> _Spec: ...


class RuleCustomer(Protocol):
    @property
    def priority(self) -> bool: ...


class RuleTask(Protocol):
    @property
    def content(self) -> str: ...

    @property
    def queued_at(self) -> int | None: ...


def default_price(world: RuleWorld, customer: RuleCustomer, task: RuleTask) -> int:
    """The content type's price now; priority-pack customers pay the surcharge on top (a lever; the level's
    `priority_surcharge` at the start)."""
    cents = world.prices[task.content]
    surcharge = world.market.surcharge
    if customer.priority and surcharge:
        cents += round(cents * surcharge)
    return cents


def default_priority_key(world: RuleWorld, customer: RuleCustomer, task: RuleTask) -> tuple[int, ...]:
    """Priority pack first, FIFO inside a class (the queue's sequence number breaks ties).

    With aging on (`queue.aging`), a priority task is ordered as if it had queued `aging` earlier, so a normal
    task that has waited longer than that is served before newer priority tasks: no one starves.
    """
    aging = world.spec.queue.aging_ms
    queued_at = task.queued_at
    assert queued_at is not None  # asked as the task joins its queue
    if aging:
        return (queued_at - (aging if customer.priority else 0),)
    return (0 if customer.priority else 1, queued_at)
