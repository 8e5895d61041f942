"""mods/autoscaler: a capacity rule (river_capacity) is the auto-manager while it is on."""

import dataclasses

from factory_game.plugins import prepare_level
from factory_game.runner import load_commands, run_level
from factory_game.sim.rules import default_capacity

LEVEL = "levels/mods/autoscale-day.toml"


def rentals(result):
    return [c for c in result.commands if c["source"] == "autopilot" and c["ok"]]


def test_the_autoscaler_rents_on_the_spike_and_releases_after():
    result = run_level(prepare_level(LEVEL))
    decided = rentals(result)
    rented = [c for c in decided if c["command"] == "rent"]
    released = [c for c in decided if c["command"] == "release"]
    assert rented and released and rented[0]["t"] < released[0]["t"]
    assert rented[0]["t"] < 2 * 3_600_000  # on the spike, which starts at 1h
    assert run_level(prepare_level(LEVEL)).event_hash == result.event_hash


def test_its_commands_are_never_replayed_as_the_players(tmp_path):
    import json

    result = run_level(prepare_level(LEVEL))
    path = tmp_path / "run.json"
    path.write_text(json.dumps(result.to_json()), encoding="utf-8")
    assert load_commands(str(path)) == []
    assert run_level(prepare_level(LEVEL), commands=load_commands(str(path))).event_hash == result.event_hash


def test_the_built_in_auto_manager_decides_otherwise():
    level = prepare_level(LEVEL)
    builtin = run_level(level._replace(rules=dataclasses.replace(level.rules, capacity=default_capacity)))
    modded = run_level(prepare_level(LEVEL))
    assert builtin.event_hash != modded.event_hash
    assert modded.summary["money"]["profit_cents"] > builtin.summary["money"]["profit_cents"]


def test_switched_off_the_auto_manager_asks_no_one():
    result = run_level(prepare_level(LEVEL, ["autopilot.enabled=false"]))
    assert rentals(result) == []
