"""Distributions a level can name: for service times, tasks per customer, budgets, patience, return delays.

Each is a frozen value that samples from a `random.Random` it is handed (never a global one).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

KINDS = ("fixed", "exponential", "lognormal", "uniform")


def exponential(rng: random.Random, rate: float) -> float:
    """`rng.expovariate(rate)`: the same draw and the same float (the standard library's formula), written here so the
    compiled core draws without a call into `random`'s Python code (two draws a task)."""
    return -math.log(1.0 - rng.random()) / rate


@dataclass(frozen=True)
class Dist:
    """`fixed` (value = mean), `exponential` (mean), `lognormal` (mean and cv), `uniform` (low, high)."""

    kind: str
    mean: float = 0.0
    cv: float = 0.0
    low: float = 0.0
    high: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown distribution {self.kind!r}; expected one of {', '.join(KINDS)}")

    @classmethod
    def fixed(cls, value: float) -> Dist:
        return cls("fixed", mean=value)

    @classmethod
    def exponential(cls, mean: float) -> Dist:
        return cls("exponential", mean=mean)

    @classmethod
    def lognormal(cls, mean: float, cv: float) -> Dist:
        return cls("lognormal", mean=mean, cv=cv)

    @classmethod
    def uniform(cls, low: float, high: float) -> Dist:
        return cls("uniform", low=low, high=high, mean=(low + high) / 2)

    def sample(self, rng: random.Random) -> float:
        kind = self.kind
        if kind == "exponential":
            return exponential(rng, 1.0 / self.mean)
        if kind == "fixed":
            return self.mean
        if kind == "uniform":
            return rng.uniform(self.low, self.high)
        sigma2 = math.log1p(self.cv * self.cv)
        return rng.lognormvariate(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2))

    def sample_int(self, rng: random.Random, minimum: int = 0) -> int:
        """A whole number (ms, cents, count): uniform draws integers inclusively, the others round."""
        kind = self.kind
        if kind == "fixed":
            value = round(self.mean)  # what the general branch below computes, without a call to `sample`
        elif kind == "uniform":
            low = round(self.low)
            value = low + int(rng.random() * (round(self.high) - low + 1))
        else:
            value = round(self.sample(rng))
        return value if value > minimum else minimum

    def describe(self) -> str:
        if self.kind == "uniform":
            return f"uniform({self.low:g}..{self.high:g})"
        if self.kind == "lognormal":
            return f"lognormal(mean={self.mean:g}, cv={self.cv:g})"
        return f"{self.kind}({self.mean:g})"
