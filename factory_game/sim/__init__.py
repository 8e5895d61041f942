"""The simulation core: pure Python, deterministic, with no screen.

Nothing here imports Arcade, pyglet or the game package (tests/test_sim_purity.py enforces it).
"""
