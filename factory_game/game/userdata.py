"""What the game keeps between sessions: the save slot and the campaign progress (stars won), in the player's
directory (:func:`factory_game.paths.user_data_dir`).

Progress is a small JSON file written atomically, so a crash never leaves it half-written; an unreadable one counts
as no progress rather than stopping the game.
"""

from __future__ import annotations

import json
from pathlib import Path

from factory_game.atomic import write_text_atomically
from factory_game.paths import user_data_dir


def save_slot() -> Path:
    """The one save slot the pause menu writes and loads."""
    return user_data_dir() / "save.json"


def progress_file() -> Path:
    return user_data_dir() / "progress.json"


def read_stars() -> dict[str, int]:
    """Level id -> best stars won, from the progress file ({} when there is none or it is unreadable)."""
    try:
        body = json.loads(progress_file().read_text(encoding="utf-8"))
        stars = body["stars"]
        return {str(k): int(v) for k, v in stars.items() if 0 <= int(v) <= 3}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_stars(stars: dict[str, int]) -> None:
    """Write the progress file; a failure (read-only home, full disk) is ignored: progress is a convenience, losing
    it must not stop the game."""
    text = json.dumps({"version": 1, "stars": dict(sorted(stars.items()))}, indent=1) + "\n"
    try:
        write_text_atomically(progress_file(), text)
    except OSError:
        pass
