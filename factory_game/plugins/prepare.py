"""The one door from a level file to a running world. `prepare_level` reads the level's `mods` list, opens those
mods once, validates the level against their catalog and returns a `PreparedLevel`; its `start` builds the World
with the mods attached and its `replay` moves a world through recorded commands. The runner, `validate`, saves and
the game all come in this way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from factory_game.builtin import builtin_catalog
from factory_game.level.loader import read_level
from factory_game.plugins.errors import ModError
from factory_game.plugins.session import ModSession, open_mods
from factory_game.sim.commands import Command
from factory_game.sim.rules import Rules
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World

Progress = Callable[[int, int], None]  # progress(now_ms, end_ms)


class PreparedLevel(NamedTuple):
    """A validated level with its mods open: `rules` are theirs, `session` reports their failures."""

    spec: LevelSpec
    rules: Rules
    session: ModSession

    @classmethod
    def from_spec(cls, spec: LevelSpec, session: ModSession | None = None, rules: Rules | None = None,
                  lenient: bool = False) -> PreparedLevel:
        """A level built in code (levelkit) rather than read from a file: its mods are opened here unless a
        `session` is given; `rules` replace the session's."""
        if session is None:
            session = open_mods(spec.mods, strict=not lenient)
        return cls(spec, rules if rules is not None else session.rules(), session)

    def start(self, seed: int | None = None, ledger_window: int | None = None) -> World:
        """A fresh world of this level (seed: the level's by default), the mods' observers attached. The mods a
        lenient session switches off stay off for every world started from it: open the level again for a clean
        slate."""
        world = World(self.spec, seed=seed, rules=self.rules, ledger_window=ledger_window,
                      incident_kinds=self.session.incident_kinds)
        self.session.attach(world)
        return world

    def replay(self, world: World, commands: Iterable[tuple[int, Command]], until_ms: int | None = None,
               progress: Progress | None = None) -> None:
        """Advance `world` to `until_ms` (default: the level's end), applying each (time, command) at its time, in
        time order; commands later than `until_ms` are not applied. `progress(now, end)` is called about 100 times."""
        end = self.spec.duration_ms if until_ms is None else until_ms
        for time, command in sorted(commands, key=lambda item: item[0]):
            _advance(world, min(time, end), end, progress)
            if time <= end:
                world.apply(command)
        _advance(world, end, end, progress)


def prepare_level(path: str | Path, overrides: Iterable[str] = (), lenient: bool = False) -> PreparedLevel:
    """Open a level file with its mods. LevelError names every problem, the mods that do not open included.

    `lenient` is how play behaves: a mod that fails during the run is switched off and reported through
    `session.failures` / `session.on_failure`. Otherwise (the headless default) the failure stops the run
    (ModFailed)."""
    document = read_level(path, overrides)
    try:
        session, unopened = open_mods(document.mods(), strict=not lenient), []
        unopened = session.read_settings(document.data.get("level"), document.problem)  # the mods' settings
    except ModError as exc:  # reported with the level's other problems, checked against the built-in content
        session = None
        unopened = [document.problem("level.mods", "mods that are installed and compatible", problem)
                    for problem in exc.problems or [str(exc)]]
    spec = document.build(builtin_catalog() if session is None else session.catalog, unopened)
    assert session is not None  # build raised if the mods did not open
    return PreparedLevel(spec, session.rules(), session)


def _advance(world: World, until: int, end: int, progress: Progress | None) -> None:
    if progress is None:
        world.advance(until)
        return
    step = max(1, end // 100)
    while world.now < until:
        world.advance(min(until, world.now + step))
        progress(world.now, end)
