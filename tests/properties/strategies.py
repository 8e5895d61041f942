"""Random small levels, lever and capacity commands, and seeds for the property tests; and what a run looked like
from the outside (its events, its recorded commands, its summary)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from factory_game.levelkit import level, model, with_arrivals
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import (
    CloseTier,
    Command,
    Release,
    Rent,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Event
from factory_game.sim.spec import LevelSpec, MarketSpec, PromptSpec, QueueSpec, ScriptedEvent, TierTraits
from factory_game.sim.world import World

TIERS = (("L1", 1), ("L2", 2), ("L3", 3))
LEVERS = ("price", "priority", "caps", "intake", "prompt", "contracts")
DURATION_MS = 3 * HOUR


def examples(n: int) -> settings:
    """`n` examples by default; the profile's own count under `--hypothesis-profile long`."""
    many = settings.get_current_profile_name() == "long"
    return settings(max_examples=settings.default.max_examples if many else n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def levels(draw) -> LevelSpec:
    slots = draw(st.integers(1, 4))
    service = draw(st.sampled_from([Dist.fixed(5 * MINUTE), Dist.exponential(5 * MINUTE),
                                    Dist.lognormal(5 * MINUTE, 0.8), Dist.uniform(MINUTE, 9 * MINUTE)]))
    events = draw(st.lists(st.one_of(
        st.builds(lambda at, n, d: ScriptedEvent("outage", at * MINUTE, duration_ms=d * MINUTE, model="sd15",
                                                 slots=n), st.integers(1, 170), st.integers(1, slots),
                  st.integers(1, 40)),
        st.builds(lambda at, cents: ScriptedEvent("price", at * MINUTE, content="image", price_cents=cents),
                  st.integers(1, 170), st.integers(0, 300)),
        st.builds(lambda at, f, d: ScriptedEvent("spike", at * MINUTE, duration_ms=d * MINUTE, factor=f),
                  st.integers(1, 170), st.sampled_from([0.5, 2.0]), st.integers(1, 40))), max_size=3))
    spec = level(
        model(slots=slots, service=service, failure_rate=draw(st.sampled_from([0.0, 0.1, 0.4])),
              retries=draw(st.integers(0, 2)), max_extra=3, lead_time_ms=draw(st.integers(0, 5)) * MINUTE,
              rent_price_cents=300, slot_cost_cents=100, min_rental_ms=draw(st.sampled_from([0, 30 * MINUTE]))),
        rate_per_hour=draw(st.floats(5, 80)), tiers=TIERS, duration_ms=DURATION_MS,
        prompt=PromptSpec(enabled=draw(st.booleans()), multiplier=draw(st.sampled_from([0.0, 1.0, 1.0, 3.0])),
                          answer_delay_ms=draw(st.integers(0, 60)) * 1000),
        queue=QueueSpec(aging_ms=draw(st.sampled_from([0, 10 * MINUTE]))),
        events=tuple(events),
        priority_surcharge=draw(st.sampled_from([0.0, 0.5])),
        # tiers that differ (hobbyists price, studios lateness, pack buyers waiting) or all alike
        tier_traits=draw(st.sampled_from([(), (("L1", TierTraits(price_sensitivity=1.6)),
                                                 ("L3", TierTraits(price_sensitivity=0.0, lateness=3.0)))])),
        priority_waiting=draw(st.sampled_from([1.0, 2.0])),
        market=MarketSpec(elasticity=draw(st.sampled_from([0.0, 1.0])),
                          priority_elasticity=draw(st.sampled_from([0.0, 2.0])),
                          reputation_strength=draw(st.sampled_from([0.0, 1.5])),
                          contract_period_ms=HOUR, contract_lead_ms=10 * MINUTE,
                          levers=draw(st.one_of(st.just(LEVERS),
                                                st.lists(st.sampled_from(LEVERS), unique=True).map(tuple)))),
    )
    return with_arrivals(spec, tiers=(("L1", 3.0), ("L2", 2.0), ("L3", 1.0)),
                         priority_share=draw(st.sampled_from([0.0, 0.3, 0.8])), tasks=Dist.uniform(1, 5),
                         budget=Dist.uniform(0, 400), patience=Dist.uniform(0, 40 * MINUTE),
                         return_probability=draw(st.sampled_from([0.0, 0.5])), return_after=Dist.fixed(20 * MINUTE))


# Each command with values inside and just outside its range (a refused one must leave the world as it was).
# Every lever at its edges and just past them, drawn from a flat list (hypothesis would rarely reach them otherwise).
EDGES = (
    *[SetPrice("image", c) for c in (-1, 0)], *[SetSurcharge(p) for p in (-1, 0, 500, 501)],
    *[SetCap(t, c) for t in ("L1", "L3") for c in (0, 1, 20, 21)], SetCap("L9", 2),
    *[CloseTier("L2", m) for m in (-1, 0, 1)], CloseTier("L9", 5),
    *[SetPromptMultiplier(m) for m in (0.49, 0.5, 20.0, 20.01)], *[SetWaitOffer(p) for p in (-1, 0, 50, 51)],
    SignContract("sd15", 0), SignContract("nope", 1), Rent("sd15", 0), Rent("nope", 1), Release("sd15", 0),
)

# Each command with values inside and just outside its range (a refused one must leave the world as it was).
commands_ = st.one_of(
    st.sampled_from(EDGES),
    st.builds(SetPrice, st.sampled_from(["image", "video"]), st.integers(0, 300)),
    st.builds(SetSurcharge, st.integers(0, 500)),
    st.builds(SetPrioritySales, st.booleans()),
    st.builds(SetCap, st.sampled_from(["L1", "L2", "L3"]), st.integers(1, 20)),
    st.builds(CloseTier, st.sampled_from(["L1", "L2", "L3"]), st.integers(0, 60)),
    st.builds(SetPromptMultiplier, st.sampled_from([1.0, 3.0])),
    st.builds(SetWaitOffer, st.integers(0, 50)),
    st.builds(SignContract, st.just("sd15"), st.integers(1, 3)),
    st.builds(Rent, st.just("sd15"), st.integers(1, 3)),
    st.builds(Release, st.just("sd15"), st.integers(1, 3)),
)
timed_commands = st.lists(st.tuples(st.integers(0, DURATION_MS // MINUTE - 1).map(lambda m: m * MINUTE), commands_),
                          max_size=8).map(lambda items: sorted(items, key=lambda item: item[0]))
seeds = st.integers(0, 10_000)


@dataclass
class Run:
    """A finished run as the outside sees it."""

    world: World
    events: list[Event] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    def of(self, kind) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


def play(spec: LevelSpec, seed: int, commands: list[tuple[int, Command]], listener=None) -> Run:
    """Run `spec` with the player's `commands` at their times; `listener` sees every event (and, if it has
    `before(command)` / `apply(command, record)`, each command around `World.apply`)."""
    world = World(spec, seed=seed)
    run = Run(world)
    world.subscribe(run.events.append)
    if listener is not None:
        world.subscribe(listener)
    for time, command in commands:
        world.advance(time)
        if hasattr(listener, "before"):
            listener.before(command)
        record = world.apply(command)
        if hasattr(listener, "apply"):
            listener.apply(command, record)
    run.summary = world.run()
    return run
