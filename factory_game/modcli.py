"""The command line for mod authors: `factory-game mods` (what is installed, whether it loads, its hooks;
`--json` for tools) and the run options that look inside mods (`--profile-mods`, `--verbose`, `--mod-budget`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from factory_game.level.units import parse_duration
from factory_game.modcheck import check_level, levels_of
from factory_game.newmod import add_new_mod_command
from factory_game.plugins import mod_states
from factory_game.plugins.guard import (
    DEFAULT_BUDGET_S,
    TRACE_ENV,
    WALL_CEILING_FACTOR,
    WALL_CEILING_MIN_S,
    check_budget,
)
from factory_game.plugins.levels import find_level
from factory_game.plugins.manifest import Manifest, Setting

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def add_mod_commands(sub) -> None:
    mods = sub.add_parser("mods", help="list the mods found, whether each can be loaded, and its hooks")
    mods.add_argument("--json", action="store_true", help="print JSON: id, version, source, hash, state, hooks")
    mods.set_defaults(handler=cmd_mods)
    add_new_mod_command(sub)
    check = sub.add_parser("check-mod", help="run a mod's levels in separate processes (other hash seeds, times, "
                                             "import orders) and say whether they agree")
    check.add_argument("mod", metavar="ID", help="the mod's id")
    check.add_argument("level", nargs="?", help="one level (a path, a bundled name or ID/LEVEL); default: every "
                                                "level the mod ships and every bundled level that names it")
    check.add_argument("--seed", type=int, help="the seed (default: each level's)")
    check.add_argument("--until", metavar="DURATION", help="simulated time to run, e.g. 2h (default: the level's)")
    check.add_argument("--hash-seeds", type=int, default=3, metavar="N",
                       help="how many PYTHONHASHSEEDs besides 0 to try (default 3)")
    check.set_defaults(handler=cmd_check_mod)


def add_run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument("--profile-mods", action="store_true", help="print the time each mod spent in each hook")
    run.add_argument("--mod-budget", type=budget_seconds, default=DEFAULT_BUDGET_S, metavar="SECONDS",
                     help=f"CPU seconds one hook call may use before the mod is stopped (default "
                          f"{DEFAULT_BUDGET_S:g}; a call blocked past max({WALL_CEILING_MIN_S:g} s, "
                          f"{WALL_CEILING_FACTOR:g} × budget) of wall-clock time ends the run)")
    run.add_argument("--strict", action="store_true",
                     help="with --replay: refuse when a mod differs from the recorded run (default: warn)")
    run.add_argument("--verbose", action="store_true",
                     help=f"show the mods' log messages (and set {TRACE_ENV}=1 to see every hook call)")


def budget_seconds(text: str) -> float:
    """--mod-budget: a finite number of seconds above 0 (argparse reports the ValueError's message)."""
    try:
        return check_budget(float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc) if "seconds" in str(exc) else
                                         f"expected a finite number of seconds above 0; found {text!r}") from None


def configure_logging(verbose: bool) -> None:
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _declared(manifest: Manifest) -> dict:
    """What a mod declares, for tools (a settings form, a dependency check): api, game, dependencies, settings,
    metrics and events."""
    def setting(item: Setting) -> dict:
        return {"name": item.name, "unit": item.unit, "default": item.default, "min": item.low, "max": item.high,
                "names": item.names}
    return {"api": list(manifest.api), "game": manifest.game, "dependencies": dict(manifest.dependencies),
            "settings": [setting(item) for item in manifest.settings],
            "metrics": [{"name": m.name, "unit": m.unit, "description": m.description} for m in manifest.metrics],
            "events": [{"name": e.name, "names": e.names, "params": [setting(p) for p in e.params]}
                       for e in manifest.events]}


def cmd_check_mod(args: argparse.Namespace) -> int:
    if args.level:
        path = find_level(args.level)
        levels = [(args.level, path if path.exists() else find_level(f"{args.mod}/{args.level}"))]
    else:
        levels = levels_of(args.mod)
    if not levels:
        print(f"error: no level uses mod {args.mod}: name one (factory-game check-mod {args.mod} LEVEL)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    until = None
    if args.until:
        try:
            until = parse_duration(args.until)
        except ValueError as exc:
            print(f"error: --until: expected {exc}; found {args.until!r}", file=sys.stderr)
            return EXIT_BAD_INPUT
    bad = 0
    for name, path in levels:
        report = check_level(path, seed=args.seed, until_ms=until, hash_seeds=args.hash_seeds)
        report.level = name
        print(report)
        bad += bool(report.problems)
    return EXIT_OK if not bad else EXIT_BAD_INPUT


def cmd_mods(args: argparse.Namespace) -> int:
    states = mod_states()
    if args.json:
        json.dump([{"id": info.id if info.manifest else None, "version": info.manifest.version if info.manifest
                    else None, "source": info.source, "sha256": info.files_hash() if info.manifest else None,
                    "state": "ok" if problem is None else "error", "problem": problem, "hooks": hooks,
                    **(_declared(info.manifest) if info.manifest else {})}
                   for info, problem, hooks in states], sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif not states:
        print("no mods found (looked in mods/, ./mods, $RIVER_MODS and the factory_game.mods entry points)")
    for info, problem, hooks in states if not args.json else ():
        name = f"{info.manifest.names['en']} / {info.manifest.names['zh-CN']}" if info.manifest else ""
        print(f"{info.label:28} {'ok' if problem is None else 'error'}  {name}  ({info.source})")
        if problem is None:
            print(f"  hooks: {', '.join(hooks)}")
        else:
            print(f"  {problem}")
    return EXIT_OK if all(problem is None for _info, problem, _hooks in states) else EXIT_BAD_INPUT
