"""Commands read back from a save or a `--replay` file (level/records.py): each field's type and range at its edges,
and the exact words a player reads when a hand-edited file is refused."""

from __future__ import annotations

import pytest

from factory_game.level.reader import describe
from factory_game.level.records import MAX_COMMAND_INT, CommandFieldError, checked_command, command_time
from factory_game.sim.commands import COMMANDS, Arrive, Rent, SetAutopilot, SetPromptMultiplier


@pytest.mark.parametrize("value", [0, 1, MAX_COMMAND_INT])
def test_a_command_time_is_any_integer_from_zero_to_two_to_the_53(value):
    """A time of 0, 1 or exactly 2^53 ms is read as itself."""
    assert command_time(value) == value


@pytest.mark.parametrize("value", [-1, MAX_COMMAND_INT + 1, True, 1.0, "5"])
def test_a_command_time_out_of_range_or_not_an_integer_is_refused_by_name(value):
    """A negative, too large, boolean, float or string time is refused, naming the key, the range and the value."""
    with pytest.raises(ValueError) as caught:
        command_time(value)
    assert str(caught.value) == f"[t] expected a time in ms, an integer from 0 to 2^53; found {describe(value)}"


@pytest.mark.parametrize("body, command", [
    ({"command": "rent", "model": "sd15", "count": 0}, Rent("sd15", 0)),
    ({"command": "rent", "model": "sd15", "count": MAX_COMMAND_INT}, Rent("sd15", MAX_COMMAND_INT)),
    ({"command": "autopilot", "enabled": False}, SetAutopilot(False)),
    ({"command": "prompt_multiplier", "multiplier": 2}, SetPromptMultiplier(2)),
    ({"command": "prompt_multiplier", "multiplier": 0.5}, SetPromptMultiplier(0.5)),
    ({"command": "arrive", "tier": "L1", "contents": ["image"], "priority": True, "budget_cents": None,
      "patience_ms": 0}, Arrive("L1", ("image",), True, None, 0)),
    ({"command": "arrive", "tier": "L1", "contents": ["image", "text"], "priority": False,
      "budget_cents": MAX_COMMAND_INT, "patience_ms": None}, Arrive("L1", ("image", "text"), False, MAX_COMMAND_INT)),
])
def test_a_well_formed_record_becomes_its_command(body, command):
    """Every field type at its edges (0 and 2^53, a bool, an int or float multiplier, null for optional) is read."""
    assert checked_command(body) == command


@pytest.mark.parametrize("body, key, expected, found", [
    ({"command": "rent", "model": "sd15", "count": -1}, "count", "an integer from 0 to 2^53", "integer -1"),
    ({"command": "rent", "model": "sd15", "count": MAX_COMMAND_INT + 1}, "count", "an integer from 0 to 2^53",
     f"integer {MAX_COMMAND_INT + 1}"),
    ({"command": "rent", "model": "sd15", "count": True}, "count", "an integer from 0 to 2^53", "boolean True"),
    ({"command": "rent", "model": "", "count": 1}, "model", "a non-empty string", "string ''"),
    ({"command": "rent", "model": 15, "count": 1}, "model", "a non-empty string", "integer 15"),
    ({"command": "autopilot", "enabled": 1}, "enabled", "true or false", "integer 1"),
    ({"command": "prompt_multiplier", "multiplier": float("nan")}, "multiplier", "a finite number", "number nan"),
    ({"command": "prompt_multiplier", "multiplier": True}, "multiplier", "a finite number", "boolean True"),
    ({"command": "prompt_multiplier", "multiplier": "2"}, "multiplier", "a finite number", "string '2'"),
    ({"command": "arrive", "tier": "L1", "contents": [], "priority": False, "budget_cents": None,
      "patience_ms": None}, "contents", "a non-empty list of strings", "an empty array"),
    ({"command": "arrive", "tier": "L1", "contents": ["image", ""], "priority": False, "budget_cents": None,
      "patience_ms": None}, "contents", "a non-empty list of strings", "an array"),
    ({"command": "arrive", "tier": "L1", "contents": "image", "priority": False, "budget_cents": None,
      "patience_ms": None}, "contents", "a non-empty list of strings", "string 'image'"),
    ({"command": "arrive", "tier": "L1", "contents": ["image"], "priority": False, "budget_cents": -5,
      "patience_ms": None}, "budget_cents", "an integer from 0 to 2^53, or null", "integer -5"),
])
def test_a_field_of_the_wrong_type_is_refused_naming_key_expectation_and_value(body, key, expected, found):
    """A wrong field reads `[key] of command 'name': expected ...; found ...` and carries its parts."""
    with pytest.raises(CommandFieldError) as caught:
        checked_command(body)
    error = caught.value
    assert str(error) == f"[{key}] of command {body['command']!r}: expected {expected}; found {found}"
    assert (error.key, error.expected, error.found) == (key, expected, found)


@pytest.mark.parametrize("name, found", [("rnet", "string 'rnet'"), (None, "NoneType None"), (3, "integer 3")])
def test_an_unknown_command_lists_the_known_ones(name, found):
    """A record naming no known command lists every command name, comma-separated, and what it found."""
    with pytest.raises(ValueError) as caught:
        checked_command({"command": name})
    assert str(caught.value) == f"[command] expected one of {', '.join(sorted(COMMANDS))}; found {found}"


def test_a_record_with_a_missing_or_extra_field_says_which_fields_the_command_takes():
    """Fields the command does not take (or lacks) are refused with the command's own field list."""
    with pytest.raises(ValueError) as caught:
        checked_command({"command": "rent", "model": "sd15", "count": 1, "colour": "red"})
    assert str(caught.value) == "command 'rent' takes ['count', 'model'], got ['colour', 'count', 'model']"
    assert type(caught.value) is ValueError


def test_a_command_field_type_without_a_check_is_a_programming_error_naming_the_type():
    """A new command field type must get its check: the error names the type."""
    from factory_game.level.records import _type_problem

    with pytest.raises(AssertionError, match="a command field of type <class 'complex'> has no check"):
        _type_problem(complex, 1)
