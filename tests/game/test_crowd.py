"""A crowd that explains itself: hourglasses toward the prompt line, a big red "!" and the dispatcher's path,
late stations in red, returning customers marked, the tier-cap line roped off with its sign."""

from PIL import Image

from factory_game.game.app import make_game
from factory_game.game.art import WAIT_STEPS, demand_tag, hourglass_colour, palette, textures
from factory_game.game.play import PlayView
from factory_game.game.scene import LATE_AFTER, Scene
from factory_game.sim import queries
from factory_game.sim.world import World

from .levels import busy_level


def run(scene, world, frames, step_ms=4000):
    scene.sim_speed = 80
    for _ in range(frames):
        world.advance(world.now + step_ms)
        scene.sync(1 / 30)


def colours(texture):
    image: Image.Image = texture.image.convert("RGBA")
    return {px[:3] for px in image.getdata() if px[3]}


def test_hourglass_fills_toward_the_prompt_line_coloured_by_closeness(window):
    pal = {k: v[:3] for k, v in palette().items()}
    assert [hourglass_colour(f) for f in (0, 0.6, 0.8, 1)] == ["green", "yellow", "orange", "red"]
    assert pal["green"] in colours(demand_tag(None, 1)) and pal["red"] in colours(demand_tag(None, WAIT_STEPS))
    assert demand_tag(None, 0).width == 7 and demand_tag("image", 0).width > 7  # the icon only when it tells
    world = World(busy_level())
    scene = Scene(world)
    run(scene, world, 120)
    for _ in range(8):
        scene.sync(0)
    positions = {t.id: i for m in world.models for i, t in enumerate(queries.queued_tasks(world, m))}
    checked = 0
    for customer in world.customers.values():
        person = scene.customers[customer.id]
        lead = next((t for t in customer.tasks if t.state in ("queued", "running")), None)
        if lead is None or lead.state != "queued" or not person.tag.visible or lead.id in scene.helpers:
            continue
        step = round(WAIT_STEPS * queries.wait_fraction(world, lead.model, positions[lead.id]))
        one_content = len(world.spec.model(lead.model).content) == 1
        icon = None if one_content else scene.content_icon[lead.content]
        assert person.tag.texture is demand_tag(icon, step)
        checked += 1
    assert checked > 5


def test_an_asked_customer_gets_a_big_red_bang_over_everything_and_the_dispatcher_walks_over(window):
    world = World(busy_level(rate_per_hour=1200, slots=(3, 2, 2)))
    scene = Scene(world)
    for _ in range(2000):
        world.advance(world.now + 2000)
        scene.sync(1 / 60)
        asked = [c for c in world.customers.values() if c.state == "asked" and c.id in scene.customers]
        if asked and scene.dispatcher.route:
            break
    else:
        raise AssertionError("nobody asked")
    person = scene.customers[asked[0].id]
    assert person.bang is not None and person.bang.visible and person.bang in scene.top
    assert person.bang.texture is textures()["bang"] and person.bang.height >= 13
    assert any(dot.visible for dot in scene.trail)  # the dispatcher's way, dotted


def test_a_task_running_late_turns_its_station_red(window):
    world = World(busy_level())
    scene = Scene(world)
    run(scene, world, 200)
    late = [sid for sid, slot in world.slots.items() if slot.task is not None and slot.task.started_at is not None
            and world.now - slot.task.started_at > LATE_AFTER * world.spec.model(slot.model).mean_service_ms]
    on_time = [sid for sid, slot in world.slots.items() if slot.task is not None and sid not in late]
    assert late and on_time
    assert all(scene.slot_sprites[sid].late for sid in late)
    assert not any(scene.slot_sprites[sid].late for sid in on_time)
    red = palette()["red"][:3]
    assert red in colours(scene.slot_sprites[late[0]].timer.texture)


def test_returning_customers_are_marked(window):
    from dataclasses import replace

    from factory_game.sim.clock import MINUTE
    from factory_game.sim.distributions import Dist

    spec = busy_level()
    spec = replace(spec, arrivals=replace(spec.arrivals, return_probability=0.5, return_after=Dist.fixed(5 * MINUTE)))
    world = World(spec)
    scene = Scene(world)
    run(scene, world, 200)
    for _ in range(8):
        scene.sync(0)
    back = [c.id for c in world.customers.values() if c.visit > 1]
    first = [c.id for c in world.customers.values() if c.visit == 1]
    assert back and first
    assert all(scene.customers[c].badge is not None and scene.customers[c].badge.visible for c in back)
    assert all(scene.customers[c].badge is None for c in first)


def test_the_tier_cap_line_is_roped_off_with_its_sign(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, busy_level())
    ropes = [s for s in view.scene.background if s.texture is textures()["rope"]]
    assert len(ropes) > 10
    sign = next(label for key, label, *_ in view.floor_labels.items if key == "cap_sign")
    assert sign.value == "L1: 1 at a time"
    game.i18n.set_language("zh-CN")
    view.floor_labels.build()
    sign = next(label for key, label, *_ in view.floor_labels.items if key == "cap_sign")
    assert sign.value == "L1：每次 1 个"
