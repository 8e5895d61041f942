"""Bad input on the command line, said once and before any work: the error every command raises for it, and the
check of output paths that runs before a run starts (so a run is never lost to a path that cannot be written, and
no output ever replaces one of the command's inputs)."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Iterable
from pathlib import Path


class BadInput(Exception):
    """Bad command-line input, with a message that names the option or file, what was expected and what was
    found. The command line prints it and exits 2."""


def describe_os_error(exc: OSError) -> str:
    """`path: reason` for an OSError on a file the command was pointed at."""
    where = exc.filename if exc.filename is not None else "a file"
    return f"{where}: {exc.strerror or exc}"


def check_outputs(outputs: dict[str, str | None], inputs: Iterable[str | Path | None] = ()) -> None:
    """Raise BadInput unless each output (option -> path; None for an option not given, '-' for stdout) can be
    written: its folder exists and is writable, it is not a folder or a device, it is none of `inputs`, and no two
    options name the same file."""
    seen: dict[Path, str] = {}
    input_paths = [Path(p) for p in inputs if p is not None and str(p) != "-"]
    for option, where in outputs.items():
        if where is None or where == "-":
            continue
        if where == "":
            raise BadInput(f"{option}: expected a file name; found an empty string")
        path = Path(where)
        found = _kind(path)
        if found not in (None, "a file"):
            raise BadInput(f"{option} {where}: expected a file to write; found {found}")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise BadInput(f"{option} {where}: expected an existing folder to write in; found no folder {folder}")
        if not os.access(folder, os.W_OK):
            raise BadInput(f"{option} {where}: expected a folder you can write to; found {folder} read-only")
        for other in input_paths:
            if same_file(path, other):
                raise BadInput(f"{option} {where}: expected a new file or an earlier output; found the input "
                               f"{other} (it would be overwritten)")
        for earlier, earlier_option in seen.items():
            if same_file(path, earlier):
                raise BadInput(f"{option} {where}: expected a file of its own; found the file of {earlier_option}")
        seen[path] = option


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same path, or links to one file)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.abspath(a) == os.path.abspath(b)


def _kind(path: Path) -> str | None:
    """None when nothing is there, 'a file' for a regular file, else what is there."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"a path that cannot be examined ({exc.strerror})"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a device, pipe or socket"


SEED_RANGE = (0, 2**63 - 1)  # as a level's `seed` (factory_game/sim/spec.py): every seed is checked this way


def check_seed(value: object) -> str | None:
    """None for a valid seed, else what a seed should be (for `expected …; found …`)."""
    low, high = SEED_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return "an integer seed from 0 to 2^63-1"
    return None


def seed_argument(text: str) -> int:
    """argparse type of every `--seed`: the range a level's seed has, so a game never runs (and saves) with a seed
    that a level or a save would refuse."""
    try:
        value = int(text)
    except ValueError:
        value = None
    expected = check_seed(value)
    if expected:
        raise argparse.ArgumentTypeError(f"expected {expected}; found {text[:40]!r}")
    return value  # type: ignore[return-value]
