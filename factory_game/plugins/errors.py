"""Mod errors a person can act on: each names the mods, their versions and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ModError(Exception):
    """Mods cannot be loaded as asked (missing, wrong version, bad manifest, duplicate id …): every problem at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ModFailure:
    """A mod raised (or answered nonsense) inside a hook during a run. The game shows this as an alert."""

    mod_id: str
    version: str
    hook: str
    message: str  # the exception, one line
    traceback: str = ""
    time_ms: int | None = None  # simulated time, when the hook had a world

    def __str__(self) -> str:
        at = f" at t={self.time_ms}ms" if self.time_ms is not None else ""
        return f"mod {self.mod_id} {self.version} failed in {self.hook}{at}: {self.message}"


class ModFailed(Exception):
    """Strict mode: a mod failed during a run, which stops the run (exit code 2 on the command line)."""

    def __init__(self, failure: ModFailure) -> None:
        self.failure = failure
        self.partial: Any = None  # the runner's RunResult of the part that ran, when a run stopped
        super().__init__(str(failure))
