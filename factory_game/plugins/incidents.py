"""Incident kinds a mod adds (`river_register_incidents`): the checks what a mod registers (a `ModIncident`,
factory_game.catalog) must pass, and the simulation `IncidentKind` each one becomes for a world.

A mod's kind is named `<mod id>/<name>` (a level enables it in `[incidents] rates`). Its three functions are the
mod's code, so each call goes through the session's guard like a hook and a failure is named (mod, version,
`incident <mod>/<name> draw|start|answer`):
- `draw` runs once per onset while the world starts, on a `random.Random` seeded from the world's `incidents`
  stream (so sizes vary by seed, never with play, and a mod cannot shift the built-in kinds' draws);
- `start` (at the onset) and `answer` (the player's choice, or the default at the deadline) see the world's
  read-only view and answer commands from `factory_game.api`, carried out as the mod's (source `mod:<id>`), as
  `river_event`'s are.
"""

from __future__ import annotations

import inspect
import string
from collections.abc import Callable, Mapping
from random import Random
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from factory_game.catalog import ModIncident
from factory_game.plugins.manifest import ID, LANGUAGES
from factory_game.plugins.views import WorldView
from factory_game.sim.incidents import Incident, IncidentKind, Incidents, Params

if TYPE_CHECKING:
    from factory_game.plugins.session import LoadedMod, ModSession

MAX_CHOICES = 3  # the card has room for three buttons
MAX_DEADLINE_MS = 24 * 3_600_000
OFFERED = {"draw": ("rng", "level", "settings"),
           "start": ("world", "kind", "params", "rng", "settings", "state"),
           "answer": ("world", "kind", "params", "choice", "rng", "settings", "state")}


def check_incident(kind: ModIncident) -> list[str]:
    """Problems of a registered incident kind, each naming it and the field."""
    what = f"incident kind {kind.name!r}"
    problems = [] if isinstance(kind.name, str) and ID.match(kind.name) else \
        [f"{what}: name expected lowercase letters, digits, - and _ (like 'heatwave'); found {kind.name!r}"]
    choices = kind.choices
    if not isinstance(choices, tuple) or not 1 <= len(choices) <= MAX_CHOICES or \
            not all(isinstance(c, str) and ID.match(c) for c in choices) or len(set(choices)) != len(choices):
        problems.append(f"{what}: choices expected a tuple of 1 to {MAX_CHOICES} different ids, like "
                        f"(\"accept\", \"decline\"); found {choices!r}")
        choices = ()
    elif kind.default not in choices:
        problems.append(f"{what}: default expected one of its choices ({', '.join(choices)}); found {kind.default!r}")
    if type(kind.deadline_ms) is not int or not 0 < kind.deadline_ms <= MAX_DEADLINE_MS:
        problems.append(f"{what}: deadline_ms expected whole milliseconds from 1 to {MAX_DEADLINE_MS} (a day), like "
                        f"5 * MINUTE; found {kind.deadline_ms!r}")
    problems += _check_texts(what, kind.texts, ("title", "body", *choices))
    for part, offered in OFFERED.items():
        function = getattr(kind, part)
        if function is None and part == "start":
            continue
        if not callable(function):
            problems.append(f"{what}: {part} expected a function; found {function!r}")
            continue
        unknown = [name for name in _argnames(function) if name not in offered]
        if unknown:
            problems.append(f"{what}: {part} takes {', '.join(unknown)}, which is not offered; it may take any of "
                            f"{', '.join(offered)}")
    return problems


def _check_texts(what: str, texts: object, keys: tuple[str, ...]) -> list[str]:
    if not isinstance(texts, Mapping):
        return [f"{what}: texts expected a dict of {', '.join(keys)} -> {{\"en\": …, \"zh-CN\": …}}; found {texts!r}"]
    problems = []
    missing, extra = [k for k in keys if k not in texts], sorted(str(k) for k in texts if k not in keys)
    if missing or extra:
        problems.append(f"{what}: texts expected exactly {', '.join(keys)}"
                        + (f"; missing {', '.join(missing)}" if missing else "")
                        + (f"; not a title, body or choice: {', '.join(extra)}" if extra else ""))
    for key in keys:
        words = texts.get(key)
        if key in texts and (not isinstance(words, Mapping) or
                             not all(isinstance(words.get(lang), str) and words[lang].strip() for lang in LANGUAGES)):
            problems.append(f"{what}: texts[{key!r}] expected words in {' and '.join(LANGUAGES)}; found {words!r}")
    return problems


def _argnames(function: Callable) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def check_params(answer: object, kind: ModIncident) -> str | None:
    """What is wrong with a `draw` answer: None (it cannot happen on this level) or a dict of str -> a number or a
    string, holding every `{field}` of the body."""
    if answer is None:
        return None
    if not isinstance(answer, dict) or not all(isinstance(k, str) and type(v) in (int, float, str)
                                                for k, v in answer.items()):
        return f"answered {answer!r}; expected None or a dict of name -> int, float or str (the incident's sizes)"
    fields = {name for lang in LANGUAGES
              for _text, name, _spec, _conv in string.Formatter().parse(kind.texts["body"][lang]) if name}
    missing = sorted(fields - {shown_name(key) for key in answer})
    if missing:
        return (f"answered {sorted(answer)}; the body's text names {', '.join(missing)}, which the sizes lack "
                "(a size `x_ms` is shown as {x}, `x_cents` as {x})")
    return None


def shown_name(key: str) -> str:
    """The name a drawn size has in the card's text: `*_ms` and `*_cents` lose their unit (the card formats them)."""
    for unit in ("_ms", "_cents"):
        if key.endswith(unit):
            return key[:-len(unit)]
    return key


def simulation_kind(session: ModSession, mod: LoadedMod, kind: ModIncident,
                    check_commands: Callable[[Any], str | None]) -> IncidentKind:
    """The `IncidentKind` a world runs for a mod's kind: each part a guarded call into the mod, its commands
    checked by `check_commands` and carried out as the mod's."""
    name = f"{mod.id}/{kind.name}"
    hook = f"incident {name}"
    calls = {part: session.callback(mod, getattr(kind, part)) for part in OFFERED if getattr(kind, part) is not None}

    def draw(rng: Random, level) -> Params | None:
        seeded = Random(rng.getrandbits(64))  # the incidents stream moves by the same step whatever the mod draws
        args = {"rng": seeded, "level": level, "settings": session.settings[mod.id]}  # the level's, once read
        answer = session.call_before_run(mod, f"{hook} draw", calls["draw"], args,
                                         lambda answer: check_params(answer, kind))
        return dict(answer) if answer is not None else None

    def act(part: str, incidents: Incidents, incident: Incident, choice: str | None = None) -> None:
        world = incidents.host
        offered = {"world": WorldView(world), "kind": kind.name, "params": MappingProxyType(incident.params),
                   "choice": choice}
        answer = session.ask(mod, f"{hook} {part}", calls[part], offered, world, check_commands)
        for command in answer or ():
            world.apply(command, source=f"mod:{mod.id}")

    start = (lambda incidents, incident: act("start", incidents, incident)) if "start" in calls else \
        (lambda _incidents, _incident: None)
    return IncidentKind(name, kind.choices, kind.default, kind.deadline_ms, draw,
                        lambda incidents, incident, choice: act("answer", incidents, incident, choice), start,
                        MappingProxyType({key: MappingProxyType(dict(words)) for key, words in kind.texts.items()}))
