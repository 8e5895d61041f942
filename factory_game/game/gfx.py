"""Arcade, imported only after the platform is set up.

Game modules write ``from factory_game.game.gfx import arcade`` instead of ``import arcade``: whichever of them is
imported first (by the CLI, a test, a script) then still gets a headless Arcade on a machine without a display.
"""

from factory_game.game import platform

platform.setup()
import arcade  # noqa: E402
import arcade.gl  # noqa: E402

__all__ = ["arcade"]
