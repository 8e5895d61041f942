"""What the game keeps between sessions: the save slot and the campaign progress (stars won), in the player's
directory (:func:`factory_game.paths.user_data_dir`).

Progress is a small versioned JSON file, written atomically. It is merged, never replaced: each write takes a lock,
reads the file again and keeps the best stars of the file and of this game, so two windows on one profile never
lose each other's stars. A file that cannot be read whole (bad JSON, a bad value, a newer layout) never stops the
game and is never silently overwritten: its good values still count, and a copy is kept aside
(``progress.json.damaged-<hash>``) before the next write, which the title screen tells the player.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from factory_game.atomic import write_text_atomically
from factory_game.paths import user_data_dir

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; merge-on-write still keeps both windows' stars but for a race
    fcntl = None  # type: ignore[assignment]

PROGRESS_VERSION = 1
MAX_STARS = 3


def save_slot() -> Path:
    """The one save slot the pause menu writes and loads."""
    return user_data_dir() / "save.json"


def progress_file() -> Path:
    return user_data_dir() / "progress.json"


@dataclass(frozen=True)
class Progress:
    """Stars won by level id; `damaged` says why the file could not be read whole (None: it could, or there is
    none), `kept_as` where a copy of the damaged file was put."""

    stars: dict[str, int] = field(default_factory=dict)
    damaged: str | None = None
    kept_as: Path | None = None


def parse_progress(text: str) -> Progress:
    """The stars a progress file's text holds; every value that is not 0-3 stars of a level id is left out and
    named in `damaged`."""
    try:
        body = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as exc:
        return Progress(damaged=f"not JSON ({str(exc)[:60] or type(exc).__name__})")
    if not isinstance(body, dict) or not isinstance(body.get("stars"), dict):
        return Progress(damaged="expected an object with a table of stars")
    version = body.get("version")
    if version != PROGRESS_VERSION or isinstance(version, bool):
        return Progress(damaged=f"expected progress format {PROGRESS_VERSION}; found {str(version)[:20]}")
    stars, bad = {}, []
    for level_id, value in body["stars"].items():
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_STARS:
            stars[level_id] = value
        else:
            bad.append(level_id)
    damaged = f"expected 0 to {MAX_STARS} stars; found something else for {', '.join(bad[:3])}" if bad else None
    return Progress(stars, damaged)


def read_progress() -> Progress:
    """The progress file as it is now ({} when there is none); never raises."""
    try:
        text = progress_file().read_text(encoding="utf-8")
    except FileNotFoundError:
        return Progress()
    except (OSError, UnicodeDecodeError) as exc:
        return Progress(damaged=getattr(exc, "strerror", None) or "not UTF-8 text")
    return parse_progress(text)


def read_stars() -> dict[str, int]:
    """Level id -> best stars won, from the progress file (the good values of a damaged one)."""
    return read_progress().stars


def open_progress() -> Progress:
    """At start-up: the progress, with a damaged file already copied aside (`kept_as`) for the player to be told."""
    progress = read_progress()
    if progress.damaged:
        return Progress(progress.stars, progress.damaged, _keep_aside())
    return progress


def write_stars(stars: dict[str, int]) -> Progress:
    """Merge `stars` into the progress file: under a lock, each level keeps the best of the file and `stars`. A
    damaged file is copied aside first. Returns the merged progress. A failure to write (read-only home, full disk)
    is ignored: progress is a convenience, losing it must not stop the game."""
    try:
        with _locked():
            on_disk = read_progress()
            kept = _keep_aside() if on_disk.damaged else None
            merged = dict(on_disk.stars)
            for level_id, won in stars.items():
                merged[level_id] = max(won, merged.get(level_id, 0))
            text = json.dumps({"version": PROGRESS_VERSION, "stars": dict(sorted(merged.items()))}, indent=1)
            write_text_atomically(progress_file(), text + "\n")
    except OSError:
        return Progress(dict(stars))
    return Progress(merged, on_disk.damaged, kept)


def _keep_aside() -> Path | None:
    """Copy the progress file to `progress.json.damaged-<hash of its bytes>` (one copy per content)."""
    source = progress_file()
    try:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
        target = source.with_name(f"{source.name}.damaged-{digest}")
        if not target.exists():
            shutil.copy2(source, target)
    except OSError:
        return None
    return target


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """An exclusive lock on `progress.json.lock` (a file never replaced, so every window locks the same one)."""
    lock_path = progress_file().with_name(progress_file().name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
