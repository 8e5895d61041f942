"""Mods ship levels: `levels/` beside mod.toml, named `<mod>/<level>`, listed by `levels`, run by name, and shown in
the game's level select."""

from factory_game.cli import EXIT_OK, main
from factory_game.plugins.levels import find_level, mod_levels
from tests.mods.helpers import SMALL_LEVEL, write_mod

OBSERVER = "@hookimpl\ndef river_observe(event):\n    pass\n"


def shipped(mods_dir):
    folder = write_mod(mods_dir, "shipper", OBSERVER)
    (folder / "levels").mkdir()
    (folder / "levels" / "night.toml").write_text(SMALL_LEVEL.format(mods='"shipper"'), encoding="utf-8")
    return folder / "levels" / "night.toml"


def test_a_mods_levels_are_named_listed_and_run(mods_dir, capsys):
    path = shipped(mods_dir)
    assert ("shipper/night", path) in mod_levels()
    assert find_level("shipper/night") == path
    assert main(["levels"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("shipper/night ") and "Mods test" in line for line in lines)
    assert main(["run", "shipper/night", "--until", "20m"]) == EXIT_OK
    assert "level mods-test" in capsys.readouterr().out


def test_the_level_select_offers_them(mods_dir):
    from factory_game.game.app import Game

    path = shipped(mods_dir)
    game = Game.__new__(Game)  # the level list only: no window needed
    game._specs = {}
    assert (path, "mods-test") in [(p, spec.id) for p, spec in game.more_levels()]  # beside the bundled ones
