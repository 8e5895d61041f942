"""The window split between the HUD and the floor, and the camera over the floor: integer zoom, pan, reset.

Two scales, both integers so every pixel stays square:

- the UI scale ``k`` (automatic by default: 1 up to 2559×1439, 2 from 2560×1440, 3 from 3840×2160; U cycles it):
  the HUD is laid out for a window of ``size / k`` and drawn ``k`` times bigger (``HudFrame``); below 1280×720
  (in UI pixels) it uses its compact layout, a top bar of 22 px and a panel of 176, else its full one at twice that;
- the floor's zoom ``z``: the floor (a world of logical pixels sized to the level, ``layout.py``) is drawn into a
  render target the size of the floor area divided by ``z`` (rounded up) and scaled up by ``z``, nearest filtering.
  A window between two zoom steps shows more floor, never bigger bars. The default zoom is the largest that shows the
  whole floor; the mouse wheel steps it, dragging or the arrow keys pan within the floor, Home puts both back.

Positions of the camera are whole logical pixels, so a sprite at a whole pixel lands on whole screen pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from factory_game.game.gfx import arcade

PIXELATED = (arcade.gl.NEAREST, arcade.gl.NEAREST)  # min and mag filter: no smoothing, ever
MAX_ZOOM = 6
FULL_HUD = (1280, 720)  # UI pixels from which the HUD has its full layout
BAR_PX, PANEL_PX = 22, 176  # the compact HUD's top bar and panel, in UI pixels (twice that in the full layout)
PAN_STEP_PX = 48  # window pixels an arrow key moves the view


def auto_ui_scale(win_w: int, win_h: int) -> int:
    """The UI scale that keeps the HUD in proportion: how many full 1280×720 HUDs fit, at least 1."""
    return max(1, min(win_w // FULL_HUD[0], win_h // FULL_HUD[1]))


@dataclass(frozen=True)
class HudFrame:
    """Where the HUD goes in a window, in UI pixels (window pixels ÷ ``scale``)."""

    scale: int
    width: int  # the window in UI pixels
    height: int
    small: bool  # the compact layout

    @classmethod
    def of(cls, win_w: int, win_h: int, ui_scale: int | None = None) -> HudFrame:
        k = ui_scale or auto_ui_scale(win_w, win_h)
        k = max(1, min(k, win_w // 640, win_h // 360)) if win_w >= 640 and win_h >= 360 else 1
        w, h = win_w // k, win_h // k
        return cls(k, w, h, w < FULL_HUD[0] or h < FULL_HUD[1])

    @property
    def unit(self) -> int:
        return 1 if self.small else 2

    @property
    def bar_h(self) -> int:
        return BAR_PX * self.unit

    @property
    def panel_w(self) -> int:
        return PANEL_PX * self.unit

    def floor_area(self, reserved_top: float = 0) -> tuple[int, int]:
        """The window pixels left to the floor: everything left of the panel, under the top bar and under
        `reserved_top` more UI pixels (the goals strip, so it never hides the floor)."""
        height = max(1, int(self.height - self.bar_h - reserved_top))
        return (self.width - self.panel_w) * self.scale, height * self.scale


class FloorCamera:
    """The floor's render target and the camera in it; maps window points to floor points and back."""

    def __init__(self, ctx: arcade.ArcadeContext, world_w: int, world_h: int) -> None:
        self.ctx = ctx
        self.world_w, self.world_h = world_w, world_h
        self.area = (0, 0)
        self.zoom = 1
        self.fit_zoom = 1
        self.centre = (world_w / 2, world_h / 2)
        self.left = self.bottom = 0
        self.target = (0, 0)  # render target size in floor pixels
        self._make_target(2, 2)  # (a real size comes with the first `resize`)
        self._quad = arcade.gl.geometry.quad_2d_fs()
        self._program = ctx.utility_textured_quad_program
        self.version = 0  # bumps whenever what is seen moves (labels over the floor follow it)

    # ------------------------------------------------------------------------------------------------ geometry
    def resize(self, area_w: int, area_h: int) -> None:
        """A new floor area (window resize, UI scale): zoom back to the fit, keep the centre."""
        self.area = (max(1, area_w), max(1, area_h))
        self.fit_zoom = max(1, min(self.area[0] // self.world_w, self.area[1] // self.world_h))
        self.set_zoom(self.fit_zoom)

    def reset(self) -> None:
        self.centre = (self.world_w / 2, self.world_h / 2)
        self.set_zoom(self.fit_zoom)

    def zoom_by(self, steps: int) -> None:
        self.set_zoom(self.zoom + steps)

    def set_zoom(self, zoom: int) -> None:
        self.zoom = max(1, min(MAX_ZOOM, zoom))
        tw = _even(math.ceil(self.area[0] / self.zoom))
        th = _even(math.ceil(self.area[1] / self.zoom))
        if (tw, th) != self.target:
            self._make_target(tw, th)
        self.pan_to(*self.centre)

    def _make_target(self, tw: int, th: int) -> None:
        self.target = (tw, th)
        self.texture = self.ctx.texture((tw, th), components=4, filter=PIXELATED)
        self.fbo = self.ctx.framebuffer(color_attachments=[self.texture])
        self.camera = arcade.Camera2D(viewport=arcade.LBWH(0, 0, tw, th), render_target=self.fbo)

    def pan_by(self, dx_window: float, dy_window: float) -> None:
        """Move the view by a drag of this many window pixels (the floor follows the mouse)."""
        self.pan_to(self.centre[0] - dx_window / self.zoom, self.centre[1] - dy_window / self.zoom)

    def pan_to(self, cx: float, cy: float) -> None:
        """Centre the view here, kept within the floor (a floor smaller than the view is centred in it)."""
        seen_w, seen_h = self.area[0] / self.zoom, self.area[1] / self.zoom
        cx = _clamp(cx, seen_w / 2, self.world_w - seen_w / 2, self.world_w / 2)
        cy = _clamp(cy, seen_h / 2, self.world_h - seen_h / 2, self.world_h / 2)
        self.centre = (cx, cy)
        left, bottom = round(cx - seen_w / 2), round(cy - seen_h / 2)
        if (left, bottom) != (self.left, self.bottom) or self.camera.position != self._position(left, bottom):
            self.left, self.bottom = left, bottom
            self.camera.position = self._position(left, bottom)
            self.version += 1

    def _position(self, left: int, bottom: int) -> tuple[float, float]:
        return left + self.target[0] / 2, bottom + self.target[1] / 2

    def to_floor(self, x: float, y: float) -> tuple[float, float]:
        """A window point (a mouse click) in floor pixels."""
        return x / self.zoom + self.left, y / self.zoom + self.bottom

    def to_window(self, x: float, y: float) -> tuple[int, int]:
        """A floor point in window pixels (to place text at full resolution over the floor)."""
        return round((x - self.left) * self.zoom), round((y - self.bottom) * self.zoom)

    # ------------------------------------------------------------------------------------------------ drawing
    def drawing(self, clear_color):
        """Draw the floor inside this block, in floor pixels."""
        return _Drawing(self, clear_color)

    def blit(self) -> None:
        """The render target to the window's bottom-left at the zoom; what passes the floor area is under the HUD."""
        screen = self.ctx.screen
        previous = screen.viewport
        screen.viewport = (0, 0, self.target[0] * self.zoom, self.target[1] * self.zoom)
        self.texture.use(0)
        self._program["texture0"] = 0
        with self.ctx.enabled_only():
            self._quad.render(self._program)
        screen.viewport = previous


class _Drawing:
    def __init__(self, cam: FloorCamera, clear_color) -> None:
        self.cam, self.clear_color = cam, clear_color

    def __enter__(self):
        self._active = self.cam.fbo.activate()
        self._active.__enter__()
        self.cam.fbo.clear(color=self.clear_color)
        self.cam.camera.use()
        return self

    def __exit__(self, *exc) -> None:
        self._active.__exit__(*exc)
        self.cam.ctx.screen.use()


class HudCanvas:
    """The HUD drawn at UI scale k > 1: straight to the window through a camera that maps UI pixels to k window
    pixels (sprites pixelated, Unifont's glyphs nearest-filtered, so both stay square pixels).

    It used to be drawn into a transparent render target and blended up: in a real GLX window (Xvfb, Mesa) the
    blend washed the opaque panels out and left the window's uncleared pixels (white) under them (play-test bug 1);
    a camera has no second buffer to blend."""

    def __init__(self, ctx: arcade.ArcadeContext) -> None:
        self.ctx = ctx
        self.key: tuple[int, int, int] | None = None
        self.camera: arcade.Camera2D | None = None

    def draw(self, frame: HudFrame, draw: Callable[[], None]) -> None:
        if frame.scale == 1:
            draw()
            return
        key = (frame.width, frame.height, frame.scale)
        if self.camera is None or self.key != key:
            self.key = key
            self.camera = arcade.Camera2D(viewport=arcade.LBWH(0, 0, frame.width * frame.scale,
                                                               frame.height * frame.scale),
                                          position=(frame.width / 2, frame.height / 2), zoom=frame.scale)
        self.camera.use()
        draw()


def _even(n: int) -> int:
    return n + (n % 2)


def _clamp(v: float, lo: float, hi: float, middle: float) -> float:
    return middle if lo > hi else min(hi, max(lo, v))
