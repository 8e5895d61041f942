"""The level package's answers, pinned where a random sample of its mutants survived
(bench/results/mutation-2026-12-06-level-sample-2.md): required tables, every bad event reported, the words of
each refusal, line numbers of arrays of tables, a distribution read from TOML equal to one built in code."""

from __future__ import annotations

import pytest

from factory_game.level import LevelError, load_level, parse_level
from factory_game.level.errors import key_lines
from factory_game.level.trace import _Converter
from factory_game.level.units import parse_duration
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import RatePiece
from factory_game.trace.reader import Row

from .test_loader import BASE, BURST, problems


@pytest.mark.parametrize("table", ["level", "arrivals"])
def test_a_level_without_its_level_or_arrivals_table_is_refused_naming_it(table):
    text = BASE.replace(f"[{table}]", "[unused]")
    found = problems(text)
    assert (table, "a table", "nothing (the key is missing)") in [f[:3] for f in found]


BAD_EVENTS = ['kind = "outage"\nat = "1h"\nduration = "10m"\nmodel = "sd15"', 'kind = "outage"\nat = "1h"\n'
              'duration = "10m"\nmodel = "ghost"\nslots = 1', 'kind = "outage"\nat = "1h"\nduration = "10m"\n'
              'model = "sd15"\nslots = 9', 'kind = "spike"\nat = "1h"\nduration = "10m"\nfactor = 100',
              'kind = "price"\nat = "1h"\ncontent = "ghost"\nprice = "1.00"', 'kind = "outage"\nat = "1h"\n'
              'duration = "10m"\nmodel = "ghost"\nslots = 1']


def test_every_bad_event_is_reported_not_only_the_first():
    """Six bad events, each of another kind of mistake: each is reported, in order (none stops the reading)."""
    busy = BASE.replace("per_hour = 40", "per_hour = 60000")  # a spike of x100 would pass 5 million an hour
    text = busy + "".join(f"\n[[events]]\n{event}\n" for event in BAD_EVENTS)
    found = [path for path, _expected, _found, _line in problems(text)]
    assert found == ["events.0.slots", "events.1.model", "events.2.slots", "events.3.factor", "events.4.content",
                     "events.5.model"]
    missing = problems(BASE + f"\n[[events]]\n{BAD_EVENTS[0]}\n")
    assert [f[:3] for f in missing] == [("events.0.slots", "an integer from 1 to 500", "nothing (the key is missing)")]


def test_a_mods_incident_kind_needs_the_mod_in_the_levels_mods():
    found = problems(BASE + '\n[incidents]\nrates = { "trends/influencer" = 1 }\n')
    assert ("incidents.rates.trends/influencer", "an incident kind of a mod this level uses; mod 'trends' is not in "
            "its `mods` (add it there)", "'trends/influencer'") in [f[:3] for f in found]


def test_a_folder_given_as_a_level_is_named_as_a_folder(tmp_path):
    with pytest.raises(LevelError) as info:
        load_level(tmp_path)
    (problem,) = info.value.problems
    assert (problem.file, problem.path, problem.expected, problem.found) == (
        str(tmp_path), "", "a readable level file", "a folder")


def test_an_all_zero_burst_start_is_refused_in_words():
    found = problems(BASE + BURST.format(start="[0, 0]"))
    assert ("arrivals.burst.start", "at least one probability above 0", "all 0") in [f[:3] for f in found]


def test_the_second_and_third_array_tables_get_their_own_lines_and_a_table_defines_its_parents():
    text = '[models.sd15]\nslots = 3\n[[events]]\nkind = "a"\n[[events]]\nkind = "b"\n[[events]]\nkind = "c"\n'
    lines = key_lines(text)
    assert (lines["models"], lines["models.sd15"], lines["models.sd15.slots"]) == (1, 1, 2)
    assert [lines[f"events.{i}"] for i in range(3)] == [3, 5, 7]
    assert lines["events.2.kind"] == 8


def test_a_distribution_read_from_a_level_equals_the_one_built_in_code():
    """`{ dist = "exponential", mean = "1h" }` is Dist.exponential(1h), with no coefficient of variation."""
    spec = parse_level(BASE + 'return_probability = 0.5\nreturn_after = { dist = "exponential", mean = "1h" }\n',
                       "ok.toml")
    assert spec.arrivals.return_after == Dist.exponential(HOUR)


