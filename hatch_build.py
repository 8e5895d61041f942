"""The wheel's build hook: with `RIVER_COMPILED_WHEEL=1`, the wheel carries the compiled core.

    RIVER_COMPILED_WHEEL=1 pip wheel --no-deps -w dist .

compiles the simulation's hot path with mypyc (`python -m factory_game.build_core`, in the build's own environment,
unless a build of the current sources is already in place) and ships the extension modules beside their sources, in
a wheel tagged for this Python and platform. Without the variable the wheel is pure Python (`py3-none-any`) and runs
everywhere. Both give byte-identical results; a compiled module whose source does not match its build is never used
(`factory_game.sim.core`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SWITCH = "RIVER_COMPILED_WHEEL"


def _wanted() -> bool:
    return os.environ.get(SWITCH, "") not in ("", "0")


class CompiledCoreHook(BuildHookInterface):
    def dependencies(self) -> list[str]:
        """What compiling needs in the build's environment: mypyc (part of mypy) and setuptools' build_ext."""
        return ["mypy>=2.0", "setuptools>=64"] if _wanted() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or not _wanted():
            return
        root = Path(self.root)
        if not _current_build(root):
            subprocess.run([sys.executable, "-m", "factory_game.build_core"], cwd=root, check=True)
            if not _current_build(root):
                raise RuntimeError(f"{SWITCH}=1: the compiled core was not built (see the messages above)")
        build_data["pure_python"] = False
        build_data["infer_tag"] = True  # cp3xx-cp3xx-<platform>: the extension modules are this Python's
        build_data["artifacts"] += ["factory_game/sim/*.so", "factory_game/sim/*.pyd",
                                    "factory_game/sim/_core_build.json"]


def _current_build(root: Path) -> bool:
    """An extension module for every compiled source, built from that source as it is today (the build's stamp)."""
    sys.path.insert(0, str(root))  # this tree's factory_game (the standard library only, at this depth)
    try:
        from factory_game.sim.core import COMPILED, STAMP, source_digest
    finally:
        sys.path.remove(str(root))
    sim = root / "factory_game" / "sim"
    stamp = sim / STAMP
    built = json.loads(stamp.read_text()) if stamp.exists() else {}
    return all(built.get(name) == source_digest(name) and [*sim.glob(f"{name}.*.so"), *sim.glob(f"{name}.*.pyd")]
               for name in COMPILED)
