"""The play screen: advances the world by the clock, draws the scene and the HUD, turns input into commands.

The world is the one truth. Each frame the view moves simulated time forward (speed × real time), lets the
scene and the HUD read the world, and draws. The player changes the world only through ``world.apply`` with the
engine's commands (rent, release, the auto-manager switch); everything else here is looking.
"""

from __future__ import annotations

from factory_game.game import layout as L
from factory_game.game.alerts import Alerts
from factory_game.game.art import palette
from factory_game.game.canvas import PixelCanvas
from factory_game.game.clock import BASE_RATE, SimClock
from factory_game.game.gfx import arcade
from factory_game.game.hud import Hud, money, wait_text
from factory_game.game.scene import Scene
from factory_game.plugins import PreparedLevel
from factory_game.sim import queries
from factory_game.sim.commands import Release, Rent, SetAutopilot
from factory_game.sim.spec import LevelSpec
from factory_game.sim.world import World
from factory_game.texts import format_duration

LEDGER_WINDOW = 2000  # ledger entries a played world keeps: play can last for ever (the sandbox), a headless run not
SPEED_KEYS = {arcade.key.KEY_1: 1, arcade.key.KEY_2: 2, arcade.key.KEY_3: 4, arcade.key.KEY_4: 8,
              arcade.key.KEY_5: 16}


