"""One test per rule of River's queue, billing and capacity, on tiny scripted worlds."""

from factory_game.levelkit import level, model
from factory_game.sim import entities as E
from factory_game.sim.clock import HOUR, MINUTE, SECOND
from factory_game.sim.commands import Arrive, Release, Rent
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Kind
from factory_game.sim.spec import PromptSpec, QueueSpec
from factory_game.sim.world import World


def recorder(world):
    log = []
    world.subscribe(log.append)
    return log


def kinds(log, kind):
    return [e for e in log if e.kind == kind]


def test_tier_cap_counts_queued_tasks():
    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",)))  # takes the only slot
    world.apply(Arrive("L2", ("image",) * 5))
    l2 = world.customers[2]
    assert [t.state for t in l2.tasks] == [E.QUEUED, E.QUEUED, E.PENDING, E.PENDING, E.PENDING]
    assert l2.in_flight == 2  # both queued, none running: the cap still binds
    world.advance(5 * MINUTE)
    assert [t.state for t in l2.tasks][:3] == [E.RUNNING, E.QUEUED, E.PENDING]
    assert l2.in_flight == 2


def test_priority_pack_jumps_the_queue_but_not_its_cap():
    world = World(level(model(slots=1)))
    log = recorder(world)
    world.apply(Arrive("L1", ("image",)))  # customer 1 runs
    world.apply(Arrive("L1", ("image",)))  # customer 2 queues
    world.apply(Arrive("L1", ("image",)))  # customer 3 queues
    world.apply(Arrive("L1", ("image",) * 2, priority=True))  # customer 4: two tasks, cap 1
    vip = world.customers[4]
    # the second task waits outside with its customer: the pack buys queue position, not concurrency
    assert [t.state for t in vip.tasks] == [E.QUEUED, E.PENDING]
    world.advance(5 * MINUTE)
    assert [t.state for t in vip.tasks] == [E.RUNNING, E.PENDING]
    world.advance(60 * MINUTE)
    # 4 goes ahead of 2 and 3 each time it has a task admitted, one at a time
    assert [e.customer for e in kinds(log, Kind.START)] == [1, 4, 4, 2, 3]


def test_fifo_inside_a_class():
    world = World(level(model(slots=1)))
    log = recorder(world)
    for _ in range(5):
        world.apply(Arrive("L1", ("image",)))
    world.advance(60 * MINUTE)
    assert [e.customer for e in kinds(log, Kind.START)] == [1, 2, 3, 4, 5]


def test_aging_lets_a_long_waiting_normal_task_go_ahead_of_new_priority_tasks():
    world = World(level(model(slots=1), queue=QueueSpec(aging_ms=7 * MINUTE)))
    log = recorder(world)
    world.apply(Arrive("L1", ("image",)))  # 1 runs until 5m
    world.apply(Arrive("L1", ("image",)))  # 2, normal, queued at 0
    world.advance(4 * MINUTE)
    world.apply(Arrive("L1", ("image",), priority=True))  # 3, queued at 4m: key 4m-7m = -3m < 0: ahead of 2
    world.advance(8 * MINUTE)
    world.apply(Arrive("L1", ("image",), priority=True))  # 4, queued at 8m: key 1m > 0: behind 2
    world.advance(60 * MINUTE)
    assert [e.customer for e in kinds(log, Kind.START)] == [1, 3, 2, 4]


def prompt_world(patience_ms: int):
    spec = level(model(slots=1), prompt=PromptSpec(enabled=True, multiplier=3.0, answer_delay_ms=10 * SECOND),
                 tiers=(("L1", 1),))
    world = World(spec)
    log = recorder(world)
    for _ in range(5):
        world.apply(Arrive("L1", ("image",), patience_ms=patience_ms))
    return world, log


def test_prompt_fires_only_past_three_times_the_mean_task_time():
    # one slot, 5 min per task: the k-th in line (0-based) waits (k+1) x 5 min. Customer 2 is next (5m),
    # 3 waits 10m, 4 waits 15m (exactly 3x: not past it), 5 waits 20m: only 5 is asked.
    world, log = prompt_world(patience_ms=30 * MINUTE)
    assert [(e.customer, int(e.info)) for e in kinds(log, Kind.PROMPT)] == [(5, 20 * MINUTE)]
    assert world.customers[5].state == E.ASKED
    world.advance(10 * SECOND)
    assert [(e.customer, e.ok) for e in kinds(log, Kind.ANSWER)] == [(5, True)]


