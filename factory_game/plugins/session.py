"""The mods of one run, loaded: the catalog they build, the `Rules` they make, the observers they attach, and
the failures seen.

pluggy registers and validates the implementations and decides their order; this module then calls each
implementation itself, one at a time, through a `Guard` (plugins/guard.py), because pluggy does not isolate
errors. Rules are handed read-only views (plugins/views.py), never the simulation's own objects. A mod that
raises, runs too long, touches the global `random`, or answers nonsense is named (mod, version, hook). A strict
session (the headless default) then raises ModFailed; a lenient one (play, `--lenient`) switches the mod off,
tells whoever listens (`on_failure`), and asks the next rule — in the end the built-in one — so the task still
gets a price, a place and an answer.
"""

from __future__ import annotations

import difflib
import logging
import math
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import pluggy

from factory_game import __version__
from factory_game.api import PROJECT
from factory_game.catalog import Catalog, DuplicateIdError, ModIncident, Provider
from factory_game.level.reader import Reader
from factory_game.level.schema import read_value
from factory_game.plugins import builtin as builtin_plugin
from factory_game.plugins import hookspecs
from factory_game.plugins.audit import internal_imports, snapshot, undo_changes
from factory_game.plugins.builtin import BUILTIN_ID
from factory_game.plugins.discovery import ModInfo, discover
from factory_game.plugins.errors import ModError, ModFailed, ModFailure
from factory_game.plugins.guard import DEFAULT_BUDGET_S, Guard, audit_module
from factory_game.plugins.incidents import check_incident, simulation_kind
from factory_game.plugins.provenance import describe_mods
from factory_game.plugins.registered import check_content, check_id_and_names, check_model
from factory_game.plugins.resolve import resolve
from factory_game.plugins.views import CustomerView, TaskView, WorldView
from factory_game.sim.commands import Command
from factory_game.sim.incidents import KINDS, IncidentKind
from factory_game.sim.rules import RULES, Rule, Rules, check_price
from factory_game.sim.spec import ContentSpec, ModelSpec

log = logging.getLogger("factory_game.mods")
RULE_BY_NAME = {rule.name: rule for rule in RULES}

HOOKS = tuple(sorted(name for name in vars(hookspecs) if name.startswith("river_")))
IMPL_MARK = f"{PROJECT}_impl"  # the attribute pluggy's hookimpl marker sets on a function
SWITCHED_OFF = "switched off with all its hooks; the built-in rules answer in its place"  # lenient mode
MODS_PACKAGE = "river_mods"  # a loaded mod is importable as river_mods.<id with - as _>, for the mods after it


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
              mod_dirs: Iterable[Path] | None = None, budget_s: float = DEFAULT_BUDGET_S) -> ModSession:
    """Discover, resolve (raising ModError with every problem) and load the mods a level asks for."""
    requests = list(requests)
    mods = resolve(requests, discover(mod_dirs)) if requests else []
    return ModSession(mods, strict=strict, budget_s=budget_s, order=[mod_id for mod_id, _c in requests])