class PlayView(arcade.View):
    """Plays a fresh world of ``level`` (a ``PreparedLevel`` from ``prepare_level``, whose lenient mod session reports
    failures through :meth:`mod_failed`; a bare ``LevelSpec`` is prepared here), or carries on an existing ``world``
    (a loaded save; its mods are already attached, their failures come in through :meth:`mod_failed`)."""

    def __init__(self, game, level: PreparedLevel | LevelSpec, seed: int | None = None, speed: int = 1,
                 world: World | None = None) -> None:
        super().__init__()
        self.game = game
        prepared = None
        if world is None:
            prepared = level if isinstance(level, PreparedLevel) else PreparedLevel.from_spec(level, lenient=True)
            world = prepared.start(seed, LEDGER_WINDOW)
            if world.autopilot_enabled:  # the player is the manager; the auto-manager is theirs to switch on
                world.apply(SetAutopilot(False))
        self.world = world
        self.spec = spec = world.spec
        # a level with nothing to score (the sandbox) has no end in play: its duration only bounds headless runs
        self.clock = SimClock(spec.duration_ms if spec.goals else None, speed)
        self.canvas = PixelCanvas(self.window.ctx, L.CANVAS_W, L.CANVAS_H)
        self.scene = Scene(self.world, sounds=game.sounds)
        self.floor = self.canvas.bake(self.scene.draw_floor)
        self.alerts = Alerts(self.world, game.i18n, game.sounds)
        if prepared is not None:
            prepared.session.on_failure(self.mod_failed)
        self.selected: tuple[str, int] | None = None
        self.mods_off: set[str] = set()  # mods the lenient session switched off (the HUD's badge marks them)
        self.hud = Hud(self)

    def mod_failed(self, failure) -> None:
        """A mod raised during play: the lenient session has switched it off; say which, which version, where."""
        self.mods_off.add(failure.mod_id)
        self.alerts.add("mod_error", name=self.game.mod_name(failure.mod_id), version=failure.version,
                        hook=failure.hook)

    def on_show_view(self) -> None:
        self.game.i18n.on_change(self._on_language)

    def on_hide_view(self) -> None:
        """Leaving the screen (pause menu, report, restart): stop listening, so a dropped view is not kept alive."""
        self.game.i18n.off_change(self._on_language)

    # ------------------------------------------------------------------------------------------------ frame
    def on_update(self, delta_time: float) -> None:
        self.step(delta_time)
        if self.clock.finished(self.world.now):
            self.finish()

    def step(self, dt: float, sim_speed: float | None = None) -> None:
        """One frame of the game without drawing: advance the world, then let scene, alerts and HUD look.

        The scene animates at the clock's pace (simulated seconds per real second, 0 when paused), or at
        ``sim_speed`` when something else moves the world's time (bench/soak.py, with the clock paused)."""
        target = self.clock.target(self.world.now, dt)
        if target > self.world.now:
            self.world.advance(target)
        if sim_speed is None:
            sim_speed = 0 if self.clock.paused else self.clock.speed * BASE_RATE
        self.scene.sim_speed = sim_speed
        self.scene.sync(dt)
        self.alerts.poll()
        self.hud.refresh(dt)

    def on_draw(self) -> None:
        self.window.default_camera.use()
        width, height = self.window.get_size()
        if (width, height) != self.canvas.covered(width, height):  # letterbox bars to paint
            self.clear(color=palette()["ink"])
        with self.canvas.drawing(self.floor):
            self.scene.draw()
        self.canvas.blit(*self.window.get_size())
        self.window.default_camera.use()
        self.hud.draw()

    def on_resize(self, width: int, height: int) -> None:
        self.hud.build()

    def finish(self) -> None:
        from factory_game.game.menus import ReportView

        self.world.settle_costs()
        self.window.show_view(ReportView(self.game, self.spec, self.world))

    # ------------------------------------------------------------------------------------------------ actions
    def toggle_pause(self) -> None:
        self.clock.toggle_pause()

    def set_speed(self, speed: int) -> None:
        self.clock.set_speed(speed)
        self.clock.paused = False

    def rent(self, model_id: str, count: int = 1) -> None:
        record = self.world.apply(Rent(model_id, count))
        if record.ok:
            self.alerts.add("rent", model=model_id, n=count)

    def release(self, model_id: str, count: int = 1) -> None:
        record = self.world.apply(Release(model_id, count))
        if record.ok:
            self.alerts.add("release", model=model_id, n=count)

    def toggle_autopilot(self) -> None:
        self.world.apply(SetAutopilot(not self.world.autopilot_enabled))

    def toggle_language(self) -> None:
        self.game.i18n.toggle()

    def toggle_sound(self) -> None:
        self.game.sounds.muted = not self.game.sounds.muted

    def open_menu(self) -> None:
        from factory_game.game.menus import PauseView

        self.clock.paused = True
        self.window.show_view(PauseView(self.game, self))

    def _on_language(self, _lang: str) -> None:
        self.hud.build()

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

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> None:
        self.hud.hover(x, y)

    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> None:
        if self.hud.click(x, y):
            return
        cx, cy = self.canvas.to_canvas(x, y, *self.window.get_size())
        self.selected = self.scene.pick(cx, cy)
        self.scene.selected = self.selected

    # ------------------------------------------------------------------------------------------------ inspector
    def inspector_lines(self) -> list[str]:
        t = self.game.i18n.t
        if self.selected is None:
            multiplier = f"{queries.multiplier(self.world):g}"
            return [t("inspect.hint"), ""] + [t(f"inspect.legend_{key}", multiplier=multiplier)
                                              for key in ("tiers", "crown", "helper", "street", "bar", "rented")]
        kind, ident = self.selected
        world = self.world
        if kind == "customer":
            c = world.customers.get(ident)
            if c is None:
                self.selected = self.scene.selected = None
                return [t("inspect.hint")]
            lines = [t("inspect.customer", id=c.id, tier=c.tier, priority=t("inspect.priority") if c.priority else ""),
                     t("inspect.budget", budget=money(c.budget_cents), held=money(c.held_cents),
                       spent=money(c.spent_cents)),
                     t("inspect.in_flight", n=c.in_flight, cap=c.cap)]
            for task in c.tasks[-6:]:
                start = task.started_at if task.started_at is not None else world.now
                waited = (start - task.queued_at) if task.queued_at is not None else 0
                lines.append(t("inspect.task", id=task.id, content=self._content_name(task.content),
                               model=task.model, state=t(f"state.{task.state}"), wait=wait_text(waited)))
            return lines
        slot = world.slots.get(ident)
        if slot is None:
            self.selected = self.scene.selected = None
            return [t("inspect.hint")]
        name = self.game.i18n.pick(world.spec.model(slot.model).names, slot.model)
        lines = [t("inspect.station", id=slot.id, model=name),
                 f"{t('inspect.rented') if slot.rented else t('inspect.contracted')} · {t(f'state.{slot.state}')}"]
        if slot.task is not None and slot.task.end_at is not None:
            lines.append(t("inspect.station_task", id=slot.task.id,
                           left=format_duration(max(0, slot.task.end_at - world.now))))
        return lines

    def _content_name(self, content_id: str) -> str:
        for c in self.world.spec.content:
            if c.id == content_id:
                return self.game.i18n.pick(c.names, content_id)
        return content_id
