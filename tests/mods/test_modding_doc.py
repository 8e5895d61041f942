"""docs/modding.md cannot rot: the tutorial's files are written and its commands run, in order, in an empty
folder; each hook example is loaded as a mod and run on a small level; the packaging snippet names the real
entry-point group. A code block the test does not know how to check fails the test."""

import dataclasses
import re
import runpy
import shlex
import tomllib
import types
from pathlib import Path

import pytest

from factory_game.cli import main
from factory_game.level import parse_level
from factory_game.plugins import ModSession
from factory_game.plugins.discovery import ENTRY_POINT_GROUP, ModInfo
from factory_game.plugins.manifest import Manifest, parse_manifest
from factory_game.runner import run_level
from tests.mods.helpers import SMALL_LEVEL

DOC = Path(__file__).resolve().parents[2] / "docs" / "modding.md"
BLOCK = re.compile(r"^( *)```(\w+)\n(.*?)^\1```", flags=re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    out = []
    for indent, lang, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        out.append((lang, "".join(line[len(indent):] + "\n" for line in body.splitlines())))
    return out


def first_line(body: str) -> str:
    return body.split("\n", 1)[0]


def hook_examples() -> list[str]:
    return [body for lang, body in blocks() if lang == "python" and first_line(body) == "# hook example"]


def test_every_block_is_one_the_tests_run_or_check():
    for lang, body in blocks():
        head = first_line(body)
        known = (lang == "sh" or head == "# hook example" or head == "# pyproject.toml of your package"
                 or head in ("# mod.toml of the river_metrics example", "# mod.toml of the river_event example")
                 or (lang in ("toml", "python") and re.fullmatch(r"# [\w./-]+\.(toml|py)", head)))
        assert known, f"a {lang} block docs/modding.md's tests do not run:\n{body}"


def test_your_first_mod_from_zero_to_a_running_level(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the tutorial's ./mods is discovered from the working directory
    ran = []
    for lang, body in blocks():
        head = first_line(body)
        if lang in ("toml", "python") and re.fullmatch(r"# [\w./-]+\.(toml|py)", head):
            path = tmp_path / head[2:]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        elif lang == "sh":
            for line in body.splitlines():
                argv = shlex.split(line)
                if argv[0] == "factory-game":
                    assert main(argv[1:]) == 0, f"{line}\n{capsys.readouterr()}"
                else:
                    assert argv[:1] == ["python3"], line
                    runpy.run_path(str(tmp_path / argv[1]), run_name="__main__")
                ran.append(line)
    assert ran == ["factory-game mods", "factory-game validate levels/hello.toml",
                   "factory-game run levels/hello.toml --until 2h", "python3 check.py"]
    out = capsys.readouterr().out
    assert "hello 0.1.0" in out and "stickers delivered" in out


@pytest.mark.parametrize("example", hook_examples(), ids=lambda body: re.search(r"def (river_\w+)", body)[1])
def test_each_hook_example_runs_as_a_mod(example, tmp_path):
    module = types.ModuleType("doc_example")
    exec(compile(example, str(DOC), "exec"), module.__dict__)
    manifest = Manifest("doc-example", "1.0.0", (1,), {"en": "e", "zh-CN": "e"}, {"en": "", "zh-CN": ""}, "docs")
    if hasattr(module, "river_metrics"):  # it reports what the manifest shown beside it declares
        (declared,) = [body for lang, body in blocks() if first_line(body) == "# mod.toml of the river_metrics example"]
        manifest = dataclasses.replace(manifest, metrics=parse_manifest(tomllib.loads(declared), "doc")[0].metrics)
    if hasattr(module, "river_event"):  # it receives the kind the manifest shown beside it declares
        (declared,) = [body for lang, body in blocks() if first_line(body) == "# mod.toml of the river_event example"]
        manifest = dataclasses.replace(manifest, events=parse_manifest(tomllib.loads(declared), "doc")[0].events)
    session = ModSession([ModInfo(manifest, str(DOC), tmp_path, loader=lambda: module)])
    text = SMALL_LEVEL.format(mods="")
    if session.catalog.incidents:  # the level enables the kind the example registers, answered by default
        kind = next(iter(session.catalog.incidents))
        text += f'[incidents]\nfirst_after = "5m"\ngap = "5m"\nrates = {{ "{kind}" = 6 }}\n'
    spec = parse_level(text, "small.toml", catalog=session.catalog)
    result = run_level(spec, mods=session)  # strict: a failing example fails here
    assert result.summary["overall"]["completed"] > 0
    assert session.failures == []
    if session.catalog.incidents:
        assert result.world is not None and result.world.incidents is not None and result.world.incidents.opened
    if manifest.metrics:
        assert set(result.summary["mods"]["doc-example"]) == {metric.name for metric in manifest.metrics}


def test_the_packaging_snippet_names_the_entry_point_group():
    (snippet,) = [body for lang, body in blocks() if first_line(body) == "# pyproject.toml of your package"]
    assert ENTRY_POINT_GROUP in tomllib.loads(snippet)["project"]["entry-points"]