def test_a_no_refunds_leaves_and_frees_the_quota():
    world, log = prompt_world(patience_ms=10 * MINUTE)
    customer = world.customers[5]
    task = customer.tasks[0]
    world.advance(10 * SECOND)
    assert [(e.customer, e.ok) for e in kinds(log, Kind.ANSWER)] == [(5, False)]
    assert task.state == E.ABANDONED
    assert customer.in_flight == 0 and 5 not in world.customers
    assert all(entry[2] is not task for entry in world.models["sd15"].queue)
    assert [(e.kind, e.cents) for e in log if e.task == task.id and e.kind in (Kind.HOLD, Kind.RELEASE)] == \
        [(Kind.HOLD, 50), (Kind.RELEASE, 50)]
    assert customer.available_cents == customer.budget_cents
    assert world.summary()["overall"]["abandoned"] == 1


def test_a_yes_is_asked_again_only_when_the_wait_slips_by_another_threshold():
    world, log = prompt_world(patience_ms=60 * MINUTE)
    world.advance(10 * SECOND)  # customer 5 says yes to a 20 min wait
    promised = world.customers[5].promised_start
    assert promised == 10 * SECOND + 20 * MINUTE
    world.advance(30 * MINUTE)  # service goes as predicted: no second prompt
    assert len(kinds(log, Kind.PROMPT)) == 1


def test_failure_releases_the_hold():
    world = World(level(model(slots=1, failure_rate=1.0)))
    log = recorder(world)
    world.apply(Arrive("L1", ("image",)))
    world.advance(10 * MINUTE)
    task = world.ledger.entries[0].task
    assert [e.kind for e in log if e.task == task] == [Kind.ADMIT, Kind.HOLD, Kind.QUEUE, Kind.START, Kind.FAIL,
                                                       Kind.RELEASE]
    assert world.ledger.revenue_cents == 0 and world.ledger.refunded_cents == 50
    assert world.summary()["overall"]["failed"] == 1


def test_retry_keeps_the_hold_then_refunds_once():
    world = World(level(model(slots=1, failure_rate=1.0, retries=2)))
    log = recorder(world)
    world.apply(Arrive("L1", ("image",)))
    world.advance(60 * MINUTE)
    assert [e.kind for e in log if e.kind in (Kind.FAIL, Kind.RETRY, Kind.RELEASE)] == \
        [Kind.FAIL, Kind.RETRY, Kind.FAIL, Kind.RETRY, Kind.FAIL, Kind.RELEASE]
    assert [e.kind for e in world.ledger.entries] == ["hold", "release"]


def test_success_captures_the_hold():
    world = World(level(model(slots=1)))
    world.apply(Arrive("L1", ("image",), budget_cents=120))
    customer = world.customers[1]
    assert customer.available_cents == 70 and customer.held_cents == 50
    world.advance(5 * MINUTE)
    assert [(e.kind, e.cents) for e in world.ledger.entries] == [("hold", 50), ("capture", 50)]
    assert world.ledger.revenue_cents == 50


def test_a_task_the_budget_cannot_hold_is_a_lost_sale():
    world = World(level(model(slots=1)))
    world.apply(Arrive("L2", ("image",) * 3, budget_cents=120))  # two tasks fit, the third does not
    world.advance(30 * MINUTE)
    summary = world.summary()["overall"]
    assert (summary["completed"], summary["lost_sales"]) == (2, 1)


def test_rented_slots_arrive_after_the_lead_time_and_drain_on_release():
    spec = level(model(slots=1, max_extra=2, lead_time_ms=2 * MINUTE, rent_price_cents=600,
                       min_rental_ms=60 * MINUTE))
    world = World(spec)
    log = recorder(world)
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
    assert world.apply(Rent("sd15", 1)).ok
    assert not world.apply(Rent("sd15", 2)).ok  # over max_extra
    m = world.models["sd15"]
    world.advance(2 * MINUTE - 1)
    assert m.capacity == 1 and m.pending_rentals == 1
    world.advance(2 * MINUTE)
    assert m.capacity == 2 and [e.kind for e in log if e.kind == Kind.SLOT_ARRIVE] == [Kind.SLOT_ARRIVE]
    rented = next(s for s in m.slots if s.rented)
    assert rented.state == E.BUSY  # the waiting task started on it at once
    assert world.apply(Release("sd15", 1)).ok
    assert rented.state == E.LEAVING_SLOT and m.capacity == 1
    world.advance(7 * MINUTE - 1)
    assert rented.id in world.slots  # still finishing its task
    world.advance(7 * MINUTE)
    assert rented.id not in world.slots
    # it stayed 5 minutes but the minimum rental is an hour: billed 6.00
    assert sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:rented") == 600


def test_contracted_slots_are_billed_by_the_slot_hour():
    world = World(level(model(slots=3, slot_cost_cents=100)))
    world.run(90 * MINUTE)
    assert world.ledger.upstream_cents == 450


