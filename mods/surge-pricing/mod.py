"""Surge pricing: a task costs more when its model's queue is long.

The curve. Let q be the tasks waiting at the task's model per serving slot, when the task is admitted (before it
joins the queue). The price is the built-in price (list price, plus the priority surcharge) times

    m(q) = 1                                 for q <= 0.5   (a short queue costs nothing extra)
    m(q) = 1 + 0.5 * (q - 0.5)               for 0.5 < q < 2.5
    m(q) = 2                                 for q >= 2.5   (never more than twice the list price)

rounded to whole cents. A model with no serving slot (an outage) is priced at the cap. The price is held on
admission and never changes afterwards, so a customer pays what they were quoted.
"""

from factory_game.api import builtin_price, hookimpl, queue_length, serving_slots

KNEE = 0.5  # queued tasks per serving slot before the price starts to rise
SLOPE = 0.5  # extra share of the list price per queued task per slot past the knee
CAP = 2.0  # the most a surge multiplies the price by


def multiplier(queued: int, slots: int) -> float:
    """m(q) from the docstring above, with q = queued / slots."""
    if slots <= 0:
        return CAP
    return min(CAP, 1.0 + SLOPE * max(0.0, queued / slots - KNEE))


@hookimpl
def river_price(world, customer, task):
    base = builtin_price(world, customer, task)
    return round(base * multiplier(queue_length(world, task.model), serving_slots(world, task.model)))
