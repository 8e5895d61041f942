"""Property tests over random small levels: the rules hold whatever the load, tiers, failures and rentals."""

from collections import Counter, defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory_game.levelkit import level, model, with_arrivals
from factory_game.sim import entities as E
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Release, Rent
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Kind
from factory_game.sim.spec import PromptSpec, QueueSpec, ScriptedEvent
from factory_game.sim.world import World


@st.composite
def worlds(draw):
    slots = draw(st.integers(1, 4))
    service = draw(st.sampled_from([Dist.fixed(5 * MINUTE), Dist.exponential(5 * MINUTE),
                                    Dist.lognormal(5 * MINUTE, 0.8), Dist.uniform(MINUTE, 9 * MINUTE)]))
    spec = level(
        model(slots=slots, service=service, failure_rate=draw(st.sampled_from([0.0, 0.1, 0.5])),
              retries=draw(st.integers(0, 2)), max_extra=3, lead_time_ms=draw(st.integers(0, 5)) * MINUTE,
              rent_price_cents=300, slot_cost_cents=100),
        rate_per_hour=draw(st.floats(5, 80)),
        tiers=(("L1", 1), ("L2", 2), ("L3", 3)),
        duration_ms=3 * HOUR,
        prompt=PromptSpec(enabled=draw(st.booleans()), answer_delay_ms=draw(st.integers(0, 60)) * 1000),
        queue=QueueSpec(aging_ms=draw(st.sampled_from([0, 10 * MINUTE]))),
        events=tuple(draw(st.lists(st.builds(
            lambda at, n, d: ScriptedEvent("outage", at * MINUTE, duration_ms=d * MINUTE, model="sd15", slots=n),
            st.integers(1, 170), st.integers(1, slots), st.integers(1, 40)), max_size=2))),
    )
    spec = with_arrivals(spec, tiers=(("L1", 3.0), ("L2", 2.0), ("L3", 1.0)),
                         priority_share=draw(st.sampled_from([0.0, 0.3, 0.8])),
                         tasks=Dist.uniform(1, 5), budget=Dist.uniform(0, 400),
                         patience=Dist.uniform(0, 40 * MINUTE))
    commands = draw(st.lists(st.tuples(st.integers(0, 180 * MINUTE), st.sampled_from(["rent", "release"]),
                                       st.integers(1, 3)), max_size=6))
    return spec, draw(st.integers(0, 10_000)), sorted(commands)


class Checker:
    """Watches every event and checks the invariants against the world's state at that moment."""

    def __init__(self, world):
        self.world = world
        self.queued = set()
        self.started = set()
        self.problems = []
        world.subscribe(self)

    def __call__(self, event):
        world = self.world
        if event.kind == Kind.QUEUE:
            self.queued.add(event.task)
        elif event.kind == Kind.START:
            if event.task not in self.queued:
                self.problems.append(f"task {event.task} started without being queued")
            self.started.add(event.task)
            m = world.models[event.model]
            if m.busy > len(m.slots) - sum(1 for s in m.slots if s.state == E.DOWN):
                self.problems.append(f"{m.id} runs {m.busy} tasks on {len(m.slots)} slots")
        if event.kind in (Kind.ADMIT, Kind.START):
            customer = world.customers[event.customer]
            live = sum(1 for t in customer.tasks if t.state in (E.QUEUED, E.RUNNING))
            cap = dict(world.spec.tiers)[customer.tier]  # the level's word, not the customer's copy
            if live > cap or live != customer.in_flight:
                self.problems.append(f"customer {customer.id}: {live} in flight, count {customer.in_flight}, "
                                     f"cap {cap}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_invariants_hold(case):
    spec, seed, commands = case
    world = World(spec, seed=seed)
    checker = Checker(world)
    customers = {}
    world.subscribe(lambda e: customers.setdefault(e.customer, world.customers.get(e.customer))
                    if e.kind == Kind.ARRIVE else None)
    for time, name, count in commands:
        world.advance(time)
        world.apply(Rent("sd15", count) if name == "rent" else Release("sd15", count))
    world.run()
    assert checker.problems == []

    # every hold is settled at most once, and is still open only for tasks still in flight
    ledger = world.ledger
    holds = Counter(e.task for e in ledger.entries if e.kind == "hold")
    settled = Counter(e.task for e in ledger.entries if e.kind in ("capture", "release"))
    assert max(holds.values(), default=1) == 1 and max(settled.values(), default=1) == 1
    assert set(settled) <= set(holds)
    in_flight = {t.id for c in customers.values() for t in c.tasks if t.state in (E.QUEUED, E.RUNNING)}
    assert set(holds) - set(settled) == in_flight == set(ledger.holds)

    # money is conserved: per customer and for River
    for c in customers.values():
        assert c.available_cents + c.held_cents + c.spent_cents == c.budget_cents
        assert c.available_cents >= 0
    captured = sum(e.cents for e in ledger.entries if e.kind == "capture")
    spent = sum(c.spent_cents for c in customers.values())
    assert captured == ledger.revenue_cents == spent
    upstream = sum(e.cents for e in ledger.entries if e.kind == "upstream")
    assert ledger.cash_cents == ledger.start_cash_cents + captured - upstream

    # every task ends in exactly one way, and the metrics agree with the tasks
    summary = world.summary()["overall"]
    states = Counter(t.state for c in customers.values() for t in c.tasks)
    assert summary["completed"] == states[E.DONE]
    assert summary["failed"] == states[E.FAILED]
    assert summary["abandoned"] == states[E.ABANDONED]
    assert summary["lost_sales"] == states[E.LOST]
    assert summary["requested"] == sum(states.values())
    assert checker.started >= {t.id for c in customers.values() for t in c.tasks if t.state == E.DONE}


def test_the_checker_catches_a_broken_cap():
    """The invariant test could fail: a world whose cap is bypassed is caught."""
    spec = level(model(slots=2), rate_per_hour=60, tiers=(("L1", 1),))
    spec = with_arrivals(spec, tasks=Dist.fixed(3))
    world = World(spec, seed=3)
    checker = Checker(world)
    world.caps["L1"] = 3  # sabotage: customers get three slots of concurrency instead of one
    world.run(2 * HOUR)
    assert any("cap 1" in p for p in checker.problems)


def test_per_customer_event_order_is_causal():
    spec = with_arrivals(level(model(slots=2, failure_rate=0.2, retries=1), rate_per_hour=40,
                               tiers=(("L2", 2),), prompt=PromptSpec()),
                         tasks=Dist.uniform(1, 4), patience=Dist.uniform(0, 20 * MINUTE))
    world = World(spec, seed=11)
    seen = defaultdict(list)
    world.subscribe(lambda e: seen[e.task].append(e.kind) if e.task is not None else None)
    world.run()
    for kinds in seen.values():
        if Kind.START in kinds:
            assert kinds.index(Kind.HOLD) < kinds.index(Kind.QUEUE) < kinds.index(Kind.START)
        if Kind.CAPTURE in kinds:
            assert Kind.RELEASE not in kinds and kinds[-1] == Kind.CAPTURE
