"""Balance proved by search: the best static (open-loop) policy per campaign level against the reacting expert.

A static policy sets every lever the level unlocks at t=0 — each price at a multiple of its list price, the pack's
price and sales, the tiers' caps, a closed door, the wait question, contracts — and rents on a schedule keyed to
the clock: some slots at the start (held, or released at a chosen time) and, for every announced event (spike or
outage), some slots ordered at a chosen offset from its start and released at a chosen offset from its end. On a
level with incidents (unannounced: no clock can know them) it also decides before the day which answer each kind
of incident gets (a standing answer, given the minute one opens; or none, leaving the default). It is a list of
timed commands applied through `World.apply`, as the player would, plus the standing answers
(`tests/campaign/policies.py`, `Expert(script=..., reacts=StandingAnswer...)`).

The search, per level: random policies plus a grid over price and renting (screening), each on 3 seeds; then
local refinement around the best (mutations, also on 3 seeds); then the best few confirmed on 10 seeds. Policies
are ranked by their worst seed's stars, then mean stars, then the mean of the weakest goal's margin to its
three-star threshold (continuous, so refinement can climb toward three stars). The table compares the best static
policy with the expert (stars on 10 seeds and the number of commands it gave).

    python3 bench/balance.py [--levels 04 08] [--random 240] [--refine 80] [--workers 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # this checkout

from factory_game.plugins import prepare_level  # noqa: E402
from factory_game.sim.clock import MINUTE  # noqa: E402
from factory_game.sim.commands import (  # noqa: E402
    CloseTier,
    Command,
    Release,
    Rent,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.incidents import KINDS  # noqa: E402
from factory_game.sim.spec import LevelSpec  # noqa: E402
from tests.campaign.policies import EXPERTS, Expert, StandingAnswer, play, stars  # noqa: E402

CAMPAIGN = ROOT / "levels" / "campaign"
SCREEN_SEEDS = (1, 2, 3)
CONFIRM_SEEDS = tuple(range(1, 11))
Params = dict[str, Any]  # lever key -> value: floats, ints, bools, a tier name or None
HOLD = 10_000  # an event's rentals kept to closing time (a release offset past any level's end)


# ------------------------------------------------------------------------------------------- the policy space
@dataclass(frozen=True)
class Space:
    """What a level lets a static policy choose: its levers, models, tiers, content types and announced events."""

    levers: tuple[str, ...]
    contents: tuple[str, ...]
    tiers: dict[str, int]
    models: dict[str, int]  # model id -> max_extra
    lead_min: dict[str, int]  # model id -> rental lead time in minutes
    events: tuple[tuple[int, int, tuple[str, ...]], ...]  # (start minute, end minute, models it touches)
    duration_min: int
    incidents: tuple[tuple[str, tuple[str, ...]], ...] = ()  # incident kinds that may occur -> their choices

    @classmethod
    def of(cls, spec: LevelSpec) -> Space:
        models = {m.id: m.max_extra for m in spec.models if m.max_extra}
        events = []
        for event in spec.events:
            if event.kind == "spike":
                touched = tuple(models)
            elif event.kind == "outage" and event.model in models:
                touched = (event.model,)
            else:
                continue
            events.append((event.at_ms // MINUTE, (event.at_ms + event.duration_ms) // MINUTE, touched))
        return cls(levers=tuple(spec.market.levers), contents=tuple(sorted(c for c, _w in spec.arrivals.content)),
                   tiers=dict(spec.tiers), models=models,
                   lead_min={m.id: max(1, m.lead_time_ms // MINUTE) for m in spec.models},
                   events=tuple(events), duration_min=spec.duration_ms // MINUTE,
                   incidents=tuple((kind, KINDS[kind].choices) for kind, rate in
                                   (spec.incidents.rates if spec.incidents else ()) if rate > 0))


def sample(space: Space, rng: random.Random) -> Params:
    """A random static policy: every lever the level unlocks drawn over its range, renting drawn per model."""
    p: Params = {}
    if "price" in space.levers:
        for c in space.contents:
            p[f"price.{c}"] = round(math.exp(rng.uniform(math.log(0.6), math.log(4.0))), 2)
    if "priority" in space.levers:
        p["pack"] = rng.random() < 0.8
        p["surcharge"] = rng.choice((0, 25, 50, 75, 100, 150, 200, 300))
    if "caps" in space.levers:
        for tier, cap in space.tiers.items():
            p[f"cap.{tier}"] = rng.randint(1, max(cap + 2, 3))
    if "intake" in space.levers:
        p["close"] = rng.choice([None, None, *space.tiers])
    if "prompt" in space.levers:
        p["prompt"] = rng.choice((0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0))  # 0: never ask
        p["offer"] = rng.choice((0, 10, 20, 30, 50))
    for model, room in space.models.items():
        if "contracts" in space.levers:
            p[f"contract.{model}"] = rng.choice((0, 0, rng.randint(0, room)))
        p[f"rent0.{model}"] = rng.choice((0, 0, rng.randint(0, room)))
        p[f"rent0_until.{model}"] = rng.choice((None, rng.randrange(30, space.duration_min, 15)))
        for index, (_start, _end, touched) in enumerate(space.events):
            if model in touched:
                p[f"ev{index}.{model}.n"] = rng.randint(0, room)
                p[f"ev{index}.{model}.start"] = rng.randrange(-45, 31, 5)
                p[f"ev{index}.{model}.stop"] = rng.choice((rng.randrange(-30, 91, 10), HOLD))
    for kind, choices in space.incidents:
        p[f"answer.{kind}"] = rng.choice((None, *choices))  # None: the incident's default at its deadline
    return p


def grid(space: Space) -> list[Params]:
    """A grid over the levers that mattered most in the play-test: price, and renting for the announced events
    (or at the start when a level announces none), everything else at the level's defaults; on a level with
    incidents, each standing answer of its kinds too (every kind the same choice index, or the defaults)."""
    prices = (1.0, 1.4, 1.8, 2.4, 3.2) if "price" in space.levers else (None,)
    most = max((len(choices) for _kind, choices in space.incidents), default=0)
    answers: tuple[int | None, ...] = (None, *range(most))
    out: list[Params] = []
    for price, share, stop, answer in itertools.product(prices, (0.0, 0.5, 1.0), (30, HOLD), answers):
        if not share and stop != HOLD:
            continue  # renting nothing: one policy, whenever it would have stopped
        p: Params = {}
        if answer is not None:
            p.update({f"answer.{kind}": choices[min(answer, len(choices) - 1)] for kind, choices in space.incidents})
        if price is not None:
            p.update({f"price.{c}": price for c in space.contents})
        for model, room in space.models.items():
            n = round(room * share)
            hit = [i for i, (_s, _e, touched) in enumerate(space.events) if model in touched]
            for index in hit:
                p.update({f"ev{index}.{model}.n": n, f"ev{index}.{model}.start": -space.lead_min[model] - 1,
                          f"ev{index}.{model}.stop": stop})
            if not hit:
                p[f"rent0.{model}"] = n
        out.append(p)
    return out


def mutate(space: Space, params: Params, rng: random.Random) -> Params:
    """A neighbour: one to three keys moved a step (or redrawn), the rest kept."""
    fresh = sample(space, rng)
    out = dict(params)
    for key in rng.sample(sorted(fresh), k=min(len(fresh), rng.randint(1, 3))):
        old, new = out.get(key), fresh[key]
        if isinstance(old, float) and isinstance(new, float):
            out[key] = round(max(0.5, old * math.exp(rng.gauss(0, 0.15))), 2)
        elif isinstance(old, int) and not isinstance(old, bool) and isinstance(new, int):
            out[key] = max(0, old + rng.choice((-2, -1, 1, 2))) if rng.random() < 0.7 else new
        else:
            out[key] = new
    return out


def commands(space: Space, params: Params, references: dict[str, int]) -> list[tuple[int, Command]]:
    """The policy as timed commands (ms), the way a replay or `Expert(script=...)` takes them."""
    at0: list[tuple[int, Command]] = []
    for c in space.contents:
        if f"price.{c}" in params:
            at0.append((0, SetPrice(c, max(1, round(references[c] * float(params[f"price.{c}"]))))))
    if "surcharge" in params:
        at0.append((0, SetSurcharge(int(params["surcharge"] or 0))))
        if not params.get("pack", True):
            at0.append((0, SetPrioritySales(False)))
    for tier in space.tiers:
        if f"cap.{tier}" in params:
            at0.append((0, SetCap(tier, max(1, min(20, int(params[f"cap.{tier}"]))))))
    if params.get("close"):
        at0.append((0, CloseTier(str(params["close"]), space.duration_min)))
    if "prompt" in params:
        at0.append((0, SetPromptMultiplier(float(params["prompt"]))))
        at0.append((0, SetWaitOffer(int(params.get("offer", 0) or 0))))
    timed: list[tuple[int, Command]] = []
    for model, room in space.models.items():
        left = room
        signed = min(left, max(0, int(params.get(f"contract.{model}", 0) or 0)))
        if signed:
            at0.append((0, SignContract(model, signed)))
            left -= signed
        held = min(left, max(0, int(params.get(f"rent0.{model}", 0) or 0)))
        if held:
            at0.append((0, Rent(model, held)))
            until = params.get(f"rent0_until.{model}")
            if until is not None:
                timed.append((int(until), Release(model, held)))
        for index, (start, end, touched) in enumerate(space.events):
            n = int(params.get(f"ev{index}.{model}.n", 0) or 0)
            if model not in touched or n <= 0:
                continue
            order = max(0, start + int(params.get(f"ev{index}.{model}.start", 0) or 0))
            stop = max(order + 1, end + int(params.get(f"ev{index}.{model}.stop", 0) or 0))
            timed.append((order, Rent(model, n)))  # refused past max_extra, as the player's would be
            if stop < space.duration_min:
                timed.append((stop, Release(model, n)))
    return at0 + sorted(((minute * MINUTE, command) for minute, command in timed), key=lambda item: item[0])


# ------------------------------------------------------------------------------------------------- evaluation
@cache
def _level(stem: str) -> tuple[LevelSpec, Space, dict[str, int]]:
    spec = prepare_level(CAMPAIGN / f"{stem}.toml").spec
    return spec, Space.of(spec), {c.id: c.price_cents for c in spec.content}


def margin(result) -> float:
    """The weakest goal's distance past its three-star threshold, in units of its one-to-three-star span
    (negative: short of three stars)."""
    worst = math.inf
    for r in result.goals:
        one, _two, three = r.goal.stars
        span = abs(three - one) or 1.0
        gap = (r.value - three) if r.goal.at_least else (three - r.value)
        worst = min(worst, gap / span)
    return worst


def standing(space: Space, params: Params) -> tuple[StandingAnswer, ...]:
    """The policy's standing answers to incidents (kinds left out take their default at the deadline)."""
    return tuple(StandingAnswer(kind, str(params[f"answer.{kind}"])) for kind, _choices in space.incidents
                 if params.get(f"answer.{kind}"))


