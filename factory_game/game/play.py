"""The play screen: advances the world by the clock, lets its regions draw and take the mouse, turns keys and clicks
into commands.

The world is the one truth. Each frame the view moves simulated time forward (speed × real time) and lets the scene
and the HUD read the world (through `sim.queries`); its sections (`regions.py`) draw the floor, the goals strip, the
levers panel, the top bar, the side panel, the inspector and the tooltip. The player changes the world only through
``world.apply`` with the engine's commands (rent, release, the auto-manager switch, the levers); everything else
here is looking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.game.alerts import RECENT_MS, Alerts
from factory_game.game.camera import PAN_STEP_PX, FloorCamera, HudCanvas, HudFrame
from factory_game.game.clock import BASE_RATE, SimClock
from factory_game.game.floor_labels import FloorLabels
from factory_game.game.forecaster import Forecaster
from factory_game.game.gfx import arcade
from factory_game.game.hud import Hud, money, wait_text
from factory_game.game.regions import make_regions, place_regions
from factory_game.game.scene import Scene
from factory_game.game.timeline import Timeline
from factory_game.plugins import PreparedLevel
from factory_game.sim import economics, queries
from factory_game.sim.commands import AnswerIncident, Release, Rent, SetAutopilot
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World
from factory_game.texts import format_duration

if TYPE_CHECKING:
    from factory_game.game.context import CareerDay
    from factory_game.game.watch import Cursor

LEDGER_WINDOW = 2000  # ledger entries a played world keeps: play can last for ever (the sandbox), a headless run not
DRAG_PX = 4  # a press that moves further than this is a pan, not a click
PAN_KEYS = {arcade.key.LEFT: (1, 0), arcade.key.RIGHT: (-1, 0), arcade.key.UP: (0, -1), arcade.key.DOWN: (0, 1)}
SPEED_KEYS = {arcade.key.KEY_1: 1, arcade.key.KEY_2: 2, arcade.key.KEY_3: 4, arcade.key.KEY_4: 8,
              arcade.key.KEY_5: 16}
UNSAID_IN_REPLAY = {"answer_incident", "release_idle", "arrive"}  # said by the world's events, or nothing to say
MODEL_KEYS = {arcade.key.Q: 0, arcade.key.W: 1, arcade.key.E: 2, arcade.key.R: 3}


class PlayView(arcade.View):
    """Plays a fresh world of ``level`` (a ``PreparedLevel`` from ``prepare_level``, whose lenient mod session reports
    failures through :meth:`mod_failed`; a bare ``LevelSpec`` is prepared here), or carries on an existing ``world``
    (a loaded save; its mods are already attached, their failures come in through :meth:`mod_failed`).

    ``watching``: a recorded run (`watch.py`) is played instead: its commands are applied at their times, the
    player's levers are off, a timeline seeks."""

    def __init__(self, game, level: PreparedLevel | LevelSpec, seed: int | None = None, speed: int = 1,
                 world: World | None = None, paused: bool = False, watching: Cursor | None = None) -> None:
        super().__init__()
        self.game = game
        self.watching = watching
        self.seek_to: int | None = None  # a seek asked for: done once a frame has shown "seeking…"
        self._seek_waited = 0
        prepared = None
        if watching is not None:
            world = watching.world
            watching.recording.tell_failure = self.mod_failed
        elif world is None:
            prepared = level if isinstance(level, PreparedLevel) else PreparedLevel.from_spec(level, lenient=True)
            world = prepared.start(seed, LEDGER_WINDOW)
            if queries.autopilot_on(world):  # the player is the manager; the auto-manager is theirs to switch on
                world.apply(SetAutopilot(False))
        self.world = world
        self.spec = spec = world.spec
        # a level with nothing to score (the sandbox) has no end in play: its duration only bounds headless runs
        self.clock = SimClock(spec.duration_ms if spec.goals or watching else None, speed, paused)
        self.scene = Scene(self.world, sounds=game.sounds)
        lay = self.scene.layout
        self.camera = FloorCamera(self.window.ctx, lay.width, lay.height)
        self.hud_canvas = HudCanvas(self.window.ctx)
        self.frame = HudFrame.of(*self.window.get_size(), game.ui_scale)
        self.camera.resize(*self.frame.floor_area())
        self.floor_labels = FloorLabels(self)
        self.floor_labels.build()
        self._press: tuple[float, float] | None = None  # where the mouse went down, until it is a click or a drag
        self._dragging = False
        self.alerts = Alerts(self.world, game.i18n, game.sounds)
        self.forecaster = Forecaster()  # the goals strip's projection, made on a worker thread
        self._lang = game.i18n.lang  # the language the screen was last laid out in
        if prepared is not None:
            prepared.session.on_failure(self.mod_failed)
            prepared.session.tell_shadowed(self.alerts.add)  # which mod wins a rule two mods take
        self.selected: tuple[str, int] | None = None
        self.career: CareerDay | None = None  # a career's day (`career_mode`): its evening replaces the report
        self.mods_off: set[str] = set()  # mods the lenient session switched off (the HUD's badge marks them)
        self.timeline = Timeline(self, game.i18n) if watching is not None else None
        self.hud = Hud(self)
        self.section_manager, self.regions = make_regions(self)
        self._fit_floor()

    def mod_failed(self, failure) -> None:
        """A mod raised during play: the lenient session has switched it off; say which, which version, where."""
        self.mods_off.add(failure.mod_id)
        self.alerts.add("mod_error", name=self.game.mod_name(failure.mod_id), version=failure.version,
                        hook=failure.hook)

    def on_show_view(self) -> None:
        self.game.i18n.on_change(self._on_language)
        if self.game.i18n.lang != self._lang:  # switched while another screen was up (the pause menu's button)
            self._on_language(self.game.i18n.lang)
        self.section_manager.enable()
        place_regions(self)  # (enabling turns every section on: the levers only while open)

    def on_hide_view(self) -> None:
        """Leaving the screen (pause menu, report, restart): stop listening, so a dropped view is not kept alive."""
        self.game.i18n.off_change(self._on_language)
        self.section_manager.disable()

    def hud_rebuilt(self) -> None:
        """The HUD was laid out again (size, scale, language, the levers opened or closed): move the regions."""
        if hasattr(self, "regions"):
            place_regions(self)

    # ------------------------------------------------------------------------------------------------ frame
    def on_update(self, delta_time: float) -> None:
        if self.seek_to is not None:  # the first update lets a frame show "seeking…", the next one seeks
            self._seek_waited += 1
            if self._seek_waited >= 2:
                self.seek(self.seek_to)
            return
        self.step(delta_time)
        if self.clock.finished(self.world.now) and self.watching is None:  # a replay stays on its last moment
            self.finish()

    def step(self, dt: float, sim_speed: float | None = None) -> None:
        """One frame of the game without drawing: advance the world, then let scene, alerts and HUD look.

        The scene animates at the clock's pace (simulated seconds per real second, 0 when paused), or at
        ``sim_speed`` when something else moves the world's time (bench/soak.py, with the clock paused)."""
        target = self.clock.target(self.world.now, dt)
        if self.watching is not None:
            for command in self.watching.advance(target):
                self.replayed(command)
        elif target > self.world.now:
            self.world.advance(target)
        if sim_speed is None:
            sim_speed = 0 if self.clock.paused else self.clock.speed * BASE_RATE
        self.scene.sim_speed = sim_speed
        self.scene.sync(dt)
        self.alerts.poll()
        self.hud.refresh(dt)

    def on_draw(self) -> None:
        """Each region draws itself (`regions.py`); in a window the section manager gets this event first."""
        self.section_manager.on_draw()

    def on_resize(self, width: int, height: int) -> None:
        self.relayout()

    def relayout(self) -> None:
        """A new window size or UI scale: the HUD's frame, the floor's area and zoom, every label."""
        self.frame = HudFrame.of(*self.window.get_size(), self.game.ui_scale)
        self.camera.resize(*self.frame.floor_area())
        self.floor_labels.build()
        self.hud.build()
        self._fit_floor()

    def _fit_floor(self) -> None:
        """The floor goes under the goals strip, never beneath it (play-test bug 11)."""
        self.camera.resize(*self.frame.floor_area(self.hud.manager.goals.height))
        self.floor_labels.build()
        place_regions(self)

    def cycle_ui_scale(self) -> None:
        """U: automatic, then 1×, 2×, 3× (as far as the window allows), then automatic again."""
        options = [None, *range(1, 1 + HudFrame.of(*self.window.get_size(), 99).scale)]
        self.game.set_ui_scale(options[(options.index(self.game.ui_scale) + 1) % len(options)]
                               if self.game.ui_scale in options else None)
        self.relayout()

    def replayed(self, command) -> None:
        """A recorded command the replay just carried out, said in the feed as the player's own would be (an
        incident's answer is said from the world's event)."""
        if isinstance(command, Rent):
            self.alerts.add("rent", model=command.model, n=command.count)
        elif isinstance(command, Release):
            self.alerts.add("release", model=command.model, n=command.count)
        elif isinstance(command, SetAutopilot):
            self.alerts.add("replay_autopilot_on" if command.enabled else "replay_autopilot_off")
        elif command.name not in UNSAID_IN_REPLAY:
            self.alerts.lever(command)

    def request_seek(self, at_ms: int) -> None:
        """Move the replay to a moment: done on the second update from now, so that a frame shows "seeking…" first
        (re-simulating a long level can take longer than a frame)."""
        if self.watching is not None:
            self.seek_to = max(0, min(self.watching.recording.end_ms, int(at_ms)))
            self._seek_waited = 0

    def seek(self, at_ms: int) -> PlayView:
        """The replay at `at_ms`: the world on screen carried forward, or (back in time) a fresh world replayed
        from the start; a new view shows it, keeping the camera, the speed and the pause."""
        assert self.watching is not None
        self.seek_to = None
        cursor = self.watching
        if at_ms < self.world.now:
            _prepared, cursor = cursor.recording.start()
        cursor.advance(at_ms)
        view = PlayView(self.game, self.spec, speed=self.clock.speed, paused=self.clock.paused, watching=cursor)
        view.camera.set_zoom(self.camera.zoom)
        view.camera.pan_to(*self.camera.centre)
        recent = [(t, c) for t, c in cursor.carried_out if at_ms - t <= RECENT_MS]
        for at, command in recent:  # the feed shows the last hour's recorded decisions, at their times
            view.alerts.told_at(at, lambda command=command: view.replayed(command))
        view.scene.sim_speed = 16 * BASE_RATE
        for _ in range(30):  # the people walk to where they stand at that moment
            view.scene.sync(1 / 30)
        view.alerts.poll()
        self.window.show_view(view)
        return view

    def finish(self) -> None:
        from factory_game.game.menus import ReportView

        queries.settle_costs(self.world)
        if self.career is not None:
            self.career.finish_day(self.world)
            return
        self.window.show_view(ReportView(self.game, self.spec, self.world))

    # ------------------------------------------------------------------------------------------------ actions
    def toggle_pause(self) -> None:
        self.clock.toggle_pause()

    def set_speed(self, speed: int) -> None:
        self.clock.set_speed(speed)
        self.clock.paused = False

    def levers_off(self) -> bool:
        """While a replay is watched the recorded commands are the only ones: a lever says so in the feed."""
        if self.watching is not None:
            self.alerts.add("replay_levers_off")
            return True
        return False

    def rent(self, model_id: str, count: int = 1) -> None:
        if self.levers_off():
            return
        record = self.world.apply(Rent(model_id, count))
        if record.ok:
            self.alerts.add("rent", model=model_id, n=count)

    def release(self, model_id: str, count: int = 1) -> None:
        if self.levers_off():
            return
        record = self.world.apply(Release(model_id, count))
        if record.ok:
            self.alerts.add("release", model=model_id, n=count)

    def release_idle(self, model_id: str) -> None:
        """Give back every idle rented station of a model at once (Shift+Release, Ctrl+Shift+its key); busy ones
        and contracts stay."""
        idle = queries.slot_counts(self.world, model_id).idle_rented
        if idle:
            self.release(model_id, idle)

    def apply(self, command) -> None:
        """A lever from the manager's panels: through the world's one door; the feed says what it did (a refusal
        shows as an alert too, from its command event)."""
        if self.levers_off():
            return
        effect = economics.lever_effect(self.world, command)  # read before the lever moves
        if self.world.apply(command).ok:
            self.alerts.lever(command, effect)

    def answer_incident(self, incident_id: int, choice: str) -> None:
        """A button of the incident card: the answer is a command through the world's one door (recorded, replayed,
        saved); the feed says it from the world's `incident` event."""
        if self.levers_off():
            return
        self.world.apply(AnswerIncident(incident_id, choice))

    def incident_opened(self) -> None:
        """A new incident's card is up: the game pauses, so the card can be read and weighed (a 3-minute deadline
        is 9 s at 1×, half a second at 16×), and plays on at 1× when the player resumes (Space or a speed). A
        watched replay does not pause: its answers are already recorded."""
        if self.clock.speed > 1:
            self.clock.set_speed(1)
        if self.watching is None:
            self.clock.paused = True

    def toggle_autopilot(self) -> None:
        if self.levers_off():
            return
        self.world.apply(SetAutopilot(not queries.autopilot_on(self.world)))

    def toggle_language(self) -> None:
        self.game.i18n.toggle()

    def toggle_sound(self) -> None:
        self.game.sounds.muted = not self.game.sounds.muted

    def open_menu(self) -> None:
        from factory_game.game.menus import PauseView

        self.clock.paused = True
        self.window.show_view(PauseView(self.game, self))

    def _on_language(self, lang: str) -> None:
        self._lang = lang
        self.hud.build()
        self.floor_labels.build()

    # ------------------------------------------------------------------------------------------------ input
    def on_key_press(self, symbol: int, modifiers: int) -> None:
        if symbol == arcade.key.SPACE:
            self.toggle_pause()
        elif symbol in SPEED_KEYS:
            self.set_speed(SPEED_KEYS[symbol])
        elif symbol == arcade.key.A:
            self.toggle_autopilot()
        elif symbol == arcade.key.L:
            self.toggle_language()
        elif symbol == arcade.key.M:
            self.toggle_sound()
        elif symbol == arcade.key.ESCAPE:
            self.open_menu()
        elif symbol == arcade.key.G:
            self.hud.manager.toggle()
        elif symbol in MODEL_KEYS:  # rent on the n-th model; Shift: five; Ctrl: release one
            models = queries.model_ids(self.world)
            if MODEL_KEYS[symbol] < len(models):
                model_id = models[MODEL_KEYS[symbol]]
                if modifiers & arcade.key.MOD_CTRL and modifiers & arcade.key.MOD_SHIFT:
                    self.release_idle(model_id)
                elif modifiers & arcade.key.MOD_CTRL:
                    self.release(model_id)
                else:
                    self.rent(model_id, 5 if modifiers & arcade.key.MOD_SHIFT else 1)
        elif symbol in PAN_KEYS:
            dx, dy = PAN_KEYS[symbol]
            self.camera.pan_by(dx * PAN_STEP_PX, dy * PAN_STEP_PX)
        elif symbol in (arcade.key.HOME, arcade.key.C):
            self.camera.reset()
        elif symbol in (arcade.key.EQUAL, arcade.key.PLUS, arcade.key.NUM_ADD):
            self.camera.zoom_by(1)
        elif symbol in (arcade.key.MINUS, arcade.key.NUM_SUBTRACT):
            self.camera.zoom_by(-1)
        elif symbol == arcade.key.U:
            self.cycle_ui_scale()
        elif symbol in (arcade.key.BRACKETLEFT, arcade.key.BRACKETRIGHT) and self.watching is not None:
            forward = symbol == arcade.key.BRACKETRIGHT
            recording = self.watching.recording
            if modifiers & arcade.key.MOD_SHIFT:  # to the previous or next recorded decision
                self.request_seek(recording.neighbour_mark(self.world.now, forward))
            else:
                self.request_seek(self.world.now + (recording.step_ms() if forward else -recording.step_ms()))

    # The mouse goes to the region under it (`regions.py`). In a window the section manager receives these events
    # first and ends them; these methods are the same door for input made by hand (tests, the window driver).
    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> None:
        self.section_manager.on_mouse_motion(x, y, dx, dy)

    def on_mouse_scroll(self, x: int, y: int, scroll_x: float, scroll_y: float) -> None:
        self.section_manager.on_mouse_scroll(x, y, scroll_x, scroll_y)

    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> None:
        self.section_manager.on_mouse_press(x, y, button, modifiers)

    def on_mouse_drag(self, x: int, y: int, dx: int, dy: int, buttons: int, modifiers: int) -> None:
        self.section_manager.on_mouse_drag(x, y, dx, dy, buttons, modifiers)

    def on_mouse_release(self, x: int, y: int, button: int, modifiers: int) -> None:
        self.section_manager.on_mouse_release(x, y, button, modifiers)

    # ------------------------------------------------------------------------------------------------ the floor
    def floor_scroll(self, x: float, y: float, scroll_y: float) -> None:
        """The wheel zooms in integer steps, keeping the floor point under the mouse where it is."""
        if not scroll_y:
            return
        fx, fy = self.camera.to_floor(x, y)
        self.camera.zoom_by(1 if scroll_y > 0 else -1)
        gx, gy = self.camera.to_floor(x, y)
        self.camera.pan_to(self.camera.centre[0] + fx - gx, self.camera.centre[1] + fy - gy)

    def floor_press(self, x: float, y: float) -> None:
        self._press, self._dragging = (x, y), False

    def floor_drag(self, x: float, y: float, dx: float, dy: float) -> None:
        if self._press is None:
            return
        if not self._dragging and abs(x - self._press[0]) + abs(y - self._press[1]) > DRAG_PX:
            self._dragging = True
            dx, dy = x - self._press[0], y - self._press[1]
        if self._dragging:
            self.camera.pan_by(dx, dy)

    def floor_release(self, x: float, y: float) -> None:
        if self._press is not None and not self._dragging:
            self.select_at(x, y)
        self._press, self._dragging = None, False

    def select_at(self, x: float, y: float) -> None:
        """Select what is under a window point on the floor (a customer, a helper's owner, a station)."""
        self.selected = self.scene.pick(*self.camera.to_floor(x, y))
        self.scene.selected = self.selected

    # ------------------------------------------------------------------------------------------------ inspector
    def inspector_lines(self) -> list[str]:
        t = self.game.i18n.t
        if self.selected is None:
            multiplier = f"{queries.multiplier(self.world):g}"
            keys = ("tiers", "crown", "helper", "street", "bar", "rented", "marks")
            mods = [self.mods_text()] if self.world.spec.mods else []  # the whole list, wrapped
            return [t("inspect.hint"), *mods, ""] + [t(f"inspect.legend_{key}", multiplier=multiplier)
                                                     for key in keys]
        kind, ident = self.selected
        world = self.world
        if kind == "customer":
            c = queries.customer(world, ident)
            if c is None:
                self.selected = self.scene.selected = None
                return [t("inspect.hint")]
            lines = [t("inspect.customer", id=c.id, tier=c.tier, priority=t("inspect.priority") if c.priority else ""),
                     t("inspect.budget", budget=money(c.budget_cents), held=money(c.held_cents),
                       spent=money(c.spent_cents)),
                     t("inspect.in_flight", n=c.in_flight, cap=c.cap)]
            traits = queries.customer_traits(world, c.tier, c.priority)
            if traits is not None:  # a level whose tiers differ: what this one answers to (docs/game.md)
                lines.append(t("inspect.traits", price=f"{traits[0]:g}", late=f"{traits[1]:g}"))
            if c.cause:  # already unhappy: why (the first thing that went wrong this visit)
                lines.append(t("inspect.angry", cause=t(f"manager.cause_{c.cause}")))
            for task in c.tasks[-6:]:
                start = task.started_at if task.started_at is not None else world.now
                if task.queued_at is not None:  # in the queue (or since served): the queue wait
                    waited = start - task.queued_at
                else:  # still outside, kept out by the tier cap: since the customer asked for it
                    waited = world.now - task.requested_at if task.state == queries.TaskState.PENDING else 0
                model = self.game.i18n.pick(world.spec.model(task.model).names, task.model)
                lines.append(t("inspect.task", id=task.id, content=self._content_name(task.content),
                               model=model, state=t(f"state.{task.state}"), wait=wait_text(waited)))
            return lines
        slot = queries.slot(world, ident)
        if slot is None:
            self.selected = self.scene.selected = None
            return [t("inspect.hint")]
        name = self.game.i18n.pick(world.spec.model(slot.model).names, slot.model)
        lines = [t("inspect.station", id=slot.id, model=name),
                 f"{t(self._station_kind(slot))} · {t(f'state.{slot.state}')}"]
        if queries.is_contract(slot):
            lines.append(t("inspect.contract_until", until=format_duration(slot.arrived_at + slot.committed_ms)))
        batch = queries.replica_batch(world, slot)
        if batch is not None:  # a replica: a batch, not one task with a known end
            lines.append(t("inspect.replica_batch", held=batch[0], most=batch[1]))
        elif slot.task is not None and slot.task.end_at is not None:
            lines.append(t("inspect.station_task", id=slot.task.id,
                           left=format_duration(max(0, slot.task.end_at - world.now))))
        return lines

    @staticmethod
    def _station_kind(slot) -> str:
        """The text key of what a station is: the level's own, a spot rental, or on contract."""
        if queries.is_contract(slot):
            return "inspect.on_contract"
        return "inspect.rented" if slot.rented else "inspect.contracted"

    def mods_text(self) -> str:
        """"Mods: Surge pricing, Fair share (off)": the level's mods by name, those switched off marked."""
        t = self.game.i18n.t
        names = [t("hud.mod_off", name=self.game.mod_name(mod_id)) if mod_id in self.mods_off
                 else self.game.mod_name(mod_id) for mod_id, _constraint in self.world.spec.mods]
        return t("hud.mods_badge", names=", ".join(names)) if names else ""

    def _content_name(self, content_id: str) -> str:
        for c in self.world.spec.content:
            if c.id == content_id:
                return self.game.i18n.pick(c.names, content_id)
        return content_id