class ModSession:
    def __init__(self, mods: Iterable[ModInfo] = (), strict: bool = True,
                 budget_s: float = DEFAULT_BUDGET_S, order: Iterable[str] = ()) -> None:
        self.strict = strict
        self.order = list(order)  # the level's mods list, in its order: price adjustments apply in this order
        self.failures: list[ModFailure] = []
        self.disabled: set[str] = set()
        self.notes: list[str] = []  # warnings worth a line before a run (a shadowed rule, an internal import)
        self.guard = Guard(budget_s)
        self._alerts: list[Callable[[ModFailure], None]] = []
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(builtin_plugin, name=BUILTIN_ID)
        self.mods = [LoadedMod(BUILTIN_ID, __version__, builtin_plugin, None)]
        self.infos: list[ModInfo] = list(mods)
        problems: list[str] = []
        for info in self.infos:
            try:
                before = snapshot()
                plugin = info.load()
                patched = undo_changes(info.source, before)
                if patched:
                    problems.append(f"mod {info.label} ({info.source}) changes the game's own code as it is "
                                    f"imported ({', '.join(patched[:5])}{' …' if len(patched) > 5 else ''}): "
                                    "a mod may only use factory_game.api and its hooks; the change was undone")
                    continue
                audit_module(plugin.__name__)
                self.notes += [f"mod {info.label} imports {found}: only factory_game.api is kept stable for mods"
                               for found in internal_imports(plugin)]
                _check_hook_names(plugin)
                self.pm.register(plugin, name=info.id)
                try:
                    self.pm.check_pending()  # a decorated function that is not a hook (`rivr_price`)
                    _check_registered(self.pm, info.id)
                except BaseException:
                    self.pm.unregister(name=info.id)
                    raise
            except Exception as exc:  # an import error, a bad hook signature: the mod's fault, named
                message = " ".join(str(exc).split())  # pluggy's messages span lines
                problems.append(f"mod {info.label} ({info.source}) cannot be loaded: {type(exc).__name__}: {message}")
                continue
            _make_importable(info.id, plugin)
            self.mods.append(LoadedMod(info.id, info.read.version, plugin, info.folder))
        if problems:
            raise ModError(problems)
        self._by_name = {mod.id: mod for mod in self.mods}
        self.guard.expected = [(mod.id, hook) for mod in self.mods[1:] for hook in self.hooks_of(mod.id)]
        self._described = describe_mods(self.infos)
        self.settings = {info.id: MappingProxyType({s.name: s.default for s in info.read.settings})
                         for info in self.infos}  # per mod: the level's settings (read_settings) or the defaults
        self._routed: tuple[set[str], tuple] = (set(), ())  # models the mods' route rule sent a task to, the models
        # how the world and a rule's arguments reach a mod: the read-only view of the last object of each kind (the
        # price and the priority of one task are asked one after the other); other arguments are handed as they are
        self._viewers = {"world": _LastView(WorldView), "customer": _LastView(CustomerView),
                         "task": _LastView(TaskView)}
        self.catalog = self._build_catalog()
        self.incident_kinds: dict[str, IncidentKind] = {**KINDS, **{  # what a World of this session is handed
            name: simulation_kind(self, self._by_name[name.split("/", 1)[0]], kind, _check_commands)
            for name, kind in self.catalog.incidents.items()}}
        self._check_metrics()
        self._note_shadowed_rules()

    # ---------------------------------------------------------------------------------------------- public face
    def on_failure(self, callback: Callable[[ModFailure], None]) -> None:
        """`callback(failure)` is called when a lenient session switches a mod off (the game shows an alert)."""
        self._alerts.append(callback)

    def rules(self) -> Rules:
        """The rules for a World: each one the mods' answer, falling back to the built-in rule; the price then goes
        through the mods' price adjustments."""
        rules = {rule.name: self._rule(rule) for rule in RULES}
        rules["price"] = self._adjusted(rules["price"])
        return Rules(**rules)

    def adjusters(self) -> list[tuple[LoadedMod, pluggy.HookImpl]]:
        """The mods' river_adjust_price, in the level's order of its mods (then load order for the others)."""
        chain = [(mod, impl) for mod, impl in reversed(self._chain("river_adjust_price")) if mod.id != BUILTIN_ID]
        rank = {mod_id: index for index, mod_id in enumerate(self.order)}
        return sorted(chain, key=lambda item: rank.get(item[0].id, len(rank)))  # stable: load order among the rest

    def _adjusted(self, price_rule: Callable) -> Callable:
        chain = self.adjusters()
        if not chain:
            return price_rule
        viewers = self._viewers

        def adjusted(world, customer, task):
            price = price_rule(world, customer, task)
            offered = {"world": viewers["world"](world), "customer": viewers["customer"](customer),
                       "task": viewers["task"](task)}
            for mod, impl in chain:
                offered["price"] = price
                answer = self.ask(mod, "river_adjust_price", impl, offered, world,
                                  lambda answer: check_price(answer, world, customer, task))
                if answer is not None:
                    price = answer
            return price

        return adjusted

    def state(self, world, mod_id: str) -> dict:
        """The mod's own dict for this run: empty when the world starts, kept across the run's hook calls. A replay
        or a loaded save rebuilds it by running the same hooks again, so it needs no saving of its own."""
        return world.attached.setdefault("mod states", {}).setdefault(mod_id, {})  # kept by the world, ends with it

    def record(self) -> dict:
        """What a run records about its mods: each loaded mod's id, version, source, sha256 of its files and the
        settings it ran with; the failures (a lenient run lists the mods it switched off); `mod_notes` when there are
        any (shadowed rules, internal imports, a model left without work). Saves and `--replay` compare `mods`
        with this."""
        used = [{**mod, "settings": dict(self.settings.get(mod["id"], {}))} for mod in self._described]
        return {"mods": used,
                "mod_failures": [{"mod": f.mod_id, "version": f.version, "hook": f.hook, "time_ms": f.time_ms,
                                  "message": f.message, "switched_off": not self.strict} for f in self.failures],
                **({"mod_notes": self.all_notes()} if self.all_notes() else {})}

    def all_notes(self) -> list[str]:
        """The notes known before a run, then those a run found (a mod's model that got no work)."""
        return self.notes + self.starved_models()

    def read_settings(self, level: object, problem: Callable) -> list:
        """The level's `settings = { ... }` for each of its mods, read against the settings the mod declares in its
        mod.toml, by the level schema's reader (same units, ranges, messages). Returns the problems, each made by
        `problem(key, expected, found)`; the values (defaults where the level is silent) go to `settings`."""
        problems = []
        declared = {info.id: info.read.settings for info in self.infos}
        self.settings = {mod_id: MappingProxyType({s.name: s.default for s in specs})
                         for mod_id, specs in declared.items()}
        entries = level.get("mods", []) if isinstance(level, dict) else []
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or "settings" not in entry or entry.get("id") not in declared:
                continue
            table = Reader(entry["settings"], f"level.mods.{index}.settings",
                           lambda key, expected, found: problems.append(problem(key, expected, found)))
            if table.ok:
                values = {s.name: read_value(table, s.meta, s.default) for s in declared[entry["id"]]}
                table.finish()
                self.settings[entry["id"]] = MappingProxyType(values)
        return problems

    def hooks_of(self, mod_id: str) -> list[str]:
        """The hooks a loaded mod implements, sorted."""
        return sorted(hook for hook in HOOKS for impl in getattr(self.pm.hook, hook).get_hookimpls()
                      if impl.plugin_name == mod_id)

    def attach(self, world) -> None:
        """Subscribe the mods' observers to `world`'s events (nothing, when no mod observes) and add the mods'
        metrics to its summary (nothing, when no mod declares any)."""
        if self.catalog.metrics:
            world.add_summary_section("mods", lambda: self.metric_values(world))
        for event in world.spec.events:
            if event.kind in self.catalog.events:
                world.call_at(event.at_ms, lambda event=event: self.deliver(world, event))
        chain = [(mod, impl) for mod, impl in self._chain("river_observe") if mod.id != BUILTIN_ID]
        if not chain:
            return
        offered = {"level": world.spec}

        def observe(event) -> None:
            offered["event"] = event
            for mod, impl in chain:
                self.ask(mod, "river_observe", impl, offered, world)

        world.subscribe(observe)

    def deliver(self, world, event) -> None:
        """A level's event of a mod's kind, at its time: the mod's `river_event` is asked, and the commands it answers
        are carried out through `world.apply` as the mod's (source `mod:<id>`: a replay derives them again, never
        replays them as the player's). A switched-off mod misses its events."""
        mod_id, name = event.kind.split("/", 1)
        (impl,) = [impl for owner, impl in self._chain("river_event") if owner.id == mod_id]
        offered = {"world": WorldView(world), "kind": name, "params": MappingProxyType(dict(event.params))}
        answer = self.ask(self._by_name[mod_id], "river_event", impl, offered, world, _check_commands)
        for command in answer or ():
            world.apply(command, source=f"mod:{mod_id}")

    def metric_values(self, world) -> dict:
        """`{mod id: {metric: value}}` for the mods that declare metrics, each mod's `river_metrics` asked now. A
        mod a lenient session switched off reports 0 for each of its metrics (the run goes on; its goals show it)."""
        out: dict = {}
        declared = {info.id: info.read.metrics for info in self.infos if info.read.metrics}
        for mod, impl in reversed(self._chain("river_metrics")):  # load order
            metrics = declared[mod.id]
            answer = self.ask(mod, "river_metrics", impl, {"world": WorldView(world)}, world,
                              partial(_check_metric_values, metrics=metrics), none_ok=False)
            if answer is None:  # switched off now or before
                answer = {metric.name: 0 for metric in metrics}
            out[mod.id] = {metric.name: answer[metric.name] for metric in metrics}  # declared order
        return out

    def ask(self, mod: LoadedMod, hook: str, impl: pluggy.HookImpl, offered: dict, world,
            check: Callable[[Any], str | None] | None = None, none_ok: bool = True) -> Any:
        """The one way a mod's hook is called during a run: skipped (None) when the mod is switched off; handed the
        arguments it names from `offered` plus its own `rng` stream, `settings` and `state`; run through the guard;
        its answer checked (`check(answer)` names what is wrong; None passes unless `none_ok` is False). A failure
        is reported (`_fail`: strict raises ModFailed) and the answer is None, as when the mod passes."""
        if mod.id in self.disabled:
            return None
        wants = impl.argnames
        if "rng" in wants:
            offered["rng"] = world.rng.stream(f"mod/{mod.id}")
        if "settings" in wants:
            offered["settings"] = self.settings[mod.id]
        if "state" in wants:
            offered["state"] = self.state(world, mod.id)
        return self._answer(mod, hook, impl.function, tuple(offered[name] for name in wants), world, check, (),
                            none_ok)

    def _answer(self, mod: LoadedMod, hook: str, function: Callable, args: tuple, world,
                check: Callable[..., str | None] | None, check_args: tuple = (), none_ok: bool = True) -> Any:
        """`ask` once the arguments are in order: the call through the guard, `check(answer, *check_args)`, and
        the failure reported (None then)."""
        answer, problem, error = self.guard.call(mod.id, hook, function, args, getattr(world, "now", None))
        if problem is None and check is not None and (answer is not None or not none_ok):
            problem = check(answer, *check_args)
        if problem is None:
            return answer
        self._fail(mod, hook, problem, error, world)
        return None

    def callback(self, mod: LoadedMod, function: Callable) -> pluggy.HookImpl:
        """A function a mod registered (an incident kind's draw, start, answer), shaped like a hook implementation
        so `ask` hands it the arguments it names."""
        opts = pluggy.HookimplOpts(wrapper=False, hookwrapper=False, optionalhook=False, tryfirst=False,
                                   trylast=False, specname=None)
        return pluggy.HookImpl(None, mod.id, function, opts)

    def call_before_run(self, mod: LoadedMod, hook: str, impl: pluggy.HookImpl, offered: dict,
                        check: Callable[[Any], str | None]) -> Any:
        """As `ask`, for a call while a world is being built (no rng stream, settings or state of its own are
        added): its failure is named and reported like a hook's."""
        if mod.id in self.disabled:
            return None
        answer, problem, error = self.guard.call(mod.id, hook, impl.function,
                                                 tuple(offered[name] for name in impl.argnames), 0)
        if problem is None:
            problem = check(answer)
        if problem is None:
            return answer
        self._fail(mod, hook, problem, error, None)
        return None

    # ------------------------------------------------------------------------------------------------- internals
    def _check_metrics(self) -> None:
        """A mod that declares metrics reports them, and one that reports declares them: either alone is a mistake.
        The same holds for event kinds and river_event."""
        reporting = {impl.plugin_name for impl in self.pm.hook.river_metrics.get_hookimpls()}
        receiving = {impl.plugin_name for impl in self.pm.hook.river_event.get_hookimpls()}
        problems = []
        for info in self.infos:
            if info.read.events and info.id not in receiving:
                names = ", ".join(event.name for event in info.read.events)
                problems.append(f"mod {info.label} declares events ({names}) in mod.toml but implements no "
                                "river_event to receive them")
            elif info.id in receiving and not info.read.events:
                problems.append(f"mod {info.label} implements river_event but declares no events: add an "
                                "[events.NAME] table (name, params) to its mod.toml for each kind")
            if info.read.metrics and info.id not in reporting:
                names = ", ".join(metric.name for metric in info.read.metrics)
                problems.append(f"mod {info.label} declares metrics ({names}) in mod.toml but implements no "
                                "river_metrics to report them")
            elif info.id in reporting and not info.read.metrics:
                problems.append(f"mod {info.label} implements river_metrics but declares no metrics: add a "
                                "[metrics.NAME] table (unit, description) to its mod.toml for each figure")
        if problems:
            raise ModError(problems)

    def _chain(self, hook: str) -> list[tuple[LoadedMod, pluggy.HookImpl]]:
        """Implementations in pluggy's call order: last loaded first, so the built-in plugin comes last."""
        impls = getattr(self.pm.hook, hook).get_hookimpls()
        return [(self._by_name[impl.plugin_name], impl) for impl in reversed(impls)]

    def _rule_chain(self, rule: Rule) -> list[tuple[LoadedMod, pluggy.HookImpl]]:
        """The mods that take `rule`, in the order they are asked: `@hookimpl(tryfirst=True)` first and
        `trylast=True` last, and otherwise the mod *later* in the level's `mods` list first, so its answer wins (as
        the later price adjustment has the last word); mods the level does not list (dependencies) after those."""
        chain = self._chain(rule.hook)
        # The built-in rule always answers, so mods ordered after it (trylast) are never asked, as with pluggy.
        chain = chain[:[mod.id for mod, _impl in chain].index(BUILTIN_ID)]
        rank = {mod_id: index for index, mod_id in enumerate(self.order)}
        return sorted(chain, key=lambda item: (not item[1].tryfirst, item[1].trylast, -rank.get(item[0].id, -1)))

    def _note_shadowed_rules(self) -> None:
        self.shadowed: list[tuple[str, str, list[str]]] = []  # (hook, the mod asked first, the others)
        for rule in RULES:
            chain = self._rule_chain(rule)
            if len(chain) > 1:
                first, *rest = (mod.origin for mod, _impl in chain)
                self.shadowed.append((rule.hook, chain[0][0].id, [mod.id for mod, _impl in chain[1:]]))
                self.notes.append(f"{rule.hook}: {first} and {', '.join(rest)} both take this rule; {first} is asked "
                                  f"first and its answer wins, {', '.join(rest)} only when it answers None (the mod "
                                  "later in the level's mods list wins; reorder the list, or mark a hook "
                                  "@hookimpl(tryfirst=True), to choose"
                                  + ("; river_adjust_price composes)" if rule.name == "price" else ")"))

    def tell_shadowed(self, alert: Callable[..., None]) -> None:
        """`alert("mod_shadowed", hook=…, mod=…, others=…)` for each rule two mods take: the game's alerts line."""
        for hook, first, others in self.shadowed:
            alert("mod_shadowed", hook=hook, mod=first, others=", ".join(others))

    def starved_models(self) -> list[str]:
        """Mods' models the last run's mod route rules left without a single task while another model serving the
        same content got work (a second mod's river_route answering for everything)."""
        routed, specs = self._routed
        if not routed:
            return []
        out = []
        routers = ", ".join(mod.origin for mod, _impl in self._rule_chain(RULE_BY_NAME["route"]))
        for model in specs:
            origin = self.catalog.origin.get(f"model:{model.id}", "")
            if not origin.startswith("mod ") or model.id in routed:
                continue
            busy = [other.id for other in specs if other.id != model.id and other.id in routed
                    and set(other.content) & set(model.content)]
            if busy:
                out.append(f"model {model.id} ({origin}) got no work: the route rule ({routers}) sent every task "
                           f"it could serve to {', '.join(busy)}")
        return out

    def _rule(self, rule: Rule) -> Callable:
        """The rule as the World calls it: the mods that take it asked in turn, the first answer that is not None
        wins, else the built-in rule. Called on every task, so what can be settled once is settled here: each mod's
        arguments are picked by position from the rule's (its views made once per object, see `_LastView`), and
        its answer check is made once; only a mod that names `rng`, `settings`, `state` or `models` goes through the
        general `ask`."""
        chain = self._rule_chain(rule)
        direct = rule.default
        if not chain:
            return direct  # no mod takes this rule over: the hot path pays nothing for mods
        hook, check, names = rule.hook, rule.check, rule.args
        viewers = [self._viewers.get(name) for name in names]
        disabled = self.disabled
        shape = _KeyShape() if rule.name == "priority_key" else None
        world_views = self._viewers["world"]
        asking = [(mod, impl, _picker(impl.argnames, names), _rule_check(check, shape, mod)) for mod, impl in chain]

        def ruled(*args):
            world = args[0]
            seen = [value if viewer is None else viewer(value) for viewer, value in zip(viewers, args, strict=True)]
            asked = None
            for mod, impl, pick, checked in asking:
                if mod.id in disabled:
                    continue
                asked = asked or mod
                if pick is not None:
                    answer = self._answer(mod, hook, impl.function, pick(seen), world, checked, args)
                else:
                    offered = dict(zip(names, seen, strict=True))
                    if "models" in impl.argnames:
                        offered["models"] = world_views(world).serving[args[2].content]
                    answer = self.ask(mod, hook, impl, offered, world,
                                      lambda answer, checked=checked: checked(answer, *args))
                if answer is not None:
                    return answer
            answer = direct(*args)
            if shape is not None and asked is not None and asked.id not in disabled:
                problem = shape.check(answer, None)
                if problem is not None:
                    self._fail(asked, hook, problem, None, world)
            return answer

        return self._noting_routes(ruled) if rule.name == "route" else ruled

    def _noting_routes(self, ruled: Callable) -> Callable:
        """The route rule, noting each model of the current world it sent a task to (for `starved_models`)."""
        def routed(world, customer, task):
            model = ruled(world, customer, task)
            models, specs = self._routed
            if specs is not world.spec.models:
                models, specs = self._routed = (set(), world.spec.models)
            models.add(model)
            return model

        return routed

    def _fail(self, mod: LoadedMod, hook: str, message: str, error: BaseException | None, world) -> None:
        trace = "".join(traceback.format_exception(error)) if error is not None else ""
        failure = ModFailure(mod.id, mod.version, hook, message, trace, getattr(world, "now", None))
        self.failures.append(failure)
        self.disabled.add(mod.id)
        outcome = "stops the run" if self.strict else SWITCHED_OFF
        log.info("%s (%s)\n%s", failure, outcome, trace)  # --verbose shows it; the CLI and the game say it once
        if self.strict:
            raise ModFailed(failure) from (error if isinstance(error, Exception) else None)
        for alert in self._alerts:
            alert(failure)

    def _build_catalog(self) -> Catalog:
        """Content first (every mod, in load order), then providers, so a model may serve any mod's content."""
        catalog = Catalog()
        problems: list[str] = []
        for hook, kind in (("river_register_content", ContentSpec), ("river_register_providers", Provider),
                           ("river_register_incidents", ModIncident)):
            for mod, impl in reversed(self._chain(hook)):
                register = _Register(catalog, mod, hook, kind, problems)
                _answer, problem, _error = self.guard.call(mod.id, hook, impl.function,  # before any world: no ask
                                                           (register,) * len(impl.argnames))
                if problem is not None:
                    problems.append(f"{mod.origin} failed in {hook}: {problem}")
        if not problems:  # a model serving unregistered content only matters once registration itself is sound
            for model in catalog.models.values():
                for content in model.content:
                    if content not in catalog.content:
                        problems.append(f"{catalog.origin[f'model:{model.id}']}: model {model.id!r} serves content "
                                        f"type {content!r}, which no loaded mod registers")
        if problems:
            raise ModError(problems)
        for info in self.infos:
            for metric in info.read.metrics:
                catalog.metrics[f"mods.{info.id}.{metric.name}"] = metric.metric
            for event in info.read.events:
                catalog.events[f"{info.id}/{event.name}"] = event.params
        return catalog


