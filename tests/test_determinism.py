"""Same level, seed and commands: the same event log, in this process, under another PYTHONHASHSEED, in replay."""

import json
import os
import subprocess
import sys
from pathlib import Path

from factory_game.levelkit import level, model, with_arrivals
from factory_game.runner import load_commands, run_level
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Arrive, Release, Rent, SetAutopilot
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import AutopilotSpec, PromptSpec, ScriptedEvent
from factory_game.sim.world import World

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "levels" / "reference" / "mmc.toml"


def busy_level():
    spec = level(
        model(slots=4, service=Dist.lognormal(5 * MINUTE, 0.7), failure_rate=0.05, retries=1, max_extra=6,
              rent_price_cents=300),
        model("video-gen", ("video",), slots=2, service=Dist.exponential(15 * MINUTE), max_extra=2),
        rate_per_hour=70, tiers=(("L1", 1), ("L2", 2)), duration_ms=4 * HOUR, prompt=PromptSpec(),
        autopilot=AutopilotSpec(enabled=True, sustain=2),
        events=(ScriptedEvent("outage", HOUR, duration_ms=30 * MINUTE, model="sd15", slots=2),
                ScriptedEvent("spike", 2 * HOUR, duration_ms=HOUR, factor=2.0)),
    )
    return with_arrivals(spec, tiers=(("L1", 2.0), ("L2", 1.0)), content=(("image", 3.0), ("video", 1.0)),
                         priority_share=0.2, tasks=Dist.uniform(1, 3), budget=Dist.uniform(100, 2000))


PLAYER = [(37 * MINUTE + 123, Rent("sd15", 2)), (80 * MINUTE, SetAutopilot(False)),
          (95 * MINUTE + 7, Release("sd15", 1)), (100 * MINUTE, Arrive("L2", ("video", "image"), priority=True)),
          (150 * MINUTE, SetAutopilot(True))]


def test_same_seed_same_hash_and_another_seed_differs():
    spec = busy_level()
    first = run_level(spec, seed=5, commands=PLAYER)
    again = run_level(spec, seed=5, commands=PLAYER)
    other = run_level(spec, seed=6, commands=PLAYER)
    assert first.event_hash == again.event_hash
    assert first.summary == again.summary
    assert other.event_hash != first.event_hash
    assert first.summary["overall"]["prompts"] > 0 and any(c["source"] == "autopilot" for c in first.commands)


def test_replay_from_recorded_commands(tmp_path):
    spec = busy_level()
    first = run_level(spec, seed=9, commands=PLAYER)
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(first.to_json()))
    replayed = run_level(spec, seed=9, commands=load_commands(str(saved)))
    assert replayed.event_hash == first.event_hash


def test_advancing_in_small_steps_changes_nothing():
    spec = busy_level()
    whole = World(spec, seed=2)
    whole.run()
    stepped = World(spec, seed=2)
    t = 0
    while t < spec.duration_ms:
        t = min(spec.duration_ms, t + 16_667)  # one frame at 60 fps of simulated time
        stepped.advance(t)
    stepped.settle_costs()
    assert stepped.summary() == whole.summary()


def test_same_hash_under_another_python_hash_seed():
    code = ("import sys; from factory_game.level import load_level; from factory_game.runner import run_level;"
            f"print(run_level(load_level({str(REFERENCE)!r}), until_ms={2 * HOUR}).event_hash)")
    hashes = set()
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        hashes.add(out.stdout.strip())
    from factory_game.level import load_level

    assert hashes == {run_level(load_level(REFERENCE), until_ms=2 * HOUR).event_hash}


