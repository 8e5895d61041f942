"""River's own content, models and rules, registered through the same hooks as any mod. Loaded first, so its
rules answer last: they are what takes over when no mod answers or a mod is switched off. Its rule hooks are
the defaults declared in `factory_game.sim.rules.RULES`."""

from __future__ import annotations

from factory_game.api import Provider, hookimpl
from factory_game.builtin import CONTENT, MODELS
from factory_game.plugins.hookspecs import function_taking
from factory_game.sim.rules import RULES

BUILTIN_ID = "builtin"
PROVIDER = Provider(BUILTIN_ID, {"en": "River's upstream partners", "zh-CN": "River 的上游伙伴"}, MODELS)


@hookimpl
def river_register_content(register):
    for content in CONTENT:
        register(content)


@hookimpl
def river_register_providers(register):
    register(PROVIDER)


def _builtin_impl(rule):
    """The rule's default as a hookimpl taking exactly the arguments the simulation passes."""
    impl = function_taking(rule.hook, rule.args, rule.default)
    impl.__doc__ = rule.default.__doc__
    return hookimpl(impl)


for _rule in RULES:
    globals()[_rule.hook] = _builtin_impl(_rule)
del _rule
