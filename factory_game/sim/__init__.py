"""The simulation core: pure Python, deterministic, with no screen.

Nothing here imports Arcade, pyglet, pluggy or the layers above it (the import contracts in pyproject.toml, checked by
tests/test_layers.py); its parts own their state and keep to their own privates (tests/test_sim_parts.py).
"""
