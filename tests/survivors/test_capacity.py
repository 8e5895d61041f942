"""Outages and the bill (the review's capacity survivors): read through the events and the ledger's totals."""

from __future__ import annotations

from factory_game.levelkit import level, model
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Arrive, Release, Rent, SignContract
from factory_game.sim.distributions import Dist
from factory_game.sim.events import Kind
from factory_game.sim.spec import MarketSpec, ScriptedEvent
from factory_game.sim.world import World


def _outage_world(slots=3, down=2, at=MINUTE, minutes=10):
    spec = level(model(slots=slots, slot_cost_cents=600),
                 events=(ScriptedEvent("outage", at, duration_ms=minutes * MINUTE, model="sd15", slots=down),))
    world = World(spec)
    log = []
    world.subscribe(log.append)
    return world, log


def test_tasks_queued_during_a_full_outage_start_the_moment_it_ends():
    """Slots back from an outage take the waiting tasks at once (no idle slot beside a waiting queue)."""
    world, log = _outage_world(slots=2, down=2)
    world.advance(2 * MINUTE)
    for _ in range(3):
        world.apply(Arrive("L1", ("image",)))
    world.advance(30 * MINUTE)
    starts = [e.time for e in log if e.kind == Kind.START]
    assert starts[:2] == [11 * MINUTE, 11 * MINUTE] and starts[2] == 16 * MINUTE


def test_an_outage_takes_the_newest_contracted_slots_down():
    """The highest slot ids go down first, and the same ones come back up."""
    world, log = _outage_world(slots=3, down=2)
    world.advance(12 * MINUTE)
    down = [e.slot for e in log if e.kind == Kind.SLOT_DOWN]
    up = [e.slot for e in log if e.kind == Kind.SLOT_UP]
    assert down == [3, 2] and sorted(up) == [2, 3]  # of slots 1, 2, 3


def test_contracted_slots_are_billed_while_down():
    """Contracted slots cost their slot-hour whether up or down: 3 slots x 6.00 x 30 min = 9.00, outage or not."""
    world, log = _outage_world(slots=3, down=3, at=5 * MINUTE, minutes=20)
    world.advance(15 * MINUTE)  # mid-outage: the cost has kept accruing minute by minute
    world.settle_costs()
    assert world.ledger.upstream_cents == 3 * 600 * 15 // 60
    world.advance(30 * MINUTE)
    world.settle_costs()
    assert world.ledger.upstream_cents == 900
    assert sum(e.cents for e in log if e.kind == Kind.UPSTREAM_COST and e.info == "contracted") == 900