class _LastView:
    """`view(obj)`: the read-only view of `obj`, made again only when `obj` is not the last one seen (a view is live
    and immutable, so one view serves every call about the same object; a rule is called thousands of times a run)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self.make = make
        self.seen: object = None
        self.view: Any = None

    def __call__(self, obj: object) -> Any:
        if obj is not self.seen or self.view is None:
            self.seen, self.view = obj, self.make(obj)
        return self.view


def _picker(wants: list[str] | tuple[str, ...], names: tuple[str, ...]) -> Callable[[list], tuple] | None:
    """The arguments a mod's hook names (`wants`), picked by position from the rule's (`names`); None when it
    names others (rng, settings, state, models: the general `ask` hands those)."""
    if not set(wants) <= set(names):
        return None
    positions = [names.index(name) for name in wants]
    if len(positions) == 1:
        only = positions[0]
        return lambda seen: (seen[only],)
    if not positions:
        return lambda _seen: ()
    return itemgetter(*positions)


def _rule_check(check: Callable[..., str | None], shape: _KeyShape | None,
                mod: LoadedMod) -> Callable[..., str | None]:
    """`checked(answer, *rule_args)`: the rule's check of a mod's answer, then the priority key's shape."""
    if shape is None:
        return check
    return lambda answer, *args: check(answer, *args) or shape.check(answer, mod)


