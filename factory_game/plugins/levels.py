"""Levels that mods ship: a `levels/` folder beside a mod's `mod.toml` (in a folder mod or an installed package)
holds level files, named `<mod id>/<file stem>` — `factory-game run dual-image/rush`, listed by `factory-game
levels` and in the game's level select after the bundled ones."""

from __future__ import annotations

from pathlib import Path

from factory_game.level.bundled import resolve_level
from factory_game.plugins.discovery import ModInfo, discover


def mod_levels(discovered: list[ModInfo] | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every level the usable mods ship, sorted by name."""
    out = []
    for info in discover() if discovered is None else discovered:
        if info.manifest is None or info.problems or info.shadowed_by or info.folder is None:
            continue
        for path in sorted((info.folder / "levels").glob("*.toml")):
            out.append((f"{info.id}/{path.stem}", path))
    return sorted(out)


def find_level(name: str) -> Path:
    """A path, a bundled level's name, or a mod's level `<mod>/<level>`; otherwise the path as given (loading it
    then reports it missing, naming it)."""
    path = resolve_level(name)
    if path.exists():
        return path
    return dict(mod_levels()).get(name, path)