@pytest.mark.parametrize(("line", "key", "expected", "found"), [
    ('return_after = { dist = "exponential", mean = "0s" }', "arrivals.return_after.mean", "a mean above zero",
     "string '0s'"),
    ('budget = { dist = "fixed" }', "arrivals.budget.value", 'a money string like "0.50"',
     "nothing (the key is missing)"),
    ("priority_share = 2", "arrivals.priority_share", "a number from 0.0 to 1.0", "integer 2"),
])
def test_each_kind_of_value_says_what_it_expected(line, key, expected, found):
    assert (key, expected, found) in [f[:3] for f in problems(BASE + line + "\n")]


def test_texts_that_are_not_strings_by_language_are_refused_in_words():
    text = BASE.replace('title = { en = "Tiny", zh-CN = "小关卡" }', 'title = { en = 1, zh-CN = "小关卡" }')
    assert ("level.title", 'a table of strings by language, like { en = "...", zh-CN = "..." }') in \
        [f[:2] for f in problems(text)]


def test_a_batched_models_output_tokens_are_at_least_one():
    text = BASE + ('\n[models.sd15.batching]\nmax_batch = 8\noutput_tokens = { dist = "fixed", value = 0 }\n'
                   'decode = { batch_size = [1, 8], ms = [10.0, 12.0] }\n'
                   'prefill = { num_tokens = [128, 1024], ms = [10.0, 60.0] }\n')
    found = [f[:2] for f in problems(text)]
    assert any(path == "models.sd15.batching.output_tokens.value" and "from 1" in expected
               for path, expected in found), found


def test_a_trace_throughput_for_a_model_the_level_lacks_is_named_at_its_key():
    text = BASE + '\n[trace]\nfile = "log.csv"\n[trace.throughput.ghost]\ntokens_per_s = 10\n'
    found = [f[:3] for f in problems(text)]
    assert ("trace.throughput.ghost", "a model of this level (sd15)", "unknown model 'ghost'") in found, found


def test_a_logged_request_for_a_batched_model_keeps_its_content_and_priority():
    converter = _Converter("log.csv", 100.0, {"L1"}, {"text": "llm"}, {"llm": "text"}, {}, batched={"llm"})
    arrival = converter(Row(3, 101.0, tier="L1", content="text", priority=True, prompt_tokens=50, output_tokens=7))
    assert (arrival.at_ms, arrival.tier, arrival.content, arrival.priority, arrival.service_ms, arrival.tokens) == (
        1000, "L1", "text", True, None, (50, 7))


def test_a_duration_may_have_spaces_and_a_bad_one_says_what_was_expected():
    assert parse_duration("2h 30m") == 2 * HOUR + 30 * MINUTE
    with pytest.raises(ValueError, match='a duration string like "5m", "2h30m" or "90s"'):
        parse_duration("soon")


BATCHED = BASE + ('\n[models.sd15.batching]\nmax_batch = 1\n'
                  'decode = { batch_size = [1], ms = [10.0] }\n'
                  'prefill = { num_tokens = [128, 1024], ms = [10.0, 60.0] }\n')


def test_a_one_point_profile_is_enough_and_a_missing_or_bad_one_is_named():
    assert parse_level(BATCHED, "ok.toml").model("sd15").batching.decode.points == ((1, 10.0),)
    missing = problems(BATCHED.replace("decode = { batch_size = [1], ms = [10.0] }\n", ""))
    assert ("models.sd15.batching.decode", "a table", "nothing (the key is missing)") in [f[:3] for f in missing]
    bad = problems(BATCHED.replace("batch_size = [1]", 'batch_size = "one"'))
    assert ("models.sd15.batching.decode.batch_size", "an array of 1 to 1000 whole numbers from 1 to 10000000",
            "string 'one'") in [f[:3] for f in bad], bad


# ------------------------------------------------------------------------- a third sample (level-sample-3, seed 13)
TWO_MODELS = BASE + '\n[models.video-gen]\nslots = 2\n'
TRACE = '\n[trace]\nfile = "log.csv"\ncolumns = { tier = "tier", model = "model" }\n'


