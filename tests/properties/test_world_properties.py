"""The simulation's invariants as properties over random small levels, command sequences and seeds (issue 21).

Read from the outside only (events, recorded commands, the summary), so they hold whatever the engine's internals
look like. Fast by default (tens of examples each); `pytest --hypothesis-profile long tests/properties` for more.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from factory_game.levelkit import level, model
from factory_game.runner import run_level
from factory_game.sim.clock import MINUTE, SECOND
from factory_game.sim.commands import (
    Arrive,
    Release,
    Rent,
    SetCap,
    SetPromptMultiplier,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.entities import LEAVING_SLOT
from factory_game.sim.events import EventLog, Kind
from factory_game.sim.levers import lever_of
from factory_game.sim.spec import PromptSpec
from factory_game.sim.world import World

from .strategies import EDGES, TIERS, commands_, examples, levels, play, seeds, timed_commands


@examples(30)
@given(levels(), seeds, timed_commands, st.sampled_from([0, 30]))
def test_money_is_conserved(spec, seed, commands, offer):
    """Every held cent is captured, released, discounted or still held; revenue and upstream costs are the ledger's."""
    run = play(spec, seed, [(0, SetWaitOffer(offer)), *commands] if offer else commands)
    money = run.summary["money"]
    held = sum(e.cents for e in run.of(Kind.HOLD))
    captured = sum(e.cents for e in run.of(Kind.CAPTURE))
    released = sum(e.cents for e in run.of(Kind.RELEASE))
    discounts = money["refunded_cents"] - released  # wait-offer discounts: part of a hold given back early
    assert discounts >= 0
    assert held == captured + released + discounts + money["held_cents"]
    assert money["revenue_cents"] == captured == run.summary["overall"]["revenue_cents"]
    assert money["upstream_cost_cents"] == sum(e.cents for e in run.of(Kind.UPSTREAM_COST))
    assert money["profit_cents"] == money["revenue_cents"] - money["upstream_cost_cents"]
    assert money["cash_cents"] == money["start_cash_cents"] + money["profit_cents"]


class SlotWatch:
    """Follows each slot through the events: present, busy (running a task), down."""

    def __init__(self, contracted: int) -> None:
        self.present = contracted
        self.busy: set[int] = set()
        self.down: set[int] = set()
        self.problems: list[str] = []

    def __call__(self, e) -> None:
        if e.kind == Kind.START:
            if e.slot in self.busy or e.slot in self.down:
                self.problems.append(f"{e.time}: task {e.task} starts on slot {e.slot}, busy or down")
            self.busy.add(e.slot)
        elif e.kind in (Kind.FINISH, Kind.FAIL):
            self.busy.discard(e.slot)
        elif e.kind == Kind.SLOT_ARRIVE:
            self.present += 1
        elif e.kind == Kind.SLOT_LEAVE:  # a released busy slot leaves after its task's FINISH or FAIL
            if e.slot in self.busy:
                self.problems.append(f"{e.time}: slot {e.slot} left while still running a task")
            self.present -= 1
        elif e.kind == Kind.SLOT_DOWN:
            self.down.add(e.slot)
        elif e.kind == Kind.SLOT_UP:
            self.down.discard(e.slot)
        if len(self.busy) + len(self.down) > self.present:
            self.problems.append(f"{e.time}: {len(self.busy)} busy + {len(self.down)} down > {self.present} present")


@examples(30)
@given(levels(), seeds, timed_commands)
def test_slots_are_conserved(spec, seed, commands):
    """A slot is idle, busy, down or leaving: never two tasks at once, never more busy and down than present."""
    watch = SlotWatch(spec.models[0].slots)
    run = play(spec, seed, commands, watch)
    sd15 = run.summary["models"]["sd15"]
    assert watch.problems == []
    # a slot let go while busy (released, or a contract at its period's end) stays, leaving, until its task ends
    leaving = sum(1 for slot in run.world.models["sd15"].slots if slot.state == LEAVING_SLOT)
    assert watch.present == sd15["slots_contracted"] + sd15["slots_rented_now"] + leaving
    assert len(watch.busy) == sd15["running_now"]


class CapWatch:
    """Each customer's open holds (tasks admitted, not yet settled) against their tier's cap at that moment."""

    def __init__(self) -> None:
        self.caps = dict(TIERS)
        self.tier: dict[int, str] = {}
        self.open: dict[int, set[int]] = defaultdict(set)
        self.owner: dict[int, int] = {}
        self.problems: list[str] = []

    def before(self, command) -> None:
        """A raised cap admits waiting tasks inside `World.apply`, before it returns: allow the higher one."""
        if isinstance(command, SetCap) and command.tier in self.caps:
            self.previous = self.caps[command.tier]
            self.caps[command.tier] = max(self.previous, command.cap)

    def apply(self, command, record) -> None:
        if isinstance(command, SetCap) and command.tier in self.caps:
            self.caps[command.tier] = command.cap if record.ok else self.previous

    def __call__(self, e) -> None:
        if e.kind == Kind.ARRIVE and e.customer not in self.tier:
            self.tier[e.customer] = e.info.split(":")[0].split("+")[0]
        elif e.kind == Kind.HOLD:
            self.open[e.customer].add(e.task)
            cap = self.caps[self.tier[e.customer]]
            if len(self.open[e.customer]) > cap:
                self.problems.append(f"{e.time}: customer {e.customer} holds {len(self.open[e.customer])} > {cap}")
        elif e.kind in (Kind.CAPTURE, Kind.RELEASE):
            self.open[e.customer].discard(e.task)


