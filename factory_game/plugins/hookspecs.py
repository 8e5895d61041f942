"""What a mod may do: one hook specification per extension point, all named river_*.

Implementations take any subset of a hook's arguments, by name. The rule hooks (`river_<rule>` for each entry of
`factory_game.sim.rules.RULES`: price, priority_key, answer_prompt, route, capacity,
customer) are generated here from that
one declaration; they are `firstresult`: mods are asked in reverse load order and the first answer that is not
None wins; the built-in plugin is loaded first, so it answers last. Every hook is documented with an example in
docs/modding.md (a test checks each hook and each of its arguments is there).
"""

from __future__ import annotations

import pluggy

from factory_game.api import PROJECT
from factory_game.sim.rules import RULES, Rule

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


@hookspec
def river_register_incidents(register):
    """Add incident kinds: call `register(ModIncident(name, choices, default, deadline_ms, texts, draw, answer,
    start))` once per kind; a level enables it as `<mod id>/<name>` in `[incidents] rates`."""


@hookspec
def river_observe(event, level, settings, state):
    """See every world event (a frozen Event) of a run of `level`; for achievements and logs. Observers get no
    handle on the world, so they cannot change it."""


@hookspec
def river_adjust_price(world, customer, task, price, rng, settings, state):
    """Adjust the `price` the price rule decided (cents): return the new price (an int >= 0) or None to leave it.
    Every mod's adjustment applies, one after the other, in the order the level lists its mods (a mod the level
    does not list, a dependency, comes after those it does, in load order): a discount and a surcharge compose."""


@hookspec
def river_event(world, kind, params, settings, state):
    """A level's scheduled event of a kind the mod declares in mod.toml (`[events.NAME]`), at its time: `kind` is
    NAME, `params` its parameters (read-only). Return None, or a list of commands (factory_game.api) the world
    carries out as the mod's (recorded with source `mod:<id>`); change the mod's other rules through `state`."""


@hookspec
def river_metrics(world, settings, state):
    """The values of the metrics the mod declares in mod.toml (`[metrics.NAME]`), each time a summary is taken: a
    dict of every declared name -> a finite number. They appear under `mods.<mod id>.<name>` in the summary, and a
    level's goal may name them."""


def rule_arguments(rule: Rule) -> tuple[str, ...]:
    """The arguments a rule hook offers: what the simulation passes, then what the plugin layer adds."""
    return (*rule.args, *rule.extras)


def function_taking(name: str, arguments: tuple[str, ...], call=None):
    """A function called `name` whose own code takes exactly `arguments` and returns `call(*arguments)` (None
    without `call`). pluggy reads a hook's argument names from the function's code object (1.7 does, 1.6 read its
    signature), so a signature attached afterwards is not enough; the names come from the RULES table."""
    listed = ", ".join(arguments)
    namespace = {"call": call}
    exec(f"def {name}({listed}):\n    return call({listed}) if call is not None else None\n", namespace)
    return namespace[name]


def _rule_spec(rule: Rule):
    spec = function_taking(rule.hook, rule_arguments(rule))
    spec.__doc__ = rule.doc
    return hookspec(firstresult=True)(spec)


for _rule in RULES:
    globals()[_rule.hook] = _rule_spec(_rule)
del _rule
