"""From "the level needs these mods" to the mods to load, in load order, or every reason why not.

Load order is deterministic: a mod comes after the mods it depends on; among mods free to go next, the smaller
id goes first. Rules are asked last-loaded-first, so a mod can override the mods it depends on.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable

from factory_game import __version__ as GAME_VERSION
from factory_game.api import API_VERSION
from factory_game.plugins.builtin import BUILTIN_ID
from factory_game.plugins.discovery import ModInfo
from factory_game.plugins.errors import ModError
from factory_game.plugins.versions import satisfies


def resolve(requests: Iterable[tuple[str, str]], discovered: list[ModInfo],
            wanted_by: str = "the level") -> list[ModInfo]:
    """`requests` are (mod id, version constraint) pairs, as a level lists them. Raise ModError on any problem."""
    by_id: dict[str, list[ModInfo]] = {}
    for info in discovered:
        if info.shadowed_by is None:
            by_id.setdefault(info.id, []).append(info)
    problems: list[str] = []
    chosen: dict[str, ModInfo] = {}
    todo = [(mod_id, constraint, wanted_by) for mod_id, constraint in requests]
    while todo:
        mod_id, constraint, wanted_by = todo.pop(0)
        picked = _pick(mod_id, constraint, wanted_by, by_id, discovered, problems)
        if picked is None or mod_id in chosen:
            continue
        chosen[mod_id] = picked
        todo += [(dep, dep_constraint, f"mod {picked.label}") for dep, dep_constraint in picked.read.dependencies]
    order = [] if problems else _load_order(chosen, problems)
    if problems:
        raise ModError(list(dict.fromkeys(problems)))
    return order


def _pick(mod_id: str, constraint: str, wanted_by: str, by_id: dict[str, list[ModInfo]],
          discovered: list[ModInfo], problems: list[str]) -> ModInfo | None:
    wanted = f"{mod_id} {constraint}".strip()
    candidates = by_id.get(mod_id, [])
    if not candidates:
        broken = [info for info in discovered if info.manifest is None and info.folder is not None
                  and info.folder.name == mod_id]
        if broken:  # its manifest could not be read: say why, not "not installed"
            problems += [f"{wanted_by} needs mod {wanted}, whose manifest has a problem: {problem}"
                         for info in broken for problem in info.problems]
            return None
        if mod_id == BUILTIN_ID:  # the game's own content is not a mod: its version is the game's
            problems.append(f"{wanted_by} names {BUILTIN_ID!r} as a mod dependency; the built-in content comes with "
                            f"the game: require a game version instead, with game = \"{constraint or '>=0.1'}\" in "
                            "mod.toml")
            return None
        known = sorted({info.label for info in discovered if info.manifest})
        close = difflib.get_close_matches(mod_id, sorted({info.id for info in discovered if info.manifest}), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        unreadable = [f"{info.source}: {info.problems[0]}" for info in discovered
                      if info.manifest is None and info.problems]
        problems.append(f"{wanted_by} needs mod {wanted}, which is not installed{hint}"
                        f" (found: {', '.join(known) or 'no mods'})"
                        + (f"; mods that cannot be read: {'; '.join(unreadable)}" if unreadable else ""))
        return None
    if len(candidates) > 1:
        places = "; ".join(f"{info.label} from {info.source}" for info in candidates)
        problems.append(f"{wanted_by} needs mod {wanted}, and that id is defined by two mod folders: {places} "
                        "(remove or rename one)")
        return None
    info = candidates[0]
    if info.problems:
        problems += [f"{wanted_by} needs mod {wanted}, whose manifest or files have a problem: {p}"
                     for p in info.problems]
        return None
    try:
        ok = satisfies(info.read.version, constraint)
    except ValueError as exc:
        problems.append(f"{wanted_by} asks for mod {mod_id} with a bad version constraint: expected {exc}")
        return None
    if not ok:
        problems.append(f"{wanted_by} needs mod {wanted}; found {info.label} ({info.source})")
        return None
    if API_VERSION not in info.read.api:
        supported = ", ".join(str(v) for v in info.read.api)
        problems.append(f"mod {info.label} supports API version(s) {supported}; this game offers API {API_VERSION}")
        return None
    if info.read.game and not satisfies(GAME_VERSION, info.read.game):
        problems.append(f"mod {info.label} needs River Factory {info.read.game} (game in its mod.toml); this "
                        f"game is {GAME_VERSION}: update the game, or use a version of the mod made for this one")
        return None
    return info


def _load_order(chosen: dict[str, ModInfo], problems: list[str]) -> list[ModInfo]:
    """Kahn's algorithm with a heap of ids: dependencies first, then by id."""
    waiting = {mod_id: {dep for dep, _c in info.read.dependencies} for mod_id, info in chosen.items()}
    ready = [mod_id for mod_id, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[ModInfo] = []
    while ready:
        mod_id = heapq.heappop(ready)
        order.append(chosen[mod_id])
        del waiting[mod_id]
        for other, deps in waiting.items():
            if mod_id in deps:
                deps.discard(mod_id)
                if not deps:
                    heapq.heappush(ready, other)
    if waiting:
        cycle = ", ".join(chosen[mod_id].label for mod_id in sorted(waiting))
        problems.append(f"mods depend on each other in a cycle: {cycle}")
    return order
