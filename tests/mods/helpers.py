"""Write throwaway mods and levels for the mod tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

SMALL_LEVEL = """
[level]
id = "mods-test"
title = {{ en = "Mods test", zh-CN = "模组测试" }}
duration = "2h"
seed = 3
mods = [{mods}]
priority_surcharge = 0.5

[models.sd15]
slots = 6
service = {{ dist = "exponential", mean = "5m" }}
failure_rate = 0.05

[arrivals]
rate = 90
content = {{ image = 1.0 }}
tiers = {{ L1 = 1, L3 = 1 }}
tasks = {{ dist = "uniform", min = 1, max = 3 }}
priority_share = 0.3
budget = {{ dist = "uniform", min = "2.00", max = "20.00" }}
"""


def write_mod(root: Path, mod_id: str, code: str, version: str = "1.0.0", api: str = "[1]",
              deps: dict[str, str] | None = None, folder: str | None = None) -> Path:
    """A folder mod: mod.toml plus mod.py (the code is dedented)."""
    where = root / (folder or mod_id)
    where.mkdir(parents=True)
    dep_lines = "".join(f'{name} = "{constraint}"\n' for name, constraint in (deps or {}).items())
    (where / "mod.toml").write_text(
        f'id = "{mod_id}"\nversion = "{version}"\napi = {api}\n'
        f'name = {{ en = "{mod_id}", zh-CN = "{mod_id}" }}\n'
        f'description = {{ en = "A test mod.", zh-CN = "测试模组。" }}\nauthor = "tests"\n'
        f"[dependencies]\n{dep_lines}", encoding="utf-8")
    (where / "mod.py").write_text("from factory_game.api import hookimpl\n" + textwrap.dedent(code),
                                  encoding="utf-8")
    return where


def write_level(path: Path, mods: str = "", body: str = SMALL_LEVEL) -> Path:
    """A small level naming `mods` (TOML array items, e.g. '"surge", { id = "x", version = ">=1" }')."""
    path.write_text(body.format(mods=mods), encoding="utf-8")
    return path
