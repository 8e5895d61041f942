"""The mods of one run, loaded: the catalog they build, the `Rules` they make, the observers they attach, and
the failures seen.

pluggy registers and validates the implementations and decides their order; this module then calls each
implementation itself, one at a time, because pluggy does not isolate errors. A mod that raises or answers
nonsense is named (mod, version, hook) and its traceback logged. A strict session (the headless default) then
raises ModFailed; a lenient one (play, `--lenient`) switches the mod off, tells whoever listens (`on_failure`), and
asks the next rule — in the end the built-in one — so the task still gets a price, a place and an answer.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pluggy

from factory_game import __version__
from factory_game.api import PROJECT
from factory_game.catalog import Catalog, DuplicateIdError, Provider
from factory_game.plugins import builtin as builtin_plugin
from factory_game.plugins import hookspecs
from factory_game.plugins.builtin import BUILTIN_ID, DIRECT_RULES
from factory_game.plugins.discovery import ModInfo, discover
from factory_game.plugins.errors import ModError, ModFailed, ModFailure
from factory_game.plugins.manifest import ID
from factory_game.plugins.resolve import resolve
from factory_game.sim.rules import Rules
from factory_game.sim.spec import ContentSpec, ModelSpec
from factory_game.texts import LANGUAGES

log = logging.getLogger("factory_game.mods")

HOOKS = tuple(sorted(name for name in vars(hookspecs) if name.startswith("river_")))
# The positional arguments the simulation passes to each rule (factory_game.sim.rules), by hook argument name.
RULE_ARGS = {"river_price": ("world", "customer", "task"), "river_priority_key": ("world", "customer", "task"),
             "river_answer_prompt": ("world", "customer", "predicted_wait_ms")}


@dataclass(frozen=True)
class LoadedMod:
    id: str
    version: str
    plugin: object
    folder: Path | None  # a mod's relative icon paths resolve against this

    @property
    def origin(self) -> str:
        return "the built-in content" if self.id == BUILTIN_ID else f"mod {self.id} {self.version}"


def open_mods(requests: Iterable[tuple[str, str]] = (), strict: bool = True,
              mod_dirs: Iterable[Path] | None = None) -> ModSession:
    """Discover, resolve (raising ModError with every problem) and load the mods a level asks for."""
    requests = list(requests)
    mods = resolve(requests, discover(mod_dirs)) if requests else []
    return ModSession(mods, strict=strict)


class ModSession:
    def __init__(self, mods: Iterable[ModInfo] = (), strict: bool = True) -> None:
        self.strict = strict
        self.failures: list[ModFailure] = []
        self.disabled: set[str] = set()
        self._alerts: list[Callable[[ModFailure], None]] = []
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(builtin_plugin, name=BUILTIN_ID)
        self.mods = [LoadedMod(BUILTIN_ID, __version__, builtin_plugin, None)]
        problems: list[str] = []
        for info in mods:
            try:
                plugin = info.load()
                unknown = sorted(n for n in dir(plugin) if n.startswith("river_") and n not in HOOKS)
                if unknown:
                    raise ModError([f"{', '.join(unknown)} is not a hook (the hooks: {', '.join(HOOKS)})"])
                self.pm.register(plugin, name=info.id)
                wrappers = sorted(impl.function.__name__ for hook in HOOKS
                                  for impl in getattr(self.pm.hook, hook).get_hookimpls()
                                  if impl.plugin_name == info.id and (impl.hookwrapper or impl.wrapper))
                if wrappers:
                    raise ModError([f"{', '.join(wrappers)}: hook wrappers are not supported; return an answer"])
            except Exception as exc:  # an import error, a bad hook signature: the mod's fault, named
                message = " ".join(str(exc).split())  # pluggy's messages span lines
                problems.append(f"mod {info.label} ({info.source}) cannot be loaded: {type(exc).__name__}: {message}")
                continue
            self.mods.append(LoadedMod(info.id, info.manifest.version, plugin, info.folder))
        if problems:
            raise ModError(problems)
        self._by_name = {mod.id: mod for mod in self.mods}
        self.catalog = self._build_catalog()

    # ---------------------------------------------------------------------------------------------- public face
    def on_failure(self, callback: Callable[[ModFailure], None]) -> None:
        """`callback(failure)` is called when a lenient session switches a mod off (the game shows an alert)."""
        self._alerts.append(callback)

    def rules(self) -> Rules:
        """The rules for a World: each one the mods' answer, falling back to the built-in rule."""
        return Rules(*(self._rule(hook) for hook in ("river_price", "river_priority_key", "river_answer_prompt")))

    def attach(self, world) -> None:
        """Subscribe the mods' observers to `world`'s events (nothing, when no mod observes)."""
        chain = [(mod, impl) for mod, impl in self._chain("river_observe") if mod.id != BUILTIN_ID]
        if not chain:
            return
        level = world.spec

        def observe(event) -> None:
            args = {"event": event, "level": level}
            for mod, impl in chain:
                if mod.id not in self.disabled:
                    try:
                        impl.function(*[args[name] for name in impl.argnames])
                    except Exception as exc:
                        self._fail(mod, "river_observe", exc, world)

        world.subscribe(observe)

    # ------------------------------------------------------------------------------------------------- internals
    def _chain(self, hook: str) -> list[tuple[LoadedMod, pluggy.HookImpl]]:
        """Implementations in pluggy's call order: last loaded first, so the built-in plugin comes last."""
        impls = getattr(self.pm.hook, hook).get_hookimpls()
        return [(self._by_name[impl.plugin_name], impl) for impl in reversed(impls)]

    def _rule(self, hook: str) -> Callable:
        chain = self._chain(hook)
        # The built-in rule always answers, so mods ordered after it (trylast) are never asked, as with pluggy.
        chain = chain[:[mod.id for mod, _impl in chain].index(BUILTIN_ID)]
        direct = DIRECT_RULES[hook]
        if not chain:
            return direct  # no mod takes this rule over: the hot path pays nothing for mods
        names = RULE_ARGS[hook]
        check = ANSWER_CHECKS[hook]

        def rule(world, customer, third):
            args = {names[0]: world, names[1]: customer, names[2]: third}
            for mod, impl in chain:
                if mod.id in self.disabled:
                    continue
                if "rng" in impl.argnames:
                    args["rng"] = world.rng.stream(f"mod/{mod.id}")
                try:
                    answer = impl.function(*[args[name] for name in impl.argnames])
                except Exception as exc:
                    self._fail(mod, hook, exc, world)
                    continue
                if answer is None:
                    continue
                problem = check(answer)
                if problem:
                    self._fail(mod, hook, problem, world)
                    continue
                return answer
            return direct(world, customer, third)

        return rule

    def _fail(self, mod: LoadedMod, hook: str, error: Exception | str, world) -> None:
        if isinstance(error, Exception):
            message = f"{type(error).__name__}: {error}"
            trace = "".join(traceback.format_exception(error))
        else:
            message, trace = error, ""
        failure = ModFailure(mod.id, mod.version, hook, message, trace, getattr(world, "now", None))
        self.failures.append(failure)
        self.disabled.add(mod.id)
        if self.strict:
            log.error("%s\n%s", failure, trace)
            raise ModFailed(failure) from (error if isinstance(error, Exception) else None)
        log.error("%s (switched off; the built-in rule takes over)\n%s", failure, trace)
        for alert in self._alerts:
            alert(failure)

    def _build_catalog(self) -> Catalog:
        """Content first (every mod, in load order), then providers, so a model may serve any mod's content."""
        catalog = Catalog()
        problems: list[str] = []
        for hook, kind in (("river_register_content", ContentSpec), ("river_register_providers", Provider)):
            for mod, impl in reversed(self._chain(hook)):
                register = _Register(catalog, mod, hook, kind, problems)
                try:
                    impl.function(*[register] * len(impl.argnames))  # the one argument, if taken
                except Exception as exc:
                    problems.append(f"{mod.origin} failed in {hook}: {type(exc).__name__}: {exc}")
        for model in catalog.models.values():
            for content in model.content:
                if content not in catalog.content:
                    problems.append(f"{catalog.origin[f'model:{model.id}']}: model {model.id!r} serves content "
                                    f"type {content!r}, which no loaded mod registers")
        if problems:
            raise ModError(problems)
        return catalog


