"""The levels that ship with the game (`levels/`, found by :mod:`factory_game.paths`), and how a short name such as
`campaign/01-opening-day` finds its file."""

from __future__ import annotations

from pathlib import Path

from factory_game.paths import LEVELS_DIR


def bundled_levels() -> list[Path]:
    return sorted(LEVELS_DIR.rglob("*.toml"))


def resolve_level(name: str) -> Path:
    """A path, or a bundled level named by file stem or relative path."""
    path = Path(name)
    if path.exists():
        return path
    for candidate in bundled_levels():
        relative = candidate.relative_to(LEVELS_DIR).with_suffix("")
        if name in (candidate.stem, str(relative)):
            return candidate
    return path  # load_level reports it missing, naming the path
