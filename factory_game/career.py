"""A career: consecutive days of one business (docs/engine.md, "Career"). Each day is a run of the day level
(`levels/career/day.toml` unless another is named); what the business earned carries over to the next: cash,
reputation (drifting halfway back to the level's reference overnight), contract slots with what is left of their
period (billed on the day they serve), and the levers unlocked (one more after each three-star day). Each day's
seed comes from the career's seed; its traffic and incident rates grow with reputation and with the days. A
career ends after its days, or at once in bankruptcy (cash below `BANKRUPT_CENTS`).

Headless: `factory-game career run --days N --seed S --policy expert --json out.json` writes each day's cash,
reputation and stars. A policy plays as the player does, through `World.apply`, once a simulated minute.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from factory_game.level import load_level
from factory_game.level.bundled import LEVELS_DIR
from factory_game.level.goals import evaluate, level_stars
from factory_game.plugins import PreparedLevel
from factory_game.sim.autopilot import Autopilot
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import AnswerIncident, SignContract
from factory_game.sim.levers import GROUPS
from factory_game.sim.rng import derive_seed
from factory_game.sim.spec import AutopilotSpec, LevelSpec, RatePiece
from factory_game.sim.world import World

DAY_LEVEL = LEVELS_DIR / "career" / "day.toml"
BANKRUPT_CENTS = -50_000  # cash below -¥500 ends the career
OVERNIGHT = 0.5  # the share of reputation's distance from the reference kept overnight
GROWTH_PER_DAY = 0.05  # traffic grows 5 % a day, on top of what reputation brings
CONTRACT_BASE = 10  # the expert keeps this many contract slots per model (the rush hours sell spot out)
UNLOCK_ORDER = ("caps", "intake", "prompt", "priority")  # one more after each three-star day


@dataclass
class Contract:
    """A contract slot that outlives its day: its model, the rest of its period and its price per slot-hour."""

    model: str
    left_ms: int
    price_cents: int


@dataclass
class Business:
    """What carries over from one day to the next."""

    cash_cents: int
    reputation: float
    levers: tuple[str, ...]
    contracts: list[Contract] = field(default_factory=list)


Policy = Callable[[World], None]  # called once a simulated minute (and at 0)


def do_nothing(_world: World) -> None:
    """Every incident takes its default, nothing is rented."""


def expert() -> Policy:
    """A reacting manager: a base of contracts when none is left, a renter that reacts to the predicted wait (the
    auto-manager's rule, as the player), and an answer to every incident by the state of the shop."""
    renter = AutopilotSpec(enabled=True, rent_wait_factor=0.6, release_util=0.7, sustain=1, step=3)
    rules: list[Autopilot] = []  # made with the day's world

    def play(world: World) -> None:
        if world.now == 0:
            for m in world.models.values():
                contracted = sum(1 for s in m.slots if s.committed_ms) + len(world.capacity.orders(m.id))
                if m.spec.max_extra and contracted < CONTRACT_BASE:
                    world.apply(SignContract(m.id, CONTRACT_BASE - contracted))
        if not rules:
            rules.append(Autopilot(renter, list(world.models)))
        rules[0].check(world.models, world.now, lambda command, _source: world.apply(command))
        if world.incidents is not None:
            for incident in world.incidents.open_now():
                world.apply(AnswerIncident(incident.id, _choose(world, incident.kind, incident.params)))

    return play


def _choose(world: World, kind: str, params: dict) -> str:
    queue = sum(m.queue_length for m in world.models.values())
    if kind == "rush_batch":
        return "accept" if queue < 6 else "decline"
    if kind == "supplier_offer":
        return "accept" if params["slots"] <= world.models[params["model"]].spec.max_extra - \
            world.models[params["model"]].rented_count else "decline"
    if kind == "model_deprecated":
        return "migrate"
    if kind == "competitor_cut":
        return "match" if params["loss"] > 0.25 else "ignore"
    if kind == "upstream_outage":
        return "ride"
    return "serve"


POLICIES: dict[str, Callable[[], Policy]] = {"expert": expert, "none": lambda: do_nothing}  # a fresh one a day


def day_spec(base: LevelSpec, day: int, business: Business) -> LevelSpec:
    """The level of `day`: the business's cash, its unlocked levers, traffic and incidents grown."""
    growth = max(0.6, min(2.0, 1.0 + 2.0 * (business.reputation - base.market.reputation_reference)))
    growth *= 1.0 + GROWTH_PER_DAY * (day - 1)
    rate = tuple(RatePiece(p.start_ms, p.per_hour * growth) for p in base.arrivals.rate)
    arrivals = replace(base.arrivals, rate=rate)
    incidents = base.incidents and replace(base.incidents,
                                           rates=tuple((k, r * growth) for k, r in base.incidents.rates))
    return replace(base, start_cash_cents=business.cash_cents, arrivals=arrivals, incidents=incidents,
                   market=replace(base.market, levers=business.levers))


def new_business(base: LevelSpec) -> Business:
    """The business on its first morning: the level's cash, reputation and levers."""
    return Business(base.start_cash_cents, base.market.reputation_reference,
                    tuple(g for g in base.market.levers if g in GROUPS))


def start_day(spec: LevelSpec, seed: int, business: Business) -> World:
    """The world of a day's morning, with the business's reputation and contracts (what the game plays too)."""
    world = PreparedLevel.from_spec(spec).start(seed)
    world.autopilot_enabled = False
    if world.market.carry_reputation(business.reputation):
        world.demand_changed()
    for contract in business.contracts:  # within max_extra: they were yesterday, on the same level
        world.capacity.sign_contract(SignContract(contract.model, 1), price_cents=contract.price_cents, lead_ms=0,
                                     period_ms=contract.left_ms)
    return world


def play_day(spec: LevelSpec, seed: int, business: Business, policy: Policy) -> tuple[World, int]:
    """Run one day with the business's reputation and contracts; the world at its end and its stars."""
    world = start_day(spec, seed, business)
    end = spec.duration_ms
    policy(world)
    while world.now < end:
        world.advance(min(end, world.now + MINUTE))
        if world.now < end:
            policy(world)
    world.settle_costs()
    return world, level_stars(evaluate(spec, world.summary()))


def carried_contracts(world: World) -> list[Contract]:
    """Contract slots whose period outlives the day (and contract orders not arrived yet), with what is left."""
    end = world.now
    out = []
    for m in world.models.values():
        for slot in m.slots:
            left = slot.arrived_at + slot.committed_ms - end
            if slot.committed_ms and left > 0 and not slot.release_requested:
                out.append(Contract(m.id, left, slot.price_cents))
        for order in world.capacity.orders(m.id):
            if order.kind == "contract":
                period = order.period_ms or world.spec.market.contract_period_ms
                out.append(Contract(m.id, period - max(0, order.arrive_at - end), order.price_cents))
    return out


def day_seed_of(seed: int, day: int) -> int:
    """A day's seed, drawn from the career's."""
    return derive_seed(seed, f"career/day/{day}")


def close_day(base: LevelSpec, world: World, business: Business, day: int, day_seed: int, stars: int) -> dict:
    """The evening: carry the day's cash, reputation (halfway back to the reference), contracts and, after three
    stars, one more lever into `business`; the day's record."""
    summary = world.summary()
    incidents = world.incidents.opened.values() if world.incidents else ()
    business.cash_cents = world.ledger.cash_cents
    reference = base.market.reputation_reference
    business.reputation = reference + (world.market.reputation - reference) * OVERNIGHT
    business.contracts = carried_contracts(world)
    if stars == 3:
        locked = [g for g in UNLOCK_ORDER if g not in business.levers]
        business.levers = (*business.levers, *locked[:1])
    return {
        "day": day, "seed": day_seed, "stars": stars, "cash_cents": business.cash_cents,
        "profit_cents": summary["money"]["profit_cents"], "reputation": round(world.market.reputation, 6),
        "sla_share": summary["overall"]["sla_share"], "customers": summary["overall"]["customers"],
        "incidents": len(incidents), "answered_by_player": sum(1 for i in incidents if i.by == "player"),
        "contracts_carried": len(business.contracts), "levers": list(business.levers),
    }


def run_career(days: int, seed: int, policy_name: str, level: Path = DAY_LEVEL) -> dict:
    """Play up to `days` days; the record of each and how the career ended."""
    base = load_level(level)
    business = new_business(base)
    record: list[dict] = []
    ended = "days"
    for day in range(1, days + 1):
        spec = day_spec(base, day, business)
        day_seed = day_seed_of(seed, day)
        world, stars = play_day(spec, day_seed, business, POLICIES[policy_name]())
        record.append(close_day(base, world, business, day, day_seed, stars))
        if business.cash_cents < BANKRUPT_CENTS:
            ended = "bankrupt"
            break
    return {"level": base.id, "seed": seed, "policy": policy_name, "days_asked": days, "ended": ended,
            "score": {"cash_cents": business.cash_cents, "stars": sum(d["stars"] for d in record),
                      "reputation": round(business.reputation, 6)},
            "days": record}


# ------------------------------------------------------------------------------------------------ the command
def add_career_command(sub: argparse._SubParsersAction) -> None:
    career = sub.add_parser("career", help="a career: consecutive days of one business")
    actions = career.add_subparsers(dest="career_command", required=True)
    run = actions.add_parser("run", help="play a career headless and write each day's cash, reputation and stars")
    run.add_argument("--days", type=int, default=5, help="how many days (default 5)")
    run.add_argument("--seed", type=int, default=1, help="the career's seed (each day's is drawn from it)")
    run.add_argument("--policy", choices=sorted(POLICIES), default="expert", help="who plays (default expert)")
    run.add_argument("--level", default=str(DAY_LEVEL), help="the day level (default levels/career/day.toml)")
    run.add_argument("--json", dest="json_out", metavar="FILE", help="write the career's record here ('-' = stdout)")
    run.set_defaults(handler=cmd_career_run)


def cmd_career_run(args: argparse.Namespace) -> int:
    if args.days < 1:
        print(f"error: --days: expected a number of days of at least 1; found {args.days}", file=sys.stderr)
        return 2
    result = run_career(args.days, args.seed, args.policy, Path(args.level))
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if args.json_out == "-":
        sys.stdout.write(text)
    elif args.json_out:
        Path(args.json_out).write_text(text, encoding="utf-8")
    for day in result["days"]:
        print(f"day {day['day']}: {'★' * day['stars'] or '-'} cash {day['cash_cents'] / 100:.2f} "
              f"reputation {day['reputation']:.3f} incidents {day['incidents']}", file=sys.stderr)
    print(f"career {result['ended']}: cash {result['score']['cash_cents'] / 100:.2f}, "
          f"{result['score']['stars']} stars", file=sys.stderr)
    return 0