def _check_commands(answer) -> str | None:
    if not isinstance(answer, list | tuple) or not all(isinstance(c, Command) for c in answer):
        return f"answered {answer!r}; expected None or a list of commands (factory_game.api)"
    return None


class _KeyShape:
    """Priority keys of one run share one length: keys of different schemes (the built-in `(class, time)` and a
    mod's `(time,)`) compare without error and order nonsense, so the first key fixes the shape."""

    def __init__(self) -> None:
        self.length: int | None = None
        self.origin = ""

    def check(self, key: tuple, mod: LoadedMod | None) -> str | None:
        origin = mod.origin if mod is not None else "the built-in rule"
        if self.length is None:
            self.length, self.origin = len(key), origin
            return None
        if len(key) == self.length:
            return None
        if mod is None:
            return (f"passed (None), so the built-in key {key!r} ({len(key)} numbers) joins keys of "
                    f"{self.length} numbers ({self.origin}) in one queue: answer for every task, or answer keys "
                    "shaped like builtin_priority_key's")
        return (f"answered {key!r} ({len(key)} numbers); keys in this run have {self.length} numbers "
                f"(the first came from {self.origin}): every key in a queue needs the same shape")


def _check_metric_values(answer, metrics) -> str | None:
    """What is wrong with a `river_metrics` answer: a dict of every declared name -> a finite number, no others."""
    if not isinstance(answer, dict):
        return f"answered {answer!r}; expected a dict of metric name -> number"
    names = [metric.name for metric in metrics]
    missing = [name for name in names if name not in answer]
    extra = sorted(str(name) for name in answer if name not in names)
    if missing or extra:
        return (f"answered {sorted(map(str, answer))}; expected exactly the metrics mod.toml declares "
                f"({', '.join(names)})"
                + (f": missing {', '.join(missing)}" if missing else "")
                + (f"; not declared: {', '.join(extra)}" if extra else ""))
    for name, value in answer.items():
        if type(value) not in (int, float) or not math.isfinite(value):
            shown = " (a bool is not a number: use int(...))" if type(value) is bool else ""
            return f"answered {name} = {value!r}{shown}; expected a finite number (int or float)"
    return None


