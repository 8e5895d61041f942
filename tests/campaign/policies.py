"""Policies that play a campaign level as the player would, through `World.apply` (source `player`): the trivial
ones the balance must punish, the best static policies `bench/balance.py` found (`STATIC_BEST`), and the committed
expert, a reacting policy (rules that watch the queue, the reputation and the load), that proves three stars are
reachable by decisions.

`play(spec, seed, policy)` runs a level with its auto-manager off and calls the policy once a simulated minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from factory_game.level.goals import evaluate, level_stars
from factory_game.plugins import PreparedLevel
from factory_game.runner import RunResult
from factory_game.sim.autopilot import Autopilot
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import (
    AnswerIncident,
    Command,
    Release,
    Rent,
    SetAutopilot,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.prompt import predicted_wait_ms
from factory_game.sim.queries import open_incidents
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


Rule: TypeAlias = "Pricer | GoodwillPricer | Contractor | PackSwitch | StormWatch | StandingAnswer"  # Expert.reacts


@dataclass
class Expert(Policy):
    """Scripted decisions: lever commands at fixed times (what the briefing tells a careful player), plus a
    reactive renter (the same rule the auto-manager uses, with the expert's own settings, given as the player)."""

    script: list[tuple[int, Command]] = field(default_factory=list)
    renter: AutopilotSpec | None = None
    reacts: tuple[Rule, ...] = ()  # further rules that watch the floor
    name: str = "expert"

    def start(self, world: World) -> None:
        self._script = sorted(self.script, key=lambda item: item[0])
        self._rules = Autopilot(self.renter, list(world.models)) if self.renter else None
        self._run_script(world)

    def step(self, world: World) -> None:
        self._run_script(world)
        if self._rules is not None and self.renter is not None and world.now % self.renter.every_ms == 0:
            self._rules.check(world.models, world.now, lambda command, _source: world.apply(command))
        for rule in self.reacts:
            rule.step(world)

    def _run_script(self, world: World) -> None:
        while self._script and self._script[0][0] <= world.now:
            world.apply(self._script.pop(0)[1])


@dataclass
class Pricer:
    """A reacting price: every `every` minutes, look at the model's predicted wait; past `high` × its mean task
    time, raise the content's price by `step` cents (up to `top`), so fewer come while the queue is long; with an
    idle slot, come back down toward `base`. What a shopkeeper does when the line goes round the block."""

    content: str
    model: str
    base: int
    step_cents: int
    top: int
    high: float = 1.0
    every: int = 10

    def step(self, world: World) -> None:
        if world.now % (self.every * MINUTE):
            return
        m = world.models[self.model]
        price = world.prices[self.content]
        if predicted_wait_ms(m) > self.high * m.spec.mean_service_ms and price < self.top:
            world.apply(SetPrice(self.content, min(self.top, price + self.step_cents)))
        elif m.idle and not m.queue and price > self.base:
            world.apply(SetPrice(self.content, max(self.base, price - self.step_cents)))


@dataclass
class GoodwillPricer:
    """Price by the good name: every `every` minutes, with the reputation above `high` raise the price by `step`
    cents (up to `top`) — a shop people praise can charge more — and below `low` bring it back toward `base`."""

    content: str
    base: int
    step_cents: int
    top: int
    high: float = 0.95
    low: float = 0.92
    every: int = 15

    def step(self, world: World) -> None:
        if world.now % (self.every * MINUTE):
            return
        price, reputation = world.prices[self.content], world.market.reputation
        if reputation > self.high and price < self.top:
            world.apply(SetPrice(self.content, min(self.top, price + self.step_cents)))
        elif reputation < self.low and price > self.base:
            world.apply(SetPrice(self.content, max(self.base, price - self.step_cents)))


@dataclass
class Contractor:
    """Commit when the load proves to last: every `every` minutes, while the model's predicted wait has stayed past
    `high` × its mean task time for `sustain` checks in a row, sign one more slot on contract, up to `most` in all
    and only before `until` minutes (a contract signed late is billed for hours the level does not have)."""

    model: str
    most: int
    high: float = 1.0
    sustain: int = 3
    every: int = 10
    until: int = 120
    _signed: int = 0
    _streak: int = 0

    def step(self, world: World) -> None:
        if world.now % (self.every * MINUTE) or world.now > self.until * MINUTE:
            return
        m = world.models[self.model]
        self._streak = self._streak + 1 if predicted_wait_ms(m) > self.high * m.spec.mean_service_ms else 0
        if self._streak >= self.sustain and self._signed < self.most:
            self._streak = 0
            if world.apply(SignContract(self.model, 1)).ok:
                self._signed += 1


@dataclass
class PackSwitch:
    """A reacting pack: every `every` minutes, stop selling the priority pack while the model's predicted wait is
    past `high` × its mean task time (each new buyer would push the others further back), and sell it again once
    a slot is idle."""

    model: str
    high: float = 1.0
    every: int = 5

    def step(self, world: World) -> None:
        if world.now % (self.every * MINUTE):
            return
        m = world.models[self.model]
        on_sale = world.market.priority_on_sale
        if on_sale and predicted_wait_ms(m) > self.high * m.spec.mean_service_ms:
            world.apply(SetPrioritySales(False))
        elif not on_sale and m.idle and not m.queue:
            world.apply(SetPrioritySales(True))


@dataclass
class StormWatch:
    """The wait question and the door by the weather (levels 9 and 10), checked every minute.

    The dispatcher predicts a wait from the slots serving now, so while an upstream outage holds most of them down
    every queued customer hears of an hour's wait (no slot at all: an endless one) and says no, though the slots
    come back within the hour: while the model's slots are down, ask at `down` x the mean task time (0: not at
    all). When the queue is long with every slot up (a crowd, or the outage's backlog once the slots are back) or a
    viral spike's crowd is on its way, the prediction is right and asking keeps the queue short: ask at `busy`, offer
    `offer` % to those who stay, and hold the tiers' caps at `busy_caps` (a studio's batch would push everyone back).
    Calm again once the queue is short: ask at `calm`, no offer, the level's caps. Incidents of the kinds in
    `answers` get that answer (an outage's only if it hits this model)."""

    model: str
    calm: float
    down: float
    busy: float
    offer: int
    answers: tuple[tuple[str, str], ...] = (("upstream_outage", "close"),)
    busy_caps: tuple[tuple[str, int], ...] = ()
    long: float = 2.0  # a predicted wait past this x the mean task time, every slot up: busy
    short: float = 1.0  # below this: calm again
    _phase: str = "calm"
    _crowd_until: int = 0  # a viral spike brings a crowd until then

    def step(self, world: World) -> None:
        choices = dict(self.answers)
        for incident in open_incidents(world):
            if incident.kind == "viral_spike":
                self._crowd_until = max(self._crowd_until, incident.at_ms + incident.params["duration_ms"])
            if incident.kind in choices and incident.params.get("model", self.model) == self.model:
                world.apply(AnswerIncident(incident.id, choices[incident.kind]))
        m = world.models[self.model]
        wait = predicted_wait_ms(m) / m.spec.mean_service_ms
        phase = self._phase
        if m.up_contracted < m.spec.slots:
            phase = "down"
        elif wait > self.long or phase == "down" or world.now < self._crowd_until:  # a crowd, or the outage's backlog
            phase = "busy"
        elif wait < self.short:
            phase = "calm"
        if phase == self._phase:
            return
        self._phase = phase
        world.apply(SetPromptMultiplier({"calm": self.calm, "down": self.down, "busy": self.busy}[phase]))
        offer = self.offer if phase == "busy" else 0
        if round(world.market.wait_offer * 100) != offer:
            world.apply(SetWaitOffer(offer))
        for tier, cap in self.busy_caps:
            world.apply(SetCap(tier, cap if phase == "busy" else dict(world.spec.tiers)[tier]))


@dataclass
class StandingAnswer:
    """An answer decided before the day: every incident of `kind` gets `choice` the minute it opens. What a static
    policy can do about incidents it cannot foresee (bench/balance.py searches these beside the t=0 levers)."""

    kind: str
    choice: str

    def step(self, world: World) -> None:
        for incident in open_incidents(world):
            if incident.kind == self.kind:
                world.apply(AnswerIncident(incident.id, self.choice))


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



# The expert's decisions, level by level (file stem -> how to build it from the level): lever settings at the start
# (or a plan for an announced event), then rules that react to the floor — renting by the auto-manager's rule with
# the level's settings or its own, and the Pricer, GoodwillPricer, Contractor and PackSwitch rules above.
FAST_RENTER = AutopilotSpec(enabled=True, rent_wait_factor=0.5, release_util=0.6, sustain=1, step=2)
EXPERTS = {
    "01-opening-day": lambda spec: Expert(script=[(0, SetPrice("image", 80))]),
    "02-priority-pack": lambda spec: Expert(script=[(0, SetSurcharge(100)), (0, SetPrice("image", 60))],
                                            renter=spec.autopilot),
    "03-video-arrives": lambda spec: Expert(script=[(0, SignContract("video-gen", 3))], renter=spec.autopilot,
                                            reacts=(Contractor("video-gen", 3, high=0.5, sustain=2),)),
    "04-rush-hour": lambda spec: Expert(  # plan for the announced rush, then react to what the plan missed
        script=[(0, SetPrice("image", 91)), (95 * MINUTE, Rent("sd15", 8)), (170 * MINUTE, Release("sd15", 8))],
        renter=AutopilotSpec(enabled=True, rent_wait_factor=0.7, release_util=0.7, sustain=1, step=2)),
    "05-outage": lambda spec: Expert(script=[(0, SetPrice("image", 90)), (0, SetPrice("audio", 144))],
                                     renter=spec.autopilot,
                                     reacts=(Pricer("image", "sd15", 90, 10, 140, high=0.3, every=5),)),
    "06-mods-at-work": lambda spec: Expert(renter=spec.autopilot),
    "07-word-of-mouth": lambda spec: Expert(script=[(0, SetPrice("image", 70))], renter=FAST_RENTER,
                                            reacts=(GoodwillPricer("image", 70, 5, 100, 0.94, 0.93, 10),)),
    "08-velvet-rope": lambda spec: Expert(script=[(0, SetCap("L3", 1)), (0, SetCap("L2", 1)), (0, SetSurcharge(40))],
                                          renter=spec.autopilot, reacts=(PackSwitch("sd15", 0.3),)),
    "09-keep-waiting": lambda spec: Expert(  # hedge what the spot market sells now, then ask by the weather
        script=[(0, Rent("sd15", 2))],
        reacts=(StormWatch("sd15", calm=3.0, down=0.0, busy=2.0, offer=20),)),
    "10-sold-out": lambda spec: Expert(reacts=(  # tighten up for the crowd, open up after it
        StormWatch("sd15", calm=3.0, down=0.0, busy=0.3, offer=20, answers=(("viral_spike", "close"),),
                   busy_caps=(("L3", 1),), long=0.5),)),
}
TRIVIAL = (DoNothing, RentMaxAndHold, RentMaxBeforeEvents)


# The best static policy `bench/balance.py` found on each level (docs/campaign.md, "Balance, proved by search"):
# every lever at t=0, renting on the clock. test_static.py keeps each at two stars at most on its worst seed of 1-10.
STATIC_BEST: dict[str, tuple[tuple[int, Command], ...]] = {
    "01-opening-day": (
        (0, SetPrice("image", 90)),
    ),
    "02-priority-pack": (
        (0, SetPrice("image", 70)),
        (0, Rent("sd15", 5)),
    ),
    "03-video-arrives": (
        (0, SignContract("video-gen", 6)),
    ),
    "04-rush-hour": (
        (0, SetPrice("image", 91)),
        (90 * MINUTE, Rent("sd15", 10)),
        (168 * MINUTE, Release("sd15", 10)),
    ),
    "05-outage": (  # found once "never ask" (multiplier 0) joined the search: see STATIC_STILL_WINS
        (0, SetPrice("audio", 143)),
        (0, SetPrice("image", 99)),
        (0, SetPromptMultiplier(0.0)),
        (65 * MINUTE, Rent("sd15", 5)),
        (160 * MINUTE, Release("sd15", 5)),
    ),
    "06-mods-at-work": (
        (0, SetPrice("image", 50)),
        (0, SetPrice("mesh", 1710)),
        (0, SetCap("L2", 2)),
        (79 * MINUTE, Rent("mesh-gen", 8)),
        (87 * MINUTE, Rent("sd15", 10)),
    ),
    "07-word-of-mouth": (
        (0, SetPrice("image", 82)),
    ),
    "08-velvet-rope": (
        (0, SetCap("L2", 1)),
        (0, Rent("sd15", 5)),
        (165 * MINUTE, Release("sd15", 5)),
    ),
    "09-keep-waiting": (
        (0, SetPromptMultiplier(27.1)),
        (0, SetWaitOffer(20)),
        (0, Rent("sd15", 2)),
    ),
    "10-sold-out": (
        (0, SetCap("L1", 2)),
        (0, SetCap("L2", 1)),
        (0, SetCap("L3", 6)),
        (0, SetPromptMultiplier(10.0)),
        (0, SetWaitOffer(30)),
    ),
}
# The standing answers to incidents of those best static policies (decided before the day, given the minute an
# incident opens: what a static policy can do about what it cannot foresee).
STATIC_ANSWERS: dict[str, tuple[StandingAnswer, ...]] = {
    "09-keep-waiting": (StandingAnswer("upstream_outage", "close"),),
    "10-sold-out": (StandingAnswer("viral_spike", "close"),),
}
# Levels where the search still finds a static policy with three stars on every seed, and why (the fix each needs).
STATIC_STILL_WINS = {
    "01-opening-day": "the tutorial asks one question, the price; at ¥0.90 the load leaves nothing to react to "
                      "(a reason to react needs seeded, unannounced demand: incidents, simulation work)",
    "02-priority-pack": "with elasticity, a dearer image both earns more and empties the queue, so the pack never "
                        "needs watching (needs unannounced demand, or tiers whose willingness to pay differs)",
    "07-word-of-mouth": "a fixed ¥0.82 keeps the reputation within a hair of the expert's; reacting adds little "
                        "without unannounced demand swings",
    "05-outage": "never asking the wait question (multiplier 0) meets the goal on tasks abandoned after a prompt by "
                 "definition, and the announced outage leaves no surprise: rent 5 slots on the clock and the "
                 "lateness stays within satisfaction 95 (needs a goal that counts lateness, or an unannounced "
                 "outage as on level 9)",
}
# Levels whose expert still decides fewer than six times on some seed, and why.
FEW_DECISIONS = {
    "01-opening-day": "one decision, the price: at the right price nothing else happens on the floor",
    "02-priority-pack": "at the right price the queue rarely grows, so the renter and the pack switch rarely act",
}
