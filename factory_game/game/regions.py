"""The play screen's regions as Arcade `Section`s: the floor, the goals strip, the levers panel (while open), the
incident card (while an incident waits for an answer), the top bar, the side panel, the inspector, the replay's
timeline (while a recorded run is watched), and the tooltip over them all.

Each section owns a rectangle of the window (placed by `place_regions` from the HUD frame and the goals strip's
height), draws its own widgets (`Hud.regions[name]`, at the UI scale) and takes the mouse events inside it: a click
on the side panel reaches only the side panel's buttons, a drag on the floor pans only the floor. The keyboard stays
with the play view (its keys are global shortcuts). Every event ends in its section: none falls through to the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from factory_game.game.art import palette
from factory_game.game.gfx import arcade

if TYPE_CHECKING:
    from factory_game.game.camera import FloorCamera, HudCanvas, HudFrame
    from factory_game.game.floor_labels import FloorLabels
    from factory_game.game.hud import Hud
    from factory_game.game.scene import Scene
    from factory_game.game.timeline import Timeline


class PlayScreen(Protocol):
    """What the regions use of the play view (typed here, so this module never imports the view)."""

    frame: HudFrame
    hud: Hud
    hud_canvas: HudCanvas
    camera: FloorCamera
    scene: Scene
    floor_labels: FloorLabels
    regions: dict[str, Region]
    timeline: Timeline | None

    @property
    def window(self) -> arcade.Window: ...
    def clear(self, color: tuple[int, int, int, int]) -> None: ...
    def floor_press(self, x: float, y: float) -> None: ...
    def floor_drag(self, x: float, y: float, dx: float, dy: float) -> None: ...
    def floor_release(self, x: float, y: float) -> None: ...
    def floor_scroll(self, x: float, y: float, scroll_y: float) -> None: ...

HANDLED = True  # what a section returns: the event ends here


class Region(arcade.Section):
    """A part of the window with its own drawing and mouse input."""

    def __init__(self, name: str, draw_order: int) -> None:
        super().__init__(0, 0, 1, 1, name=name, accept_keyboard_keys=False, prevent_dispatch={True},
                         prevent_dispatch_view={True}, draw_order=draw_order)

    @property
    def play(self) -> PlayScreen:
        return self.view

    def place(self, left: float, bottom: float, width: float, height: float) -> None:
        self.left, self.bottom = int(left), int(bottom)
        self.width, self.height = max(1, int(width)), max(1, int(height))

    def ui(self, x: float, y: float) -> tuple[float, float]:
        scale = self.play.frame.scale
        return x / scale, y / scale

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> bool:
        self.play.hud.hover(*self.ui(x, y))
        return HANDLED


class HudRegion(Region):
    """A region of the HUD: draws `Hud.regions[name]` at the UI scale; a click goes to its own buttons."""

    def on_draw(self) -> None:
        play = self.play
        play.hud_canvas.draw(play.frame, lambda: play.hud.draw(self.name))
        play.window.default_camera.use()

    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> bool:
        hud = self.play.hud
        hud.shift = bool(modifiers & arcade.key.MOD_SHIFT)
        hud.click(*self.ui(x, y), region=self.name)
        return HANDLED


class PanelRegion(HudRegion):
    """The side panel, with the inspector's box inside it (the inspector draws itself, over the panel)."""


class FloorRegion(Region):
    """The factory floor: clears the window, draws the floor through its camera and the words over it; a click
    selects, a drag pans, the wheel zooms about the mouse."""

    def on_draw(self) -> None:
        play = self.play
        play.window.default_camera.use()
        play.clear(color=palette()["night"])  # the whole window: every region draws over this
        with play.camera.drawing(palette()["ink"]):
            play.scene.draw()
        play.camera.blit()
        play.window.default_camera.use()
        play.floor_labels.place()
        play.floor_labels.draw()

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> bool:
        self.play.hud.hover(-1, -1)  # over the floor no button is hovered: no tooltip
        return HANDLED

    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> bool:
        self.play.floor_press(x, y)
        return HANDLED

    def on_mouse_drag(self, x: int, y: int, dx: int, dy: int, _buttons: int, _modifiers: int) -> bool:
        self.play.floor_drag(x, y, dx, dy)
        return HANDLED

    def on_mouse_release(self, x: int, y: int, button: int, modifiers: int) -> bool:
        self.play.floor_release(x, y)
        return HANDLED

    def on_mouse_scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> bool:
        self.play.floor_scroll(x, y, scroll_y)
        return HANDLED


