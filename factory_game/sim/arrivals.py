"""Arrivals: when customers come and what each brings (tier, priority pack, budget, patience, demand).

The rate is a step function of time (the level's `[arrivals] rate` pieces, with demand spikes multiplied in);
arrival times are a Poisson process on it, drawn piece by piece: a draw that would land past its piece's end is
thrown away and redrawn from the next piece's start at its rate (memoryless, so this is exact). Each kind of draw
has its own seeded stream ("arrivals" for times, "customers" for what they bring, "returns" for comebacks), so
changing one never shifts another. The world asks; this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from random import Random

from factory_game.sim.burst import BurstArrivals
from factory_game.sim.clock import HOUR
from factory_game.sim.distributions import exponential
from factory_game.sim.rng import RngStreams
from factory_game.sim.spec import LevelSpec, RatePiece, TraceArrival


class Arrivals:
    """The arrival process of one world: its rate schedule, its draws and its cursor in time."""

    __slots__ = ("spec", "_rates_per_ms", "_piece_ends", "_cursor", "_piece", "_time_rng", "_customer_rng",
                 "_return_rng", "_scripted_rng", "_prompts_on", "_lone_tier", "_fixed_budget", "_fixed_demand",
                 "_burst")

    def __init__(self, spec: LevelSpec, rng: RngStreams, prompts_on: bool) -> None:
        self.spec = spec.arrivals
        pieces = rate_schedule(spec)
        self._rates_per_ms = [p.per_hour / HOUR for p in pieces]
        self._piece_ends = [p.start_ms for p in pieces[1:]] + [None]  # where each piece ends (None: never)
        self._cursor = 0.0  # the last arrival time drawn (float: draws are not rounded until scheduled)
        self._piece = piece_index(pieces, 0.0)  # the piece holding the cursor: both only move forward
        self._time_rng = rng.stream("arrivals")
        self._customer_rng = rng.stream("customers")
        self._return_rng = rng.stream("returns")
        self._scripted_rng = rng.stream("scripted")
        # a level declaring `[arrivals.burst]` draws its times from the bursty process (sim/burst.py)
        self._burst = BurstArrivals(spec.arrivals.burst, self._time_rng) if spec.arrivals.burst else None
        self._prompts_on = prompts_on  # patience is drawn only when the level asks the wait question
        # Draws that cannot vary are made once, here, by the very functions that would make them: a lone tier or
        # content type (`weighted`) and a fixed budget or task count (`Dist.sample_int`) never touch the rng they
        # are handed, so every stream sees the same draws. None: draw on each arrival.
        arrivals = self.spec
        untouched = self._customer_rng
        self._lone_tier = weighted(untouched, arrivals.tiers) if len(arrivals.tiers) == 1 else None
        self._fixed_budget = arrivals.budget.sample_int(untouched) if arrivals.budget.kind == "fixed" else None
        self._fixed_demand: tuple[str, ...] | None = None
        if arrivals.tasks.kind == "fixed" and len(arrivals.content) == 1:
            self._fixed_demand = tuple(self._draw_demand(untouched))

    def next_time(self, demand: float = 1.0) -> float | None:
        """Draw the next arrival time (ms, not rounded), or None when the rate stays zero from here on. `demand`
        multiplies the rate (the market's demand factor: price and reputation)."""
        if self._burst is not None:
            drawn = self._burst.next_time(self._cursor, self._rates_per_ms, self._piece_ends, self._piece, demand)
            if drawn is not None:
                self._cursor, self._piece = drawn
            return None if drawn is None else drawn[0]
        t = self._cursor
        i = self._piece
        rates, ends = self._rates_per_ms, self._piece_ends
        rng = self._time_rng
        while True:
            rate_per_ms = rates[i] * demand
            end = ends[i]
            if rate_per_ms > 0:
                candidate = t + exponential(rng, rate_per_ms)
                if end is None or candidate < end:
                    self._cursor = candidate
                    self._piece = i  # = piece_index(pieces, candidate), as candidate < end
                    return candidate
            if end is None:
                return None  # the rate stays zero: no more arrivals
            t = float(end)  # memoryless: redraw from the start of the next piece at its rate
            i += 1

    def restart_at(self, now: int) -> None:
        """Demand changed: the next draw starts from `now` (memoryless, so this is exact)."""
        self._cursor = float(now)
        if self._burst is not None:
            self._burst.restart()
        ends, i = self._piece_ends, 0  # the piece holding `now` (the cursor may have been drawn into a later one)
        while (end := ends[i]) is not None and end <= now:
            i += 1
        self._piece = i

    def draw_customer(self, priority_share: float,
                      tiers: tuple[tuple[str, float], ...]) -> tuple[str, bool, int, int, Sequence[str]]:
        """What a newcomer brings: (tier, priority pack, budget cents, patience ms, content of each task). `tiers`
        is the mix of tiers arriving now (the market's `tier_weights`: the level's weights, moved by price where
        tiers differ in price sensitivity). The draw for the pack is made whenever the level sells it, so changing
        `priority_share` or the mix shifts no other draw."""
        arrivals = self.spec
        rng = self._customer_rng
        tier = self._lone_tier if self._lone_tier is not None else weighted(rng, tiers)
        priority = arrivals.priority_share > 0 and rng.random() < priority_share
        budget = self._fixed_budget if self._fixed_budget is not None else arrivals.budget.sample_int(rng)
        patience = arrivals.patience.sample_int(rng, minimum=0) if self._prompts_on else 0
        contents = self._fixed_demand if self._fixed_demand is not None else self._draw_demand(rng)
        return tier, priority, budget, patience, contents

    def draw_replayed(self, arrival: TraceArrival) -> tuple[str, bool, int, int, Sequence[str]]:
        """A logged request as a newcomer with one task: the log's tier, priority and content where it has them,
        the level's draws (same stream, same order as `draw_customer`) where it does not."""
        arrivals = self.spec
        rng = self._customer_rng
        tier = arrival.tier or (self._lone_tier if self._lone_tier is not None else weighted(rng, arrivals.tiers))
        priority = arrival.priority
        if priority is None:
            priority = arrivals.priority_share > 0 and rng.random() < arrivals.priority_share
        budget = self._fixed_budget if self._fixed_budget is not None else arrivals.budget.sample_int(rng)
        patience = arrivals.patience.sample_int(rng, minimum=0) if self._prompts_on else 0
        return tier, priority, budget, patience, (arrival.content or weighted(rng, arrivals.content),)

    def draw_demand(self) -> Sequence[str]:
        """A returning customer's new demand."""
        return self._fixed_demand if self._fixed_demand is not None else self._draw_demand(self._customer_rng)

    def draw_return(self, probability: float) -> int | None:
        """A happy customer's comeback: the delay (ms) before they return, or None if they do not. `probability`
        is the level's return probability as the market has it now (reputation scales it)."""
        arrivals = self.spec
        if arrivals.return_probability > 0:
            rng = self._return_rng
            if rng.random() < probability:
                return arrivals.return_after.sample_int(rng, minimum=1)
        return None

    def draw_scripted(self, budget_cents: int | None, patience_ms: int | None) -> tuple[int, int]:
        """Budget and patience of a scripted arrival (`Arrive` command): the level's draws where it names none."""
        arrivals = self.spec
        rng = self._scripted_rng
        budget = budget_cents if budget_cents is not None else arrivals.budget.sample_int(rng)
        patience = patience_ms if patience_ms is not None else arrivals.patience.sample_int(rng)
        return budget, patience

    def _draw_demand(self, rng: Random) -> list[str]:
        """How many tasks, then the content type of each."""
        arrivals = self.spec
        count = arrivals.tasks.sample_int(rng, minimum=1)
        return [weighted(rng, arrivals.content) for _ in range(count)]


def weighted(rng: Random, choices: tuple[tuple[str, float], ...]) -> str:
    """One name drawn by weight; a lone choice is returned without touching the rng."""
    if len(choices) == 1:
        return choices[0][0]
    total = sum(weight for _name, weight in choices)
    x = rng.random() * total
    for name, weight in choices:
        x -= weight
        if x < 0:
            return name
    return choices[-1][0]


def rate_schedule(spec: LevelSpec) -> list[RatePiece]:
    """The arrival rate as constant pieces, with demand spikes multiplied in."""
    pieces = sorted(spec.arrivals.rate, key=lambda p: p.start_ms)
    if not pieces or pieces[0].start_ms > 0:
        pieces.insert(0, RatePiece(0, 0.0))
    spikes = [e for e in spec.events if e.kind == "spike"]
    if not spikes:
        return pieces
    cuts = sorted({p.start_ms for p in pieces} | {e.at_ms for e in spikes} | {e.at_ms + e.duration_ms for e in spikes})
    out = []
    for cut in cuts:
        base = pieces[piece_index(pieces, cut)].per_hour
        factor = 1.0
        for e in spikes:
            if e.at_ms <= cut < e.at_ms + e.duration_ms:
                factor *= e.factor
        out.append(RatePiece(cut, base * factor))
    return out


def piece_index(pieces: list[RatePiece], t: float) -> int:
    """The last piece starting at or before `t`."""
    i = 0
    while i + 1 < len(pieces) and pieces[i + 1].start_ms <= t:
        i += 1
    return i
