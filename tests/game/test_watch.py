"""Watching a recorded run (`play LEVEL --replay FILE`, issue 16 item 9): the watched world ends where `run --replay`
ends, seeking back and forward lands on the state of a straight run to that moment, the levers are off, and a run
of another level is refused like `run --replay` refuses it."""

from __future__ import annotations

import json
from pathlib import Path

import arcade
import pytest

from factory_game.cli import main
from factory_game.game.app import make_game
from factory_game.game.play import LEDGER_WINDOW, PlayView
from factory_game.game.watch import Recording
from factory_game.level.bundled import LEVELS_DIR
from factory_game.plugins import prepare_level
from factory_game.runner import read_replay
from factory_game.sim import queries
from factory_game.sim.events import EventLog

L1 = LEVELS_DIR / "campaign" / "01-opening-day.toml"
L3 = "campaign/03-video-arrives"
COMMANDS = ['{"t":0,"command":"autopilot","enabled":false}',
            '{"t":120000,"command":"rent","model":"sd15","count":2}',
            '{"t":600000,"command":"rent","model":"sd15","count":3}',
            '{"t":5400000,"command":"release","model":"sd15","count":4}']
SEED = 5


@pytest.fixture
def run_file(tmp_path) -> Path:
    """A `run --json` record of level 1 with the commands above."""
    commands = tmp_path / "cmds.jsonl"
    commands.write_text("\n".join(COMMANDS) + "\n", encoding="utf-8")
    record = tmp_path / "run.json"
    assert main(["run", str(L1), "--replay", str(commands), "--seed", str(SEED), "--json", str(record)]) == 0
    return record


def watch(window, record: Path) -> tuple[PlayView, list[EventLog]]:
    """The game watching `record` at 16×, every fresh world it starts logged from its first event."""
    game = make_game(levels=[L1], lang="en", muted=True, headless=True, seed=SEED)
    recording = Recording(L1, read_replay(str(record)).commands, SEED, LEDGER_WINDOW, prepare_level(L1, lenient=True))
    logs: list[EventLog] = []
    recording.on_world = lambda world: (logs.append(EventLog()), world.subscribe(logs[-1]))
    return game.watch(recording, speed=16), logs


def test_the_watched_run_ends_with_the_event_hash_of_run_replay(window, run_file):
    recorded = json.loads(run_file.read_text(encoding="utf-8"))
    view, logs = watch(window, run_file)
    for _ in range(25):  # frames at 16×: the first commands are applied as the clock passes them
        view.on_update(0.1)
    assert view.world.now == 25 * 32_000
    assert (logs[0].hexdigest(), queries.summary(view.world)) == straight(25 * 32_000, run_file)
    said = [(item[1], item[2].get("n")) for item in reversed(view.alerts.items) if item[1] != "slot_arrive"]
    assert said[:3] == [("replay_autopilot_off", None), ("rent", 2), ("rent", 3)]  # the feed tells each one
    view.request_seek(10 ** 12)  # to the end (clamped), through the timeline's door
    view.on_update(0.1)
    assert window.current_view is view  # a frame shows "seeking…" first
    view.on_update(0.1)
    watched = window.current_view
    assert isinstance(watched, PlayView) and watched.world.now == watched.spec.duration_ms
    assert len(logs) == 1  # forward: the same world carried on
    queries.settle_costs(watched.world)
    assert logs[0].hexdigest() == recorded["event_log_sha256"]


def straight(to_ms: int, record: Path) -> tuple[str, dict]:
    """A straight replay of `record` to `to_ms`: its event hash and summary."""
    prepared = prepare_level(L1, lenient=True)
    world = prepared.start(SEED, 2000)
    log = EventLog()
    world.subscribe(log)
    prepared.replay(world, read_replay(str(record)).commands, to_ms)
    return log.hexdigest(), queries.summary(world)


def test_seeking_back_and_forward_lands_on_a_straight_run(window, run_file):
    view, logs = watch(window, run_file)
    view.request_seek(90 * 60_000)
    view.on_update(0.1)
    view.on_update(0.1)
    view = window.current_view
    assert view.world.now == 90 * 60_000 and len(logs) == 1
    assert (logs[-1].hexdigest(), queries.summary(view.world)) == straight(90 * 60_000, run_file)
    view.request_seek(11 * 60_000)  # back: a fresh world replayed from the start
    assert view.timeline is not None and view.seek_to == 11 * 60_000  # drawn as "seeking…" before the work
    view.on_update(0.1)
    assert window.current_view is view and view.world.now == 90 * 60_000  # not yet: a frame shows "seeking…"
    view.timeline.refresh()
    assert view.timeline.seeking.visible and view.timeline.seeking.value == "Seeking 11m00s…"
    view.on_update(0.1)
    view = window.current_view
    assert view.world.now == 11 * 60_000 and len(logs) == 2
    assert (logs[-1].hexdigest(), queries.summary(view.world)) == straight(11 * 60_000, run_file)
    view.on_key_press(arcade.key.BRACKETRIGHT, 0)  # ]: a twentieth of the 3-hour run forward
    view.on_update(0.1)
    view.on_update(0.1)
    view = window.current_view
    assert view.world.now == 11 * 60_000 + 9 * 60_000
    assert (logs[-1].hexdigest(), queries.summary(view.world)) == straight(20 * 60_000, run_file)
    view.timeline.refresh()
    assert not view.timeline.seeking.visible
    view.on_key_press(arcade.key.BRACKETLEFT, arcade.key.MOD_SHIFT)  # Shift+[: back to the decision at 10m
    view.on_update(0.1)
    view.on_update(0.1)
    view = window.current_view
    assert view.world.now == 10 * 60_000 and len(logs) == 3
    said = [(item[0], item[1], item[2].get("n")) for item in reversed(view.alerts.items) if item[1] != "slot_arrive"]
    assert said == [(0, "replay_autopilot_off", None), (120_000, "rent", 2), (600_000, "rent", 3)]  # the last hour's
    assert (logs[-1].hexdigest(), queries.summary(view.world)) == straight(10 * 60_000, run_file)


