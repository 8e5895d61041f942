"""The replay's timeline, along the bottom of the floor while a recorded run is watched: the run's length, a mark
at each recorded decision, what has been played, and a handle to drag. A click or a drag (let go) seeks, and so do
[ and ] (a twentieth of the run; with Shift, to the previous or next decision). "Seeking…" shows while the world is
re-simulated to the moment.

Drawn in UI pixels like the HUD (its own `arcade.Section` in `regions.py`); it reads the time through the world's
door and the decisions from the recording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pyglet

from factory_game.game.art import palette
from factory_game.game.gfx import arcade
from factory_game.game.ui import Label, box, set_box, text_width
from factory_game.texts import format_duration

if TYPE_CHECKING:
    from factory_game.game.camera import HudFrame
    from factory_game.game.i18n import I18n
    from factory_game.game.watch import Cursor
    from factory_game.sim.world import World

HEIGHT_PX = {False: 40, True: 26}  # by HudFrame.small
TRACK_PX = {False: 8, True: 6}
MARK_PX = 4  # how far a decision's mark stands over and under the track


class WatchScreen(Protocol):
    """What the timeline uses of the play view."""

    frame: HudFrame
    world: World
    watching: Cursor | None
    seek_to: int | None

    def request_seek(self, at_ms: int) -> None: ...


class Timeline:
    def __init__(self, view: WatchScreen, i18n: I18n) -> None:
        self.view = view
        self.i18n = i18n
        self.dragging_ms: int | None = None  # where the handle is being dragged to (seeks when let go)
        self._key: tuple | None = None
        self.rect = (0.0, 0.0, 1.0, 1.0)  # the backing, in UI pixels
        self.track = (0.0, 0.0, 1.0, 1.0)

    @property
    def end_ms(self) -> int:
        assert self.view.watching is not None
        return max(1, self.view.watching.recording.end_ms)

    def height(self) -> int:
        return HEIGHT_PX[self.view.frame.small]

    def build(self) -> None:
        """Lay the timeline out for the frame and the language."""
        frame, t, pal = self.view.frame, self.i18n.t, palette()
        assert self.view.watching is not None
        small, height = frame.small, self.height()
        width = frame.width - frame.panel_w
        self._key = (frame, self.i18n.lang)
        self.boxes: arcade.SpriteList = arcade.SpriteList(use_spatial_hash=False)
        self.batch = pyglet.graphics.Batch()
        self.rect = (0, 0, width, height)
        box(self.boxes, 0, 0, width, height, pal["ink"])
        box(self.boxes, 0, height - 1, width, 1, pal["slate"])
        baseline = (height - 16) / 2 + 4
        badge = t("replay.timeline")
        self.badge = Label(self.batch, 8, baseline, badge, pal["yellow"])
        end_text = format_duration(self.end_ms)
        hint = "" if small else t("replay.keys")
        self.hint = Label(self.batch, width - 8, baseline, hint, pal["silver"], anchor_x="right")
        right = width - 8 - (text_width(hint) + 12 if hint else 0)
        self.end_label = Label(self.batch, right, baseline, end_text, pal["silver"], anchor_x="right")
        left = 8 + text_width(badge) + 12
        right -= text_width(end_text) + 10
        track_h = TRACK_PX[small]
        self.track = (left, (height - track_h) / 2, max(1, right - left), track_h)
        tl, tb, tw, th = self.track
        box(self.boxes, tl, tb, tw, th, pal["night"])
        self.played = box(self.boxes, tl, tb, 1, th, pal["sky"])
        for at in self.view.watching.recording.marks():
            box(self.boxes, self.x_of(at) - 1, tb - MARK_PX, 2, th + 2 * MARK_PX, pal["yellow"])
        self.handle = box(self.boxes, tl, tb - MARK_PX - 1, 4, th + 2 * MARK_PX + 2, pal["white"])
        self.seeking_back = box(self.boxes, tl, 2, 1, height - 4, pal["ink"])
        self.seeking = Label(self.batch, tl + tw / 2, baseline, "", pal["yellow"], anchor_x="center")

    def x_of(self, at_ms: int) -> float:
        left, _bottom, width, _height = self.track
        return left + width * min(1.0, max(0.0, at_ms / self.end_ms))

    def time_at(self, x: float) -> int:
        """The moment of the run under a UI x (clamped to the run)."""
        left, _bottom, width, _height = self.track
        return round(self.end_ms * min(1.0, max(0.0, (x - left) / width)))

    def refresh(self) -> None:
        if self._key != (self.view.frame, self.i18n.lang):
            self.build()
        shown = self.dragging_ms if self.dragging_ms is not None else self.view.seek_to
        now = self.view.world.now if shown is None else shown
        left, bottom, _width, height = self.track
        set_box(self.played, left, bottom, max(1.0, self.x_of(self.view.world.now) - left), height)
        set_box(self.handle, self.x_of(now) - 2, bottom - MARK_PX - 1, 4, height + 2 * MARK_PX + 2)
        seeking = self.view.seek_to
        self.seeking.visible = self.seeking_back.visible = seeking is not None
        if seeking is not None:  # "Seeking 50m00s…" over the middle of the track, on its own backing
            text = self.i18n.t("replay.seeking", time=format_duration(seeking))
            self.seeking.set(text)
            middle, room = left + self.track[2] / 2, text_width(text) + 12
            set_box(self.seeking_back, middle - room / 2, 2, room, self.height() - 4)

    def draw(self) -> None:
        self.refresh()
        self.boxes.draw()
        self.batch.draw()

    # input, in UI pixels
    def press(self, x: float) -> None:
        self.dragging_ms = self.time_at(x)

    def drag(self, x: float) -> None:
        if self.dragging_ms is not None:
            self.dragging_ms = self.time_at(x)

    def release(self, x: float) -> None:
        if self.dragging_ms is not None:
            self.dragging_ms = None
            self.view.request_seek(self.time_at(x))
