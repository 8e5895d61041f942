"""The grid: `key=start:stop:step` (stop included) or `key=a,b,c`, crossed with seeds; each run keyed by what it
depends on (the sweep's provenance digest, its overrides and its seed), so the same run has the same key whatever
order, worker or backend runs it, and a run of anything else never has it."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_RUNS = 1_000_000
RENT_PREFIX = "rent."  # rent.<model>=COUNT: rented slots held over the sweep's --rent-window


@dataclass(frozen=True)
class Run:
    overrides: tuple[tuple[str, int | float | str], ...]  # in grid order
    seed: int
    context: str = ""  # the sweep's provenance digest (sweep/provenance.py)

    @property
    def config(self) -> str:
        """The configuration without the seed, as text: `models.llm.slots=40 rent.llm=8`."""
        return " ".join(f"{k}={v}" for k, v in self.overrides)

    @property
    def key(self) -> str:
        text = json.dumps([self.context, sorted(self.overrides), self.seed], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def level_overrides(self) -> list[str]:
        return [f"{k}={_toml(v)}" for k, v in self.overrides if not k.startswith(RENT_PREFIX)]

    def rentals(self) -> dict[str, int]:
        return {k[len(RENT_PREFIX):]: int(v) for k, v in self.overrides if k.startswith(RENT_PREFIX)}


def parse_axis(text: str) -> tuple[str, list[int | float | str]]:
    key, sep, spec = text.partition("=")
    key = key.strip()
    if not sep or not key or not spec:
        raise ValueError(f"--grid: expected key=start:stop:step or key=a,b,c; found {text!r}")
    if ":" in spec:
        try:
            start, stop, step = (Decimal(p) for p in spec.split(":"))
        except (ValueError, InvalidOperation):
            raise ValueError(f"--grid {key}: expected three numbers start:stop:step; found {spec!r}") from None
        if not (start.is_finite() and stop.is_finite() and step.is_finite()) or step <= 0 or stop < start:
            raise ValueError(f"--grid {key}: expected start <= stop and a step above 0; found {spec!r}")
        if (stop - start) / step > 10_000:
            raise ValueError(f"--grid {key}: expected at most 10,000 values; found {spec!r}")
        steps, v = [], start
        while v <= stop:
            steps.append(v)
            v += step
        whole = all(x == x.to_integral_value() for x in steps)
        return key, [int(x) if whole else float(x) for x in steps]
    values: list[int | float | str] = []
    for part in spec.split(","):
        part = part.strip()
        try:
            values.append(int(part))
        except ValueError:
            try:
                values.append(float(part))
            except ValueError:
                values.append(part)
    return key, values


def runs(axes: list[tuple[str, list]], seeds: list[int], context: str = "") -> list[Run]:
    total = len(seeds)
    for _key, values in axes:
        total *= len(values)
    if total > MAX_RUNS:
        raise ValueError(f"the grid x seeds makes {total:,} runs; expected at most {MAX_RUNS:,}")
    keys = [k for k, _ in axes]
    return [Run(tuple(zip(keys, combo, strict=True)), seed, context)
            for combo in itertools.product(*(v for _, v in axes)) for seed in seeds]


def _toml(value: int | float | str) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)
