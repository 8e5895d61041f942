"""Watching a recorded run (`factory-game play LEVEL --replay run.json`): the recorded player commands applied at
their times as the clock runs, and seeking by re-simulating.

The world is deterministic, so a moment of a run is reached by starting a fresh world of the level and replaying the
commands up to it, exactly as `PreparedLevel.replay` (and so `run --replay`) does: advance to each command's time,
apply it, and never apply one later than the run's end. Seeking forward carries on the world on screen; seeking back
starts again from the beginning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from factory_game.plugins import PreparedLevel, prepare_level
from factory_game.sim.commands import Command
from factory_game.sim.world import World

SEEK_STEPS = 20  # [ and ] move by a twentieth of the run


class Cursor:
    """A world being replayed: which recorded command comes next."""

    def __init__(self, recording: Recording, world: World) -> None:
        self.recording = recording
        self.world = world
        self.next = 0
        self.carried_out: list[tuple[int, Command]] = []  # the recorded commands the world took, with their times

    def advance(self, target_ms: int) -> list[Command]:
        """Move the world to `target_ms` (at most the run's end), applying each recorded command due on the way at
        its own time; the commands the world carried out."""
        commands, world = self.recording.commands, self.world
        done = []
        target_ms = min(target_ms, self.recording.end_ms)
        while self.next < len(commands) and commands[self.next][0] <= target_ms:
            at, command = commands[self.next]
            world.advance(max(at, world.now))
            if world.apply(command).ok:
                done.append(command)
                self.carried_out.append((at, command))
            self.next += 1
        world.advance(max(target_ms, world.now))  # as `replay` does, even at the time of the last command
        return done


class Recording:
    """A run to watch: the level file, its recorded player commands (in time order, as `run --replay` applies them)
    and the seed. `on_world` sees each fresh world before it runs (a test subscribes an event log there)."""

    def __init__(self, level_path: Path, commands: Sequence[tuple[int, Command]], seed: int | None,
                 ledger_window: int | None, prepared: PreparedLevel | None = None) -> None:
        self.level_path = level_path
        self.commands = sorted(commands, key=lambda item: item[0])  # stable: equal times keep the file's order
        self.seed = seed
        self.ledger_window = ledger_window
        self._prepared = prepared
        self.end_ms = (prepared or self.prepare()).spec.duration_ms
        self.on_world: Callable[[World], None] | None = None
        self.tell_failure: Callable[[object], None] | None = None  # the view on screen: a mod switched off

    def prepare(self) -> PreparedLevel:
        """The level with its mods, lenient as play is; a fresh one for every world after the first, so a mod
        switched off in one attempt is on again in the next."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            prepared = prepare_level(self.level_path, lenient=True)
        prepared.session.on_failure(self._failed)
        return prepared

    def _failed(self, failure: object) -> None:
        if self.tell_failure is not None:
            self.tell_failure(failure)

    def start(self) -> tuple[PreparedLevel, Cursor]:
        """A fresh world at time 0, no command applied yet."""
        prepared = self.prepare()
        world = prepared.start(self.seed, self.ledger_window)
        if self.on_world is not None:
            self.on_world(world)
        return prepared, Cursor(self, world)

    def marks(self) -> list[int]:
        """The times of the recorded decisions within the run, for the timeline."""
        return [at for at, _command in self.commands if at <= self.end_ms]

    def step_ms(self) -> int:
        return max(1, self.end_ms // SEEK_STEPS)

    def neighbour_mark(self, now_ms: int, forward: bool) -> int:
        """The next (or previous) decision's time from `now_ms`; the run's end (or start) when there is none."""
        if forward:
            return next((at for at in self.marks() if at > now_ms), self.end_ms)
        return next((at for at in reversed(self.marks()) if at < now_ms), 0)
