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


# ---------------------------------------------------------------------------- from the mutmut sample on loader.py
@pytest.mark.parametrize(("extra", "problem"), [
    ('[content.gold]\nprice = "1.00"\n',
     ("content.gold", "a known content type", "unknown content type 'gold'")),
    ('[models.dall-e]\nslots = 2\n',
     ("models.dall-e", "a known model or a new model with content, slots and service", "unknown model 'dall-e'")),
    ('[models.sd15b]\ncontent = []\nslots = 1\nservice = { dist = "fixed", value = "5m" }\n',
     ("models.sd15b.content", "a non-empty array of content type ids", "[]")),
    ('[[events]]\nkind = "outage"\nat = "1h"\nduration = "5m"\nmodel = "sd16"\nslots = 1\n',
     ("events.0.model", "a model of this level (did you mean 'sd15'?)", "'sd16'")),
    ('[[events]]\nkind = "price"\nat = "1h"\ncontent = "imag"\nprice = "1.00"\n',
     ("events.0.content", "a content type (did you mean 'image'?)", "'imag'")),
    ('[[goals]]\nmetric = "overall.sla_share"\n',
     ("goals.0.at_least", "exactly one of at_least or at_most: three star thresholds", "neither")),
    ('[[goals]]\nmetric = "overall.sla_share"\nat_least = [0.1, 0.2, 0.3]\nat_most = [0.3, 0.2, 0.1]\n',
     ("goals.0.at_least", "exactly one of at_least or at_most: three star thresholds", "both")),
    ('[[goals]]\nmetric = "overall.sla_shar"\nat_least = [0.1, 0.2, 0.3]\n',
     ("goals.0.metric", "a summary metric (did you mean 'overall.sla_share'?)", "'overall.sla_shar'")),
    ('[[goals]]\nmetric = "money.profit_cents"\nat_least = ["1.00", "2.00", true]\n',
     ("goals.0.at_least", 'a finite number or a money string like "50.00"', "True")),
    ('[[goals]]\nmetric = "overall.sla_share"\nat_least = [0.1, 0.2, "x"]\n',
     ("goals.0.at_least", "a finite number", "'x'")),
])
def test_each_bad_table_is_a_named_problem(extra, problem):
    """Each mistake is reported at its key, with what was expected and what was found."""
    found = problems(BASE + extra)
    assert [(path, expected, found_text) for path, expected, found_text, _line in found] == [problem]


def test_a_rate_that_is_neither_a_number_nor_pieces_is_named():
    """`rate` must be customers per hour or a list of pieces."""
    found = problems(BASE.replace('rate = [{ from = "0h", per_hour = 10 }, { from = "1h", per_hour = 40 }]',
                                  'rate = "lots"'))
    assert found[0][:3] == ("arrivals.rate", 'customers per hour, or an array of { from = "0h", per_hour = 100 }',
                            "'lots'")


def test_an_unknown_weight_key_names_what_is_allowed():
    """A weight for a tier the level does not have is named as an unknown tier."""
    found = problems(BASE + 'tiers = { L1 = 1, L7 = 1 }\n')
    assert found[0][:3] == ("arrivals.tiers.L7", "a tier", "unknown 'L7'")


@pytest.mark.parametrize("override", ["models.sd15.slots", "=5"])
def test_an_override_without_key_or_value_is_named(override):
    """`--set` needs key.path=value: a missing `=` or key is a problem naming the override as given."""
    found = problems(BASE, [override])
    assert found == [(override.partition("=")[0].strip(), "an override like key.path=value", repr(override), None)]


def test_the_levels_queue_table_reaches_the_spec():
    """`[queue] aging` set in the file is the spec's (not the default)."""
    spec = parse_level(BASE + '[queue]\naging = "7m"\n', "ok.toml")
    assert spec.queue.aging_ms == 7 * 60_000


def test_the_autopilots_star_cap_is_a_goal_on_its_minutes():
    """`star_cap = 2`: any minute of the auto-manager costs the third star; the other thresholds are the whole run."""
    from factory_game.level.loader import autopilot_star_cap_goal

    goal = autopilot_star_cap_goal(2, 150 * 60_000 + 30_000)  # 2 h 30 min 30 s: 150 whole minutes
    assert (goal.metric, goal.at_least, goal.stars, goal.warn) == ("manager.autopilot_minutes", False,
                                                                   (150.0, 150.0, 0.0), 0.0)
    assert autopilot_star_cap_goal(0, 60 * 60_000).stars == (0.0, 0.0, 0.0)
    assert autopilot_star_cap_goal(1, 60 * 60_000).stars == (60.0, 0.0, 0.0)


