"""Draw the mod's 16x16 icon, a little isometric cube, in the game's palette (Sweetie 16).

Run ``python3 mods/mesh3d/make_icon.py`` after changing the drawing; it rewrites ``icon.png`` next to it, and a
test checks that the committed file matches what this script draws.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
KEY = {"o": (26, 28, 44), "w": (244, 244, 244), "c": (115, 239, 247), "s": (65, 166, 246), "b": (59, 93, 201),
       "n": (41, 54, 111)}
CUBE = [  # o ink · w highlight · c top face · s left face · b right face · n shade
    "......oooo......",
    "....oowccwoo....",
    "..oowccccccwoo..",
    ".occcccccccccco.",
    ".ossccccccccbbo.",
    ".ossssccccbbbbo.",
    ".osssssccbbbbbo.",
    ".ossssssobbbbbo.",
    ".ossssssobbbbbo.",
    ".ossssssobbbbbo.",
    ".ossssssobbbbno.",
    ".ossssssobbbnno.",
    "..oossssobnnoo..",
    "....oossonoo....",
    "......ooo.......",
    "................",
]


def draw() -> Image.Image:
    image = Image.new("RGBA", (16, 16), (0, 0, 0, 0))
    for y, row in enumerate(CUBE):
        for x, char in enumerate(row):
            if char != ".":
                image.putpixel((x, y), (*KEY[char], 255))
    return image


if __name__ == "__main__":
    draw().save(HERE / "icon.png")
