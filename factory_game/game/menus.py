"""The screens around play: title, level select, briefing, pause menu, end-of-level report.

Each is a small ``arcade.View`` made of the same widgets as the HUD, rebuilt on resize and language switch.
Keyboard: Enter confirms, Escape goes back, L switches language, M mutes.
"""

from __future__ import annotations

import pyglet

from factory_game.game import report_charts, userdata
from factory_game.game.art import palette, textures
from factory_game.game.gfx import arcade
from factory_game.game.save_errors import describe, shown
from factory_game.game.ui import Button, Label, box, clip, text_width, wrap
from factory_game.game.walkers import Walker, walk_textures
from factory_game.report import ReportData
from factory_game.report.data import SECTIONS, TASK_COLUMNS, metric_unit
from factory_game.report.markdown import anger_line, capped_line
from factory_game.texts import format_duration, format_value

ROW = 44  # from one button down to the next


class MenuView(arcade.View):
    """Title text, some lines, a column of buttons; subclasses fill :meth:`content`."""

    def __init__(self, game) -> None:
        super().__init__()
        self.game = game
        self.buttons: list[Button] = []
        self.hovered: Button | None = None
        self.boxes: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
        self.icons: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList(use_spatial_hash=False)
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
        self.stations: list[arcade.Sprite] = []
        self.coins: list[tuple[arcade.Sprite, tuple[float, float], float]] = []  # coin, from, born
        self.zoom, self.clock = zoom, 0.0
        for i in range(6):
            station = arcade.Sprite(textures()["station_busy_0"], scale=zoom, center_x=w / 2 + (i - 2.5) * 20 * zoom,
                                    center_y=h - (30 if short else 70))
            self.icons.append(station)
            self.stations.append(station)
        title_y = h - 90 if short else h * 0.7
        self.heading(t("app.title"), title_y, 32 if short else 48)
        self.heading(t("app.subtitle"), title_y - (28 if short else 50), 12, palette()["silver"])
        y = title_y - 78 if short else h * 0.53
        level = self.game.first_unfinished()
        key = "menu.play_level"
        if level is None:  # every level has a star: say so, and offer the first one short of three
            won, total = self.game.campaign_stars()
            self.heading(t("title.complete", stars=won, total=total), y + 44, 14, palette()["yellow"])
            level, key = self.game.first_below(3), "menu.improve_level"
        if level is not None:
            title = self.game.i18n.pick(self.game.load(level).title, level.stem)
            self.default = self.button(t(key, title=title), y, lambda: self.game.show_briefing(level), width=400)
            y -= ROW
        saved = userdata.read_career()  # a career going on: its next morning
        career = t("menu.career_continue", day=saved.day + 1, days=saved.days) if saved else t("menu.career")
        playing = [(t("menu.level_select"), self.game.show_levels), (t("menu.load"), self.load),
                   (career, self.game.start_career)]
        quitting = [(t("menu.quit"), self.game.quit)]
        if short:
            buttons = self.button_columns(playing + quitting + self.lang_and_sound_actions(), y, 2)
        else:
            buttons = self.button_columns(playing + self.lang_and_sound_actions() + quitting, y, 1)
        self.default = self.default or buttons[0]
        buttons[1].enabled = self.game.has_save()
        below = min(b.rect[1] for b in buttons) - (30 if short else 34)
        notice = self.game.progress_notice
        if self.error:
            reason = describe(self.game.i18n, self.error)
            for i, text in enumerate(wrap(t("alert.load_failed", reason=reason), min(900, w - 80))[:2]):
                self.heading(text, below - i * 20, 12, palette()["orange"])
        elif notice is not None:
            kept = notice.kept_as.name if notice.kept_as else "-"
            for i, text in enumerate(wrap(t("progress.damaged", reason=notice.damaged, file=kept),
                                          min(900, w - 80))[:2]):
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
        self._work(delta_time)

    def _work(self, dt: float) -> None:
        """The factory at work over the title: screens flicker as their tasks run, and now and then one finishes
        and a coin hops from it off towards the till."""
        self.clock += dt
        tex = textures()
        for i, station in enumerate(self.stations):
            name = "station_busy_0" if int(self.clock * 3 + i * 1.7) % 2 else "station_busy_1"
            if station.texture is not tex[name]:
                station.texture = tex[name]
        if int(self.clock * 1.3) != int((self.clock - dt) * 1.3) and self.stations:  # about one a second
            start = self.stations[int(self.clock * 7) % len(self.stations)]
            coin = arcade.Sprite(tex["coin_0"], scale=self.zoom, center_x=start.center_x, center_y=start.center_y)
            self.icons.append(coin)
            self.coins.append((coin, start.position, self.clock))
        keep = []
        for coin, (x, y), born in self.coins:
            t = (self.clock - born) / 0.9
            if t >= 1:
                coin.remove_from_sprite_lists()
                continue
            coin.position = (round(x + 60 * self.zoom * t), round(y + 30 * self.zoom * 4 * t * (1 - t)))
            coin.texture = tex[("coin_0", "coin_1", "coin_2", "coin_1")[int(t * 8) % 4]]
            keep.append((coin, (x, y), born))
        self.coins = keep


