"""Regenerate the pictures of docs/game.md: every bundled level at its busiest moment, in both languages, headless.

    ARCADE_HEADLESS=1 python3 docs/shots/make_shots.py [--size 1280x720] [--only LEVEL ...]

"Busiest" is the minute with the most tasks running or queued in a run without rentals
(``factory_game.game.screenshot.busiest_moment``). Writes ``docs/shots/<level>-<lang>.png`` and rewrites the list of
pictures between the ``shots`` markers in docs/game.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # the checkout this script sits in, whatever is installed

GAME_MD = ROOT / "docs" / "game.md"
START, END = "<!-- shots:start (docs/shots/make_shots.py writes this list) -->", "<!-- shots:end -->"
LANGS = ("zh-CN", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--only", nargs="*", help="level names (stems) to render again")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    from factory_game.game import platform

    platform.setup(headless=True)
    from factory_game.game.screenshot import busiest_moment, render_play
    from factory_game.level.bundled import LEVELS_DIR, bundled_levels
    from factory_game.texts import format_duration

    lines = []
    for path in bundled_levels():
        name = str(path.relative_to(LEVELS_DIR).with_suffix(""))
        slug = name.replace("/", "-")
        at = busiest_moment(path)
        shots = []
        for lang in LANGS:
            out = HERE / f"{slug}-{lang}.png"
            if not args.only or path.stem in args.only:
                render_play(path, at, out, size=size, lang=lang)
                print(f"wrote {out.relative_to(ROOT)} ({name} at {format_duration(at)})")
            shots.append(f"![{name} at {format_duration(at)} ({lang})](shots/{out.name})")
        lines.append(f"**{name}** at {format_duration(at)}\n\n" + "\n".join(shots))
    text = GAME_MD.read_text(encoding="utf-8")
    head, rest = text.split(START)
    _old, tail = rest.split(END)
    GAME_MD.write_text(head + START + "\n\n" + "\n\n".join(lines) + "\n\n" + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
