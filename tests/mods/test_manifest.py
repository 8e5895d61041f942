"""Versions, constraints and mod.toml manifests."""

import pytest

from factory_game.plugins.manifest import parse_manifest, read_manifest
from factory_game.plugins.versions import check_constraint, satisfies

GOOD = {
    "id": "surge", "version": "1.2.0", "api": [1], "author": "me",
    "name": {"en": "Surge", "zh-CN": "高峰"}, "description": {"en": "d", "zh-CN": "描述"},
    "dependencies": {"base": ">=1.0,<2"},
}


@pytest.mark.parametrize(("version", "constraint", "ok"), [
    ("1.2.0", "", True), ("1.2.0", "*", True), ("1.2", "==1.2.0", True), ("1.2.0", "1.2", True),
    ("1.2.0", ">=1.0,<2", True), ("2.0", ">=1.0,<2", False), ("1.10", ">1.9", True), ("1.1", "!=1.1.0", False),
    ("0.9", ">=1", False), ("3", "<=3.0.0", True),
])
def test_constraints(version, constraint, ok):
    assert satisfies(version, constraint) is ok


@pytest.mark.parametrize("bad", [">=one", "=>1", ">=1,,<2", "~1"])
def test_bad_constraints_say_what_was_expected(bad):
    with pytest.raises(ValueError, match="a version constraint like"):
        check_constraint(bad)


def test_a_good_manifest_reads():
    manifest, problems = parse_manifest(GOOD, "mods/surge/mod.toml")
    assert problems == []
    assert (manifest.id, manifest.version, manifest.api) == ("surge", "1.2.0", (1,))
    assert manifest.dependencies == (("base", ">=1.0,<2"),)


def test_every_manifest_problem_is_named_with_file_and_key():
    data = dict(GOOD, id="Bad Id", version="one", api=[], name={"en": "only English"}, colour="red",
                dependencies={"base": ">=x"})
    del data["author"]
    manifest, problems = parse_manifest(data, "mods/x/mod.toml")
    assert manifest is None
    keys = [p.split("[", 1)[1].split("]", 1)[0] for p in problems]
    assert sorted(keys) == sorted(["colour", "id", "version", "api", "name", "author", "dependencies.base"])
    assert all(p.startswith("mods/x/mod.toml: [") for p in problems)


def test_a_manifest_file_is_read_like_a_level_file_with_lines(tmp_path):
    path = tmp_path / "mod.toml"
    path.write_text('id = "ok"\nversion = "1.0.0"\napi = [1]\nauthor = "me"\nname = { en = "N", zh-CN = "名" }\n'
                    'description = { en = "D", zh-CN = "描述" }\nverison = "2"\n', encoding="utf-8")
    manifest, problems = read_manifest(path)
    assert manifest is None
    assert problems == [f"{path}:7: [verison] expected a known key (did you mean 'version'?); found unknown key "
                        "'verison'"]
    path.write_bytes(b'id = "\xff"\n')
    assert "expected a UTF-8 text file" in read_manifest(path)[1][0]