def evaluate(job: tuple[str, Params, int]) -> tuple[int, float, dict[str, float]]:
    """Play one static policy on one seed: (stars, margin, goal values)."""
    stem, params, seed = job
    spec, space, references = _level(stem)
    result = play(spec, seed, Expert(script=commands(space, params, references), reacts=standing(space, params),
                                     name="static"))
    return stars(result), margin(result), {r.goal.metric: r.value for r in result.goals}


@dataclass
class Scored:
    params: Params
    stars: list[int]
    margins: list[float]

    @property
    def key(self) -> tuple[int, float, float]:
        return min(self.stars), sum(self.stars) / len(self.stars), sum(self.margins) / len(self.margins)


def score_all(pool: ProcessPoolExecutor, stem: str, batch: list[Params], seeds: tuple[int, ...]) -> list[Scored]:
    jobs = [(stem, p, seed) for p in batch for seed in seeds]
    results = list(pool.map(evaluate, jobs, chunksize=8))
    out = []
    for i, p in enumerate(batch):
        chunk = results[i * len(seeds):(i + 1) * len(seeds)]
        out.append(Scored(p, [s for s, _m, _v in chunk], [m for _s, m, _v in chunk]))
    return out


def expert_row(stem: str, seeds: tuple[int, ...]) -> tuple[list[int], list[int]]:
    spec = _level(stem)[0]
    results = [play(spec, seed, EXPERTS[stem](spec)) for seed in seeds]
    return [stars(r) for r in results], [sum(1 for c in r.commands if c["source"] == "player") for r in results]


