"""Words on the floor: each station group's name, its RENTED sign, the rooms' names.

Drawn at window resolution (16 px Unifont, 32 px from zoom 4) over the floor, at the floor places the layout keeps
for them, so they follow the camera: moved when it pans, made again when it zooms or the language changes. Each
stands on a plate so no walker or ticket mixes into it. The layout leaves every name room for its widest language at
zoom 1, so no name is ever cut short (a test checks every bundled level at every supported size).
"""

from __future__ import annotations

import pyglet

from factory_game.game import layout as L
from factory_game.game.art import palette
from factory_game.game.gfx import arcade
from factory_game.game.ui import TEXT_PX, Label, box

PLATE_PAD = 3  # window px around a label's text


class FloorLabels:
    def __init__(self, view) -> None:
        self.view = view
        self.batch = pyglet.graphics.Batch()
        self.plates: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.items: list[tuple[str, Label, arcade.Sprite, tuple[float, float], str]] = []
        self._seen: tuple | None = None

    def size(self) -> int:
        """Font size: Unifont's 16 px (12 pt at 96 dpi), or twice that from zoom 4."""
        return TEXT_PX if self.view.camera.zoom < 4 else 2 * TEXT_PX

    def build(self) -> None:
        """Make every label for the current language and zoom."""
        view, pal = self.view, palette()
        i18n, lay = view.game.i18n, view.scene.layout
        self.batch = pyglet.graphics.Batch()
        self.plates.clear()
        self.items = []
        size = self.size()
        for model in view.world.spec.models:
            zone = lay.zones[model.id]
            x = zone.left + 4 + 10 * len(model.content) + 2
            self._add("name:" + model.id, i18n.pick(model.names, model.id), (x, zone.label_y), "left",
                      pal["white"], pal["night"], size)
            if zone.annex is not None:
                self._add("rented:" + model.id, i18n.t("hud.rented_sign"), (zone.sign_x, zone.label_y), "centre",
                          pal["ink"], pal["yellow"], size)
        for key, place, anchor in (
            ("hud.counter", (6, lay.lobby[1] - 14), "left"),
            ("hud.workshop", (6, lay.shop[1] - L.LABEL_H // 2 - 2), "left"),
            ("hud.street", (lay.width - 4, 6), "right"),
            ("hud.entrance", (lay.entrance[0] - 10, sum(L.FRONT_WALL) // 2), "right"),
            ("hud.exit", (lay.exit[0] - 10, sum(L.FRONT_WALL) // 2), "right"),
        ):
            self._add(key, i18n.t(key), place, anchor, pal["yellow"], pal["ink"], size)
        spec = view.world.spec
        arriving = [tier for tier, weight in spec.arrivals.tiers if weight > 0]
        caps = dict(spec.tiers)  # tier -> how many tasks it may have queued or running
        if arriving:  # the rope's sign: the tightest cap among the tiers that come
            tier = min(arriving, key=caps.__getitem__)
            self._add("cap_sign", i18n.t("hud.cap_sign", tier=tier, cap=caps[tier]),
                      (lay.entrance[0] + 12, 6), "left", pal["red"], pal["white"], size)
        # the door's sign, over the rope's: the tiers turned away and a pack not on sale (the manager's intake levers)
        self._add("door_sign", "", (lay.entrance[0] + 12, 6 + L.LABEL_H), "left", pal["yellow"], pal["ink"], size)
        self._seen = None
        self._signs: dict[str, bool] = {}
        self.set_text("door_sign", "")
        self.place()

    def _add(self, key: str, text: str, place, anchor: str, colour, plate_colour, size: int) -> None:
        label = Label(self.batch, 0, 0, text, colour, size=size)
        plate = box(self.plates, 0, 0, 1, 1, plate_colour)
        self.items.append((key, label, plate, place, anchor))

    def place(self) -> None:
        """Light the RENTED signs that should be, and move the labels to where their floor places are on screen
        now (only when the view moved)."""
        for model_id, shown in self.view.scene.rented_shown.items():
            if self._signs.get(model_id) != shown:
                self._signs[model_id] = shown
                self.show_rented(model_id, shown)
        cam = self.view.camera
        seen = (cam.version, cam.zoom)
        if seen == self._seen:
            return
        if self._seen is not None and self._seen[1] != cam.zoom and self.size() != self.items[0][1].text.font_size:
            self.build()
            return
        self._seen = seen
        for _key, label, plate, (fx, fy), anchor in self.items:
            x, y = cam.to_window(fx, fy)
            width, height = label.text.content_width, label.text.content_height
            left = x - width if anchor == "right" else x - width / 2 if anchor == "centre" else x
            label.move(round(left), round(y - height / 2 + height * 0.2))
            plate.width, plate.height = width + 2 * PLATE_PAD, height
            plate.position = (round(left) + width / 2, round(y))

    def show_rented(self, model_id: str, shown: bool) -> None:
        """The annex's sign lights up (yellow) while the model has rented stations, else stays dim."""
        pal = palette()
        for key, label, plate, _place, _anchor in self.items:
            if key == "rented:" + model_id:
                label.set(label.value, pal["ink"] if shown else pal["silver"])
                plate.color = pal["yellow"] if shown else pal["night"]

    def set_text(self, key: str, text: str) -> None:
        """Change a label's words (a sign that comes and goes: hidden, plate and all, while it has none)."""
        for k, label, plate, _place, _anchor in self.items:
            if k == key and label.value != text:
                label.set(text)
                label.visible = plate.visible = bool(text)
                self._seen = None  # its plate takes the new width at the next place()

    def rect(self, key: str) -> tuple[float, float, float, float]:
        """The window rectangle a label's text covers (tests)."""
        label = next(label for k, label, *_ in self.items if k == key)
        return label.text.left, label.text.bottom, label.text.content_width, label.text.content_height

    def draw(self) -> None:
        """Within the floor's area only, as the floor itself: a plate the camera moved past the area's top would
        otherwise show over the goals strip (seen at 640x360, where the floor is taller than its area)."""
        ctx = self.view.window.ctx
        width, height = self.view.camera.area
        ctx.scissor = (0, 0, width, height)
        try:
            self.plates.draw()
            self.batch.draw()
        finally:
            ctx.scissor = None