def _check_hook_names(plugin: object) -> None:
    """`river_*` names that are not hooks, and hooks without the @hookimpl marker, are mistakes, not silence."""
    problems = []
    for name in sorted(dir(plugin)):
        value = getattr(plugin, name, None)
        if not name.startswith("river_") or not callable(value):
            continue
        if name not in HOOKS:
            close = difflib.get_close_matches(name, HOOKS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"{name} is not a hook{hint}; the hooks: {', '.join(HOOKS)}")
        elif not hasattr(value, IMPL_MARK):
            problems.append(f"{name} is not marked @hookimpl (from factory_game.api import hookimpl), so it "
                            "would never be called")
    if problems:
        raise ModError(problems)


def _check_registered(pm: pluggy.PluginManager, mod_id: str) -> None:
    hooks = [impl for hook in HOOKS for impl in getattr(pm.hook, hook).get_hookimpls() if impl.plugin_name == mod_id]
    if not hooks:
        raise ModError(["implements no hook: mark functions named after hooks with @hookimpl (for an installed "
                        "package, in the module its entry point names, or in mod.py beside mod.toml)"])
    wrappers = sorted(impl.function.__name__ for impl in hooks if impl.hookwrapper or impl.wrapper)
    if wrappers:
        raise ModError([f"{', '.join(wrappers)}: hook wrappers are not supported; return an answer"])


