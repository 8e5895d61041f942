"""Mod metrics (river_metrics): a mod declares figures in mod.toml, reports them when a summary is taken, and they
appear under `mods.<mod id>.<name>`, where a level's goals may name them (checked against the declarations)."""

import math

import pytest

from factory_game.level import LevelError
from factory_game.level.goals import evaluate
from factory_game.plugins import prepare_level
from factory_game.plugins.errors import ModError, ModFailed
from factory_game.plugins.manifest import parse_manifest
from factory_game.runner import run_level
from factory_game.sim.events import Kind
from tests.mods.helpers import write_level, write_mod

LEVEL = "levels/mods/steady-floor.toml"
HOUR = 3_600_000
DECLARED = """
[metrics.checks]
unit = "count"
description = { en = "summaries taken", zh-CN = "总结次数" }
"""


def test_the_example_mod_reports_what_its_declarations_say():
    """delivery-rhythm's figures, recomputed here from the run's own events, are in the summary and its goals."""
    level = prepare_level(LEVEL)
    world = level.start()
    finishes = []
    world.subscribe(lambda event: finishes.append(event.time) if event.kind == Kind.FINISH else None)
    summary = world.run(2 * HOUR)
    gaps = [later - earlier for earlier, later in zip([0, *finishes], [*finishes, 2 * HOUR], strict=True)]
    expected = {"first_hour_deliveries": sum(1 for t in finishes if t < HOUR), "longest_gap_ms": max(gaps)}
    assert summary["mods"] == {"delivery-rhythm": expected}
    assert expected["first_hour_deliveries"] > 0
    values = {r.goal.metric: r.value for r in evaluate(level.spec, summary)}
    assert values == {f"mods.delivery-rhythm.{name}": value for name, value in expected.items()}
    assert set(level.session.catalog.metrics) == set(values)
    assert level.session.catalog.metrics["mods.delivery-rhythm.longest_gap_ms"].unit == "ms"


def test_a_run_of_the_level_scores_its_mod_goals_the_same_each_time():
    first, second = run_level(prepare_level(LEVEL)), run_level(prepare_level(LEVEL))
    assert first.summary["mods"] == second.summary["mods"] and first.event_hash == second.event_hash
    assert [r.value for r in first.goals] == [r.value for r in second.goals]


def test_a_level_without_metric_mods_has_no_mods_table():
    assert "mods" not in run_level(prepare_level("levels/mods/autoscale-day.toml", ["level.duration=\"1h\""])).summary


def test_a_goal_on_an_undeclared_mod_metric_is_named_with_a_suggestion(tmp_path):
    text = open(LEVEL, encoding="utf-8").read().replace('"mods.delivery-rhythm.first_hour_deliveries"',
                                                        '"mods.delivery-rhythm.first_hour"')
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as caught:
        prepare_level(path)
    message = str(caught.value)
    assert "goals.0.metric" in message and "mods.delivery-rhythm.first_hour_deliveries" in message


@pytest.mark.parametrize(("table", "key"), [
    ('[metrics.late]\nunit = "minutes"\ndescription = { en = "a", zh-CN = "b" }', "metrics.late.unit"),
    ('[metrics.late]\nunit = "count"\ndescription = { en = "only English" }', "metrics.late.description"),
    ('[metrics.late]\nunit = "count"\ndescription = { en = "a", zh-CN = "b" }\nunits = "ms"', "metrics.late.units"),
])
def test_a_bad_metric_declaration_is_named_by_key(table, key):
    import tomllib

    data = tomllib.loads('id = "m"\nversion = "1.0.0"\napi = [1]\nname = { en = "m", zh-CN = "m" }\n'
                         'description = { en = "m", zh-CN = "m" }\nauthor = "t"\n' + table)
    manifest, problems = parse_manifest(data, "m/mod.toml")
    assert manifest is None and any(key in problem for problem in problems), problems


def metric_mod(mods_dir, code, declare=True, mod_id="counter"):
    folder = write_mod(mods_dir, mod_id, code)
    if declare:
        with open(folder / "mod.toml", "a", encoding="utf-8") as manifest:
            manifest.write(DECLARED)
    return write_level(mods_dir.parent / f"{mod_id}.toml", f'"{mod_id}"')


def test_declaring_without_reporting_and_reporting_without_declaring_are_named(mods_dir):
    path = metric_mod(mods_dir, "@hookimpl\ndef river_observe(event):\n    pass\n")
    with pytest.raises(LevelError, match="declares metrics .checks. in mod.toml but implements no river_metrics"):
        prepare_level(path)
    path = metric_mod(mods_dir, "@hookimpl\ndef river_metrics():\n    return {'checks': 1}\n", declare=False,
                      mod_id="silent")
    with pytest.raises(LevelError, match=r"implements river_metrics but declares no metrics"):
        prepare_level(path)


@pytest.mark.parametrize(("answer", "says"), [
    ("{}", "missing checks"),
    ("{'checks': 1, 'extra': 2}", "not declared: extra"),
    ("{'checks': True}", "a bool is not a number"),
    ("{'checks': float('nan')}", "expected a finite number"),
    ("[1]", "expected a dict"),
    ("None", "answered None; expected a dict"),  # a mod still on must report: None is not "switched off"
])
def test_a_bad_report_stops_a_strict_run_and_names_the_hook(mods_dir, answer, says):
    path = metric_mod(mods_dir, f"@hookimpl\ndef river_metrics():\n    return {answer}\n")
    world = prepare_level(path).start()
    world.advance(60_000)
    with pytest.raises(ModFailed) as caught:
        world.summary()
    assert "river_metrics" in str(caught.value) and says in str(caught.value) and "counter" in str(caught.value)


def test_a_lenient_run_switches_the_mod_off_and_reads_zero(mods_dir):
    path = metric_mod(mods_dir, "@hookimpl\ndef river_metrics(state):\n    state['n'] = state.get('n', 0) + 1\n"
                                "    return {'checks': state['n'] if state['n'] < 2 else 1 / 0}\n")
    level = prepare_level(path, lenient=True)
    world = level.start()
    assert world.summary()["mods"] == {"counter": {"checks": 1}}
    assert world.summary()["mods"] == {"counter": {"checks": 0}}
    assert [f.hook for f in level.session.failures] == ["river_metrics"]
    assert world.summary()["mods"] == {"counter": {"checks": 0}}  # off for good: not asked again
    assert not math.isnan(world.summary()["overall"]["completed"])


def test_the_mod_gets_a_read_only_world(mods_dir):
    path = metric_mod(mods_dir, "@hookimpl\ndef river_metrics(world):\n    world.prices['image'] = 0\n"
                                "    return {'checks': 1}\n")
    world = prepare_level(path).start()
    with pytest.raises(ModFailed, match="river_metrics"):
        world.summary()
    assert ModError  # the error types a mod author meets are importable from the plugin layer
