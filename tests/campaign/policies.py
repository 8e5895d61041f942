"""Policies that play a campaign level as the player would, through `World.apply` (source `player`): the trivial
ones the balance must punish, the best static policies `bench/balance.py` found (`STATIC_BEST`), and the committed
expert, a reacting policy (rules that watch the queue, the reputation and the load), that proves three stars are
reachable by decisions.

`play(spec, seed, policy)` runs a level with its auto-manager off and calls the policy once a simulated minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from factory_game.level.goals import evaluate, level_stars
from factory_game.plugins import PreparedLevel
from factory_game.runner import RunResult
from factory_game.sim import queries
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
from factory_game.sim.incidents import Incident
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


class Rule(Protocol):
    """A reacting rule of the expert's (below): looks at the floor every simulated minute, may give commands."""

    def step(self, world: World) -> None: ...


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
class Contractor:
    """Commit when the load proves to last: every `every` minutes, while the model's predicted wait has stayed past
    `high` × its mean task time for `sustain` checks in a row, sign one more slot on contract, up to `most` in all
    and only before `until` minutes (a contract signed late arrives after its lead time with little of the day left
    to serve)."""

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


Answer = Callable[[World, Incident], str | None]  # the choice for this incident now (None: not yet)


@dataclass
class Responder:
    """Answer incidents as they open (`queries.open_incidents`), through `AnswerIncident` as the player: `answers`
    gives each kind a fixed choice or a function of the world and the incident (None: leave it open for now); a kind
    not named is left to its default at the deadline. What follows an answer (a price, a rental) is other rules'."""

    answers: dict[str, str | Answer]

    def step(self, world: World) -> None:
        for incident in queries.open_incidents(world):
            rule = self.answers.get(incident.kind)
            choice = rule(world, incident) if callable(rule) else rule
            if choice is not None:
                world.apply(AnswerIncident(incident.id, choice))


def with_room(model: str, yes: str = "accept", no: str = "decline", within: float = 1.0) -> Answer:
    """`yes` while the model's predicted wait is under `within` mean task times (room for a studio's rush batch, a
    crowd, a matched cut's customers), else `no`."""

    def answer(world: World, _incident: Incident) -> str:
        m = world.models[model]
        return yes if predicted_wait_ms(m) < within * m.spec.mean_service_ms else no

    return answer


