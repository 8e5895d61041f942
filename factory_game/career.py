"""A career: consecutive days of one business (docs/engine.md, "Career"). Each day is a run of the day level
(`levels/career/day.toml` unless another is named); what the business earned carries over to the next: cash,
reputation (drifting halfway back to the level's reference overnight), contract slots with what is left of their
period (billed on the day they serve), and the levers unlocked (one more after each three-star day). Each day's
seed comes from the career's seed; its traffic and incident rates grow with reputation and with the days. A
career ends after its days, or at once in bankruptcy (cash below `BANKRUPT_CENTS`).

Headless: `factory-game career run --days N --seed S --policy expert --json out.json` writes each day's cash,
reputation and stars. A policy plays as the player does, through `World.apply`, once a simulated minute. A career
is saved between days as a document (`career_document`, read back by `read_career` with every field checked):
`--save FILE` writes it after each evening, `--resume FILE` plays on from it; the game keeps its own in the user
data folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from factory_game.atomic import write_text_atomically
from factory_game.errors import BadInput, check_outputs
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


CAREER_FORMAT = 1


@dataclass
class Career:
    """A career between two days: its seed and length, the day level, the business and each day's record so far,
    and how it ended (None while it goes on). What a career save holds."""

    seed: int
    days: int
    level: Path
    business: Business
    records: list[dict] = field(default_factory=list)
    ended: str | None = None

    @property
    def day(self) -> int:
        """Days played so far."""
        return len(self.records)


def new_career(seed: int, days: int, level: Path = DAY_LEVEL) -> Career:
    return Career(seed, days, Path(level), new_business(load_level(level)))


def career_document(career: Career) -> str:
    """The career as a JSON document: data only (the day level by path, bundled ones relative to the levels folder)."""
    level = career.level.resolve()
    named = str(level.relative_to(LEVELS_DIR.resolve())) if level.is_relative_to(LEVELS_DIR.resolve()) else str(level)
    business = career.business
    return json.dumps({
        "format": CAREER_FORMAT, "kind": "river-career", "seed": career.seed, "days": career.days, "level": named,
        "business": {"cash_cents": business.cash_cents, "reputation": business.reputation,
                     "levers": list(business.levers),
                     "contracts": [{"model": c.model, "left_ms": c.left_ms, "price_cents": c.price_cents}
                                   for c in business.contracts]},
        "records": career.records, "ended": career.ended}, indent=1, ensure_ascii=False) + "\n"


def save_career(career: Career, path: Path) -> None:
    """Write the career's document to `path` at once or not at all (an interrupted write leaves the old one)."""
    write_text_atomically(Path(path), career_document(career))


