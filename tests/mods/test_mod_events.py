"""Mod events (river_event): a level schedules `[[events]] kind = "<mod>/<name>"` with the parameters the mod
declares (read like level keys); at its time the mod acts through commands recorded as its own, or its rules'
state, so a replay is exact. mods/trends on levels/mods/viral-afternoon.toml."""

import json

import pytest

from factory_game.level import LevelError
from factory_game.plugins import prepare_level
from factory_game.plugins.errors import ModFailed
from factory_game.runner import load_commands, run_level
from factory_game.sim.events import Kind
from tests.mods.helpers import write_level, write_mod

LEVEL = "levels/mods/viral-afternoon.toml"
HOUR = 3_600_000


def tasks_per_newcomer(level, until_ms):
    world = level.start()
    seen = []
    world.subscribe(lambda e: seen.append((e.time, int(e.info.split(":")[1]))) if e.kind == Kind.ARRIVE else None)
    world.run(until_ms)
    return seen, world


def test_the_viral_trend_comes_at_its_time_and_rents_as_the_mod():
    seen, world = tasks_per_newcomer(prepare_level(LEVEL), 4 * HOUR)
    during = [n for t, n in seen if 2 * HOUR <= t < 3.5 * HOUR]
    outside = [n for t, n in seen if not 2 * HOUR <= t < 3.5 * HOUR]
    assert set(outside) == {1, 2} and set(during) == {3, 6}  # the level's 1-2 tasks, times the event's factor 3
    (rent,) = [r for r in world.commands if r.source == "mod:trends"]
    assert (rent.time, rent.command.name, rent.command.count, rent.ok) == (2 * HOUR, "rent", 4, True)


def test_the_parameters_come_from_the_level_and_overrides():
    seen, _world = tasks_per_newcomer(prepare_level(LEVEL, ["events.0.factor=2", 'events.0.at="1h"']), 2 * HOUR)
    assert {n for t, n in seen if HOUR <= t < 2 * HOUR} == {2, 4}


def test_a_replay_derives_the_mods_commands_again(tmp_path):
    result = run_level(prepare_level(LEVEL))
    path = tmp_path / "run.json"
    path.write_text(json.dumps(result.to_json()), encoding="utf-8")
    assert load_commands(str(path)) == []  # the mod's rent is not the player's
    assert run_level(prepare_level(LEVEL), commands=load_commands(str(path))).event_hash == result.event_hash
    assert run_level(prepare_level(LEVEL)).event_hash == result.event_hash


def test_events_after_a_mods_event_are_read_too():
    """A mod's event does not end the reading of `[[events]]`: a spike listed after it is scheduled as well."""
    spec = prepare_level(LEVEL, ['events=[{ kind = "trends/viral", at = "2h", factor = 3, duration = "1h30m", '
                                 'rent = 4 }, { kind = "spike", at = "1h", duration = "10m", factor = 2 }]']).spec
    assert [event.kind for event in spec.events] == ["trends/viral", "spike"]


@pytest.mark.parametrize(("entry", "key", "says"), [
    ('kind = "trends/viral"\nat = "1h"\nfactor = 9', "events.0.factor", "an integer from 1 to 5"),
    ('kind = "trends/viral"\nat = "1h"\nfacter = 2', "events.0.facter", "factor"),
    ('kind = "trends/viarl"\nat = "1h"', "events.0.kind", "trends/viral"),
    ('kind = "trends/viral"', "events.0.at", "missing"),
])
def test_a_bad_event_entry_is_named_like_a_level_key(tmp_path, entry, key, says):
    text = open(LEVEL, encoding="utf-8").read()
    text = text[:text.index("[[events]]")] + "[[events]]\n" + entry + "\n\n" + text[text.index("[[goals]]"):]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as caught:
        prepare_level(path)
    message = str(caught.value)
    assert key in message and says in message, message


EVENT_DECL = """
[events.ping]
name = { en = "Ping", zh-CN = "提示" }
"""


def ping_mod(mods_dir, code, mod_id):
    folder = write_mod(mods_dir, mod_id, code)
    with open(folder / "mod.toml", "a", encoding="utf-8") as manifest:
        manifest.write(EVENT_DECL)
    level = write_level(mods_dir.parent / f"{mod_id}.toml", f'"{mod_id}"')
    with open(level, "a", encoding="utf-8") as file:
        file.write(f'\n[[events]]\nkind = "{mod_id}/ping"\nat = "30m"\n')
    return level


def test_a_bad_answer_stops_a_strict_run_and_a_lenient_one_goes_on(mods_dir):
    path = ping_mod(mods_dir, "@hookimpl\ndef river_event(kind):\n    return 'rent 4'\n", "pinger")
    with pytest.raises(ModFailed, match="river_event.*expected None or a list of commands"):
        run_level(prepare_level(path))
    level = prepare_level(path, lenient=True)
    assert run_level(level).summary["overall"]["completed"] > 0
    assert [f.hook for f in level.session.failures] == ["river_event"]


def test_declaring_events_without_receiving_them_is_named(mods_dir):
    path = ping_mod(mods_dir, "@hookimpl\ndef river_observe(event):\n    pass\n", "deaf")
    with pytest.raises(LevelError, match="declares events .ping. in mod.toml but implements no river_event"):
        prepare_level(path)


def test_an_event_changes_nothing_but_through_the_world_it_is_handed(mods_dir):
    path = ping_mod(mods_dir, "@hookimpl\ndef river_event(world):\n    world.prices['image'] = 0\n", "sneaky")
    with pytest.raises(ModFailed, match="river_event"):
        run_level(prepare_level(path))
