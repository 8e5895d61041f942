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


def _section(hook: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### {hook}\n")
    end = min(i for i in (text.find("\n### ", start + 1), text.find("\n## ", start + 1), len(text)) if i != -1)
    return text[start:end]


@pytest.mark.parametrize("hook", HOOKS)
def test_each_argument_of_a_hook_is_documented(hook):
    """As datasette's test_docs does: a hook's documented call shows every argument it offers, by name."""
    from factory_game.plugins import open_mods

    argnames = getattr(open_mods().pm.hook, hook).spec.argnames
    call = re.search(rf"`{hook}\(([^)]*)\)`", _section(hook))
    assert call, f"docs/modding.md's {hook} section does not show the call `{hook}(...)`"
    documented = [name.strip() for name in call.group(1).split(",") if name.strip()]
    assert documented == list(argnames), f"{hook}: docs show {documented}, the hook offers {list(argnames)}"


def test_rule_hooks_follow_from_the_one_declaration():
    """Each entry of RULES is a firstresult hookspec with its arguments, a built-in hookimpl, and a Rules field."""
    from factory_game.plugins import builtin, open_mods
    from factory_game.sim.rules import RULES, Rules

    pm = open_mods().pm
    for rule in RULES:
        caller = getattr(pm.hook, rule.hook)
        assert caller.spec.opts["firstresult"] and caller.spec.argnames == (*rule.args, *rule.extras)
        assert getattr(builtin, rule.hook).river_impl is not None
        assert getattr(Rules(), rule.name) is rule.default
