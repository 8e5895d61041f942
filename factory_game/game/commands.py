"""The game's sub-commands for ``factory-game``: ``play`` and ``screenshot``.

``factory_game/cli.py`` calls :func:`add_game_commands` with its sub-parsers; each handler takes the parsed
arguments and returns an exit code (0 ok, 2 bad input), like the engine's commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from factory_game.errors import BadInput, check_outputs, seed_argument
from factory_game.texts import LANGUAGES


def add_game_commands(subparsers) -> None:
    play = subparsers.add_parser("play", help="open the game window (default: the title screen)")
    play.add_argument("level", nargs="?", help="a level file, or the name of a bundled level")
    play.add_argument("--lang", choices=LANGUAGES, help="language (default: the system's)")
    play.add_argument("--mute", action="store_true", help="no sound")
    play.add_argument("--seed", type=seed_argument, help="seed, 0 to 2^63-1 (default: the level's)")
    play.add_argument("--ui-scale", type=int, choices=(1, 2, 3, 4),
                      help="draw the HUD this many times bigger (default: the last one chosen with U, else "
                           "automatic, one step per 1280x720)")
    play.add_argument("--size", help="window size WxH, at least 640x360 (default: the last window's, else 1280x720)")
    play.add_argument("--fullscreen", action="store_true", help="open fullscreen (F11 switches in the game)")
    play.add_argument("--replay", metavar="FILE",
                      help="watch a recorded run of LEVEL (a run --json record or a command list, as run --replay "
                           "takes), with a timeline to seek")
    play.set_defaults(handler=cmd_play)

    shot = subparsers.add_parser("screenshot", help="render a level at a moment to a PNG, headless")
    shot.add_argument("level", help="a level file, or the name of a bundled level")
    shot.add_argument("--at", default="30m", help='simulated time, e.g. "30m" or "1h30m" (default 30m)')
    shot.add_argument("--out", default="shot.png", help="the PNG to write (default shot.png)")
    shot.add_argument("--size", default="1280x720", help="window size WxH (default 1280x720)")
    shot.add_argument("--lang", choices=LANGUAGES, default="zh-CN", help="language (default: zh-CN)")
    shot.add_argument("--seed", type=seed_argument, help="seed, 0 to 2^63-1 (default: the level's)")
    shot.set_defaults(handler=cmd_screenshot)


def _level(name: str | None) -> Path | None:
    if name is None:
        return None
    from factory_game.plugins.levels import find_level

    return find_level(name)


NO_DISPLAY = """error: factory-game play needs a display, and this session has none ({why}).
The game window would open nowhere. Instead:
  factory-game run LEVEL --report DIR        play a level headless and write its report
  factory-game screenshot LEVEL --at 30m     render the play screen at a moment to a PNG
  xvfb-run -a factory-game play              open the window on a virtual display (Debian package xvfb)"""


def no_display_reason() -> str | None:
    """Why ``play`` cannot show a window here, or None when it can. Checked before Arcade is imported, so the
    answer comes at once instead of an invisible headless window that runs for ever."""
    import os
    import sys

    if os.environ.get("ARCADE_HEADLESS"):
        return "ARCADE_HEADLESS is set"
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return None


def cmd_play(args: argparse.Namespace) -> int:
    import sys

    replay = watched_run(args) if args.replay else None  # a bad file is told before anything opens
    why = no_display_reason()
    if why is not None:
        print(NO_DISPLAY.format(why=why), file=sys.stderr)
        return 2
    size = window_size(args.size) if args.size is not None else None
    if args.size is not None and size is None:
        print(f"error: --size: expected WxH of at least 640x360, like 1920x1080; found {args.size!r}",
              file=sys.stderr)
        return 2
    from factory_game.game.app import play

    play(_level(args.level), lang=args.lang, muted=args.mute, seed=args.seed, ui_scale=args.ui_scale, size=size,
         fullscreen=args.fullscreen, replay=replay)
    return 0


def watched_run(args: argparse.Namespace):
    """The commands of `play LEVEL --replay FILE` and the prepared level, checked as `run --replay` checks them
    (`runner.replay_commands`): a bad file, or a run of another level, is refused (BadInput, exit 2); mods that
    differ from the recorded run's are warned about."""
    from factory_game.plugins import prepare_level
    from factory_game.runner import replay_commands

    level = _level(args.level)
    if level is None:
        raise BadInput(f"--replay {args.replay}: expected a LEVEL to watch it on; found none")
    prepared = prepare_level(level, lenient=True)
    return replay_commands(args.replay, prepared), prepared


def window_size(text: str) -> tuple[int, int] | None:
    """``1920x1080`` as (1920, 1080); None unless it is two whole numbers of at least 640 by 360."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(part.strip().isdigit() for part in parts):
        return None
    width, height = (int(part) for part in parts)
    return (width, height) if width >= 640 and height >= 360 else None


def cmd_screenshot(args: argparse.Namespace) -> int:

    from factory_game.game.screenshot import render_play
    from factory_game.level.units import parse_duration

    try:
        at_ms = parse_duration(args.at)
    except ValueError as exc:
        raise BadInput(f"--at: expected {exc}; found {args.at!r}") from None
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
        if not (1 <= width <= 8192 and 1 <= height <= 8192):
            raise ValueError
    except ValueError:
        raise BadInput(f"--size: expected WIDTHxHEIGHT, each from 1 to 8192; found {args.size!r}") from None
    from factory_game.plugins.levels import find_level

    level = find_level(args.level)
    check_outputs({"--out": args.out}, [level])
    render_play(level, at_ms, args.out, size=(width, height), lang=args.lang, seed=args.seed)
    print(f"wrote {args.out} ({width}x{height}, {args.level} at {args.at})")
    return 0
