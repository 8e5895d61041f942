"""Textures, the font and the sounds, loaded once per process.

The atlas is one PNG and a JSON of named rectangles written by ``resources/sprites/make_sprites.py``. Each
named picture becomes its own ``arcade.Texture`` (hashed by name, so Arcade's texture atlas stores it once)
with a bounding-box hit box: clicking a customer hits its 16×16 cell, and no hit-box tracing runs at start-up.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from PIL import Image

from factory_game.game.gfx import arcade
from factory_game.paths import ATLAS_JSON, ATLAS_PNG, FONT_FILE, FONT_NAME

SOUNDS = {
    "coin": ":resources:sounds/coin1.wav",
    "alert": ":resources:sounds/error4.wav",
    "arrive": ":resources:sounds/upgrade1.wav",
    "click": ":resources:sounds/hit3.wav",
}


@cache
def textures() -> dict[str, arcade.Texture]:
    rects = json.loads(ATLAS_JSON.read_text())["sprites"]
    sheet = Image.open(ATLAS_PNG).convert("RGBA")
    box = arcade.hitbox.algo_bounding_box
    out = {}
    for name, (x, y, w, h) in rects.items():
        out[name] = arcade.Texture(sheet.crop((x, y, x + w, y + h)), hash=f"river:{name}", hit_box_algorithm=box)
    return out


@cache
def palette() -> dict[str, tuple[int, int, int, int]]:
    """The art's palette as RGBA, for bars and panels drawn in code, so they match the sprites."""
    return {name: (*rgb, 255) for name, rgb in json.loads(ATLAS_JSON.read_text())["palette"].items()}


WAIT_STEPS = 8


BUILTIN_ICONS = {"image", "video", "audio", "text"}


@cache
def icon_image(icon: str, size: int = 8) -> Image.Image:
    """A content type's icon as a ``size``-pixel square: a built-in sprite by name (``image``, ``video`` ...), or a
    mod's PNG by path (scaled with nearest neighbour, so pixel art stays pixel art); unknown ones get the generic
    box."""
    if icon.endswith(".png") and Path(icon).is_file():
        img = Image.open(icon).convert("RGBA")
    else:
        name = f"icon_{icon}" if icon in BUILTIN_ICONS else "icon_generic"
        x, y, w, h = json.loads(ATLAS_JSON.read_text())["sprites"][name]
        img = Image.open(ATLAS_PNG).convert("RGBA").crop((x, y, x + w, y + h))
    return img if img.size == (size, size) else img.resize((size, size), Image.Resampling.NEAREST)


@cache
def icon_texture(icon: str, size: int = 8) -> arcade.Texture:
    return arcade.Texture(icon_image(icon, size), hash=f"river:icon:{icon}:{size}",
                          hit_box_algorithm=arcade.hitbox.algo_bounding_box)


HOURGLASS = ["WWWWWWW", "w.....w", ".w...w.", "..w.w..", "...w...", "..w.w..", ".w...w.", "w.....w", "WWWWWWW"]
# the sand's cells, in the order the bottom fills (from its floor up) and the top keeps them (from the neck up)
SAND_BOTTOM = [(x, 7) for x in range(1, 6)] + [(x, 6) for x in range(2, 5)] + [(3, 5)]
SAND_TOP = [(3, 3)] + [(x, 2) for x in range(2, 5)] + [(x, 1) for x in range(1, 6)]


def hourglass_colour(fraction: float) -> str:
    """Green while the wait is far from the prompt line, then yellow, orange, and red at the line."""
    return "green" if fraction < 0.5 else "yellow" if fraction < 0.75 else "orange" if fraction < 1 else "red"


@cache
def demand_tag(icon: str | None, step: int) -> arcade.Texture:
    """What floats over a waiting customer, as one texture: an hourglass whose sand has run ``step`` of 8 toward the
    prompt line, coloured by how close it is, with the content icon beside it when the model serves more than one
    content type (``icon`` None: the hourglass alone). One sprite per head keeps a crowd's overlay cheap."""
    pal = json.loads(ATLAS_JSON.read_text())["palette"]
    fraction = step / WAIT_STEPS
    sand = (*pal[hourglass_colour(fraction)], 255)
    width = 7 + (10 if icon is not None else 0)
    img = Image.new("RGBA", (width, 9), (0, 0, 0, 0))
    frame = {"W": (*pal["wood"], 255), "w": (*pal["white"], 255)}
    for y, row in enumerate(HOURGLASS):
        for x, ch in enumerate(row):
            if ch in frame:
                img.putpixel((x, y), frame[ch])
    glass = (*pal["night"], 255)
    for x, y in SAND_BOTTOM + SAND_TOP:
        img.putpixel((x, y), glass)
    fallen = round(len(SAND_BOTTOM) * min(1.0, fraction))
    for x, y in SAND_BOTTOM[:fallen] + SAND_TOP[:len(SAND_TOP) - fallen]:
        img.putpixel((x, y), sand)
    if icon is not None:
        img.paste(icon_image(icon), (9, 0))
    return arcade.Texture(img, hash=f"river:tag:{icon}:{step}", hit_box_algorithm=arcade.hitbox.algo_bounding_box)


