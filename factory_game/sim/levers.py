"""The manager's levers, each declared once: the command it sends, the group a level unlocks (`[market] levers`),
the value it moves with its unit, range and step, what it is keyed by, the panel control that shows it, its two
strings (the panel row and the few words of a chart mark, in resources/i18n) and one line of docs.

Everything else follows from `LEVERS`: `Market.apply` checks the range here and carries a command out by its
name; the level schema takes the ranges of the values a level sets (a tier's cap, the prompt multiplier, the
priority surcharge) from here, so a level cannot start a lever outside what the lever accepts; the levers panel
builds its rows from it; the report's chart marks take its strings; `docs/engine.md`'s lever table is
`docs_table()` (tests/test_levers.py checks it). Data only: this module imports nothing but the commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from factory_game.sim.commands import (
    CloseTier,
    Command,
    ReleaseIdle,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)

ALWAYS_OPEN = ("renting",)  # groups no level locks
UNITS = ("cents", "percent", "count", "factor", "minutes", "switch")
CONTROLS = ("stepper", "toggle", "door", "order")  # how the levers panel shows a lever


@dataclass(frozen=True)
class Lever:
    command: type[Command]
    group: str  # the `[market] levers` name that unlocks it (renting is always open)
    field: str  # the command's value
    unit: str  # one of UNITS
    low: float
    high: float | None  # None: no upper bound
    step: float  # one click of the panel; a share of the level's value when `relative`
    keyed_by: str | None  # "content", "tier", "model" or None: one lever per key of the level
    control: str  # one of CONTROLS
    what: str  # the value in a refusal: "{what} goes from {low} to {high}, not {value}"
    doc: str  # one line for docs/engine.md
    default: float | None = None  # None: the level's own value (its price, cap, multiplier, surcharge)
    relative: bool = False

    @property
    def name(self) -> str:
        return self.command.name

    def unlocked(self, levers: tuple[str, ...]) -> bool:
        """Whether a level that unlocks `levers` (`[market] levers`) lets the player move this one: renting's
        levers are always open."""
        return self.group in ALWAYS_OPEN or self.group in levers

    @property
    def text(self) -> str:
        """The string-table key of the panel row."""
        return f"lever.{self.name}"

    @property
    def mark(self) -> str:
        """The string-table key of the few words a chart marks a decision with."""
        return f"lever.{self.name}_mark"

    def refusal(self, value: float) -> str | None:
        """Why `value` is outside this lever's range, or None when it is inside."""
        if value < self.low or (self.high is not None and value > self.high):
            return f"{self.what} goes from {_num(self.low)} to {_num(self.high)}, not {_num(value)}"
        return None

    def stepped(self, value: float, direction: int, reference: float = 0) -> float | None:
        """One click from `value` up (`direction` 1) or down (-1), kept inside the range; None at the edge (the
        button then sends nothing). A relative step is a share of `reference` (the level's value), at least 1."""
        step = max(1, int(reference * self.step + 1e-9)) if self.relative else self.step
        new = value + direction * step
        new = max(self.low, new if self.high is None else min(self.high, new))
        return None if new == value else new

    def command_for(self, key: str | None, value: float) -> Command:
        """The command that sets this lever (for `key`) to `value`, its field typed as the command declares it."""
        sent: float | bool = value if self.unit == "factor" else bool(value) if self.unit == "switch" else int(value)
        args: dict[str, str | float | bool] = {self.keyed_by: str(key)} if self.keyed_by else {}
        args[self.field] = sent
        return self.command(**args)

    def range_text(self) -> str:
        return f"{_num(self.low)}–{_num(self.high)}"


def _num(value: float | None) -> str:
    if value is None:
        return "∞"
    return f"{value:g}"


LEVERS: tuple[Lever, ...] = (
    Lever(SetPrice, "price", "cents", "cents", 0, None, 0.1, "content", "stepper", "a price",
          "the content type's price for tasks admitted from now on", relative=True),
    Lever(SetSurcharge, "priority", "percent", "percent", 0, 1000, 10, None, "stepper", "the priority surcharge",
          "the priority pack's price: buyers pay `percent` % more per task"),
    Lever(SetPrioritySales, "priority", "on", "switch", 0, 1, 1, None, "toggle", "priority sales",
          "stop (or resume) selling the pack to new customers; those who have it keep it", default=1),
    Lever(SetCap, "caps", "cap", "count", 1, 1000, 1, "tier", "stepper", "a tier's cap",
          "the tier's cap, at once for everyone of the tier: a raised cap admits waiting tasks now; a lowered one "
          "admits nothing new until the customer is under it"),
    Lever(CloseTier, "intake", "minutes", "minutes", 0, None, 15, "tier", "door", "a closed door",
          "turn away new and returning customers of the tier for that long (0 opens the door)", default=0),
    Lever(SetPromptMultiplier, "prompt", "multiplier", "factor", 0.0, 100.0, 0.5, None, "stepper",
          "the wait-prompt multiplier",
          "ask the wait question past `multiplier` × the model's mean task time, from the next check (0: stop "
          "asking); refused on a level that asks no wait question"),
    Lever(SetWaitOffer, "prompt", "percent", "percent", 0, 50, 10, None, "stepper", "the wait offer",
          "what River offers on asking: `percent` % off the customer's queued tasks if they keep waiting",
          default=0),
    Lever(SignContract, "contracts", "count", "count", 1, None, 1, "model", "order", "a contract",
          "order `count` slots on a capacity contract (below)", default=1),
    Lever(ReleaseIdle, "renting", "keep", "count", 0, None, 1, "model", "order", "the idle slots kept",
          "give back the model's idle rented slots at once, keeping `keep` (contract slots stay)", default=0),
)

BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(lever.group for lever in LEVERS if lever.group not in ALWAYS_OPEN))


def lever_of(command: Command) -> Lever | None:
    """The lever a command moves, or None (renting, releasing, the autopilot, scripted arrivals)."""
    return BY_NAME.get(command.name)


def docs_table() -> str:
    """The lever table of docs/engine.md ("The market and the levers"), as Markdown."""
    rows = ["| command | lever | range | what it does |", "|---|---|---|---|"]
    for lever in LEVERS:
        args = ", ".join(a for a in (lever.keyed_by, lever.field) if a)
        bounds = "on/off" if lever.unit == "switch" else f"{lever.range_text()} {lever.unit}"
        rows.append(f"| `{lever.command.__name__}({args})` | {lever.group} | {bounds} | {lever.doc} |")
    return "\n".join(rows) + "\n"