def _traced(tmp_path, extra="", log="timestamp,tier,model\n1.0,L1,sd15\n2.0,L2,video-gen\n"):
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    level = tmp_path / "level.toml"
    level.write_text(TWO_MODELS + TRACE + extra, encoding="utf-8")
    return level


def _problems_of(path):
    with pytest.raises(LevelError) as info:
        load_level(path)
    return [(p.path, p.expected, p.found) for p in info.value.problems]


def test_a_plain_trace_starts_at_zero_reads_its_timestamp_column_and_maps_models_to_their_content(tmp_path):
    spec = load_level(_traced(tmp_path))
    arrivals = list(spec.trace.open())
    assert [(a.at_ms, a.tier, a.content) for a in arrivals] == [(1000, "L1", "image"), (2000, "L2", "video")]


@pytest.mark.parametrize(("extra", "key", "expected"), [
    ('start = "yesterday"\n', "trace.start", "the log time at the level's 0: an ISO date-time or seconds"),
    ("skip_bad = -1\n", "trace.skip_bad", "an integer from 0 to 1000000"),
    ("[trace.throughput.sd15]\nprompt_tokens_per_s = 10\noutput_tokens_per_s = 0\n",
     "trace.throughput.sd15.output_tokens_per_s", "a number from 0.001 to 1000000000.0"),
    ("[trace.throughput.ghost]\nprompt_tokens_per_s = 10\noutput_tokens_per_s = 1\n",
     "trace.throughput.ghost", "a model of this level (sd15, video-gen)"),
])
def test_each_trace_key_says_what_it_expected(tmp_path, extra, key, expected):
    assert key in {path for path, _e, _f in _problems_of(_traced(tmp_path, extra))}
    assert (key, expected) in {(path, e) for path, e, _f in _problems_of(_traced(tmp_path, extra))}


def test_a_bad_first_row_is_named_with_the_log_file_and_its_line(tmp_path):
    found = _problems_of(_traced(tmp_path, log="timestamp,tier,model\n1.0,L9,sd15\n"))
    (problem,) = found
    assert problem[0] == "trace.file" and f"{tmp_path / 'log.csv'}:2: [tier]" in problem[1], problem


@pytest.mark.parametrize(("text", "key", "expected"), [
    (BASE.replace("slots = 3", 'slots = 3\ncontent = ["ghost"]'), "models.sd15.content", "known content types"),
    (BASE.replace('rent_price', 'rent_price') + '\n[models.sd15.x]\n', "models.sd15.x", "a known key"),
    (BASE.replace("slots = 3", 'slots = 3\nrent_price = "-1.00"'), "models.sd15.rent_price",
     'a money string that is not negative, like "0.50"'),
    (BASE + 'priority_share = "x"\n', "arrivals.priority_share", "a finite number from 0.0 to 1.0"),
    (BASE.replace('duration = "2h"', 'duration = "2h"\nmods = [{ id = "x", verison = "1" }]'),
     "level.mods.0.verison", "a known key (did you mean 'version'?)"),
])
def test_a_bad_value_is_named_at_its_own_key(text, key, expected):
    assert any(path == key and found_expected.startswith(expected)
               for path, found_expected, _f, _l in problems(text)), problems(text)


def test_a_toml_syntax_error_names_the_file():
    with pytest.raises(LevelError) as info:
        parse_level("x = 1 2\n", "bad.toml")
    assert [(p.file, p.path, p.expected, p.line) for p in info.value.problems] == [("bad.toml", "", "valid TOML", 1)]


def test_a_profile_axis_out_of_order_is_named():
    found = problems(BATCHED.replace("prompt_tokens = [128, 1024]", "").replace(
        "num_tokens = [128, 1024]", "num_tokens = [1024, 128]"))
    assert ("models.sd15.batching.prefill.num_tokens", "strictly increasing values", "[1024, 128]") in \
        [f[:3] for f in found]


def test_range_words_with_one_bound_or_both():
    from factory_game.level.reader import _range_text

    assert _range_text("a number", 1, None) == "a number of at least 1"
    assert _range_text("a number", None, 5) == "a number of at most 5"
    assert _range_text("a number", 1, 5) == "a number from 1 to 5"


