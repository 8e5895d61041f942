"""Save and load: a game saved at any moment and loaded again continues exactly as if it had never stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factory_game.level import load_level
from factory_game.plugins import prepare_level
from factory_game.save import VERSION, SaveError, _checksum, fingerprint, load, read, save
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import Release, Rent, SetAutopilot
from factory_game.sim.events import EventLog
from factory_game.sim.world import World

CAMPAIGN = Path(__file__).resolve().parents[2] / "levels" / "campaign"
LEVEL = CAMPAIGN / "04-rush-hour.toml"
MODDED = CAMPAIGN / "06-mods-at-work.toml"  # surge pricing and fair share read the world: the replay must agree
END = 150 * MINUTE
# A player who switches the auto-manager off, rents for the rush, and gives the slots back.
PLAYER = [(20 * MINUTE, SetAutopilot(False)), (88 * MINUTE, Rent("sd15", 6)), (95 * MINUTE, Rent("sd15", 6)),
          (140 * MINUTE, Release("sd15", 12))]


def _play(world: World, start: int, end: int) -> None:
    """Advance from `start` to `end`, applying the player's commands on the way."""
    for time, command in PLAYER:
        if start <= time <= end:
            world.advance(time)
            world.apply(command)
    world.advance(end)


def _world(level: Path) -> World:
    """A world as the game builds one: with the level's mods making the rules and watching."""
    spec, rules, session = prepare_level(level)
    world = World(spec, rules=rules)
    session.attach(world)
    return world


def _uninterrupted(level: Path) -> tuple[str, int]:
    world = _world(level)
    log = EventLog()
    world.subscribe(log)
    _play(world, 0, END)
    return log.hexdigest(), log.count


@pytest.mark.parametrize("level, save_at", [(LEVEL, 0), (LEVEL, 20 * MINUTE), (LEVEL, 91 * MINUTE + 17),
                                            (LEVEL, 140 * MINUTE), (MODDED, 100 * MINUTE + 1)],
                         ids=["start", "at-a-command", "mid-rush", "last-command", "modded"])
def test_continuing_after_a_load_gives_the_same_event_log(tmp_path, level, save_at):
    world = _world(level)
    _play(world, 0, save_at)
    save(world, tmp_path / "game.json")

    log = EventLog()
    loaded = load(tmp_path / "game.json", world_hook=lambda w: w.subscribe(log))
    assert loaded.now == save_at
    _play(loaded, save_at + 1, END)
    assert (log.hexdigest(), log.count) == _uninterrupted(level)


def test_a_save_lists_its_level_time_and_player_commands(tmp_path):
    world = World(load_level(LEVEL, ["arrivals.rate=60"]), seed=9)
    _play(world, 0, 100 * MINUTE)
    save(world, tmp_path / "game.json", overrides=["arrivals.rate=60"])
    game = read(tmp_path / "game.json")
    assert (game.level_id, game.seed, game.time_ms, game.overrides) == (
        "campaign-04-rush-hour", 9, 100 * MINUTE, ("arrivals.rate=60",))
    assert [t for t, _ in game.commands] == [20 * MINUTE, 88 * MINUTE, 95 * MINUTE]  # the autopilot's are replayed
    assert load(tmp_path / "game.json").summary() == world.summary()


def _saved(tmp_path) -> Path:
    world = World(load_level(LEVEL))
    _play(world, 0, 30 * MINUTE)
    return save(world, tmp_path / "game.json")


def _rewrite(path: Path, change) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)
    path.write_text(json.dumps(body), encoding="utf-8")


@pytest.mark.parametrize("damage, kind, message", [
    (lambda p: p.write_text(p.read_text(encoding="utf-8")[:200], encoding="utf-8"), "corrupt", "truncated"),
    (lambda p: p.write_bytes(b"\x00\xff garbage"), "not_a_save", "not a River Factory save"),
    (lambda p: p.write_text("[1, 2]", encoding="utf-8"), "not_a_save", "not a River Factory save"),
    (lambda p: _rewrite(p, lambda b: b.update(version=VERSION + 1)), "newer_version", "newer River Factory"),
    (lambda p: _rewrite(p, lambda b: b.update(time_ms=b["time_ms"] + 1)), "corrupt", "checksum"),
    (lambda p: _rewrite(p, lambda b: (b.pop("seed"), b.update(checksum=_checksum(b)))), "corrupt",
     r"\[seed\] expected an integer from 0 to \d+; found nothing"),
    (lambda p: _rewrite(p, lambda b: (b["commands"][0].update(t="soon"), b.update(checksum=_checksum(b)))),
     "corrupt", r"\[commands.0.t\] expected an integer of at least 0; found string 'soon'"),
])
def test_a_damaged_or_newer_save_gives_a_clear_error_and_changes_nothing(tmp_path, damage, kind, message):
    path = _saved(tmp_path)
    damage(path)
    before = path.read_bytes()
    with pytest.raises(SaveError, match=message) as caught:
        load(path)
    assert caught.value.kind == kind and caught.value.path == path
    if kind == "newer_version":
        assert caught.value.version == VERSION + 1
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]


def test_a_changed_or_moved_level_replays_from_the_text_the_save_carries(tmp_path, monkeypatch):
    monkeypatch.setenv("RIVER_USER_DATA", str(tmp_path / "user-data"))
    level = tmp_path / "level.toml"
    level.write_text(LEVEL.read_text(encoding="utf-8"), encoding="utf-8")
    world = World(load_level(level))
    world.advance(10 * MINUTE)
    path = save(world, tmp_path / "game.json")
    body = json.loads(path.read_text())
    assert body["level"]["text"] == LEVEL.read_text(encoding="utf-8") and body["version"] == VERSION
    level.write_text(LEVEL.read_text(encoding="utf-8").replace("rate = 80", "rate = 81"), encoding="utf-8")
    changed = load(path)
    level.unlink()
    moved = load(path)
    assert changed.now == moved.now == 10 * MINUTE
    assert fingerprint(changed) == fingerprint(moved) == fingerprint(world)


def test_a_first_format_save_of_a_changed_level_is_refused(tmp_path):
    """Format 1 carried no text: a changed level file cannot be replayed."""
    level = tmp_path / "level.toml"
    level.write_text(LEVEL.read_text(encoding="utf-8"), encoding="utf-8")
    world = World(load_level(level))
    world.advance(10 * MINUTE)
    path = save(world, tmp_path / "game.json")
    _rewrite(path, lambda b: (b.update(version=1), b["level"].pop("text"), b.update(checksum=_checksum(b))))
    level.write_text(LEVEL.read_text(encoding="utf-8").replace("rate = 80", "rate = 81"), encoding="utf-8")
    with pytest.raises(SaveError, match="has changed since") as caught:
        load(path)
    assert caught.value.kind == "level_changed" and caught.value.level == level


def test_a_bundled_level_is_named_not_located(tmp_path):
    world = World(load_level(LEVEL))
    world.advance(MINUTE)
    body = json.loads(save(world, tmp_path / "game.json").read_text())
    assert body["level"] == {"bundled": "campaign/04-rush-hour.toml", "id": world.spec.id,
                             "sha256": body["level"]["sha256"]}  # no path: a shared save shows no home directory


def test_a_failed_save_keeps_the_previous_one(tmp_path, monkeypatch):
    path = _saved(tmp_path)
    before = path.read_bytes()
    world = World(load_level(LEVEL))
    world.advance(60 * MINUTE)

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(SaveError, match="No space left") as caught:
        save(world, path)
    assert (caught.value.kind, caught.value.path, caught.value.reason) == ("write_failed", path,
                                                                           "No space left on device")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]