def test_event_lines_are_canonical_json():
    import json as _json

    from hypothesis import given
    from hypothesis import strategies as st

    from factory_game.sim.events import Event, Kind, event_line

    optional_int = st.none() | st.integers(-10**12, 10**12)
    optional_text = st.none() | st.text(max_size=12)

    @given(st.integers(0, 10**12), st.sampled_from(list(Kind)), optional_int, optional_int, optional_text,
           optional_int, optional_int, optional_text, st.none() | st.booleans(), optional_text)
    def check(time, kind, customer, task, model, slot, cents, info, ok, reason):
        event = Event(time, kind, customer, task, model, slot, cents, info, ok, reason)
        expected = _json.dumps(event.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert event_line(event) == expected

    check()


def test_shaped_event_lines_match_json_for_every_kind():
    """Each kind's line builder is made from the first event it sees; later events of that shape take its fast path,
    others its fallback. Both must give `json.dumps`'s text, strings needing escapes included."""
    import json as _json

    from hypothesis import given
    from hypothesis import strategies as st

    from factory_game.sim.events import _LINE_BUILDERS, Event, Kind, event_line

    text = st.text(max_size=8)
    shapes = st.fixed_dictionaries({}, optional={
        "customer": st.integers(0, 10**9), "task": st.integers(0, 10**9), "model": text,
        "slot": st.integers(0, 10**4), "cents": st.integers(-10**9, 10**9), "info": text, "ok": st.booleans(),
        "reason": text})

    @given(st.sampled_from(list(Kind)), shapes, st.lists(st.tuples(st.integers(0, 10**12), shapes), max_size=6))
    def check(kind, first, later):
        _LINE_BUILDERS.pop(kind, None)
        for time, fields in [(0, first), *later, *[(t + 1, first) for t, _ in later]]:
            event = Event(time, kind, **fields)
            expected = _json.dumps(event.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            assert event_line(event) == expected

    check()


def _decode_fingerprint(data: bytes, count: int) -> list:
    """The events back from one batch of the fingerprint's bytes (EventLog's docstring): proof that no two different
    logs give the same bytes."""
    import struct

    from factory_game.sim.events import Event, Kind

    record = struct.Struct("<IqqqqqIII")
    kinds = list(Kind)
    strings = data[record.size * count:].decode()
    events, at = [], 0
    for index in range(count):
        header, time, customer, task, slot, cents, *lengths = record.unpack_from(data, index * record.size)
        texts = []
        for bit, length in zip((16, 32, 64), lengths, strict=True):
            texts.append(strings[at:at + length] if header & bit else None)
            at += length if header & bit else 0
        ok = True if header & 128 else False if header & 256 else None
        events.append(Event(time, kinds[header >> 16], customer if header & 1 else None, task if header & 2 else None,
                            texts[0], slot if header & 4 else None, cents if header & 8 else None, texts[1], ok,
                            texts[2]))
    assert at == len(strings)
    return events


def test_the_fingerprint_encodes_every_field_of_every_event():
    """The event log's hash is over a binary record per event (not the JSON lines): decoding a batch gives back the
    very events, None told from 0 and from "", strings with their bounds, so two different logs hash differently."""
    from hypothesis import given
    from hypothesis import strategies as st

    from factory_game.sim.events import Event, EventLog, Kind

    optional_int = st.none() | st.integers(-10**12, 10**12)
    optional_text = st.none() | st.text(max_size=6)
    events = st.builds(Event, st.integers(0, 10**12), st.sampled_from(list(Kind)), optional_int, optional_int,
                       optional_text, optional_int, optional_int, optional_text, st.none() | st.booleans(),
                       optional_text)

    @given(st.lists(events, max_size=8))
    def check(batch):
        log = EventLog()
        for event in batch:
            log(event)
        assert _decode_fingerprint(log.pending_bytes(), log.count) == batch

    check()


def test_the_log_alone_and_among_listeners_gives_the_same_hash_and_lines(tmp_path):
    """A world whose only listener is its event log hands it the fields (no Event built); with another listener it
    hands it Events. Same hash, same count, and the JSON lines of `--events` are the events' `event_line`s."""
    import io

    from factory_game.level import load_level
    from factory_game.sim.events import EventLog, event_line
    from factory_game.sim.world import World

    spec = load_level(REFERENCE, ['level.duration="3h"'])
    alone, stream = EventLog(), io.StringIO()
    world = World(spec, seed=3)
    world.subscribe(alone)
    world.run()
    seen: list = []
    among, written = EventLog(stream), World(spec, seed=3)
    written.subscribe(among)
    written.subscribe(seen.append)
    written.run()
    assert alone.count == among.count == len(seen) > 1000
    assert alone.hexdigest() == among.hexdigest()
    assert stream.getvalue() == "".join(event_line(event) + "\n" for event in seen)


def test_reading_the_fingerprint_midway_changes_nothing():
    """The game and the tests read a log's digest while the run goes on (a save, a seek): the final digest must be
    the same as a log read only at the end, across batch boundaries too."""
    from factory_game.level import load_level
    from factory_game.sim.events import FINGERPRINT_BATCH, EventLog
    from factory_game.sim.world import World

    events: list = []
    world = World(load_level(REFERENCE, ['level.duration="5h"']), seed=2)
    world.subscribe(events.append)
    world.run()
    assert len(events) > 2 * FINGERPRINT_BATCH
    once, often = EventLog(), EventLog()
    midway = []
    for index, event in enumerate(events):
        once(event)
        often(event)
        if index % 1000 == 7:
            midway.append(often.hexdigest())
    assert once.hexdigest() == often.hexdigest() and len(set(midway)) == len(midway)
