"""Every outside change to the world (the player's clicks, the autopilot's decisions, scripted level events) is a
command that goes through `World.apply`, which records it with its time: (level, seed, player commands) replays
a run exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar


class CommandRejected(ValueError):
    """A command that cannot be carried out now (unknown model, over the extra-slot cap, …)."""


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""

    def to_dict(self) -> dict:
        return {"command": self.name, **asdict(self)}


@dataclass(frozen=True)
class Rent(Command):
    """Order `count` extra slots on a model; they arrive after the model's lead time."""

    name: ClassVar[str] = "rent"
    model: str
    count: int = 1


@dataclass(frozen=True)
class Release(Command):
    """Give back `count` rented slots: idle ones leave now, busy ones finish their task first."""

    name: ClassVar[str] = "release"
    model: str
    count: int = 1


@dataclass(frozen=True)
class SetAutopilot(Command):
    name: ClassVar[str] = "autopilot"
    enabled: bool


@dataclass(frozen=True)
class SetPrice(Command):
    """Change the price of a content type for tasks admitted from now on."""

    name: ClassVar[str] = "set_price"
    content: str
    cents: int


@dataclass(frozen=True)
class Arrive(Command):
    """Bring a customer in now with a given demand (one content type per task): for scripted scenarios, tests and
    the sandbox. Budget and patience default to the level's distributions."""

    name: ClassVar[str] = "arrive"
    tier: str
    contents: tuple[str, ...]
    priority: bool = False
    budget_cents: int | None = None
    patience_ms: int | None = None

    def to_dict(self) -> dict:
        return {**super().to_dict(), "contents": list(self.contents)}


COMMANDS: dict[str, type[Command]] = {cls.name: cls for cls in (Rent, Release, SetAutopilot, SetPrice, Arrive)}


def command_from_dict(data: dict) -> Command:
    """Inverse of `Command.to_dict`; raises ValueError naming what is wrong."""
    name = data.get("command")
    cls = COMMANDS.get(name)
    if cls is None:
        raise ValueError(f"unknown command {name!r}; expected one of {', '.join(sorted(COMMANDS))}")
    wanted = {f.name for f in fields(cls)}
    args = {k: v for k, v in data.items() if k != "command"}
    if set(args) != wanted:
        raise ValueError(f"command {name!r} takes {sorted(wanted)}, got {sorted(args)}")
    if cls is Arrive:
        args["contents"] = tuple(args["contents"])
    return cls(**args)


@dataclass(frozen=True)
class Recorded:
    time: int
    source: str  # "player", "autopilot" or "level"
    command: Command
    ok: bool
    reason: str = ""

    def to_dict(self) -> dict:
        out = {"t": self.time, "source": self.source, **self.command.to_dict(), "ok": self.ok}
        if self.reason:
            out["reason"] = self.reason
        return out
