"""River's own content, models and rules, registered through the same hooks as any mod. Loaded first, so its
rules answer last: they are what takes over when no mod answers or a mod is switched off."""

from __future__ import annotations

from factory_game.api import hookimpl
from factory_game.builtin import CONTENT, PROVIDER
from factory_game.sim.rules import default_answer, default_price, default_priority_key

BUILTIN_ID = PROVIDER.id


@hookimpl
def river_register_content(register):
    for content in CONTENT:
        register(content)


@hookimpl
def river_register_providers(register):
    register(PROVIDER)


@hookimpl
def river_price(world, customer, task):
    return default_price(world, customer, task)


@hookimpl
def river_priority_key(world, customer, task):
    return default_priority_key(world, customer, task)


@hookimpl
def river_answer_prompt(world, customer, predicted_wait_ms):
    return default_answer(world, customer, predicted_wait_ms)


# What the session hands the world directly when no mod takes a rule over (no hook-call cost on the hot path).
DIRECT_RULES = {"river_price": default_price, "river_priority_key": default_priority_key,
                "river_answer_prompt": default_answer}
