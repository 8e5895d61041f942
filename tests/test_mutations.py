"""Damaged level files never end in a traceback: a few hundred seeded mutants of the bundled levels (damaged bytes,
deleted and renamed keys, wrong types, huge, negative and non-finite numbers) go through `factory-game validate`
and, when valid, a short `factory-game run`; each ends with exit 0, 1 or 2 and a message, within a time limit.

Run in-process through the CLI's `main()` (a subprocess each would take minutes). `python3 -m tests.test_mutations`
prints the tally by kind of mutation and outcome.

And the code itself: CI runs a fixed sample of mutmut's mutants of the ledger through `bench/mutation.py` (the full
run, module by module, is `python bench/mutation.py`; see bench/results/mutation-*.md)."""

from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import subprocess
import sys
import traceback
from collections import Counter
from pathlib import Path

import pytest

from factory_game.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "levels").rglob("*.toml"))
SEED = 20261201
COUNT = 600
RUN_FOR = "10m"  # simulated time of the short run of a mutant that validates
SECONDS_EACH = 20  # a mutant that takes longer hangs or exhausts something: a failure like a traceback

# `key = value` anywhere (a line or an inline table); the value a string, a number or a boolean
ASSIGNMENT = re.compile(r'(?P<key>[A-Za-z0-9_\-]+)\s*=\s*(?P<value>"[^"\n]*"|[-+]?[0-9][0-9_.eE+\-:]*|true|false)')
REPLACEMENTS = (
    '"x"', "true", "[1, 2]", "{ a = 1 }", "1.5", "-1", "0", "-0.5", "nan", "inf", "-inf", "1e309", "1e308",
    "9223372036854775807", "-9223372036854775808", '"1e309"', '"-1e309"', '"1e999999999"', '"99999999999h"',
    '"0ms"', '"-5m"', '"NaN"', '"Infinity"', "100000000", '"100000000.00"', '"0.001"', '""', "[]",
)