def _make_importable(mod_id: str, plugin: ModuleType) -> None:
    """Let a mod import the mods it depends on: `from river_mods import base` (ids with - become _)."""
    package = sys.modules.get(MODS_PACKAGE)
    if package is None:
        package = sys.modules[MODS_PACKAGE] = ModuleType(MODS_PACKAGE, "The loaded mods, by id (- as _).")
        package.__path__ = []
    name = mod_id.replace("-", "_")
    setattr(package, name, plugin)
    sys.modules[f"{MODS_PACKAGE}.{name}"] = plugin


class _Register:
    """The `register` callback a registration hook is handed: checks what a mod registers and notes its origin."""

    def __init__(self, catalog: Catalog, mod: LoadedMod, hook: str, kind: type, problems: list[str]) -> None:
        self.catalog, self.mod, self.hook, self.kind, self.problems = catalog, mod, hook, kind, problems

    def __call__(self, item: object) -> None:
        where = f"{self.mod.origin} in {self.hook}"
        if not isinstance(item, self.kind):
            self.problems.append(f"{where}: expected a {self.kind.__name__}; found {item!r}")
            return
        content = item if isinstance(item, ContentSpec) else None
        provider = item if isinstance(item, Provider) else None
        incident = item if isinstance(item, ModIncident) else None
        problems = check_content(content, self.mod.folder) if content is not None else \
            _check_provider(provider) if provider is not None else \
            check_incident(incident) if incident is not None else []
        if problems:
            self.problems += [f"{where}: {problem}" for problem in problems]
            return
        try:
            if content is not None:
                self.catalog.add_content(_with_icon_path(content, self.mod), self.mod.origin)
            elif provider is not None:
                self.catalog.add_provider(provider, self.mod.origin)
            elif incident is not None:
                self.catalog.add_incident(f"{self.mod.id}/{incident.name}", incident, self.mod.origin)
        except DuplicateIdError as exc:
            self.problems.append(str(exc))


