"""The mod session's checks of what a hook answers, in the words a modder reads (plugins/session.py's survivors of
the full mutation run): metrics reports, priority-key shapes, event commands, and the shadowed-rule alert."""

from __future__ import annotations

from types import SimpleNamespace

from factory_game.plugins.session import LoadedMod, ModSession, _check_commands, _check_metric_values, _KeyShape
from factory_game.sim.commands import Rent

METRICS = [SimpleNamespace(name="checks"), SimpleNamespace(name="misses")]


def test_a_metrics_report_with_names_missing_or_undeclared_lists_both_in_the_declared_order():
    """Missing names and undeclared ones are each listed, comma-separated, after the declared list."""
    assert _check_metric_values({"checks": 1}, METRICS) == (
        "answered ['checks']; expected exactly the metrics mod.toml declares (checks, misses): missing misses")
    assert _check_metric_values({"checks": 1, "misses": 2, "b": 3, "a": 4}, METRICS) == (
        "answered ['a', 'b', 'checks', 'misses']; expected exactly the metrics mod.toml declares (checks, misses)"
        "; not declared: a, b")
    assert _check_metric_values({"x": 1}, METRICS) == (
        "answered ['x']; expected exactly the metrics mod.toml declares (checks, misses): missing checks, misses"
        "; not declared: x")


def test_a_metric_that_is_not_a_finite_number_is_named_with_a_hint_only_for_a_bool():
    """A bool gets the int(...) hint; a string or NaN gets the plain expectation; finite numbers pass."""
    assert _check_metric_values({"checks": True, "misses": 1}, METRICS) == (
        "answered checks = True (a bool is not a number: use int(...)); expected a finite number (int or float)")
    assert _check_metric_values({"checks": 1, "misses": "2"}, METRICS) == (
        "answered misses = '2'; expected a finite number (int or float)")
    assert _check_metric_values({"checks": 1, "misses": 2.5}, METRICS) is None


def test_a_priority_key_of_another_length_is_named_with_where_the_first_key_came_from():
    """The first key fixes the length; a mod's or the built-in rule's key of another length is refused by origin."""
    mod = LoadedMod("queue-fair", "1.0", object(), None)
    shape = _KeyShape()
    assert shape.check((1, 2), None) is None and shape.check((3, 4), mod) is None
    assert shape.check((5,), mod) == ("answered (5,) (1 numbers); keys in this run have 2 numbers (the first came "
                                      "from the built-in rule): every key in a queue needs the same shape")
    first_mod = _KeyShape()
    assert first_mod.check((1,), mod) is None
    assert first_mod.check((1, 2), None) == (
        "passed (None), so the built-in key (1, 2) (2 numbers) joins keys of 1 numbers (mod queue-fair 1.0) in one "
        "queue: answer for every task, or answer keys shaped like builtin_priority_key's")


def test_an_event_hook_must_answer_a_list_of_commands():
    """None-free answers: a list or tuple of commands passes; anything else, or a list holding a non-command, is
    named."""
    assert _check_commands([Rent("sd15", 1)]) is None and _check_commands(()) is None
    assert _check_commands([Rent("sd15", 1), 1]) == (
        "answered [Rent(model='sd15', count=1), 1]; expected None or a list of commands (factory_game.api)")
    assert _check_commands(5) == "answered 5; expected None or a list of commands (factory_game.api)"


def test_each_shadowed_rule_is_one_alert_naming_the_hook_the_mod_asked_first_and_the_others():
    """`tell_shadowed` raises the game's `mod_shadowed` alert once per rule two or more mods take."""
    alerts = []
    session = SimpleNamespace(shadowed=[("river_price", "a", ["b", "c"]), ("river_route", "d", ["e"])])
    ModSession.tell_shadowed(session, lambda key, **fields: alerts.append((key, fields)))  # type: ignore[arg-type]
    assert alerts == [("mod_shadowed", {"hook": "river_price", "mod": "a", "others": "b, c"}),
                      ("mod_shadowed", {"hook": "river_route", "mod": "d", "others": "e"})]
