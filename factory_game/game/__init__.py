"""River Factory's game: an Arcade view of the simulation (see docs/game.md).

Import Arcade in this package only through ``factory_game.game.gfx`` so the platform is set up first; the plain
modules (``layout``, ``i18n``, ``clock``, ``paths``) do not touch Arcade and are tested without a window.
"""
