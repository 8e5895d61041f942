"""Office hours: a customer rule (river_customer) that shapes each newcomer by the time of day.

In office hours (`opens` to `closes`, by the clock of the level's day), a `business_share` of newcomers are
businesses: the level's top tier (the largest cap), three times the budget and twice the tasks. Outside them,
newcomers order one task and have half the patience. The draw that picks the businesses comes from the `rng` the
hook is handed, so a run is as reproducible as one without the mod.
"""

from factory_game.api import HOUR, hookimpl

DAY = 24 * HOUR


@hookimpl
def river_customer(world, drawn, rng, settings):
    if settings["opens"] <= world.now % DAY < settings["closes"]:
        if rng.random() < settings["business_share"]:
            top = max(world.caps, key=world.caps.get)
            return drawn._replace(tier=top, budget_cents=drawn.budget_cents * 3, content=drawn.content * 2)
        return None  # the level's own draws
    return drawn._replace(patience_ms=drawn.patience_ms // 2, content=drawn.content[:1])
