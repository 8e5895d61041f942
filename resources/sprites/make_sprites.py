"""Draw every sprite of River Factory into one atlas, deterministically, from one palette.

Run ``python3 resources/sprites/make_sprites.py`` after changing a drawing: it rewrites ``atlas.png`` and
``atlas.json`` (name -> [x, y, w, h], y from the top). Both are committed so the game needs no build step, and a
test checks that the committed files match what this script draws.

Pictures are small ASCII maps: one character per pixel, ``.`` transparent, other characters looked up in a
per-drawing key that names palette colours. People get a one-pixel ink outline added automatically, which keeps
every character readable on any floor.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent

# Sweetie 16 (GrafxKid, public domain) plus four warm tones for skin and wood: the only colours in the game art.
PALETTE = {
    "ink": (26, 28, 44), "plum": (93, 39, 93), "red": (177, 62, 83), "orange": (239, 125, 87),
    "yellow": (255, 205, 117), "lime": (167, 240, 112), "green": (56, 183, 100), "teal": (37, 113, 121),
    "navy": (41, 54, 111), "blue": (59, 93, 201), "sky": (65, 166, 246), "cyan": (115, 239, 247),
    "white": (244, 244, 244), "silver": (148, 176, 194), "slate": (86, 108, 134), "night": (51, 60, 87),
    "skin": (232, 183, 150), "tan": (184, 111, 80), "wood": (138, 72, 54), "pink": (200, 108, 196),
}

# Shirt (light, shade) per tier: grey, green, blue, orange, pink — ordered from plain to fancy.
TIER_SHIRTS = {
    "L1": ("silver", "slate"), "L2": ("green", "teal"), "L3": ("sky", "blue"),
    "L4": ("orange", "red"), "L5": ("pink", "plum"),
}
DIRECTIONS = ("down", "up", "left", "right")
WALK_FRAMES = 4
CELL = 16


# ----------------------------------------------------------------------------------------------- people
HEAD = {
    "down": ["..hhhh..", ".hhhhhh.", ".hssssh.", ".sesses.", ".ssssss.", "..ssss.."],
    "up": ["..hhhh..", ".hhhhhh.", ".hhhhhh.", ".hhhhhh.", ".shhhhs.", "..ssss.."],
    "left": ["..hhhh..", ".hhhhhh.", ".sshhhh.", ".esshhh.", ".sssshh.", "..ssss.."],
}
BODY = {
    "down": ["..cccc..", ".ccccCC.", "sccccCCs", "sccccCCs", ".ccccCC."],
    "up": ["..cccc..", ".cccccC.", "scccccCs", "scccccCs", ".cccccC."],
    "left": ["..ccc...", "..cccC..", "..sccC..", "..sccC..", "..cccC.."],
}
LEGS = {  # four walk frames: stand, one foot forward, stand, the other foot forward
    "down": [["..pppp..", "..p..p..", "..k..k.."], ["..pppp..", "..p..k..", "..k....."],
             ["..pppp..", "..p..p..", "..k..k.."], ["..pppp..", "..k..p..", ".....k.."]],
    "left": [["..ppp...", "..p.p...", "..k.k..."], ["..ppp...", ".pp..p..", ".k...k.."],
             ["..ppp...", "..p.p...", "..k.k..."], ["..ppp...", "...pp...", "...kk..."]],
}
LEGS["up"] = LEGS["down"]


def person_rows(direction: str, frame: int, hat: bool) -> list[str]:
    base = "left" if direction == "right" else direction
    body = list(BODY[base])
    if frame % 2 == 1 and base != "left":  # arms swing with the step
        body[2] = body[2].replace("s", ".", 1) if frame == 1 else body[2][::-1].replace("s", ".", 1)[::-1]
    rows = list(HEAD[base]) + body + LEGS[base][frame]
    if hat:
        # a gold crown with a red jewel replaces the top of the hair
        rows = [".yRyRy..", "yyyyyyyy"] + rows[1:] if base != "left" else [".yyRyy..", "yyyyyyy."] + rows[1:]
    if direction == "right":
        rows = [r[::-1] for r in rows]
    return rows


def outline(img: Image.Image, colour: tuple[int, int, int]) -> None:
    """Add a one-pixel ink outline around the opaque shape, in place."""
    w, h = img.size
    src = img.copy()
    for y in range(h):
        for x in range(w):
            if src.getpixel((x, y))[3]:
                continue
            near = ((x + dx, y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))
            if any(0 <= nx < w and 0 <= ny < h and src.getpixel((nx, ny))[3] for nx, ny in near):
                img.putpixel((x, y), colour + (255,))


def paint(rows: list[str], key: dict[str, str], size: tuple[int, int] | None = None,
          at: tuple[int, int] = (0, 0)) -> Image.Image:
    """Turn an ASCII map into an RGBA image; ``key`` maps characters to palette names."""
    w = max(len(r) for r in rows)
    img = Image.new("RGBA", size or (w, len(rows)), (0, 0, 0, 0))
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch != ".":
                img.putpixel((at[0] + x, at[1] + y), PALETTE[key[ch]] + (255,))
    return img


def person(direction: str, frame: int, shirt: tuple[str, str], hair: str, hat: bool = False,
           pants: str = "night") -> Image.Image:
    key = {"h": hair, "s": "skin", "e": "ink", "c": shirt[0], "C": shirt[1], "p": pants, "k": "ink",
           "y": "yellow", "R": "red"}
    rows = person_rows(direction, frame, hat)
    img = paint(rows, key, size=(CELL, CELL), at=(4, CELL - len(rows) - 1))
    outline(img, PALETTE["ink"])
    return img


# ----------------------------------------------------------------------------------------------- objects
STATION = [
    "..oooooooooooo..",
    ".oMMMMMMMMMMMMo.",
    ".oMSSSSSSSSSSMo.",
    ".oMSSSSSSSSSSMo.",
    ".oMSSSSSSSSSSMo.",
    ".oMSSSSSSSSSSMo.",
    ".oMSSSSSSSSSSMo.",
    ".oMMMMMMMMMMMMo.",
    ".oDDDDDDDDDDDDo.",
    ".oDDLDDDDDDDDDo.",
    ".oDDDDDDDDDDDDo.",
    ".oDKKKKKKKKKKDo.",
    ".oDKKKKKKKKKKDo.",
    ".ooooooooooooo..",
    "..o.........o...",
    "................",
]


def station(screen: str, light: str, lines: str | None, blink: int = 0) -> Image.Image:
    key = {"o": "ink", "M": "slate", "S": screen, "D": "silver", "L": light, "K": "night", "x": lines or screen}
    rows = [list(r) for r in STATION]
    if lines:  # a few lit rows of "text" on the screen, shifted per frame so busy stations flicker
        for i, y in enumerate((3, 4, 5)):
            start = 4 + (i + blink) % 3
            for x in range(start, min(start + 5 + (y + blink) % 3, 12)):
                rows[y][x] = "x"
    return paint(["".join(r) for r in rows], key)


BROKEN_CRACK = [(5, 3), (6, 4), (7, 4), (8, 5), (9, 6)]

PUFF = [
    ["................", "................", "......ww........", ".....wwww.......", "....wwwwww.ww...",
     "...wwwwwwwwwww..", "....wwwwwwwww...", ".....wwwww......"],
    ["......w.........", "....wwww..ww....", "...wwssww.www...", "..wwsssswwwww...", "..wwsssswwsww...",
     "...wwsswwwwww...", "....wwww.www....", "................"],
    [".....s....s.....", "...s..ss.....s..", "..s..s...s......", "....s....s..s...", "..s...s.......s.",
     "....s....s..s...", "...s...s........", "................"],
]

LETTERS = {  # a 3x5 pixel font, just the letters the signs need
    "R": ["ii.", "i.i", "ii.", "i.i", "i.i"], "E": ["iii", "i..", "ii.", "i..", "iii"],
    "N": ["i..i", "ii.i", "i.ii", "i..i", "i..i"], "T": ["iii", ".i.", ".i.", ".i.", ".i."],
    "D": ["ii.", "i.i", "i.i", "i.i", "ii."],
}

DIGITS = {  # the same 3x5 pixel font, for the time left on a busy station's screen
    "0": ["iii", "i.i", "i.i", "i.i", "iii"], "1": [".i.", "ii.", ".i.", ".i.", "iii"],
    "2": ["iii", "..i", "iii", "i..", "iii"], "3": ["iii", "..i", ".ii", "..i", "iii"],
    "4": ["i.i", "i.i", "iii", "..i", "..i"], "5": ["iii", "i..", "iii", "..i", "iii"],
    "6": ["iii", "i..", "iii", "i.i", "iii"], "7": ["iii", "..i", ".i.", ".i.", ".i."],
    "8": ["iii", "i.i", "iii", "i.i", "iii"], "9": ["iii", "i.i", "iii", "..i", "iii"],
    "s": ["...", ".ii", "i..", "..i", "ii."], "m": [".....", ".....", "ii.i.", "i.i.i", "i.i.i"],
    "h": ["i..", "i..", "iii", "i.i", "i.i"],
}


def sign(word: str) -> list[str]:
    """A yellow board with ink letters and two posts, as an ASCII map."""
    inner = ["" for _ in range(5)]
    for letter in word:
        for i in range(5):
            inner[i] += LETTERS[letter][i].replace(".", "y") + "y"
    width = len(inner[0]) + 3
    rows = ["o" * width, "o" + "y" * (width - 2) + "o"]
    rows += ["oy" + r + "o" for r in inner]
    rows += ["o" + "y" * (width - 2) + "o", "o" * width]
    post = "." * (width // 2 - 3) + "o" + ".." + "o"
    return rows + [post, post]


ICONS = {  # 8x8 content-type icons
    "icon_image": ["oooooooo", "owwwwwwo", "owwwwyyo", "owwwwyyo", "owgwwwwo", "oggggwgo", "ogggggwo",
                   "oooooooo"],
    "icon_video": ["oiioiioo", "oooooooo", "osssssso", "osswssso", "osswwsso", "osswssso", "osssssso",
                   "oooooooo"],
    "icon_audio": ["..oooooo", "..owwwwo", "..oooooo", "..o....o", "..o....o", "ooo..ooo", "owo..owo",
                   "ooo..ooo"],
    "icon_text": ["oooooo..", "owwwwoo.", "owiiwwwo", "owwwwwwo", "owiiiiwo", "owwwwwwo", "owiiiwwo",
                  "oooooooo"],
    "icon_generic": [".oooooo.", "oyyyyyyo", "oooooooo", "owwwwwwo", "owwiiwwo", "owwwwwwo", "owwwwwwo",
                     "oooooooo"],
}
ICON_KEY = {"o": "ink", "w": "white", "y": "yellow", "g": "green", "i": "ink", "s": "sky"}

SMALL = {
    "coin_0": ([".oooo.", "oyyyyo", "oyoyyo", "oyoyyo", "oyyyyo", ".oooo."], {"o": "wood", "y": "yellow"}),
    "coin_1": (["..oo..", ".oyyo.", ".oyyo.", ".oyyo.", ".oyyo.", "..oo.."], {"o": "wood", "y": "yellow"}),
    "coin_2": (["..o...", "..o...", "..o...", "..o...", "..o...", "..o..."], {"o": "yellow"}),
    "bubble": ([".oooooo.", "owwwwwwo", "owwrrwwo", "owwrrwwo", "owwrrwwo", "owwwwwwo", "owwrrwwo",
                "owwwwwwo", ".oooowo.", ".....oo."], {"o": "ink", "w": "white", "r": "red"}),
    "face_happy": ([".oooooo.", "oyyyyyyo", "oyoyyoyo", "oyyyyyyo", "oyoyyoyo", "oyyooyyo", "oyyyyyyo",
                    ".oooooo."], {"o": "ink", "y": "lime"}),
    "face_angry": ([".oooooo.", "orrrrrro", "oorrrroo", "orororro", "orrrrrro", "orroorro", "ororroro",
                    ".oooooo."], {"o": "ink", "r": "orange"}),
    "ticket": (["oooooo", "owwwwo", "owiiwo", "owwwwo", "owiiwo", "oooooo"], {"o": "ink", "w": "yellow",
                                                                              "i": "wood"}),
    "helper": (["..oo..", ".osso.", ".oeeo.", ".occo.", "occcco", ".o..o."], {"o": "ink", "s": "skin",
                                                                              "e": "ink", "c": "white"}),
    "bench": (["oooooooooooooooooooooooo", "owwwwwwwwwwwwwwwwwwwwwwo", "oWWWWWWWWWWWWWWWWWWWWWWo",
               "owwwwwwwwwwwwwwwwwwwwwwo", "oooooooooooooooooooooooo", ".oo..................oo.",
               ".oo..................oo."], {"o": "ink", "w": "tan", "W": "wood"}),
    "counter": (["oooooooooooooooooooooooooooooooo", "oyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyo",
                 "owwwwwwwwwwwwwwwwwwwwwwwwwwwwwwo", "oWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWo",
                 "oWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWo", "oWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWo",
                 "oWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWo", "oooooooooooooooooooooooooooooooo"],
                {"o": "ink", "y": "yellow", "w": "tan", "W": "wood"}),
    "star_full": (["...oo...", "...oo...", "oooyyooo", "oyyyyyyo", ".oyyyyo.", ".oyooyo.", "oyo..oyo",
                   "oo....oo"], {"o": "ink", "y": "yellow"}),
    "star_empty": (["...oo...", "...oo...", "ooo..ooo", "o......o", ".o....o.", ".o.oo.o.", "o.o..o.o",
                    "oo....oo"], {"o": "silver"}),
    "plant": (["...gg...", "..gGgg..", ".gGgGgg.", "..gggG..", "...gg...", "..oooo..", "..owwo..",
               "...oo..."], {"g": "green", "G": "lime", "o": "ink", "w": "tan"}),
    "bang": ([".oooooooo.", "orrrrrrrro", "orrrwwrrro", "orrrwwrrro", "orrrwwrrro", "orrrwwrrro", "orrrwwrrro",
              "orrrrrrrro", "orrrwwrrro", "orrrrrrrro", ".oooooooo.", "...orro...", "....oo...."],
             {"o": "ink", "r": "red", "w": "white"}),
    "rope": (["y......y", "oooooooo", "ororrror", "y......y", "y......y", "y......y", "W......W"],
             {"o": "plum", "r": "red", "y": "yellow", "W": "wood"}),
    "return_mark": (["oooo", "oyyo", "oyyo", "oooo"], {"o": "ink", "y": "cyan"}),
    "cooler": (["..oooo..", ".osssso.", ".osssso.", ".oooooo.", ".owwwwo.", ".owrbwo.", ".owwwwo.",
                ".owwwwo.", ".oooooo."], {"o": "ink", "s": "sky", "w": "white", "r": "red", "b": "blue"}),
    "cashbox": (["oooooooo", "oyyyyyyo", "oyyyyyyo", "oWWWWWWo", "oWWyyWWo", "oWWWWWWo", "oooooooo"],
                {"o": "ink", "y": "yellow", "W": "wood"}),
}

TILES = {  # 16x16 floors; each is a 2-colour pattern drawn by a rule
    "floor_wait": ("tan", "wood", lambda x, y: (y % 8 == 7) or (x == (0 if (y // 8) % 2 else 8) and y % 8 != 7)),
    "floor_shop": ("night", "slate", lambda x, y: x == 0 or y == 0),
    "street": ("night", "slate", lambda x, y: (x * 7 + y * 13) % 23 == 0),
    "sidewalk": ("silver", "slate", lambda x, y: x == 0 or y == 0 or (x == 8 and y > 0 and y % 16 < 8)),
    "wall": ("navy", "blue", lambda x, y: y < 2 or y == 5 or ((x + (y // 4) * 4) % 8 == 0 and y > 1), (16, 8)),
    "carpet": ("red", "yellow", lambda x, y: x in (0, 11), (12, 16)),
    "lane": ("night", "yellow", lambda x, y: y == 8 and x % 8 < 4),
    "door": ("wood", "yellow", lambda x, y: x in (0, 15) or y == 0 or (x in (7, 8) and y > 1), (16, 8)),
    "grass": ("green", "lime", lambda x, y: (x * 5 + y * 3) % 11 == 0),
    # floors that read as floors: boards with staggered joints, big pale tiles, riveted steel plate
    "floor_wood": ("tan", "wood", lambda x, y: y % 4 == 3 or (y // 4 in (0, 2) and x == (3 if y < 8 else 11))),
    "floor_tile": ("silver", "slate", lambda x, y: x % 8 == 7 or y % 8 == 7),
    "floor_steel": ("slate", "night", lambda x, y: x == 15 or y == 15 or (x, y) in ((2, 2), (12, 2), (2, 12),
                                                                                       (12, 12))),
}


def tile(base: str, mark: str, rule, size: tuple[int, int] = (16, 16)) -> Image.Image:
    img = Image.new("RGBA", size, PALETTE[base] + (255,))
    for y in range(size[1]):
        for x in range(size[0]):
            if rule(x, y):
                img.putpixel((x, y), PALETTE[mark] + (255,))
    return img


def drawings() -> dict[str, Image.Image]:
    """Every named picture, in a fixed order."""
    out: dict[str, Image.Image] = {}
    hairs = ("wood", "ink", "tan", "yellow", "plum")
    for t, (tier, shirt) in enumerate(TIER_SHIRTS.items()):
        for hat in (False, True):
            for d in DIRECTIONS:
                for f in range(WALK_FRAMES):
                    name = f"cust_{tier}_{'hat' if hat else 'plain'}_{d}_{f}"
                    out[name] = person(d, f, shirt, hairs[t], hat=hat)
    for d in DIRECTIONS:
        for f in range(WALK_FRAMES):
            out[f"dispatcher_{d}_{f}"] = person(d, f, ("navy", "ink"), "ink", pants="ink")
            im = out[f"dispatcher_{d}_{f}"]
            for x in range(5, 11):  # a yellow visor cap marks staff
                if im.getpixel((x, 16 - 15))[3]:
                    im.putpixel((x, 16 - 15), PALETTE["yellow"] + (255,))
    out["station_idle"] = station("navy", "green", None)
    out["station_busy_0"] = station("teal", "lime", "cyan", 0)
    out["station_busy_1"] = station("teal", "lime", "cyan", 1)
    down = station("ink", "red", None)
    for x, y in BROKEN_CRACK:
        down.putpixel((x, y), PALETTE["orange"] + (255,))
    out["station_down"] = down
    for i, rows in enumerate(PUFF):
        out[f"puff_{i}"] = paint(rows, {"w": "white", "s": "silver"})
    out["rented_sign"] = paint(sign("RENTED"), {"o": "ink", "y": "yellow", "i": "ink"})
    for name, rows in ICONS.items():
        out[name] = paint(rows, ICON_KEY)
    for name, (rows, key) in SMALL.items():
        out[name] = paint(rows, key)
    for name, (base, mark, rule, *size) in TILES.items():
        out[name] = tile(base, mark, rule, *size)
    corner = ["yyyy", "y...", "y...", "y..."]  # a selection bracket: four yellow corners around an 18x20 box
    select = Image.new("RGBA", (18, 20), (0, 0, 0, 0))
    for flip_x in (False, True):
        for flip_y in (False, True):
            rows = [r[::-1] if flip_x else r for r in (corner[::-1] if flip_y else corner)]
            select.alpha_composite(paint(rows, {"y": "yellow"}), (14 if flip_x else 0, 16 if flip_y else 0))
    out["select"] = select
    out["rented_tag"] = paint(["oooooo", "oyiiyo", "oyiyio", "oyiiyo", "oyiyio", "oooooo", "o.....", "o....."],
                              {"o": "ink", "y": "yellow", "i": "red"})
    out["pixel"] = Image.new("RGBA", (1, 1), PALETTE["white"] + (255,))
    for char, rows in DIGITS.items():  # a station's countdown is drawn from these, in its screen's cyan
        out[f"glyph_{char}"] = paint(rows, {"i": "cyan"})
    return out


def pack(images: dict[str, Image.Image], width: int = 256) -> tuple[Image.Image, dict[str, list[int]]]:
    """Shelf-pack in insertion order with a one-pixel gap (no bleeding between neighbours)."""
    x = y = shelf = 0
    rects: dict[str, list[int]] = {}
    for name, img in images.items():
        w, h = img.size
        if x + w > width:
            x, y, shelf = 0, y + shelf + 1, 0
        rects[name] = [x, y, w, h]
        x += w + 1
        shelf = max(shelf, h)
    atlas = Image.new("RGBA", (width, y + shelf), (0, 0, 0, 0))
    for name, (rx, ry, _, _) in rects.items():
        atlas.paste(images[name], (rx, ry))
    return atlas, rects


def build() -> tuple[Image.Image, dict[str, list[int]]]:
    return pack(drawings())


def main() -> None:
    atlas, rects = build()
    atlas.save(HERE / "atlas.png", optimize=False)
    (HERE / "atlas.json").write_text(json.dumps({"palette": PALETTE, "sprites": rects}, indent=0) + "\n")
    print(f"atlas.png {atlas.size[0]}x{atlas.size[1]}, {len(rects)} sprites")


if __name__ == "__main__":
    main()
