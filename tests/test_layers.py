"""The layer rule is a checked contract: `lint-imports` (import-linter) runs the contracts in pyproject.toml's
`[tool.importlinter]` and this test fails with its report when one breaks. No import cycle remains either (imports
under TYPE_CHECKING aside)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
LINT = ("import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command(['--no-cache', *sys.argv[1:]]))")


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", LINT, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_mod_imports_only_the_api(tmp_path):
    """Mod folders have names like `surge-pricing`, which no import can spell, so the import graph skips them: check
    a copy of each under an importable name against the same contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = [c for c in config["contracts"] if c.get("source_modules") == ["mods"]]
    assert contracts, "pyproject.toml has a contract on mods"
    copy = tmp_path / "mods"
    copy.mkdir()
    (copy / "__init__.py").write_text("", encoding="utf-8")
    folders = sorted(p.parent for p in (ROOT / "mods").glob("*/mod.toml"))
    assert len(folders) >= 3
    for folder in folders:
        target = copy / folder.name.replace("-", "_")
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__", "*.png", "*.toml"))
        (target / "__init__.py").touch()
    lines = ["[importlinter]", "root_packages =", "    factory_game", "    mods", "include_external_packages = True"]
    for index, contract in enumerate(contracts):
        lines += [f"[importlinter:contract:{index}]", f"name = {contract['name']}", "type = forbidden",
                  "source_modules =", "    mods", "forbidden_modules =",
                  *(f"    {module}" for module in contract["forbidden_modules"]),
                  f"allow_indirect_imports = {contract.get('allow_indirect_imports', False)}"]
    (tmp_path / ".importlinter").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout

    # and the check can fail: a mod that reaches past the api is caught
    with (copy / folders[0].name.replace("-", "_") / "mod.py").open("a", encoding="utf-8") as mod:
        mod.write("\nfrom factory_game.sim.world import World  # noqa\n")
    broken = lint_imports(tmp_path)
    assert broken.returncode != 0 and "factory_game.sim" in broken.stdout


def test_no_import_cycle():
    graph = grimp.build_graph("factory_game", exclude_type_checking_imports=True)
    cycles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
              if graph.chain_exists(importer=b, imported=a)]
    assert cycles == []


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    return [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]


def test_every_module_of_the_package_sits_in_a_layer_and_the_docs_name_it():
    """A module in no layer is constrained by nothing; docs/engine.md's "Layers" must name every layer's modules."""
    placed = set(_contract_layers())
    package = ROOT / "factory_game"
    modules = {f"factory_game.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"factory_game.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert sorted(modules - placed) == []
    section = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8").split("## Layers", 1)[1].split("\n## ", 1)[0]
    named = {m for m in placed if m != "factory_game.__main__"}
    assert sorted(m for m in named if f"`{m.removeprefix('factory_game.')}`" not in section) == []