def test_a_contract_slot_that_leaves_at_its_periods_end_is_billed_exactly_the_period():
    """A contract slot is billed its committed period at the contract price, no more, no less."""
    spec = level(model(slots=1, max_extra=2, rent_price_cents=400),
                 market=MarketSpec(contract_share=0.5, contract_period_ms=HOUR, contract_lead_ms=0))
    world = World(spec)
    assert world.apply(SignContract("sd15", 1)).ok
    world.advance(3 * HOUR)
    world.settle_costs()
    contract = [e for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract"]
    assert sum(e.cents for e in contract) == 200


# --------------------------------------------------------------------------- from the mutmut sample on capacity.py
def _recorded(world):
    log = []
    world.subscribe(log.append)
    return log


def test_slot_events_name_their_model_and_slot():
    """What the floor plan draws from: every slot event names the model and the slot; RENT the count ordered."""
    spec = level(model(slots=2, max_extra=2, lead_time_ms=MINUTE, slot_cost_cents=60),
                 events=(ScriptedEvent("outage", 10 * MINUTE, duration_ms=5 * MINUTE, model="sd15", slots=1),))
    world = World(spec)
    log = _recorded(world)
    assert world.apply(Rent("sd15", 2)).ok
    world.advance(2 * MINUTE)
    assert world.apply(Release("sd15", 1)).ok
    world.advance(20 * MINUTE)
    slots = [(e.kind, e.model, e.slot, e.info) for e in log
             if e.kind in (Kind.RENT, Kind.SLOT_ARRIVE, Kind.SLOT_LEAVE, Kind.SLOT_DOWN, Kind.SLOT_UP)]
    assert slots == [(Kind.RENT, "sd15", None, "2"), (Kind.SLOT_ARRIVE, "sd15", 3, None),
                     (Kind.SLOT_ARRIVE, "sd15", 4, None), (Kind.SLOT_LEAVE, "sd15", 3, None),
                     (Kind.SLOT_DOWN, "sd15", 2, "outage"), (Kind.SLOT_UP, "sd15", 2, None)]
    assert {e.model for e in log if e.kind == Kind.UPSTREAM_COST} == {"sd15"}


def test_an_outage_takes_contracted_slots_never_rented_ones():
    """Rented slots (higher ids) stay up through an outage; only contracted ones go down."""
    spec = level(model(slots=2, max_extra=2, lead_time_ms=0),
                 events=(ScriptedEvent("outage", 10 * MINUTE, duration_ms=5 * MINUTE, model="sd15", slots=2),))
    world = World(spec)
    log = _recorded(world)
    assert world.apply(Rent("sd15", 2)).ok
    world.advance(11 * MINUTE)
    assert sorted(e.slot for e in log if e.kind == Kind.SLOT_DOWN) == [1, 2]


def test_slots_back_from_an_outage_can_go_down_again():
    """A second outage after the first has ended takes the same slots down again."""
    events = tuple(ScriptedEvent("outage", at * MINUTE, duration_ms=5 * MINUTE, model="sd15", slots=1)
                   for at in (10, 30))
    world = World(level(model(slots=1), events=events))
    log = _recorded(world)
    world.advance(60 * MINUTE)
    assert [(e.kind, e.time) for e in log if e.kind in (Kind.SLOT_DOWN, Kind.SLOT_UP)] == [
        (Kind.SLOT_DOWN, 10 * MINUTE), (Kind.SLOT_UP, 15 * MINUTE),
        (Kind.SLOT_DOWN, 30 * MINUTE), (Kind.SLOT_UP, 35 * MINUTE)]


def test_release_lets_an_idle_slot_go_before_a_busy_one():
    """Of a busy and an idle rented slot, releasing one lets the idle one leave at once."""
    world = World(level(model(slots=0, max_extra=2, lead_time_ms=0)))
    log = _recorded(world)
    assert world.apply(Rent("sd15", 2)).ok
    world.advance(MINUTE)
    world.apply(Arrive("L1", ("image",)))  # takes the lower id, slot 1
    busy = next(e.slot for e in log if e.kind == Kind.START)
    assert world.apply(Release("sd15", 1)).ok
    left = [e.slot for e in log if e.kind == Kind.SLOT_LEAVE]
    assert len(left) == 1 and left[0] != busy and left[0] is not None


def test_orders_in_transit_add_up_against_the_rental_limit():
    """Two orders of one slot each in transit leave room for one more of three, not two."""
    world = World(level(model(slots=1, max_extra=3, lead_time_ms=10 * MINUTE)))
    assert world.apply(Rent("sd15", 1)).ok and world.apply(Rent("sd15", 1)).ok
    record = world.apply(Rent("sd15", 2))
    assert (record.ok, record.reason) == (False, "sd15 allows 3 extra slots; 2 already rented")
    assert world.apply(Rent("sd15", 1)).ok
    assert world.apply(Rent("sd15", 0)).reason == "rent at least one slot"


def test_a_released_busy_slot_is_out_of_next_hours_cost():
    """A busy rented slot told to leave (it finishes its task first) no longer counts in the next hour's cost."""
    from factory_game.sim import economics

    world = World(level(model(slots=0, max_extra=1, lead_time_ms=0, rent_price_cents=400, slot_cost_cents=0)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(1)  # it arrives
    world.apply(Arrive("L1", ("image",)))
    assert economics.next_hour_cost_cents(world, "sd15") == 400
    assert world.apply(Release("sd15", 1)).ok  # busy: it leaves when its task ends
    assert economics.next_hour_cost_cents(world, "sd15") == 0


def test_contract_orders_add_up_and_their_slots_are_announced():
    """Contract orders in transit count against the limit like rentals; each contract slot's arrival names it."""
    spec = level(model(slots=1, max_extra=3), market=MarketSpec(contract_lead_ms=10 * MINUTE))
    world = World(spec)
    log = _recorded(world)
    assert world.apply(SignContract("sd15", 1)).ok and world.apply(SignContract("sd15", 1)).ok
    assert world.apply(SignContract("sd15", 2)).reason == "sd15 allows 3 extra slots; 2 already rented"
    world.advance(10 * MINUTE)
    assert [(e.model, e.slot) for e in log if e.kind == Kind.SLOT_ARRIVE] == [("sd15", 2), ("sd15", 3)]


def _released_while_busy(**model_fields):
    """A level with one rented slot, released while it runs a task; the events from the release on."""
    world = World(level(model(slots=0, max_extra=1, lead_time_ms=0, **model_fields)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(MINUTE)
    world.apply(Arrive("L1", ("image",)))
    world.apply(Arrive("L1", ("image",)))  # waits for a slot that will never come back
    assert world.apply(Release("sd15", 1)).ok
    log = _recorded(world)
    world.advance(30 * MINUTE)
    return [(e.kind, e.slot) for e in log if e.kind in (Kind.FINISH, Kind.FAIL, Kind.RETRY, Kind.SLOT_LEAVE,
                                                       Kind.QUEUE, Kind.CAPTURE, Kind.START)]


def test_a_released_busy_slot_leaves_after_its_task_finishes():
    """The log announces a released busy slot's task FINISH (and its capture) before the slot's SLOT_LEAVE."""
    assert _released_while_busy() == [(Kind.FINISH, 1), (Kind.CAPTURE, None), (Kind.SLOT_LEAVE, 1)]


def test_a_released_busy_slot_leaves_after_its_task_fails_and_before_the_retry_is_queued():
    """A failed task on a released slot: FAIL and RETRY on that slot, then SLOT_LEAVE, then the task queues again."""
    events = _released_while_busy(failure_rate=1.0, retries=1)
    assert events[:4] == [(Kind.FAIL, 1), (Kind.RETRY, None), (Kind.SLOT_LEAVE, 1), (Kind.QUEUE, None)]
    assert (Kind.START, 1) not in events


def test_a_released_rental_is_billed_its_exact_presence_past_the_minimum():
    """A rented slot let go between two bills is billed to the millisecond it left, not to the last bill."""
    world = World(level(model(slots=1, max_extra=1, lead_time_ms=0, rent_price_cents=6000, min_rental_ms=10 * MINUTE)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(25 * MINUTE + 30_000)
    assert world.apply(Release("sd15", 1)).ok
    rented = sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:rented")
    assert rented == 6000 * (25 * MINUTE + 30_000) // HOUR == 2550


def test_a_rental_is_announced_at_its_price_times_the_count():
    """The RENT event carries the whole order's cost per hour: the price times the number of slots."""
    world = World(level(model(slots=1, max_extra=3, rent_price_cents=700)))
    log = _recorded(world)
    assert world.apply(Rent("sd15", 3)).ok
    assert [(e.cents, e.info) for e in log if e.kind == Kind.RENT] == [(2100, "3")]


def test_releasing_no_slot_is_refused_in_words():
    """Release(model, 0) is refused with the reason the player reads."""
    world = World(level(model(slots=1, max_extra=1, lead_time_ms=0)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(MINUTE)
    assert world.apply(Release("sd15", 0)).reason == "release at least one slot"


def test_a_busy_slot_an_outage_takes_counts_as_down_until_it_ends():
    """A slot taken down while running a task is down (not idle) for the whole outage, then serves again."""
    from factory_game.sim.queries import slot_counts

    world, _log = _outage_world(slots=2, down=1, at=2 * MINUTE, minutes=10)
    world.apply(Arrive("L1", ("image",)))
    world.apply(Arrive("L1", ("image",)))  # both slots busy when the outage comes
    world.advance(3 * MINUTE)
    assert slot_counts(world, "sd15").down == 1 and world.models["sd15"].capacity == 1
    world.advance(13 * MINUTE)
    assert slot_counts(world, "sd15").down == 0 and world.models["sd15"].capacity == 2


def test_a_task_an_outage_interrupts_is_not_ended_again_by_its_old_schedule():
    """The attempt an outage ends is over: its scheduled end does not cut short the task's next attempt."""
    spec = level(model(slots=2, service=Dist.fixed(10 * MINUTE), retries=1),
                 events=(ScriptedEvent("outage", 2 * MINUTE, duration_ms=HOUR, model="sd15", slots=1),))
    world = World(spec)
    log = _recorded(world)
    world.apply(Arrive("L1", ("image",)))
    world.apply(Arrive("L1", ("image",)))  # task 2's slot goes down at 2 min; it starts again on slot 1 at 10 min,
    world.advance(30 * MINUTE)  # the very millisecond its first attempt was due to end
    assert [(e.kind, e.task, e.time) for e in log if e.kind in (Kind.START, Kind.FINISH) and e.task == 2] == [
        (Kind.START, 2, 0), (Kind.START, 2, 10 * MINUTE), (Kind.FINISH, 2, 20 * MINUTE)]


def test_a_contract_on_its_own_terms_is_announced_priced_and_leaves_after_its_own_period():
    """An offer's or a career's contract keeps the price, lead and period it names; RENT says price x count."""
    world = World(level(model(slots=1, max_extra=3, rent_price_cents=1000, min_rental_ms=0),
                        market=MarketSpec(contract_lead_ms=0)))
    log = _recorded(world)
    world.capacity.sign_contract(SignContract("sd15", 2), price_cents=300, lead_ms=5 * MINUTE, period_ms=20 * MINUTE)
    world.advance(HOUR)
    assert [(e.kind, e.time, e.model, e.cents, e.info) for e in log if e.kind == Kind.RENT] == [
        (Kind.RENT, 0, "sd15", 600, "contract:2")]
    arrived = [e.time for e in log if e.kind == Kind.SLOT_ARRIVE]
    left = [e.time for e in log if e.kind == Kind.SLOT_LEAVE]
    assert arrived == [5 * MINUTE] * 2 and left == [25 * MINUTE] * 2
    billed = sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract")
    assert billed == 2 * 300 * 20 // 60


def test_an_unknown_model_is_refused_naming_the_levels_models():
    """A command naming a model the level lacks lists the level's models, comma-separated."""
    world = World(level(model("sd15"), model("llm", content=("text",))))
    assert world.apply(Rent("gpt", 1)).reason == "unknown model 'gpt'; this level has sd15, llm"


def test_a_bill_of_one_cent_is_booked_and_dated():
    """A slot costing 60 cents an hour books 1 cent each minute, at that minute: no amount is too small to bill."""
    world = World(level(model(slots=1, max_extra=1, lead_time_ms=0, rent_price_cents=60, min_rental_ms=0)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(10 * MINUTE)
    bills = [(e.time, e.cents) for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:rented"]
    assert bills == [(n * MINUTE, 1) for n in range(1, 11)]


def test_an_order_that_arrived_at_this_very_millisecond_is_no_longer_on_order():
    """At the millisecond a rental arrives, the orders list shows it no longer (the world's count decides)."""
    from factory_game.sim.queries import orders

    world = World(level(model(slots=1, max_extra=2, lead_time_ms=2 * MINUTE)))
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(MINUTE)
    assert world.apply(Rent("sd15", 1)).ok
    world.advance(2 * MINUTE)  # the first has just arrived, the second is a minute away
    assert world.models["sd15"].pending_rentals == 1
    assert [(o.slots, o.arrive_at) for o in orders(world, "sd15")] == [(1, 3 * MINUTE)]


def test_a_contract_shorter_than_the_minimum_rental_owes_its_period_only():
    """A contract of 20 minutes (what a career carries into a new day) is billed 20 minutes when it leaves, not the
    hour a spot rental owes at least; a spot rental released at once still owes its hour."""
    world = World(level(model(slots=1, max_extra=4, rent_price_cents=600, lead_time_ms=0, min_rental_ms=HOUR)))
    world.capacity.sign_contract(SignContract("sd15", 1), price_cents=600, lead_ms=0, period_ms=20 * MINUTE)
    world.apply(Rent("sd15", 1))
    world.advance(MINUTE)
    world.apply(Release("sd15", 1))
    world.advance(30 * MINUTE)
    world.settle_costs()
    bills = {note: sum(e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == f"sd15:{note}")
             for note in ("contract", "rented")}
    assert bills == {"contract": 200, "rented": 600}
