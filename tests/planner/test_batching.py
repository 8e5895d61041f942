"""Batched serving (sim/batching.py) against models written separately from it.

`reference` below is an independent simulation of the policy docs/engine.md states ("Batched serving"): float
milliseconds, one loop over "the next thing that happens", no calendar, no rounding. The engine keeps a replica's
steps in integer microseconds and puts each step's end on the calendar at the next whole millisecond, and requests
arrive at whole milliseconds, so the two differ by those roundings only. Tolerance: TTFT and TPOT means and 95th
percentiles within 2 % relative or 1 ms absolute, every request delivered in both (two replicas near capacity: the
average over 8 seeds within 3 %, a slow test). A saturated replica is also checked against the closed form (requests
served in waves of `max_batch`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from factory_game.cli import main
from factory_game.level import load_level
from factory_game.runner import run_level
from factory_game.sim.commands import Rent
from factory_game.sim.spec import Profile
from factory_game.sim.world import World

DECODE = Profile(((1, 9.5), (8, 11.0), (16, 13.2), (32, 17.5), (64, 25.7)))
PREFILL = Profile(((128, 12.3), (512, 33.4), (1024, 68.0), (4096, 258.6)))
REL, ABS_MS = 0.02, 1.0  # the stated tolerance


# ------------------------------------------------------------------------------------------ the independent model
def reference(arrivals: list[tuple[float, int, int]], replicas: int, max_batch: int, max_tokens: int = 0,
              decode: Profile = DECODE, prefill: Profile = PREFILL) -> tuple[list[float], list[float]]:
    """TTFT and TPOT (ms) of every request, from arrival times (ms) and (prompt, output) tokens."""
    pending = sorted(range(len(arrivals)), key=lambda i: (arrivals[i][0], i))
    queue: list[int] = []
    busy_until = [math.inf] * replicas  # inf: idle
    held: list[list[list]] = [[] for _ in range(replicas)]  # per replica: [request, tokens left, first token at]
    joining: list[list[list]] = [[] for _ in range(replicas)]
    ttft, tpot = [0.0] * len(arrivals), [0.0] * len(arrivals)
    clock = [0.0] * replicas

    def step(r: int, now: float) -> None:
        """At a boundary of replica r: admit, then prefill, decode or idle."""
        room = max_batch - len(held[r])
        tokens = sum(arrivals[q[0]][1] + arrivals[q[0]][2] for q in held[r])
        while queue and room:
            i = queue[0]
            need = arrivals[i][1] + arrivals[i][2]
            if max_tokens and (held[r] or joining[r]) and tokens + need > max_tokens:
                break
            queue.pop(0)
            joining[r].append([i, arrivals[i][2], 0.0])
            tokens += need
            room -= 1
        clock[r] = now
        if joining[r]:
            busy_until[r] = now + prefill.ms(sum(arrivals[q[0]][1] for q in joining[r]))
        elif held[r]:
            busy_until[r] = now + decode.ms(len(held[r]))
        else:
            busy_until[r] = math.inf

    while pending or any(t < math.inf for t in busy_until):
        r = min(range(replicas), key=lambda k: (busy_until[k], k))
        next_arrival = arrivals[pending[0]][0] if pending else math.inf
        if next_arrival <= busy_until[r]:
            queue.append(pending.pop(0))
            idle = [k for k in range(replicas) if busy_until[k] == math.inf]
            if idle:
                step(idle[0], next_arrival)
            continue
        now = busy_until[r]
        if joining[r]:
            for q in joining[r]:
                q[1] -= 1
                q[2] = now
                ttft[q[0]] = now - arrivals[q[0]][0]
            held[r] += joining[r]
            joining[r] = []
        else:
            for q in held[r]:
                q[1] -= 1
        for q in [q for q in held[r] if q[1] == 0]:
            output = arrivals[q[0]][2]
            tpot[q[0]] = (now - q[2]) / (output - 1) if output > 1 else math.nan
            held[r].remove(q)
        step(r, now)
    return ttft, [t for t in tpot if not math.isnan(t)]


# ------------------------------------------------------------------------------------------------ the engine
def engine(tmp_path: Path, arrivals: list[tuple[float, int, int]], replicas: int, max_batch: int,
           max_tokens: int = 0, extra: str = "", hook: Callable[[World], None] | None = None) -> dict:
    log = tmp_path / "log.csv"
    log.write_text("timestamp,prompt,output\n" + "".join(f"{t / 1000:.3f},{p},{o}\n" for t, p, o in arrivals))
    level = tmp_path / "level.toml"
    level.write_text(level_text(replicas, max_batch, max_tokens) + extra)
    result = run_level(load_level(level), world_hook=hook)
    return result.summary


def rent_at_start(count: int) -> Callable[[World], None]:
    def hook(world: World) -> None:
        def rent() -> None:  # a callback returns nothing (the compiled core checks it)
            world.apply(Rent("llm", count))

        world.call_at(0, rent)
    return hook


def level_text(replicas: int, max_batch: int, max_tokens: int = 0) -> str:
    def profile(p: Profile, axis: str) -> str:
        return f"{{ {axis} = {[x for x, _ in p.points]}, ms = {[v for _, v in p.points]} }}"

    return f"""
