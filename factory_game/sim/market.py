"""The manager's levers and the market that answers them: prices and demand, the priority pack, reputation, tier
caps, intake control and the wait question. Pure and deterministic like the rest of the engine; the formulas are
documented in docs/engine.md ("The market and the levers").

The world asks this module four questions on its hot path — how strong demand is now (`demand`), which tiers it
brings (`tier_weights`: price moves the mix where tiers differ in price sensitivity), what share of arrivals buy
the priority pack (`priority_share`), and how likely a happy customer is to come back (`return_probability`) —
and hands it every lever command (`apply`), which checks it against the lever table (`sim/levers.py`) and carries
it out by its name. Demand only changes when a price changes or at a tick
(reputation; the quotes of a mod's price rule, `Quotes`), and the world redraws its next arrival when it does (the
arrival process is memoryless).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from factory_game.sim.capacity import Capacity
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import (
    CloseTier,
    Command,
    CommandRejected,
    Release,
    ReleaseIdle,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.sim.entities import IDLE, QUEUED, Customer
from factory_game.sim.ledger import Ledger
from factory_game.sim.levers import BY_NAME, LEVERS, Lever
from factory_game.sim.metrics import Metrics
from factory_game.sim.prompt import Prompt
from factory_game.sim.spec import LevelSpec

PRICE_FACTOR_MAX = 3.0  # demand never more than triples, however low the price
REPUTATION_FACTOR = (0.2, 2.0)  # the reputation factor's floor and ceiling
OFFER_PATIENCE = 2.0  # a discount of d (0..0.5) stretches the customer's patience by the factor 1 + 2d
QUOTE_WINDOW = 20  # a mod's price rule: demand answers to the markup of the last 20 quotes of each content type


class LeverRejected(CommandRejected):
    """A lever command that cannot be carried out (the world records it as rejected, like any command)."""


class MarketHost(Protocol):
    """What the market needs of the world: the time, the customers present (a cap applies to them at once), the
    ledger (the wait offer's discount) and the metrics cells (reputation follows their scores)."""

    @property
    def now(self) -> int: ...

    @property
    def customers(self) -> dict[int, Customer]: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def metrics(self) -> Metrics: ...

    def admit_waiting(self, customer: Customer) -> None: ...


def price_factor(prices: dict[str, int], references: dict[str, int], weights: dict[str, float],
                 elasticity: float) -> float:
    """Demand at these prices relative to the reference prices: sum over content types c of
    w_c * exp(-elasticity * (p_c / ref_c - 1)), with w the level's content weights (summing to 1), capped at
    PRICE_FACTOR_MAX. At the reference prices it is 1; `elasticity` is the point elasticity there. Revenue
    p * exp(-e * (p/ref - 1)) peaks at p = ref / e."""
    if elasticity <= 0:
        return 1.0
    total = 0.0
    for content, weight in weights.items():
        ref = references[content]
        if ref <= 0:
            total += weight
            continue
        total += weight * math.exp(-elasticity * (prices[content] / ref - 1.0))
    return min(PRICE_FACTOR_MAX, total)


class Quotes:
    """The prices a mod's price rule quoted, per content type: the last QUOTE_WINDOW quotes, each beside the built-in
    price of the same task, and their sums. Demand answers to the list price times their ratio (`seen`), so the list
    price lever still moves demand at once and a mod's markup scales it; a pass-through rule changes nothing."""

    def __init__(self, contents: list[str]) -> None:
        self.window: dict[str, deque[tuple[int, int]]] = {c: deque() for c in contents}
        self.quoted = dict.fromkeys(contents, 0)  # content -> sum of the quotes in the window, cents
        self.builtin = dict.fromkeys(contents, 0)  # content -> sum of the built-in prices of the same tasks, cents
        self.fresh = False  # a quote came since demand last followed them

    def add(self, content: str, quoted: int, builtin: int) -> None:
        window = self.window[content]
        if len(window) == QUOTE_WINDOW:
            old_quoted, old_builtin = window.popleft()
            self.quoted[content] -= old_quoted
            self.builtin[content] -= old_builtin
        window.append((quoted, builtin))
        self.quoted[content] += quoted
        self.builtin[content] += builtin
        self.fresh = True

    def seen(self, content: str, list_cents: int) -> int:
        """The price customers see for `content`: the list price times (sum of quotes / sum of built-in prices),
        rounded half up to whole cents; the mean quote when the built-in prices were all free; the list price
        before the first quote."""
        quoted, builtin, count = self.quoted[content], self.builtin[content], len(self.window[content])
        if count == 0:
            return list_cents
        if builtin <= 0:
            return (2 * quoted + count) // (2 * count)
        return (2 * list_cents * quoted + builtin) // (2 * builtin)


def reputation_factor(reputation: float, reference: float, strength: float) -> float:
    """1 + strength * (reputation - reference), within REPUTATION_FACTOR."""
    low, high = REPUTATION_FACTOR
    return max(low, min(high, 1.0 + strength * (reputation - reference)))


class Market:
    """The levers' state (prices, surcharge, sales, caps, closed tiers; the prompt's multiplier is the prompt's)
    and reputation."""

    def __init__(self, spec: LevelSpec, host: MarketHost, capacity: Capacity, prompt: Prompt) -> None:
        self.level = spec
        self.host = host
        self.capacity = capacity
        self.prompt = prompt
        self.spec = market = spec.market
        self.prices = {c.id: c.price_cents for c in spec.content}  # content -> cents, now
        self.caps = dict(spec.tiers)  # tier -> cap, now
        self.references = {c.id: c.price_cents for c in spec.content}
        total = sum(w for _c, w in spec.arrivals.content) or 1.0
        self.weights = {c: w / total for c, w in spec.arrivals.content}
        self.surcharge = spec.priority_surcharge
        self.wait_offer = 0.0  # the discount offered on asking the wait question (share of the price)
        self.priority_on_sale = True
        self.closed_until: dict[str, int] = {}  # tier -> time the door opens again
        self.reputation = market.reputation_reference
        self.refused = 0  # arrivals turned away at a closed door since the last tick (reputation counts them)
        self._score_seen = 0.0
        self._ended_seen = 0
        self.demand = 1.0  # price factor x reputation factor; the world multiplies its arrival rate by it
        self.shock = 1.0  # incidents' factor on demand (a viral spike, a competitor's cut): sim/incidents.py
        self.quotes: Quotes | None = None  # a mod's price rule's quotes (`follow_quotes`); None: the list prices
        self._price_factor = 1.0
        # The arrival mix of tiers now (tier -> weight): the level's weights, until a tier's price sensitivity
        # (`[tier_traits]`) makes a price change move it. `_sensitive` is None when every tier answers price alike,
        # so a level without traits computes demand exactly as before.
        self.tier_weights = spec.arrivals.tiers
        tier_total = sum(w for _t, w in spec.arrivals.tiers) or 1.0
        sensitive = tuple((tier, w / tier_total, spec.traits(tier).price_sensitivity)
                          for tier, w in spec.arrivals.tiers)
        self._sensitive = sensitive if any(s != 1.0 for _t, _w, s in sensitive) else None

    # --------------------------------------------------------------------------------------------- hot path
    def priority_share(self) -> float:
        return self.priority_share_at(self.surcharge, self.priority_on_sale)

    def priority_share_at(self, surcharge: float, on_sale: bool) -> float:
        """The base share x exp(-priority_elasticity * (s / s_ref - 1)), at most 1; 0 while sales are stopped."""
        base = self.level.arrivals.priority_share
        if not on_sale:
            return 0.0
        ref = self.level.priority_surcharge
        e = self.spec.priority_elasticity
        if e <= 0 or ref <= 0:
            return base
        return min(1.0, base * math.exp(-e * (surcharge / ref - 1.0)))

    def return_probability(self) -> float:
        p = self.level.arrivals.return_probability
        if self.spec.reputation_strength <= 0:
            return p
        return min(1.0, p * self._reputation_factor())

    def patience_factor(self) -> float:
        """How far the offer on asking stretches a customer's patience: 1 + OFFER_PATIENCE x discount."""
        return 1.0 + OFFER_PATIENCE * self.wait_offer

    def grant_wait_discount(self, customer: Customer) -> None:
        """A "yes" to an offer: the discount comes off each of the customer's queued tasks now (part of the hold
        goes back); they pay the rest on delivery."""
        if not self.wait_offer:
            return
        host = self.host
        for task in customer.tasks:
            if task.state == QUEUED:
                cents = round(task.price_cents * self.wait_offer)
                if cents:
                    host.ledger.reduce_hold(host.now, customer.id, task.id, cents, "wait discount")
                    task.price_cents -= cents
                    customer.held_cents -= cents

    def follow_quotes(self) -> None:
        """A mod takes the price rule: from now demand answers to the prices quoted (`quote`), not the list alone."""
        self.quotes = Quotes(list(self.prices))

    def quote(self, content: str, quoted: int, builtin: int) -> None:
        """A task of `content` was quoted `quoted` cents where the built-in rule would have said `builtin`."""
        assert self.quotes is not None
        self.quotes.add(content, quoted, builtin)

    def seen_prices(self) -> dict[str, int]:
        """The prices demand answers to (`price_factor`): the list prices, or with a mod's price rule each list
        price times the markup of the content type's recent quotes (`Quotes.seen`)."""
        quotes = self.quotes
        if quotes is None:
            return self.prices
        return {content: quotes.seen(content, cents) for content, cents in self.prices.items()}

    def door_closed(self, tier: str, now: int) -> bool:
        return self.closed_until.get(tier, -1) > now

    def lever_value(self, name: str, key: str | None = None) -> float:
        """What a lever (`sim/levers.py`, by command name) is set to now, in the lever's unit; `key` is the content
        type, tier or model of a keyed lever. A door's value is the minutes left until it opens (0: open)."""
        if name == SetPrice.name:
            return self.prices[str(key)]
        if name == SetCap.name:
            return self.caps[str(key)]
        if name == CloseTier.name:
            return max(0, self.closed_until.get(str(key), 0) - self.host.now) / MINUTE
        if name == SetSurcharge.name:
            return round(self.surcharge * 100)
        if name == SetPrioritySales.name:
            return int(self.priority_on_sale)
        if name == SetWaitOffer.name:
            return round(self.wait_offer * 100)
        if name == SetPromptMultiplier.name:
            return self.prompt.multiplier
        return BY_NAME[name].default or 0

    # -------------------------------------------------------------------------------------------------- ticks
    def tick(self) -> bool:
        """Each minute: move reputation toward the mean satisfaction score of what ended in the last minute (and
        the refused arrivals, scored 0), by the share 1 - exp(-1 min / lag); with a mod's price rule, follow the
        prices it quoted since the last tick. True when demand changed."""
        quoted = self.quotes is not None and self.quotes.fresh and self._follow_quoted()
        if self.spec.reputation_strength <= 0:
            return quoted and self._update_demand()
        score, ended = 0.0, 0
        for stats in self.host.metrics.cells.values():
            score += stats.score
            ended += stats.completed + stats.failed + stats.abandoned + stats.lost
        new_score, new_ended = score - self._score_seen, ended - self._ended_seen + self.refused
        self._score_seen, self._ended_seen, self.refused = score, ended, 0
        if new_ended == 0:
            return quoted and self._update_demand()
        recent = new_score / new_ended
        weight = 1.0 - math.exp(-MINUTE / self.spec.reputation_lag_ms)
        self.reputation += (recent - self.reputation) * weight
        return self._update_demand()

    def _follow_quoted(self) -> bool:
        """The price factor from the prices seen now (new quotes came); True when it changed."""
        assert self.quotes is not None
        self.quotes.fresh = False
        factor = self.price_factor_at(self.seen_prices(), follow=True)
        changed = factor != self._price_factor
        self._price_factor = factor
        return changed

    def price_factor_at(self, prices: dict[str, int], follow: bool = False) -> float:
        """Demand's price factor at these prices (customers' view, `seen_prices`). With tiers of different price
        sensitivity s_t (`[tier_traits]`) it is sum over tiers t of share_t x P_t, P_t the `price_factor` at the
        elasticity x s_t, and each tier arrives in proportion to share_t x P_t: `follow` makes that the mix now
        (`tier_weights`, which the world hands the arrivals' tier draw)."""
        elasticity = self.spec.elasticity
        if self._sensitive is None:
            return price_factor(prices, self.references, self.weights, elasticity)
        mix = tuple((tier, share * price_factor(prices, self.references, self.weights, elasticity * sensitivity))
                    for tier, share, sensitivity in self._sensitive)
        if follow:
            self.tier_weights = mix
        return sum(weight for _tier, weight in mix)

    def _reputation_factor(self) -> float:
        market = self.spec
        if market.reputation_strength <= 0:
            return 1.0
        return reputation_factor(self.reputation, market.reputation_reference, market.reputation_strength)

    def _update_demand(self) -> bool:
        demand = self._price_factor * self._reputation_factor() * self.shock
        changed = demand != self.demand
        self.demand = demand
        return changed

    def carry_reputation(self, reputation: float) -> bool:
        """Start from a reputation earned before (a career's previous day); True when demand changed."""
        self.reputation = reputation
        return self._update_demand()

    def set_shock(self, factor: float) -> bool:
        """Incidents' factor on demand, now; True when demand changed."""
        self.shock = factor
        return self._update_demand()

    # ------------------------------------------------------------------------------------------------- levers
    def apply(self, command: Command, source: str) -> bool:
        """Carry out a lever command; True when demand changed (the world redraws its next arrival). A level's
        scripted events may move a lever the player has not unlocked yet."""
        lever = BY_NAME.get(command.name)
        if lever is None:
            raise LeverRejected(f"unknown command {command!r}")
        if source != "level" and not lever.unlocked(self.spec.levers):
            raise LeverRejected(f"this level has not unlocked the {lever.group} lever", "locked", lever=lever.group)
        value = getattr(command, lever.field)
        problem = lever.refusal(value)
        if problem is not None:
            raise LeverRejected(problem, "out_of_range", lever=lever.name, range=lever.range_text(),
                                value=f"{value:g}")
        return APPLY[command.name](self, command)

    def _set_price(self, command: SetPrice) -> bool:
        if command.content not in self.prices:
            raise LeverRejected(f"unknown content type {command.content!r}", "unknown_content", name=command.content)
        self.prices[command.content] = command.cents
        self._price_factor = self.price_factor_at(self.seen_prices(), follow=True)
        return self._update_demand()

    def _set_surcharge(self, command: SetSurcharge) -> bool:
        self.surcharge = command.percent / 100
        return False

    def _set_priority_sales(self, command: SetPrioritySales) -> bool:
        self.priority_on_sale = bool(command.on)
        return False

    def _tier(self, tier: str) -> None:
        if tier not in self.caps:
            raise LeverRejected(f"unknown tier {tier!r}; this level has {', '.join(self.caps)}", "unknown_tier",
                                tier=tier)

    def _set_cap(self, command: SetCap) -> bool:
        self._tier(command.tier)
        self.caps[command.tier] = command.cap
        for customer in list(self.host.customers.values()):  # the new cap holds for everyone of the tier, now
            if customer.tier == command.tier:
                customer.cap = command.cap
                self.host.admit_waiting(customer)
        return False

    def _close_tier(self, command: CloseTier) -> bool:
        self._tier(command.tier)
        if command.minutes == 0:
            self.closed_until.pop(command.tier, None)
        else:
            self.closed_until[command.tier] = self.host.now + command.minutes * MINUTE
        return False

    def _sign_contract(self, command: SignContract) -> bool:
        self.capacity.sign_contract(command)
        return False

    def _release_idle(self, command: ReleaseIdle) -> bool:
        """Idle rented slots leave first when released (`Capacity.release`), so releasing as many as are idle
        lets exactly those go."""
        m = self.capacity.model(command.model)
        idle = sum(1 for s in m.slots if s.rented and not s.committed_ms and s.state == IDLE) - command.keep
        if idle <= 0:
            raise LeverRejected(f"{m.id} has no idle rented slot to release beyond the {command.keep} kept",
                                "no_idle_slot", model=m.id, keep=command.keep)
        self.capacity.release(Release(m.id, idle))
        return False

    def _set_wait_offer(self, command: SetWaitOffer) -> bool:
        self.wait_offer = command.percent / 100
        return False

    def levers(self) -> list[tuple[Lever, str | None]]:
        """The levers the player may move on this level, one per key (content type served, tier, model that may
        take extra slots), in the table's order: what the levers panel shows."""
        level = self.level
        keys: dict[str | None, list[str | None]] = {
            "content": [c.id for c in level.content if any(c.id in m.content for m in level.models)],
            "tier": list(self.caps),
            "model": [m.id for m in level.models if m.max_extra],
            None: [None]}
        return [(lever, key) for lever in LEVERS if lever.unlocked(self.spec.levers) and
                self.unavailable(lever.name) is None for key in keys[lever.keyed_by]]

    def step(self, lever: Lever, key: str | None, direction: int) -> float | None:
        """The lever's value one click up (1) or down (-1) from now, inside its range; None at the edge. A price
        steps by a share of the level's price."""
        reference = self.references.get(str(key), 0) if lever.relative else 0
        return lever.stepped(self.lever_value(lever.name, key), direction, reference)

    def unavailable(self, name: str) -> str | None:
        """Why a lever (by command name) cannot move at all on this level, whatever its value, or None: the
        multiplier where the level asks no wait question. The levers panel leaves such a lever out."""
        if name == SetPromptMultiplier.name:
            return self.prompt.refusal()
        return None

    def _set_prompt_multiplier(self, command: SetPromptMultiplier) -> bool:
        problem = self.unavailable(command.name)
        if problem is not None:
            raise LeverRejected(problem, "no_wait_question")
        self.prompt.set_multiplier(command.multiplier)
        return False


# What each lever does, by command name (the table says which command moves which lever; a test checks that every
# lever of `LEVERS` has its function here).
APPLY: dict[str, Callable[[Market, Any], bool]] = {
    SetPrice.name: Market._set_price,
    SetSurcharge.name: Market._set_surcharge,
    SetPrioritySales.name: Market._set_priority_sales,
    SetCap.name: Market._set_cap,
    CloseTier.name: Market._close_tier,
    SignContract.name: Market._sign_contract,
    SetWaitOffer.name: Market._set_wait_offer,
    SetPromptMultiplier.name: Market._set_prompt_multiplier,
    ReleaseIdle.name: Market._release_idle,
}


def is_lever(command: Command) -> bool:
    return command.name in BY_NAME
