"""Every outside change to the world (the player's clicks, the autopilot's decisions, scripted level events) is a
command that goes through `World.apply`, which records it with its time: (level, seed, player commands) replays
a run exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


class CommandRejected(ValueError):
    """A command that cannot be carried out now (unknown model, over the extra-slot cap, …). The message is the
    English reason the event log and the CLI show; `code` and `values` let the game say it in the player's language
    (`alert.refused_<code>` in the string tables). `other` is a reason without words of its own there."""

    def __init__(self, message: str, code: str = "other", **values: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
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
class SetSurcharge(Command):
    """The priority pack's price: buyers pay `percent` % more per task (the share who buy answers, see engine.md)."""

    name: ClassVar[str] = "set_surcharge"
    percent: int


@dataclass(frozen=True)
class SetPrioritySales(Command):
    """Sell the priority pack to new customers, or stop selling it (those who have it keep it)."""

    name: ClassVar[str] = "priority_sales"
    on: bool


@dataclass(frozen=True)
class SetCap(Command):
    """A tier's cap (queued + running tasks per customer), for everyone of the tier from now on."""

    name: ClassVar[str] = "set_cap"
    tier: str
    cap: int


@dataclass(frozen=True)
class CloseTier(Command):
    """Turn away new arrivals of a tier for `minutes` (0 opens the door again). Refusals hurt reputation."""

    name: ClassVar[str] = "close_tier"
    tier: str
    minutes: int


@dataclass(frozen=True)
class SetPromptMultiplier(Command):
    """Ask the wait question when the predicted wait passes `multiplier` x the model's mean task time."""

    name: ClassVar[str] = "prompt_multiplier"
    multiplier: float


@dataclass(frozen=True)
class SetWaitOffer(Command):
    """What River offers when it asks the wait question: `percent` off the customer's queued tasks if they keep
    waiting (0: no offer, the refund is their only way out). The customer's patience stretches with the offer."""

    name: ClassVar[str] = "wait_offer"
    percent: int


@dataclass(frozen=True)
class SignContract(Command):
    """Order `count` slots on a capacity contract: cheaper per slot-hour than spot, a longer lead time, committed
    (billed, not releasable) for the level's contract period."""

    name: ClassVar[str] = "sign_contract"
    model: str
    count: int = 1


@dataclass(frozen=True)
class ReleaseIdle(Command):
    """Give back a model's idle rented slots now, keeping `keep` of them (contract slots stay: they are committed)."""

    name: ClassVar[str] = "release_idle"
    model: str
    keep: int = 0


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

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "contents": list(self.contents)}


@dataclass(frozen=True)
class AnswerIncident(Command):
    """Answer incident `id` (sim/incidents.py) with one of its choices, before its deadline; an incident left
    unanswered takes its default at the deadline (applied as a `level` command)."""

    name: ClassVar[str] = "answer_incident"
    id: int
    choice: str


COMMANDS: dict[str, type[Command]] = {cls.name: cls for cls in (
    Rent, Release, SetAutopilot, SetPrice, SetSurcharge, SetPrioritySales, SetCap, CloseTier, SetPromptMultiplier,
    SetWaitOffer, SignContract, ReleaseIdle, Arrive, AnswerIncident)}


def command_from_dict(data: dict[str, Any]) -> Command:
    """Inverse of `Command.to_dict`; raises ValueError naming what is wrong."""
    name = data.get("command")
    cls = COMMANDS.get(str(name))
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
    code: str = ""  # a refusal's reason code and its values, for the game's words (not part of the record's dict)
    values: dict[str, str | int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {"t": self.time, "source": self.source, **self.command.to_dict(), "ok": self.ok}
        if self.reason:
            out["reason"] = self.reason
        return out
