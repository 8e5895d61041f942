"""The world's read-only face for the game (`factory_game.sim.queries`), one query at a time on tiny scripted worlds.

Default model: one slot, every task exactly 5 minutes.
"""

from factory_game.levelkit import level, model
from factory_game.sim import queries
from factory_game.sim.clock import MINUTE, SECOND
from factory_game.sim.commands import Arrive, Release, Rent
from factory_game.sim.queries import CustomerState, Kind, SlotState, TaskState
from factory_game.sim.spec import PromptSpec, ScriptedEvent
from factory_game.sim.world import World


def crowd(world, n, **kwargs):
    for _ in range(n):
        world.apply(Arrive("L1", ("image",), **kwargs))


def test_the_prompt_line_is_the_levels_multiplier_times_the_mean_task_time():
    world = World(level(model(), prompt=PromptSpec(enabled=True, multiplier=2.5)))
    assert queries.multiplier(world) == 2.5
    assert queries.prompt_limit_ms(world, "sd15") == 2.5 * 5 * MINUTE


def test_predicted_wait_by_position_and_for_a_newcomer():
    world = World(level(model(slots=1)))
    assert queries.predicted_wait_ms(world, "sd15") == 0  # an idle slot: no wait
    crowd(world, 3)  # 1 runs, 2 and 3 wait
    assert queries.predicted_wait_ms(world, "sd15", 0) == 5 * MINUTE
    assert queries.predicted_wait_ms(world, "sd15", 1) == 10 * MINUTE
    assert queries.predicted_wait_ms(world, "sd15") == 15 * MINUTE  # a task arriving now goes third
    tasks = queries.queued_tasks(world, "sd15")
    assert [t.customer_id for t in tasks] == [2, 3]
    assert [queries.task_wait_ms(world, t) for t in tasks] == [5 * MINUTE, 10 * MINUTE]
    running = world.customers[1].tasks[0]
    assert queries.task_wait_ms(world, running) is None  # not queued


def test_the_wait_bar_is_the_predicted_wait_over_the_prompt_line_and_stops_full():
    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True, multiplier=3.0), tiers=(("L1", 1),)))
    crowd(world, 6, patience_ms=60 * MINUTE)  # 1 runs; 2..6 wait 5, 10, 15, 20, 25 minutes
    line = 15 * MINUTE
    assert [queries.wait_fraction(world, "sd15", k) for k in range(5)] == [5 / 15, 10 / 15, 1.0, 1.0, 1.0]
    # full means asked: exactly the customers whose predicted wait passed the line
    asked = [c.id for c in world.customers.values() if c.state == CustomerState.ASKED]
    assert asked == [5, 6]
    assert all(queries.predicted_wait_ms(world, "sd15", k) > line for k in (3, 4))
    world.advance(5 * MINUTE)  # one task done: everyone moves up, the bars fall
    assert queries.wait_fraction(world, "sd15", 0) == 5 / 15


def test_over_the_line_follows_capacity():
    spec = level(model(slots=1, max_extra=3, lead_time_ms=MINUTE), prompt=PromptSpec(enabled=True))
    world = World(spec)
    crowd(world, 4)  # a newcomer would wait 4 x 5 min = 20 min > 15
    assert queries.over_the_line(world, "sd15")
    world.apply(Rent("sd15", 1))
    world.advance(MINUTE)  # two slots now: the newcomer would wait (4-1)·5/2 = 7.5 min
    assert not queries.over_the_line(world, "sd15")


def test_slot_counts_rented_on_order_down_and_the_room_left_to_rent():
    spec = level(model(slots=2, max_extra=3, lead_time_ms=2 * MINUTE),
                 events=(ScriptedEvent("outage", 3 * MINUTE, duration_ms=10 * MINUTE, model="sd15", slots=1),))
    world = World(spec)
    crowd(world, 1)
    assert queries.slot_counts(world, "sd15") == queries.SlotCounts(busy=1, serving=2, rented=0, on_order=0, down=0)
    world.apply(Rent("sd15", 2))
    assert queries.slot_counts(world, "sd15").on_order == 2
    assert queries.rent_room(world, "sd15") == 1
    world.advance(2 * MINUTE)
    assert queries.slot_counts(world, "sd15") == queries.SlotCounts(busy=1, serving=4, rented=2, on_order=0, down=0,
                                                                    idle_rented=2)
    world.advance(3 * MINUTE)  # the outage takes the highest contracted slot (the busy one: its task fails)
    counts = queries.slot_counts(world, "sd15")
    assert (counts.down, counts.serving, counts.rented) == (1, 3, 2)
    assert [s.state for s in world.slots.values()].count(SlotState.DOWN) == 1
    world.apply(Release("sd15", 1))
    assert queries.slot_counts(world, "sd15").rented == 1
    assert queries.rent_room(world, "sd15") == 2