def test_a_file_read_from_disk_names_its_path_in_each_problem(tmp_path):
    """load_level reports the file's path with each problem."""
    from factory_game.level import load_level

    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace("slots = 3", "slots = -1"), encoding="utf-8")
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert [(p.file, p.path) for p in info.value.problems] == [(str(path), "models.sd15.slots")]


def test_events_and_goals_keep_what_the_file_says():
    """A spike, an outage and a price event load with their kinds; a goal keeps its direction; a content price
    override reaches the spec."""
    text = BASE + ('[content.image]\nprice = "0.70"\n'
                   '[[events]]\nkind = "spike"\nat = "1h"\nduration = "10m"\nfactor = 2.0\n'
                   '[[events]]\nkind = "outage"\nat = "1h"\nduration = "5m"\nmodel = "sd15"\nslots = 1\n'
                   '[[events]]\nkind = "price"\nat = "1h"\ncontent = "image"\nprice = "1.00"\n'
                   '[[goals]]\nmetric = "overall.sla_share"\nat_least = [0.5, 0.7, 0.9]\n')
    spec = parse_level(text, "ok.toml")
    assert [e.kind for e in spec.events] == ["spike", "outage", "price"]
    assert spec.events[2].price_cents == 100 and spec.content[0].price_cents == 70
    assert [(g.metric, g.at_least) for g in spec.goals] == [("overall.sla_share", True)]


def test_an_event_missing_a_key_of_its_kind_is_a_problem():
    """An outage needs its slots (and every kind its own keys)."""
    found = problems(BASE + '[[events]]\nkind = "outage"\nat = "1h"\nduration = "5m"\nmodel = "sd15"\n')
    assert [path for path, *_rest in found] == ["events.0.slots"]


def test_a_content_weight_for_content_no_model_serves_is_named():
    """Arrivals may only ask for content a model of the level serves."""
    found = problems(BASE + 'content = { video = 1.0 }\n')
    assert found[0][:3] == ("arrivals.content.video", "a content type served by a model of this level",
                            "unknown 'video'")


@pytest.mark.parametrize(("mods", "expected"), [
    ('["surge-pricing"]', [("level.mods", "a level without mods (a level with mods opens through "
                            "factory_game.plugins.prepare_level)", "surge-pricing")]),
    ('[{ id = "surge-pricing", settings = { share = 0.5 } }]',
     [("level.mods", "a level without mods (a level with mods opens through factory_game.plugins.prepare_level)",
       "surge-pricing")]),
    ('[5]', [("level.mods.0", 'a mod id or { id = "...", version = ">=1.0", settings = { ... } }', "5")]),
])
def test_a_level_naming_mods_is_read_through_the_plugin_layer(mods, expected):
    """parse_level without the plugin layer names the mods it cannot open (settings are the door's to read)."""
    text = BASE.replace('duration = "2h"', f'duration = "2h"\nmods = {mods}')
    assert [(p, e, f) for p, e, f, _line in problems(text)] == expected


def test_a_problem_from_set_still_names_the_level_file():
    """A `--set` problem names the level file it was applied to (and no line)."""
    with pytest.raises(LevelError) as info:
        parse_level(BASE, "tiny.toml", ["models.sd15={slots=-1}"])
    assert [(p.file, p.line) for p in info.value.problems] == [("tiny.toml", None)]


@pytest.mark.parametrize("stars", ['"easy"', "[1, 2]", "[1, 2, 3, 4]"])
def test_a_goal_needs_exactly_three_thresholds(stars):
    """`at_least`/`at_most` must be a list of three thresholds, named at the goal's key."""
    goal = f'\n[[goals]]\nmetric = "overall.completed"\nat_least = {stars}\n'
    assert problems(BASE + goal) == [("goals.0.at_least", "three thresholds, for one, two and three stars",
                                      stars.replace('"', "'"), 19)]


def test_the_auto_managers_star_cap_is_a_goal_on_its_minutes_labelled_in_both_languages():
    """`star_cap = 2`: a goal of at most 0 minutes on for the third star (the others the level's length), warning
    from the first minute, with its English and Chinese labels."""
    spec = parse_level(BASE + "\n[autopilot]\nstar_cap = 1\n", "tiny.toml")
    goal = spec.goals[-1]
    assert (goal.metric, goal.at_least, goal.stars, goal.warn) == ("manager.autopilot_minutes", False,
                                                                   (120.0, 0.0, 0.0), 0.0)
    assert goal.label == {"en": "Managed without the auto-manager (minutes on)", "zh-CN": "不靠自动经理（开启分钟数）"}


