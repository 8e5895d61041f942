"""One call from a level file to everything a run needs: the spec (validated against the catalog of its mods),
the rules those mods make, and the session that reports mod failures. The CLI, the tests and the game use it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from factory_game.level.loader import load_level
from factory_game.plugins.session import ModSession, open_mods
from factory_game.sim.rules import Rules
from factory_game.sim.spec import LevelSpec


class PreparedLevel(NamedTuple):
    spec: LevelSpec
    rules: Rules
    session: ModSession


def prepare_level(path: str | Path, overrides: Iterable[str] = (), lenient: bool = False) -> PreparedLevel:
    """Load and validate a level with its mods (LevelError names every problem, mods included).

    `lenient` is how play behaves: a mod that fails during the run is switched off and reported through
    `session.failures` / `session.on_failure`. Otherwise (headless default) the failure stops the run (ModFailed).
    Pass `session` to `run_level(..., mods=session)` so the mods' observers see the run too.
    """
    spec = load_level(path, overrides)
    session = open_mods(spec.mods, strict=not lenient)
    return PreparedLevel(spec, session.rules(), session)
