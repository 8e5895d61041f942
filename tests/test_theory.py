"""The engine agrees with queueing theory where theory applies: the reference M/M/c level against Erlang C."""

import math
import statistics
from pathlib import Path

import pytest

from factory_game.level import load_level
from factory_game.sim.clock import HOUR
from factory_game.sim.world import World

pytestmark = pytest.mark.slow  # statistics over long runs (Erlang C, Little's law)

REFERENCE = Path(__file__).resolve().parents[1] / "levels" / "reference" / "mmc.toml"
SEEDS = range(1, 7)
HORIZON = 120 * HOUR


def erlang_c_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean queue wait of M/M/c (Erlang C): P(wait) / (c mu - lambda)."""
    a = arrival_rate / service_rate
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * service_rate - arrival_rate)


@pytest.fixture(scope="module", params=[0.9, 0.7], ids=["rho=0.9", "rho=0.7"])
def runs(request):
    rho = request.param
    per_hour = rho * 20 * 12  # c = 20 slots, 12 tasks per slot-hour at a 5-minute mean
    spec = load_level(REFERENCE, [f"arrivals.rate={per_hour}", f"level.duration=\"{HORIZON // HOUR}h\""])
    summaries = []
    for seed in SEEDS:
        world = World(spec, seed=seed, ledger_window=0)
        summaries.append(world.run()["models"]["sd15"])
    return rho, per_hour, summaries


def test_mean_queue_wait_matches_erlang_c(runs):
    rho, per_hour, summaries = runs
    expected_ms = erlang_c_wait(20, per_hour / HOUR, 1 / (5 * 60_000))
    means = [s["wait_mean_ms"] for s in summaries]
    mean = statistics.fmean(means)
    half_width = 3 * statistics.stdev(means) / math.sqrt(len(means))
    assert abs(mean - expected_ms) <= half_width + 0.03 * expected_ms, (mean, expected_ms, half_width)


def test_utilisation_is_lambda_over_c_mu(runs):
    rho, _per_hour, summaries = runs
    assert statistics.fmean(s["utilisation"] for s in summaries) == pytest.approx(rho, abs=0.01)


def test_littles_law_on_the_queue(runs):
    _rho, _per_hour, summaries = runs
    for s in summaries:
        arrival_rate_per_ms = s["enqueued"] / HORIZON
        assert s["queue_mean"] == pytest.approx(arrival_rate_per_ms * s["wait_mean_ms"], rel=0.01)


def test_erlang_c_formula_against_a_known_value():
    # M/M/2 with a = 1 (rho 0.5): P(wait) = 1/3, Wq = (1/3) / (2 - 1) = 1/3 time units
    assert erlang_c_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)
