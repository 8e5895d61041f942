"""`factory-game new-mod NAME`: a mod as an installable package, ready to test and publish.

    NAME/
      pyproject.toml            the entry point (group factory_game.mods) and package data (mod.toml, icon, levels)
      README.md
      river_NAME/__init__.py    the package (its hooks live in mod.py, beside mod.toml)
      river_NAME/mod.toml       the manifest
      river_NAME/mod.py         a content type with an icon, a provider with one model, and a price rule
      river_NAME/make_icon.py   draws icon.png (16x16, the game's palette); run it after changing the drawing
      river_NAME/icon.png
      river_NAME/levels/demo.toml   a level that uses the mod
      tests/test_mod.py         a passing pytest test: the mod loads, runs its level, keeps the books, is deterministic
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from factory_game.api import API_VERSION

NAME = re.compile(r"^[a-z][a-z0-9_-]*$")  # a mod.toml id that also makes a Python package name

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "river-{name}"
version = "0.1.0"
description = "A River Factory mod: {name}"
requires-python = ">=3.11"
dependencies = ["factory_game"]

[project.entry-points."factory_game.mods"]
{name} = "{package}"

[tool.setuptools]
packages = ["{package}"]

[tool.setuptools.package-data]
{package} = ["mod.toml", "*.png", "levels/*.toml"]
"""

README = """\
# {name}: a River Factory mod

    pip install -e .            # the game finds it through its entry point
    factory-game mods           # lists {name} 0.1.0 ok, with its hooks
    python3 -m pytest tests     # the mod's own tests
    factory-game run {name}/demo       # the level the mod ships (river_NAME/levels/demo.toml)

Hooks go in `{package}/mod.py`; see the game's docs/modding.md for each hook, its arguments and an example.
`RIVER_TRACE_MODS=1` prints every hook call; `factory-game run ... --profile-mods` the time spent in each.
"""

MANIFEST = """\
id = "{name}"
version = "0.1.0"
api = [{api}]
name = {{ en = "{title}", zh-CN = "{title}" }}
description = {{ en = "A new mod.", zh-CN = "一个新模组。" }}
author = "you"
"""

MOD = '''\
"""{title}: a content type with its own icon and provider, and an evening discount.

Change it freely; `python3 -m pytest tests` checks that it still loads, runs its level and keeps the books.
"""

from factory_game.api import HOUR, MINUTE, ContentSpec, Dist, ModelSpec, Provider, builtin_price, hookimpl

CONTENT = ContentSpec("{name}-art", 250, {{"en": "{title} art", "zh-CN": "{title} 作品"}}, icon="icon.png")
MODEL = ModelSpec("{name}-gen", ("{name}-art",), slots=4, service=Dist.lognormal(6 * MINUTE, 0.5),
                  failure_rate=0.02, slot_cost_cents=150, rent_price_cents=400, max_extra=4,
                  names={{"en": "{title} Gen", "zh-CN": "{title} 生成"}})


@hookimpl
def river_register_content(register):
    register(CONTENT)


@hookimpl
def river_register_providers(register):
    register(Provider("{name}-labs", {{"en": "{title} Labs", "zh-CN": "{title} 实验室"}}, (MODEL,)))


@hookimpl
def river_price(world, customer, task):
    """20% off after the level's second hour (t = 0 is the level's start)."""
    if task.content == CONTENT.id and world.now >= 2 * HOUR:
        return builtin_price(world, customer, task) * 8 // 10
    return None
'''

ICON = '''\
"""Draw the mod's 16x16 icon in the game's palette; run `python3 make_icon.py` to rewrite icon.png beside it."""

from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
KEY = {"o": (26, 28, 44), "y": (255, 205, 117), "r": (177, 62, 83), "w": (244, 244, 244)}
ART = [
    "................",
    "......oooo......",
    "....ooyyyyoo....",
    "...oyyyyyyyyo...",
    "..oyywyyyyyyyo..",
    "..oyyyyyyyyyyo..",
    ".oyyyyyrryyyyyo.",
    ".oyyyyrrrryyyyo.",
    ".oyyyyrrrryyyyo.",
    ".oyyyyyrryyyyyo.",
    "..oyyyyyyyyyyo..",
    "..oyyyyyyyyyyo..",
    "...oyyyyyyyyo...",
    "....ooyyyyoo....",
    "......oooo......",
    "................",
]


def draw() -> Image.Image:
    image = Image.new("RGBA", (16, 16), (0, 0, 0, 0))
    for y, row in enumerate(ART):
        for x, char in enumerate(row):
            if char != ".":
                image.putpixel((x, y), (*KEY[char], 255))
    return image


if __name__ == "__main__":
    draw().save(HERE / "icon.png")
'''

