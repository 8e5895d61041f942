"""What a mod may do: one hook specification per extension point, all named river_*.

Implementations take any subset of a hook's arguments, by name. Rules (price, priority, answer) are
`firstresult`: mods are asked in reverse load order and the first answer that is not None wins; the built-in
plugin is loaded first, so it answers last. Every hook is documented with an example in docs/modding.md.
"""

from __future__ import annotations

import pluggy

from factory_game.api import PROJECT

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def river_register_content(register):
    """Add content types: call `register(ContentSpec(id, price_cents, names, icon))` once per type.

    `names` needs "en" and "zh-CN"; `icon` is a PNG path relative to the mod's folder (or a built-in sprite name).
    """


@hookspec
def river_register_providers(register):
    """Add model providers: call `register(Provider(id, names, models))`; each ModelSpec in `models` names the
    content types it serves, its service-time distribution, failure rate, slot cost, rent price, lead time,
    minimum rental period and most extra slots."""


@hookspec(firstresult=True)
def river_price(world, customer, task, rng):
    """The price in integer cents of `task` for `customer` now, or None to let the next rule decide.

    Read the world, never change it. `rng` is this mod's own random stream."""


@hookspec(firstresult=True)
def river_priority_key(world, customer, task):
    """The queue key of `task` (a tuple, smaller goes first; ties in queue order), or None to pass.

    Called once when the task enters its model's queue. Data in, decision out: no side effects."""


@hookspec(firstresult=True)
def river_answer_prompt(world, customer, predicted_wait_ms, rng):
    """Whether `customer` keeps waiting when asked with `predicted_wait_ms` ahead (a bool), or None to pass."""


@hookspec
def river_observe(event, level):
    """See every world event (a frozen Event) of a run of `level`; for achievements and logs. Observers get no
    handle on the world, so they cannot change it."""
