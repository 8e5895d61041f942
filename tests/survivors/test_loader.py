"""The level loader's validation branches (issue 21's loader survivors): each bad level is a named problem with its
key and line, never silently accepted and never a traceback. Through `parse_level` and the CLI's `--set`."""

from __future__ import annotations

import pytest

from factory_game.level import LevelError, parse_level

BASE = """
[level]
id = "tiny"
title = { en = "Tiny", zh-CN = "小关卡" }
duration = "2h"

[tiers]
L1 = 1
L2 = 2

[models.sd15]
slots = 3

[arrivals]
rate = [{ from = "0h", per_hour = 10 }, { from = "1h", per_hour = 40 }]
"""


def problems(text, overrides=()):
    with pytest.raises(LevelError) as info:
        parse_level(text, "bad.toml", overrides)
    return [(p.path, p.expected, p.found, p.line) for p in info.value.problems]


def test_the_base_level_loads():
    """The levels below differ from this one in one place each."""
    assert parse_level(BASE, "tiny.toml").model("sd15").slots == 3


def test_two_rate_pieces_from_the_same_time_are_a_problem():
    """Two rate pieces with the same `from` are refused: which rate holds at 1h would be ambiguous."""
    text = BASE.replace('{ from = "0h", per_hour = 10 }', '{ from = "1h", per_hour = 10 }')
    assert problems(text) == [("arrivals.rate", "pieces in increasing order of `from`", "[3600000, 3600000]", 15)]


def test_a_weight_table_of_zeros_is_a_problem():
    """`tiers = { L1 = 0, L2 = 0 }`: nobody could ever arrive; at least one weight must be above zero."""
    text = BASE + "tiers = { L1 = 0, L2 = 0 }\n"
    assert problems(text) == [("arrivals.tiers", "at least one weight above zero", "none", 16)]
    zero_and_one = parse_level(BASE + "tiers = { L1 = 0, L2 = 1 }\n", "ok.toml")
    assert zero_and_one.arrivals.tiers == (("L2", 1.0),)  # a zero weight is simply never drawn


def test_a_levers_list_with_one_unknown_lever_is_a_problem():
    """One misspelt lever among known ones is named, not ignored."""
    found = problems(BASE + '[market]\nlevers = ["price", "pirce"]\n')
    assert [(path, found_text) for path, _e, found_text, _l in found] == [("market.levers", "['price', 'pirce']")]
    assert found[0][1].startswith("a list of levers from price, priority")


def test_at_most_thresholds_must_get_harder_from_one_star_to_three():
    """For an `at_most` goal the three thresholds fall; rising ones are a problem (at_least: the other way)."""
    goal = '[[goals]]\nmetric = "overall.wait_p99_ms"\n{}\n'
    assert problems(BASE + goal.format("at_most = [0.1, 0.2, 0.3]")) == [
        ("goals.0.at_most", "thresholds from one star to three (harder each time)", "[0.1, 0.2, 0.3]", 18)]
    assert problems(BASE + goal.format("at_least = [0.3, 0.2, 0.1]"))[0][0] == "goals.0.at_least"
    spec = parse_level(BASE + goal.format("at_most = [0.3, 0.2, 0.1]"), "ok.toml")
    assert spec.goals[0].stars == (0.3, 0.2, 0.1) and not spec.goals[0].at_least


def test_an_outage_may_take_every_contracted_slot_and_no_more():
    """An outage of exactly the model's contracted slots is allowed; one more is a problem."""
    outage = '[[events]]\nkind = "outage"\nat = "1h"\nduration = "10m"\nmodel = "sd15"\nslots = {}\n'
    spec = parse_level(BASE + outage.format(3), "ok.toml")
    assert spec.events[0].slots == 3
    assert problems(BASE + outage.format(4)) == [
        ("events.0.slots", "at most the 3 contracted slots of sd15", "4", 21)]


def test_a_problem_under_a_table_set_from_the_command_line_says_so():
    """`--set models.sd15={slots=-1}`: the bad slot count is marked as coming from --set, not given a file line."""
    found = problems(BASE, ["models.sd15={slots=-1}"])
    assert len(found) == 1
    path, _expected, found_text, line = found[0]
    assert path == "models.sd15.slots" and found_text.endswith("(from --set)") and line is None
    in_file = problems(BASE.replace("slots = 3", "slots = -1"))
    assert in_file[0][0] == "models.sd15.slots" and in_file[0][3] == 12 and "(from --set)" not in in_file[0][2]


@pytest.mark.parametrize("override", ["arrivals.rate.2.per_hour=5", "arrivals.rate.9.per_hour=5",
                                      "level.duration.x=1"])
def test_a_set_path_past_an_array_or_through_a_value_is_a_problem_not_a_traceback(override):
    """`--set` through an array index that does not exist, or through a plain value, is a named problem."""
    found = problems(BASE, [override])
    assert found == [(override.partition("=")[0], "a path through tables", f"--set {override}", None)]
    ok = parse_level(BASE, "ok.toml", ["arrivals.rate.1.per_hour=5"])
    assert [p.per_hour for p in ok.arrivals.rate] == [10, 5]
