"""Level files: good ones load into specs, bad ones are reported in full with file, key, line and what was found."""

import pytest

from factory_game.level import LevelError, load_level, parse_level
from factory_game.level.units import parse_duration, parse_money
from factory_game.sim.clock import HOUR, MINUTE

GOOD = """
[level]
id = "tiny"
title = { en = "Tiny", zh-CN = "小关卡" }
duration = "2h30m"

[models.sd15]
slots = 3

[arrivals]
rate = [{ from = "0h", per_hour = 10 }, { from = "1h", per_hour = 40 }]
"""


def problems(text, overrides=()):
    with pytest.raises(LevelError) as info:
        parse_level(text, "bad.toml", overrides)
    return info.value.problems


def test_a_good_level_loads_with_defaults():
    spec = parse_level(GOOD, "tiny.toml")
    assert spec.duration_ms == 2 * HOUR + 30 * MINUTE
    assert spec.model("sd15").slots == 3
    assert spec.model("sd15").rent_price_cents == 300  # from the built-in catalog
    assert [p.per_hour for p in spec.arrivals.rate] == [10, 40]
    assert spec.arrivals.content == (("image", 1.0),)


def test_units():
    assert parse_duration("2h30m") == 9_000_000
    assert parse_duration("90s") == 90_000
    assert parse_duration("1.5h") == 5_400_000
    assert parse_money("0.50") == 50 and parse_money("12") == 1200
    for bad in ("5 minutes", "", "h"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    for bad in ("0.505", "abc", 0.5):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_all_problems_reported_together_with_lines_and_did_you_mean():
    text = GOOD.replace("slots = 3", 'slots = "three"\nslotz = 4').replace('duration = "2h30m"', 'duration = 5')
    found = problems(text)
    by_key = {p.path: p for p in found}
    assert set(by_key) == {"level.duration", "models.sd15.slots", "models.sd15.slotz"}
    assert by_key["models.sd15.slotz"].line == 9 and "did you mean 'slots'" in by_key["models.sd15.slotz"].expected
    assert by_key["models.sd15.slots"].found == "string 'three'"
    assert by_key["level.duration"].line == 5 and "duration string" in by_key["level.duration"].expected
    assert all(str(p).startswith("bad.toml:") for p in found)


def test_unknown_model_and_content_type_and_out_of_range():
    text = GOOD.replace("[models.sd15]", "[models.sd16]") + "content = { imag = 1.0 }\npriority_share = 1.5\n"
    messages = [str(p) for p in problems(text)]
    assert any("unknown model 'sd16'" in m and "did you mean 'sd15'" in m for m in messages)
    assert any("priority_share" in m and "from 0.0 to 1.0" in m for m in messages)


def test_toml_syntax_error_names_the_line():
    (problem,) = problems(GOOD.replace("[models.sd15]", "[models.sd15"))
    assert problem.line == 7 and problem.expected == "valid TOML"


def test_overrides_pass_the_same_validation():
    spec = parse_level(GOOD, "tiny.toml", ["models.sd15.slots=7", "arrivals.rate=99"])
    assert spec.model("sd15").slots == 7 and spec.arrivals.rate[0].per_hour == 99
    (problem,) = problems(GOOD, ["models.sd15.slots=-1"])
    assert problem.path == "models.sd15.slots" and "(from --set)" in problem.found


def test_goals_are_checked_against_the_summary():
    text = GOOD + '[[goals]]\nmetric = "overall.sla_shar"\nat_least = [0.5, 0.7, 0.9]\n'
    (problem,) = problems(text)
    assert problem.path == "goals.0.metric" and "did you mean 'overall.sla_share'" in problem.expected
    ok = parse_level(GOOD + '[[goals]]\nmetric = "money.profit_cents"\nat_least = ["1.00", "2.00", "3.00"]\n', "g")
    assert ok.goals[0].stars == (100.0, 200.0, 300.0)


def test_missing_file_is_a_level_error(tmp_path):
    with pytest.raises(LevelError) as info:
        load_level(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value)


@pytest.mark.parametrize(("line", "key", "expected"), [
    ('[arrivals]\nbudget = { dist = "uniform", min = "1e309", max = "2.00" }', "arrivals.budget.min",
     "money string from"),
    ('[arrivals]\nbudget = { dist = "fixed", value = "1e999999999" }', "arrivals.budget.value", "money string from"),
    ("[arrivals]\npriority_share = nan", "arrivals.priority_share", "finite number"),
    ("[prompt]\nmultiplier = inf", "prompt.multiplier", "finite number"),
    ("[prompt]\nmultiplier = 99999999999999999999999999999999999999", "prompt.multiplier", "from 0.0 to 100.0"),
    ("[prompt]\nmultiplier = " + "9" * 400, "prompt.multiplier", "finite number"),
    ("[models.sd15]\nmax_extra = 9223372036854775807", "models.sd15.max_extra", "from 0 to 500"),
    ('[models.sd15]\nlead_time = "99999999999h"', "models.sd15.lead_time", "at most 366d"),
    ('[arrivals]\ntasks = { dist = "fixed", value = 1000000 }', "arrivals.tasks.value", "from 0 to 100"),
    ("--set arrivals.rate=1e308", "arrivals.rate", "from 0.0 to 5000000.0"),
    ("--set arrivals.rate=-5", "arrivals.rate", "from 0.0 to 5000000.0"),
    ("--set arrivals.rate.0.per_hour=inf", "arrivals.rate.0.per_hour", "finite number"),
    ('[arrivals]\ncontent = { image = 1e300 }', "arrivals.content.image", "from 0.0 to 1000000.0"),
    ('[tiers]\nL1 = 100000', "tiers.L1", "from 1 to 1000"),
    ('[[events]]\nkind = "spike"\nat = "1h"\nduration = "1h"\nfactor = 100.0\n'
     "--set arrivals.rate=50001", "events.0.factor", "at most 5e+06"),
    ('[[goals]]\nmetric = "money.profit_cents"\nat_least = ["1.00", "2.00", "1e309"]', "goals.0.at_least",
     "money string from"),
    ('[[goals]]\nmetric = "overall.sla_share"\nat_least = [0.5, 0.7, nan]', "goals.0.at_least", "finite number"),
])
def test_absurd_and_non_finite_values_are_named_problems(line, key, expected):
    line, _, override = line.partition("--set ")
    table = line.partition("\n")[0]
    text = GOOD.replace(table, line, 1) if table and table in GOOD else GOOD + f"\n{line}\n"
    found = problems(text, [override] if override else [])
    assert found[0].path == key, found
    assert expected in found[0].expected, found[0]


def test_the_limits_hold_at_their_edge():
    overrides = ["arrivals.rate.1.per_hour=10000", 'models.sd15.lead_time="366d"', 'level.start_cash="-1000000000.00"']
    spec = parse_level(GOOD, "edge.toml", overrides)
    assert spec.arrivals.rate[-1].per_hour == 10_000
    assert spec.model("sd15").lead_time_ms == 366 * 24 * HOUR and spec.start_cash_cents == -100_000_000_000