class TimelineRegion(Region):
    """The replay's timeline (`timeline.py`): a press or a drag moves its handle, letting go seeks there."""

    def on_draw(self) -> None:
        play = self.play
        if play.timeline is not None:
            play.hud_canvas.draw(play.frame, play.timeline.draw)
            play.window.default_camera.use()

    def on_mouse_motion(self, x: int, y: int, dx: int, dy: int) -> bool:
        self.play.hud.hover(-1, -1)
        return HANDLED

    def on_mouse_press(self, x: int, y: int, button: int, modifiers: int) -> bool:
        if self.play.timeline is not None:
            self.play.timeline.press(self.ui(x, y)[0])
        return HANDLED

    def on_mouse_drag(self, x: int, y: int, dx: int, dy: int, _buttons: int, _modifiers: int) -> bool:
        if self.play.timeline is not None:
            self.play.timeline.drag(self.ui(x, y)[0])
        return HANDLED

    def on_mouse_release(self, x: int, y: int, button: int, modifiers: int) -> bool:
        if self.play.timeline is not None:
            self.play.timeline.release(self.ui(x, y)[0])
        return HANDLED


class TooltipLayer(HudRegion):
    """The tooltip, drawn last over everything on its own backing; it takes no input."""

    def __init__(self, name: str, draw_order: int) -> None:
        super().__init__(name, draw_order)
        self.accept_mouse_events = False


# event order (first match takes a click) and draw order (low first)
LAYOUT = (("incident", HudRegion, 7), ("timeline", TimelineRegion, 8),
          ("levers", HudRegion, 3), ("goals", HudRegion, 2), ("inspector", HudRegion, 6), ("top", HudRegion, 4),
          ("panel", PanelRegion, 5), ("floor", FloorRegion, 1), ("tooltip", TooltipLayer, 9))


def make_regions(view: arcade.View) -> tuple[arcade.SectionManager, dict[str, Region]]:
    """The play view's sections. Keys, updates and resizes stay with the view (a key is a global shortcut)."""
    manager = arcade.SectionManager(view)
    manager.managed_events -= {"on_key_press", "on_key_release", "on_update", "on_resize"}
    manager.view_draw_first = None  # the floor region clears and draws first
    regions: dict[str, Region] = {}
    for name, kind, draw_order in LAYOUT:
        regions[name] = kind(name, draw_order)
        manager.add_section(regions[name])
    return manager, regions


def place_regions(view: PlayScreen) -> None:
    """Each region's rectangle in window pixels, from the HUD frame and the goals strip's height."""
    frame, k, regions = view.frame, view.frame.scale, view.regions
    width, height = frame.width, frame.height
    floor_w = width - frame.panel_w
    strip = view.hud.manager.goals.height
    under_bar = height - frame.bar_h
    regions["top"].place(0, under_bar * k, width * k, frame.bar_h * k)
    regions["panel"].place(floor_w * k, 0, frame.panel_w * k, under_bar * k)
    left, bottom, box_w, box_h = view.hud.inspector_rect()
    regions["inspector"].place(left * k, bottom * k, box_w * k, box_h * k)
    regions["goals"].place(0, (under_bar - strip) * k, floor_w * k, strip * k)
    regions["floor"].place(0, 0, floor_w * k, (under_bar - strip) * k)
    regions["levers"].place(0, 0, floor_w * k, (under_bar - strip) * k)
    regions["tooltip"].place(0, 0, width * k, height * k)
    regions["levers"].enabled = view.hud.manager.open
    card = view.hud.manager.incident_rect()
    if card is not None:
        regions["incident"].place(card[0] * k, card[1] * k, card[2] * k, card[3] * k)
    regions["incident"].enabled = card is not None
    timeline = view.timeline
    if timeline is not None:
        regions["timeline"].place(0, 0, floor_w * k, timeline.height() * k)
    regions["timeline"].enabled = timeline is not None