def test_a_duration_with_a_gap_between_its_parts_is_refused():
    for text in ("5mx5m", "5m x"):
        with pytest.raises(ValueError, match="a duration string"):
            parse_duration(text)


# ------------------------------------------------------------------ every level problem's words (a class test)
G = '\n[[goals]]\nmetric = "money.profit_cents"\n'
PROBLEMS = [
    (BASE.replace('duration = "2h"', 'duration = "2h"\nmods = [5]'),
     ('level.mods.0', 'a mod id or { id = "...", version = ">=1.0", settings = { ... } }', '5')),
    (BASE + '\n[tier_traits.L9]\nlateness = 2\n',
     ('tier_traits.L9', 'a tier of this level (L1, L2)', "unknown tier 'L9'")),
    (BASE + '\n[content.ghost]\nprice = "1.00"\n',
     ('content.ghost', 'a known content type', "unknown content type 'ghost'")),
    (BASE + '\n[models.ghost-gen]\nslots = 1\n',
     ('models.ghost-gen', 'a known model or a new model with content, slots and service', "unknown model 'ghost-gen'")),
    (BASE.replace("slots = 3", "slots = 3\ncontent = []"),
     ('models.sd15.content', 'a non-empty array of content type ids', '[]')),
    (BASE.replace('rate = [{ from = "0h", per_hour = 10 }, { from = "1h", per_hour = 40 }]', 'rate = "lots"'),
     ('arrivals.rate', 'customers per hour, or an array of { from = "0h", per_hour = 100 }', "'lots'")),
    (BASE + 'tiers = { L9 = 1 }\n',
     ('arrivals.tiers.L9', 'a tier', "unknown 'L9'")),
    (BASE + 'content = { ghost = 1 }\n',
     ('arrivals.content.ghost', 'a content type served by a model of this level', "unknown 'ghost'")),
    (BASE + '\n[market]\nlevers = "price"\n',
     ('market.levers', 'a list of levers from price, priority, caps, intake, prompt, contracts', "'price'")),
    (BASE + '\n[incidents]\nrates = { rush_bach = 1 }\n',
     ('incidents.rates.rush_bach', "an incident kind (did you mean 'rush_batch'?)", "'rush_bach'")),
    (BASE + '\n[incidents]\nrates = { rush_batch = 99 }\n',
     ('incidents.rates.rush_batch', 'onsets per hour from 0 to 60', '99')),
    (BASE + G + 'at_least = [1, 2, 3]\nat_most = [3, 2, 1]\n',
     ('goals.0.at_least', 'exactly one of at_least or at_most: three star thresholds', 'both')),
    (BASE + G,
     ('goals.0.at_least', 'exactly one of at_least or at_most: three star thresholds', 'neither')),
    (BASE + G + 'at_least = [1, 2]\n',
     ('goals.0.at_least', 'three thresholds, for one, two and three stars', '[1, 2]')),
    (BASE + G + 'at_least = [3, 2, 1]\n',
     ('goals.0.at_least', 'thresholds from one star to three (harder each time)', '[3, 2, 1]')),
    (BASE + G + 'at_least = ["1.00", "2.005", "3.00"]\n',
     ('goals.0.at_least', 'a money string with at most two decimals, like "0.50"', "'2.005'")),
    (BASE + '\n[[goals]]\nmetric = "overall.satisfaction"\nat_least = [1, "x", 3]\n',
     ('goals.0.at_least', 'a finite number', "'x'")),
    (BASE + G + 'at_least = [1, true, 3]\n',
     ('goals.0.at_least', 'a finite number or a money string like "50.00"', 'True')),
    (BASE + '\n[[goals]]\nmetric = "money.proft_cents"\nat_least = [1, 2, 3]\n',
     ('goals.0.metric', "a summary metric (did you mean 'money.profit_cents'?)", "'money.proft_cents'")),
    (BASE.replace('duration = "2h"', 'duration = "2h"\nmods = "x"'),
     ('level.mods', 'an array', "string 'x'")),
    (BASE + '\n[prompt]\nenabled = "yes"\n',
     ('prompt.enabled', 'true or false', "string 'yes'")),
    (BASE + 'budget = { dist = "normal", mean = "1.00" }\n',
     ('arrivals.budget.dist', "one of 'fixed', 'exponential', 'lognormal', 'uniform' (did you mean 'lognormal'?)",
      "string 'normal'")),
    (BASE.replace('id = "tiny"', 'id = 5'),
     ('level.id', 'a string', 'integer 5')),
    (BASE + '\n[arrivals.burst]\nstart = []\nstates = []\n',
     ('arrivals.burst.states', '1 to 32 states', '0')),
    (BASE + '\n[trace]\nfile = "log.csv"\nformat = "xml"\n',
     ('trace.format', "one of 'csv', 'jsonl'", "string 'xml'")),
]


