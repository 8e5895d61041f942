"""The stable face for mods: a mod imports from this module and nothing else of factory_game.

What a mod can do is listed by the hook specifications (factory_game/plugins/hookspecs.py, explained in
docs/modding.md). A mod marks its functions with `hookimpl`, registers content types and model providers through
the `register` callbacks it is handed, and may take over the price, the queue priority and the customers' answer
to the wait prompt. Randomness comes only from the `rng` a hook is handed (a stream of the world's seeded
streams, one per mod), so a modded run is as reproducible as any other.

`API_VERSION` goes up when something here changes incompatibly; a manifest lists the versions it supports.
"""

from __future__ import annotations

import pluggy

from factory_game.catalog import ModIncident, Provider
from factory_game.sim.builtin_rules import default_price as builtin_price
from factory_game.sim.builtin_rules import default_priority_key as builtin_priority_key
from factory_game.sim.clock import HOUR, MINUTE, SECOND
from factory_game.sim.commands import Arrive, Release, Rent, SetPrice
from factory_game.sim.distributions import Dist
from factory_game.sim.entities import Customer, Task
from factory_game.sim.events import Event, Kind
from factory_game.sim.rules import Newcomer
from factory_game.sim.rules import default_answer as builtin_answer
from factory_game.sim.spec import ContentSpec, LevelSpec, ModelSpec
from factory_game.sim.world import World

API_VERSION = 1
PROJECT = "river"  # the pluggy project name: every hook is called river_*

hookimpl = pluggy.HookimplMarker(PROJECT)


# Read-only views of the world for rules, so a mod does not depend on how the simulation stores its queues.
def queue_length(world: World, model_id: str) -> int:
    """Tasks waiting (not running) at a model now."""
    return world.models[model_id].queue_length


def serving_slots(world: World, model_id: str) -> int:
    """Slots of a model that can take a task now: contracted ones not down, plus rented ones not released."""
    return world.models[model_id].capacity


def queued_keys(world: World, model_id: str) -> list[tuple]:
    """The priority keys of the tasks waiting at a model, in no particular order."""
    return world.models[model_id].queue_keys()

__all__ = [
    "API_VERSION", "HOUR", "MINUTE", "PROJECT", "SECOND", "Arrive", "ContentSpec", "Customer", "Dist", "Event",
    "Kind", "LevelSpec", "ModIncident", "ModelSpec", "Newcomer", "Provider", "Release", "Rent", "SetPrice", "Task",
    "World", "builtin_answer", "builtin_price", "builtin_priority_key", "hookimpl", "queue_length", "queued_keys",
    "serving_slots",
]
