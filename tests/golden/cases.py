"""The regression scenarios: every bundled level, run headless with its own autopilot at fixed seeds, compared
with a golden record (summary, goals, recorded commands and the event-log hash).

Counts, cents, strings and the hash must match exactly; derived floats (means, shares) within 1e-9 relative, so
that a last-bit difference in a platform's libm does not read as a regression while any real change still does.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from factory_game.plugins import prepare_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR

ROOT = Path(__file__).resolve().parents[2]
LEVELS_DIR = ROOT / "levels"
DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRA_SEED = 101  # every campaign level also runs at this seed, so a balance that holds only by luck shows up
MAX_RUN_MS = 4 * HOUR  # the endless sandbox is cut here; campaign levels are shorter
REGENERATE = "python3 -m tests.golden.regenerate"


@dataclass(frozen=True)
class Case:
    level: str  # path relative to levels/, e.g. "campaign/01-opening-day.toml"
    seed: int
    until_ms: int

    @property
    def name(self) -> str:
        return f"{self.level.removesuffix('.toml')}@seed{self.seed}"

    @property
    def golden_path(self) -> Path:
        return DATA_DIR / f"{self.level.removesuffix('.toml').replace('/', '__')}__seed{self.seed}.json"


def cases() -> list[Case]:
    out = []
    for path in sorted(LEVELS_DIR.rglob("*.toml")):
        relative = path.relative_to(LEVELS_DIR).as_posix()
        spec = prepare_level(path).spec
        until = min(spec.duration_ms, MAX_RUN_MS)
        seeds = [spec.seed] + ([EXTRA_SEED] if relative.startswith("campaign/") else [])
        out.extend(Case(relative, seed, until) for seed in seeds)
    return out


def run_case(case: Case) -> dict:
    """The record a golden file holds: JSON-ready, with the run's identity first."""
    result = run_level(prepare_level(LEVELS_DIR / case.level), seed=case.seed, until_ms=case.until_ms)
    record = result.to_json()
    del record["source"]  # an absolute path that differs between checkouts; `case.level` names the level
    del record["mods"], record["mod_failures"]  # mod sources are absolute paths; the level names its mods
    return {"case": {"level": case.level, "seed": case.seed, "until_ms": case.until_ms}, **record}


def read_golden(case: Case) -> dict:
    return json.loads(case.golden_path.read_text(encoding="utf-8"))


def write_golden(case: Case, record: dict) -> None:
    case.golden_path.parent.mkdir(parents=True, exist_ok=True)
    case.golden_path.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")


def differences(golden: object, now: object, path: str = "") -> list[str]:
    """Every leaf that differs, as `path: golden X, now Y` lines (readable in a pytest failure)."""
    if isinstance(golden, dict) and isinstance(now, dict):
        out = []
        for key in sorted(set(golden) | set(now), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in now:
                out.append(f"{sub}: golden {_show(golden[key])}, now missing")
            elif key not in golden:
                out.append(f"{sub}: not in golden, now {_show(now[key])}")
            else:
                out.extend(differences(golden[key], now[key], sub))
        return out
    if isinstance(golden, list) and isinstance(now, list):
        out = [line for i, (g, n) in enumerate(zip(golden, now, strict=False))
               for line in differences(g, n, f"{path}[{i}]")]
        if len(golden) != len(now):
            out.append(f"{path}: golden has {len(golden)} items, now {len(now)}")
        return out
    if _same(golden, now):
        return []
    return [f"{path}: golden {_show(golden)}, now {_show(now)}"]


def _same(golden: object, now: object) -> bool:
    if isinstance(golden, float) or isinstance(now, float):
        if isinstance(golden, bool) or isinstance(now, bool) or not isinstance(golden, int | float) \
                or not isinstance(now, int | float):
            return False
        return math.isclose(golden, now, rel_tol=1e-9, abs_tol=1e-12)
    return type(golden) is type(now) and golden == now


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