@pytest.mark.parametrize(("text", "problem"), PROBLEMS)
def test_each_level_problem_says_where_what_was_expected_and_what_was_found(text, problem):
    """The exact words of one problem of each kind the loader reports (a changed word is a changed message)."""
    assert problem in [found[:3] for found in problems(text)]


def test_a_step_time_under_a_millisecond_and_a_zero_minimum_rental_are_allowed():
    batched = BASE + ('\n[models.sd15.batching]\nmax_batch = 1\ndecode = { batch_size = [1], ms = [0.5] }\n'
                      'prefill = { num_tokens = [1], ms = [1.0] }\n')
    assert parse_level(batched, "ok.toml").model("sd15").batching.decode.points == ((1, 0.5),)
    free = parse_level(BASE.replace("slots = 3", 'slots = 3\nmin_rental = "0s"'), "ok.toml")
    assert free.model("sd15").min_rental_ms == 0


# ------------------------------------------------------------- a fifth sample (level-sample-5, seed 19): edges, names
def test_a_new_model_without_names_is_named_by_its_id_in_both_languages():
    text = BASE + '\n[models.newgen]\ncontent = ["image"]\nslots = 1\nservice = { dist = "fixed", value = "1m" }\n'
    assert parse_level(text, "ok.toml").model("newgen").names == {"en": "newgen", "zh-CN": "newgen"}


def test_an_override_deeper_than_three_keys_outside_the_mods_is_an_ordinary_key():
    assert parse_level(BATCHED, "ok.toml", ["models.sd15.batching.max_batch=1"]).model("sd15").batching.max_batch == 1


def test_a_profile_axis_may_reach_its_limit_and_not_pass_it():
    at_limit = BATCHED.replace("num_tokens = [128, 1024]", "num_tokens = [128, 10000000]")
    assert parse_level(at_limit, "ok.toml").model("sd15").batching.prefill.points[-1][0] == 10_000_000
    past = problems(BATCHED.replace("num_tokens = [128, 1024]", "num_tokens = [128, 10000001]"))
    assert "models.sd15.batching.prefill.num_tokens" in [f[0] for f in past]


@pytest.mark.parametrize(("state", "ok"), [("factor = 1000.0", True), ("factor = 1000.5", False),
                                            ("factor = 1.0, batch = 10000.0", True),
                                            ("factor = 1.0, batch = 10000.5", False),
                                            ("factor = 1.0, batch = 0.5", False)])
def test_a_burst_states_factor_and_batch_hold_at_their_edges(state, ok):
    text = BASE + ('\n[arrivals.burst]\nstart = [1, 0]\nstates = [{ ' + state + ', stay = "10s", next = [0, 1] }, '
                   '{ factor = 2.0, stay = "10s", next = [1, 0] }]\n')
    if ok:
        assert parse_level(text, "ok.toml").arrivals.burst is not None
    else:
        assert "arrivals.burst.states.0." in " ".join(f[0] for f in problems(text))


def test_an_array_table_header_defines_its_parents():
    assert key_lines('[[arrivals.burst.states]]\nfactor = 1\n')["arrivals"] == 1


@pytest.mark.parametrize(("line", "problem"), [
    ('budget = { dist = "uniform", min = "2.00", max = "1.00" }',
     ("arrivals.budget.max", "max at least min", "min 200, max 100")),
    ('return_after = { dist = "lognormal", mean = "1h", cv = -1 }',
     ("arrivals.return_after.cv", "a number from 0.0 to 10.0", "integer -1")),
    ('return_after = { dist = "lognormal", mean = "1h" }',
     ("arrivals.return_after.cv", "a number from 0.0 to 10.0", "nothing (the key is missing)")),
])
def test_a_distributions_own_problems_say_what_was_found(line, problem):
    assert problem in [f[:3] for f in problems(BASE + "return_probability = 0.5\n" + line + "\n")]



