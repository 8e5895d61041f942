"""The manager's instruments over the factory: the top bar, one card per model, the alerts and the inspector.

Laid out in UI pixels (window pixels ÷ the UI scale, ``camera.HudFrame``): a top bar across the window and a panel
at its right, 22 and 176 px in the compact layout (under 1280×720 UI px), twice that in the full one. Rebuilt on
resize, on a UI-scale change and on a language switch, and refreshed every frame by setting label texts that only
re-lay out when they change. Buttons call the play view's actions; the view alone talks to the world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyglet

from factory_game.game.art import icon_texture, palette
from factory_game.game.camera import BAR_PX
from factory_game.game.clock import SPEEDS
from factory_game.game.context import PlayContext
from factory_game.game.gfx import arcade
from factory_game.game.panels import ManagerPanels, spot
from factory_game.game.timeline import HEIGHT_PX as TIMELINE_PX
from factory_game.game.ui import Button, Label, box, set_box, text_width, wrap
from factory_game.sim import queries
from factory_game.texts import format_duration, format_money

LINE = 18
SMALL_LINE = 17  # a line in a small window (zoom 1): Unifont's 16 px and one between lines
TOOLTIP_LINES = 4
SUMMARY_EVERY_S = 0.5  # the metrics summary merges every sample: refresh it twice a second, not every frame


def money(cents: int) -> str:
    """``¥1.50``, and ``−¥0.40`` for a loss (the sign before the currency, a true minus)."""
    return format_money(cents).replace("-", "−", 1)


def wait_text(ms: float) -> str:
    """A wait in whole seconds (``8s``, ``5m58s``), never ``8.3s`` beside ``5m58s``."""
    return "∞" if ms == float("inf") else format_duration(1000 * round(ms / 1000))


def on_order_text(t, world, model_id: str) -> str:
    """What is on its way to a model, by kind, each with the wait until its first slot arrives:
    "+2 in 1m30s · contract +4 in 12m00s" (from the world's face, `queries.orders`)."""
    parts = []
    for kind, key in ((queries.RENTAL, "hud.on_order"), (queries.CONTRACT, "hud.on_order_contract")):
        mine = [order for order in queries.orders(world, model_id) if order.kind == kind]
        if mine:
            parts.append(t(key, n=sum(order.slots for order in mine),
                           eta=wait_text(max(0, mine[0].arrive_at - world.now))))
    return " ".join(parts)


class ModelCard:
    """One model: name and icons, busy/total, queue, predicted wait against the prompt line, p95, rent/release."""

    ROWS = 5  # name and slots · rented, contracted, on order · queue and wait · p95 and the prompt line · buttons
    COMPACT_ROWS = 3  # with many models the second and the p95 rows go (the slots' line takes what fits)

    # in a small window (zoom 1), lines over the buttons: name · slots · queue and wait, then with more models
    # name · queue and wait, then name and wait on one line
    SMALL_ROWS = (3, 2, 1)

    @classmethod
    def height(cls, compact: bool, small_rows: int = 0) -> int:
        """Window pixels one card takes in the panel, its gap included (``small_rows``: lines at 1× zoom)."""
        if small_rows:
            return small_rows * SMALL_LINE + 32
        return (cls.COMPACT_ROWS if compact else cls.ROWS) * LINE + 20

    def __init__(self, hud: Hud, model_id: str, left: float, top: float, width: float, compact: bool,
                 small_rows: int = 0) -> None:
        view, t, pal = hud.view, hud.i18n.t, palette()
        spec = view.world.spec.model(model_id)
        self.model_id = model_id
        self.limit = queries.prompt_limit_ms(view.world, model_id)
        self.multiplier = f"{queries.multiplier(view.world):g}"
        x = left + 8
        self.rows = small_rows
        if small_rows:
            self._build_small(hud, spec, left, top, width, small_rows)
            return
        self.name = Label(hud.batch, x + 20 * len(spec.content) + 2, top - LINE,
                          hud.i18n.pick(spec.names, model_id), pal["yellow"], clip_px=int(width * 0.4))
        for i, content in enumerate(spec.content):
            icon_id = {c.id: c.icon or c.id for c in view.world.spec.content}.get(content, "")
            icon = arcade.Sprite(icon_texture(icon_id, 16), center_x=x + 8 + i * 20, center_y=top - LINE + 5)
            hud.icons.append(icon)
        name_w = min(int(width * 0.4), text_width(self.name.value)) + 20 * len(spec.content) + 16
        self.busy = Label(hud.batch, left + width - 8, top - LINE, "", anchor_x="right", clip_px=int(width) - name_w)
        # the slots' story (rented, on contract, on order, leaving, down) on a line of its own, never over the name
        self.extra = Label(hud.batch, x, top - 2 * LINE, "", clip_px=int(width) - 16)
        below = 0 if compact else LINE
        self.queue = Label(hud.batch, x, top - 2 * LINE - below, "")
        self.wait = Label(hud.batch, x + 88, top - 2 * LINE - below, "")
        self.p95 = Label(hud.batch, x, top - 3 * LINE - below, "", pal["silver"])
        self.line = Label(hud.batch, x + 120, top - 3 * LINE - below, "", pal["silver"])
        self.p95.visible = self.line.visible = self.extra.visible = not compact
        rows = self.COMPACT_ROWS if compact else self.ROWS
        bw = (width - 24) / 2
        price = money(queries.spot_price_cents(view.world, model_id))
        self.rent_key = "hud.rent"
        self.rent = hud.button(x, top - rows * LINE - 10, bw + 30, 22, t("hud.rent", price=price),
                               lambda: view.rent(model_id, 5 if hud.shift else 1), "tip.rent")
        self.release = hud.button(x + bw + 38, top - rows * LINE - 10, bw - 30, 22, t("hud.release"),
                                  lambda: view.release_idle(model_id) if hud.shift else view.release(model_id),
                                  "tip.release")
        hud.labels += [self.name, self.busy, self.extra, self.queue, self.wait, self.p95, self.line]

    def _build_small(self, hud: Hud, spec, left: float, top: float, width: float, rows: int) -> None:
        """The card at 1× zoom: one thing a line, short button texts, nothing wider than the panel."""
        view, t, pal = hud.view, hud.i18n.t, palette()
        x, inner = left + 8, int(width) - 16
        names = {c.id: c.icon or c.id for c in view.world.spec.content}
        for i, content in enumerate(spec.content):
            hud.icons.append(arcade.Sprite(icon_texture(names.get(content, ""), 16), center_x=x + 8 + i * 18,
                                           center_y=top - SMALL_LINE + 5))
        icons_w = 18 * len(spec.content) + 2
        wait_w = 88  # "Wait 14m30s", right-aligned on the queue's line (on the name's in a one-line card)
        self.name_text, self.name_room = hud.i18n.pick(spec.names, spec.id), inner - icons_w
        self.name = Label(hud.batch, x + icons_w, top - SMALL_LINE, self.name_text, pal["yellow"],
                          clip_px=self.name_room - (wait_w + 8 if rows == 1 else 0))
        self.busy = Label(hud.batch, x, top - 2 * SMALL_LINE, "", clip_px=inner)
        self.extra = Label(hud.batch, x, 0, "")
        self.extra.visible = False
        self.queue = Label(hud.batch, x, top - rows * SMALL_LINE, "", clip_px=inner - wait_w - 8)
        self.wait = Label(hud.batch, left + width - 8, top - rows * SMALL_LINE, "", anchor_x="right",
                          clip_px=wait_w)
        self.p95 = Label(hud.batch, x, 0, "")
        self.line = Label(hud.batch, x, 0, "")
        self.p95.visible = self.line.visible = False
        self.busy.visible = rows == 3
        self.queue.visible = rows > 1
        bottom = top - rows * SMALL_LINE - 26
        self.rent_key = "hud.rent_short"
        rent_text = t("hud.rent_short", price=money(queries.spot_price_cents(view.world, spec.id)))
        rent_w = min(inner - 36, text_width(rent_text) + 12)
        self.rent = hud.button(x, bottom, rent_w, 20, rent_text, lambda: view.rent(spec.id, 5 if hud.shift else 1),
                               "tip.rent")
        self.release = hud.button(x + rent_w + 4, bottom, inner - rent_w - 4, 20, t("hud.release_short"),
                                  lambda: view.release_idle(spec.id) if hud.shift else view.release(spec.id),
                                  "tip.release")
        hud.labels += [self.name, self.busy, self.queue, self.wait]

    def refresh(self, hud: Hud, summary: dict | None) -> None:
        pal, t = palette(), hud.i18n.t
        world = hud.view.world
        slots = queries.slot_counts(world, self.model_id)
        # released stations still finishing a task are not part of the capacity: show them apart, so busy never
        # reads above the total
        leaving = slots.leaving
        busy = t("hud.busy", busy=slots.busy - leaving, total=slots.serving)
        extras = []
        if slots.rented:
            extras.append(t("hud.rented", n=slots.rented))
        if slots.contracted and slots.contract_until is not None:
            extras.append(t("hud.contracted", n=slots.contracted, until=format_duration(slots.contract_until)))
        if slots.on_order:
            extras.append(on_order_text(t, world, self.model_id))
        if leaving:
            extras.append(t("hud.leaving", n=leaving))
        down = slots.down
        if down:
            extras.append(t("hud.down", n=down))
        colour = pal["orange"] if down else pal["white"]
        if self.extra.visible:
            self.busy.set(busy, colour)
            self.extra.set(" ".join(extras), colour)
        else:  # no line of its own: after the slots, as far as it fits
            self.busy.set(" ".join([busy, *extras]), colour)
        self.queue.set(t("hud.queue", n=queries.queue_length(world, self.model_id)))
        wait = queries.predicted_wait_ms(world, self.model_id)
        over = queries.over_the_line(world, self.model_id)
        wait_key = "hud.wait_short" if self.rows == 1 else "hud.wait"
        self.wait.set(t(wait_key, wait=wait_text(wait)), pal["red" if over else "lime" if wait == 0 else "white"])
        if self.rows == 1:  # the name has the line but for the wait
            clip_px = self.name_room - text_width(self.wait.value) - 8
            if clip_px != self.name.clip_px:
                self.name.clip_px = clip_px
                self.name.set(self.name_text)
        self.line.set(t("hud.line3x", wait=wait_text(self.limit), multiplier=self.multiplier))
        if summary is not None:
            p95 = summary["models"][self.model_id]["wait_p95_ms"]
            self.p95.set(t("hud.p95", wait=wait_text(p95)), pal["orange"] if p95 > self.limit else pal["silver"])
        if queries.spot_factor(world) is not None:  # a spot market: what a slot-hour rented now costs
            self.rent.set_text(t(self.rent_key, price=money(queries.spot_price_cents(world, self.model_id))))
        sold_out = queries.spot_sold_out(world)
        self.rent.enabled = queries.rent_room(world, self.model_id) > 0 and not sold_out
        self.rent.tooltip = "tip.rent_sold_out" if sold_out else "tip.rent"  # disabled, with the reason
        self.release.enabled = slots.rented > 0
        # a contract cannot be released: say so on the button rather than refuse the click
        self.release.tooltip = "tip.release_contract" if slots.contracted and not slots.rented else "tip.release"


# the play screen's regions (`regions.py`)
REGIONS = ("top", "panel", "inspector", "goals", "levers", "incident", "tooltip")


@dataclass
class Region:
    """One region's widgets, drawn and clicked on their own: boxes under icons under text."""

    batch: pyglet.graphics.Batch = field(default_factory=pyglet.graphics.Batch)
    boxes: arcade.SpriteList = field(default_factory=lambda: arcade.SpriteList(use_spatial_hash=False))
    icons: arcade.SpriteList = field(default_factory=lambda: arcade.SpriteList(use_spatial_hash=False))
    buttons: list[Button] = field(default_factory=list)

    def draw(self) -> None:
        self.boxes.draw()
        self.icons.draw(pixelated=True)
        self.batch.draw()


class Hud:
    """The widgets of the play screen's regions (top bar, side panel, inspector, goals strip, levers panel,
    tooltip), each region with its own batch, boxes and buttons; `regions.py` gives each an `arcade.Section` that
    draws it and routes its clicks."""

    def __init__(self, view: PlayContext) -> None:
        self.view = view
        self.i18n = view.game.i18n
        self.regions: dict[str, Region] = {name: Region() for name in REGIONS}
        self._current = self.regions["panel"]
        self.batch, self.boxes, self.icons = self._current.batch, self._current.boxes, self._current.icons
        self.buttons: list[Button] = []
        self.hovered: Button | None = None
        self.summary: dict | None = None
        self._summary_age = SUMMARY_EVERY_S
        self.mouse = (0.0, 0.0)
        self._inspected: list[str] = []
        self._wrapped: list[str] = []
        self.shift = False  # held while clicking: rent +5
        self.manager = ManagerPanels(self)
        self.build()

    # ----------------------------------------------------------------------------------------------- building
    @contextmanager
    def region(self, name: str) -> Iterator[Region]:
        """Widgets made inside this block belong to region `name` (its batch, boxes, icons and buttons)."""
        previous = self._current
        self._use(self.regions[name])
        try:
            yield self._current
        finally:
            self._use(previous)

    def _use(self, region: Region) -> None:
        self._current = region
        self.batch, self.boxes, self.icons = region.batch, region.boxes, region.icons

    def button(self, left, bottom, width, height, text, on_click, tooltip="") -> Button:
        b = Button(self.boxes, self.batch, left, bottom, width, height, text, on_click, tooltip)
        self.buttons.append(b)
        self._current.buttons.append(b)
        return b

    def label(self, x: float, y: float, text: str = "", color=None, **kw) -> Label:
        """A HUD label, kept in ``labels`` (the layout test looks at them all)."""
        made = Label(self.batch, x, y, text, color, **kw)
        self.labels.append(made)
        return made

    def build(self) -> None:
        """(Re)create every widget for the current window size and language.

        At 2× zoom and more (1280×720 up) the top bar has two lines and the panel room to spare. At 1× (a window
        under 1280×720) the bar is one line of 22 px: the clock, the speed buttons and the switches; the money goes
        to the top of the panel (cash, profit, satisfaction: revenue and costs are in the report), the cards and
        their buttons take short texts, one thing a line, and the keyboard hint gives way to the inspector."""
        self.regions = {name: Region() for name in REGIONS}
        self._use(self.regions["panel"])
        self.fixed: list[Label] = []  # labels that never change; held here so they are not garbage-collected
        self.labels: list[Label] = []  # the HUD's own labels (not the names over the floor, not the tooltip)
        self._inspected = []  # the inspector re-wraps for the new width
        self._alerts_shown: list | None = None
        self.buttons = []
        self.hovered = None
        view, t, pal = self.view, self.i18n.t, palette()
        frame = view.frame  # the window in UI pixels (window pixels ÷ the UI scale), see camera.HudFrame
        left, top, right = 0, frame.height, frame.width
        bar_bottom = top - frame.bar_h
        panel_left, panel_bottom = right - frame.panel_w, 0
        self.small = small = frame.small
        box(self.boxes, panel_left, panel_bottom, frame.panel_w, bar_bottom - panel_bottom, pal["night"])
        box(self.boxes, panel_left, panel_bottom, 1, bar_bottom - panel_bottom, pal["ink"])
        self.figures, self.figure_titles = {}, {}
        with self.region("top"):
            box(self.boxes, left, bar_bottom, right - left, frame.bar_h, pal["ink"])
            if small:
                self._small_top_bar(left, top, right)
            else:
                self._top_bar(left, top, right)

        # right panel: (in a small window the money,) model cards, the auto-manager, alerts, the inspector
        width = right - panel_left
        line = SMALL_LINE if small else LINE
        y = bar_bottom - 4
        if small:
            for key in ("cash", "profit", "satisfaction"):
                self.figure_titles[key] = self.label(panel_left + 8, y - SMALL_LINE + 4, t(f"hud.{key}"),
                                                     pal["silver"])
                self.figures[key] = self.label(right - 8, y - SMALL_LINE + 4, "", anchor_x="right")
                y -= SMALL_LINE
            y -= 6
        self.cards = []
        models = view.world.spec.models
        # keep room under the cards for the switch, a few alerts and the inspector
        room = (y - panel_bottom) - (130 if small else 256)
        compact = len(models) * ModelCard.height(False) > room
        small_rows = 0
        if small:  # the most lines a card can have with every card in the room, at least one
            small_rows = next((n for n in ModelCard.SMALL_ROWS if len(models) * ModelCard.height(False, n) <= room),
                              ModelCard.SMALL_ROWS[-1])
        for model in models:
            step = ModelCard.height(compact, small_rows)
            box(self.boxes, panel_left + 4, y - step + 4, width - 8, step - 6, pal["navy"])
            self.cards.append(ModelCard(self, model.id, panel_left, y, width, compact, small_rows))
            y -= step
        switch_h = 20 if small else 24
        self.autopilot = self.button(panel_left + 8, y - switch_h - 2, width - 16, switch_h, "",
                                     view.toggle_autopilot, "tip.autopilot")
        y -= switch_h + (8 if small else 12)
        self.spot = None
        if spot.shown(view.world):  # the spot market between the switch and the alerts
            self.spot = spot.SpotStrip(self, panel_left, y, width)
            y -= spot.height(small)
        alerts_top = y
        self.alerts_title = self.label(panel_left + 8, y - line + 4, t("hud.alerts"), pal["yellow"])
        # the "active mods" badge shares the alerts' title line: a modded level says so without taking a row
        badge_room = int(width) - 24 - text_width(t("hud.alerts"))
        self.mods_badge = self.label(right - 8, y - line + 4, "", pal["green"], anchor_x="right", clip_px=badge_room)
        spare = (y - panel_bottom - (96 if small else 150)) // line
        self.alert_lines = [self.label(panel_left + 8, y - line * (i + 2) + 4, "", pal["white"],
                                       clip_px=int(width) - 16)
                            for i in range(max(1 if small else 2, min(6, int(spare) - 1)))]
        y -= line * (len(self.alert_lines) + 1) + 8
        keys_room = 0 if small else 30  # the keyboard hint's line: in a small window the inspector keeps it
        # in a small window the inspector takes the alerts' place while something is selected
        self._inspector_tops = (y, alerts_top if small else y)
        self._inspector_geometry = (panel_left, panel_bottom, width, line, keys_room)
        with self.region("inspector"):
            self.inspector_box = box(self.boxes, panel_left + 4, panel_bottom + 4, width - 8, 1, pal["ink"])
            self.inspector = [self.label(panel_left + 10, 0, "", pal["silver"], clip_px=int(width) - 20)
                              for _ in range(max(1, self._inspector_rows(self._inspector_tops[1])))]
        self._expanded: bool | None = None
        self._place_inspector(False)
        self.keys = Label(self.batch, panel_left + 8, panel_bottom + 8, t("hud.keys"), pal["slate"],
                          clip_px=int(width) - 16)
        self.keys.visible = not small
        if not small:
            self.labels.append(self.keys)
        with self.region("tooltip"):  # drawn last, on its backing: nothing shows through it
            self.tooltip_border = box(self.boxes, 0, 0, 1, 1, pal["yellow"])
            self.tooltip_box = box(self.boxes, 0, 0, 1, 1, pal["ink"])
            self.tooltip_lines = [Label(self.batch, 0, 0, "", pal["yellow"]) for _ in range(TOOLTIP_LINES)]
        self.tooltip = self.tooltip_lines[0]
        self._set_tooltip_visible(False)
        with self.region("top"):
            self.paused_label = self._paused_label(left, top, right)
            self.replay_badge = self._replay_badge(top)
        floor_bottom = TIMELINE_PX[self.small] if view.watching is not None else 0  # above a replay's timeline
        self.manager.build(left, bar_bottom, panel_left, floor_bottom)
        self._summary_age = SUMMARY_EVERY_S
        self.refresh(0.0)
        self.view.hud_rebuilt()

    def _paused_label(self, left: float, top: float, right: float) -> Label:
        """"Paused" in the top bar, never over the floor: under the clock in place of its progress bar (two-line
        bar), or in the gap between the speed buttons and the switches (one-line bar)."""
        t, pal = self.i18n.t, palette()
        if self.small:
            gap_left = self.speed_buttons[SPEEDS[-1]].rect[0] + self.speed_buttons[SPEEDS[-1]].rect[2]
            x, y = (gap_left + self.lang.rect[0]) / 2, top - 15
            return self.label(x, y, t("hud.paused"), pal["yellow"], anchor_x="center")
        return self.label(left + 8, top - 36, t("hud.paused"), pal["yellow"])

    def _replay_badge(self, top: float) -> Label | None:
        """"Replay" in the top bar while a recorded run is watched, just left of the language switch (on the line of
        the figures' values in the two-line bar)."""
        if self.view.watching is None:
            return None
        y = top - 15 if self.small else top - 36
        return self.label(self.lang.rect[0] - 8, y, self.i18n.t("replay.badge"), palette()["yellow"],
                          anchor_x="right")

    def _top_bar(self, left: float, top: float, right: float) -> None:
        """Two lines: the clock over its progress bar, pause and speeds, five figures, the switches."""
        view, t, pal = self.view, self.i18n.t, palette()
        y1, y2 = top - 18, top - 36
        self.clock = self.label(left + 8, y1, "")
        self.progress_back = box(self.boxes, left + 8, y2 + 2, 150, 6, pal["night"])
        self.progress = box(self.boxes, left + 8, y2 + 2, 1, 6, pal["sky"])
        self.progress_back.visible = self.progress.visible = view.clock.end_ms is not None
        x = left + 170
        self.pause = self.button(x, y2 - 2, 36, 34, "⏸", view.toggle_pause, "tip.pause")
        x += 40
        self.speed_buttons = {}
        for speed in SPEEDS:
            self.speed_buttons[speed] = self.button(x, y2 - 2, 40, 34, t("hud.speed", n=speed),
                                                    lambda s=speed: view.set_speed(s), "tip.speed")
            x += 42
        x += 10
        for key in ("cash", "revenue", "costs", "profit", "satisfaction"):
            self.figure_titles[key] = self.label(x, y1, t(f"hud.{key}"), pal["silver"])
            self.figures[key] = self.label(x, y2, "")
            x += 112
        sound_w = max(72, max(text_width(t("menu.sound_on")), text_width(t("menu.sound_off"))) + 12)
        bx = right - 8 - 72 - 4 - sound_w - 4 - 72
        self.lang = self.button(bx, y2 - 2, 72, 34, "中/EN", view.toggle_language, "menu.language")
        self.sound = self.button(bx + 76, y2 - 2, sound_w, 34, "", view.toggle_sound, "menu.sound_on")
        self.menu = self.button(bx + 80 + sound_w, y2 - 2, 72, 34, "☰", view.open_menu, "tip.menu")

    def _small_top_bar(self, left: float, top: float, right: float) -> None:
        """One line of 22 px: the clock (a thin progress bar under it), pause and speeds, the switches right."""
        view, t, pal = self.view, self.i18n.t, palette()
        end = view.clock.end_ms
        longest_time = max(text_width(format_duration(end or 0)), text_width("000h00m" if end is None else "59m59s"))
        clock_w = longest_time + (text_width(t("hud.clock_short", time="", total=format_duration(end))) if end else 0)
        self.clock = self.label(left + 4, top - 15, "")
        self.progress_back = box(self.boxes, left + 4, top - 21, clock_w, 3, pal["night"])
        self.progress = box(self.boxes, left + 4, top - 21, 1, 3, pal["sky"])
        self.progress_back.visible = self.progress.visible = end is not None
        bottom, height = top - BAR_PX + 1, BAR_PX - 2
        x = left + 4 + clock_w + 6
        self.pause = self.button(x, bottom, 24, height, "⏸", view.toggle_pause, "tip.pause")
        x += 26
        self.speed_buttons = {}
        for speed in SPEEDS:
            self.speed_buttons[speed] = self.button(x, bottom, 32, height, t("hud.speed", n=speed),
                                                    lambda s=speed: view.set_speed(s), "tip.speed")
            x += 32
        sound_w = max(text_width(t("menu.sound_on")), text_width(t("menu.sound_off"))) + 12
        bx = right - 4 - 24 - 2 - sound_w - 2 - 52
        self.lang = self.button(bx, bottom, 52, height, "中/EN", view.toggle_language, "menu.language")
        self.sound = self.button(bx + 54, bottom, sound_w, height, "", view.toggle_sound, "menu.sound_on")
        self.menu = self.button(bx + 56 + sound_w, bottom, 24, height, "☰", view.open_menu, "tip.menu")

    # ----------------------------------------------------------------------------------------------- per frame
    def refresh(self, dt: float) -> None:
        view, t, pal = self.view, self.i18n.t, palette()
        badge = view.mods_text()
        if badge and text_width(badge) > (self.mods_badge.clip_px or 0):  # too long to read cut: the count, and the
            badge = self.i18n.t("hud.mods_count", n=len(view.world.spec.mods))  # names in the inspector's legend
        self.mods_badge.set(badge)
        world = view.world
        self._summary_age += dt
        fresh = self._summary_age >= SUMMARY_EVERY_S
        if fresh:
            self._summary_age = 0.0
            self.summary = queries.summary(world)
        end = view.clock.end_ms
        if end is None:  # endless: the time played, no bar
            self.clock.set(format_duration(world.now))
        else:
            self.clock.set(t("hud.clock_short" if self.small else "hud.clock", time=format_duration(world.now),
                             total=format_duration(end)))
            set_box(self.progress, *self._progress_rect(world.now / end if end else 1.0))
        self.pause.set_text("▶" if view.clock.paused else "⏸")
        self.pause.active = view.clock.paused
        for speed, button in self.speed_buttons.items():
            button.active = speed == view.clock.speed
        books = queries.money(world)
        figures = self.figures
        figures["cash"].set(money(books.cash), pal["red"] if books.cash < 0 else pal["white"])
        if "revenue" in figures:  # a small window shows cash, profit and satisfaction only
            figures["revenue"].set(money(books.revenue))
            figures["costs"].set(money(books.upstream))
        figures["profit"].set(money(books.profit), pal["lime" if books.profit >= 0 else "red"])
        if self.summary is not None:
            self.figures["satisfaction"].set(f"{self.summary['overall']['satisfaction']:.0f}%")
        self.sound.set_text(t("menu.sound_off") if view.game.sounds.muted else t("menu.sound_on"))
        for card in self.cards:
            card.refresh(self, self.summary)
        autopilot = queries.autopilot_on(world)
        self.autopilot.set_text(t("hud.autopilot_on") if autopilot else t("hud.autopilot_off"))
        self.autopilot.active = autopilot
        if self.spot is not None:
            self.spot.refresh()
        self._show_alerts(view.alerts.lines(self.i18n, len(self.alert_lines)))
        lines = view.inspector_lines()
        if lines != self._inspected:  # wrapping costs: only when the lines change
            self._inspected = lines
            width = (self.inspector[0].clip_px if self.inspector else None) or 300
            self._wrapped = [part for line in lines for part in (wrap(line, width) if line else [""])]
        lines = self._wrapped
        self._place_inspector(self.small and view.selected is not None)
        cut = len(lines) > self._shown_rows  # say so instead of ending on half a legend
        for i, label in enumerate(self.inspector):
            if cut and i == self._shown_rows - 1:
                label.set(t("inspect.more"), pal["slate"])
            else:
                label.set(lines[i] if i < min(len(lines), self._shown_rows) else "", pal["silver"])
        paused = view.clock.paused
        self.paused_label.visible = paused
        self.progress_back.visible = self.progress.visible = view.clock.end_ms is not None and (
            self.small or not paused)
        if self.manager.refresh(self.summary, fresh):
            return  # an incident opened or closed: the HUD was laid out again (and refreshed)
        if view.watching is not None:  # the recorded commands are the only ones: the levers are off (their panel
            looking = {*self.regions["top"].buttons, self.manager.goals.toggle}  # still opens, to see them set)
            for button in self.buttons:
                button.enabled = button in looking
        for button in self.buttons:
            button.refresh(button is self.hovered)
        self._tooltip()

    def _show_alerts(self, alerts: list[tuple[str, tuple]]) -> None:
        """The newest alerts, each wrapped onto as many lines as it needs (its next lines indented), as many as
        the feed holds: an alert is never cut short, an old one gives way instead."""
        if alerts == self._alerts_shown:
            return
        self._alerts_shown = alerts
        width = (self.alert_lines[0].clip_px if self.alert_lines else None) or 300
        rows: list[tuple[str, tuple]] = []
        for text, colour in alerts:
            parts = wrap(text, width) if text else []
            parts = parts[:1] + [part for line in parts[1:] for part in wrap("  " + line, width)]
            if rows and len(rows) + len(parts) > len(self.alert_lines):
                break
            rows += [(part, colour) for part in parts]
        rows += [("", palette()["white"])] * (len(self.alert_lines) - len(rows))
        for label, (text, colour) in zip(self.alert_lines, rows, strict=False):
            label.set(text, colour)

    def _inspector_rows(self, top: float) -> int:
        panel_left, panel_bottom, width, line, keys_room = self._inspector_geometry
        return max(0, int((top - panel_bottom - 12 - keys_room) // line))

    def _place_inspector(self, expanded: bool) -> None:
        """The inspector's box and lines under the alerts, or (a small window, something selected) in their place."""
        if expanded == self._expanded:
            return
        self._expanded = expanded
        top = self._inspector_tops[1 if expanded else 0]
        panel_left, panel_bottom, width, line, _ = self._inspector_geometry
        self._shown_rows = self._inspector_rows(top)
        if not self.small:
            self._shown_rows = max(1, self._shown_rows)
        self.alerts_title.visible = not expanded
        for label in self.alert_lines:
            label.visible = not expanded
        for i, label in enumerate(self.inspector):
            label.move(panel_left + 10, top - 8 - line * (i + 1) + 4)
        height = top - panel_bottom - 8
        self.inspector_box.visible = height > 0  # (a small window with many models leaves no room for it)
        self._inspector_rect = (panel_left + 4, panel_bottom + 4, width - 8, max(1, height))
        set_box(self.inspector_box, *self._inspector_rect)

    def inspector_rect(self) -> tuple[float, float, float, float]:
        """The inspector's box in UI pixels (left, bottom, width, height): its region of the screen."""
        return self._inspector_rect

    def _progress_rect(self, fraction: float) -> tuple[float, float, float, float]:
        back = self.progress_back
        return back.left, back.bottom, max(1, back.width * min(1.0, fraction)), back.height

    def _set_tooltip_visible(self, visible: bool) -> None:
        self.tooltip_box.visible = self.tooltip_border.visible = visible
        for label in self.tooltip_lines:
            label.visible = visible and bool(label.value)

    def _tooltip(self) -> None:
        """The hovered button's tip beside the mouse: wrapped to at most a third of the window (a long one takes
        lines, never the width of the screen), on an opaque bordered backing drawn over everything else."""
        b = self.hovered
        if b is None or not b.tooltip:
            self._set_tooltip_visible(False)
            return
        text = self.i18n.t(b.tooltip)
        x, y = self.mouse
        frame = self.view.frame
        room = max(160, frame.width // 3)
        lines = wrap(text, room)[:TOOLTIP_LINES]
        width = max(text_width(line) for line in lines) + 12
        height = LINE * len(lines) + 6
        x = max(2, min(x + 12, frame.width - width - 4))
        y = y - height - 8 if y - height - 8 > 2 else min(y + 20, frame.height - height - 2)
        for i, label in enumerate(self.tooltip_lines):
            label.set(lines[i] if i < len(lines) else "")
            label.move(x + 6, y + height - LINE * (i + 1) + 2)
        set_box(self.tooltip_border, x - 1, y - 1, width + 2, height + 2)
        set_box(self.tooltip_box, x, y, width, height)
        self._set_tooltip_visible(True)

    # ----------------------------------------------------------------------------------------------- input
    def at(self, x: float, y: float) -> Button | None:
        return next((b for b in self.buttons if b.contains(x, y)), None)

    def hover(self, x: float, y: float) -> None:
        self.mouse = (x, y)
        self.hovered = self.at(x, y)

    def click(self, x: float, y: float, region: str | None = None) -> bool:
        """Click the button under a UI point: any region's, or (`region`) only that region's."""
        buttons = self.buttons if region is None else self.regions[region].buttons
        b = next((b for b in buttons if b.contains(x, y)), None)
        return b.click() if b else False

    def draw(self, region: str | None = None) -> None:
        """Draw one region, or (None) every region in order (the levers only while open)."""
        for name in (region,) if region else REGIONS:
            if name != "levers" or self.manager.open or region:
                self.regions[name].draw()
