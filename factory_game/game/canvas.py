"""The world's low-resolution render target, shown at the largest integer zoom that fits, letterboxed.

Drawing the factory at 640×360 and scaling it up with nearest filtering keeps every pixel square whatever the
sprites do, and on a software renderer it is also the cheap way: the sprites fill a quarter (or less) of the
pixels they would fill at full size. The fixed ``Camera2D`` looks at the whole canvas; zooming later means moving
or zooming this camera, nothing else.
"""

from __future__ import annotations

from contextlib import contextmanager

from factory_game.game.gfx import arcade

PIXELATED = (arcade.gl.NEAREST, arcade.gl.NEAREST)  # min and mag filter: no smoothing, ever


class PixelCanvas:
    def __init__(self, ctx: arcade.ArcadeContext, width: int, height: int) -> None:
        self.ctx = ctx
        self.width, self.height = width, height
        self.texture = ctx.texture((width, height), components=4, filter=PIXELATED)
        self.fbo = ctx.framebuffer(color_attachments=[self.texture])
        self.camera = arcade.Camera2D(viewport=arcade.LBWH(0, 0, width, height), render_target=self.fbo)
        self.camera.position = (width / 2, height / 2)
        self._quad = arcade.gl.geometry.quad_2d_fs()
        self._program = ctx.utility_textured_quad_program

    def fit(self, window_w: int, window_h: int) -> tuple[int, int, int]:
        """(zoom, left, bottom) of the canvas in a window of that size: integer zoom, centred."""
        zoom = max(1, min(window_w // self.width, window_h // self.height))
        return zoom, (window_w - self.width * zoom) // 2, (window_h - self.height * zoom) // 2

    def covered(self, window_w: int, window_h: int) -> tuple[int, int]:
        """The size of the window area the canvas covers (the whole window when no letterbox is needed)."""
        zoom, _, _ = self.fit(window_w, window_h)
        return self.width * zoom, self.height * zoom

    def bake(self, draw) -> arcade.gl.Texture2D:
        """Draw something that never changes (the floor) once into a canvas-sized texture for :meth:`drawing`."""
        texture = self.ctx.texture((self.width, self.height), components=4, filter=PIXELATED)
        fbo = self.ctx.framebuffer(color_attachments=[texture])
        camera = arcade.Camera2D(viewport=arcade.LBWH(0, 0, self.width, self.height), render_target=fbo)
        camera.position = (self.width / 2, self.height / 2)
        with fbo.activate():
            fbo.clear(color=(0, 0, 0, 255))
            camera.use()
            draw()
        self.ctx.screen.use()
        return texture

    @contextmanager
    def drawing(self, under: arcade.gl.Texture2D | None = None, clear_color=(0, 0, 0, 255)):
        """Draw the world inside this block, in canvas pixels (y up, origin bottom-left), over a baked layer
        (one quad instead of hundreds of floor tiles) or a clear colour."""
        with self.fbo.activate():
            if under is None:
                self.fbo.clear(color=clear_color)
            else:
                self._copy(under)
            self.camera.use()
            yield
        self.ctx.screen.use()

    def blit(self, window_w: int, window_h: int) -> None:
        """Draw the canvas to the screen at integer zoom; the letterbox bars keep the window's clear colour."""
        zoom, left, bottom = self.fit(window_w, window_h)
        screen = self.ctx.screen
        previous = screen.viewport
        screen.viewport = (left, bottom, self.width * zoom, self.height * zoom)
        self._copy(self.texture)
        screen.viewport = previous

    def _copy(self, texture: arcade.gl.Texture2D) -> None:
        """A full-viewport textured quad, no blending: the texture replaces what was there."""
        texture.use(0)
        self._program["texture0"] = 0
        with self.ctx.enabled_only():
            self._quad.render(self._program)

    def to_canvas(self, x: float, y: float, window_w: int, window_h: int) -> tuple[float, float]:
        """A window point (a mouse click) in canvas pixels."""
        zoom, left, bottom = self.fit(window_w, window_h)
        return (x - left) / zoom, (y - bottom) / zoom

    def to_window(self, x: float, y: float, window_w: int, window_h: int) -> tuple[int, int]:
        """A canvas point in window pixels (to place text at full resolution over the world)."""
        zoom, left, bottom = self.fit(window_w, window_h)
        return left + round(x * zoom), bottom + round(y * zoom)
