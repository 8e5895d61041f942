"""A failed save or load in the player's language.

``factory_game.save`` words its errors in English for the command line and logs; the game says them from the
string tables instead (``save_error.<kind>``), filled in from the error's details, so a switch of language
rewords a message already on screen.
"""

from __future__ import annotations

from pathlib import Path

from factory_game.save import VERSION, SaveError


def describe(i18n, error: SaveError) -> str:
    """Why the save or load failed, in the current language."""
    details = {
        "path": str(error.path or ""),
        "file": Path(error.path).name if error.path else "",
        "level": Path(error.level).name if error.level else "",
        "version": "" if error.version is None else str(error.version),
        "supported": VERSION,
        "reason": error.reason or "",
    }
    return i18n.t(f"save_error.{error.kind}", **details)


def shown(i18n, values: dict) -> dict:
    """A copy of alert values to format: a SaveError under ``error`` becomes the ``reason``, in the current
    language."""
    values = dict(values)
    if "error" in values:
        values["reason"] = describe(i18n, values.pop("error"))
    return values
