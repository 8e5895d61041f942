"""The one place that prepares pyglet and Arcade before anything imports them.

Why a module of its own: Arcade reads ``ARCADE_HEADLESS`` at import time, and pyglet's ``debug_gl`` (on by
default) checks every GL call. Every game module imports Arcade through ``factory_game.game.gfx``, which calls
:func:`setup` first, so the order is always right (docs/platform.md says what was measured).
"""

from __future__ import annotations

import os
import sys


def want_headless() -> bool:
    """Headless when asked for, or when there is no display to open a window on (CI, ssh)."""
    if os.environ.get("ARCADE_HEADLESS"):
        return True
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def setup(headless: bool | None = None, debug_gl: bool = False) -> None:
    """Configure pyglet and import Arcade in the order that works headless.

    Must run before the first ``import arcade`` anywhere in the process; calling it again is harmless.
    ``debug_gl`` stays off outside tests: it checks every GL call and costs frame time.
    """
    if "arcade" in sys.modules:
        return
    if headless is None:
        headless = want_headless()
    if headless:
        os.environ["ARCADE_HEADLESS"] = "1"
    import pyglet

    pyglet.options.debug_gl = debug_gl
    import arcade  # noqa: F401


def is_headless() -> bool:
    """True when Arcade was set up without a display."""
    import pyglet

    return bool(pyglet.options.headless)
