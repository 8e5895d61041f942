"""Command-line fuzz test: random argument vectors over damaged input files, run in-process through `cli.main`.

Every example must end with an exit code in {0, 1, 2} (never 3, an internal error), print no traceback, end within
a time limit, and leave every existing input file byte for byte as it was. Saves and the progress file get the
same treatment through the functions the game calls.

CI runs a few hundred examples (`RIVER_FUZZ_EXAMPLES` sets how many per test; `python bench/fuzz.py` runs the
long profile).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from factory_game.cli import main
from factory_game.level.bundled import LEVELS_DIR

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="the time limit needs SIGALRM")

EXAMPLES = int(os.environ.get("RIVER_FUZZ_EXAMPLES", "120"))
LIMIT_S = int(os.environ.get("RIVER_FUZZ_LIMIT_S", "30"))  # one example; a hang is a failure, not a stuck CI
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("RIVER_FUZZ_RANDOM") is None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

LEVEL = LEVELS_DIR / "campaign" / "01-opening-day.toml"
TRACE_LEVEL = LEVELS_DIR / "real" / "azure-llm-conv-2023.toml"


def _damaged(data: bytes, rng: random.Random) -> bytes:
    """Cut, flip a byte, drop a line or splice garbage: the ways a file is damaged by hand or by a crash."""
    how = rng.randrange(5)
    if how == 0:
        return data[: rng.randrange(len(data) + 1)]
    if how == 1 and data:
        i = rng.randrange(len(data))
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if how == 2:
        lines = data.splitlines(keepends=True)
        if lines:
            del lines[rng.randrange(len(lines))]
        return b"".join(lines)
    if how == 3:
        return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"NaN", b"1e400", b'"x"', b"-1", b"[[[[", b"\x00", b"9" * 60, b"{}"]) + data[i:]


def make_inputs(folder: Path, seed: int) -> dict[str, str]:
    """Input files, whole and damaged, in `folder`; returns the names the argument strategy draws from."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    level = LEVEL.read_bytes()
    replay = json.dumps({"level": "campaign-01-opening-day", "commands": [
        {"t": 60000, "source": "player", "command": "rent", "model": "sd15", "count": 2, "ok": True},
        {"t": 120000, "source": "player", "command": "set_price", "content": "image", "cents": 70, "ok": True}]})
    lines = b'{"t": 60000, "command": "rent", "model": "sd15", "count": 2}\n{"t":0,"command":"autopilot",' \
            b'"enabled":false}\n'
    log = b"timestamp,tier\n2026-01-05T00:00:01,L1\n2026-01-05T00:00:02,L2\n2026-01-05T00:01:00,L1\n"
    files = {
        "level.toml": level, "broken.toml": _damaged(level, rng), "replay.json": replay.encode(),
        "bad-replay.json": _damaged(replay.encode(), rng), "lines.jsonl": lines, "bad-lines.jsonl":
        _damaged(lines, rng), "log.csv": log, "bad-log.csv": _damaged(log, rng), "random.bin":
        bytes(rng.randrange(256) for _ in range(200)), "empty": b"",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "folder").mkdir(exist_ok=True)
    return {name: str(folder / name) for name in [*files, "folder"]}


