"""Which simulation modules run compiled, and the switch back to pure Python.

`python -m factory_game.build_core` compiles `COMPILED` with mypyc into extension modules beside their sources and
stamps the sources' digests. At import (`factory_game.sim` installs `use_pure_when_needed`) the pure sources are used
instead when `RIVER_PURE` is set, or when a compiled source changed since the build (a stale build must never
run: the compiled module would not be the code in the file). Both paths give byte-identical results.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The hot path and what it calls on every task: the calendar, events and their lines, entities, ledger, metrics,
# capacity, the counters and histograms, arrivals and their draws, the prompt, the market, the task flow and the two
# built-in rules asked on every task. Not compiled: rules.py (mypyc rejects the class declared for the type checker
# only; its other defaults are asked rarely), commands.py (its dataclasses inherit defaults, which a compiled
# dataclass does not), and what runs a few times a run (the level's data, levers, the autopilot).
COMPILED = ("clock", "events", "entities", "ledger", "stats", "metrics", "capacity", "world", "arrivals",
            "distributions", "prompt", "market", "rng", "builtin_rules")
GROUP = "factory_game.sim._core"  # the shared library of the compiled modules: factory_game/sim/_core__mypyc.*.so
STAMP = "_core_build.json"  # module -> digest of the source it was compiled from
_SIM = Path(__file__).resolve().parent


def source_digest(name: str) -> str:
    return hashlib.sha256((_SIM / f"{name}.py").read_bytes()).hexdigest()


def pure_reason() -> str | None:
    """Why the pure sources are used though a build may exist: `RIVER_PURE`, or a source changed since the build."""
    if os.environ.get("RIVER_PURE", "") not in ("", "0"):
        return "RIVER_PURE is set"
    stamp = _SIM / STAMP
    if not stamp.exists():
        return None
    built = json.loads(stamp.read_text())
    changed = [name for name in COMPILED if built.get(name) != source_digest(name)]
    if changed:
        return f"changed since the compiled build: {', '.join(changed)} (rebuild: python -m factory_game.build_core)"
    return None


class _PureFinder:
    """Finds the compiled modules' .py sources, ahead of the extension modules the normal finder prefers."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        package, _, short = name.rpartition(".")
        if package != __package__ or short not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(name, _SIM / f"{short}.py")


def use_pure_when_needed() -> None:
    """Install the pure finder when `pure_reason()` says so (a no-op when nothing was built)."""
    if pure_reason() is not None and _PureFinder not in sys.meta_path:
        sys.meta_path.insert(0, _PureFinder)


def is_compiled() -> bool:
    """True when the task flow runs as a compiled module."""
    from factory_game.sim import world

    return not (world.__file__ or "").endswith(".py")
