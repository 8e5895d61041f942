"""Levels: TOML files into validated, frozen `LevelSpec`s (schema in docs/levels.md)."""

from factory_game.level.errors import LevelError, Problem
from factory_game.level.loader import load_level, parse_level
from factory_game.sim.spec import LevelSpec

__all__ = ["LevelError", "LevelSpec", "Problem", "load_level", "parse_level"]
