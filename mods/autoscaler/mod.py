"""Autoscaler: a capacity rule, so the auto-manager reacts to the queue itself instead of to sustained waits.

At each of the auto-manager's checks (every `autopilot.every` while it is on), for each model, with q = tasks
waiting per serving slot:

    q > 1      rent ceil(q - 1) slots more (no more than the model's room, and not while an order is on its way)
    q == 0     and at least two slots idle: release one rented slot (a slot still inside its minimum rental
               costs the same kept or released; the world releases the newest first)
    otherwise  keep

The built-in auto-manager waits for `sustain` long-wait checks in a row and rents `step` slots at a time; the
autoscaler rents at once and as many as the queue asks for, which pays on spiky demand and costs on noise.
"""

import math

from factory_game.api import hookimpl


@hookimpl
def river_capacity(world, model):
    view = world.models[model]
    serving = max(1, view.capacity)
    per_slot = view.queue_length / serving
    if per_slot > 1 and view.pending_rentals == 0:
        return min(view.rent_room, math.ceil(per_slot - 1))
    if view.queue_length == 0 and view.capacity - view.busy >= 2 and view.rented_count > 0:
        return -1
    return 0