# --------------------------------------------------------------------- a sixth sample (level-sample-6, seed 23)
def test_a_goals_bad_warning_a_rate_as_one_number_and_a_table_that_is_not_one():
    warned = BASE + '\n[[goals]]\nmetric = "money.profit_cents"\nat_least = [1, 2, 3]\nwarn = "x"\n'
    assert [f[:3] for f in problems(warned)] == [("goals.0.warn", 'a decimal money string like "0.50"', "'x'")]
    steady = BASE.replace('rate = [{ from = "0h", per_hour = 10 }, { from = "1h", per_hour = 40 }]', "rate = 100")
    assert parse_level(steady, "ok.toml").arrivals.rate == (RatePiece(0, 100.0),)
    assert [f[:3] for f in problems(BASE + "tiers = 5\n")] == [("arrivals.tiers", "a table", "integer 5")]


def test_a_set_problem_names_the_level_file():
    with pytest.raises(LevelError) as info:
        parse_level(BASE, "lvl.toml", ["models.sd15.slots=-1"])
    assert [(p.file, p.path, p.found) for p in info.value.problems] == [
        ("lvl.toml", "models.sd15.slots", "integer -1 (from --set)")]


def test_a_mean_of_one_millisecond_is_above_zero():
    text = BASE + 'return_probability = 0.5\nreturn_after = { dist = "exponential", mean = "1ms" }\n'
    assert parse_level(text, "ok.toml").arrivals.return_after == Dist.exponential(1)


# ------------------------------------------------------------------------- a seventh sample (level-sample-7, seed 29)
def test_a_levers_list_keeps_each_lever_once_in_its_order():
    assert parse_level(BASE + '\n[market]\nlevers = ["price", "caps", "price"]\n', "ok.toml").market.levers == (
        "price", "caps")


@pytest.mark.parametrize(("text", "problem"), [
    (BASE.replace("slots = 3", 'slots = 3\ncontent = ["image", "ghost"]'),
     ("models.sd15.content", "known content types", "unknown content type 'ghost'")),
    (BASE.replace("slots = 3", 'slots = "three"'),
     ("models.sd15.slots", "an integer from 0 to 500", "string 'three'")),
    (BASE.replace('title = { en = "Tiny", zh-CN = "小关卡" }\n', ""),
     ("level.title", "a table of texts by language", "nothing (the key is missing)")),
    (BATCHED.replace("ms = [10.0]", 'ms = "fast"'),
     ("models.sd15.batching.decode.ms", "an array of step times in ms, above 0 and at most 3,600,000",
      "string 'fast'")),
    (BATCHED.replace("max_batch = 1", "max_batch = 8").replace("batch_size = [1], ms = [10.0]",
                                                                "batch_size = [1, 2, 4], ms = [10.0, 12.0, 15.0]"),
     ("models.sd15.batching.decode", "a profile that reaches max_batch = 8", "batch sizes up to 4")),
])
def test_more_level_problems_in_their_exact_words(text, problem):
    assert problem in [found[:3] for found in problems(text)]


def test_a_folder_as_a_request_log_is_named_at_the_trace_file_key(tmp_path):
    (tmp_path / "logs").mkdir()
    level = tmp_path / "level.toml"
    level.write_text(TWO_MODELS + TRACE.replace('"log.csv"', '"logs"'), encoding="utf-8")
    with pytest.raises(LevelError) as info:
        load_level(level)
    assert [(p.path, p.expected, p.found) for p in info.value.problems] == [
        ("trace.file", "a request log file", f"{str(tmp_path / 'logs')!r}, which is not a regular file")]


def test_a_level_file_too_large_is_refused_by_its_size(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as out:
        out.truncate(17 * 2**20)  # sparse: 17 MB of nothing
    with pytest.raises(LevelError) as info:
        load_level(big)
    (problem,) = info.value.problems
    assert (problem.expected, problem.found) == ("a readable level file", "17 MB, more than a level's 16 MB")
