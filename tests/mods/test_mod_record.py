"""What a run records and refuses about its mods (modding-review A2, A3 and rows 3b, 6a, 6b, 8b): settings as
used, rule order from the level with a warning, a starved model, the game version, internal imports and
monkeypatching."""

import json

import pytest

from factory_game import __version__
from factory_game.cli import EXIT_BAD_INPUT, EXIT_OK, main
from factory_game.plugins import ModError, open_mods, prepare_level
from factory_game.runner import run_level
from factory_game.sim import rules
from tests.mods.helpers import write_level, write_mod

SURGE = """
@hookimpl
def river_adjust_price(price, settings):
    return price + settings["extra"]
"""
SURGE_TOML = '\n[settings.extra]\ntype = "integer"\ndefault = 5\nname = { en = "Extra", zh-CN = "加价" }\n'


def test_the_run_record_holds_each_mods_settings_as_used(mods_dir, tmp_path, capsys):
    folder = write_mod(mods_dir, "surge", SURGE)
    (folder / "mod.toml").write_text((folder / "mod.toml").read_text() + SURGE_TOML)
    level = write_level(tmp_path / "l.toml", '{ id = "surge", settings = { extra = 7 } }')
    records = []
    for extra in ("7", "9"):
        assert main(["run", str(level), "--until", "10m", "--json", "-",
                     "--set", f"level.mods.0.settings.extra={extra}"]) == EXIT_OK
        records.append(json.loads(capsys.readouterr().out)["mods"][0]["settings"])
    assert records == [{"extra": 7}, {"extra": 9}]


ROUTE_TO = """
@hookimpl
def river_route(world, task):
    return "{model}"
"""
PROVIDER = """
from factory_game.api import Dist, MINUTE, ModelSpec, Provider

@hookimpl
def river_register_providers(register):
    model = ModelSpec("{model}", ("image",), 4, Dist.fixed(MINUTE))
    register(Provider("p-{mod}", {{"en": "P", "zh-CN": "P"}}, (model,)))
"""


def two_routers(mods_dir):
    write_mod(mods_dir, "fast", PROVIDER.format(mod="fast", model="fast-m") + ROUTE_TO.format(model="fast-m"))
    write_mod(mods_dir, "spot", PROVIDER.format(mod="spot", model="spot-m") + ROUTE_TO.format(model="spot-m"))


@pytest.mark.parametrize(("order", "winner", "starved"), [('"fast", "spot"', "spot-m", "fast-m"),
                                                          ('"spot", "fast"', "fast-m", "spot-m")])
def test_the_later_mod_in_the_level_wins_a_rule_and_a_starved_model_is_warned_about(mods_dir, tmp_path, capsys,
                                                                                     order, winner, starved):
    two_routers(mods_dir)
    body = open(write_level(tmp_path / "base.toml")).read()
    extra = "".join(f'\n[models.{m}]\nslots = 4\nservice = {{ dist = "fixed", value = "1m" }}\n'
                    for m in ("fast-m", "spot-m"))
    level = tmp_path / "l.toml"
    level.write_text(body.replace("mods = []", f"mods = [{order}]") + extra)
    assert main(["run", str(level), "--until", "1h", "--json", "-"]) == EXIT_OK
    out = capsys.readouterr()
    record = json.loads(out.out)
    assert record["summary"]["models"][winner]["completed"] > 0
    assert any(note.startswith("river_route: mod") and "both take this rule" in note for note in record["mod_notes"])
    assert any(note.startswith(f"model {starved} ") and "got no work" in note for note in record["mod_notes"])
    assert "both take this rule" in out.err and f"model {starved} " in out.err


def test_a_mod_can_require_a_game_version(mods_dir):
    write_mod(mods_dir, "future", "@hookimpl\ndef river_price(world):\n    return None\n")
    toml = mods_dir / "future" / "mod.toml"
    toml.write_text(toml.read_text().replace('api = [1]', 'api = [1]\ngame = ">=99.0"'))
    expected = f"needs River Factory >=99.0 .game in its mod.toml.; this game is {__version__}"
    with pytest.raises(ModError, match=expected):
        open_mods([("future", "")])
    toml.write_text(toml.read_text().replace('">=99.0"', f'">={__version__}"'))
    open_mods([("future", "")])
    toml.write_text(toml.read_text().replace(f'">={__version__}"', '"soon"'))
    with pytest.raises(ModError, match=r"\[game\] expected a game version constraint"):
        open_mods([("future", "")])


def test_importing_game_internals_is_warned_about(mods_dir):
    write_mod(mods_dir, "nosy", "from factory_game.sim.world import World\n"
                                "from factory_game import api\n@hookimpl\ndef river_price(world):\n    return None\n")
    session = open_mods([("nosy", "")])
    assert "mod nosy 1.0.0 imports mod.py:2: factory_game.sim.world: only factory_game.api is kept stable" \
        in session.notes[0]
    assert len(session.notes) == 1


