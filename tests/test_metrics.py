"""Metrics stay exact where it matters and bounded in memory for endless runs."""

import math

from hypothesis import given
from hypothesis import strategies as st

from factory_game.levelkit import level, model
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.metrics import MAX_SAMPLES, Histogram, bin_of, upper_edge
from factory_game.sim.world import World


@given(st.lists(st.integers(0, 5 * HOUR), min_size=1, max_size=300), st.sampled_from([0.0, 0.5, 0.95, 0.99, 1.0]))
def test_histogram_quantile_is_the_exact_one_rounded_up_to_its_bin(values, q):
    histogram = Histogram()
    for value in values:
        histogram.add(value)
    exact = sorted(values)[math.ceil(q * (len(values) - 1))]  # nearest rank, rounded up
    got = histogram.quantile(q)
    resolution = 1000 if exact <= 5 * MINUTE else 10_000 if exact <= HOUR else 60_000
    assert exact <= got < exact + resolution and got <= max(values)
    assert histogram.mean == sum(values) / len(values) and histogram.max == max(values)
    assert len(histogram.expand()) == len(values)


@given(st.integers(0, 30 * HOUR))
def test_bins_are_ordered_and_hold_their_values(ms):
    key = bin_of(ms)
    assert ms <= upper_edge(key)
    assert key == 0 or ms > upper_edge(key - 1)


def test_zero_waits_stay_zero():
    histogram = Histogram()
    for _ in range(10):
        histogram.add(0)
    histogram.add(1)
    assert histogram.quantile(0.5) == 0 and histogram.quantile(1.0) == 1


def test_time_series_is_thinned_not_truncated():
    world = World(level(model(slots=2), rate_per_hour=10, duration_ms=30 * 24 * HOUR))
    world.advance(30 * 24 * HOUR)
    series = world.metrics.series
    assert len(series) <= MAX_SAMPLES
    steps = {b["t"] - a["t"] for a, b in zip(series, series[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() >= MINUTE  # evenly spaced
    assert series[-1]["t"] > 29 * 24 * HOUR  # still reaches the end


def test_ledger_window_keeps_the_latest_entries_and_exact_totals():
    spec = level(model(slots=2), rate_per_hour=30, duration_ms=10 * HOUR)
    full, windowed = World(spec, seed=4), World(spec, seed=4, ledger_window=50)
    full.run()
    windowed.run()
    assert len(windowed.ledger.entries) == 50 and list(windowed.ledger.entries) == full.ledger.entries[-50:]
    assert windowed.summary() == full.summary()
