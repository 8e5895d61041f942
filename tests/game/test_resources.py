"""Committed art is exactly what the sprite script draws, in one palette; the bundled font has its licence."""

import importlib.util
import json
from pathlib import Path

from PIL import Image

RES = Path(__file__).resolve().parents[2] / "resources"


def load_script():
    spec = importlib.util.spec_from_file_location("make_sprites", RES / "sprites" / "make_sprites.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_atlas_matches_the_script():
    atlas, rects = load_script().build()
    committed = Image.open(RES / "sprites" / "atlas.png").convert("RGBA")
    assert committed.size == atlas.size
    assert committed.tobytes() == atlas.tobytes()
    assert json.loads((RES / "sprites" / "atlas.json").read_text())["sprites"] == rects


def test_every_pixel_is_a_palette_colour():
    script = load_script()
    allowed = {rgb for rgb in script.PALETTE.values()}
    atlas = Image.open(RES / "sprites" / "atlas.png").convert("RGBA")
    used = {px[:3] for px in atlas.getdata() if px[3]}
    assert used <= allowed


def test_every_tier_and_direction_has_a_walk_cycle():
    rects = json.loads((RES / "sprites" / "atlas.json").read_text())["sprites"]
    for tier in ("L1", "L2", "L3", "L4", "L5"):
        for hat in ("plain", "hat"):
            for d in ("down", "up", "left", "right"):
                assert all(f"cust_{tier}_{hat}_{d}_{f}" in rects for f in range(4))


def test_font_ships_with_its_licence():
    fonts = RES / "fonts"
    assert (fonts / "unifont.otf").stat().st_size > 1_000_000
    assert "GPL-2+" in (fonts / "unifont.copyright").read_text()
    assert (fonts / "GPL-2.txt").exists()
