"""How a level problem reads (level/errors.py): file, line, key, expectation and value; one line per problem."""

from __future__ import annotations

from factory_game.level.errors import LevelError, Problem, key_lines, line_for


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