[level]
id = "batching-test"
title = {{ en = "t", zh-CN = "t" }}
duration = "3h"
sla = "1h"
[tiers]
L1 = 1
[models.llm]
slots = {replicas}
failure_rate = 0.0
max_extra = 4
[models.llm.batching]
max_batch = {max_batch}
max_batch_tokens = {max_tokens}
decode = {profile(DECODE, "batch_size")}
prefill = {profile(PREFILL, "num_tokens")}
[arrivals]
rate = 0
content = {{ text = 1.0 }}
[prompt]
enabled = false
[trace]
file = "log.csv"
start = 0
columns = {{ timestamp = "timestamp", prompt_tokens = "prompt", output_tokens = "output" }}
"""


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(q * (len(ordered) - 1))]


def close(engine_ms: float, reference_ms: float) -> bool:
    return abs(engine_ms - reference_ms) <= max(ABS_MS, REL * abs(reference_ms))


def poisson(seed: int, rate_per_s: float, n: int, prompt: tuple[int, int], output: tuple[int, int]) \
        -> list[tuple[float, int, int]]:
    rng = random.Random(seed)
    t, out = 0.0, []
    for _ in range(n):
        t += rng.expovariate(rate_per_s) * 1000
        out.append((float(round(t)), rng.randint(*prompt), rng.randint(*output)))
    return out


CASES = {
    # one request at a time: TTFT is the prefill of its own prompt, TPOT the batch-1 decode step
    "low load": dict(arrivals=poisson(1, 0.5, 150, (100, 800), (20, 120)), replicas=1, max_batch=16),
    # a replica's batch stays large: TPOT grows with the batch, prefills stall decoding
    "busy": dict(arrivals=poisson(2, 12.0, 1500, (200, 600), (50, 150)), replicas=1, max_batch=32),
    # mixed prompt lengths on two replicas under a KV-cache cap that binds
    "mixed prompts, KV cap": dict(arrivals=poisson(3, 14.0, 1500, (50, 4000), (10, 300)), replicas=2,
                                  max_batch=64, max_tokens=20_000),
}


@pytest.mark.parametrize("name", list(CASES))
def test_engine_agrees_with_an_independent_model(tmp_path, name):
    case = CASES[name]
    got = engine(tmp_path, **case)["models"]["llm"]
    ttft, tpot = reference(case["arrivals"], case["replicas"], case["max_batch"], case.get("max_tokens", 0))
    assert got["completed"] == len(case["arrivals"]) == len(ttft)
    pairs = {
        "ttft_mean_ms": sum(ttft) / len(ttft), "ttft_p95_ms": nearest_rank(ttft, 0.95),
        "tpot_mean_ms": sum(tpot) / len(tpot), "tpot_p95_ms": nearest_rank(tpot, 0.95),
    }
    for metric, expected in pairs.items():
        assert close(got[metric], expected), (name, metric, got[metric], expected)
    if name == "low load":  # nearly alone: TTFT about its prefill, TPOT the batch-1 step
        assert got["batch_mean"] < 1.5 and 9.5 <= got["tpot_p50_ms"] <= 11.0
    if name == "mixed prompts, KV cap":
        assert got["batch_mean"] < 20  # the cap (20,000 tokens), not max_batch (64), bounds the batch


def test_a_saturated_replica_serves_in_waves_of_max_batch(tmp_path):
    """Closed form: k x B identical requests queued before a replica arrives (it is rented at 0 and comes after the
    model's one-minute lead time) are served in waves of B; a wave takes prefill(B x P) + (O - 1) x decode(B), so
    output throughput is B x O / that, and the w-th wave's first token comes at (w - 1) x wave + prefill(B x P)."""
    batch, waves, prompt, output = 32, 5, 256, 101
    arrivals = [(1000.0, prompt, output)] * (batch * waves)
    got = engine(tmp_path, arrivals, replicas=0, max_batch=batch, hook=rent_at_start(1))["models"]["llm"]
    first = PREFILL.ms(batch * prompt)
    wave = first + (output - 1) * DECODE.ms(batch)
    waited = 60_000 - 1000  # queued at 1 s, the replica arrives at 60 s
    ttft_mean = sum((waited + w * wave + first) for w in range(waves)) / waves
    assert got["ttft_mean_ms"] == pytest.approx(ttft_mean, rel=1e-4)
    assert got["tpot_p50_ms"] == pytest.approx(DECODE.ms(batch), rel=1e-4)
    assert got["batch_mean"] == pytest.approx(batch, rel=1e-9)
    busy_ms = got["busy_slot_ms"]
    assert busy_ms == pytest.approx(waves * wave, abs=1)  # the last step's end waits for its whole ms
    assert got["output_tokens"] / busy_ms == pytest.approx(batch * output / wave, rel=1e-4)  # tokens per ms


def test_profiles_interpolate_and_extrapolate_as_documented():
    assert DECODE.ms(1) == 9.5 and DECODE.ms(24) == pytest.approx(15.35) and DECODE.ms(0) == 9.5
    assert PREFILL.ms(8192) == pytest.approx(258.6 + (258.6 - 68.0) / 3072 * 4096)  # the last slope beyond
    assert Profile(((4, 2.0),)).ms(100) == 2.0


# ------------------------------------------------------------------------------------------- the world around it
def test_runs_are_deterministic_and_synthetic_arrivals_draw_their_tokens(tmp_path):
    level = tmp_path / "level.toml"
    text = level_text(2, 16).split("[arrivals]")[0] + """
prompt_tokens = { dist = "lognormal", mean = 800, cv = 1.0 }
output_tokens = { dist = "uniform", min = 10, max = 200 }
[arrivals]
rate = 3000
content = { text = 1.0 }
[prompt]
enabled = false
"""
    level.write_text(text.replace('duration = "3h"', 'duration = "20m"'))
    spec = load_level(level)
    one, two = run_level(spec), run_level(spec)
    assert one.event_hash == two.event_hash and one.summary == two.summary
    llm = one.summary["models"]["llm"]
    assert llm["completed"] > 900 and llm["output_tokens"] == pytest.approx(llm["completed"] * 105, rel=0.05)
    other = run_level(spec, seed=2)
    assert other.summary["models"]["llm"]["output_tokens"] != llm["output_tokens"]


def test_failures_give_back_their_kv_cache(tmp_path):
    """A failing request stops early; the tokens it reserved are freed all the same, so under a KV cap that fits
    one request at a time the replica keeps serving to the last request."""
    arrivals = poisson(6, 2.0, 400, (400, 600), (20, 40))
    text = level_text(1, 8, max_tokens=700).replace("failure_rate = 0.0", "failure_rate = 0.3")
    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n"
                                      + "".join(f"{t / 1000:.3f},{p},{o}\n" for t, p, o in arrivals))
    level = tmp_path / "level.toml"
    level.write_text(text)
    world = World(load_level(level))
    world.run()
    llm = world.summary()["models"]["llm"]
    assert llm["failed"] > 50 and llm["completed"] + llm["failed"] == 400 and llm["queued_now"] == 0
    (replica,) = world.models["llm"].batched.replicas.values()  # type: ignore[union-attr]
    assert replica.tokens == 0 and not replica.running and not replica.joining