def _with_icon_path(content: ContentSpec, mod: LoadedMod) -> ContentSpec:
    """A mod's icon PNG, named relative to its folder, becomes an absolute path the game can load."""
    if content.icon.endswith(".png") and mod.folder is not None:
        return ContentSpec(content.id, content.price_cents, dict(content.names), str(mod.folder / content.icon))
    return content


def _check_provider(provider: Provider) -> list[str]:
    problems = check_id_and_names(f"provider {provider.id!r}", provider.id, provider.names)
    if not isinstance(provider.models, tuple | list):
        return [*problems, f"provider {provider.id!r}: models expected a tuple of ModelSpec; found {provider.models!r}"]
    for model in provider.models:
        if not isinstance(model, ModelSpec):
            problems.append(f"provider {provider.id!r}: expected ModelSpec models; found {model!r}")
            continue
        problems += check_model(model)
    return problems


def mod_states(discovered: list[ModInfo] | None = None) -> list[tuple[ModInfo, str | None, list[str]]]:
    """Each discovered mod, why it cannot be used (None: it loads, with its dependencies) and its hooks."""
    discovered = discover() if discovered is None else discovered
    out: list[tuple[ModInfo, str | None, list[str]]] = []
    for info in discovered:
        try:
            if info.problems:
                raise ModError(info.problems)
            if info.shadowed_by:
                raise ModError([f"shadowed by {info.shadowed_by} (a folder mod wins over an installed package "
                                "with the same id)"])
            session = ModSession(resolve([(info.id, f"=={info.read.version}")], discovered, wanted_by="loading"))
            out.append((info, None, session.hooks_of(info.id)))
        except ModError as exc:
            out.append((info, "; ".join(exc.problems), []))
    return out
