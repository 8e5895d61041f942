"""The README's two setup commands work on a stock Debian/Ubuntu Python (they make a venv first, as PEP 668 asks),
and CI runs the README's test command verbatim, then checks the wheel from another directory."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)[:2]


def test_both_readme_commands_make_a_venv_first():
    play, tests = readme_commands()
    for command in (play, tests):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e "), command
    assert play.endswith("factory-game play") and tests.endswith("python3 -m pytest -q")


def test_ci_runs_the_readme_test_command_verbatim_then_the_wheel_check():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _play, tests = readme_commands()
    assert f"\n{tests}\n" in ci
    wheel_check = ci[ci.index(tests):]
    for step in ("pip wheel", "python3 -m venv", 'cd "$work"', '"$game" levels',
                 '"$game" run campaign/08-velvet-rope --check', '"$game" screenshot campaign/01-opening-day',
                 "RIVER_COMPILED_WHEEL=1 pip wheel", "assert is_compiled()", "cmp run.txt run-compiled.txt"):
        assert step in wheel_check, step
