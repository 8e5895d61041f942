"""`factory-game mods`, and `run` / `validate` with a level's mods: exit codes and named messages."""

from factory_game.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tests.mods.helpers import write_level, write_mod

BROKEN_PRICE = """
    @hookimpl
    def river_price(world):
        if world.now > 20 * 60_000:
            raise ValueError("no price today")
"""


OBSERVER = """
    @hookimpl
    def river_observe(event):
        pass
"""


def test_mods_lists_each_mod_and_its_state(mods_dir, capsys):
    write_mod(mods_dir, "fine", OBSERVER)
    write_mod(mods_dir, "needy", OBSERVER, deps={"fine": ">=3"})
    assert main(["mods"]) == EXIT_BAD_INPUT  # a mod that cannot load is an error, not a listing with exit 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if not line.startswith(" ")}
    assert " ok " in lines["fine"]
    assert " error " in lines["needy"]
    assert "mod needy 1.0.0 needs mod fine >=3; found fine 1.0.0" in out


def test_strict_run_exits_2_naming_mod_version_and_hook(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "grumpy", BROKEN_PRICE, version="2.0.1")
    level = write_level(tmp_path / "l.toml", '{ id = "grumpy", version = ">=2" }')
    assert main(["run", str(level)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "error: mod grumpy 2.0.1 failed in river_price at t=" in err and "ValueError: no price today" in err


def test_lenient_run_warns_and_finishes(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "grumpy", BROKEN_PRICE, version="2.0.1")
    level = write_level(tmp_path / "l.toml", '"grumpy"')
    assert main(["run", str(level), "--lenient"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "warning: mod grumpy 2.0.1 failed in river_price" in captured.err
    assert "switched off with all its hooks; the built-in rules answer in its place" in captured.err
    assert "level mods-test" in captured.out


def test_validate_checks_the_mods_of_a_level(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "grumpy", BROKEN_PRICE, version="2.0.1")
    good = write_level(tmp_path / "good.toml", '"grumpy"')
    bad = write_level(tmp_path / "bad.toml", '{ id = "grumpy", version = "<2" }')
    assert main(["validate", str(good)]) == EXIT_OK
    assert main(["validate", str(good), str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "[level.mods]" in err and "needs mod grumpy <2; found grumpy 2.0.1" in err
