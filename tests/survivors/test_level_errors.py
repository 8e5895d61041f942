"""How a level problem reads (level/errors.py, reader.describe): file, line, key, expectation and the value found;
one line per problem."""

from __future__ import annotations

import pytest

from factory_game.level.errors import LevelError, Problem, key_lines, line_for
from factory_game.level.reader import MISSING, describe


def test_a_problem_names_file_line_and_key_and_leaves_out_what_it_does_not_know():
    """`file:line: [key] expected ...; found ...`, without `:line` when unknown and without `[key]` for the file."""
    assert str(Problem("l.toml", "models.sd15.slots", "an integer", "'x'", line=7)) == \
        "l.toml:7: [models.sd15.slots] expected an integer; found 'x'"
    assert str(Problem("l.toml", "id", "a string", "nothing")) == "l.toml: [id] expected a string; found nothing"
    assert str(Problem("l.toml", "", "a TOML file", "bad syntax", line=3)) == \
        "l.toml:3: expected a TOML file; found bad syntax"


def test_a_level_error_lists_each_problem_on_its_own_line():
    """Every problem of the file, one per line, in order."""
    problems = [Problem("l.toml", "a", "x", "y", 1), Problem("l.toml", "b", "z", "w", 2)]
    assert str(LevelError(problems)) == "l.toml:1: [a] expected x; found y\nl.toml:2: [b] expected z; found w"


def test_a_key_path_finds_its_own_line_or_its_nearest_table():
    """A dotted path's line is its key's; a key the file does not write falls back to its table's line."""
    lines = key_lines('id = "x"\n\n[models.sd15]\nslots = 2\n\n[[events]]\nkind = "outage"\n')
    assert line_for(lines, "models.sd15.slots") == 4
    assert line_for(lines, "models.sd15.service") == 3
    assert line_for(lines, "events.0.kind") == 7
    assert line_for(lines, "market.price") is None


@pytest.mark.parametrize("value, text", [
    (MISSING, "nothing (the key is missing)"), ({"a": 1}, "a table"), ([1], "an array"), ([], "an empty array"),
    (True, "boolean True"), (3, "integer 3"), (2.5, "number 2.5"), ("x", "string 'x'"), (None, "NoneType None"),
    ("a" * 58, "string '" + "a" * 58 + "'"),  # 60 characters shown whole
    ("a" * 59, "string '" + "a" * 56 + "..."),  # 61 cut to 57 and "..."
])
def test_a_found_value_is_described_by_its_kind_and_its_text_cut_past_sixty_characters(value, text):
    """`found ...` names the TOML kind and shows the value, cut to 57 characters and "..." when longer than 60."""
    assert describe(value) == text


def test_a_value_of_another_toml_type_is_described_by_its_python_type_name():
    """A TOML date (no level key takes one) reads as `date datetime.date(...)`."""
    import datetime

    assert describe(datetime.date(2026, 12, 6)) == "date datetime.date(2026, 12, 6)"