def _expert_job(job: tuple[str, int]) -> tuple[int, int]:
    stem, seed = job
    s, d = expert_row(stem, (seed,))
    return s[0], d[0]


def search(pool: ProcessPoolExecutor, stem: str, n_random: int, n_refine: int, rng: random.Random) -> dict:
    space = _level(stem)[1]
    batch = grid(space) + [sample(space, rng) for _ in range(n_random)]
    screened = score_all(pool, stem, batch, SCREEN_SEEDS)
    screened.sort(key=lambda s: s.key, reverse=True)
    rounds = 4
    for _ in range(rounds):
        parents = screened[:5]
        children = [mutate(space, parents[i % len(parents)].params, rng) for i in range(n_refine // rounds)]
        screened += score_all(pool, stem, children, SCREEN_SEEDS)
        screened.sort(key=lambda s: s.key, reverse=True)
    finalists = score_all(pool, stem, [s.params for s in screened[:5]], CONFIRM_SEEDS)
    finalists.sort(key=lambda s: s.key, reverse=True)
    best = finalists[0]
    spec, _space, references = _level(stem)
    expert = list(pool.map(_expert_job, [(stem, seed) for seed in CONFIRM_SEEDS]))
    return {"level": stem, "covered": len(screened), "best": best.params, "best_stars": best.stars,
            "best_commands": [(t, c.to_dict()) for t, c in commands(_space, best.params, references)],
            "best_answers": [(a.kind, a.choice) for a in standing(_space, best.params)],
            "screen_3star_policies": sum(1 for s in screened if min(s.stars) == 3),
            "expert_stars": [s for s, _d in expert], "expert_decisions": [d for _s, d in expert]}


def _stars(values: list[int]) -> str:
    return f"{min(values)} (mean {sum(values) / len(values):.1f}; 3★ on {values.count(3)}/{len(values)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", nargs="*", help="level numbers or stems (default: every campaign level)")
    parser.add_argument("--random", type=int, default=240, help="random policies screened per level")
    parser.add_argument("--refine", type=int, default=80, help="mutations of the best, over four rounds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=16, help="the search's own random stream")
    parser.add_argument("--json", type=Path, help="write every level's result here")
    args = parser.parse_args(argv)
    stems = sorted(p.stem for p in CAMPAIGN.glob("*.toml"))
    if args.levels:
        wanted = {w.zfill(2) if w.isdigit() else w for w in args.levels}
        unknown = wanted - {s[:2] for s in stems} - set(stems)
        if unknown:
            print(f"bench/balance.py: unknown level(s) {sorted(unknown)}; expected numbers or stems of {CAMPAIGN}",
                  file=sys.stderr)
            return 2
        stems = [s for s in stems if s in wanted or s[:2] in wanted]
    rows = []
    print("| Level | static policies searched | best static: worst seed (10 seeds) | 3★ static policies in the "
          "screen | expert: worst seed (10 seeds) | expert decisions (min–max) | best static policy |")
    print("|---|---:|---|---:|---|---|---|")
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for stem in stems:
            started = time.perf_counter()
            row = search(pool, stem, args.random, args.refine, random.Random(f"{args.seed}:{stem}"))
            row["seconds"] = round(time.perf_counter() - started, 1)
            rows.append(row)
            decisions = row["expert_decisions"]
            policy = ", ".join(f"{k}={v}" for k, v in sorted(row["best"].items()) if v not in (None, 0, False))
            print(f"| {stem} | {row['covered']} | {_stars(row['best_stars'])} | {row['screen_3star_policies']} | "
                  f"{_stars(row['expert_stars'])} | {min(decisions)}–{max(decisions)} | {policy or 'defaults'} |",
                  flush=True)
            if args.json:  # after every level: a long search that is stopped keeps what it found
                args.json.write_text(json.dumps(rows, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