def test_monkeypatching_the_game_is_undone_and_refused_with_exit_2(mods_dir, tmp_path, capsys):
    original = rules.check_price
    write_mod(mods_dir, "patcher", "import factory_game.sim.rules as r\nr.check_price = lambda *a: None\n"
                                   "@hookimpl\ndef river_price(world):\n    return 'free'\n")
    level = write_level(tmp_path / "l.toml", '"patcher"')
    assert main(["run", str(level), "--until", "10m"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "mod patcher 1.0.0" in err and "changes the game's own code" in err
    assert "factory_game.sim.rules.check_price" in err
    assert rules.check_price is original
    assert main(["run", str(level), "--until", "10m"]) == EXIT_BAD_INPUT  # already imported: still refused


def test_a_failing_metrics_hook_in_a_strict_run_still_writes_the_partial_json(mods_dir, tmp_path, capsys):
    folder = write_mod(mods_dir, "meter", "@hookimpl\ndef river_metrics(world):\n    return None\n")
    (folder / "mod.toml").write_text((folder / "mod.toml").read_text() +
                                     '\n[metrics.things]\nunit = "count"\ndescription = { en = "T", zh-CN = "T" }\n')
    out = tmp_path / "run.json"
    assert main(["run", str(write_level(tmp_path / "l.toml", '"meter"')), "--until", "10m",
                 "--json", str(out)]) == EXIT_BAD_INPUT
    record = json.loads(out.read_text())
    assert "failed in river_metrics" in record["stopped"]
    assert record["summary"]["mods"]["meter"] == {"things": 0}
    assert "failed in river_metrics" in capsys.readouterr().err


def test_strict_runs_of_a_level_are_unchanged_by_the_record(mods_dir, tmp_path):
    write_mod(mods_dir, "quiet", "@hookimpl\ndef river_price(world):\n    return None\n")
    result = run_level(prepare_level(write_level(tmp_path / "l.toml", '"quiet"')), until_ms=600_000)
    assert "mod_notes" not in result.to_json()


def test_the_game_is_told_which_mod_wins_a_rule_in_both_languages(mods_dir):
    from factory_game.texts import text

    write_mod(mods_dir, "a-price", "@hookimpl\ndef river_price(world):\n    return None\n")
    write_mod(mods_dir, "b-price", "@hookimpl\ndef river_price(world):\n    return None\n")
    alerts = []
    open_mods([("b-price", ""), ("a-price", "")]).tell_shadowed(lambda key, **values: alerts.append((key, values)))
    assert alerts == [("mod_shadowed", {"hook": "river_price", "mod": "a-price", "others": "b-price"})]
    assert text("en", "alert.mod_shadowed", **alerts[0][1]) == \
        "Mods a-price and b-price both answer river_price: a-price wins"
    assert "a-price" in text("zh-CN", "alert.mod_shadowed", **alerts[0][1])


def test_mods_json_lists_what_each_mod_declares(mods_dir, capsys):
    folder = write_mod(mods_dir, "surge", SURGE)
    (folder / "mod.toml").write_text((folder / "mod.toml").read_text() + SURGE_TOML)
    main(["mods", "--json"])
    (mod,) = [m for m in json.loads(capsys.readouterr().out) if m["id"] == "surge"]
    assert mod["settings"] == [{"name": "extra", "unit": "integer", "default": 5, "min": None, "max": None,
                                "names": {"en": "Extra", "zh-CN": "加价"}}]
    assert (mod["api"], mod["game"], mod["metrics"], mod["events"]) == ([1], "", [], [])


def test_a_dependency_on_the_builtin_content_points_to_the_game_version(mods_dir):
    write_mod(mods_dir, "needy", "@hookimpl\ndef river_price(world):\n    return None\n", deps={"builtin": ">=9"})
    with pytest.raises(ModError, match="'builtin' as a mod dependency; the built-in content comes with the game: "
                                       'require a game version instead, with game = ">=9"'):
        open_mods([("needy", "")])


def test_a_missing_mod_names_the_mods_that_cannot_be_read(mods_dir):
    write_mod(mods_dir, "cafe", "@hookimpl\ndef river_price(world):\n    return None\n")
    toml = mods_dir / "cafe" / "mod.toml"
    toml.write_text(toml.read_text().replace('id = "cafe"', 'id = "café"'))
    with pytest.raises(ModError, match=r"needs mod café, which is not installed .*; mods that cannot be read: "
                                       r".*cafe/mod.toml"):
        open_mods([("café", "")])


def test_validate_says_which_mod_wins_a_rule(mods_dir, tmp_path, capsys):
    two_routers(mods_dir)
    level = write_level(tmp_path / "l.toml", '"fast", "spot"')
    assert main(["validate", str(level)]) == EXIT_OK
    assert "note: river_route: mod spot 1.0.0 and mod fast 1.0.0 both take this rule" in capsys.readouterr().err


def test_profile_mods_shows_a_hook_never_called(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "a-price", "@hookimpl\ndef river_price(world):\n    return 100\n")
    write_mod(mods_dir, "b-price", "@hookimpl\ndef river_price(world):\n    return 200\n")
    level = write_level(tmp_path / "l.toml", '"a-price", "b-price"')
    assert main(["run", str(level), "--until", "30m", "--profile-mods"]) == EXIT_OK
    rows = [line.split() for line in capsys.readouterr().err.splitlines() if line.startswith(("a-price", "b-price"))]
    assert ["a-price", "river_price", "0", "0.0", "-"] in rows  # shadowed: b-price, later in the list, answers
    assert any(row[0] == "b-price" and int(row[2]) > 0 for row in rows)
