"""The one door from a level file to a world: `prepare_level` opens the level's mods once, validates the level against
their catalog, and the prepared level starts and replays worlds the way the runner, saves and the game do."""

import pytest

from factory_game.builtin import builtin_catalog
from factory_game.level import LevelError, load_level
from factory_game.level.bundled import LEVELS_DIR
from factory_game.plugins import ModSession, open_mods, prepare_level
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Rent
from factory_game.sim.events import EventLog

MOD_LEVEL = LEVELS_DIR / "mods" / "surge-hour.toml"
PLAIN_LEVEL = LEVELS_DIR / "campaign" / "01-opening-day.toml"
COMMANDS = [(20 * MINUTE, Rent("sd15", 2)), (3 * HOUR, Rent("sd15", 1))]


def test_a_levels_mods_are_opened_once(monkeypatch):
    opened = []
    original = ModSession.__init__

    def counting(self, *args, **kwargs):
        opened.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ModSession, "__init__", counting)
    level = prepare_level(MOD_LEVEL)
    assert len(opened) == 1
    assert [mod.id for mod in level.session.mods] == ["builtin", "surge-pricing"]
    assert level.spec.mods == (("surge-pricing", ">=1.0"),)


def test_the_built_in_catalog_is_what_the_built_in_plugin_registers():
    assert builtin_catalog() == open_mods().catalog


def test_a_level_with_mods_is_refused_by_the_level_layer_alone():
    with pytest.raises(LevelError, match="prepare_level"):
        load_level(MOD_LEVEL)


def test_a_mod_that_does_not_open_is_reported_with_the_levels_other_problems(tmp_path):
    text = MOD_LEVEL.read_text(encoding="utf-8").replace('id = "surge-pricing"', 'id = "surge-pricingg"')
    text = text.replace("[arrivals]", "[arrivals]\nrat = 3", 1)
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as caught:
        prepare_level(tmp_path / "bad.toml")
    paths = {problem.path for problem in caught.value.problems}
    assert "level.mods" in paths and "arrivals.rat" in paths
    mods_problem = next(p for p in caught.value.problems if p.path == "level.mods")
    assert "surge-pricingg" in mods_problem.found and mods_problem.line == 15


def test_start_attaches_the_mods_and_replay_is_what_the_runner_does(monkeypatch):
    level = prepare_level(MOD_LEVEL)
    attached = []
    monkeypatch.setattr(level.session, "attach", attached.append)
    world = level.start(seed=7, ledger_window=10)
    assert world.seed == 7 and world.spec is level.spec and attached == [world]
    assert world.rules is level.rules
    log = EventLog()
    world.subscribe(log)
    level.replay(world, COMMANDS, until_ms=2 * HOUR)
    assert world.now == 2 * HOUR
    assert [record.command for record in world.commands if record.source == "player"] == [COMMANDS[0][1]]
    headless = run_level(prepare_level(MOD_LEVEL), seed=7, until_ms=2 * HOUR, commands=COMMANDS)
    assert log.hexdigest() == headless.event_hash


def test_replay_in_steps_reports_progress_and_reaches_the_same_world():
    level = prepare_level(PLAIN_LEVEL)
    seen = []
    stepped, whole = level.start(), level.start()
    level.replay(stepped, COMMANDS, HOUR, progress=lambda now, end: seen.append((now, end)))
    level.replay(whole, COMMANDS, HOUR)
    assert seen[-1] == (HOUR, HOUR) and len(seen) >= 100
    assert stepped.summary() == whole.summary()


def test_a_file_that_is_not_utf8_is_a_level_problem_with_its_line(tmp_path):
    raw = PLAIN_LEVEL.read_bytes().replace(b"[arrivals]", b"[arri\xffvals]", 1)
    (tmp_path / "damaged.toml").write_bytes(raw)
    with pytest.raises(LevelError) as caught:
        prepare_level(tmp_path / "damaged.toml")
    (problem,) = caught.value.problems
    assert problem.expected == "a UTF-8 text file" and "0xff" in problem.found
    assert problem.line == raw[:raw.index(b"\xff")].count(b"\n") + 1