def snapshot(folder: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang


def run_cli(argv: list[str]) -> tuple[int, str]:
    """`cli.main(argv)` with its output captured and a time limit."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_S)
    started = time.monotonic()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Hang:
        pytest.fail(f"no answer within {LIMIT_S} s: {argv}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < LIMIT_S
    return code, err.getvalue()


OUTPUTS = {"--json", "--events", "--out", "--dir", "--chart", "--report"}  # options that name a file to write


def check(argv: list[str], folder: Path) -> None:
    if os.environ.get("RIVER_FUZZ_LOG"):  # the long profile logs each vector, to find one that kills the process
        with open(os.environ["RIVER_FUZZ_LOG"], "a", encoding="utf-8") as log:
            print(json.dumps(argv), file=log, flush=True)
    make_inputs(folder / "in", 0)  # whole again: an earlier example may have written where it was told to
    before = snapshot(folder / "in")
    told = {Path(value) for option, value in zip(argv, argv[1:], strict=False) if option in OUTPUTS}
    read = {Path(value) for option, value in zip(argv, argv[1:], strict=False) if option not in OUTPUTS}
    before = {p: h for p, h in before.items() if p not in told or p in read}  # an output asked for may change
    code, err = run_cli(argv)
    assert code in (0, 1, 2), f"exit {code} for {argv}:\n{err}"
    assert "Traceback" not in err and "internal error" not in err, f"{argv}:\n{err}"
    if code == 2:
        assert err.strip(), f"exit 2 without a message: {argv}"
    after = snapshot(folder / "in")
    assert {p: after.get(p) for p in before} == before, f"an input file changed: {argv}"


VALUES = ["", "-", "0", "-1", "1", "3", "1e308", "nan", "inf", "10m", "90s", "2h", "1:2", "x", "é✓", "a=b",
          "models.sd15.slots=30", "models.sd15.slots=lots", "arrivals.rate=1e308", "9" * 40, "campaign/01-opening-day",
          "{in}/level.toml", "{in}/broken.toml", "{in}/replay.json", "{in}/bad-replay.json", "{in}/lines.jsonl",
          "{in}/bad-lines.jsonl", "{in}/log.csv", "{in}/bad-log.csv", "{in}/random.bin", "{in}/empty", "{in}/folder",
          "{in}", "{out}/o.json", "{out}/o.toml", "{out}/sub/o.json", "/dev/full", "/dev/null", "{out}/o.png"]

COMMANDS = {
    "run": (["{in}/level.toml", "{in}/broken.toml", "campaign/01-opening-day", "{in}/random.bin", "{in}/folder",
             "no-such-level", ""],
            ["--seed", "--until", "--set", "--json", "--events", "--replay", "--report-lang", "--mod-budget"],
            ["--check", "--lenient", "--strict", "--verbose", "--profile-mods"]),
    "validate": (["{in}/level.toml", "{in}/broken.toml", "{in}/random.bin", "{in}/empty", "{in}/folder",
                  "levels/x", "campaign/01-opening-day"], [], []),
    "new-mod": (["ok", "fine-mod", "Bad Name", "../evil", "a/b", ""], ["--dir"], []),
    "mods": ([], [], ["--json"]),
    "levels": ([], [], []),
    "screenshot": (["{in}/broken.toml", "{in}/random.bin", "no-such-level"],
                   ["--at", "--out", "--size", "--lang", "--seed"], []),
}
PLANNER = {  # helper planner owns these commands: their findings are fixed on its branch
    "trace import": (["{in}/log.csv", "{in}/bad-log.csv", "{in}/random.bin", "{in}/empty", "{in}/folder"],
                     ["--out", "--mode", "--format", "--column", "--model", "--slots", "--sla", "--skip-bad"], []),
    "trace synth": ([], ["--out", "--per-hour", "--hours", "--start", "--seed", "--burst", "--outage"], []),
    "sweep": (["{in}/level.toml", "{in}/broken.toml", "campaign/01-opening-day"],
              ["--grid", "--seeds", "--workers", "--target", "--rent-window", "--out", "--chart"], []),
}
SAFE_PREFIX = {  # keep an example small when the fuzz leaves an option at its (large) default
    "run": ["--until", "20m"], "screenshot": ["--at", "1m", "--size", "64x48"],
    "trace synth": ["--per-hour", "60", "--hours", "0.5", "--out", "{out}/s.csv"],
    "trace import": ["--out", "{out}/t.toml"],
    "sweep": ["--seeds", "1", "--workers", "1", "--grid", "models.sd15.slots=20,22", "--out", "{out}/w.parquet"],
}


@st.composite
def argument_vectors(draw, commands: dict) -> list[str]:
    name = draw(st.sampled_from(sorted(commands)))
    positionals, options, flags = commands[name]
    argv = name.split()
    if name in SAFE_PREFIX and draw(st.booleans()):
        argv += SAFE_PREFIX[name]
    if positionals:
        argv.append(draw(st.sampled_from(positionals)))
    value = st.one_of(st.sampled_from(VALUES), st.text(max_size=12))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 9))
        if kind < 7 and options:
            argv += [draw(st.sampled_from(options)), draw(value)]
        elif kind < 9 and flags:
            argv.append(draw(st.sampled_from(flags)))
        else:
            argv.append(draw(value))  # a stray argument
    return argv


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A working folder with in/ (inputs, never to change) and out/; it is also the working directory."""
    make_inputs(tmp_path / "in", 0)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RIVER_USER_DATA", str(tmp_path / "user-data"))
    return tmp_path


def _expand(argv: list[str], folder: Path) -> list[str]:
    return [a.replace("{in}", str(folder / "in")).replace("{out}", str(folder / "out")) for a in argv]


@FUZZ
@given(argv=argument_vectors(COMMANDS))
@example(argv=["validate", "{in}/level.toml", "/dev/full"])  # found by this test: read until MemoryError
@example(argv=["validate", "{in}/level.toml", "\x00"])  # found: ValueError, embedded null byte
@example(argv=["new-mod", "fine-mod", "--dir", "-"])  # found: "-/river_fine_mod/make_icon.py" read as an option
def test_the_command_line_never_crashes_hangs_or_clobbers(world, argv):
    check(_expand(argv, world), world)


@settings(FUZZ, max_examples=min(EXAMPLES, int(os.environ.get("RIVER_FUZZ_PLANNER_EXAMPLES", "25"))),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: a hang costs the limit each time
@given(argv=argument_vectors(PLANNER))
def test_trace_and_sweep_never_crash_hang_or_clobber(world, argv):
    check(_expand(argv, world), world)


@FUZZ
@given(seed=st.integers(0, 2**32))
@example(seed=12479)  # found by this test: a command's name edited to a table escaped as TypeError
def test_damaged_saves_load_or_are_refused_by_name(tmp_path_factory, seed):
    from factory_game.save import SaveError, _checksum, load

    folder = tmp_path_factory.mktemp("save")
    body = json.loads(_valid_save(tmp_path_factory).read_text())
    rng = random.Random(seed)
    if rng.random() < 0.5:  # edited and signed again, as a player with a text editor and the code could
        _edit(body, rng)
        body["checksum"] = _checksum(body)
        data = json.dumps(body).encode()
    else:
        data = _damaged(json.dumps(body).encode(), rng)
    path = folder / "save.json"
    path.write_bytes(data)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_S)
    try:
        load(path)
    except SaveError as exc:
        assert str(exc) and exc.kind
    except Hang:
        pytest.fail(f"Load did not end within {LIMIT_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert path.read_bytes() == data  # loading never writes


_SAVE: list[Path] = []


def _valid_save(factory) -> Path:
    if not _SAVE:
        from factory_game.plugins import prepare_level
        from factory_game.save import save
        from factory_game.sim.commands import Rent, SetPrice

        level = prepare_level(LEVEL)
        w = level.start()
        level.replay(w, [(60_000, Rent("sd15", 2)), (120_000, SetPrice("image", 70))], 10 * 60_000)
        _SAVE.append(save(w, factory.mktemp("valid") / "save.json", LEVEL))
    return _SAVE[0]


ODD = [None, True, -1, 0, 2.5, 10**30, "2", "", [], {}, ["sd15"], float("inf"), "../../etc/passwd", "\x00"]


def _edit(body: dict, rng: random.Random) -> None:
    """Replace one value anywhere in the save by an odd one."""
    node: dict | list = body
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = rng.choice(keys)
        if isinstance(node[key], dict | list) and node[key] and rng.random() < 0.6:
            node = node[key]
            continue
        node[key] = rng.choice(ODD)
        return


@FUZZ
@given(seed=st.integers(0, 2**32))
def test_damaged_progress_never_stops_the_game_or_loses_a_good_star(tmp_path_factory, monkeypatch, seed):
    from factory_game.game import userdata

    folder = tmp_path_factory.mktemp("progress")
    monkeypatch.setenv("RIVER_USER_DATA", str(folder))
    rng = random.Random(seed)
    good = {"campaign-02-priority-pack": 3, "campaign-04-rush-hour": 1}
    data = _damaged(json.dumps({"version": 1, "stars": good}).encode(), rng)
    userdata.progress_file().write_bytes(data)
    opened = userdata.open_progress()
    stars = dict(opened.stars)
    stars["campaign-01-opening-day"] = 2
    userdata.write_stars(stars)
    after = userdata.read_progress()
    assert after.damaged is None and after.stars["campaign-01-opening-day"] == 2
    assert all(after.stars.get(k) == v for k, v in opened.stars.items())
    if opened.damaged:  # the damaged file itself is kept aside
        assert opened.kept_as is not None and opened.kept_as.read_bytes() == data