class _Register:
    """The `register` callback a registration hook is handed: checks what a mod registers and notes its origin."""

    def __init__(self, catalog: Catalog, mod: LoadedMod, hook: str, kind: type, problems: list[str]) -> None:
        self.catalog, self.mod, self.hook, self.kind, self.problems = catalog, mod, hook, kind, problems

    def __call__(self, item) -> None:
        where = f"{self.mod.origin} in {self.hook}"
        if not isinstance(item, self.kind):
            self.problems.append(f"{where}: expected a {self.kind.__name__}; found {item!r}")
            return
        problems = _check_content(item, self.mod) if self.kind is ContentSpec else _check_provider(item)
        if problems:
            self.problems += [f"{where}: {problem}" for problem in problems]
            return
        try:
            if self.kind is ContentSpec:
                self.catalog.add_content(_with_icon_path(item, self.mod), self.mod.origin)
            else:
                self.catalog.add_provider(item, self.mod.origin)
        except DuplicateIdError as exc:
            self.problems.append(str(exc))


def _check_content(content: ContentSpec, mod: LoadedMod) -> list[str]:
    problems = _check_names(f"content type {content.id!r}", content.id, content.names)
    if type(content.price_cents) is not int or content.price_cents < 0:
        problems.append(f"content type {content.id!r}: price_cents must be whole cents >= 0; "
                        f"found {content.price_cents!r}")
    if content.icon.endswith(".png") and mod.folder is not None and not (mod.folder / content.icon).is_file():
        problems.append(f"content type {content.id!r}: icon {content.icon!r} not found in {mod.folder}")
    return problems


