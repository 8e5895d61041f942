"""The regression scenarios: every bundled level, run headless with its own autopilot at fixed seeds, compared
with a golden record (summary, goals, recorded commands and the event-log hash).

Beside the hash each record keeps its key values (`key`: profit, on-time share, counts) and a coarse trajectory
(`trajectory`: cash, held cents and event counts every half hour), so that a change shows which metrics moved and
when: a run that differs only in its hash is a change of event order or format; one whose trajectory moves mid-run
but ends the same (a cost booked late, say) still shows where.

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
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.events import Kind

ROOT = Path(__file__).resolve().parents[2]
LEVELS_DIR = ROOT / "levels"
DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRA_SEED = 101  # every campaign level also runs at this seed, so a balance that holds only by luck shows up
MAX_RUN_MS = 4 * HOUR  # the endless sandbox is cut here; campaign levels are shorter
REGENERATE = "python3 -m tests.golden.regenerate --write"
# The key values a change is first read by: name -> dotted path in the record.
KEY_VALUES = {
    "profit_cents": "summary.money.profit_cents", "revenue_cents": "summary.money.revenue_cents",
    "upstream_cost_cents": "summary.money.upstream_cost_cents", "cash_cents": "summary.money.cash_cents",
    "held_cents": "summary.money.held_cents", "on_time_share": "summary.overall.sla_share",
    "satisfaction": "summary.overall.satisfaction", "customers": "summary.overall.customers",
    "completed": "summary.overall.completed", "failed": "summary.overall.failed",
    "abandoned": "summary.overall.abandoned", "lost_sales": "summary.overall.lost_sales",
    "prompts": "summary.overall.prompts", "angry_customers": "summary.overall.angry_customers",
    "stars": "stars", "events": "events",
}
TRAJECTORY_EVERY_MS = 30 * MINUTE
TRAJECTORY_COUNTS = (Kind.ARRIVE, Kind.FINISH, Kind.FAIL, Kind.ABANDON, Kind.PROMPT, Kind.COMMAND)
TRAJECTORY_FIELDS = ("minute", "cash_cents", "held_cents", *(k.value for k in TRAJECTORY_COUNTS))


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
    trajectory: list[list] = []
    result = run_level(prepare_level(LEVELS_DIR / case.level), seed=case.seed, until_ms=case.until_ms,
                       world_hook=lambda world: _follow(world, case.until_ms, trajectory))
    record = result.to_json()
    del record["source"]  # an absolute path that differs between checkouts; `case.level` names the level
    del record["mods"], record["mod_failures"]  # mod sources are absolute paths; the level names its mods
    key = {name: _at(record, path) for name, path in KEY_VALUES.items()}
    return {"case": {"level": case.level, "seed": case.seed, "until_ms": case.until_ms}, "key": key,
            "trajectory": {"fields": list(TRAJECTORY_FIELDS), "every_minutes": TRAJECTORY_EVERY_MS // MINUTE,
                           "rows": trajectory},
            **record}


def _follow(world, until_ms: int, rows: list[list]) -> None:
    """Sample cash, held cents and running event counts every TRAJECTORY_EVERY_MS (read-only: nothing is emitted,
    and the samples sit on the calendar after everything else due at the same time)."""
    counts = dict.fromkeys(TRAJECTORY_COUNTS, 0)

    def count(event) -> None:
        if event.kind in counts:
            counts[event.kind] += 1

    def sample() -> None:
        ledger = world.ledger
        rows.append([world.now // MINUTE, ledger.cash_cents, ledger.held_cents, *counts.values()])

    world.subscribe(count)
    for time in range(TRAJECTORY_EVERY_MS, until_ms + 1, TRAJECTORY_EVERY_MS):
        world.call_at(time, sample)


def _at(record: dict, path: str) -> object:
    value: object = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def explain(golden: dict, now: dict) -> list[str]:
    """What moved, before the full list of differences: the key values (golden -> now), the first half hour whose
    trajectory differs, or a note that only the event hash changed."""
    lines = []
    old_key, new_key = golden.get("key", {}), now.get("key", {})
    for name in KEY_VALUES:
        before, after = old_key.get(name), new_key.get(name)
        if not _same(before, after):
            delta = f" ({after - before:+.6g})" if isinstance(before, int | float) and \
                isinstance(after, int | float) and not isinstance(before, bool) else ""
            lines.append(f"key {name}: {_show(before)} -> {_show(after)}{delta}")
    old_rows = golden.get("trajectory", {}).get("rows", [])
    new_rows = now.get("trajectory", {}).get("rows", [])
    fields = now.get("trajectory", {}).get("fields", list(TRAJECTORY_FIELDS))
    for old_row, new_row in zip(old_rows, new_rows, strict=False):
        if old_row != new_row:
            moved = [f"{f} {a} -> {b}" for f, a, b in zip(fields, old_row, new_row, strict=False) if a != b]
            lines.append(f"trajectory first differs at minute {new_row[0]}: " + ", ".join(moved))
            break
    rest = [d for d in differences(golden, now) if not d.startswith(("key.", "trajectory."))]
    if not lines and rest and all(d.startswith("event_log_sha256:") for d in rest):
        lines.append("only the event hash changed: no key value and no trajectory point moved (the events' order "
                     "or content changed; check that this is intended)")
    return lines


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
