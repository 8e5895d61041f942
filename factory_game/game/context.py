"""What the play screen's regions may use, as two narrow interfaces instead of the classes behind them.

`PlayContext` is what the HUD and the panels see of the play view: the world (read through `sim.queries`), the
clock, the game's text and sounds, and the player's actions; `WidgetHost` is what a panel sees of the HUD that hosts
it: where to put its widgets. Typing against these instead of `PlayView` and `Hud` keeps the game's modules free of
import circles (play -> hud -> panels, never back), counting imports under TYPE_CHECKING too.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyglet

    from factory_game.game.alerts import Alerts
    from factory_game.game.camera import HudFrame
    from factory_game.game.clock import SimClock
    from factory_game.game.floor_labels import FloorLabels
    from factory_game.game.forecaster import Forecaster
    from factory_game.game.gfx import arcade
    from factory_game.game.i18n import I18n
    from factory_game.game.ui import Button, Label
    from factory_game.game.watch import Cursor
    from factory_game.sim.commands import Command
    from factory_game.sim.world import World


class PlayContext(Protocol):
    """The play view as its regions see it."""

    world: World
    clock: SimClock
    game: Any  # the running game (`app.Game`): i18n, sounds, mod names; typed loosely, app imports the views
    frame: HudFrame
    alerts: Alerts
    selected: tuple[str, int] | None
    mods_off: set[str]
    floor_labels: FloorLabels
    watching: Cursor | None  # a recorded run being watched (its levers are off)
    forecaster: Forecaster  # the goals' projection

    def inspector_lines(self) -> list[str]: ...
    def mods_text(self) -> str: ...
    def rent(self, model_id: str, count: int = 1) -> None: ...
    def release(self, model_id: str, count: int = 1) -> None: ...
    def release_idle(self, model_id: str) -> None: ...
    def apply(self, command: Command) -> None: ...
    def answer_incident(self, incident_id: int, choice: str) -> None: ...
    def incident_opened(self) -> None: ...
    def toggle_pause(self) -> None: ...
    def set_speed(self, speed: int) -> None: ...
    def toggle_autopilot(self) -> None: ...
    def toggle_language(self) -> None: ...
    def toggle_sound(self) -> None: ...
    def open_menu(self) -> None: ...
    def hud_rebuilt(self) -> None: ...


class CareerDay(Protocol):
    """A career being played (`career_mode.CareerRun`), as the play screen sees it: told when its day ends."""

    def finish_day(self, world: World) -> Any: ...


class ManagerState(Protocol):
    open: bool  # the levers panel is open


class WidgetHost(Protocol):
    """The HUD as a panel sees it: the current region's text batch and boxes, and how to add widgets to it."""

    view: PlayContext
    i18n: I18n
    small: bool
    batch: pyglet.graphics.Batch
    boxes: arcade.SpriteList

    @property
    def manager(self) -> ManagerState: ...

    def button(self, left: float, bottom: float, width: float, height: float, text: str,
               on_click: Callable[[], Any], tooltip: str = "") -> Button: ...
    def label(self, x: float, y: float, text: str = "", color: Any = None, **kw: Any) -> Label: ...
    def build(self) -> None: ...
    def region(self, name: str) -> AbstractContextManager[Any]: ...
