"""Trends: a mod event (river_event) that levels schedule, acting through legitimate channels only.

`[[events]] kind = "trends/viral"` at its `at`: from then, for `duration`, the customer rule (river_customer) gives
every newcomer `factor` times the tasks they drew; the trend lives in the run's `state`, the rule reads it. With
`rent` > 0 the event also answers a Rent command for the first model serving images, which the world carries out as
the mod's (recorded with source `mod:trends`), so a replay derives it again from the level.
"""

from factory_game.api import Rent, hookimpl

MAX_TASKS = 100  # the customer rule's limit per newcomer


@hookimpl
def river_event(world, kind, params, state):
    if kind == "viral":
        state["viral"] = (world.now + params["duration"], params["factor"])
        serving = world.serving.get("image", ())
        if params["rent"] and serving:
            return [Rent(serving[0], params["rent"])]
    return None


@hookimpl
def river_customer(world, drawn, state):
    until, factor = state.get("viral", (0, 1))
    if world.now < until and factor > 1:
        return drawn._replace(content=(drawn.content * factor)[:MAX_TASKS])
    return None
