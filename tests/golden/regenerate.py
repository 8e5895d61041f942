"""See what an engine or level change did to the golden records, then rewrite them on purpose:

    python3 -m tests.golden.regenerate                         # dry run: what moved, per case; writes nothing
    python3 -m tests.golden.regenerate --only 'campaign/05*'   # some cases
    python3 -m tests.golden.regenerate --write                 # rewrite the records (and delete stale ones)

For each changed case it prints the key values that moved (golden -> now), the first half hour whose trajectory
differs, or that only the event hash changed, and then every differing value. The records are written only with
--write, which also notes the commit they were made against in data/MANIFEST.json. Exit 1 on a dry run that found
changes, so a script cannot mistake it for a clean run.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys

from .cases import DATA_DIR, ROOT, cases, differences, explain, read_golden, run_case, write_golden

MAX_LINES = 40


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.golden.regenerate", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the records (default: show what moved)")
    parser.add_argument("--only", metavar="GLOB", action="append", help="cases whose name matches (repeatable)")
    args = parser.parse_args(argv)
    every = cases()
    wanted = [c for c in every if not args.only or any(fnmatch.fnmatch(c.name, g) for g in args.only)]
    if not wanted:
        print(f"no case matches {args.only}; cases are named like {every[0].name}", file=sys.stderr)
        return 2
    changed_cases = 0
    for case in wanted:
        record = run_case(case)
        if case.golden_path.exists():
            golden = read_golden(case)
            changed = differences(golden, record)
            status = f"changed ({len(changed)} values)" if changed else "unchanged"
        else:
            golden, changed, status = {}, [], "new"
        changed_cases += bool(changed) or status == "new"
        print(f"{case.name:45} {status}")
        if changed:
            for line in explain(golden, record):
                print(f"    {line}")
            for line in changed[:MAX_LINES]:
                print(f"      {line}")
            if len(changed) > MAX_LINES:
                print(f"      ... and {len(changed) - MAX_LINES} more")
        if args.write:
            write_golden(case, record)
    if not args.write:
        if changed_cases:
            print(f"dry run: {changed_cases} case(s) would change; rewrite them with --write")
        return 1 if changed_cases else 0
    if not args.only:
        keep = {case.golden_path for case in every} | {DATA_DIR / "MANIFEST.json"}
        for stale in sorted(DATA_DIR.glob("*.json")):
            if stale not in keep:
                stale.unlink()
                print(f"{stale.name:45} deleted (no such case)")
    manifest = {"made_against_commit": _head(), "dirty_paths": _dirty(), "cases": [c.name for c in every]}
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
