"""A mod's price reaches demand through the list price's formula (issue 19 item 6, issue 16 item 1): the market
follows the markup of the prices a mod's rule quotes (`Quotes`) and `price_factor` reads the list prices times it."""

from __future__ import annotations

from factory_game.level import load_level
from factory_game.plugins import prepare_level
from factory_game.sim.builtin_rules import default_price
from factory_game.sim.clock import HOUR
from factory_game.sim.commands import SetPrice
from factory_game.sim.events import Kind
from factory_game.sim.market import QUOTE_WINDOW, Quotes, price_factor
from factory_game.sim.rules import Rules
from factory_game.sim.world import World
from tests.mods.helpers import SMALL_LEVEL, write_level, write_mod

RUSH = "levels/campaign/04-rush-hour.toml"  # image only, elasticity 0.7
QUIET = ["autopilot.enabled=false", "arrivals.return_probability=0", "market.reputation_strength=0",
         "level.priority_surcharge=0.5"]  # a pass-through rule quotes the pack buyers a surcharged price


def passing(world, customer, task):
    return default_price(world, customer, task)


def doubling(world, customer, task):
    return 2 * default_price(world, customer, task)


def _run(rule=None, overrides=(), price=None, hours=2, seed=4):
    """(world, arrival times) after `hours`; `price` (cents) is set by the player at t=0."""
    world = World(load_level(RUSH, [*QUIET, *overrides]), seed=seed, rules=Rules(price=rule) if rule else None)
    arrivals = []
    world.subscribe(lambda e: arrivals.append(e.time) if e.kind == Kind.ARRIVE else None)
    if price is not None:
        assert world.apply(SetPrice("image", price)).ok
    world.advance(hours * HOUR)
    return world, arrivals


def test_the_seen_price_is_the_list_price_times_the_quotes_markup():
    quotes = Quotes(["image", "video"])
    assert quotes.seen("image", 50) == 50  # before the first quote: the list price
    quotes.add("image", 75, 75)  # a priority customer's surcharged price, passed through
    quotes.add("image", 50, 50)
    assert quotes.seen("image", 50) == 50 and quotes.seen("image", 80) == 80
    quotes.add("image", 250, 125)
    assert quotes.seen("image", 50) == (2 * 50 * 375 + 250) // (2 * 250)  # 50 x 375/250 = 75
    for _ in range(QUOTE_WINDOW):  # the window forgets the oldest quotes
        quotes.add("image", 100, 50)
    assert quotes.seen("image", 50) == 100 and quotes.seen("video", 300) == 300
    free = Quotes(["gift"])
    free.add("gift", 30, 0)
    free.add("gift", 41, 0)
    assert free.seen("gift", 0) == 36  # nothing to scale: the mean quote, rounded half up (35.5)


def test_a_pass_through_rule_leaves_demand_and_the_run_as_the_list_price_would():
    plain, plain_arrivals = _run()
    passed, passed_arrivals = _run(passing)
    assert passed.market.quotes is not None  # the quotes were followed, and said what the list says
    assert passed.market.demand == plain.market.demand == 1.0
    assert passed_arrivals == plain_arrivals
    assert passed.summary() == plain.summary()


def test_a_rule_doubling_the_price_lowers_demand_as_the_list_price_doubled_would():
    plain, plain_arrivals = _run()
    list_cents = plain.prices["image"]
    listed, listed_arrivals = _run(price=2 * list_cents)
    doubled, doubled_arrivals = _run(doubling)
    expected = price_factor({"image": 2 * list_cents}, {"image": list_cents}, {"image": 1.0}, 0.7)
    assert listed.market.demand == doubled.market.demand == expected  # one formula, same value
    assert doubled.prices["image"] == list_cents  # the list price did not move: the quotes did
    assert len(doubled_arrivals) < 0.7 * len(plain_arrivals)  # e^-0.7 = 0.50 of the customers
    assert abs(len(doubled_arrivals) - len(listed_arrivals)) < 0.15 * len(listed_arrivals)


def test_the_list_price_lever_still_moves_demand_under_a_price_rule():
    world, _ = _run(doubling, hours=1)
    list_cents = world.prices["image"]
    assert world.apply(SetPrice("image", list_cents // 2)).ok  # half the list, doubled: the reference price again
    assert world.market.demand == 1.0


def test_a_level_with_elasticity_0_is_unaffected():
    plain, plain_arrivals = _run(overrides=["market.elasticity=0"])
    doubled, doubled_arrivals = _run(doubling, overrides=["market.elasticity=0"])
    assert doubled.market.quotes is None  # nothing to follow: the hot path asks the rule directly
    assert doubled.market.demand == plain.market.demand == 1.0
    assert doubled_arrivals == plain_arrivals


def test_a_mods_adjust_price_reaches_demand_through_the_plugin_layer(mods_dir, tmp_path):
    """A real mod (river_adjust_price doubling, priority surcharge included) against the player doubling the list
    price on the same level: the same demand factor."""
    write_mod(mods_dir, "double", "@hookimpl\ndef river_adjust_price(price):\n    return 2 * price\n")
    body = SMALL_LEVEL + '\n[market]\nelasticity = 0.6\nlevers = ["price"]\n'
    modded = prepare_level(write_level(tmp_path / "modded.toml", '"double"', body)).start()
    player = prepare_level(write_level(tmp_path / "player.toml", "", body)).start()
    assert player.apply(SetPrice("image", 2 * player.prices["image"])).ok
    modded.advance(HOUR)
    player.advance(HOUR)
    assert modded.market.demand == player.market.demand < 0.6
