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


def test_the_declared_metrics_are_exactly_the_summarys_figures_in_order_with_their_units():
    """The table in sim/metrics.py is the summary's one declaration: goal checks and formatters read it, so it
    must name every figure a run reports, no more, and each figure's value must fit its unit."""
    from factory_game.level import load_level
    from factory_game.level.goals import flatten
    from factory_game.sim import metrics

    for name in ("campaign/04-rush-hour.toml", "campaign/05-outage.toml", "reference/mmc.toml"):
        spec = load_level(f"levels/{name}")
        values = flatten(World(spec).run(2 * HOUR))
        assert list(values) == metrics.summary_paths(spec), name
        for path, value in values.items():
            unit = metrics.metric_of(path).unit
            assert unit in metrics.UNITS
            if unit in ("cents", "count") and not path.endswith("queue_mean"):
                assert isinstance(value, int), path
            if unit == "share":
                assert 0 <= value <= 1, path
            if unit == "score":
                assert 0 <= value <= 100, path
    sections = (metrics.RUN_METRICS, metrics.TASK_METRICS, metrics.OVERALL_METRICS, metrics.MODEL_METRICS,
                metrics.TIER_METRICS, metrics.MONEY_METRICS)
    units: dict[str, str] = {}
    for section in sections:
        assert len({m.name for m in section}) == len(section)
        for m in section:
            assert units.setdefault(m.name, m.unit) == m.unit, m.name  # one name, one unit
            assert m.description


def test_goal_checks_learn_the_metric_names_without_running_a_world(monkeypatch):
    from factory_game.level import load_level
    from factory_game.level.goals import metric_paths
    from factory_game.sim import world as world_module

    def no_world(*_args, **_kwargs):
        raise AssertionError("a goal check built a World")

    monkeypatch.setattr(world_module.World, "__init__", no_world)
    spec = load_level("levels/campaign/04-rush-hour.toml")  # its goals are checked against the table
    assert spec.goals and {g.metric for g in spec.goals} <= metric_paths(spec)
    assert "models.sd15.wait_p95_ms" in metric_paths(spec)