def read_career(path: Path) -> Career:
    """A saved career, every field checked: BadInput naming the file and the key, what was expected and what was
    found, for anything else than a career this game wrote."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"{where}: expected a career save; found {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"{where}: expected a career save (JSON); found {exc}") from None

    def bad(key: str, expected: str, found: object) -> BadInput:
        return BadInput(f"{where}: [{key}] expected {expected}; found {found!r}")

    def get(table: object, key: str, kind: type | tuple[type, ...], expected: str, name: str | None = None) -> Any:
        if not isinstance(table, dict) or key not in table:
            raise bad(name or key, expected, "nothing")
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise bad(name or key, expected, value)
        return value

    if not isinstance(data, dict) or data.get("kind") != "river-career":
        raise bad("kind", "'river-career'", data.get("kind") if isinstance(data, dict) else data)
    if data.get("format") != CAREER_FORMAT:
        raise bad("format", str(CAREER_FORMAT), data.get("format"))
    seed = get(data, "seed", int, "a seed")
    days = get(data, "days", int, "a number of days of at least 1")
    if days < 1:
        raise bad("days", "a number of days of at least 1", days)
    named = Path(get(data, "level", str, "the day level's path"))
    level = named if named.is_absolute() else LEVELS_DIR / named
    if not named.is_absolute() and not level.resolve().is_relative_to(LEVELS_DIR.resolve()):
        raise bad("level", "a bundled level's name or an absolute path", str(named))
    if not level.is_file():
        raise bad("level", "a level file that exists", str(named))
    table = get(data, "business", dict, "a table")
    cash = get(table, "cash_cents", int, "cents", "business.cash_cents")
    reputation = get(table, "reputation", (int, float), "a reputation from 0 to 1", "business.reputation")
    if not 0 <= reputation <= 1:
        raise bad("business.reputation", "a reputation from 0 to 1", reputation)
    levers = get(table, "levers", list, "a list of lever groups", "business.levers")
    if any(lever not in GROUPS for lever in levers):
        raise bad("business.levers", f"lever groups among {', '.join(GROUPS)}", levers)
    contracts = []
    for i, row in enumerate(get(table, "contracts", list, "a list of contracts", "business.contracts")):
        key = f"business.contracts[{i}]"
        model = get(row, "model", str, "a model id", f"{key}.model")
        left = get(row, "left_ms", int, "milliseconds left, more than 0", f"{key}.left_ms")
        price = get(row, "price_cents", int, "cents per slot-hour, at least 0", f"{key}.price_cents")
        if left <= 0 or price < 0:
            raise bad(key, "milliseconds left > 0 and a price >= 0", row)
        contracts.append(Contract(model, left, price))
    records = get(data, "records", list, "a list of days")
    if len(records) > days or not all(isinstance(r, dict) for r in records):
        raise bad("records", f"at most {days} day records", f"{len(records)} entries")
    ended = data.get("ended")
    if ended not in (None, "days", "bankrupt"):
        raise bad("ended", "null, 'days' or 'bankrupt'", ended)
    models = {m.id for m in load_level(level).models}
    unknown = sorted({c.model for c in contracts} - models)
    if unknown:
        raise bad("business.contracts", f"models of the day level ({', '.join(sorted(models))})", unknown)
    business = Business(cash, float(reputation), tuple(levers), contracts)
    return Career(seed, days, level, business, list(records), ended)


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
    world.capacity.carries_contracts = True  # the next morning bills what is left of their periods
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


def play_next_day(career: Career, policy_name: str) -> dict:
    """Play the career's next day and close it; the day's record (the career's `ended` set when it is over)."""
    base = load_level(career.level)
    day = career.day + 1
    spec = day_spec(base, day, career.business)
    day_seed = day_seed_of(career.seed, day)
    world, stars = play_day(spec, day_seed, career.business, POLICIES[policy_name]())
    record = close_day(base, world, career.business, day, day_seed, stars)
    career.records.append(record)
    if career.business.cash_cents < BANKRUPT_CENTS:
        career.ended = "bankrupt"
    elif career.day >= career.days:
        career.ended = "days"
    return record


def run_career(days: int, seed: int, policy_name: str, level: Path = DAY_LEVEL, resume: Career | None = None,
               save_to: Path | None = None) -> dict:
    """Play up to `days` days (or what is left of a resumed career); the record of each and how the career ended.
    With `save_to`, the career is saved after each evening."""
    career = resume or new_career(seed, days, level)
    while career.ended is None:
        play_next_day(career, policy_name)
        if save_to is not None:
            save_career(career, save_to)
    return career_record(career, policy_name)


def career_record(career: Career, policy_name: str) -> dict:
    base = load_level(career.level)
    return {"level": base.id, "seed": career.seed, "policy": policy_name, "days_asked": career.days,
            "ended": career.ended, "score": {"cash_cents": career.business.cash_cents,
                                             "stars": sum(d["stars"] for d in career.records),
                                             "reputation": round(career.business.reputation, 6)},
            "days": career.records}


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
    run.add_argument("--save", metavar="FILE", help="save the career after each day (a document --resume reads)")
    run.add_argument("--resume", metavar="FILE", help="play on from a saved career (its seed, days and level)")
    run.set_defaults(handler=cmd_career_run)


def cmd_career_run(args: argparse.Namespace) -> int:
    if args.days < 1:
        print(f"error: --days: expected a number of days of at least 1; found {args.days}", file=sys.stderr)
        return 2
    check_outputs({"--json": args.json_out, "--save": args.save}, [args.level])
    resume = read_career(Path(args.resume)) if args.resume else None
    if resume is not None and resume.ended:
        raise BadInput(f"--resume {args.resume}: expected a career still going on; found one that ended "
                       f"({resume.ended}) after {resume.day} days")
    result = run_career(args.days, args.seed, args.policy, Path(args.level), resume,
                        Path(args.save) if args.save else None)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if args.json_out == "-":
        sys.stdout.write(text)
    elif args.json_out:
        write_text_atomically(Path(args.json_out), text)
    for day in result["days"]:
        print(f"day {day['day']}: {'★' * day['stars'] or '-'} cash {day['cash_cents'] / 100:.2f} "
              f"reputation {day['reputation']:.3f} incidents {day['incidents']}", file=sys.stderr)
    print(f"career {result['ended']}: cash {result['score']['cash_cents'] / 100:.2f}, "
          f"{result['score']['stars']} stars", file=sys.stderr)
    return 0

