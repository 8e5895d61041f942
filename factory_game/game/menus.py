"""The screens around play: title, level select, briefing, pause menu, end-of-level report.

Each is a small ``arcade.View`` made of the same widgets as the HUD, rebuilt on resize and language switch.
Keyboard: Enter confirms, Escape goes back, L switches language, M mutes.
"""

from __future__ import annotations

import pyglet

from factory_game.game import report_charts
from factory_game.game.art import palette, textures
from factory_game.game.gfx import arcade
from factory_game.game.save_errors import describe, shown
from factory_game.game.ui import Button, Label, box, clip, wrap
from factory_game.game.walkers import Walker, walk_textures
from factory_game.report import ReportData
from factory_game.texts import format_duration, format_money

ROW = 44  # from one button down to the next


class MenuView(arcade.View):
    """Title text, some lines, a column of buttons; subclasses fill :meth:`content`."""

    def __init__(self, game) -> None:
        super().__init__()
        self.game = game
        self.buttons: list[Button] = []
        self.hovered: Button | None = None
        self.boxes = arcade.SpriteList(use_spatial_hash=False)
        self.icons = arcade.SpriteList(use_spatial_hash=False)
        self.batch = pyglet.graphics.Batch()
        self.default: Button | None = None

    def on_show_view(self) -> None:
        self.game.i18n.on_change(self._rebuild)
        self.build()

    def on_hide_view(self) -> None:
        self.game.i18n.off_change(self._rebuild)

    def _rebuild(self, _lang=None) -> None:
        self.build()

    def build(self) -> None:
        self.buttons, self.hovered, self.default = [], None, None
        self.labels: list[Label] = []
        self.boxes.clear()
        self.icons.clear()
        self.batch = pyglet.graphics.Batch()
        self.content()

    def content(self) -> None:  # pragma: no cover - every screen overrides it
        raise NotImplementedError

    # helpers for subclasses
    # positions are rounded: the pixel font is crisp only on whole pixels
    def heading(self, text: str, y: float, size: int = 36, color=None) -> Label:
        return self.keep(Label(self.batch, self.window.width // 2, round(y), text, color or palette()["yellow"],
                               size=size, anchor_x="center"))

    def line(self, text: str, x: float, y: float, color=None, size: int = 12) -> Label:
        return self.keep(Label(self.batch, round(x), round(y), text, color or palette()["white"], size=size))

    def keep(self, label: Label) -> Label:
        """Hold a label for the life of the screen (a Text that is garbage-collected leaves its batch)."""
        self.labels.append(label)
        return label

    def button(self, text: str, y: float, on_click, width: int = 280, x: float | None = None) -> Button:
        x = self.window.width // 2 - width // 2 if x is None else x
        b = Button(self.boxes, self.batch, round(x), round(y), width, 36, text, on_click)
        self.buttons.append(b)
        return b

    def on_draw(self) -> None:
        self.window.default_camera.use()
        self.clear(color=palette()["night"])
        self.boxes.draw()
        self.icons.draw(pixelated=True)
        self.batch.draw()

    def stars(self, count: int, x: float, y: float, scale: int = 2) -> None:
        """Three pixel stars, ``count`` of them gold, starting at (x, y) (left, centre line)."""
        size = 8 * scale
        for i in range(3):
            name = "star_full" if i < count else "star_empty"
            self.icons.append(arcade.Sprite(textures()[name], scale=scale, center_x=x + size / 2 + i * (size + 4),
                                            center_y=y))

    def on_update(self, delta_time: float) -> None:
        for b in self.buttons:
            b.refresh(b is self.hovered)

    def on_mouse_motion(self, x, y, dx, dy) -> None:
        self.hovered = next((b for b in self.buttons if b.contains(x, y)), None)

    def on_mouse_press(self, x, y, button, modifiers) -> None:
        hit = next((b for b in self.buttons if b.contains(x, y)), None)
        if hit is not None:
            self.game.sounds.play("click", 0.2)
            hit.click()

    def on_key_press(self, symbol, modifiers) -> None:
        if symbol in (arcade.key.ENTER, arcade.key.RETURN) and self.default is not None:
            self.default.click()
        elif symbol == arcade.key.ESCAPE:
            self.back()
        elif symbol == arcade.key.L:
            self.game.i18n.toggle()
        elif symbol == arcade.key.M:
            self.game.sounds.muted = not self.game.sounds.muted
            self.build()

    def back(self) -> None:
        """Escape: by default, nothing."""

    def on_resize(self, width: int, height: int) -> None:
        self.build()

    def lang_and_sound_actions(self) -> list[tuple[str, object]]:
        t = self.game.i18n.t
        return [(t("menu.language"), self._toggle_language),
                (t("menu.sound_off") if self.game.sounds.muted else t("menu.sound_on"), self._toggle_sound)]

    def button_columns(self, actions, top: float, columns: int, width: int = 280, gap: int = 16) -> list[Button]:
        """One button per (text, on_click) from ``top`` down in ``columns`` columns, filled one after the other
        and centred on the window."""
        rows = -(-len(actions) // columns)
        left = self.window.width // 2 - (columns * width + (columns - 1) * gap) // 2
        return [self.button(text, top - (i % rows) * ROW, on_click, width, left + (i // rows) * (width + gap))
                for i, (text, on_click) in enumerate(actions)]

    def _toggle_language(self) -> None:
        self.game.i18n.toggle()

    def _toggle_sound(self) -> None:
        self.game.sounds.muted = not self.game.sounds.muted
        self.build()


class TitleView(MenuView):
    """The name, the menu, and a parade of customers of every tier walking to a row of busy stations."""

    PARADE = (("L1", False), ("L2", False), ("L3", True), ("L1", False), ("L4", False), ("L2", True),
              ("L5", True), ("L3", False))
    error = None  # the SaveError of the last load that failed, shown under the buttons

    def load(self) -> None:
        self.error = self.game.load_saved()
        if self.error:
            self.build()

    def content(self) -> None:
        """In a short window (the smallest is 640×360) the art is half size, the buttons under the main one go in
        two columns (playing on the left, settings on the right) and the keyboard hint gives way to the parade, which
        gives way in turn to a failed load's message."""
        t, h, w = self.game.i18n.t, self.window.height, self.window.width
        short = h < 560
        zoom = 2 if short else 4
        self.parade_y = 20 if short else 120
        self.walkers = []
        for i, (tier, hat) in enumerate(() if short and self.error else self.PARADE):
            walker = Walker(walk_textures(f"cust_{tier}_{'hat' if hat else 'plain'}"), i * w / len(self.PARADE),
                            self.parade_y)
            walker.scale = zoom
            self.walkers.append(walker)
            self.icons.append(walker)
        for i in range(6):
            station = arcade.Sprite(textures()["station_busy_0"], scale=zoom, center_x=w / 2 + (i - 2.5) * 20 * zoom,
                                    center_y=h - (30 if short else 70))
            self.icons.append(station)
        title_y = h - 90 if short else h * 0.7
        self.heading(t("app.title"), title_y, 32 if short else 48)
        self.heading(t("app.subtitle"), title_y - (28 if short else 50), 12, palette()["silver"])
        y = title_y - 78 if short else h * 0.53
        level = self.game.first_unfinished()
        if level is not None:
            title = self.game.i18n.pick(self.game.load(level).title, level.stem)
            self.default = self.button(t("menu.play_level", title=title), y, lambda: self.game.show_briefing(level),
                                       width=400)
            y -= ROW
        playing = [(t("menu.level_select"), self.game.show_levels), (t("menu.load"), self.load)]
        quitting = [(t("menu.quit"), self.game.quit)]
        if short:
            buttons = self.button_columns(playing + quitting + self.lang_and_sound_actions(), y, 2)
        else:
            buttons = self.button_columns(playing + self.lang_and_sound_actions() + quitting, y, 1)
        self.default = self.default or buttons[0]
        buttons[1].enabled = self.game.has_save()
        below = min(b.rect[1] for b in buttons) - (30 if short else 34)
        if self.error:
            reason = describe(self.game.i18n, self.error)
            for i, text in enumerate(wrap(t("alert.load_failed", reason=reason), min(900, w - 80))[:2]):
                self.heading(text, below - i * 20, 12, palette()["orange"])
        if not short:
            self.heading(t("title.hint"), 40, 12, palette()["slate"])

    def on_update(self, delta_time: float) -> None:
        super().on_update(delta_time)
        width = self.window.width
        for walker in self.walkers:
            if walker.arrived:  # walk to the right edge, come back in from the left
                if walker.x >= width:
                    walker.x = -32.0
                walker.go([(width + 32, self.parade_y)])
            walker.step(delta_time, 90.0)


class LevelSelectView(MenuView):
    def content(self) -> None:
        t, h = self.game.i18n.t, self.window.height
        self.heading(t("levels.heading"), h - 90)
        y = h - 170
        for index, (path, spec) in enumerate(self.game.levels()):
            unlocked = self.game.unlocked(index)
            stars = self.game.stars.get(spec.id, 0)
            title = self.game.i18n.pick(spec.title, spec.id)
            label = f"{index + 1}. {title}" + ("" if unlocked else "  " + t("levels.locked"))
            b = self.button(label, y, lambda p=path: self.game.show_briefing(p), width=640)
            b.enabled = unlocked
            if unlocked:
                self.stars(stars, self.window.width / 2 + 320 - 70, y + 18)
            if self.default is None and unlocked:
                self.default = b
            y -= 44
        if self.game.sandbox is not None:
            sandbox = self.game.load(self.game.sandbox)
            self.button(self.game.i18n.pick(sandbox.title, sandbox.id), y - 8,
                        lambda: self.game.show_briefing(self.game.sandbox), width=640)
            y -= 52
        for path, spec in self.game.mod_levels():  # levels the mods ship: always open
            self.button(self.game.i18n.pick(spec.title, spec.id), y - 8,
                        lambda p=path: self.game.show_briefing(p), width=640)
            y -= 52
        self.button(t("menu.back"), max(40, y - 20), self.back)

    def back(self) -> None:
        self.game.show_title()


class BriefingView(MenuView):
    def __init__(self, game, path) -> None:
        super().__init__(game)
        self.path = path
        self.spec = game.load(path)

    def content(self) -> None:
        i18n, h, w, pal = self.game.i18n, self.window.height, self.window.width, palette()
        t, spec = i18n.t, self.spec
        self.heading(i18n.pick(spec.title, spec.id), h - 90, 28)
        endless = not spec.goals  # as in play: nothing to score, no end
        duration = t("briefing.endless") if endless else t("briefing.duration", time=format_duration(spec.duration_ms))
        self.line(duration, w / 2 - 320, h - 140, pal["silver"])
        for i, text in enumerate(wrap(i18n.pick(spec.briefing), 640)[:12]):
            self.line(text, w / 2 - 320, h - 180 - i * 22)
        y = h * 0.42
        if spec.mods:
            names = ", ".join(f"{self.game.mod_name(mod_id)} ({mod_id})" for mod_id, _version in spec.mods)
            self.line(t("briefing.mods", names=names), w / 2 - 320, y + 40, pal["silver"])
        if spec.goals:
            self.line(t("briefing.goals"), w / 2 - 320, y, pal["yellow"])
            for goal in spec.goals:
                y -= 22
                self.line("· " + goal_text(i18n, goal), w / 2 - 320, y)
        self.default = self.button(t("menu.start"), 110, lambda: self.game.start(self.path))
        self.button(t("menu.back"), 64, self.back)
        self.heading(t("briefing.hint"), 30, 12, pal["slate"])

    def back(self) -> None:
        self.game.show_levels()


def goal_text(i18n, goal) -> str:
    label = i18n.pick(goal.label, goal.metric)
    shown = [_metric_value(goal.metric, v) for v in goal.stars]
    return i18n.t("briefing.goal_line", label=label, op="≥" if goal.at_least else "≤", a=shown[0], b=shown[1],
                  c=shown[2])


def _metric_value(metric: str, value: float) -> str:
    if metric.endswith("_cents"):
        return format_money(round(value))
    if metric.endswith("_ms"):
        return format_duration(value)
    if metric.endswith("share"):
        return f"{value * 100:.0f}%"
    return f"{value:g}"


class PauseView(MenuView):
    """The pause menu over a frozen play view: resume, save and load the one save slot, restart, language, sound,
    quit. What saving or loading did is said under the buttons and in the play view's alerts."""

    def __init__(self, game, play) -> None:
        super().__init__(game)
        self.play = play
        self.status: tuple[str, dict] | None = None  # (string key, values) of the last save/load outcome

    STATUS_LINES = 3

    def content(self) -> None:
        """Seven buttons in one column when the window is tall enough, else in two (the smallest window, 640×360,
        holds four rows), with room for the save/load outcome under them either way."""
        t, h, w = self.game.i18n.t, self.window.height, self.window.width
        actions = [(t("menu.resume"), self.back), (t("menu.save"), self.save), (t("menu.load"), self.load),
                   (t("menu.restart"), lambda: self.game.start(self.game.current)),
                   *self.lang_and_sound_actions(), (t("menu.quit"), self.game.show_title)]
        status_room = 46 + self.STATUS_LINES * 20
        one_column = h * 0.8 - 70 - (len(actions) - 1) * ROW - status_room >= 10
        title_y = h * 0.8 if one_column else h - 52
        self.heading(t("menu.paused"), title_y)
        top = title_y - (70 if one_column else 60)
        buttons = self.button_columns(actions, top, 1 if one_column else 2)
        self.default = buttons[0]
        buttons[2].enabled = self.game.has_save()
        if self.status is not None:
            key, values = self.status
            colour = palette()["orange"] if key.endswith("failed") else palette()["lime"]
            text = t(f"alert.{key}", **shown(self.game.i18n, values))
            below = min(b.rect[1] for b in buttons) - 46
            for i, line in enumerate(wrap(text, min(900, w - 80))[:self.STATUS_LINES]):
                self.heading(line, below - i * 20, 12, colour)

    def save(self) -> None:
        error = self.game.save_game(self.play.world)
        if error:
            self._tell("save_failed", error=error)
        else:
            self._tell("saved")

    def load(self) -> None:
        error = self.game.load_saved()  # on success the loaded game is already on screen
        if error:
            self._tell("load_failed", error=error)

    def _tell(self, key: str, **values) -> None:
        self.status = (key, values)
        self.play.alerts.add(key, **values)
        self.build()

    def on_draw(self) -> None:
        self.play.on_draw()
        self.window.default_camera.use()
        self.boxes.draw()
        self.batch.draw()

    def build(self) -> None:
        super().build()
        shade = box(self.boxes, 0, 0, self.window.width, self.window.height, (*palette()["ink"][:3], 200))
        self.boxes.remove(shade)
        self.boxes.insert(0, shade)

    def back(self) -> None:
        self.play.clock.paused = False
        self.play.hud.build()
        self.window.show_view(self.play)


class ReportView(MenuView):
    """The end of a level, showing what ``factory-game run --report`` writes: the same ``ReportData`` (goals,
    stars, money, customers, tasks per model) and the same four charts, one at a time behind tabs. Without
    matplotlib the charts are simple line charts drawn here."""

    LINE = 20

    def __init__(self, game, spec, world) -> None:
        super().__init__(game)
        self.spec = spec
        self.data = ReportData.from_world(world)
        self.stars_won = self.data.stars
        game.record(spec.id, self.stars_won)
        self.charts = report_charts.ReportCharts(self.data) if report_charts.available() else None
        self.tab = report_charts.NAMES[0]
        self.chart = arcade.SpriteList()
        self.strips: list[tuple[list, tuple]] = []  # the fallback's line charts

    def content(self) -> None:
        i18n, h, w, pal = self.game.i18n, self.window.height, self.window.width, palette()
        t, s, data = i18n.t, self.data.summary, self.data
        self.heading(t("report.heading") + " · " + i18n.pick(self.spec.title, self.spec.id), h - 60, 24)
        self.stars(self.stars_won, w / 2 - 54, h - 105, scale=4)
        x, y, width = 40, h - 160, w - 760
        if data.goals:
            self.line(t("report.goals"), x, y, pal["yellow"])
            for r in data.goals:
                y -= self.LINE
                state = "missed" if not r.met else "warned" if r.warning else "met"
                value = _metric_value(r.goal.metric, r.value)
                text = f"{goal_text(i18n, r.goal)} → {value} {t(f'report.goal_{state}')}"
                self.line(clip(text, width), x, y, pal["lime"] if state == "met" else pal["orange"])
            y -= self.LINE * 1.5
        overall, money = s["overall"], s["money"]
        cash = {k: format_money(v) for k, v in money.items()}
        self.line(t("report.money"), x, y, pal["yellow"])
        for text in (t("report.revenue", revenue=cash["revenue_cents"], refunds=cash["refunded_cents"]),
                     t("report.cost", cost=cash["upstream_cost_cents"], profit=cash["profit_cents"],
                       cash=cash["cash_cents"]),
                     t("report.customers", n=overall["customers"], returns=overall["returns"],
                       happy=overall["happy_customers"], angry=overall["angry_customers"],
                       satisfaction=f"{overall['satisfaction']:.0f}%"),
                     t("report.prompts", n=overall["prompts"], yes=overall["prompt_yes"], no=overall["prompt_no"])):
            for part in wrap(text, width)[:2]:
                y -= self.LINE
                self.line(part, x, y)
        y -= self.LINE * 1.5
        self.line(t("report.tasks"), x, y, pal["yellow"])
        lines = [t("report.done", done=overall["completed"], failed=overall["failed"], abandoned=overall["abandoned"],
                   lost=overall["lost_sales"]),
                 t("report.waits", p50=format_duration(overall["wait_p50_ms"]),
                   p95=format_duration(overall["wait_p95_ms"]), sla=f"{100 * overall['sla_share']:.1f}%")]
        lines += [t("report.model_line", name=data.model_name(m, i18n.lang), done=g["completed"],
                    p95=format_duration(g["wait_p95_ms"]), sla=f"{100 * g['sla_share']:.0f}%",
                    busy=f"{100 * g['utilisation']:.0f}%") for m, g in s["models"].items()]
        for text in lines:
            y -= self.LINE
            self.line(clip(text, width), x, y, pal["silver"] if text not in lines[:2] else None)
        self._chart_panel(w, h)
        self.default = self.button(t("menu.next"), 30, self.game.next_level, width=200, x=w - 460)
        self.button(t("menu.retry"), 30, lambda: self.game.start(self.game.current), width=200, x=w - 240)

    def _chart_panel(self, w: int, h: int) -> None:
        """The chart on show, 640 × 360 at the right, under a row of tabs (or the fallback charts)."""
        left, bottom = w - 680, 90
        self.chart.clear()
        self.strips = []
        if self.charts is None:
            self._fallback_charts(left, bottom, 640, 400)
            return
        for i, name in enumerate(report_charts.NAMES):
            tab = self.button(self.game.i18n.t(f"report.tab_{name}"), bottom + 372, lambda n=name: self.show(n),
                              width=152, x=left + i * 162)
            tab.active = name == self.tab
        texture = self.charts.texture(self.tab, self.game.i18n.lang)
        self.chart.append(arcade.Sprite(texture, center_x=left + 320, center_y=bottom + 180))

    def show(self, name: str) -> None:
        self.tab = name
        self.build()

    def _fallback_charts(self, left: int, bottom: int, width: int, height: int) -> None:
        """Three small line charts from the same time series, when matplotlib is not installed."""
        t, pal, series = self.game.i18n.t, palette(), self.data.series
        if len(series) < 2:
            return
        end = series[-1]["t"] or 1
        models = list(series[0]["models"])
        specs = [("report.chart_queue", [[(p["t"], sum(p["models"][m]["queue"] for m in models)) for p in series]]),
                 ("report.chart_wait", [[(p["t"], max(p["models"][m]["predicted_wait_ms"] for m in models))
                                         for p in series]]),
                 ("report.chart_money", [[(p["t"], p["revenue_cents"]) for p in series],
                                         [(p["t"], p["upstream_cents"]) for p in series]])]
        colours = (pal["sky"], pal["orange"])
        each = height / 3 - 30
        for i, (key, lines) in enumerate(specs):
            low = bottom + height - (i + 1) * (each + 30)
            box(self.boxes, left, low, width, each, pal["ink"])
            self.line(t(key), left, low + each + 6, pal["silver"])
            top = max((v for line in lines for _, v in line if v != float("inf")), default=1) or 1
            for line, colour in zip(lines, colours, strict=False):
                self.strips.append(([(left + width * tt / end, low + each * min(v, top) / top) for tt, v in line],
                                    colour))

    def on_draw(self) -> None:
        super().on_draw()
        self.chart.draw()
        for strip, colour in self.strips:
            arcade.draw_line_strip(strip, colour, 2)

    def back(self) -> None:
        self.game.show_levels()