@examples(30)
@given(levels(), seeds, timed_commands)
def test_no_customer_exceeds_their_cap(spec, seed, commands):
    """No admission takes a customer past their tier's cap (as it stands, levers included)."""
    watch = CapWatch()
    play(spec, seed, commands, watch)
    assert watch.problems == []


@examples(30)
@given(levels(), seeds, timed_commands)
def test_no_task_is_lost_or_served_twice(spec, seed, commands):
    """Each admitted task is held once, settled at most once, delivered at most once, and is otherwise in flight."""
    run = play(spec, seed, commands)
    holds = Counter(e.task for e in run.of(Kind.HOLD))
    settled = Counter(e.task for e in run.events if e.kind in (Kind.CAPTURE, Kind.RELEASE))
    finished = Counter(e.task for e in run.of(Kind.FINISH))
    starts, retries = Counter(e.task for e in run.of(Kind.START)), Counter(e.task for e in run.of(Kind.RETRY))
    assert max(holds.values(), default=1) == 1 and max(settled.values(), default=1) == 1
    assert max(finished.values(), default=1) == 1
    assert set(settled) <= set(holds) and set(finished) <= set(starts)
    assert all(starts[t] <= 1 + retries[t] for t in starts)
    assert set(finished) == {e.task for e in run.of(Kind.CAPTURE)}
    overall, sd15 = run.summary["overall"], run.summary["models"]["sd15"]
    in_flight = len(holds) - len(settled)
    assert in_flight == sd15["queued_now"] + sd15["running_now"]
    assert overall["admitted"] == len(holds) and overall["completed"] == len(finished)
    assert overall["requested"] >= overall["admitted"] + overall["lost_sales"]  # the rest wait outside, or left


@examples(40)
@given(st.integers(1, 3), st.integers(1, 12), st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]))
def test_the_prompt_fires_exactly_past_the_line(slots, customers, multiplier):
    """With c slots busy, the k-th in line waits (k+1)/c task times: asked if and only if that is past the line."""
    spec = level(model(slots=slots), tiers=(("L1", 1),),
                 prompt=PromptSpec(enabled=True, multiplier=multiplier, answer_delay_ms=10 * SECOND))
    world = World(spec)
    asked = []
    world.subscribe(lambda e: asked.append((e.customer, int(e.info))) if e.kind == Kind.PROMPT else None)
    for _ in range(customers):
        world.apply(Arrive("L1", ("image",), patience_ms=600 * MINUTE))
    five = 5 * MINUTE
    expected = [(i + 1, round((i - slots + 1) * five / slots)) for i in range(slots, customers)
                if multiplier > 0 and (i - slots + 1) * five / slots > multiplier * five]
    assert asked == expected


def _in_range(command, spec) -> bool | None:
    """Whether the world must carry a command out: a lever's command when its lever is unlocked, its key is the
    level's and its value inside the lever table's range (sim/levers.py, the one declaration); None: it depends on
    the world's state (orders against room, releases against what is rented)."""
    lever = lever_of(command)
    if lever is not None and not lever.unlocked(spec.market.levers):
        return False
    match command:
        case SignContract(model=m, count=n) | Rent(model=m, count=n):
            return None if m == "sd15" and n >= 1 else False
        case Release(count=n):
            return None if n >= 1 else False
        case SetPromptMultiplier() if not spec.prompt.enabled or spec.prompt.multiplier == 0:
            return False  # a level that asks no wait question refuses the lever, with its reason
    if lever is None:
        return True
    keys = {"tier": {tier for tier, _ in TIERS}, "content": {c.id for c in spec.content},
            "model": {m.id for m in spec.models}}
    if lever.keyed_by is not None and getattr(command, lever.keyed_by) not in keys[lever.keyed_by]:
        return False
    return lever.refusal(float(getattr(command, lever.field))) is None


@examples(30)
@given(levels(), seeds, st.permutations(EDGES), st.lists(commands_, max_size=10))
def test_every_levers_range_is_honoured(spec, seed, edges, others):
    """A command inside its lever's range (on an unlocked lever) is carried out; one outside it is refused."""
    commands = [*edges, *others]
    run = play(replace(spec, duration_ms=30 * MINUTE), seed,
               [(minute * MINUTE, command) for minute, command in enumerate(commands)])
    player = [r for r in run.world.commands if r.source == "player"]
    assert [r.command for r in player] == commands
    for record in player:
        expected = _in_range(record.command, spec)
        if expected is not None:
            assert record.ok is expected, (record.command, record.reason)
        if not record.ok:
            assert record.reason


@examples(15)
@given(levels(), seeds, timed_commands)
def test_replay_reproduces_the_hash(spec, seed, commands):
    """The level, the seed and the recorded player commands replay the run event for event."""
    world = World(spec, seed=seed)
    log = EventLog()
    world.subscribe(log)
    for time, command in commands:
        world.advance(time)
        world.apply(command)
    world.run()
    replayed = run_level(spec, seed=seed, commands=world.player_commands(), until_ms=spec.duration_ms)
    assert replayed.event_hash == log.hexdigest()
