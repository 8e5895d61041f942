"""How a level file writes a limit back ("1h", "250ms") and how a short name finds a bundled level
(level/units.py's duration_text and level/bundled.py, which the level selection reached only through messages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory_game.level.bundled import bundled_levels, resolve_level
from factory_game.level.units import duration_text, parse_duration, parse_money
from factory_game.paths import LEVELS_DIR


@pytest.mark.parametrize("ms, text", [(2 * 86_400_000, "2d"), (3_600_000, "1h"), (90 * 60_000, "90m"),
                                      (20_000, "20s"), (250, "250ms"), (0, "0ms"), (1_500, "1500ms")])
def test_a_duration_is_written_in_its_largest_whole_unit(ms, text):
    """Days, hours, minutes, seconds, else milliseconds; 0 is "0ms"; each text reads back as the same duration."""
    assert duration_text(ms) == text
    assert parse_duration(text) == ms


def test_the_bundled_levels_are_every_toml_file_under_levels_sorted():
    """Every bundled level, campaign and mod levels included, in path order, all .toml files."""
    levels = bundled_levels()
    assert levels == sorted(levels) and all(p.suffix == ".toml" for p in levels)
    assert LEVELS_DIR / "campaign" / "01-opening-day.toml" in levels and len(levels) >= 10


@pytest.mark.parametrize("name", ["campaign/01-opening-day", "01-opening-day"])
def test_a_bundled_level_is_found_by_its_relative_path_or_its_file_stem(name):
    """A short name (relative path without .toml, or the file's stem) resolves to the bundled file."""
    assert resolve_level(name) == LEVELS_DIR / "campaign" / "01-opening-day.toml"


def test_an_unknown_name_is_returned_as_a_path_for_the_loader_to_report():
    """A name that is neither a file nor a bundled level comes back unchanged, as a path."""
    assert resolve_level("campaign/99-nowhere") == Path("campaign/99-nowhere")


@pytest.mark.parametrize("text, cents", [("0.50", 50), ("0.5", 50), ("12", 1200), ("-3.25", -325),
                                         ("1000000000.00", 100_000_000_000), ("-1000000000", -100_000_000_000)])
def test_money_is_read_to_the_cent_up_to_a_billion_either_way(text, cents):
    """Two decimals at most, up to 1,000,000,000.00 either sign, read exactly."""
    assert parse_money(text) == cents


@pytest.mark.parametrize("text, says", [
    ("1000000000.01", "a money string from -1000000000.00 to 1000000000.00"),
    ("-1e10", "a money string from -1000000000.00 to 1000000000.00"),
    ("0.505", 'a money string with at most two decimals, like "0.50"'),
    ("cheap", 'a decimal money string like "0.50"'),
    ("NaN", "a money string from -1000000000.00 to 1000000000.00"),
])
def test_money_past_its_limits_is_refused_in_words(text, says):
    """Past a billion, a third decimal, words or NaN: refused with what a money string should be."""
    with pytest.raises(ValueError) as caught:
        parse_money(text)
    assert str(caught.value) == says
