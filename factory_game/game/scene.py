"""The factory floor as sprites, kept in step with the world.

Every frame :meth:`Scene.sync` reads the world (never changes it) and the events since the last frame, and
moves sprites toward where the world says things are: a customer stands at the queue spot or the station of the
first of their tasks in flight, helpers carry their other tasks (an L2 customer with two tasks shows one helper);
a customer whose cap keeps tickets out queues on the street holding them while helpers carry what is let in;
new customers walk in from the street, leavers walk out through the exit with a happy or angry face. Stations
show idle, busy (with a progress bar) and down; rented ones wear a tag, drop in when they arrive and fade when
they leave. Coins fly for holds, captures and refunds. All of it is a handful of SpriteLists, so it draws in a few
batches however many people are on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from factory_game import texts
from factory_game.game import layout as L
from factory_game.game.art import (
    WAIT_STEPS,
    contract_tag,
    countdown,
    countdown_text,
    demand_tag,
    icon_texture,
    palette,
    textures,
    ticket_stack,
)
from factory_game.game.background import build_background
from factory_game.game.gfx import arcade
from factory_game.game.walkers import Walker, walk_textures
from factory_game.sim import queries
from factory_game.sim.queries import CustomerState, Kind, SlotState, TaskState

WALK_SPEED = 40.0  # logical px per second when one real second is one simulated second
MAX_COINS = 48
LATE_AFTER = 2.0  # a task running longer than this many times its model's mean is late: its screen turns red
TRAIL_DOTS = 24  # the dispatcher's path to an asked customer, one dot every TRAIL_STEP px
TRAIL_STEP = 6
COIN_SOUND_GAP_S = 0.25  # at 16× captures come in bursts: one clink per quarter second is plenty
FULL_PASS_EVERY = 8  # every customer is looked at once in this many frames, besides those events touch
TRAY_W = 10  # the progress bar fills the station's output tray (its two dark rows near the bottom)


def walk_speed(sim_speed: float) -> float:
    """Logical px per real second for a customer at ``sim_speed`` simulated seconds per real second.

    The square root keeps 1× calm (about 180 px/s, a floor crossing in three seconds) while 16× walks four times
    faster, so people reach their station before a five-minute task (under a real second at 16×) is done."""
    return WALK_SPEED * max(1.0, sim_speed ** 0.5) if sim_speed > 0 else 0.0


class Person(Walker):
    """A customer (or one of their helpers) with the marks over their head: one sprite for the demand icon and
    wait bar (a helper's is its ticket), one for a bubble or face. Marks are touched only when what they show or
    where they stand changes; the bubble/face sprite is made the first time it is needed (most customers in a
    crowd are never asked), so a crowd's overlay costs about one sprite per head."""

    def __init__(self, frames, x: float, y: float, customer_id: int, overlay: arcade.SpriteList,
                 helper: bool = False) -> None:
        super().__init__(frames, x, y)
        self.customer_id = customer_id
        self.overlay = overlay
        self.tag = _hidden(textures()["ticket" if helper else "icon_generic"], overlay)
        self.marks = [self.tag]
        self.mark: arcade.Sprite | None = None
        self.bang: arcade.Sprite | None = None  # the big red "!" while asked, drawn over everything
        self.badge: arcade.Sprite | None = None  # a returning customer's mark
        self.leaving = False
        self.billed = False
        self._placed: tuple | None = None

    def place_marks(self, force: bool = False) -> None:
        if self.position == self._placed and not force:
            return
        self._placed = x, y = self.position
        self.tag.position = (x, y + 15)
        if self.mark is not None:
            self.mark.position = (x + 7, y + 12)
        if self.bang is not None:
            self.bang.position = (x, y + 24)
        if self.badge is not None:
            self.badge.position = (x - 5, y + 5)

    def show_bang(self, on: bool, top: arcade.SpriteList) -> None:
        """The big red "!" over the head while River asks this customer whether they will keep waiting."""
        if self.bang is None:
            if not on:
                return
            self.bang = _hidden(textures()["bang"], top)
            self.marks.append(self.bang)
        if self.bang.visible != on:
            self.bang.visible = on
            self.place_marks(force=True)

    def mark_returning(self) -> None:
        """A small cyan square on the shoulder: this customer has been here before."""
        if self.badge is None:
            self.badge = _hidden(textures()["return_mark"], self.overlay)
            self.badge.visible = True
            self.marks.append(self.badge)
            self.place_marks(force=True)

    def show_tag(self, texture: arcade.Texture | None) -> None:
        """Show this texture over the head (None hides it)."""
        if texture is None:
            if self.tag.visible:
                self.tag.visible = False
            return
        if self.tag.texture is not texture:
            self.tag.texture = texture
        if not self.tag.visible:
            self.tag.visible = True
            self.place_marks(force=True)

    def show_mark(self, name: str | None) -> None:
        """Show the "!" bubble or a face by atlas name (None hides it)."""
        if name is None:
            if self.mark is not None and self.mark.visible:
                self.mark.visible = False
            return
        texture = textures()[name]
        if self.mark is None:
            self.mark = _hidden(texture, self.overlay)
            self.marks.append(self.mark)
        if self.mark.texture is not texture:
            self.mark.texture = texture
        if not self.mark.visible:
            self.mark.visible = True
            self.place_marks(force=True)

    def remove_all(self) -> None:
        for sprite in self.marks:
            sprite.remove_from_sprite_lists()
        self.remove_from_sprite_lists()


def _hidden(texture: arcade.Texture, sprites: arcade.SpriteList, color=None) -> arcade.Sprite:
    sprite = arcade.Sprite(texture)
    if color is not None:
        sprite.color = color
    sprite.visible = False
    sprites.append(sprite)
    return sprite


class Station(arcade.Sprite):
    """One slot's machine at its place in the workshop."""

    def __init__(self, slot, home: tuple[int, int], overlay: arcade.SpriteList, on_top: arcade.SpriteList,
                 now_s: float, arriving: bool = True) -> None:
        tex = textures()
        super().__init__(tex["station_idle"], center_x=home[0], center_y=home[1])
        self.slot_id = slot.id
        self.model = slot.model
        self.home = home
        self.rented = slot.rented
        self.bar = _hidden(tex["pixel"], overlay, color=palette()["cyan"])
        self.bar.height = 2
        # time left on the screen, over the ticket of whoever works there; its texture changes with the value
        self.timer = _hidden(countdown("1s"), on_top)
        self.timer.position = (home[0], home[1] + 3.5)  # the plate covers the screen's rows exactly
        self.shown = ""
        self.late = False
        self.contract = queries.is_contract(slot)  # flagged "C" in sky blue, not the rental's "R"
        self.tag = _hidden(contract_tag() if self.contract else tex["rented_tag"], overlay)
        # rented stations drop in from above as they arrive (not those already there when the screen opened)
        self.drop_from = now_s if slot.rented and arriving else None
        self.fade_from: float | None = None

    def show_time_left(self, ms: float | None, late: bool = False) -> None:
        """The countdown over the screen (None hides it), on red when the task runs late; the texture is swapped
        only when what it shows changes."""
        self.show_text("" if ms is None else countdown_text(ms), late)

    def show_text(self, text: str, late: bool = False) -> None:
        """The plate over the screen ("" hides it): a countdown, or the requests a replica holds ("9")."""
        if (text, late) != (self.shown, self.late):
            self.shown, self.late = text, late
            if text:
                self.timer.texture = countdown(text, late)
            self.timer.visible = bool(text)

    def remove_all(self) -> None:
        for sprite in (self.bar, self.timer, self.tag, self):
            sprite.remove_from_sprite_lists()


@dataclass
class Flight:
    """A coin (or puff) moving from a to b over ``duration`` seconds of real time."""

    sprite: arcade.Sprite
    a: tuple[float, float]
    b: tuple[float, float]
    start: float
    duration: float
    frames: tuple[str, ...]


def floor_plans(spec) -> list[L.ModelPlan]:
    """What the layout needs of each model, its label's width in its widest language included."""
    plans = []
    for m in spec.models:
        names = [m.id, *(m.names or {}).values()]
        plans.append(L.ModelPlan(m.id, m.slots, m.max_extra, 10 * len(m.content) + 2 + max(map(L.text_px, names))))
    return plans


def rented_signs() -> list[str]:
    """The RENTED sign in every language (the layout keeps room for the widest)."""
    return [texts.text(lang, "hud.rented_sign") for lang in texts.LANGUAGES]


class Scene:
    def __init__(self, world, sounds=None) -> None:
        self.world = world
        spec = world.spec
        self.layout = L.build_layout(floor_plans(spec), rented_px=max(map(L.text_px, rented_signs())),
                                     level_id=spec.id)
        self.content_icon = {c.id: c.icon or c.id for c in spec.content}
        self.sounds = sounds
        self.background = build_background(self.layout)
        self.stations: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.people: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.overlay: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.effects: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        # the "!" bubbles and the dispatcher's path
        self.top: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.trail = [_hidden(textures()["pixel"], self.top, color=palette()["yellow"]) for _ in range(TRAIL_DOTS)]
        self.single_content = {m.id: len(m.content) == 1 for m in spec.models}
        self.customers: dict[int, Person] = {}
        self.helpers: dict[int, Person] = {}  # task id -> helper carrying that task
        self.leavers: list[Person] = []
        self.slot_sprites: dict[int, Station] = {}
        # model -> slot id -> station index
        self.slot_places: dict[str, dict[int, int]] = {m: {} for m in queries.model_ids(world)}
        self.ghosts: dict[str, list[arcade.Sprite]] = {m: [] for m in queries.model_ids(world)}
        self.flights: list[Flight] = []
        self.faces: dict[int, str] = {}  # customer id -> "happy"/"angry" once they leave
        self.answers: dict[int, tuple[str, float]] = {}  # customer id -> (face, until)
        self.asked: list[int] = []  # customers waiting for the dispatcher, oldest first
        self.rented_shown: dict[str, bool] = {}  # model -> its RENTED sign stands (the floor labels draw it)
        self.clock = 0.0  # real seconds since the scene started (animations)
        self.sim_speed = 1.0
        self._pending_events: list = []
        self.helpers_of: dict[int, set[int]] = {}  # customer id -> task ids their helpers carry
        self.street: dict[int, int] = {}  # customer id -> place in the queue outside, in order of arrival
        self._street_gap = False  # someone left the queue outside since the places were last closed up
        self._street_joined: list[int] = []  # who joined it this frame (in no particular order)
        self._frame = 0
        self._last_coin_sound = -1.0
        self._spots: dict[str, tuple[tuple, dict]] = {}  # model -> (queue signature, task id -> spot)
        self._frames = {(t, p): walk_textures(f"cust_{t}_{'hat' if p else 'plain'}")
                        for t in ("L1", "L2", "L3", "L4", "L5") for p in (False, True)}
        self.dispatcher = Walker(walk_textures("dispatcher"), *self.layout.dispatcher_home)
        self.people.append(self.dispatcher)
        cashier = Walker(walk_textures("dispatcher"), self.layout.counter[0], self.layout.counter[1] + 2)
        self.people.append(cashier)  # stands behind the billing counter, facing the customers
        self.selected: tuple[str, int] | None = None  # what the inspector shows, marked with a bracket
        self.marker = _hidden(textures()["select"], self.effects)
        self._label_icons()
        world.subscribe(self._pending_events.append)
        self.sync(0.0)

    # ------------------------------------------------------------------------------------------------ per frame
    def sync(self, dt: float) -> None:
        """Bring the sprites in line with the world and animate them by ``dt`` real seconds.

        Paused (``sim_speed`` 0) the scene still follows what the world says (a release while paused shows at
        once) but nothing moves: walkers, coins, blinking screens and fades all stand still."""
        if self.sim_speed <= 0:
            dt = 0.0
        self.clock += dt
        events, self._pending_events[:] = list(self._pending_events), []
        dirty: set[int] = set()
        for event in events:
            self._on_event(event)
            if event.customer is not None:
                dirty.add(event.customer)
        spots = self._queue_spots(dirty)
        self._sync_stations()
        self._frame += 1
        # Wait bars fill with time, not events: each frame also looks at an eighth of everyone, in turn, so every
        # customer is seen every 8 frames without one frame paying for all of them.
        turn = list(queries.customers(self.world))[self._frame % FULL_PASS_EVERY::FULL_PASS_EVERY]
        self._sync_customers(spots, None if self._frame == 1 else dirty.union(turn))
        self._close_street_gaps()
        if self._frame == 1:  # a world already running (a loaded game): everyone starts where they belong
            for person in (*self.customers.values(), *self.helpers.values()):
                person.skip_to_goal()
                person.place_marks(force=True)
        speed = walk_speed(self.sim_speed)
        for person in self.customers.values():
            self._walk(person, dt, speed)
        for helper in list(self.helpers.values()):
            self._walk(helper, dt, speed * 1.5)
        for person in list(self.leavers):
            self._walk(person, dt, speed)
            if person.arrived:
                person.remove_all()
                self.leavers.remove(person)
        self._sync_dispatcher(dt, speed * 2)
        self._animate_flights()
        self._place_marker()

    def draw(self) -> None:
        """The floor, then everything that moves or changes over it."""
        self.background.draw(pixelated=True)
        self.stations.draw(pixelated=True)
        self.people.draw(pixelated=True)
        self.overlay.draw(pixelated=True)
        self.effects.draw(pixelated=True)
        self.top.draw(pixelated=True)

    # ------------------------------------------------------------------------------------------------ customers
    def _queue_spots(self, dirty: set[int]) -> dict[int, tuple[tuple[int, int], int]]:
        """Task id -> (where it waits, its position in the queue's service order): its place in its model's queue,
        by class (priority on the carpet); the position is what its wait bar is predicted from.

        Recomputed only for queues that changed; everyone waiting in such a queue is added to ``dirty``."""
        spots: dict[int, tuple[tuple[int, int], int]] = {}
        customers = queries.customers(self.world)
        for model_id in queries.model_ids(self.world):
            signature = queries.queue_changes(self.world, model_id)
            cached = self._spots.get(model_id)
            if cached is not None and cached[0] == signature:
                spots.update(cached[1])
                continue
            mine: dict[int, tuple[tuple[int, int], int]] = {}  # task id -> (spot, place in the queue)
            self._spots[model_id] = (signature, mine)
            zone = self.layout.zones[model_id]
            n_priority = n_normal = 0
            for position, task in enumerate(queries.queued_tasks(self.world, model_id)):
                owner = customers.get(task.customer_id)
                dirty.add(task.customer_id)
                if owner is not None and owner.priority:
                    mine[task.id] = zone.queue_spot(n_priority, True), position
                    n_priority += 1
                else:
                    mine[task.id] = zone.queue_spot(n_normal, False), position
                    n_normal += 1
            spots.update(mine)
        return spots

    def _task_place(self, task, spots) -> tuple[tuple[int, int], str] | None:
        if task.state == TaskState.RUNNING and task.slot_id in self.slot_sprites:
            station = self.slot_sprites[task.slot_id]
            return (station.home[0], station.home[1] - L.SIT_DY), task.model
        if task.state == TaskState.QUEUED and task.id in spots:
            return spots[task.id][0], task.model
        return None

    def _sync_customers(self, spots, dirty: set[int] | None) -> None:
        """Move each customer's sprite (and helpers) toward their task's place; ``dirty`` limits the look to
        those customers (None: everyone)."""
        world = self.world
        customers = queries.customers(world)
        ids = customers.keys() if dirty is None else [c for c in dirty if c in customers]
        for cid in ids:
            self._sync_customer(customers[cid], spots)
        for cid in list(self.customers.keys() - customers.keys()):
            self._send_home(cid)

    def _sync_customer(self, customer, spots) -> None:
        """Where the customer and their helpers go, and what they hold over their heads.

        A customer still holding tickets the cap keeps out (tasks "pending") queues on the street with them, and
        every task they have in flight is inside with a helper: an L1 customer with three tasks shows one helper
        in and two tickets out. With nothing left outside the customer goes in and takes over their first task
        from its helper once they reach it, so nobody jumps."""
        lay = self.layout
        cid = customer.id
        person = self.customers.get(cid)
        if person is None:
            tier = customer.tier if customer.tier in ("L1", "L2", "L3", "L4", "L5") else "L1"
            person = Person(self._frames[(tier, bool(customer.priority))], *lay.spawn, cid, self.overlay)
            self.customers[cid] = person
            self.people.append(person)
        flying = [t for t in customer.tasks if t.state in TaskState.IN_FLIGHT]
        outside = len(customer.tasks) - customer.next_pending  # tickets not yet let in
        lead = flying[0] if flying else None
        carries = False  # does the customer hold their lead task themself (else a helper does)
        if outside:
            goal, model = lay.street_spot(self._street_place(cid)), None
        else:
            self._leave_street(cid)
            place = self._task_place(lead, spots) if lead is not None else None
            if place is not None and lead is not None:
                goal, model = place
                carries = lead.id not in self.helpers or (person.arrived and person.goal == goal)
            elif customer.state == CustomerState.LEAVING or person.goal is None:
                goal, model = lay.exit, None
            else:  # a moment between tasks: stay put
                goal, model = person.goal, None
        if person.goal != goal:
            route = lay.route((person.x, person.y), goal, model)
            if not person.billed and lay.region(goal[1]) != "street":  # stop at the billing counter on the way in
                desk = (lay.counter[0], lay.counter[1] - 22)  # in front of the counter
                route = lay.route((person.x, person.y), desk) + lay.route(desk, goal, model)
                person.billed = True
            person.go(route)
        if outside:
            person.show_tag(ticket_stack(outside))
        else:
            person.show_tag(self._wait_tag(lead, spots) if carries else None)
        self._set_mark(person, cid, customer.state == CustomerState.ASKED)
        if customer.visit > 1:
            person.mark_returning()
        helped = {t.id for t in flying} - ({lead.id} if carries and lead is not None else set())
        for task in flying:
            if task.id in helped:
                self._sync_helper(task, person, spots, self._wait_tag(task, spots) if task is lead else None)
        for tid in self.helpers_of.get(cid, set()) - helped:
            self._retire_helper(tid)
        self.helpers_of[cid] = helped

    def _wait_tag(self, task, spots) -> arcade.Texture | None:
        """The hourglass for a task waiting in a queue: its predicted wait, from its place in the queue, toward the
        prompt line (``queries.wait_fraction``; full = asked), with its content icon when the model serves more
        than one content type."""
        if task is None or task.state != TaskState.QUEUED or task.id not in spots:
            return None
        fraction = queries.wait_fraction(self.world, task.model, spots[task.id][1])
        icon = None if self.single_content.get(task.model) else self.content_icon.get(task.content, "")
        return demand_tag(icon, round(WAIT_STEPS * fraction))

    def _street_place(self, cid: int) -> int:
        """The customer's place in the queue outside: a newcomer joins at the back."""
        index = self.street.get(cid)
        if index is None:
            index = self.street[cid] = len(self.street)
            self._street_joined.append(cid)
        return index

    def _leave_street(self, cid: int) -> None:
        if self.street.pop(cid, None) is not None:
            self._street_gap = True

    def _close_street_gaps(self) -> None:
        """After someone left the queue outside, everyone behind them walks forward to close the gap, keeping
        their order. Runs only in frames where the queue lost someone, once however many left; newcomers of the
        same frame are put in order of arrival (ids grow with it) at the back first."""
        joined, self._street_joined = self._street_joined, []
        if len(joined) > 1:
            for cid in sorted(joined):
                self.street[cid] = self.street.pop(cid)  # to the back of the line, in this order
            self._street_gap = True
        if not self._street_gap:
            return
        self._street_gap = False
        lay = self.layout
        for place, cid in enumerate(self.street):  # a dict keeps the order people joined in
            if self.street[cid] != place:
                self.street[cid] = place
                person = self.customers[cid]
                person.go(lay.route((person.x, person.y), lay.street_spot(place)))

    def _send_home(self, cid: int) -> None:
        """The world let this customer go: walk them out through the exit wearing their face."""
        lay = self.layout
        person = self.customers.pop(cid)
        self.answers.pop(cid, None)
        self._leave_street(cid)
        for tid in self.helpers_of.pop(cid, set()):
            self._retire_helper(tid)
        person.show_tag(None)
        person.show_mark(f"face_{self.faces.pop(cid, 'happy')}")
        person.go(lay.route((person.x, person.y), lay.exit, None, leaving=True) + [lay.despawn])
        person.leaving = True
        self.leavers.append(person)

    def _set_mark(self, person: Person, cid: int, asked: bool) -> None:
        answer = self.answers.get(cid)
        if answer and answer[1] < self.clock:
            del self.answers[cid]
            answer = None
        person.show_bang(asked, self.top)
        if asked:
            person.show_mark(None)
        elif answer:
            person.show_mark(f"face_{answer[0]}")
        else:
            person.show_mark(None)

    def _sync_helper(self, task, owner: Person, spots, wait_tag: arcade.Texture | None) -> None:
        """A helper carries one task in flight: its ticket, or the wait bar when it holds the customer's first."""
        helper = self.helpers.get(task.id)
        if helper is None:
            helper = Person(owner.frames, owner.x, owner.y, owner.customer_id, self.overlay, helper=True)
            helper.scale = 0.75  # a smaller runner carrying the ticket
            self.helpers[task.id] = helper
            self.people.append(helper)
        helper.show_tag(wait_tag or textures()["ticket"])
        place = self._task_place(task, spots)
        if place is not None and helper.goal != place[0]:
            helper.go(self.layout.route((helper.x, helper.y), place[0], place[1]))

    def _retire_helper(self, task_id: int) -> None:
        helper = self.helpers.pop(task_id, None)
        if helper is not None:
            helper.remove_all()

    def _walk(self, person: Person, dt: float, speed: float) -> None:
        if person.route:
            person.step(dt, speed * (1 + person.remaining() / 120))  # far behind the world: hurry
            person.place_marks()
        elif person.texture is not person.frames[person.facing][0]:
            person.step(0, speed)

    # ------------------------------------------------------------------------------------------------ stations
    def _sync_stations(self) -> None:
        now = self.world.now
        tex = textures()
        live = queries.slots(self.world)
        for sid, slot in live.items():
            station = self.slot_sprites.get(sid)
            if station is None:
                station = self._add_station(slot)
            state = slot.state
            if state == SlotState.BUSY and slot.task is not None:
                name = "station_busy_0" if int(self.clock * 4 + sid) % 2 else "station_busy_1"
            elif state == SlotState.LEAVING and slot.task is not None:
                name = "station_busy_0"
            else:
                name = "station_down" if state == SlotState.DOWN else "station_idle"
            if station.texture is not tex[name]:
                station.texture = tex[name]
            task = slot.task
            batch = queries.replica_batch(self.world, slot)
            if batch is not None:  # a replica: the tray fills with its batch over its max, the plate counts it
                held, most = batch
                self._fill_tray(station, held / most if held else None)
                station.show_text(str(held) if held else "")
            elif task is not None and task.end_at and task.started_at is not None and task.end_at > task.started_at:
                self._fill_tray(station, (now - task.started_at) / (task.end_at - task.started_at))
                late = now - task.started_at > LATE_AFTER * self.world.spec.model(station.model).mean_service_ms
                station.show_time_left(task.end_at - now, late)
            else:
                station.bar.visible = False
                station.show_time_left(None)
            if state == SlotState.LEAVING and station.fade_from is None:
                station.fade_from = self.clock
        for sid in [s for s in self.slot_sprites if s not in live]:
            station = self.slot_sprites[sid]
            if station.fade_from is None:
                station.fade_from = self.clock
            if self.clock - station.fade_from > 1.0 or not station.rented:
                self._drop_station(sid)
        self._animate_stations()
        self._sync_ghosts()
        self.update_rented_signs()

    @staticmethod
    def _fill_tray(station: Station, share: float | None) -> None:
        """The bar under a station's screen: a task's progress, or a replica's batch over its max (None hides it)."""
        if share is None:
            station.bar.visible = False
            return
        width = max(1, round(TRAY_W * min(1.0, share)))
        station.bar.visible = True
        if station.bar.width != width:
            station.bar.width = width
            station.bar.position = (station.home[0] - TRAY_W / 2 + width / 2, station.home[1] - 4)

    def _add_station(self, slot) -> Station:
        zone = self.layout.zones[slot.model]
        places = self.slot_places[slot.model]
        taken = set(places.values())
        first = zone.contracted if slot.rented else 0
        index = next((i for i in range(first, len(zone.stations)) if i not in taken), len(zone.stations) - 1)
        places[slot.id] = index
        station = Station(slot, zone.stations[index], self.overlay, self.effects, self.clock, arriving=self._frame > 0)
        if slot.rented:
            station.tag.visible = True
            station.tag.position = (station.home[0] + 6, station.home[1] + 7)
        self.slot_sprites[slot.id] = station
        self.stations.append(station)
        return station

    def _drop_station(self, sid: int) -> None:
        station = self.slot_sprites.pop(sid)
        self.slot_places[station.model].pop(sid, None)
        station.remove_all()

    def _animate_stations(self) -> None:
        for station in self.slot_sprites.values():
            if station.drop_from is not None:
                t = min(1.0, (self.clock - station.drop_from) / 0.6)
                station.position = (station.home[0], station.home[1] + round(30 * (1 - t) ** 2))
                station.alpha = round(255 * max(0.2, t))
                if t >= 1.0:
                    station.drop_from = None
            if station.fade_from is not None:
                t = min(1.0, (self.clock - station.fade_from) / 1.0)
                present = queries.slot(self.world, station.slot_id) is not None
                alpha = round(255 * (1 - 0.75 * t)) if present else round(255 * (1 - t))
                station.alpha = alpha
                station.tag.alpha = alpha

    def _sync_ghosts(self) -> None:
        """Rentals ordered but not yet arrived show as faint stations where they will land."""
        for model_id in queries.model_ids(self.world):
            ghosts = self.ghosts[model_id]
            want = queries.slot_counts(self.world, model_id).on_order
            zone = self.layout.zones[model_id]
            if len(ghosts) == want:
                continue
            for ghost in ghosts:
                ghost.remove_from_sprite_lists()
            ghosts.clear()
            taken = set(self.slot_places[model_id].values())
            free = [i for i in range(zone.contracted, len(zone.stations)) if i not in taken][:want]
            for index in free:
                ghost = arcade.Sprite(textures()["station_idle"], center_x=zone.stations[index][0],
                                      center_y=zone.stations[index][1])
                ghost.alpha = 60
                self.stations.append(ghost)
                ghosts.append(ghost)

    # ------------------------------------------------------------------------------------------------ dispatcher
    def _sync_dispatcher(self, dt: float, speed: float) -> None:
        customers = queries.customers(self.world)
        self.asked = [c for c in self.asked if c in customers and customers[c].state == CustomerState.ASKED]
        target = self.customers.get(self.asked[0]) if self.asked else None
        goal = ((round(target.position[0]) + 9, round(target.position[1])) if target
                else self.layout.dispatcher_home)
        if self.dispatcher.goal != goal:
            self.dispatcher.go(self.layout.route((self.dispatcher.x, self.dispatcher.y), goal, None))
        self.dispatcher.step(dt, speed * (1 + self.dispatcher.remaining() / 120))
        self._show_trail(self.dispatcher if target is not None else None)

    def _show_trail(self, walker: Walker | None) -> None:
        """Yellow dots along the dispatcher's way to the customer being asked (none once there, or going home)."""
        points: list[tuple[int, int]] = []
        if walker is not None and walker.route:
            (px, py), left = (walker.x, walker.y), float(TRAIL_STEP)
            for qx, qy in walker.route:
                length = abs(qx - px) + abs(qy - py)
                while left <= length and len(points) < TRAIL_DOTS:
                    t = left / length
                    points.append((round(px + (qx - px) * t), round(py - 6 + (qy - py) * t)))
                    left += TRAIL_STEP
                left -= length
                px, py = qx, qy
        for i, dot in enumerate(self.trail):
            on = i < len(points)
            if on and dot.position != points[i]:
                dot.position = points[i]
            if dot.visible != on:
                dot.visible = on

    # ------------------------------------------------------------------------------------------------ events
    def _on_event(self, event) -> None:
        kind = event.kind
        lay = self.layout
        if kind == Kind.PROMPT and event.customer is not None:
            self.asked.append(event.customer)
        elif kind == Kind.ANSWER and queries.customer(self.world, event.customer) is not None:
            self.answers[event.customer] = ("happy" if event.ok else "angry", self.clock + 1.5)
        elif kind == Kind.LEAVE and event.customer in self.customers:  # (one who never got a sprite needs no face)
            self.faces[event.customer] = "happy" if event.ok else "angry"
        elif kind == Kind.HOLD:
            self._coin(self._where(event.customer), lay.counter)
        elif kind == Kind.CAPTURE:
            self._coin(lay.counter, lay.cashbox)
            if self.sounds and self.clock - self._last_coin_sound >= COIN_SOUND_GAP_S:
                self._last_coin_sound = self.clock
                self.sounds.play("coin", 0.15)
        elif kind == Kind.RELEASE:
            self._coin(lay.counter, self._where(event.customer))
        elif kind == Kind.FAIL and event.slot in self.slot_sprites:
            home = self.slot_sprites[event.slot].home
            self._flight(home, (home[0], home[1] + 10), 0.8, ("puff_0", "puff_1", "puff_2"))
        elif kind == Kind.SLOT_ARRIVE and self.sounds:
            self.sounds.play("arrive", 0.3)

    def _where(self, customer_id) -> tuple[float, float]:
        person = self.customers.get(customer_id)
        return person.position if person else self.layout.entrance

    def _coin(self, a, b) -> None:
        if sum(1 for f in self.flights if f.frames[0].startswith("coin")) < MAX_COINS:
            self._flight(a, b, 0.7, ("coin_0", "coin_1", "coin_2", "coin_1"))

    def _flight(self, a, b, duration: float, frames: tuple[str, ...]) -> None:
        sprite = arcade.Sprite(textures()[frames[0]], center_x=a[0], center_y=a[1])
        self.effects.append(sprite)
        self.flights.append(Flight(sprite, a, b, self.clock, duration, frames))

    def _animate_flights(self) -> None:
        keep = []
        tex = textures()
        for f in self.flights:
            t = (self.clock - f.start) / f.duration
            if t >= 1.0:
                f.sprite.remove_from_sprite_lists()
                continue
            hop = 10 * 4 * t * (1 - t)  # a little arc
            x = f.a[0] + (f.b[0] - f.a[0]) * t
            y = f.a[1] + (f.b[1] - f.a[1]) * t + hop
            f.sprite.position = (round(x), round(y))
            name = f.frames[int(t * len(f.frames) * 2) % len(f.frames)]
            if f.sprite.texture is not tex[name]:
                f.sprite.texture = tex[name]
            keep.append(f)
        self.flights = keep

    # ------------------------------------------------------------------------------------------------ labels
    def _label_icons(self) -> None:
        """Each station group's content icons next to where the HUD writes the model's name."""
        for model in self.world.spec.models:
            zone = self.layout.zones[model.id]
            for i, content in enumerate(model.content):
                icon = arcade.Sprite(icon_texture(self.content_icon.get(content, "")),
                                     center_x=zone.left + 8 + i * 10, center_y=zone.label_y)
                self.background.append(icon)
            self.rented_shown[model.id] = False

    def update_rented_signs(self) -> None:
        """A RENTED sign stands over each group's annex while it has any rented station."""
        rented = {s.model for s in self.slot_sprites.values() if s.rented}
        for model_id in self.rented_shown:
            self.rented_shown[model_id] = model_id in rented

    def _place_marker(self) -> None:
        """Brackets around the customer or station the inspector shows."""
        where = None
        if self.selected is not None:
            kind, ident = self.selected
            if kind == "customer" and ident in self.customers:
                where = self.customers[ident].position
            elif kind == "station" and ident in self.slot_sprites:
                where = self.slot_sprites[ident].position
        self.marker.visible = where is not None
        if where is not None and self.marker.position != where:
            self.marker.position = where

    # ------------------------------------------------------------------------------------------------ picking
    def pick(self, x: float, y: float):
        """What is under a floor point: ("customer", id), ("station", slot id) or None."""
        for person in reversed(self.customers.values()):
            if abs(person.x - x) <= 6 and abs(person.y - y) <= 8:
                return "customer", person.customer_id
        for helper in reversed(self.helpers.values()):  # a helper stands for its owner
            if abs(helper.x - x) <= 5 and abs(helper.y - y) <= 6 and helper.customer_id in self.customers:
                return "customer", helper.customer_id
        for sid, station in self.slot_sprites.items():
            if abs(station.home[0] - x) <= 8 and abs(station.home[1] - y) <= 8:
                return "station", sid
        return None
