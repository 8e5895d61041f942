"""The manager's figures (sim/economics.py) and the live goals' projection (game/panels/outlook.py)."""

from __future__ import annotations

import pytest

from factory_game.game.panels.outlook import capping_goal, outlook, project
from factory_game.level import load_level
from factory_game.level.goals import evaluate
from factory_game.sim import economics
from factory_game.sim.capacity import contract_price_cents
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import Rent, SetPrice, SignContract
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"


def _world():
    return World(load_level(RUSH, ["autopilot.enabled=false"]), seed=4)


def test_margin_per_busy_slot_hour_is_tasks_per_hour_times_price_minus_rent():
    world = _world()
    spec = world.models["sd15"].spec
    tasks_per_hour = HOUR / spec.mean_service_ms
    assert economics.margin_per_busy_slot_hour_cents(world, "sd15") == pytest.approx(
        tasks_per_hour * 50 - spec.rent_price_cents)  # no surcharge on this level
    world.apply(SetPrice("image", 100))
    assert economics.margin_per_busy_slot_hour_cents(world, "sd15") == pytest.approx(
        tasks_per_hour * 100 - spec.rent_price_cents)


def test_orders_in_transit_paid_until_and_next_hour_cost():
    world = _world()
    spec = world.models["sd15"].spec
    world.advance(10 * MINUTE)
    world.apply(Rent("sd15", 3))
    assert economics.orders_in_transit(world, "sd15") == [(3, 10 * MINUTE + spec.lead_time_ms)]
    assert economics.next_hour_cost_cents(world, "sd15") == spec.slot_cost_cents * spec.slots \
        + 3 * spec.rent_price_cents
    world.advance(20 * MINUTE)
    assert economics.orders_in_transit(world, "sd15") == []
    assert economics.paid_until_ms(world, "sd15") == [10 * MINUTE + spec.lead_time_ms + spec.min_rental_ms] * 3


def test_contract_orders_are_in_transit_at_their_own_lead_time_and_price():
    """Contract slots on order: the capacity's orders give their own arrival and price (the next hour's cost used
    to price them at the spot price, and the ETA was worked out again from the command log)."""
    world = World(load_level(RUSH, ["autopilot.enabled=false", 'market.levers=["contracts"]']), seed=4)
    spec, market = world.models["sd15"].spec, world.spec.market
    world.advance(5 * MINUTE)
    assert world.apply(SignContract("sd15", 2)).ok and world.apply(Rent("sd15", 1)).ok
    assert economics.orders_in_transit(world, "sd15") == sorted(
        [(1, 5 * MINUTE + spec.lead_time_ms), (2, 5 * MINUTE + market.contract_lead_ms)], key=lambda o: o[1])
    assert economics.next_hour_cost_cents(world, "sd15") == spec.slot_cost_cents * spec.slots \
        + spec.rent_price_cents + 2 * contract_price_cents(market, spec)
    assert [o.kind for o in world.capacity.orders("sd15")].count("contract") == 2
    world.advance(5 * MINUTE + max(spec.lead_time_ms, market.contract_lead_ms))
    assert economics.orders_in_transit(world, "sd15") == [] and world.models["sd15"].pending_rentals == 0


def test_forecast_shows_the_announced_rush_and_scales_with_demand():
    world = _world()
    curve = economics.demand_curve(world, happy_last_hour=0)
    assert len(curve) == economics.FORECAST_POINTS
    rates = dict(curve)
    assert max(rates.values()) == pytest.approx(2.5 * 80)
    assert [m.kind for m in economics.markers(world)] == ["spike"]
    world.market.demand = 0.5
    assert max(r for _t, r in economics.demand_curve(world, happy_last_hour=0)) == pytest.approx(100)
    assert economics.expected_returns_per_hour(world, happy_last_hour=50) == pytest.approx(0.4 * 50)


def test_projection_cumulative_at_recent_pace_shares_as_they_stand():
    history = [(0, 0.0), (30 * MINUTE, 100.0)]
    assert project("money.profit_cents", 200.0, history, 60 * MINUTE, 120 * MINUTE) == pytest.approx(400.0)
    assert project("overall.sla_share", 0.8, history, 60 * MINUTE, 120 * MINUTE) == 0.8
    assert project("money.profit_cents", 200.0, history, 60 * MINUTE, None) == 200.0


def test_outlook_scores_the_projection_and_names_the_capping_goal():
    world = _world()
    summary = world.run(2 * HOUR)
    results = evaluate(world.spec, summary)
    views = outlook(results, {}, world.now, world.spec.duration_ms)
    assert [v.now for v in views] == results
    capped = capping_goal(results)
    weakest = min(results, key=lambda r: r.stars)
    if weakest.stars < 3:
        goal, gap = capped
        assert goal is weakest and gap == pytest.approx(abs(weakest.goal.stars[weakest.stars] - weakest.value))
    else:
        assert capped is None


def test_the_auto_managers_cap_is_blamed_before_a_goal_tied_with_it():
    """Play-test bug 6: with the auto-manager on from the start, profit and the auto-manager's goal both sat at 2
    stars and the report blamed profit; the cap holds 2 stars whatever the profit, so it is the one to name."""
    from factory_game.level.goals import AUTOPILOT_GOAL, GoalResult, capping
    from factory_game.level.loader import autopilot_star_cap_goal
    from factory_game.sim.spec import Goal

    profit = Goal("money.profit_cents", True, (100.0, 200.0, 300.0), None, {"en": "Profit"})
    cap = autopilot_star_cap_goal(2, 3 * HOUR)
    results = [GoalResult(profit, 250.0, 2, False), GoalResult(cap, 170.0, 2, False)]
    assert cap.metric == AUTOPILOT_GOAL and capping(results) is results[1]
    assert capping([GoalResult(profit, 50.0, 0, False), results[1]]) is not results[1]  # a weaker goal comes first
    assert capping([GoalResult(profit, 350.0, 3, False)]) is None