LEVEL = """\
[level]
id = "{name}-demo"
title = {{ en = "{title} demo", zh-CN = "{title} 演示" }}
duration = "4h"
seed = 1
start_cash = "50.00"
mods = [{{ id = "{name}", version = ">=0.1" }}]

[tiers]
L1 = 1
L2 = 2

[models.{name}-gen]
slots = 4

[arrivals]
rate = 30
tiers = {{ L1 = 0.7, L2 = 0.3 }}
content = {{ {name}-art = 1.0 }}
budget = {{ dist = "uniform", min = "1.00", max = "8.00" }}

[[goals]]
metric = "money.profit_cents"
label = {{ en = "Profit", zh-CN = "利润" }}
at_least = ["20.00", "40.00", "60.00"]
"""

TEST = '''\
"""The mod loads through its entry point, runs its level, keeps the books straight and is deterministic."""

from importlib.resources import files

from factory_game.api import HOUR
from factory_game.testing import advance, assert_deterministic, check_invariants, make_world, mod_hooks, run

LEVEL = str(files("{package}") / "levels" / "demo.toml")


def test_the_mod_loads_with_its_hooks():
    assert mod_hooks("{name}") == ["river_price", "river_register_content", "river_register_providers"]


def test_its_level_runs_and_the_discount_applies():
    result = run(LEVEL)
    assert result.summary["models"]["{name}-gen"]["completed"] > 0
    world = make_world(LEVEL)
    advance(world, 3 * HOUR)
    assert check_invariants(world) == []


def test_it_is_deterministic():
    assert_deterministic(LEVEL, until_ms=2 * HOUR)
'''


def add_new_mod_command(sub) -> None:
    new = sub.add_parser("new-mod", help="scaffold a mod as an installable package (entry point, manifest, icon, "
                                         "level, tests)")
    new.add_argument("name", help="the mod's id: lowercase letters, digits, - and _")
    new.add_argument("--dir", help="where to create it (default: ./NAME)")
    new.set_defaults(handler=cmd_new_mod)


def scaffold(name: str, where: Path) -> Path:
    """Write the package for mod `name` into `where` (which must not exist or be empty). ValueError if not."""
    if not NAME.match(name):
        raise ValueError(f"a mod id of lowercase letters, digits, - and _ starting with a letter; found {name!r}")
    if where.exists() and not where.is_dir():
        raise ValueError(f"a new or empty folder for the mod; found the file {where}")
    if where.exists() and any(where.iterdir()):
        raise ValueError(f"a new or empty folder for the mod; found {where}, which holds files")
    package = "river_" + name.replace("-", "_")
    title = name.replace("-", " ").title()
    fields = {"name": name, "package": package, "title": title, "api": API_VERSION}
    files = {
        "pyproject.toml": PYPROJECT, "README.md": README, f"{package}/__init__.py": '"""{title}: a River Factory '
        'mod (its hooks are in mod.py)."""\n', f"{package}/mod.toml": MANIFEST, f"{package}/mod.py": MOD,
        f"{package}/make_icon.py": None, f"{package}/levels/demo.toml": LEVEL, "tests/test_mod.py": TEST,
    }
    for relative, template in files.items():
        path = where / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ICON if template is None else textwrap.dedent(template).format(**fields), encoding="utf-8")
    subprocess.run([sys.executable, str((where / package / "make_icon.py").absolute())], check=True)  # "-x/": no option
    return where


def cmd_new_mod(args: argparse.Namespace) -> int:
    where = Path(args.dir or args.name)
    try:
        scaffold(args.name, where)
    except ValueError as exc:
        print(f"error: new-mod: expected {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder on the way that is a file, no permission, a full disk
        print(f"error: new-mod --dir {where}: expected a folder that can be written; found {exc.filename}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"created {where}/ — next: cd {where} && pip install -e . && python3 -m pytest tests")
    return 0
