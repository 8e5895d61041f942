"""The `[models.<id>.batching]` table of a level: the model is served by replicas with continuous batching
(factory_game/sim/batching.py) instead of one task per slot; its `slots` count replicas.

    [models.llm.batching]
    max_batch = 64                  # requests a replica runs at once
    max_batch_tokens = 0            # their prompt + output tokens at most (the KV cache); 0: no cap
    prompt_tokens = { dist = "lognormal", mean = 1000, cv = 1.0 }   # for requests without token counts
    output_tokens = { dist = "lognormal", mean = 200, cv = 1.0 }
    decode = { batch_size = [1, 16, 64], ms = [9.4, 11.6, 17.6] }         # one decode step, by batch size
    prefill = { num_tokens = [128, 1024, 4096], ms = [12.5, 69.9, 265.9] } # one prefill step, by prompt tokens

The two profiles use Vidur's axes (`batch_size` for decode, `num_tokens` for prefill); times in ms.
"""

from __future__ import annotations

from typing import Any

from factory_game.level.reader import Reader, describe, is_finite_number
from factory_game.level.schema import read_fields
from factory_game.sim.spec import BatchingSpec, Profile

MAX_POINTS = 1000
MAX_AXIS = 10_000_000  # tokens in one prefill step, or a batch size
MAX_STEP_MS = 3_600_000.0  # one step: an hour would already be absurd


def read_batching_table(table: Reader) -> BatchingSpec | None:
    """None when the table has problems (each reported)."""
    fields = read_fields(table, BatchingSpec)
    decode = _profile(table, "decode", "batch_size")
    prefill = _profile(table, "prefill", "num_tokens")
    table.finish()
    if None in fields.values() or decode is None or prefill is None:
        return None
    if decode.points[-1][0] < fields["max_batch"]:
        table.report(table.key("decode"), f"a profile that reaches max_batch = {fields['max_batch']}",
                     f"batch sizes up to {decode.points[-1][0]}")
        return None
    return BatchingSpec(**fields, decode=decode, prefill=prefill)


def _profile(table: Reader, name: str, axis: str) -> Profile | None:
    """`{ <axis> = [...], ms = [...] }`: whole axis values from 1, strictly increasing; step times above 0."""
    sub = table.table(name, required=True)
    if not sub.ok:
        return None
    xs, ms = sub.raw(axis), sub.raw("ms")
    sub.finish()
    good = True
    if not _array(xs, lambda x: isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= MAX_AXIS):
        sub.report(sub.key(axis), f"an array of 1 to {MAX_POINTS} whole numbers from 1 to {MAX_AXIS}", describe(xs))
        good = False
    elif any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
        sub.report(sub.key(axis), "strictly increasing values", repr(xs))
        good = False
    if not _array(ms, lambda v: isinstance(v, int | float) and not isinstance(v, bool) and is_finite_number(v)
                  and 0 < v <= MAX_STEP_MS):
        sub.report(sub.key("ms"), f"an array of step times in ms, above 0 and at most {MAX_STEP_MS:,.0f}", describe(ms))
        good = False
    elif good and len(ms) != len(xs):
        sub.report(sub.key("ms"), f"one time per {axis} ({len(xs)})", f"{len(ms)} times")
        good = False
    if not good:
        return None
    return Profile(tuple((int(x), float(v)) for x, v in zip(xs, ms, strict=True)))


def _array(value: Any, item_ok: Any) -> bool:
    return isinstance(value, list) and 1 <= len(value) <= MAX_POINTS and all(item_ok(v) for v in value)
