"""river_adjust_price: every mod's adjustment applies, in the order the level lists its mods."""

import pytest

from factory_game.plugins import ModFailed, prepare_level
from factory_game.runner import run_level
from tests.mods.helpers import write_level, write_mod

HALF = "@hookimpl\ndef river_adjust_price(price):\n    return price // 2\n"
PLUS = "@hookimpl\ndef river_adjust_price(price):\n    return price + 100\n"


def holds(level_path):
    level = prepare_level(level_path)
    world = level.start()
    seen = []
    world.subscribe(lambda e: seen.append(e.cents) if e.kind.value == "hold" else None)
    world.advance(30 * 60_000)
    return seen, level


def test_adjustments_compose_in_the_levels_order(mods_dir, tmp_path):
    write_mod(mods_dir, "half", HALF)
    write_mod(mods_dir, "plus", PLUS)
    plain, _ = holds(write_level(tmp_path / "plain.toml"))
    half_then_plus, level = holds(write_level(tmp_path / "a.toml", '"half", "plus"'))
    plus_then_half, _ = holds(write_level(tmp_path / "b.toml", '"plus", "half"'))
    assert [mod.id for mod, _impl in level.session.adjusters()] == ["half", "plus"]
    n = min(len(plain), len(half_then_plus), len(plus_then_half), 20)
    assert half_then_plus[:n] == [cents // 2 + 100 for cents in plain[:n]]
    assert plus_then_half[:n] == [(cents + 100) // 2 for cents in plain[:n]]


def test_a_bad_adjustment_is_named(mods_dir, tmp_path):
    write_mod(mods_dir, "neg", "@hookimpl\ndef river_adjust_price(price):\n    return -price\n")
    with pytest.raises(ModFailed, match="river_adjust_price .*expected a price in whole cents"):
        run_level(prepare_level(write_level(tmp_path / "l.toml", '"neg"')), until_ms=600_000)
