"""Where the game keeps what outlives a session: the save slot and the campaign progress (stars won).

One directory per user: ``$RIVER_FACTORY_DATA`` when set (tests point it at a temporary directory), else
``$XDG_DATA_HOME/river-factory``, else ``~/.local/share/river-factory``. Progress is a small JSON file written
atomically (temporary file + rename), so a crash never leaves it half-written; an unreadable one counts as no
progress rather than stopping the game.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

ENV = "RIVER_FACTORY_DATA"


def data_dir() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "river-factory"


def save_slot() -> Path:
    """The one save slot the pause menu writes and loads."""
    return data_dir() / "save.json"


def progress_file() -> Path:
    return data_dir() / "progress.json"


def read_stars() -> dict[str, int]:
    """Level id -> best stars won, from the progress file ({} when there is none or it is unreadable)."""
    try:
        body = json.loads(progress_file().read_text(encoding="utf-8"))
        stars = body["stars"]
        return {str(k): int(v) for k, v in stars.items() if 0 <= int(v) <= 3}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_stars(stars: dict[str, int]) -> None:
    """Write the progress file atomically; a failure (read-only home, full disk) is ignored: progress is a
    convenience, losing it must not stop the game."""
    path = progress_file()
    text = json.dumps({"version": 1, "stars": dict(sorted(stars.items()))}, indent=1) + "\n"
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".progress.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