def test_an_outage_fails_a_replicas_batch_and_renting_adds_replicas(tmp_path):
    arrivals = poisson(5, 20.0, 3000, (200, 800), (50, 200))
    outage = '\n[[events]]\nkind = "outage"\nat = "30s"\nmodel = "llm"\nslots = 1\nduration = "20s"\n'
    got = engine(tmp_path, arrivals, replicas=1, max_batch=32, extra=outage)["models"]["llm"]
    assert got["failed"] >= 2 and got["completed"] + got["failed"] == len(arrivals)
    slow = engine(tmp_path, arrivals, replicas=1, max_batch=8)["models"]["llm"]
    rented = engine(tmp_path, arrivals, replicas=1, max_batch=8, hook=rent_at_start(2))["models"]["llm"]
    assert rented["slots_rented_now"] == 2 and rented["ttft_p95_ms"] < slow["ttft_p95_ms"] / 2
    assert 0 < rented["utilisation_rented"] <= 1 and 0 < rented["utilisation_contracted"] <= 1  # busy replicas counted


def test_the_predicted_wait_counts_the_batches_room(tmp_path):
    """Room in the batches: no wait; beyond it, the requests past the room at full replicas' pace."""
    arrivals = [(1000.0, 500, 100)] * 40
    level = tmp_path / "level.toml"
    engine(tmp_path, arrivals, replicas=1, max_batch=16)
    from factory_game.sim.prompt import predicted_wait_ms
    from factory_game.sim.world import World as _World

    world = _World(load_level(level))
    m = world.models["llm"]
    assert predicted_wait_ms(m) == 0.0  # an idle replica, room for 16
    world.advance(1500)  # 40 queued at 1 s; the replica took 16
    per_request = (PREFILL.ms(1000) + 200 * DECODE.ms(16)) / 16  # the level's drawn-token means: 1000 and 200
    assert len(m.queue) == 24 and predicted_wait_ms(m, 0) == pytest.approx(per_request)
    assert predicted_wait_ms(m) == pytest.approx(25 * per_request)
    from factory_game.sim import queries

    (replica,) = m.slots
    assert queries.replica_batch(world, replica) == (16, 16)  # what the station shows: held of max_batch


