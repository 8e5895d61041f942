"""Finding mods and resolving a level's list: load order, and errors that name the mods and versions."""

import pytest

from factory_game.level import LevelError
from factory_game.plugins import ModError, discover, open_mods, prepare_level
from factory_game.plugins.discovery import ModInfo
from factory_game.plugins.manifest import Manifest
from factory_game.plugins.resolve import resolve
from tests.mods.helpers import write_level, write_mod


def info(mod_id, version="1.0.0", deps=(), api=(1,), source=None):
    manifest = Manifest(mod_id, version, api, {"en": mod_id, "zh-CN": mod_id}, {"en": "", "zh-CN": ""}, "t",
                        tuple(deps))
    return ModInfo(manifest, source or f"mods/{mod_id}/mod.toml", None)


def ids(order):
    return [i.id for i in order]


def test_dependencies_load_first_then_by_id():
    found = [info("zeta", deps=[("base", ">=1")]), info("alpha", deps=[("zeta", "")]), info("base"),
             info("mid")]
    assert ids(resolve([("alpha", ""), ("mid", "")], found)) == ["base", "mid", "zeta", "alpha"]
    assert ids(resolve([("mid", ""), ("alpha", "")], list(reversed(found)))) == ["base", "mid", "zeta", "alpha"]


@pytest.mark.parametrize(("requests", "found", "message"), [
    ([("ghost", ">=1")], [info("base")], "the level needs mod ghost >=1, which is not installed (found: base 1.0.0)"),
    ([("base", ">=2")], [info("base")], "the level needs mod base >=2; found base 1.0.0 (mods/base/mod.toml)"),
    ([("top", "")], [info("top", "2.1", deps=[("base", "")])],
     "mod top 2.1 needs mod base, which is not installed"),
    ([("top", "")], [info("top", "2.1", deps=[("base", ">=1.5")]), info("base", "1.0")],
     "mod top 2.1 needs mod base >=1.5; found base 1.0"),
    ([("old", "")], [info("old", "0.3", api=(0,))], "mod old 0.3 supports API version(s) 0; this game offers API 1"),
    ([("twin", "")], [info("twin", "1.0", source="mods/a/mod.toml"), info("twin", "1.1", source="mods/b/mod.toml")],
     "that id is defined by two mod folders: twin 1.0 from mods/a/mod.toml; twin 1.1 from mods/b/mod.toml"),
    ([("a", "")], [info("a", deps=[("b", "")]), info("b", deps=[("a", "")])],
     "mods depend on each other in a cycle: a 1.0.0, b 1.0.0"),
    ([("a", ">=x")], [info("a")], "bad version constraint"),
])
def test_resolution_errors_name_the_mods_and_versions(requests, found, message):
    with pytest.raises(ModError) as caught:
        resolve(requests, found)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_discovery_reads_folders_and_entry_points(mods_dir):
    write_mod(mods_dir, "hello", "")
    (mods_dir / "broken").mkdir()
    (mods_dir / "broken" / "mod.toml").write_text('id = "broken"\n', encoding="utf-8")
    found = {i.source: i for i in discover([mods_dir], points=[])}
    hello = found[str(mods_dir / "hello" / "mod.toml")]
    assert hello.problems == [] and hello.label == "hello 1.0.0"
    broken = found[str(mods_dir / "broken" / "mod.toml")]
    assert broken.manifest is None and any("[version]" in p for p in broken.problems)
    assert any("no mod.py" in p for p in broken.problems)


