"""Policies that play a campaign level as the player would, through `World.apply` (source `player`): the trivial
ones the balance must punish, and the committed expert that proves three stars are reachable by decisions.

`play(spec, seed, policy)` runs a level with its auto-manager off and calls the policy once a simulated minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factory_game.level.goals import evaluate, level_stars
from factory_game.plugins import PreparedLevel
from factory_game.runner import RunResult
from factory_game.sim.autopilot import Autopilot
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import Command, Rent, SetAutopilot, SetCap, SetPrice, SetSurcharge, SignContract
from factory_game.sim.spec import AutopilotSpec, LevelSpec
from factory_game.sim.world import World


class Policy:
    name = "policy"

    def start(self, world: World) -> None:
        """Called once at time 0."""

    def step(self, world: World) -> None:
        """Called every simulated minute."""


class DoNothing(Policy):
    name = "nothing"


class AutoManager(Policy):
    """The level's own auto-manager, switched on by the player at the start (its star cap applies)."""

    name = "auto-manager"

    def start(self, world: World) -> None:
        world.apply(SetAutopilot(True))


class RentMaxAndHold(Policy):
    name = "rent max, hold"

    def start(self, world: World) -> None:
        for m in world.models.values():
            if m.spec.max_extra:
                world.apply(Rent(m.id, m.spec.max_extra))


class RentMaxBeforeEvents(Policy):
    """Rent every model's maximum one lead time before each announced event (spike or outage), and hold."""

    name = "rent max before events"

    def __init__(self) -> None:
        self.done: set[int] = set()

    def step(self, world: World) -> None:
        for index, event in enumerate(world.spec.events):
            if event.kind not in ("spike", "outage") or index in self.done:
                continue
            models = [world.models[event.model]] if event.kind == "outage" else list(world.models.values())
            lead = max((m.spec.lead_time_ms for m in models), default=0)
            if world.now >= event.at_ms - lead - MINUTE:
                self.done.add(index)
                for m in models:
                    room = m.spec.max_extra - m.rented_count
                    if room > 0:
                        world.apply(Rent(m.id, room))


@dataclass
class Expert(Policy):
    """Scripted decisions: lever commands at fixed times (what the briefing tells a careful player), plus a
    reactive renter (the same rule the auto-manager uses, with the expert's own settings, given as the player)."""

    script: list[tuple[int, Command]] = field(default_factory=list)
    renter: AutopilotSpec | None = None
    name: str = "expert"

    def start(self, world: World) -> None:
        self._script = sorted(self.script, key=lambda item: item[0])
        self._rules = Autopilot(self.renter, list(world.models)) if self.renter else None
        self._run_script(world)

    def step(self, world: World) -> None:
        self._run_script(world)
        if self._rules is not None and world.now % self.renter.every_ms == 0:
            self._rules.check(world.models, world.now, lambda command, _source: world.apply(command))

    def _run_script(self, world: World) -> None:
        while self._script and self._script[0][0] <= world.now:
            world.apply(self._script.pop(0)[1])


def play(spec: LevelSpec, seed: int, policy: Policy) -> RunResult:
    world = PreparedLevel.from_spec(spec).start(seed)  # the one door: the level's mods opened and attached
    world.autopilot_enabled = False  # the player's choice, as the game starts it (its policy may switch it on)
    policy.start(world)
    end = spec.duration_ms
    while world.now < end:
        world.advance(min(end, world.now + MINUTE))
        if world.now < end:
            policy.step(world)
    world.settle_costs()
    summary = world.summary()
    return RunResult(spec, seed, summary, "", 0, [r.to_dict() for r in world.commands], evaluate(spec, summary),
                     world)


def stars(result: RunResult) -> int:
    return level_stars(result.goals)



# The expert's decisions, level by level (file stem -> how to build it from the level). Where it rents it uses the
# auto-manager's rule with the level's settings or its own; every other decision is a scripted lever command.
FAST_RENTER = AutopilotSpec(enabled=True, rent_wait_factor=0.5, release_util=0.6, sustain=1, step=2)
EXPERTS = {
    "01-opening-day": lambda spec: Expert(script=[(0, SetPrice("image", 80))]),
    "02-priority-pack": lambda spec: Expert(script=[(0, SetSurcharge(100)), (0, SetPrice("image", 60))],
                                            renter=spec.autopilot),
    "03-video-arrives": lambda spec: Expert(script=[(0, SignContract("video-gen", 4))], renter=spec.autopilot),
    "04-rush-hour": lambda spec: Expert(renter=spec.autopilot),
    "05-outage": lambda spec: Expert(renter=spec.autopilot),
    "06-mods-at-work": lambda spec: Expert(renter=spec.autopilot),
    "07-word-of-mouth": lambda spec: Expert(script=[(0, SetPrice("image", 70))], renter=FAST_RENTER),
    "08-velvet-rope": lambda spec: Expert(script=[(0, SetCap("L3", 1)), (0, SetCap("L2", 1))],
                                          renter=spec.autopilot),
}
TRIVIAL = (DoNothing, RentMaxAndHold, RentMaxBeforeEvents)