def test_counts_by_state_and_the_queue_change_marker():
    world = World(level(model(slots=1), tiers=(("L1", 1), ("L2", 2))))
    before = queries.queue_changes(world, "sd15")
    world.apply(Arrive("L2", ("image",) * 3))  # cap 2: one runs, one queued, one outside
    assert queries.task_counts(world) == {TaskState.PENDING: 1, TaskState.QUEUED: 1, TaskState.RUNNING: 1,
                                          TaskState.DONE: 0, TaskState.FAILED: 0, TaskState.ABANDONED: 0,
                                          TaskState.LOST: 0}
    assert queries.task_counts(world, "sd15")[TaskState.QUEUED] == 1
    assert queries.customer_counts(world) == {CustomerState.INSIDE: 1, CustomerState.ASKED: 0,
                                              CustomerState.LEAVING: 0}
    assert queries.queue_length(world, "sd15") == 1
    after = queries.queue_changes(world, "sd15")
    assert after != before
    world.advance(5 * MINUTE)  # one starts, the outside one joins: same length, a different marker
    assert queries.queue_length(world, "sd15") == 1
    assert queries.queue_changes(world, "sd15") != after


def test_state_names_and_event_kinds_are_the_simulations_own():
    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True, answer_delay_ms=10 * SECOND),
                        tiers=(("L1", 1),)))
    log = []
    world.subscribe(log.append)
    crowd(world, 5, patience_ms=MINUTE)
    world.advance(20 * SECOND)
    assert world.customers[1].tasks[0].state == TaskState.RUNNING
    assert {e.kind for e in log} >= {Kind.ARRIVE, Kind.PROMPT, Kind.ANSWER, Kind.LEAVE}
    assert all(isinstance(e.kind, Kind) for e in log)


def test_orders_and_counts_tell_contracts_from_rentals():
    """Rentals and contracts on order each have their own arrival time (the rental's lead time, the contract's);
    once arrived, a contract is counted apart from rentals, with when it ends, and only rentals are releasable."""
    from factory_game.sim.commands import SignContract

    world = World(level(model(slots=1, max_extra=10, lead_time_ms=2 * MINUTE)))
    lead = world.spec.market.contract_lead_ms
    world.advance(MINUTE)
    world.apply(SignContract("sd15", 4))
    world.apply(Rent("sd15", 2))
    assert queries.orders(world, "sd15") == [queries.Order(queries.RENTAL, 2, 3 * MINUTE),
                                            queries.Order(queries.CONTRACT, 4, MINUTE + lead)]
    assert queries.slot_counts(world, "sd15").on_order == 6
    world.advance(3 * MINUTE)  # the rentals are in; the contracts still on their way
    assert queries.orders(world, "sd15") == [queries.Order(queries.CONTRACT, 4, MINUTE + lead)]
    counts = queries.slot_counts(world, "sd15")
    assert (counts.rented, counts.contracted, counts.on_order) == (2, 0, 4)
    world.advance(MINUTE + lead)
    counts = queries.slot_counts(world, "sd15")
    assert queries.orders(world, "sd15") == []
    assert (counts.rented, counts.contracted, counts.on_order, counts.serving) == (2, 4, 0, 7)
    assert counts.contract_until == MINUTE + lead + world.spec.market.contract_period_ms
    world.apply(Release("sd15", 6))  # the rentals go; the contracts stay
    counts = queries.slot_counts(world, "sd15")
    assert (counts.rented, counts.contracted) == (0, 4)
    assert sum(queries.is_contract(s) for s in queries.slots(world).values()) == 4
