"""What a mod does to the game as it is imported: a mod may use only `factory_game.api` (other modules are the
game's internals and change without notice: warned about), and may not replace the game's own functions,
classes or constants (monkeypatching: undone, and the mod refused with its name)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

GAME = "factory_game"
ALLOWED = {"factory_game.api"}
_PATCHERS: dict[str, list[str]] = {}  # a mod's source -> what it changed, for a mod already imported earlier


def snapshot() -> dict[tuple[str, str], dict[str, object]]:
    """The attributes of every loaded game module and of the classes defined there, by (module, class or '')."""
    out: dict[tuple[str, str], dict[str, object]] = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == GAME or name.startswith(GAME + ".")):
            continue
        attributes = dict(vars(module))
        out[(name, "")] = attributes
        for value in attributes.values():
            if isinstance(value, type) and value.__module__ == name:
                out[(name, value.__qualname__)] = dict(vars(value))
    return out


def undo_changes(source: str, before: dict[tuple[str, str], dict[str, object]]) -> list[str]:
    """What changed in the game's modules since `before` (each as module.attribute), put back as it was. A mod
    found patching once is refused on every later load in this process too."""
    changed: list[str] = []
    for (name, qualname), old in before.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        owner: object = module
        if qualname:
            owner = old_class = before[(name, "")].get(qualname.split(".")[0])
            if not isinstance(old_class, type):
                continue
        now = dict(vars(owner))
        for attribute in sorted(set(old) | set(now)):
            if attribute in old and attribute in now and old[attribute] is now[attribute]:
                continue
            if attribute not in old and type(now[attribute]).__name__ == "module":
                continue  # a submodule imported for the first time
            changed.append(f"{name}.{qualname + '.' if qualname else ''}{attribute}")
            if attribute in old:
                setattr(owner, attribute, old[attribute])
            else:
                delattr(owner, attribute)
    if changed:
        _PATCHERS[source] = changed
    return changed or _PATCHERS.get(source, [])


def internal_imports(module: object) -> list[str]:
    """`file:line: module` for each import of a game module other than factory_game.api in the mod's code (its
    module, or the package it is in; tests are the author's and may use factory_game.testing)."""
    file = getattr(module, "__file__", None)
    if not file:
        return []
    path = Path(file)
    files = [path]
    if "." in getattr(module, "__name__", ""):  # an installed package's mod.py: its siblings are the mod's code too
        files = sorted(p for p in path.parent.rglob("*.py") if "tests" not in p.parts and not p.name.startswith("test"))
    out = []
    for source in files:
        try:
            tree = ast.parse(source.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] if node.module != GAME else [f"{GAME}.{a.name}" for a in node.names]
            for name in names:
                if (name == GAME or name.startswith(GAME + ".")) and name not in ALLOWED:
                    out.append(f"{source.name}:{node.lineno}: {name}")
    return out