def test_the_timeline_seeks_where_it_is_clicked_and_marks_each_decision(window, run_file):
    view, _logs = watch(window, run_file)
    timeline = view.timeline
    assert timeline is not None
    timeline.refresh()
    left, _bottom, width, _height = timeline.track
    assert view.watching is not None and view.watching.recording.marks() == [0, 120_000, 600_000, 5_400_000]
    timeline.press(left + width / 2)
    timeline.drag(left + width / 4)
    assert view.seek_to is None  # dragging only moves the handle
    timeline.release(left + width / 4)
    assert view.seek_to == view.spec.duration_ms // 4
    view.seek_to = None
    region = view.regions["timeline"]  # its own section along the bottom of the floor, first to take a click there
    assert region.enabled and region.bottom == 0 and region.right == view.regions["floor"].right
    k = view.frame.scale
    x, y = (left + width * 3 / 4) * k, region.bottom + region.height / 2
    view.on_mouse_press(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    view.on_mouse_release(x, y, arcade.MOUSE_BUTTON_LEFT, 0)
    assert view.seek_to == view.spec.duration_ms * 3 // 4 and view.selected is None


def test_the_levers_are_off_while_watching(window, run_file):
    view, _logs = watch(window, run_file)
    view.on_update(0.1)
    before = len(queries.slots(view.world))
    view.rent("sd15", 1)
    view.toggle_autopilot()
    assert len(queries.slots(view.world)) == before and not queries.autopilot_on(view.world)
    assert view.alerts.items[0][1] == "replay_levers_off"
    view.hud.refresh(0.0)
    looking = [*view.hud.regions["top"].buttons, view.hud.manager.goals.toggle]  # clock, switches, the levers' panel
    assert all(not b.enabled for b in view.hud.buttons if b not in looking) and all(b.enabled for b in looking)
    view.on_key_press(arcade.key.G, 0)  # the levers panel opens to be looked at; its levers are off
    view.hud.refresh(0.0)
    levers = view.hud.regions["levers"].buttons
    assert view.hud.manager.open and levers and not any(b.enabled for b in levers)
    assert view.hud.replay_badge is not None and view.hud.replay_badge.value == "▶ REPLAY"


def test_a_run_of_another_level_is_refused_before_any_window(tmp_path, capsys):
    commands = tmp_path / "v.jsonl"
    commands.write_text('{"t":600000,"command":"rent","model":"video-gen","count":2}\n', encoding="utf-8")
    r3 = tmp_path / "r3.json"
    assert main(["run", L3, "--replay", str(commands), "--json", str(r3), "--until", "20m"]) == 0
    capsys.readouterr()
    code = main(["play", str(L1), "--replay", str(r3)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "expected a run of the level campaign-01-opening-day; found a run of campaign-03-video-arrives" in err
    assert main(["play", "--replay", str(r3)]) == 2
    assert "expected a LEVEL to watch it on" in capsys.readouterr().err


def test_play_replay_opens_the_level_watching_the_run(window, run_file):
    """The wiring of `play LEVEL --replay FILE` past its checks: straight into the level, watching, at 4×."""
    import argparse

    from factory_game.game.app import open_game
    from factory_game.game.commands import watched_run

    args = argparse.Namespace(level=str(L1), replay=str(run_file), mods=None)
    game = open_game(str(L1), lang="zh-CN", muted=True, seed=SEED, headless=True, replay=watched_run(args))
    view = window.current_view
    assert isinstance(view, PlayView) and view.watching is not None and game.current == L1
    assert view.clock.speed == 4 and view.timeline is not None and view.watching.recording.seed == SEED
    assert view.hud.replay_badge is not None and view.hud.replay_badge.value == "▶ 回放"


def test_the_timeline_is_drawn_over_the_floor(window, run_file):
    """The frame itself: the timeline's handle and a decision's mark where the timeline says they are."""
    from factory_game.game.art import palette
    from factory_game.game.screenshot import frame

    view, _logs = watch(window, run_file)
    view.request_seek(90 * 60_000)
    view.on_update(0.1)
    view.on_update(0.1)
    view = window.current_view
    image = frame(view)
    timeline, k = view.timeline, view.frame.scale
    _left, bottom, _width, height = timeline.track
    y = window.height - round((bottom + height / 2) * k) - 1  # image rows run top down
    handle_x = round(timeline.x_of(view.world.now) * k)
    mark_x = round(timeline.x_of(120_000) * k)
    pal = palette()
    assert image.getpixel((handle_x, y)) == pal["white"][:3]
    assert image.getpixel((mark_x, round(window.height - (bottom + height + 2) * k))) == pal["yellow"][:3]
