"""The game reads the world only through its face (`factory_game.sim.queries`): from `factory_game/game/` the world
is advanced, commanded, subscribed to and asked its time and level (`now`, `spec`, `apply`, `advance`,
`subscribe`), and everything else goes through a query. Checked on the syntax tree: an attribute of anything called
`world` (a name, or `.world` of something) other than the door is a read of the simulation's internals."""

from __future__ import annotations

import ast
from pathlib import Path

GAME = Path(__file__).resolve().parents[2] / "factory_game" / "game"
DOOR = {"now", "spec", "apply", "advance", "subscribe"}


def _is_world(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "world") or (isinstance(node, ast.Attribute)
                                                                    and node.attr == "world")


def reads_past_the_face(source: str, filename: str = "<source>") -> list[str]:
    """`file:line .field` for every read of the world other than through its door."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and _is_world(node.value) and node.attr not in DOOR:
            found.append(f"{filename}:{node.lineno} .{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "vars")
              and node.args and _is_world(node.args[0])):
            found.append(f"{filename}:{node.lineno} {node.func.id}(world)")
    return found


def test_the_game_reads_the_world_only_through_its_face():
    found = []
    for path in sorted(GAME.rglob("*.py")):
        found += reads_past_the_face(path.read_text(encoding="utf-8"), str(path.relative_to(GAME)))
    assert found == [], "reads of the world's internals from the game:\n" + "\n".join(found)


def test_the_check_catches_each_way_of_reaching_in():
    assert reads_past_the_face("world.models['a']") == ["<source>:1 .models"]
    assert reads_past_the_face("self.view.world.market.demand") == ["<source>:1 .market"]
    assert reads_past_the_face("getattr(world, 'caps')") == ["<source>:1 getattr(world)"]
    assert reads_past_the_face("world.apply(c); world.advance(t); world.now; world.spec.models") == []
