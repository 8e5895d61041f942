"""Meta-test (after datasette's): every hook has a section in docs/modding.md and a test in tests/mods/."""

import re
from pathlib import Path

import pytest

from factory_game.plugins import HOOKS

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "modding.md"
NOT_TESTS = {Path(__file__).name, "test_modding_doc.py"}  # they name every hook without testing it


def test_there_are_hooks():
    assert set(HOOKS) >= {"river_register_content", "river_register_providers", "river_price",
                          "river_priority_key", "river_answer_prompt", "river_observe"}


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_section_in_the_docs(hook):
    sections = re.findall(r"^### (river_\w+)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert hook in sections, f"docs/modding.md has no '### {hook}' section"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    files = [p for p in sorted(HERE.glob("test_*.py")) if p.name not in NOT_TESTS]
    assert any(hook in p.read_text(encoding="utf-8") for p in files), f"no test in tests/mods/ uses {hook}"
