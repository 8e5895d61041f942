"""Small widgets drawn at window resolution: labels, buttons with tooltips, flat boxes.

Why not only ``arcade.gui``: the HUD redraws every frame over a moving scene, and a few dozen labels and buttons
batched by hand cost one sprite batch plus one text batch. Every label is an ``arcade.Text`` created once; its
text changes only when the value it shows changes (re-layout is what costs: docs/platform.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pyglet

from factory_game.game.art import font, palette
from factory_game.game.gfx import arcade
from factory_game.game.layout import text_px

TEXT_PX = 12  # font_size 12 = 16 px at 96 dpi: Unifont's native size, crisp


def text_width(text: str) -> int:
    """Width in pixels at 16 px Unifont: 8 per narrow character, 16 per wide (CJK) one."""
    return text_px(text)


def clip(text: str, max_px: int) -> str:
    """Cut ``text`` to fit ``max_px``, ending in an ellipsis when cut."""
    if text_width(text) <= max_px:
        return text
    out, used = [], 8
    for ch in text:
        w = text_width(ch)
        if used + w > max_px:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def wrap(text: str, max_px: int) -> list[str]:
    """Break ``text`` into lines that fit ``max_px``: after any wide (CJK) character, at spaces between words.

    pyglet wraps only at spaces, so Chinese paragraphs would run off the screen."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _tokens(paragraph):
            w = text_width(token)
            if used + w > max_px and line.strip():
                lines.append(line.rstrip())
                line, used = token.lstrip(), text_width(token.lstrip())
            else:
                line += token
                used += w
        lines.append(line.rstrip())
    return lines


NO_LINE_START = frozenset("）」』》】〕〉、。，．：；！？")  # Chinese closing punctuation stays with what it closes
NO_LINE_END = frozenset("（「『《【〔〈")  # and opening punctuation with what it opens


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and each wide character on its own (with the punctuation that may not
    start or end a line)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                _push(out, word)
                word = ""
            _push(out, ch)
        elif ch == " ":
            if word:
                _push(out, word)
            word = " "
        else:
            word += ch
    if word:
        _push(out, word)
    return out


def _push(out: list[str], token: str) -> None:
    if out and (token[0] in NO_LINE_START or out[-1][-1] in NO_LINE_END):
        out[-1] += token
    else:
        out.append(token)


class Label:
    """A text that re-lays itself out only when its string or colour changes; ``clip_px`` cuts long lines."""

    def __init__(self, batch: pyglet.graphics.Batch, x: float, y: float, text: str = "", color=None,
                 size: int = TEXT_PX, anchor_x: str = "left", width: int | None = None,
                 clip_px: int | None = None) -> None:
        self.clip_px = clip_px
        if clip_px:
            text = clip(text, clip_px)
        self.text = arcade.Text(text, x, y, color or palette()["white"], font_size=size, font_name=font(),
                                anchor_x=anchor_x, anchor_y="baseline", batch=batch, width=width,
                                multiline=width is not None)

    def set(self, value: str, color=None) -> None:
        if self.clip_px:
            value = clip(value, self.clip_px)
        if self.text.text != value:
            self.text.text = value
        if color is not None and tuple(self.text.color) != tuple(color):
            self.text.color = color

    def move(self, x: float, y: float) -> None:
        if (self.text.x, self.text.y) != (x, y):
            self.text.position = (x, y)

    @property
    def value(self) -> str:
        return self.text.text

    @property
    def visible(self) -> bool:
        return self.text.visible

    @visible.setter
    def visible(self, on: bool) -> None:
        if self.text.visible != on:
            self.text.visible = on


def box(sprites: arcade.SpriteList, left: float, bottom: float, width: float, height: float,
        color) -> arcade.SpriteSolidColor:
    """A flat rectangle in a sprite batch (panels, bars, button faces)."""
    sprite = arcade.SpriteSolidColor(max(1, int(width)), max(1, int(height)), left + width / 2,
                                     bottom + height / 2, color)
    sprites.append(sprite)
    return sprite


def set_box(sprite: arcade.SpriteSolidColor, left: float, bottom: float, width: float, height: float) -> None:
    width, height = max(1, int(width)), max(1, int(height))
    if (sprite.width, sprite.height) != (width, height):
        sprite.width, sprite.height = width, height
    centre = (left + width / 2, bottom + height / 2)
    if sprite.position != centre:
        sprite.position = centre


class Button:
    """A flat button: a face in the sprite batch, a label in the text batch, a click handler and a tooltip key."""

    def __init__(self, sprites, batch, left: float, bottom: float, width: float, height: float, text: str,
                 on_click: Callable[[], None], tooltip: str = "", color=None) -> None:
        pal = palette()
        self.rect = (left, bottom, width, height)
        self.base_color = color or pal["slate"]
        self.edge = box(sprites, left, bottom, width, height, pal["ink"])
        self.face = box(sprites, left + 1, bottom + 2, width - 2, height - 3, self.base_color)
        self.label = Label(batch, left + width / 2, bottom + (height - 16) / 2 + 4, text, anchor_x="center")
        self.on_click = on_click
        self.tooltip = tooltip
        self.enabled = True
        self.active = False  # drawn highlighted (the current speed, a switch that is on)

    def contains(self, x: float, y: float) -> bool:
        left, bottom, width, height = self.rect
        return left <= x < left + width and bottom <= y < bottom + height

    def click(self) -> bool:
        if self.enabled:
            self.on_click()
            return True
        return False

    def refresh(self, hovered: bool = False) -> None:
        pal = palette()
        if not self.enabled:
            color = pal["night"]
        elif self.active:
            color = pal["teal"]
        elif hovered:
            color = pal["blue"]
        else:
            color = self.base_color
        if tuple(self.face.color) != tuple(color):
            self.face.color = color
        self.label.set(self.label.value, pal["silver"] if not self.enabled else pal["white"])

    def set_text(self, text: str) -> None:
        self.label.set(text)
