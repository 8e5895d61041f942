"""The scene mirrors the world: one sprite per customer and per station, people walk instead of jumping."""

import pytest

from factory_game.game.art import countdown, countdown_text, ticket_stack
from factory_game.game.scene import FULL_PASS_EVERY, Scene
from factory_game.sim.commands import Rent
from factory_game.sim.queries import TaskState
from factory_game.sim.world import World

from .levels import busy_level


def run(scene, world, seconds, step_ms=2000):
    for _ in range(int(seconds * 60)):
        world.advance(world.now + step_ms)
        scene.sync(1 / 60)


def test_customer_and_station_sprites_match_the_world(window):
    world = World(busy_level())
    scene = Scene(world)
    run(scene, world, 5)
    assert set(scene.customers) == set(world.customers)
    assert len(world.customers) > 20
    assert set(scene.slot_sprites) == set(world.slots)
    in_scene = {p.customer_id for p in scene.people if hasattr(p, "customer_id") and not p.leaving}
    assert set(world.customers) <= in_scene


def look_at_everyone(scene):
    """A few frames with no world change: the scene looks at an eighth of the crowd per frame."""
    for _ in range(FULL_PASS_EVERY):
        scene.sync(0)


def in_flight(customer):
    return [t.id for t in customer.tasks if t.state in TaskState.IN_FLIGHT]


def test_extra_tasks_in_flight_have_helpers(window):
    world = World(busy_level())
    scene = Scene(world)
    run(scene, world, 5)
    look_at_everyone(scene)
    assert any(len(in_flight(c)) > 1 for c in world.customers.values())
    for c in world.customers.values():
        flying = in_flight(c)
        if c.next_pending < len(c.tasks):  # outside: every task let in is carried by a helper
            assert scene.helpers_of[c.id] == set(flying)
        else:  # inside: the customer carries the first (once they have taken it over), helpers the rest
            assert set(flying[1:]) <= scene.helpers_of.get(c.id, set()) <= set(flying)
    assert set(scene.helpers) == set().union(*scene.helpers_of.values())


def test_customers_over_their_cap_queue_outside_holding_their_tickets(window):
    world = World(busy_level(rate_per_hour=900, slots=(4, 2, 2)))
    scene = Scene(world)
    run(scene, world, 5)
    look_at_everyone(scene)
    outside = {c.id for c in world.customers.values() if c.next_pending < len(c.tasks)}
    assert len(outside) > 5
    assert set(scene.street) == outside
    for cid in outside:
        customer, person = world.customers[cid], scene.customers[cid]
        assert person.goal == scene.layout.street_spot(scene.street[cid])
        assert scene.layout.region(person.goal[1]) == "street"
        assert person.tag.visible and person.tag.texture is ticket_stack(len(customer.tasks) - customer.next_pending)
    # the concurrency an L1 customer shows: one task inside with a helper, the rest as tickets outside
    l1 = [c for c in world.customers.values() if c.cap == 1 and c.id in outside and len(c.tasks) == 3
          and c.next_pending == 1 and len(in_flight(c)) == 1]
    assert l1
    for c in l1:
        assert len(scene.helpers_of[c.id]) == 1 and scene.customers[c.id].tag.texture is ticket_stack(2)
    places = [scene.layout.street_spot(i) for i in scene.street.values()]
    assert len(set(places)) == len(places)


def test_the_queue_outside_closes_up_when_someone_ahead_goes_in(window):
    world = World(busy_level(rate_per_hour=900, slots=(4, 2, 2)))
    scene = Scene(world)
    run(scene, world, 5)
    for _ in range(600):
        before = dict(scene.street)
        world.advance(world.now + 2000)
        scene.sync(1 / 60)
        gone = [cid for cid in before if cid not in scene.street]
        stayed = [cid for cid in before if cid in scene.street]
        if gone and stayed and before[stayed[-1]] > min(before[cid] for cid in gone):
            break
    else:
        raise AssertionError("nobody ahead of someone left the queue outside")
    # the line keeps the order people joined in and has no holes
    assert list(scene.street.values()) == list(range(len(scene.street)))
    assert [cid for cid in scene.street if cid in before] == stayed
    assert list(scene.street) == sorted(scene.street)  # in order of arrival (ids grow with it)
    behind = [cid for cid in stayed if before[cid] > min(before[g] for g in gone)]
    for cid in behind:  # the next ones step forward: a spot nearer the door, walked to, not jumped to
        person = scene.customers[cid]
        assert scene.street[cid] < before[cid]
        assert person.goal == scene.layout.street_spot(scene.street[cid])
        assert person.position != person.goal and person.route  # walking there, not put there


