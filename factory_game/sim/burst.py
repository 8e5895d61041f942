"""Bursty arrivals: a Markov-modulated Poisson process with batches, on top of the level's hourly rate.

Real LLM traffic is not Poisson within the hour: its rate moves by a factor of ten from one minute to the next, and
some logs bring requests in batches within a second. An hourly Poisson fit cannot see either and under-provisions
(docs/planning.md). Here the hidden state of the traffic (quiet, normal, busy, ...) is a continuous-time Markov
chain: in state i the level's rate is multiplied by `factor`, arrivals come in batches (batch epochs a Poisson
process, batch sizes geometric with mean `batch`), the state lasts an exponential time with mean `stay_ms`, then
moves to state j with probability `next[j]`. `trace import --mode fit` fits the states at the scale of seconds
(factory_game/trace/burst.py).

Memoryless in every part, so a change of rate (a new hourly piece, a new state, a new demand factor) redraws from
that moment exactly. Draws come from the world's "arrivals" stream, so a seed gives one traffic pattern and
another seed another.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BurstState:
    factor: float  # multiplies the level's rate while the traffic is in this state
    batch: float  # mean batch size (geometric on 1, 2, ...); 1.0: single arrivals
    stay_ms: float  # mean time in the state
    next: tuple[float, ...]  # probability of each state next (this state's own entry is 0)


@dataclass(frozen=True)
class BurstSpec:
    states: tuple[BurstState, ...]
    start: tuple[float, ...]  # probability of each state at time 0 (the fitted time shares)
    window_ms: int = 10_000  # the scale the states were fitted at (kept for the record)


class BurstArrivals:
    """Arrival times of one world: the state path, the batch in progress and the cursor."""

    __slots__ = ("_spec", "_rng", "_state", "_state_end", "_pending", "_batch_at")

    def __init__(self, spec: BurstSpec, rng: random.Random) -> None:
        self._spec = spec
        self._rng = rng
        self._state = _pick(rng, spec.start)
        self._state_end = rng.expovariate(1.0 / spec.states[self._state].stay_ms)
        self._pending = 0  # arrivals of the current batch still to hand out
        self._batch_at = 0.0

    def restart(self) -> None:
        """The world threw away the last draw (demand changed): the batch it began is dropped with it."""
        self._pending = 0

    def next_time(self, cursor: float, rates_per_ms: Sequence[float], piece_ends: Sequence[int | None],
                  piece: int, demand: float) -> tuple[float, int] | None:
        """The next arrival after `cursor` (ms, not rounded) and the hourly piece holding it, or None when the
        level's rate stays zero from here on. `rates_per_ms`, `piece_ends`, `piece`: the level's rate schedule and
        the piece holding the cursor."""
        if self._pending > 0:
            self._pending -= 1
            return self._batch_at, piece
        rng, states = self._rng, self._spec.states
        t, i = cursor, piece
        while True:
            while t >= self._state_end:  # the chain moves on (it runs whether or not arrivals come)
                if sum(states[self._state].next) > 0:  # a lone state stays itself
                    self._state = _pick(rng, states[self._state].next)
                self._state_end += rng.expovariate(1.0 / states[self._state].stay_ms)
            state = states[self._state]
            end = piece_ends[i]
            horizon = self._state_end if end is None else min(self._state_end, float(end))
            epochs_per_ms = rates_per_ms[i] * demand * state.factor / state.batch
            if epochs_per_ms > 0:
                candidate = t + rng.expovariate(epochs_per_ms)
                if candidate < horizon:
                    self._batch_at = candidate
                    self._pending = _geometric(rng, state.batch) - 1
                    return candidate, i
            elif end is None and all(rate == 0 for rate in rates_per_ms[i:]):
                return None
            t = horizon  # memoryless: redraw from where the rate changes
            if end is not None and t >= end:
                i += 1


def _pick(rng: random.Random, weights: Sequence[float]) -> int:
    x = rng.random() * sum(weights)
    for index, weight in enumerate(weights):
        x -= weight
        if x < 0:
            return index
    return max(index for index, weight in enumerate(weights) if weight > 0)


def _geometric(rng: random.Random, mean: float) -> int:
    """1, 2, ... with the given mean (>= 1): the number of trials to the first success at p = 1 / mean."""
    if mean <= 1.0:
        return 1
    p = 1.0 / mean
    count = 1
    while rng.random() >= p:
        count += 1
    return count