def mutate(text: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One damaged copy of a level file, and the kind of damage."""
    kind = rng.choice(("bytes", "delete", "rename", "value", "value", "scale", "scale"))
    if kind == "bytes":
        data = bytearray(text)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            action = rng.randrange(3)
            if action == 0:
                data[at] = rng.randrange(256)
            elif action == 1:
                del data[at]
            else:
                data.insert(at, rng.randrange(256))
        return kind, bytes(data)
    source = text.decode("utf-8")
    found = list(ASSIGNMENT.finditer(source))
    if kind == "scale":  # a number made huge, tiny or negative, keeping its form (so it often still validates)
        found = [m for m in found if NUMBER.search(m["value"])] or found
    match = rng.choice(found)
    if kind == "scale":
        number = NUMBER.search(match["value"])
        factor = rng.choice(SCALES)
        scaled = match["value"][:number.start()] + _scaled(number.group(), factor) + match["value"][number.end():]
        changed = source[:match.start("value")] + scaled + source[match.end("value"):]
    elif kind == "delete":
        changed = source[:match.start()] + source[match.end():]
    elif kind == "rename":
        key = match["key"]
        new_key = rng.choice((key + "s", key[:-1] or "k", key.upper(), key.replace("_", "-"), "extra_" + key))
        changed = source[:match.start("key")] + new_key + source[match.end("key"):]
    else:
        changed = source[:match.start("value")] + rng.choice(REPLACEMENTS) + source[match.end("value"):]
    return kind, changed.encode("utf-8")

NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
SCALES = (1_000, 1_000_000, 10**9, 10**15, 10**30, -1, 0)


def _scaled(number: str, factor: int) -> str:
    if "." in number:
        whole, _, cents = number.partition(".")
        return f"{int(whole) * factor}.{cents}"
    return str(int(number) * factor)


def mutants(count: int = COUNT, seed: int = SEED):
    rng = random.Random(seed)
    originals = [(path, path.read_bytes()) for path in SOURCES]
    for index in range(count):
        path, text = originals[index % len(originals)]
        kind, damaged = mutate(text, rng)
        yield index, path, kind, damaged


class TooSlow(Exception):
    pass


def _alarm(_signum, _frame):
    raise TooSlow(f"more than {SECONDS_EACH} s")


def outcome(path: Path) -> tuple[str, str]:
    """('ok' | 'invalid' | 'goals' | 'traceback' | 'slow' | 'bad-exit', detail) for one mutant file."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_EACH)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["validate", str(path)])
            if status == 0:
                status = main(["run", str(path), "--until", RUN_FOR, "--check"])
    except TooSlow as exc:
        return "slow", str(exc)
    except BaseException:  # noqa: BLE001 - anything that escapes main() is what this test hunts
        return "traceback", traceback.format_exc(limit=-3)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if status == 2:
        message = err.getvalue()
        return ("invalid", message) if "error:" in message and "Traceback" not in message else ("bad-exit", message)
    return {0: ("ok", ""), 1: ("goals", "")}.get(status, ("bad-exit", f"exit {status}"))


def run_all(directory: Path, count: int = COUNT) -> tuple[Counter, list[str]]:
    tally: Counter = Counter()
    failures = []
    for index, path, kind, damaged in mutants(count):
        target = directory / f"{index:03d}-{path.name}"
        target.write_bytes(damaged)
        result, detail = outcome(target)
        tally[(kind, result)] += 1
        if result in ("traceback", "slow", "bad-exit"):
            failures.append(f"{target.name} ({kind}, from {path.relative_to(ROOT)}): {result}\n{detail}")
    return tally, failures


@pytest.mark.slow
def test_damaged_levels_get_a_named_error_never_a_traceback(tmp_path):
    tally, failures = run_all(tmp_path)
    assert not failures, f"{len(failures)} of {COUNT} mutants failed:\n\n" + "\n\n".join(failures[:5])
    outcomes = Counter(result for (_kind, result), n in tally.items() for _ in range(n))
    # the mutants exercise both sides: many are refused with a named error, many still run
    assert outcomes["invalid"] > COUNT // 4 and outcomes["ok"] + outcomes["goals"] > COUNT // 10, outcomes


MUTATION_SAMPLE = ["--modules", "sim/ledger.py", "--sample", "12", "--seed", "0", "--no-report"]


@pytest.mark.slow
@pytest.mark.mutation
def test_a_fixed_sample_of_code_mutants_is_killed():
    """Each of 12 mutants of sim/ledger.py (a fixed draw) is killed by its tests or listed as equivalent."""
    pytest.importorskip("mutmut")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "bench" / "mutation.py"), *MUTATION_SAMPLE], cwd=root,
                          capture_output=True, text=True, timeout=170)
    assert "| sim/ledger.py | 12 |" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, f"a sampled mutant survived:\n{done.stdout}{done.stderr[-2000:]}"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        tally, failures = run_all(Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else COUNT)
    for (kind, result), n in sorted(tally.items()):
        print(f"{kind:8} {result:10} {n}")
    print(f"failures: {len(failures)}")
    for failure in failures:
        print(failure.splitlines()[0], "|", failure.strip().splitlines()[-1][:150])


def test_the_mutation_equivalents_list_reads_and_each_entry_names_its_module_its_mutant_and_a_reason():
    """bench/mutation_equivalents.toml parses; each entry has a known module, a mutated line or a function, a reason."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "bench"))
    try:
        from mutation import EVERY
    finally:
        sys.path.remove(str(root / "bench"))
    entries = tomllib.loads((root / "bench" / "mutation_equivalents.toml").read_text(encoding="utf-8"))["equivalent"]
    for entry in entries:
        assert entry["module"] in EVERY and ("mutated" in entry) != ("function" in entry), entry
        assert len(entry["reason"]) > 20, entry