@pytest.mark.parametrize("text, line", [
    ('id = "x"\nname = 1 2\n', 2),  # a message naming only its line
    ('a = 1\nb = [1,\n', None),  # "Invalid value (at end of document)": no line to give
    ("x = 1\ny = 2 z\n", 2),  # tomllib: "Expected newline or end of document ... (at line 2, column 7)"
])
def test_a_toml_syntax_error_names_its_line(text, line):
    """A level that is not TOML is one problem at the line tomllib names (even when its message says "newline"
    first), or none when it names none."""
    with pytest.raises(LevelError) as info:
        parse_level(text, "bad.toml")
    assert [p.line for p in info.value.problems] == [line]


BURST = '\n[arrivals.burst]\nstart = {start}\nstates = [{{ factor = 1.0, stay = "10s", next = [1, 0] }}, ' \
        '{{ factor = 2.0, stay = "10s", next = [0, 1] }}]\n'


def test_burst_weights_may_be_as_large_as_a_billion_and_no_larger():
    """A burst table's weights are numbers from 0 to 1e9, one per state; past that, a problem at the table's key."""
    spec = parse_level(BASE + BURST.format(start="[1e9, 0]"), "ok.toml")
    assert spec.arrivals.burst.start == (1e9, 0.0)
    assert problems(BASE + BURST.format(start="[1000000001.0, 0]")) == [
        ("arrivals.burst.start", "2 weights of at least 0, one per state", "an array", 18)]


def test_a_toml_syntax_error_past_line_nine_names_its_whole_line_number():
    """Line numbers of two digits and more are read whole."""
    with pytest.raises(LevelError) as info:
        parse_level("\n" * 11 + "x = 1 2\n", "bad.toml")
    assert [p.line for p in info.value.problems] == [12]


def test_incidents_rates_must_be_a_table_and_may_be_left_out():
    """`[incidents]` without `rates` has none; `rates` that is not a table is a problem at its key."""
    assert parse_level(BASE + '\n[incidents]\ngap = "5m"\n', "ok.toml").incidents.rates == ()
    assert problems(BASE + "\n[incidents]\nrates = 5\n") == [
        ("incidents.rates", "a table of incident kinds to onsets per hour, like { rush_batch = 0.5 }", "5", 18)]


@pytest.mark.parametrize("rates, problem", [
    ("{ rush_bach = 1 }", ("incidents.rates.rush_bach", "an incident kind (did you mean 'rush_batch'?)",
                           "'rush_bach'", 18)),
    ("{ rush_batch = 61 }", ("incidents.rates.rush_batch", "onsets per hour from 0 to 60", "61", 18)),
    ("{ rush_batch = -1 }", ("incidents.rates.rush_batch", "onsets per hour from 0 to 60", "-1", 18)),
    ("{ rush_batch = true }", ("incidents.rates.rush_batch", "onsets per hour from 0 to 60", "True", 18)),
    ('{ rush_batch = "1" }', ("incidents.rates.rush_batch", "onsets per hour from 0 to 60", "'1'", 18)),
])
def test_an_incident_rate_names_a_known_kind_and_at_most_sixty_onsets_an_hour(rates, problem):
    """Each `[incidents] rates` entry: a known kind (with a did-you-mean) and a number of onsets per hour in [0, 60]."""
    assert problems(BASE + f"\n[incidents]\nrates = {rates}\n") == [problem]


def test_incident_rates_at_their_edges_are_read_in_order():
    """0 and 60 onsets per hour are allowed; the rates keep the file's order."""
    spec = parse_level(BASE + "\n[incidents]\nrates = { viral_spike = 60, rush_batch = 0 }\n", "ok.toml")
    assert spec.incidents.rates == (("viral_spike", 60.0), ("rush_batch", 0.0))


def test_a_level_may_name_a_model_of_the_catalog_it_is_parsed_against():
    """`parse_level(..., catalog=)`: a model a mod registered is known to that level, and only with that catalog."""
    from dataclasses import replace

    from factory_game.builtin import builtin_catalog

    catalog = builtin_catalog()
    catalog.add_model(replace(catalog.models["sd15"], id="pix-turbo"), "mod pix 1.0")
    text = BASE.replace("[models.sd15]", "[models.pix-turbo]")
    assert parse_level(text, "mod.toml", catalog=catalog).model("pix-turbo").slots == 3
    with pytest.raises(LevelError):
        parse_level(text, "mod.toml")
