"""What the game keeps between sessions: the save slot, the campaign progress (stars won) and the settings (the UI
scale and the window size the player chose), in the player's directory (:func:`factory_game.paths.user_data_dir`).

Progress is a small versioned JSON file, written atomically. It is merged, never replaced: each write takes a lock,
reads the file again and keeps the best stars of the file and of this game, so two windows on one profile never
lose each other's stars. A file that cannot be read whole (bad JSON, a bad value, a newer layout) never stops the
game and is never silently overwritten: its good values still count, and a copy is kept aside
(``progress.json.damaged-<hash>``) before the next write, which the title screen tells the player.

Settings (``settings.json``) are kept the same careful way: versioned, merged under a lock (a write changes only the
settings it names), written atomically; a value that is not what it should be costs only itself (its default is
used), a file that is not JSON at all is copied aside before it is written again, and nothing here ever raises.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factory_game import career
from factory_game.atomic import write_text_atomically
from factory_game.errors import BadInput
from factory_game.paths import user_data_dir

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; merge-on-write still keeps both windows' stars but for a race
    fcntl = None  # type: ignore[assignment]

PROGRESS_VERSION = 1
MAX_STARS = 3
SETTINGS_VERSION = 1
UI_SCALES = (1, 2, 3, 4)  # as `play --ui-scale` takes them; None: automatic
MIN_WINDOW = (640, 360)
MAX_WINDOW = 16384


def save_slot() -> Path:
    """The one save slot the pause menu writes and loads."""
    return user_data_dir() / "save.json"


def career_file() -> Path:
    """The career in progress (`career.career_document`), written each evening."""
    return user_data_dir() / "career.json"


def read_career() -> career.Career | None:
    """The saved career that still goes on, or None (none saved, over, or not readable: a new one starts)."""
    if not career_file().is_file():
        return None
    try:
        saved = career.read_career(career_file())
    except BadInput:
        return None
    return None if saved.ended else saved


def write_career(state: career.Career) -> str | None:
    """Save the career; why it could not be saved, or None. A finished career's file stays as its last record."""
    try:
        career.save_career(state, career_file())
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


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


def _read_text(path: Path) -> tuple[str | None, str | None]:
    """(text, why it could not be read): (None, None) when there is no file; never raises."""
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, getattr(exc, "strerror", None) or "not UTF-8 text"


def read_progress() -> Progress:
    """The progress file as it is now ({} when there is none); never raises."""
    text, unreadable = _read_text(progress_file())
    return Progress(damaged=unreadable) if text is None else parse_progress(text)


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


def settings_file() -> Path:
    return user_data_dir() / "settings.json"


@dataclass(frozen=True)
class Settings:
    """What the player chose: the HUD's scale (None: automatic) and the window's size (None: the default).
    `damaged` names the values that could not be read (each left at its default)."""

    ui_scale: int | None = None
    window: tuple[int, int] | None = None
    damaged: str | None = None


def _ui_scale(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value in UI_SCALES):
        return value
    raise ValueError(f"ui_scale: expected null or one of {', '.join(map(str, UI_SCALES))}")


def _window(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and MIN_WINDOW[0] <= value[0] <= MAX_WINDOW and MIN_WINDOW[1] <= value[1] <= MAX_WINDOW):
        return value[0], value[1]
    raise ValueError(f"window: expected null or [width, height] of at least {MIN_WINDOW[0]}x{MIN_WINDOW[1]}")


SETTINGS = {"ui_scale": _ui_scale, "window": _window}  # each setting's check: its value, or ValueError


def parse_settings(text: str) -> Settings:
    """The settings a file's text holds; each bad value is left at its default and named in `damaged`."""
    try:
        body = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as exc:
        return Settings(damaged=f"not JSON ({str(exc)[:60] or type(exc).__name__})")
    if not isinstance(body, dict):
        return Settings(damaged="expected an object of settings")
    version = body.get("version")
    if version != SETTINGS_VERSION or isinstance(version, bool):
        return Settings(damaged=f"expected settings format {SETTINGS_VERSION}; found {str(version)[:20]}")
    values: dict[str, object] = {}
    bad = []
    for name, check in SETTINGS.items():
        try:
            values[name] = check(body.get(name))
        except ValueError as exc:
            bad.append(str(exc))
    return Settings(**values, damaged="; ".join(bad) or None)  # type: ignore[arg-type]


def read_settings() -> Settings:
    """The settings as they are now (the defaults when there are none); never raises."""
    text, unreadable = _read_text(settings_file())
    return Settings(damaged=unreadable) if text is None else parse_settings(text)


def write_settings(**changes: object) -> Settings:
    """Change the named settings (`ui_scale=2`, `window=(1600, 900)`), keeping the others as the file has them, under
    the lock. A value that is not valid is not written; a file that is not JSON is copied aside first. A failure to
    write is ignored: a setting is a convenience, losing it must not stop the game."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        try:
            values[name] = SETTINGS[name](list(value) if isinstance(value, tuple) else value)
        except (KeyError, ValueError):
            continue
    try:
        with _locked(settings_file()):
            on_disk = read_settings()
            if on_disk.damaged and on_disk.damaged.startswith(("not JSON", "expected an object", "expected settings")):
                _keep_aside(settings_file())
            ui_scale = values["ui_scale"] if "ui_scale" in values else on_disk.ui_scale
            window = values["window"] if "window" in values else on_disk.window
            text = json.dumps({"version": SETTINGS_VERSION, "ui_scale": ui_scale,
                               "window": list(window) if window else None}, indent=1)
            write_text_atomically(settings_file(), text + "\n")
    except OSError:
        return Settings()
    return Settings(ui_scale, window)


def _keep_aside(source: Path | None = None) -> Path | None:
    """Copy a damaged file (the progress file by default) to `<name>.damaged-<hash of its bytes>` (one copy per
    content)."""
    source = source or progress_file()
    try:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
        target = source.with_name(f"{source.name}.damaged-{digest}")
        if not target.exists():
            shutil.copy2(source, target)
    except OSError:
        return None
    return target


@contextlib.contextmanager
def _locked(guarded: Path | None = None) -> Iterator[None]:
    """An exclusive lock on `<file>.lock` beside the guarded file, progress.json by default (a file never replaced,
    so every window locks the same one)."""
    guarded = guarded or progress_file()
    lock_path = guarded.with_name(guarded.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
