"""Per-level mod settings (declared in mod.toml, checked like level keys, settable with --set) and per-run state."""

import textwrap

import pytest

from factory_game.cli import EXIT_BAD_INPUT, EXIT_OK, main
from factory_game.level import LevelError
from factory_game.plugins import prepare_level
from tests.mods.helpers import write_level, write_mod

SETTINGS = """
[settings.discount]
type = "share"
default = 0.3
name = { en = "Night discount", zh-CN = "夜间折扣" }

[settings.until]
type = "duration"
default = "1h"
name = { en = "Night ends at", zh-CN = "夜晚结束于" }
"""
CODE = """
    SEEN = []
    @hookimpl
    def river_adjust_price(world, price, settings, state):
        state["n"] = state.get("n", 0) + 1
        SEEN.append((dict(settings), state["n"]))
        if world.now < settings["until"]:
            return round(price * (1 - settings["discount"]))
        return None
"""


def night_owl(mods_dir):
    folder = write_mod(mods_dir, "night-owl", CODE)
    with open(folder / "mod.toml", "a", encoding="utf-8") as manifest:
        manifest.write(textwrap.dedent(SETTINGS))
    return folder


def first_hold(level):
    world = level.start()
    holds = []
    world.subscribe(lambda e: holds.append(e.cents) if e.kind.value == "hold" else None)
    world.advance(20 * 60_000)
    return holds, level.session.mods[-1].plugin.SEEN


def test_settings_take_the_levels_values_and_defaults_otherwise(mods_dir, tmp_path):
    night_owl(mods_dir)
    _plain, seen = first_hold(prepare_level(write_level(tmp_path / "d.toml", '"night-owl"')))
    assert seen[0][0] == {"discount": 0.3, "until": 3_600_000}
    level = prepare_level(write_level(tmp_path / "s.toml", '{ id = "night-owl", settings = { discount = 0.5 } }'))
    assert level.session.settings["night-owl"] == {"discount": 0.5, "until": 3_600_000}
    over = prepare_level(write_level(tmp_path / "o.toml", '"night-owl"'),
                         ['level.mods=[{ id = "night-owl", settings = { until = "2h" } }]'])
    assert over.session.settings["night-owl"]["until"] == 7_200_000


@pytest.mark.parametrize("entry", ['"night-owl"', '{ id = "night-owl" }',
                                   '{ id = "night-owl", settings = { until = "3h" } }'])
@pytest.mark.parametrize("chosen", ["0", "night-owl"])
def test_one_setting_by_set_on_either_form_of_the_mods_list(mods_dir, tmp_path, entry, chosen):
    """`--set level.mods.<id or place>.settings.<name>=value`, whether the level lists the mod bare or as a table."""
    night_owl(mods_dir)
    path = write_level(tmp_path / "l.toml", entry)
    level = prepare_level(path, [f"level.mods.{chosen}.settings.discount=0.5"])
    until = 10_800_000 if "3h" in entry else 3_600_000
    assert level.session.settings["night-owl"] == {"discount": 0.5, "until": until}
    _holds, seen = first_hold(level)
    assert seen[0][0]["discount"] == 0.5  # what the hook is handed
    assert main(["run", str(path), "--until", "10m", "--set", f"level.mods.{chosen}.settings.until=2h"]) == EXIT_OK


def test_a_mods_version_is_set_by_its_id_on_a_bare_mods_list(mods_dir, tmp_path):
    """`--set level.mods.night-owl.version=...` (three dots) makes the bare entry a table, as settings do."""
    night_owl(mods_dir)
    path = write_level(tmp_path / "l.toml", '"night-owl"')
    level = prepare_level(path, ['level.mods.night-owl.version=">=1"'])
    assert level.session.settings["night-owl"]["until"] == 3_600_000
    with pytest.raises(LevelError) as caught:
        prepare_level(path, ['level.mods.night-owl.version=">=9"'])
    assert any("needs mod night-owl >=9" in str(problem) for problem in caught.value.problems)


def test_a_deep_override_outside_the_mods_is_read_as_it_is_on_a_level_with_mods(mods_dir, tmp_path):
    """`models.sd15.batching.max_batch=2` (three dots) is the model's key, not a mod's, though the level has mods."""
    night_owl(mods_dir)
    path = write_level(tmp_path / "l.toml", '"night-owl"')
    with pytest.raises(LevelError) as caught:
        prepare_level(path, ["models.sd15.batching.max_batch=2"])
    said = "\n".join(str(problem) for problem in caught.value.problems)
    assert "models.sd15.batching.decode" in said and "`mods` list" not in said, said


@pytest.mark.parametrize(("override", "message"), [
    ("level.mods.night-owl.settings.discont=0.1",
     "[level.mods.0.settings.discont] expected a known key (did you mean 'discount'?); found unknown key 'discont' "
     "(from --set)"),
    ("level.mods.0.settings.discount=2", "[level.mods.0.settings.discount] expected a number from 0.0 to 1.0"),
    ("level.mods.nite-owl.settings.discount=0.1", "[level.mods.nite-owl.settings.discount] expected a mod of the "
     "level's `mods` list, by id or place (0 to 0) (did you mean 'night-owl'?)"),
    ("level.mods.3.settings.discount=0.1", "expected a mod of the level's `mods` list, by id or place (0 to 0)"),
    ("level.mods.1.settings.discount=0.1", "expected a mod of the level's `mods` list, by id or place (0 to 0)"),
])
def test_a_bad_set_of_a_mods_setting_is_named(mods_dir, tmp_path, capsys, override, message):
    night_owl(mods_dir)
    path = write_level(tmp_path / "l.toml", '"night-owl"')
    with pytest.raises(LevelError) as caught:
        prepare_level(path, [override])
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems
    assert main(["run", str(path), "--until", "1m", "--set", override]) == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("settings", "message"), [
    ("{ discount = 2 }", "[level.mods.0.settings.discount] expected a number from 0.0 to 1.0"),
    ('{ until = "soon" }', "[level.mods.0.settings.until] expected a duration string"),
    ("{ discont = 0.1 }", "did you mean 'discount'?"),
])
def test_bad_settings_are_named_like_level_keys(mods_dir, tmp_path, settings, message):
    night_owl(mods_dir)
    with pytest.raises(LevelError) as caught:
        prepare_level(write_level(tmp_path / "l.toml", f'{{ id = "night-owl", settings = {settings} }}'))
    assert any(message in str(problem) and ":7:" in str(problem) for problem in caught.value.problems), \
        caught.value.problems


def test_a_bad_declaration_is_a_manifest_problem(mods_dir, tmp_path, capsys):
    folder = write_mod(mods_dir, "badset", CODE)
    with open(folder / "mod.toml", "a", encoding="utf-8") as manifest:
        manifest.write('[settings.x]\ntype = "colour"\ndefault = 1\nname = { en = "X", zh-CN = "X" }\n')
    assert main(["mods"]) == EXIT_BAD_INPUT
    assert "[settings.x.type] expected one of" in capsys.readouterr().out


def test_state_is_per_run_and_rebuilt_by_a_replay(mods_dir, tmp_path):
    night_owl(mods_dir)
    path = write_level(tmp_path / "l.toml", '"night-owl"')
    level = prepare_level(path)
    _holds, seen = first_hold(level)
    counts = [n for _s, n in seen]
    assert counts == list(range(1, len(counts) + 1))
    seen.clear()
    first_hold(level)  # a second run of the same prepared level starts from an empty state
    assert [n for _s, n in seen] == counts
    assert main(["run", str(path), "--until", "30m"]) == EXIT_OK