def test_a_slot_has_no_batch(tmp_path):
    from factory_game.sim import queries

    world = World(load_level(Path(__file__).resolve().parents[2] / "levels" / "reference" / "mmc.toml"))
    assert queries.replica_batch(world, next(iter(world.slots.values()))) is None


def test_the_slot_model_has_no_batch_figures():
    spec = load_level(Path(__file__).resolve().parents[2] / "levels" / "real" / "azure-llm-conv-2023.toml")
    assert all(m.batching is None for m in spec.models)
    assert "ttft_p95_ms" not in run_level(spec, until_ms=60_000).summary["models"]["llm"]


# ----------------------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("change", "named"), [
    ("max_batch = 0", "models.llm.batching.max_batch"),
    ("max_batch = 100", "models.llm.batching.decode"),  # the profile stops at 64
    ("max_batch_tokens = -1", "models.llm.batching.max_batch_tokens"),
    ("decode = { batch_size = [4, 2], ms = [1.0, 2.0] }", "models.llm.batching.decode.batch_size"),
    ("decode = { batch_size = [1, 64], ms = [1.0] }", "models.llm.batching.decode.ms"),
    ("prefill = { num_tokens = [1, 64], ms = [0, 2.0] }", "models.llm.batching.prefill.ms"),
    ("prefill = { tokens = [1], ms = [1.0] }", "models.llm.batching.prefill.tokens"),
    ("max_btach = 3", "models.llm.batching.max_btach"),
    ('output_tokens = { dist = "fixed", value = 0 }', "models.llm.batching.output_tokens.value"),
])
def test_bad_batching_keys_are_named_errors(tmp_path, capsys, change, named):
    key = change.split(" = ")[0]
    lines = [line for line in level_text(1, 64).splitlines() if not line.startswith(f"{key} = ")]
    at = lines.index("[models.llm.batching]") + 1
    lines.insert(at, change)
    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n1.0,10,10\n")
    level = tmp_path / "level.toml"
    level.write_text("\n".join(lines) + "\n")
    assert main(["validate", str(level)]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_a_batched_model_takes_no_throughput(tmp_path, capsys):
    (tmp_path / "log.csv").write_text("timestamp,prompt,output\n1.0,10,10\n")
    level = tmp_path / "level.toml"
    level.write_text(level_text(1, 16) + "throughput.llm = { prompt_tokens_per_s = 2000, output_tokens_per_s = 25 }\n")
    assert main(["validate", str(level)]) == 2
    assert "trace.throughput.llm" in capsys.readouterr().err


def test_the_sweep_table_shows_token_latencies_in_ms():
    from factory_game.sweep.summary import Stat, _fmt

    assert _fmt("models.llm.ttft_p95_ms", Stat(263.895, 1.4358, 2)) == "263.9ms ± 1.4"
    assert _fmt("overall.wait_p95_ms", Stat(37_500.0, 6_400.0, 2)) == "37.5s ± 6.4"


@pytest.mark.slow
@pytest.mark.parametrize("max_tokens", [0, 20_000])
def test_two_replicas_agree_with_the_independent_model_over_seeds(tmp_path, max_tokens):
    """Two replicas near their capacity: one path is sensitive to sub-millisecond order (two replicas' step ends
    within one millisecond fire in the order they were scheduled, not by their exact times), so a single seed may
    differ by a few per cent either way; averaged over 8 seeds the figures agree within 3 % (measured: within 0.8 %,
    and -2.2 % for TTFT p95 without a KV cap)."""
    engine_sum: dict[str, float] = {}
    reference_sum: dict[str, float] = {}
    for seed in range(10, 18):
        arrivals = poisson(seed, 6.0, 1500, (50, 4000), (10, 300))
        got = engine(tmp_path, arrivals, replicas=2, max_batch=64, max_tokens=max_tokens)["models"]["llm"]
        ttft, tpot = reference(arrivals, 2, 64, max_tokens)
        expected = {"ttft_mean_ms": sum(ttft) / len(ttft), "ttft_p95_ms": nearest_rank(ttft, 0.95),
                    "tpot_mean_ms": sum(tpot) / len(tpot), "tpot_p95_ms": nearest_rank(tpot, 0.95)}
        for metric, value in expected.items():
            engine_sum[metric] = engine_sum.get(metric, 0.0) + got[metric]
            reference_sum[metric] = reference_sum.get(metric, 0.0) + value
    for metric, total in reference_sum.items():
        assert engine_sum[metric] == pytest.approx(total, rel=0.03), metric
