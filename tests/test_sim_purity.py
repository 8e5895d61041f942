"""The one architectural rule: the simulation knows no screen."""

import ast
import pathlib

SIM = pathlib.Path(__file__).resolve().parents[1] / "factory_game" / "sim"
FORBIDDEN = ("arcade", "pyglet", "factory_game.game", "factory_game.plugins", "pluggy")


def imported_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_sim_imports_no_screen_or_mod_machinery():
    offenders = []
    for path in sorted(SIM.rglob("*.py")):
        for module in imported_modules(path):
            if module.split(".")[0] in FORBIDDEN or module.startswith(FORBIDDEN):
                offenders.append(f"{path.name}: {module}")
    assert offenders == []
    assert any(SIM.rglob("*.py"))