def batch_fits(model: str, within: float = 1.0) -> Answer:
    """Take a studio's rush batch only if it can be on time: the model's predicted wait under `within` mean task
    times now, and the batch run at its tier's cap (the studio's tasks at once) inside its window with a task time
    to spare; otherwise decline it (a late batch pays the penalty)."""

    def answer(world: World, incident: Incident) -> str:
        m = world.models[model]
        mean = m.spec.mean_service_ms
        cap = world.market.caps[world.spec.tiers[-1][0]]
        rounds = -(-incident.params["tasks"] // max(1, cap))
        fits = predicted_wait_ms(m) + (rounds + 1) * mean <= incident.params["window_ms"]
        return "accept" if fits and predicted_wait_ms(m) < within * mean else "decline"

    return answer


def by_size(key: str, above: float, big: str, small: str) -> Answer:
    """`big` when the incident's drawn `key` (a spike's factor, a rival's cut) is past `above`, else `small`."""

    def answer(_world: World, incident: Incident) -> str:
        return big if incident.params[key] > above else small

    return answer


@dataclass
class IncidentPricer:
    """A price that answers what is happening, set whenever it differs from the price now: `base` times, for the
    incidents in force, a rival's cut that was matched: 1 - the cut (the deepest cut in force, from `base`: cuts do
    not add up); viral spikes of factor f in all: 1 + `spike` x (f - 1) (dearer while the crowd lasts, so fewer come
    and each pays more). With `goodwill` (low, high, step, top), every 10 minutes the base moves by `step` cents:
    up (to `top`) while the reputation is above `high` (a shop people praise can charge more), down (to `base`)
    while below `low`."""

    content: str
    base: int
    spike: float = 0.3
    goodwill: tuple[float, float, int, int] | None = None
    _raised: int = 0  # cents the good name has added to the base

    def step(self, world: World) -> None:
        if self.goodwill is not None and not world.now % (10 * MINUTE):
            low, high, step, top = self.goodwill
            if world.market.reputation > high:
                self._raised = min(top - self.base, self._raised + step)
            elif world.market.reputation < low:
                self._raised = max(0, self._raised - step)
        cut, crowd = 0.0, 1.0
        for incident in queries.incidents_seen(world):
            if not incident.at_ms <= world.now < incident.at_ms + incident.params.get("duration_ms", 0):
                continue
            if incident.kind == "competitor_cut" and incident.choice == "match":
                cut = max(cut, incident.params["cut"])  # the cheapest rival sets the price, cuts do not add up
            elif incident.kind == "viral_spike":
                crowd *= incident.params["factor"]  # spikes multiply, as their demand does
        price = max(1, round((self.base + self._raised) * (1 - cut) * (1 + self.spike * (crowd - 1))))
        if world.prices[self.content] != price:
            world.apply(SetPrice(self.content, price))


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
# the level's settings or its own, and the Pricer, Contractor, PackSwitch, Responder and IncidentPricer rules above.
FAST_RENTER = AutopilotSpec(enabled=True, rent_wait_factor=0.5, release_util=0.6, sustain=1, step=2)
EXPERTS = {
    "01-opening-day": lambda spec: Expert(  # the price, each rival matched, dearer through a spike, renting on a queue
        script=[(0, SetPrice("image", 90))], renter=FAST_RENTER,
        reacts=(Responder({"competitor_cut": "match", "viral_spike": "serve"}),
                IncidentPricer("image", 90, spike=0.4))),
    "02-priority-pack": lambda spec: Expert(  # the pack dear and off while the queue is long, batches that fit taken
        script=[(0, SetSurcharge(100)), (0, SetPrice("image", 70))], renter=spec.autopilot,
        reacts=(Responder({"viral_spike": with_room("sd15", "serve", "close", within=2.0),
                           "rush_batch": batch_fits("sd15")}),
                IncidentPricer("image", 70), PackSwitch("sd15", 0.3))),
    "03-video-arrives": lambda spec: Expert(script=[(0, SignContract("video-gen", 3))], renter=spec.autopilot,
                                            reacts=(Contractor("video-gen", 3, high=0.5, sustain=2),)),
    "04-rush-hour": lambda spec: Expert(  # plan for the announced rush, then react to what the plan missed
        script=[(0, SetPrice("image", 91)), (95 * MINUTE, Rent("sd15", 8)), (170 * MINUTE, Release("sd15", 8))],
        renter=AutopilotSpec(enabled=True, rent_wait_factor=0.7, release_util=0.7, sustain=1, step=2)),
    "05-outage": lambda spec: Expert(  # rent when an outage's queue grows, release once the slots are back
        script=[(0, SetPrice("image", 90)), (0, SetPrice("audio", 144))], renter=spec.autopilot,
        reacts=(Responder({"upstream_outage": "ride"}), Pricer("image", "sd15", 90, 10, 140, high=0.3, every=5))),
    "06-mods-at-work": lambda spec: Expert(renter=spec.autopilot),
    "07-word-of-mouth": lambda spec: Expert(  # the price by the reputation and the incidents, renting on a short queue
        script=[(0, SetPrice("image", 80))], renter=FAST_RENTER,
        reacts=(Responder({"competitor_cut": with_room("sd15", "match", "ignore"),
                           "viral_spike": with_room("sd15", "serve", "close", within=2.0)}),
                IncidentPricer("image", 80, goodwill=(0.93, 0.94, 5, 110)))),
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
    "01-opening-day": (  # with every rival's cut matched and every spike surged (STATIC_ANSWERS)
        (0, SetPrice("image", 120)),
        (0, Rent("sd15", 1)),
        (45 * MINUTE, Release("sd15", 1)),
    ),
    "02-priority-pack": (  # with every rush batch accepted (STATIC_ANSWERS)
        (0, SetPrice("image", 118)),
        (0, SetSurcharge(152)),
        (0, SetPrioritySales(False)),
    ),
    "03-video-arrives": (  # searched again when contracts began to owe their whole period at the close
        (0, SignContract("video-gen", 5)),
    ),
    "04-rush-hour": (
        (0, SetPrice("image", 91)),
        (90 * MINUTE, Rent("sd15", 10)),
        (168 * MINUTE, Release("sd15", 10)),
    ),
    "05-outage": (  # no clock knows when the outages come: rent through all of them, all day
        (0, SetPrice("audio", 227)),
        (0, SetPrice("image", 31)),
        (0, SetPromptMultiplier(2.0)),
        (0, SetWaitOffer(0)),
        (0, Rent("sd15", 9)),
        (0, Rent("music-gen", 3)),
    ),
    "06-mods-at-work": (
        (0, SetPrice("image", 50)),
        (0, SetPrice("mesh", 1710)),
        (0, SetCap("L2", 2)),
        (79 * MINUTE, Rent("mesh-gen", 8)),
        (87 * MINUTE, Rent("sd15", 10)),
    ),
    "07-word-of-mouth": (  # with every viral spike surged (STATIC_ANSWERS)
        (0, SetPrice("image", 85)),
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
    "01-opening-day": (StandingAnswer("competitor_cut", "match"), StandingAnswer("viral_spike", "surge")),
    "02-priority-pack": (StandingAnswer("rush_batch", "accept"),),
    "07-word-of-mouth": (StandingAnswer("viral_spike", "surge"),),
    "09-keep-waiting": (StandingAnswer("upstream_outage", "close"),),
    "10-sold-out": (StandingAnswer("viral_spike", "close"),),
}
# Levels where the search still finds a static policy with three stars on every seed, and why (the fix each needs).
# Levels 1, 2 and 7 were here until seeded incidents gave them something to react to, level 5 until its
# announced outage became unannounced ones and its goals counted lateness. None today.
STATIC_STILL_WINS: dict[str, str] = {}
# Levels whose expert still decides fewer than six times on some seed, and why: none today.
FEW_DECISIONS: dict[str, str] = {}
