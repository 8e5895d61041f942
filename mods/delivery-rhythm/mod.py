"""Delivery rhythm: mod metrics. An observer notes each delivery in the run's `state`; `river_metrics` turns that
into the two figures mod.toml declares, which the summary shows under `mods.delivery-rhythm.*` and a level's goals
may name (levels/mods/steady-floor.toml asks for a floor that never stalls)."""

from factory_game.api import HOUR, Kind, hookimpl


@hookimpl
def river_observe(event, state):
    if event.kind == Kind.FINISH:
        last = state.get("last_delivery", 0)
        state["longest_gap_ms"] = max(state.get("longest_gap_ms", 0), event.time - last)
        state["last_delivery"] = event.time
        if event.time < HOUR:
            state["first_hour"] = state.get("first_hour", 0) + 1


@hookimpl
def river_metrics(world, state):
    """The stretch still open at the summary's time counts too: a floor that stops delivering shows it at once."""
    open_gap = world.now - state.get("last_delivery", 0)
    return {"first_hour_deliveries": state.get("first_hour", 0),
            "longest_gap_ms": max(state.get("longest_gap_ms", 0), open_gap)}
