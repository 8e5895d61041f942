"""Reputation's per-minute count, the return probability and a "yes"'s bookkeeping (issue 21's last market
survivors): each test pins one rule of sim/market.py that no whole-level run isolates."""

from __future__ import annotations

import math
from dataclasses import replace
from types import SimpleNamespace

import pytest

from factory_game.levelkit import level, model, with_arrivals
from factory_game.sim.clock import MINUTE, SECOND
from factory_game.sim.commands import Arrive, SetPrice, SetWaitOffer
from factory_game.sim.core import is_compiled
from factory_game.sim.entities import QUEUED, RUNNING
from factory_game.sim.spec import MarketSpec, PromptSpec
from factory_game.sim.world import World

LAG_MS = 30 * MINUTE


def _market(strength=1.5, return_probability=0.0):
    spec = level(model(slots=1), market=MarketSpec(reputation_strength=strength, reputation_lag_ms=LAG_MS))
    return World(with_arrivals(spec, return_probability=return_probability)).market


STAND_IN = pytest.mark.skipif(is_compiled(), reason="a compiled market takes only a real Metrics, not a stand-in")


def _cells(market, **counts):
    """Replace the metrics the market reads with one cell holding `counts` (score, completed, failed, ...)."""
    stats = SimpleNamespace(**{"score": 0.0, "completed": 0, "failed": 0, "abandoned": 0, "lost": 0, **counts})
    market.host = SimpleNamespace(metrics=SimpleNamespace(cells={("sd15", "image", "L1"): stats}))


def _moved(reputation, recent):
    return reputation + (recent - reputation) * (1.0 - math.exp(-MINUTE / LAG_MS))


@STAND_IN
def test_reputation_moves_toward_the_mean_score_of_every_visit_that_ended_in_the_minute():
    """A tick scores completed, failed, abandoned, lost and refused visits alike, over what ended since the last one."""
    market = _market()
    start = market.reputation
    _cells(market, score=4.5, completed=5, failed=1, abandoned=2, lost=3)
    market.refused = 4  # ended: 5 + 1 + 2 + 3 + 4 = 15 visits, scoring 4.5 in all
    assert market.tick()
    first = _moved(start, 4.5 / 15)
    assert market.reputation == pytest.approx(first, abs=1e-12)
    assert market.refused == 0
    # the next minute counts only what ended since: 2 more completed scoring 1.6, 1 more refused
    market.host.metrics.cells[("sd15", "image", "L1")].score = 6.1
    market.host.metrics.cells[("sd15", "image", "L1")].completed = 7
    market.refused = 1
    assert market.tick()
    assert market.reputation == pytest.approx(_moved(first, 1.6 / 3), abs=1e-12)


@STAND_IN
def test_a_minute_in_which_nothing_ended_leaves_reputation_and_demand_alone():
    """No visit ended (or reputation is off, with no price rule): the tick reports demand unchanged."""
    market = _market()
    _cells(market)
    before = (market.reputation, market.demand)
    assert market.tick() is False
    assert (market.reputation, market.demand) == before
    off = _market(strength=0)
    _cells(off, score=1.0, completed=3)
    assert off.tick() is False and off.reputation == off.spec.reputation_reference


def test_the_return_probability_follows_reputation_at_any_strength_and_is_at_most_one():
    """Returns scale by the reputation factor even for a weak effect (strength <= 1), and never past certainty."""
    weak = _market(strength=0.5, return_probability=0.4)
    weak.reputation = weak.spec.reputation_reference + 0.4
    assert weak.return_probability() == pytest.approx(0.4 * (1 + 0.5 * 0.4))
    strong = _market(strength=3.0, return_probability=0.9)
    strong.reputation = 1.0  # factor 1 + 3 x (1 - reference) > 1.12, so 0.9 x factor > 1
    assert strong.return_probability() == 1.0


def test_a_yes_leaves_each_tasks_price_and_the_customers_held_money_equal_to_the_ledgers_holds():
    """After a discounted yes, each queued task's price and the customer's held money are what the ledger holds."""
    spec = level(model(slots=1), tiers=(("L1", 3),), prompt=PromptSpec(enabled=True, answer_delay_ms=10 * SECOND))
    world = World(replace(spec, market=replace(spec.market, reputation_strength=0.0)))
    assert world.apply(SetPrice("image", 1000)).ok and world.apply(SetWaitOffer(30)).ok
    for _ in range(4):
        world.apply(Arrive("L1", ("image",), budget_cents=5000, patience_ms=60 * MINUTE))
    world.apply(Arrive("L1", ("image", "image", "image"), budget_cents=5000, patience_ms=60 * MINUTE))
    world.advance(10 * SECOND)  # the last customer (20 minutes' wait) is asked and says yes
    customer = world.customers[5]
    holds = world.ledger.holds
    queued = [t for t in customer.tasks if t.state == QUEUED]
    assert len(queued) == 3 and [holds[t.id] for t in queued] == [700, 700, 700]
    assert [t.price_cents for t in queued] == [700, 700, 700]
    assert customer.held_cents == sum(holds[t.id] for t in customer.tasks if t.state in (QUEUED, RUNNING)) == 2100


def test_a_quote_against_a_one_cent_built_in_price_is_a_markup_and_free_quotes_average_to_whole_cents():
    """Only all-free built-in prices fall back to the mean quote (rounded half up to a whole cent)."""
    from factory_game.sim.market import Quotes

    quotes = Quotes(["image"])
    quotes.add("image", 3, 1)  # three times a one-cent built-in price
    assert quotes.seen("image", 50) == 150
    free = Quotes(["gift"])
    free.add("gift", 30, 0)
    free.add("gift", 40, 0)
    seen = free.seen("gift", 0)
    assert seen == 35 and isinstance(seen, int)  # 35.0 would be a fraction of a cent in another case


def test_demand_follows_a_mods_quotes_at_the_next_tick():
    """With a mod's price rule, the first tick after new quotes moves demand to the quoted prices' factor (and says
    so); a tick with no new quote changes nothing."""
    from factory_game.sim.market import price_factor

    for strength in (0.0, 1.5):  # reputation off; on, with no visit ended yet
        spec = level(model(slots=1), market=MarketSpec(elasticity=1.0, reputation_strength=strength))
        market = World(spec).market
        market.follow_quotes()
        for _ in range(4):
            market.quote("image", 2 * market.prices["image"], market.prices["image"])
        assert market.tick() is True
        doubled = {c: 2 * p for c, p in market.prices.items()}
        expected = price_factor(doubled, market.references, market.weights, 1.0) * market._reputation_factor()
        assert market.demand == pytest.approx(expected) and market.demand < 1.0
        assert market.tick() is False


def test_the_wait_offer_lever_reads_back_in_percent():
    """The panel reads a 30 % wait offer as 30."""
    world = World(level(model(slots=1), prompt=PromptSpec(enabled=True)))
    assert world.apply(SetWaitOffer(30)).ok
    assert world.market.lever_value(SetWaitOffer.name, None) == 30
