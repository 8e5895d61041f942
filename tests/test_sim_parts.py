"""The simulation's parts own their state (docs/engine.md "Layers"; issue 15 item 4): no module of
`factory_game/sim` reads another object's underscore names (only `self._x` and `cls._x`), and no circle runs through
`sim/`'s imports even counting those made only for the type checker (the parts see the world through narrow
protocols, not through `World`)."""

import ast
from pathlib import Path

import grimp
import pytest

SIM = Path(__file__).resolve().parents[1] / "factory_game" / "sim"


PUBLIC_UNDERSCORE = {"_fields", "_replace", "_asdict", "_make", "_value_", "_name_"}  # NamedTuple's and Enum's API


def private_reads(source: str) -> list[str]:
    """`x._name` where `_name` is not defined in this module (a def, a class, an attribute assigned here): a
    reach into another module's internals. Dunder names and the NamedTuple and Enum API aside."""
    tree = ast.parse(source)
    own = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    own |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                and node.attr not in own and node.attr not in PUBLIC_UNDERSCORE:
            found.append(f"{ast.unparse(node.value)}.{node.attr} (line {node.lineno})")
    return found


def test_the_check_sees_a_reach_into_privates():
    assert private_reads("world._emit(1)\nself._ok = 1\nx._ok\nx.__class__") == ["world._emit (line 1)"]


def test_no_module_of_sim_reads_another_objects_private_fields():
    found = {path.name: private_reads(path.read_text(encoding="utf-8")) for path in sorted(SIM.glob("*.py"))}
    assert {name: reads for name, reads in found.items() if reads} == {}


def test_no_import_circle_in_sim_even_with_type_checking_imports():
    graph = grimp.build_graph("factory_game", exclude_type_checking_imports=False)
    sim = sorted(m for m in graph.modules if m.startswith("factory_game.sim."))
    circles = [(a, b) for a in sim for b in sim
               if a < b and graph.chain_exists(a, b) and graph.chain_exists(b, a)]
    assert circles == []


def test_the_rules_declared_for_the_type_checker_are_the_rules():
    """`Rules` is built from RULES at run time and declared field by field for mypy: the two lists agree."""
    from factory_game.sim.rules import RULES, Rules

    tree = ast.parse((SIM / "rules.py").read_text(encoding="utf-8"))
    declared = next(node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == "Rules")
    names = [item.target.id for item in declared.body
             if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
    assert names == [rule.name for rule in RULES] == [f for f in Rules.__dataclass_fields__]


def test_the_simulation_is_type_clean_under_strict_mypy():
    """pyproject's [tool.mypy] is strict on factory_game.sim: the compiled core of the speed issue needs it."""
    mypy = pytest.importorskip("mypy.api")
    out, err, status = mypy.run(["--config-file", str(SIM.parents[1] / "pyproject.toml"), str(SIM)])
    assert status == 0, out + err
