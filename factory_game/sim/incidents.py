"""Incidents (a level's `[incidents]` table): unannounced events that ask the manager for a decision before a
deadline (docs/engine.md, "Incidents").

The schedule is drawn when the world starts, from its own stream (`incidents`): onsets are a Poisson process of the
level's total rate, none before `first_after`, at least `gap` apart, none in the last `gap`; each onset's kind is
drawn by its rate and its size (slots, factor, duration, bonus, …) by the kind's `draw`, so timing and size vary
by seed and never with play. At its onset an incident is published (event `incident`, info `id:kind:deadline`)
and may already act (`start`: a spike begins, slots go down); the answer is a command, `AnswerIncident(id,
choice)`, recorded like any other; an incident unanswered at its deadline takes its default, applied as a `level`
command (so a replay of the player's commands reproduces it). Each answer is published too (info `id:kind:choice`,
`ok` True when the player chose, False for the default), and so is a later outcome (info `id:kind:bonus` or
`id:kind:penalty`, with its cents).

Each kind is one `IncidentKind`: its choices, default, deadline, draw, onset and answer. The built-in kinds are
`KINDS`; a world is handed those plus the kinds its mods register (`river_register_incidents`, named
`<mod id>/<name>`, built by `plugins/incidents.py`), and each incident keeps its kind's choices and default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from random import Random
from typing import Any, Protocol

from factory_game.sim.arrivals import weighted
from factory_game.sim.capacity import Capacity, contract_price_cents
from factory_game.sim.clock import HOUR, MINUTE, Calendar
from factory_game.sim.commands import (
    AnswerIncident,
    CloseTier,
    Command,
    CommandRejected,
    Recorded,
    SetPrice,
    SignContract,
)
from factory_game.sim.entities import DONE, Customer
from factory_game.sim.events import Emitter, Kind
from factory_game.sim.ledger import Ledger
from factory_game.sim.market import Market
from factory_game.sim.rng import RngStreams
from factory_game.sim.spec import IncidentsSpec, LevelSpec, ScriptedEvent
from factory_game.sim.spot import Spot

Params = dict[str, Any]
OUTAGE_STOCK_LEFT = 0.4  # the share of the spot stock an upstream outage leaves while it lasts


class IncidentHost(Emitter, Protocol):
    """What incidents need of the world: its commands' door (a default is applied through it), a customer brought
    in with a given demand (a studio's batch), and a word that demand changed (redraw the next arrival)."""

    def apply(self, command: Command, source: str = "player") -> Recorded: ...

    def incident_arrival(self, tier: str, contents: list[str], budget_cents: int) -> Customer: ...

    def demand_changed(self) -> None: ...


@dataclass
class Incident:
    """One incident: when it opens, until when it waits for an answer, its drawn sizes and, once answered, the
    choice and who made it ("player", or "default" at the deadline)."""

    id: int
    kind: str
    at_ms: int
    deadline_ms: int
    params: Params
    choices: tuple[str, ...]
    default: str
    choice: str | None = None
    by: str = ""


@dataclass(frozen=True)
class IncidentKind:
    name: str
    choices: tuple[str, ...]
    default: str
    deadline_ms: int  # after the onset
    draw: Callable[[Random, LevelSpec], Params | None]  # its sizes; None: it cannot happen on this level
    answer: Callable[[Incidents, Incident, str], None]
    start: Callable[[Incidents, Incident], None] = field(default=lambda _i, _n: None)
    # a mod's kind carries its own words: "title", "body" and one per choice, each {"en": …, "zh-CN": …} (the
    # built-in kinds' are the `[incident]` strings of resources/i18n)
    texts: Mapping[str, Mapping[str, str]] | None = None


class Incidents:
    """A world's incidents: the schedule drawn at the start, those opened so far, their answers and effects."""

    def __init__(self, spec: IncidentsSpec, level: LevelSpec, rng: RngStreams, calendar: Calendar,
                 capacity: Capacity, market: Market, ledger: Ledger, spot: Spot | None, host: IncidentHost,
                 kinds: Mapping[str, IncidentKind] | None = None) -> None:
        self.level = level
        self.calendar = calendar
        self.capacity = capacity
        self.market = market
        self.ledger = ledger
        self.spot = spot
        self.host = host
        self.kinds = KINDS if kinds is None else kinds  # the built-in kinds and the mods' (plugins/incidents.py)
        self.opened: dict[int, Incident] = {}  # by id, in onset order
        self.shocks: dict[int, float] = {}  # incident id -> its factor on demand, while it lasts
        self.schedule = draw_schedule(spec, level, rng.stream("incidents"), self.kinds)
        for incident in self.schedule:
            calendar.at(incident.at_ms, self._open, incident)

    def forget_unopened(self) -> None:
        """Drop the incidents that have not opened yet (a projection's copy of the world: the manager cannot know
        them); those open keep their deadlines and defaults."""
        self.schedule = [incident for incident in self.schedule if incident.id in self.opened]

    def open_now(self) -> list[Incident]:
        """Incidents opened and not answered yet, oldest first: what waits for the manager."""
        return [i for i in self.opened.values() if i.choice is None]

    # ------------------------------------------------------------------------------------------ onset, deadline
    def _open(self, incident: Incident) -> None:
        if incident not in self.schedule:  # forgotten (`forget_unopened`)
            return
        self.opened[incident.id] = incident
        if self.host.listeners:
            self.host.emit(Kind.INCIDENT, info=f"{incident.id}:{incident.kind}:{incident.deadline_ms}")
        self.kinds[incident.kind].start(self, incident)
        self.calendar.at(incident.deadline_ms, self._deadline, incident)

    def _deadline(self, incident: Incident) -> None:
        if incident.choice is None:
            self.host.apply(AnswerIncident(incident.id, incident.default), "level")

    # ---------------------------------------------------------------------------------------------------- answer
    def answer(self, command: AnswerIncident, source: str) -> None:
        """Carry out an answer (refused with the reason when it cannot be given now)."""
        incident = self.opened.get(command.id)
        if incident is None:
            raise CommandRejected(f"no incident {command.id} is open (opened so far: "
                                  f"{', '.join(str(i) for i in self.opened) or 'none'})", "incident_not_open")
        if incident.choice is not None:
            raise CommandRejected(f"incident {command.id} was already answered: {incident.choice}",
                                  "incident_answered", incident=incident.kind)
        if command.choice not in incident.choices:
            raise CommandRejected(f"incident {command.id} ({incident.kind}) takes one of "
                                  f"{', '.join(incident.choices)}, not {command.choice!r}", "incident_bad_choice",
                                  incident=incident.kind)
        self.kinds[incident.kind].answer(self, incident, command.choice)  # may refuse (CommandRejected) before acting
        incident.choice = command.choice
        incident.by = "default" if source == "level" else "player"
        if self.host.listeners:
            self.host.emit(Kind.INCIDENT, info=f"{incident.id}:{incident.kind}:{command.choice}",
                           ok=incident.by == "player")

    # ------------------------------------------------------------------------------------------- shared effects
    def shock(self, incident: Incident, factor: float, duration_ms: int) -> None:
        """Demand times `factor` for `duration_ms` from now."""
        self.shocks[incident.id] = factor
        self._set_shock()
        self.calendar.after(duration_ms, self._end_shock, incident.id)

    def _end_shock(self, incident_id: int) -> None:
        self.shocks.pop(incident_id, None)
        self._set_shock()

    def _set_shock(self) -> None:
        product = 1.0
        for factor in self.shocks.values():
            product *= factor
        if self.market.set_shock(product):
            self.host.demand_changed()

    def close_door(self, until_ms: int) -> None:
        """Close the first tier's door (the hobbyists) until `until_ms`."""
        minutes = max(1, (until_ms - self.calendar.now + MINUTE - 1) // MINUTE)
        self.host.apply(CloseTier(self.level.tiers[0][0], minutes), "level")

    def outcome(self, incident: Incident, cents: int) -> None:
        """A bonus (> 0) or a penalty (< 0) an incident earned, booked and published."""
        if not cents:
            return
        word = "bonus" if cents > 0 else "penalty"
        self.ledger.adjust(self.calendar.now, cents, f"incident {incident.id} {incident.kind} {word}")
        if self.host.listeners:
            self.host.emit(Kind.INCIDENT, info=f"{incident.id}:{incident.kind}:{word}", cents=cents)


def draw_schedule(spec: IncidentsSpec, level: LevelSpec, rng: Random,
                  kinds: Mapping[str, IncidentKind] | None = None) -> list[Incident]:
    """The level's incidents, drawn once: onsets of a Poisson process of the total rate, at least `gap` apart."""
    kinds = KINDS if kinds is None else kinds
    rates = tuple((kind, rate) for kind, rate in spec.rates if rate > 0)
    total = sum(rate for _kind, rate in rates)
    out: list[Incident] = []
    if total <= 0:
        return out
    t = float(spec.first_after_ms)
    last = level.duration_ms - spec.gap_ms
    while True:
        t += rng.expovariate(total / HOUR)
        if t > last:
            return out
        kind = kinds[weighted(rng, rates)]
        params = kind.draw(rng, level)
        if params is not None:
            at = int(t)
            out.append(Incident(len(out) + 1, kind.name, at, at + kind.deadline_ms, params, kind.choices,
                                kind.default))
        t += spec.gap_ms


# ---------------------------------------------------------------------------------------------------- the kinds
def _served(level: LevelSpec) -> tuple[tuple[str, float], ...]:
    served = {c for m in level.models for c in m.content}
    return tuple((c, w) for c, w in level.arrivals.content if c in served)


def _price(level: LevelSpec, content: str) -> int:
    return next(c.price_cents for c in level.content if c.id == content)


def _draw_rush_batch(rng: Random, level: LevelSpec) -> Params | None:
    served = _served(level)
    if not served:
        return None
    content = weighted(rng, served)
    tasks = rng.randint(6, 16)
    return {"content": content, "tasks": tasks, "window_ms": rng.randint(30, 60) * MINUTE,
            "bonus_cents": tasks * _price(level, content), "penalty_cents": tasks * _price(level, content) // 2}


def _answer_rush_batch(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Accept: a studio (the level's last tier) brings the batch now, budget enough for any surcharge; if every
    task is delivered within the window the bonus is paid, otherwise the penalty. Decline: it goes elsewhere."""
    if choice != "accept":
        return
    p = incident.params
    level = incidents.level
    price = incidents.market.prices[p["content"]]
    customer = incidents.host.incident_arrival(level.tiers[-1][0], [p["content"]] * p["tasks"],
                                               p["tasks"] * price * 3 + 1)
    due = incidents.calendar.now + p["window_ms"]
    batch = list(customer.tasks)  # a happy studio may come back later with a new demand: judge this one

    def judge(_arg: object) -> None:
        on_time = sum(1 for task in batch if task.state == DONE and (task.end_at or 0) <= due)
        incidents.outcome(incident, p["bonus_cents"] if on_time == p["tasks"] else -p["penalty_cents"])

    incidents.calendar.at(due, judge)


def _draw_supplier_offer(rng: Random, level: LevelSpec) -> Params | None:
    models = [m.id for m in level.models if m.max_extra > 0]
    if not models:
        return None
    return {"model": models[rng.randrange(len(models))], "slots": rng.randint(2, 6),
            "discount": round(rng.uniform(0.3, 0.5), 2)}


def _answer_supplier_offer(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Accept: the slots on contract at the discounted contract price, arriving in two minutes (they count
    against the model's extra slots like any contract; refused if there is no room)."""
    if choice != "accept":
        return
    p = incident.params
    capacity = incidents.capacity
    price = round(contract_price_cents(incidents.level.market, capacity.model(p["model"]).spec) * (1 - p["discount"]))
    capacity.sign_contract(SignContract(p["model"], p["slots"]), price_cents=price, lead_ms=2 * MINUTE)


def _draw_viral_spike(rng: Random, _level: LevelSpec) -> Params:
    return {"factor": round(rng.uniform(1.5, 2.5), 2), "duration_ms": rng.randint(30, 60) * MINUTE}


def _start_viral_spike(incidents: Incidents, incident: Incident) -> None:
    incidents.shock(incident, incident.params["factor"], incident.params["duration_ms"])


def _answer_viral_spike(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Serve: ride it at today's prices. Surge: every price +30 % until the spike ends (then back, unless moved
    meanwhile). Close: the first tier's door shut until it ends."""
    end = incident.at_ms + incident.params["duration_ms"]
    if choice == "close":
        incidents.close_door(end)
    elif choice == "surge":
        raised = {content: round(cents * 1.3) for content, cents in incidents.market.prices.items()}
        before = dict(incidents.market.prices)
        for content, cents in raised.items():
            incidents.host.apply(SetPrice(content, cents), "level")

        def restore(_arg: object) -> None:
            for content, cents in before.items():
                if incidents.market.prices[content] == raised[content]:
                    incidents.host.apply(SetPrice(content, cents), "level")

        incidents.calendar.at(max(end, incidents.calendar.now), restore)


def _draw_upstream_outage(rng: Random, level: LevelSpec) -> Params | None:
    models = [m for m in level.models if m.slots > 0]
    if not models:
        return None
    model = models[rng.randrange(len(models))]
    share = rng.uniform(0.6, 1.0)
    return {"model": model.id, "slots": max(1, round(share * model.slots)),
            "duration_ms": rng.randint(20, 45) * MINUTE}


def _start_upstream_outage(incidents: Incidents, incident: Incident) -> None:
    """The model's slots go down now, and the spot market loses most of its stock for as long (every buyer of
    that upstream scrambles for the rest)."""
    p = incident.params
    incidents.capacity.outage_start(ScriptedEvent("outage", incident.at_ms, p["duration_ms"], p["model"], p["slots"]))
    spot = incidents.spot
    if spot is not None:
        spot.stock_shocks[incident.id] = OUTAGE_STOCK_LEFT
        incidents.calendar.after(p["duration_ms"], lambda _arg: spot.stock_shocks.pop(incident.id, None))


def _answer_upstream_outage(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Ride it out, or close the first tier's door until the slots come back."""
    if choice == "close":
        incidents.close_door(incident.at_ms + incident.params["duration_ms"])


def _draw_model_deprecated(rng: Random, level: LevelSpec) -> Params | None:
    models = [m for m in level.models if m.slots > 0]
    if not models:
        return None
    model = models[rng.randrange(len(models))]
    return {"model": model.id, "slots": model.slots, "fee_cents": model.slots * model.rent_price_cents,
            "migrate_ms": 10 * MINUTE, "forced_ms": 45 * MINUTE}


def _answer_model_deprecated(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Migrate now: pay the fee (upstream) and lose the model's slots for 10 minutes while its customers move.
    Wait (the default, at the deadline): the model is switched off and the move takes 45 minutes."""
    p = incident.params
    capacity = incidents.capacity
    if choice == "migrate":
        incidents.ledger.upstream(incidents.calendar.now, p["model"], p["fee_cents"], "migration")
        if incidents.host.listeners:
            incidents.host.emit(Kind.UPSTREAM_COST, model=p["model"], cents=p["fee_cents"], info="migration")
    down = p["migrate_ms"] if choice == "migrate" else p["forced_ms"]
    capacity.outage_start(ScriptedEvent("outage", incidents.calendar.now, down, p["model"], p["slots"]))


def _draw_competitor_cut(rng: Random, level: LevelSpec) -> Params | None:
    served = _served(level)
    if not served:
        return None
    return {"content": weighted(rng, served), "cut": round(rng.uniform(0.2, 0.4), 2),
            "loss": round(rng.uniform(0.2, 0.35), 2), "duration_ms": rng.randint(60, 120) * MINUTE}


def _answer_competitor_cut(incidents: Incidents, incident: Incident, choice: str) -> None:
    """Match: the content type's price cut by as much, now (a lever the manager may move back). Ignore: that type's
    share of demand falls by `loss` for the duration."""
    p = incident.params
    market = incidents.market
    if choice == "match":
        incidents.host.apply(SetPrice(p["content"], round(market.prices[p["content"]] * (1 - p["cut"]))), "level")
    else:
        incidents.shock(incident, 1 - p["loss"] * market.weights.get(p["content"], 1.0), p["duration_ms"])


KINDS: dict[str, IncidentKind] = {kind.name: kind for kind in (
    IncidentKind("rush_batch", ("accept", "decline"), "decline", 5 * MINUTE, _draw_rush_batch, _answer_rush_batch),
    IncidentKind("supplier_offer", ("accept", "decline"), "decline", 5 * MINUTE, _draw_supplier_offer,
                 _answer_supplier_offer),
    IncidentKind("viral_spike", ("serve", "surge", "close"), "serve", 4 * MINUTE, _draw_viral_spike,
                 _answer_viral_spike, _start_viral_spike),
    IncidentKind("upstream_outage", ("ride", "close"), "ride", 3 * MINUTE, _draw_upstream_outage,
                 _answer_upstream_outage, _start_upstream_outage),
    IncidentKind("model_deprecated", ("migrate", "wait"), "wait", 30 * MINUTE, _draw_model_deprecated,
                 _answer_model_deprecated),
    IncidentKind("competitor_cut", ("match", "ignore"), "ignore", 10 * MINUTE, _draw_competitor_cut,
                 _answer_competitor_cut),
)}