def test_an_entry_point_names_a_package_holding_mod_toml(tmp_path, monkeypatch):
    package = tmp_path / "site" / "river_ep_mod"
    write_mod(tmp_path / "site", "ep-mod", "@hookimpl\ndef river_observe(event):\n    pass\n", folder="river_ep_mod")
    (package / "__init__.py").write_text((package / "mod.py").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    from importlib.metadata import EntryPoint

    point = EntryPoint("ep-mod", "river_ep_mod", "factory_game.mods")
    (found,) = discover([], points=[point])
    assert found.label == "ep-mod 1.0.0" and found.source == "entry point ep-mod = river_ep_mod"
    assert [m.id for m in open_mods_from([found]).mods] == ["builtin", "ep-mod"]


def open_mods_from(found):
    from factory_game.plugins import ModSession

    return ModSession(resolve([(found[0].id, "")], found))


def test_a_level_with_a_missing_mod_is_a_level_problem_naming_mod_and_version(mods_dir, tmp_path):
    write_mod(mods_dir, "base", "", version="1.0.0")
    level = write_level(tmp_path / "level.toml", '"ghost", { id = "base", version = ">=2" }')
    with pytest.raises(LevelError) as caught:
        prepare_level(level)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "[level.mods]" in text
    assert "needs mod ghost, which is not installed" in text
    assert "needs mod base >=2; found base 1.0.0" in text


def test_two_mods_registering_the_same_id_is_an_error_naming_both(mods_dir):
    code = """
        from factory_game.api import ContentSpec
        @hookimpl
        def river_register_content(register):
            register(ContentSpec("mesh", 100, {"en": "Mesh", "zh-CN": "网格"}, "generic"))
    """
    write_mod(mods_dir, "one", code)
    write_mod(mods_dir, "two", code, version="2.0")
    with pytest.raises(ModError, match="content 'mesh' is defined by both mod one 1.0.0 and mod two 2.0"):
        open_mods([("one", ""), ("two", "")])
    with pytest.raises(ModError, match="content 'image' is defined by both the built-in content and mod x 1.0.0"):
        write_mod(mods_dir, "x", code.replace('"mesh"', '"image"'))
        open_mods([("x", "")])


def test_a_mod_with_an_unknown_hook_or_a_bad_signature_is_named(mods_dir):
    write_mod(mods_dir, "typo", "@hookimpl\ndef river_pricee(world):\n    return 1\n")
    write_mod(mods_dir, "args", "@hookimpl\ndef river_price(world, colour):\n    return 1\n")
    write_mod(mods_dir, "crash", "raise RuntimeError('boom at import')\n", version="0.1")
    write_mod(mods_dir, "wrap", "@hookimpl(wrapper=True)\ndef river_price():\n    return (yield)\n")
    with pytest.raises(ModError) as caught:
        open_mods([("typo", "")])
    assert "mod typo 1.0.0" in str(caught.value) and "river_pricee is not a hook" in str(caught.value)
    with pytest.raises(ModError, match=r"mod args 1.0.0 .* colour"):
        open_mods([("args", "")])
    with pytest.raises(ModError, match="mod crash 0.1 .* RuntimeError: boom at import"):
        open_mods([("crash", "")])
    with pytest.raises(ModError, match="mod wrap 1.0.0 .* river_price: hook wrappers are not supported"):
        open_mods([("wrap", "")])


def test_river_register_providers_adds_models_tagged_with_their_provider(mods_dir):
    write_mod(mods_dir, "prov", """
        from factory_game.api import MINUTE, Dist, ModelSpec, Provider
        @hookimpl
        def river_register_providers(register):
            fast = ModelSpec("fast-img", ("image",), 3, Dist.fixed(MINUTE), names={"en": "F", "zh-CN": "快"})
            register(Provider("zoom", {"en": "Zoom", "zh-CN": "飞快"}, (fast,)))
    """)
    catalog = open_mods([("prov", "")]).catalog
    assert catalog.models["fast-img"].provider == "zoom"
    assert catalog.origin["model:fast-img"] == "mod prov 1.0.0"


def test_what_a_mod_registers_is_checked_and_named(mods_dir):
    write_mod(mods_dir, "sloppy", """
        from factory_game.api import ContentSpec, Dist, ModelSpec, Provider
        @hookimpl
        def river_register_content(register):
            register("mesh")
            register(ContentSpec("blob", 10, {"en": "Blob"}, icon="blob.png"))
        @hookimpl
        def river_register_providers(register):
            register(Provider("acme", {"en": "Acme", "zh-CN": "极致"}, (ModelSpec("m", ("fog",), 1, Dist.fixed(1)),)))
    """, version="0.9")
    with pytest.raises(ModError) as caught:
        open_mods([("sloppy", "")])
    problems = caught.value.problems
    assert "mod sloppy 0.9 in river_register_content: expected a ContentSpec; found 'mesh'" in problems
    assert "mod sloppy 0.9 in river_register_content: content type 'blob': names needs zh-CN" in problems
    assert any("icon 'blob.png' not found in" in p for p in problems)
    found = "mod sloppy 0.9 in river_register_providers: model 'm': service expected a Dist of milliseconds with a " \
            "mean of at least 1000 (1 s) and values up to 31622400000: Dist values are ms, so use SECOND, MINUTE, " \
            "HOUR; found Dist(kind='fixed', mean=1{}, cv=0.0, low=0.0, high=0.0)"
    assert found.format("") in problems or found.format(".0") in problems  # a compiled Dist holds the mean as 1.0


def test_a_model_serving_content_nobody_registers_is_named(mods_dir):
    write_mod(mods_dir, "foggy", """
        from factory_game.api import MINUTE, Dist, ModelSpec, Provider
        @hookimpl
        def river_register_providers(register):
            model = ModelSpec("m", ("fog",), 1, Dist.fixed(MINUTE))
            register(Provider("acme", {"en": "Acme", "zh-CN": "极致"}, (model,)))
    """, version="0.9")
    with pytest.raises(ModError) as caught:
        open_mods([("foggy", "")])
    assert caught.value.problems == [
        "mod foggy 0.9: model 'm' serves content type 'fog', which no loaded mod registers"]