class LevelSelectView(MenuView):
    """The campaign in order (each level opens when the one before has a star), the best stars won, and under the
    list the level the mouse is on (or the next to play): its briefing's opening and its goals. A second page
    (`more`) lists every other level that ships: the mods', the real traces'."""

    def __init__(self, game, more: bool = False) -> None:
        self.more = more
        super().__init__(game)

    def content(self) -> None:
        t, h = self.game.i18n.t, self.window.height
        self.level_of: dict[int, tuple] = {}  # button index -> (path, spec)
        if self.more:
            self._more_levels()
            return
        self.heading(t("levels.heading"), h - 90)
        levels, top, step = self.game.levels(), h - 170, 44
        # one column of 640 while the campaign fits above the sandbox row and the footer, else two of 310 (the
        # campaign has ten levels: one column of them runs into the footer at 1280x720)
        columns = 1 if len(levels) <= max(1, int((top - 200) // step) + 1) else 2
        width, left = (640, self.window.width / 2 - 320) if columns == 1 else (310, self.window.width / 2 - 320)
        rows = -(-len(levels) // columns)
        for index, (path, spec) in enumerate(levels):
            column, row = divmod(index, rows)
            x, y = left + column * (width + 20), top - row * step
            self.level_of[len(self.buttons)] = (path, spec)
            unlocked = self.game.unlocked(index)
            stars = self.game.stars.get(spec.id, 0)
            title = self.game.i18n.pick(spec.title, spec.id)
            label = f"{index + 1}. {title}" + ("" if unlocked else "  " + t("levels.locked"))
            b = self.button(clip(label, width - (90 if unlocked else 16)), y,
                            lambda p=path: self.game.show_briefing(p), width=width, x=x)
            b.enabled = unlocked
            if unlocked:
                self.stars(stars, x + width - 70, y + 18)
            if self.default is None and unlocked:
                self.default = b
        y = top - rows * step
        if self.game.sandbox is not None:  # the sandbox and the other levels side by side, under the campaign
            sandbox = self.game.load(self.game.sandbox)
            self.level_of[len(self.buttons)] = (self.game.sandbox, sandbox)
            self.button(self.game.i18n.pick(sandbox.title, sandbox.id), y - 8,
                        lambda: self.game.show_briefing(self.game.sandbox), width=310, x=left)
            self.button(t("levels.more"), y - 8, lambda: self.game.show_levels(more=True), width=310, x=left + 330)
        else:
            self.button(t("levels.more"), y - 8, lambda: self.game.show_levels(more=True), width=640)
        self._footer(y - 52)

    def _more_levels(self) -> None:
        """Every level beside the campaign, in two columns when they do not fit in one; all open."""
        t, h, w = self.game.i18n.t, self.window.height, self.window.width
        self.heading(t("levels.more_heading"), h - 90)
        levels = self.game.more_levels()
        top, step = h - 160, 40
        rows = max(1, min(len(levels), int((top - 190) // step)))
        columns = -(-len(levels) // rows) if levels else 1
        width = 640 if columns == 1 else min(440, (w - 60) // columns - 20)
        for i, (path, spec) in enumerate(levels):
            column, row = divmod(i, rows)
            x = w / 2 + (column - (columns - 1) / 2) * (width + 20) - width / 2
            self.level_of[len(self.buttons)] = (path, spec)
            b = self.button(clip(self.game.i18n.pick(spec.title, spec.id), width - 16), top - row * step,
                            lambda p=path: self.game.show_briefing(p), width=width, x=x)
            if self.default is None:
                self.default = b
        self._footer(top - rows * step)

    def _footer(self, y: float) -> None:
        self.button(self.game.i18n.t("menu.back"), max(40, y - 20), self.back)
        self.about = [self.line("", self.window.width / 2 - 320, max(40, y - 20) - 30 - i * 20, palette()["silver"])
                      for i in range(3)]
        self.about_for: int | None = None
        self._describe(self.default)

    def _describe(self, button) -> None:
        """Under the list: what the pointed-at level is about, in two lines of its briefing, and its goals' count."""
        index = next((i for i, b in enumerate(self.buttons) if b is button), None)
        if index not in self.level_of or index == self.about_for or not self.about:
            return
        self.about_for = index
        i18n = self.game.i18n
        _path, spec = self.level_of[index]
        lines = wrap(i18n.pick(spec.briefing), 640)[:2]
        if len(wrap(i18n.pick(spec.briefing), 640)) > 2:
            lines[-1] = clip(lines[-1] + " …", 640)
        lines.append(i18n.t("levels.about", goals=len(spec.goals), time=format_duration(spec.duration_ms))
                     if spec.goals else i18n.t("briefing.endless"))
        for label, text in zip(self.about, lines + [""] * 3, strict=False):
            label.set(clip(text, 640))

    def on_mouse_motion(self, x, y, dx, dy) -> None:
        super().on_mouse_motion(x, y, dx, dy)
        if self.hovered is not None:
            self._describe(self.hovered)

    def back(self) -> None:
        if self.more:
            self.game.show_levels()
        else:
            self.game.show_title()


BRIEFING_TALL_PX = 600  # a window at least this tall has the roomy briefing layout


class BriefingView(MenuView):
    """The level's title, length, briefing, mods and goals, and the buttons to start or go back.

    Whatever the window (the smallest is 640×360), nothing is cut and nothing runs under the buttons: what does not
    fit goes on further pages, turned by the page button, the arrow or page keys, or the mouse wheel. A short window
    puts the buttons in one row at the bottom and leaves out the keyboard hint."""

    def __init__(self, game, path) -> None:
        super().__init__(game)
        self.path = path
        self.spec = game.load(path)
        self.page = 0
        self.pages = 1

    def content(self) -> None:
        i18n, h, w, pal = self.game.i18n, self.window.height, self.window.width, palette()
        t, spec = i18n.t, self.spec
        short = h < BRIEFING_TALL_PX
        text_w = min(640, w - 48)
        x = (w - text_w) // 2
        title_y = h - (44 if short else 90)
        self.heading(i18n.pick(spec.title, spec.id), title_y, 20 if short else 28)
        endless = not spec.goals  # as in play: nothing to score, no end
        duration = t("briefing.endless") if endless else t("briefing.duration", time=format_duration(spec.duration_ms))
        self.line(duration, x, title_y - (30 if short else 50), pal["silver"])
        top = title_y - (58 if short else 90)  # the first line of the body
        bottom = (16 + 36 if short else 110 + 36) + 14  # the body's lowest baseline: over the buttons
        rows = self._body(text_w)
        briefing_rows = sum(1 for row in rows if row[2] == "briefing")
        pitch = 20 if short or briefing_rows > 10 else 22  # a long briefing's lines a little closer
        pages = _paginate(rows, (top - bottom) // pitch + 1)
        self.pages = len(pages)
        self.page = min(self.page, self.pages - 1)
        self._buttons(short)
        # On one roomy page the mods and goals sit at 42 % of the height, or lower when the briefing reaches there.
        low = min(h * 0.42 + (40 if spec.mods else 0), top - briefing_rows * pitch - 16)
        spread = self.pages == 1 and not short
        y = top
        for text, colour, part in pages[self.page]:
            if text is None:
                y -= pitch // 2
                if spread and part == rows[briefing_rows][2]:  # the gap after the briefing
                    y = min(y, low)
                continue
            self.line(text, x, y, colour)
            y -= pitch

    def _buttons(self, short: bool) -> None:
        """Start, the page button when there are pages, and back."""
        t, w = self.game.i18n.t, self.window.width
        pages = self.pages > 1
        if short:
            actions = [(t("menu.start"), lambda: self.game.start(self.path))]
            if pages:
                actions.append((t("briefing.page", page=self.page + 1, pages=self.pages), self.next_page))
            actions.append((t("menu.back"), self.back))
            gap = 12
            width = min(240, (w - 32 - gap * (len(actions) - 1)) // len(actions))
            self.default = self.button_columns(actions, 16, len(actions), width, gap)[0]  # one row
            return
        self.default = self.button(t("menu.start"), 110, lambda: self.game.start(self.path))
        if pages:
            self.button(t("briefing.page", page=self.page + 1, pages=self.pages), 110, self.next_page, 160,
                        w // 2 + 140 + 16)
        self.button(t("menu.back"), 64, self.back)
        self.heading(t("briefing.hint"), 30, 12, palette()["slate"])

    def _body(self, width: int) -> list[tuple[str | None, tuple, str]]:
        """Rows of (text, colour, part) for the briefing, the mods and the goals; a None text is a half-row gap."""
        i18n, pal, spec = self.game.i18n, palette(), self.spec
        rows: list[tuple[str | None, tuple, str]] = [(text, pal["white"], "briefing")
                                                     for text in wrap(i18n.pick(spec.briefing), width)]
        if spec.mods:
            names = ", ".join(f"{self.game.mod_name(mod_id)} ({mod_id})" for mod_id, _version in spec.mods)
            rows.append((None, pal["white"], "mods"))
            rows += [(text, pal["silver"], "mods") for text in wrap(i18n.t("briefing.mods", names=names), width)]
        if spec.goals:
            rows.append((None, pal["white"], "goals"))
            rows.append((i18n.t("briefing.goals"), pal["yellow"], "goals"))
            for goal in spec.goals:
                rows += [(text, pal["white"], "goals") for text in wrap("· " + goal_text(i18n, goal), width)]
        return rows

    def next_page(self) -> None:
        self.turn(1)

    def turn(self, step: int) -> None:
        """Another page of a briefing that does not fit, round and round."""
        if self.pages > 1:
            self.page = (self.page + step) % self.pages
            self.build()

    def on_key_press(self, symbol, modifiers) -> None:
        if symbol in (arcade.key.PAGEDOWN, arcade.key.DOWN, arcade.key.SPACE):
            self.turn(1)
        elif symbol in (arcade.key.PAGEUP, arcade.key.UP):
            self.turn(-1)
        else:
            super().on_key_press(symbol, modifiers)

    def on_mouse_scroll(self, x: int, y: int, scroll_x: int, scroll_y: int) -> None:
        if scroll_y:
            self.turn(-1 if scroll_y > 0 else 1)

    def back(self) -> None:
        self.game.show_levels(more=self.game.beside_campaign(self.path))


def _paginate(rows: list, per_page: int) -> list[list]:
    """Rows in pages of at most ``per_page``; a gap (None text) is half a row, and none opens a page."""
    pages: list[list] = [[]]
    used = 0.0
    for row in rows:
        height = 0.5 if row[0] is None else 1.0
        if used + height > max(1, per_page) and pages[-1]:
            pages.append([])
            used = 0.0
        if row[0] is None and not pages[-1]:
            continue
        pages[-1].append(row)
        used += height
    return pages


def goal_text(i18n, goal) -> str:
    label = i18n.pick(goal.label, goal.metric)
    shown = [metric_text(goal.metric, v, i18n.lang) for v in goal.stars]
    return i18n.t("briefing.goal_line", label=label, op="≥" if goal.at_least else "≤", a=shown[0], b=shown[1],
                  c=shown[2])


def metric_text(metric: str, value: float, lang: str) -> str:
    """A goal's value in its metric's unit (the report's and the career's evening)."""
    return format_value(value, metric_unit(metric), lang)


class PauseView(MenuView):
    """The pause menu over a frozen play view: resume, save and load the one save slot, restart, language, sound,
    quit. What saving or loading did is said under the buttons and in the play view's alerts."""

    def __init__(self, game, play) -> None:
        super().__init__(game)
        self.play = play
        self.status: tuple[str, dict] | None = None  # (string key, values) of the last save/load outcome
        self.quitting = False  # the quit button asked once: the second press goes to the title

    STATUS_LINES = 3

    def content(self) -> None:
        """Seven buttons in one column when the window is tall enough, else in two (the smallest window, 640×360,
        holds four rows), with room for the save/load outcome under them either way."""
        t, h, w = self.game.i18n.t, self.window.height, self.window.width
        actions = [(t("menu.resume"), self.back), (t("menu.save"), self.save), (t("menu.load"), self.load),
                   (t("menu.restart"), lambda: self.game.start(self.game.current)),
                   *self.lang_and_sound_actions(), (t("menu.quit_sure" if self.quitting else "menu.quit_to_title"),
                                                     self.quit)]
        status_room = 46 + self.STATUS_LINES * 20
        one_column = h * 0.8 - 70 - (len(actions) - 1) * ROW - status_room >= 10
        title_y = h * 0.8 if one_column else h - 52
        self.heading(t("menu.paused"), title_y)
        top = title_y - (70 if one_column else 60)
        buttons = self.button_columns(actions, top, 1 if one_column else 2)
        self.default = buttons[0]
        buttons[2].enabled = self.game.has_save()
        if self.play.career is not None:  # a career's day is not a level a save or a restart
            buttons[1].enabled = buttons[3].enabled = False  # could name (its cash and traffic are the career's)
        if self.status is not None:
            key, values = self.status
            colour = palette()["orange"] if key.endswith("failed") else palette()["lime"]
            text = t(f"alert.{key}", **shown(self.game.i18n, values))
            below = min(b.rect[1] for b in buttons) - 46
            for i, line in enumerate(wrap(text, min(900, w - 80))[:self.STATUS_LINES]):
                self.heading(line, below - i * 20, 12, colour)

    def quit(self) -> None:
        """To the title, after a second press: the first turns the button into "Really? unsaved play is lost"."""
        if self.quitting:
            self.game.show_title()
            return
        self.quitting = True
        self.build()

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
        self.charts = report_charts.ReportCharts(self.data, game.i18n.lang) if report_charts.available() else None
        self.waiting_for_chart = False
        self.tab = report_charts.NAMES[0]
        self.chart: arcade.SpriteList[arcade.Sprite] = arcade.SpriteList()
        self.strips: list[tuple[list, tuple]] = []  # the fallback's line charts

    MODEL_COLUMNS = ("figure.done", "figure.wait_p95", "figure.sla", "figure.utilisation")  # of TASK_COLUMNS

    def content(self) -> None:
        """The report's figures (``ReportData.rows``) by section, then one line per model from its task table."""
        i18n, h, w, pal = self.game.i18n, self.window.height, self.window.width, palette()
        t, lang, data = i18n.t, i18n.lang, self.data
        self.heading(t("report.heading") + " · " + i18n.pick(self.spec.title, self.spec.id), h - 60, 24)
        self.stars(self.stars_won, w / 2 - 54, h - 105, scale=4)
        x, y, width = 40, h - 160, w - 760
        if data.goals:
            self.line(t("report.goals"), x, y, pal["yellow"])
            for r in data.goals:
                y -= self.LINE
                state = "missed" if not r.met else "warned" if r.warning else "met"
                value = metric_text(r.goal.metric, r.value, lang)
                result = f"→ {value} {t(f'report.goal_{state}')}"  # kept whole: the result ends the line
                parts = wrap(goal_text(i18n, r.goal), width)
                if text_width(f"{parts[-1]} {result}") <= width:
                    parts[-1] = f"{parts[-1]} {result}"
                else:
                    parts.append(result)
                for i, part in enumerate(parts):  # wrapped, never cut
                    y -= self.LINE if i else 0
                    self.line(("  " if i else "") + part, x, y, pal["lime"] if state == "met" else pal["orange"])
            for text in wrap(capped_line(data, lang).replace("**", ""), width)[:2]:  # what held the stars down
                y -= self.LINE
                self.line(clip(text, width), x, y, pal["white"])
            y -= self.LINE * 1.5
        for section in SECTIONS:
            self.line(t(f"report.{section}"), x, y, pal["yellow"])
            for text in _packed([f"{t(row.key)} {row.shown(lang)}" for row in data.rows(section)], width)[:3]:
                y -= self.LINE
                self.line(text, x, y)
            if section == "customers":  # why the angry ones left, as the Markdown report says it
                for text in wrap(anger_line(data.summary["overall"], lang), width):  # every cause, wrapped
                    y -= self.LINE
                    self.line(text, x, y, pal["silver"])
            if section != SECTIONS[-1]:
                y -= self.LINE * 1.5
        columns = [i for i, (key, _metric) in enumerate(TASK_COLUMNS) if key in self.MODEL_COLUMNS]
        for group in data.task_table():
            if group.kind == "model":
                figures = [f"{t(cell.key)} {cell.shown(lang)}" for cell in (group.cells[i] for i in columns)
                           if cell is not None]
                figures[0] = f"{data.group_name(group, lang)}: {figures[0]}"
                for text in _packed(figures, width)[:2]:
                    y -= self.LINE
                    self.line(clip(text, width), x, y, pal["silver"])
        self._chart_panel(w, h)
        bw = min(200, (w - 80) // 3)
        self.default = self.button(t("menu.next"), 30, self.game.next_level, width=bw, x=w - 40 - 2 * bw - 20)
        self.button(t("menu.retry"), 30, lambda: self.game.start(self.game.current), width=bw, x=w - 40 - bw)
        self.button(t("menu.to_title"), 30, self.game.show_title, width=bw, x=w - 40 - 3 * bw - 40)

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
        self.chart_centre = (left + 320, bottom + 180)
        texture = self.charts.texture(self.tab, self.game.i18n.lang)
        self.waiting_for_chart = texture is None
        if texture is None:  # drawn off the frame: say so until it comes (on_update puts it in)
            self.placeholder = (box(self.boxes, left, bottom, 640, 360, palette()["ink"]),
                                self.line(self.game.i18n.t("report.drawing"), left + 240, bottom + 176,
                                          palette()["slate"]))
            return
        self.chart.append(arcade.Sprite(texture, center_x=self.chart_centre[0], center_y=self.chart_centre[1]))

    def show(self, name: str) -> None:
        self.tab = name
        self.build()

    def on_update(self, delta_time: float) -> None:
        super().on_update(delta_time)
        if self.charts is not None:
            self.charts.start()
        texture = (self.charts.texture(self.tab, self.game.i18n.lang)
                   if self.waiting_for_chart and self.charts is not None else None)
        if texture is not None:  # only the chart comes in: the rest of the screen stays as laid out
            self.waiting_for_chart = False
            plate, words = self.placeholder
            plate.visible = words.visible = False
            self.chart.append(arcade.Sprite(texture, center_x=self.chart_centre[0], center_y=self.chart_centre[1]))

    def on_hide_view(self) -> None:
        super().on_hide_view()
        if self.charts is not None:
            self.charts.close()

    def chart_shown(self) -> bool:
        """Whether the chart of the current tab is on screen (it may still be drawing, off the frame)."""
        return len(self.chart) > 0

    def _fallback_charts(self, left: int, bottom: int, width: int, height: int) -> None:
        """The line charts of :func:`report_charts.line_charts`, when matplotlib is not installed."""
        pal = palette()
        colours = (pal["sky"], pal["orange"])
        lang = self.game.i18n.lang
        for chart in report_charts.line_charts(self.data, left, bottom, width, height):
            x, y, w, h = chart.frame
            box(self.boxes, x, y, w, h, pal["ink"])
            self.line(self.game.i18n.t(chart.title_key), x, y + h + 6, pal["silver"])
            # the axes: the scale's top and zero at the left, the run's start and end under the frame
            box(self.boxes, x, y, 1, h, pal["slate"])
            box(self.boxes, x, y, w, 1, pal["slate"])
            top = format_value(chart.top, chart.unit, lang) if chart.unit != "count" else f"{chart.top:.0f}"
            self.line(top, x + w - text_width(top) - 4, y + h - 16, pal["slate"])
            end = format_duration(chart.end_ms)
            self.line("0", x + 4, y + 4, pal["slate"])
            self.line(end, x + w - text_width(end) - 4, y + 4, pal["slate"])
            self.strips += [(points, colour) for points, colour in zip(chart.lines, colours, strict=False)]

    def on_draw(self) -> None:
        super().on_draw()
        self.chart.draw()
        for strip, colour in self.strips:
            arcade.draw_line_strip(strip, colour, 2)

    def back(self) -> None:
        self.game.show_levels()


def _packed(items: list[str], width: int) -> list[str]:
    """Items joined by " · " into as few lines of ``width`` pixels as fit, never splitting an item."""
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]} · {item}" if lines else item
        if lines and text_width(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(item)
    return lines
