"""Rewrite the golden files after an intended change to the engine or the levels:

    python3 -m tests.golden.regenerate

Runs every case, writes its record, deletes goldens of levels that no longer exist, prints what changed, and notes
the commit the goldens were made against in data/MANIFEST.json. Review the printed differences before committing.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .cases import DATA_DIR, ROOT, cases, differences, read_golden, run_case, write_golden


def main() -> int:
    wanted = cases()
    for case in wanted:
        record = run_case(case)
        if case.golden_path.exists():
            changed = differences(read_golden(case), record)
            status = f"changed ({len(changed)} values)" if changed else "unchanged"
        else:
            status = "new"
        write_golden(case, record)
        print(f"{case.name:45} {status}")
    keep = {case.golden_path for case in wanted} | {DATA_DIR / "MANIFEST.json"}
    for stale in sorted(DATA_DIR.glob("*.json")):
        if stale not in keep:
            stale.unlink()
            print(f"{stale.name:45} deleted (no such case)")
    manifest = {"made_against_commit": _head(), "dirty_paths": _dirty(), "cases": [c.name for c in wanted]}
    (DATA_DIR / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return 0


def _head() -> str:
    return _git("rev-parse", "HEAD").strip() or "unknown"


def _dirty() -> list[str]:
    """Uncommitted engine, mod or level changes the goldens include (commit them together)."""
    lines = _git("status", "--porcelain", "--", "factory_game", "levels", "mods").splitlines()
    return sorted(line[3:] for line in lines if not line[3:].startswith("factory_game/game/"))


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