def test_newcomers_seen_in_the_same_frame_queue_in_order_of_arrival(window):
    world = World(busy_level(rate_per_hour=900, slots=(4, 2, 2)))
    scene = Scene(world)
    run(scene, world, 3)
    last = list(scene.street)[-3:]
    assert len(last) == 3
    for cid in last:  # as if these three had just arrived, and the frame looked at them in the reverse order
        del scene.street[cid]
    for cid in reversed(last):
        scene._street_place(cid)
    scene.sync(0)
    assert list(scene.street)[-3:] == last
    assert list(scene.street.values()) == list(range(len(scene.street)))


def test_people_never_jump(window):
    world = World(busy_level())
    scene = Scene(world)
    last = {}
    for _ in range(240):
        world.advance(world.now + 5000)
        scene.sim_speed = 16
        scene.sync(1 / 60)
        for cid, person in scene.customers.items():
            if cid in last:
                (x0, y0), (x1, y1) = last[cid], person.position
                assert abs(x1 - x0) + abs(y1 - y0) <= 40
            last[cid] = person.position


def test_rented_stations_drop_in_with_a_tag(window):
    world = World(busy_level())
    scene = Scene(world)
    world.apply(Rent("sd15", 2))
    run(scene, world, 2)
    assert len(scene.ghosts["sd15"]) == 0 or world.models["sd15"].pending_rentals
    world.advance(world.now + 10 * 60_000)
    scene.sync(0.01)
    rented = [s for s in scene.slot_sprites.values() if s.rented]
    assert len(rented) == 2 and all(s.tag.visible for s in rented)
    assert scene.rented_shown["sd15"]


@pytest.mark.slow
def test_bookkeeping_stays_bounded_over_a_long_run(window):
    world = World(busy_level())
    scene = Scene(world)
    scene.sim_speed = 16 * 20  # as at 16x: 5.3 simulated seconds per frame
    run(scene, world, 20, step_ms=5333)  # nearly two simulated hours, over a thousand customers through
    assert world.metrics.customers > 500
    assert set(scene.faces) <= set(scene.customers)
    assert set(scene.answers) <= set(world.customers)
    assert set(scene.helpers_of) <= set(scene.customers)
    assert len(scene.flights) <= 48 + 20
    assert len(scene.leavers) < 200


def test_busy_stations_count_down_their_time_left(window):
    assert [countdown_text(ms) for ms in (1, 45_000, 60_000, 61_000, 12 * 60_000, 3_600_000, 7_200_001)] == \
        ["1s", "45s", "1m", "2m", "12m", "1h", "3h"]
    world = World(busy_level())
    scene = Scene(world)
    run(scene, world, 2)
    busy = [(sid, slot.task) for sid, slot in world.slots.items() if slot.task is not None and slot.task.end_at]
    assert busy
    for sid, station in scene.slot_sprites.items():
        task = world.slots[sid].task
        assert station.timer.visible == (task is not None and bool(task.end_at))
    sid, task = busy[0]
    timer = scene.slot_sprites[sid].timer
    assert timer.texture is countdown(countdown_text(task.end_at - world.now), scene.slot_sprites[sid].late)
    shown = scene.slot_sprites[sid].shown
    scene.sync(1 / 60)  # no simulated time passed: the same value, nothing re-made
    assert scene.slot_sprites[sid].shown == shown and timer.texture is countdown(shown, scene.slot_sprites[sid].late)



def test_a_waiting_customers_bar_shows_the_predicted_wait_toward_the_prompt_line(window):
    """The bar is `queries.wait_fraction` of the task's place in its queue, not the time it has waited: a customer
    just arrived at the back of a long queue shows a full bar at once."""
    from factory_game.game.art import WAIT_STEPS, demand_tag
    from factory_game.levelkit import level, model
    from factory_game.sim import queries
    from factory_game.sim.commands import Arrive
    from factory_game.sim.spec import PromptSpec

    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True, multiplier=3.0), tiers=(("L1", 1),)))
    scene = Scene(world)
    for _ in range(6):  # 1 runs; 2..6 are predicted to wait 5, 10, 15, 20, 25 minutes
        world.apply(Arrive("L1", ("image",), patience_ms=60 * 60_000))
    for _ in range(3):
        scene.sync(1 / 60)
    look_at_everyone(scene)
    icon = None  # one content type: the hourglass alone
    queue = queries.queued_tasks(world, "sd15")
    for position, task in enumerate(queue):
        person = scene.customers[task.customer_id]
        step = round(WAIT_STEPS * queries.wait_fraction(world, "sd15", position))
        assert person.tag.texture is demand_tag(icon, step), task.customer_id
    assert scene.customers[queue[-1].customer_id].tag.texture is demand_tag(icon, WAIT_STEPS)  # waited 0 s