def test_outage_fails_running_tasks_and_brings_slots_back():
    from factory_game.sim.spec import ScriptedEvent
    spec = level(model(slots=2), events=(ScriptedEvent("outage", 1 * MINUTE, duration_ms=10 * MINUTE,
                                                       model="sd15", slots=2),))
    world = World(spec)
    log = recorder(world)
    world.apply(Arrive("L1", ("image",)))
    world.advance(1 * MINUTE)
    assert world.models["sd15"].capacity == 0
    assert [e.info for e in kinds(log, Kind.FAIL)] == ["outage"]
    assert world.ledger.refunded_cents == 50
    world.advance(11 * MINUTE)
    assert world.models["sd15"].capacity == 2


def test_commands_are_recorded_with_their_time_and_outcome():
    world = World(level(model(slots=1, max_extra=1)))
    world.advance(3 * MINUTE)
    world.apply(Rent("sd15", 1))
    world.apply(Rent("nope", 1))
    assert [(r.time, r.command.name, r.ok) for r in world.commands] == [(3 * MINUTE, "rent", True),
                                                                        (3 * MINUTE, "rent", False)]
    assert "unknown model" in world.commands[1].reason


def test_release_prefers_idle_then_paid_up_slots():
    spec = level(model(slots=0, max_extra=3, lead_time_ms=0, min_rental_ms=60 * MINUTE))
    world = World(spec)
    world.apply(Rent("sd15", 1))  # slot A at 0
    world.advance(61 * MINUTE)
    world.apply(Rent("sd15", 2))  # slots B and C at 61m, inside their paid hour
    world.advance(62 * MINUTE)
    first, *_ = sorted(s.id for s in world.models["sd15"].slots)
    world.apply(Release("sd15", 1))
    assert first not in world.slots  # the paid-up one left, not a newer one


def test_autopilot_does_not_release_inside_the_minimum_rental():
    from factory_game.sim.spec import AutopilotSpec, ScriptedEvent

    spec = level(model(slots=20, max_extra=20, lead_time_ms=2 * MINUTE, min_rental_ms=60 * MINUTE,
                       rent_price_cents=300, service=Dist.exponential(5 * MINUTE)),
                 rate_per_hour=200, duration_ms=4 * HOUR, prompt=PromptSpec(),
                 autopilot=AutopilotSpec(enabled=True, step=20, sustain=1),
                 events=(ScriptedEvent("outage", HOUR, duration_ms=30 * MINUTE, model="sd15", slots=20),))
    world = World(spec, seed=3)
    world.run()
    rents = [r.time for r in world.commands if r.command.name == "rent" and r.ok]
    releases = [r.time for r in world.commands if r.command.name == "release" and r.ok]
    assert rents, "the outage should make the autopilot rent"
    for released in releases:
        last_rent = max(t for t in rents if t <= released)
        assert released - last_rent >= 60 * MINUTE


def test_events_carry_typed_outcomes_a_refused_command_an_answer_and_a_mood():
    """What the game reads from events is typed: no string to split, no look back at the command list."""
    spec = level(model(slots=1, max_extra=1), prompt=PromptSpec(enabled=True, multiplier=3.0,
                                                                  answer_delay_ms=10 * SECOND), tiers=(("L1", 1),),
                 sla_ms=HOUR)  # nobody late: only a "no" makes an angry face
    world = World(spec)
    log = recorder(world)
    world.apply(Rent("sd15", 2))  # over max_extra: refused
    world.apply(Rent("sd15", 1), source="autopilot")
    for patience in (0, 0, 0, 0, 60 * MINUTE, 0):  # 5 and 6 are predicted past the line; 5 says yes, 6 no
        world.apply(Arrive("L1", ("image",), patience_ms=patience))
    world.advance(10 * SECOND)
    refused, rented = kinds(log, Kind.COMMAND)[:2]
    assert (refused.ok, refused.info) == (False, "player:rent")
    assert refused.reason == "sd15 allows 1 extra slots; 0 already rented" == world.commands[0].reason
    assert (rented.ok, rented.reason, rented.info) == (True, None, "autopilot:rent")
    assert [(e.customer, e.ok, e.info) for e in kinds(log, Kind.ANSWER)] == [(5, True, None), (6, False, None)]
    world.advance(60 * MINUTE)
    moods = {e.customer: e.ok for e in kinds(log, Kind.LEAVE)}
    assert moods == {1: True, 2: True, 3: True, 4: True, 5: True, 6: False}
    assert all(e.info is None for e in kinds(log, Kind.LEAVE))
    lines = [e.to_dict() for e in log if e.kind in (Kind.COMMAND, Kind.ANSWER)]
    assert lines[0]["ok"] is False and lines[0]["reason"].startswith("sd15 allows")
    assert "reason" not in lines[1] and lines[-1] == {"t": 10 * SECOND, "kind": "answer", "customer": 6, "ok": False}