def _with_icon_path(content: ContentSpec, mod: LoadedMod) -> ContentSpec:
    """A mod's icon PNG, named relative to its folder, becomes an absolute path the game can load."""
    if content.icon.endswith(".png") and mod.folder is not None:
        return ContentSpec(content.id, content.price_cents, dict(content.names), str(mod.folder / content.icon))
    return content


def _check_provider(provider: Provider) -> list[str]:
    problems = _check_names(f"provider {provider.id!r}", provider.id, provider.names)
    for model in provider.models:
        if not isinstance(model, ModelSpec):
            problems.append(f"provider {provider.id!r}: expected ModelSpec models; found {model!r}")
            continue
        problems += _check_names(f"model {model.id!r}", model.id, model.names or {lang: model.id for lang in LANGUAGES})
        if not model.content:
            problems.append(f"model {model.id!r}: serves no content type")
        if model.slots < 0 or model.max_extra < 0 or not 0.0 <= model.failure_rate <= 1.0:
            problems.append(f"model {model.id!r}: slots and max_extra must be >= 0 and failure_rate within 0..1")
    return problems


def _check_names(what: str, ident: str, names: dict) -> list[str]:
    problems = []
    if not isinstance(ident, str) or not ID.match(ident):
        problems.append(f"{what}: the id must be lowercase letters, digits, - and _")
    missing = [lang for lang in LANGUAGES if not isinstance(names.get(lang), str) or not names[lang].strip()]
    if missing:
        problems.append(f"{what}: names needs {' and '.join(missing)}")
    return problems


def _check_price(answer) -> str | None:
    if type(answer) is not int or answer < 0:
        return f"answered {answer!r}; expected a price in whole cents (an int >= 0)"
    return None


def _check_key(answer) -> str | None:
    if type(answer) is not tuple or not answer or not all(type(v) in (int, float) for v in answer):
        return f"answered {answer!r}; expected a non-empty tuple of numbers"
    return None


def _check_answer(answer) -> str | None:
    if type(answer) is not bool:
        return f"answered {answer!r}; expected True or False"
    return None


ANSWER_CHECKS = {"river_price": _check_price, "river_priority_key": _check_key, "river_answer_prompt": _check_answer}


def mod_states(discovered: list[ModInfo] | None = None) -> list[tuple[ModInfo, str | None]]:
    """Each discovered mod and why it cannot be used (None: it loads, with its dependencies)."""
    discovered = discover() if discovered is None else discovered
    out = []
    for info in discovered:
        try:
            if info.problems:
                raise ModError(info.problems)
            ModSession(resolve([(info.id, f"=={info.manifest.version}")], discovered))
            out.append((info, None))
        except ModError as exc:
            out.append((info, "; ".join(exc.problems)))
    return out
