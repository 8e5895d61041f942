"""The simulation core: pure Python, deterministic, with no screen.

Nothing here imports Arcade, pyglet, pluggy or the layers above it (the import contracts in pyproject.toml, checked by
tests/test_layers.py); its parts own their state and keep to their own privates (tests/test_sim_parts.py).
"""

from factory_game.sim.core import use_pure_when_needed

use_pure_when_needed()  # RIVER_PURE=1, or a compiled build older than its sources: run the .py files