MAX_TICKETS_SHOWN = 5


@cache
def ticket_stack(count: int) -> arcade.Texture:
    """The tickets a customer queueing outside still holds (tasks not yet let in), fanned out so two, three or five
    read at a glance; more than five show as five."""
    x, y, w, h = json.loads(ATLAS_JSON.read_text())["sprites"]["ticket"]
    ticket = Image.open(ATLAS_PNG).convert("RGBA").crop((x, y, x + w, y + h))
    shown = max(1, min(count, MAX_TICKETS_SHOWN))
    img = Image.new("RGBA", (w + 4 * (shown - 1), h + 1), (0, 0, 0, 0))
    for i in range(shown):
        img.alpha_composite(ticket, (4 * i, i % 2))
    return arcade.Texture(img, hash=f"river:tickets:{shown}", hit_box_algorithm=arcade.hitbox.algo_bounding_box)


COUNTDOWN_SIZE = (14, 7)  # an ink plate over a station's screen (its 7 middle rows, 14 of its 16 columns)


def countdown_text(ms: float) -> str:
    """Time left as at most three glyphs: ``45s``, ``12m``, ``2h`` (rounded up, so it never shows 0 while busy)."""
    seconds = max(1, -(-int(ms) // 1000))
    if seconds < 60:
        return f"{seconds}s"
    minutes = -(-seconds // 60)
    return f"{minutes}m" if minutes < 60 else f"{min(9, -(-minutes // 60))}h"


@cache
def countdown(text: str, late: bool = False) -> arcade.Texture:
    """A busy station's time left in cyan pixel digits on an ink plate, one texture per shown value; a task running
    late shows white digits on a red screen."""
    sheet = Image.open(ATLAS_PNG).convert("RGBA")
    rects = json.loads(ATLAS_JSON.read_text())["sprites"]
    pal = json.loads(ATLAS_JSON.read_text())["palette"]
    w, h = COUNTDOWN_SIZE
    img = Image.new("RGBA", (w, h), (*pal["red" if late else "ink"], 255))
    glyphs = [rects[f"glyph_{char}"] for char in text]
    x = (w - sum(gw + 1 for _, _, gw, _ in glyphs) + 1) // 2
    for gx, gy, gw, gh in glyphs:
        glyph = sheet.crop((gx, gy, gx + gw, gy + gh))
        if late:
            white = Image.new("RGBA", glyph.size, (*pal["white"], 255))
            glyph = Image.composite(white, glyph, glyph.getchannel("A"))
        img.alpha_composite(glyph, (x, 1))
        x += gw + 1
    return arcade.Texture(img, hash=f"river:countdown:{text}:{late}",
                          hit_box_algorithm=arcade.hitbox.algo_bounding_box)


@cache
def font() -> str:
    """Register the bundled CJK font and return the name to select it by."""
    arcade.load_font(FONT_FILE)
    return FONT_NAME


class Sounds:
    """Arcade's bundled CC0 sounds with one mute switch; a missing audio driver only silences the game."""

    def __init__(self, muted: bool = False) -> None:
        self.muted = muted
        self._loaded: dict[str, arcade.Sound | None] = {}

    def play(self, name: str, volume: float = 0.4) -> None:
        if self.muted:
            return
        if name not in self._loaded:
            try:
                self._loaded[name] = arcade.load_sound(SOUNDS[name])
            except Exception:  # no audio device or codec: the game goes on silently
                self._loaded[name] = None
        sound = self._loaded[name]
        if sound is not None:
            try:
                sound.play(volume=volume)
            except Exception:
                self._loaded[name] = None


CONTRACT_FLAG = ["kkkkkk", "kbbbbk", "kbkkbk", "kbkbbk", "kbbbbk", "kkkkkk", "k.....", "k....."]  # a "C" on sky


@cache
def contract_tag() -> arcade.Texture:
    """The flag over a station on contract: the rented flag's shape, sky blue with an ink "C", so a contract never
    reads as a rental (it cannot be released)."""
    pal = json.loads(ATLAS_JSON.read_text())["palette"]
    colours = {"k": (*pal["ink"], 255), "b": (*pal["sky"], 255)}
    img = Image.new("RGBA", (len(CONTRACT_FLAG[0]), len(CONTRACT_FLAG)), (0, 0, 0, 0))
    for y, row in enumerate(CONTRACT_FLAG):
        for x, ch in enumerate(row):
            if ch in colours:
                img.putpixel((x, y), colours[ch])
    return arcade.Texture(img, hash="river:contract_tag", hit_box_algorithm=arcade.hitbox.algo_bounding_box)
