"""The author's kit additions (modding-review A3, A5 rows 5-7, 14 and ranked fix 9): names as on the command line,
overrides on river_run, mod_hooks without factory_game.plugins, views to call a hook directly, `_` in new-mod."""

import pytest

from factory_game.newmod import scaffold
from factory_game.testing import (
    advance,
    customer_view,
    make_world,
    mod_hooks,
    run,
    task_view,
    world_view,
)

HOUR = 3_600_000


def test_run_and_make_world_take_the_names_the_command_line_takes():
    result = run("mods/surge-hour", until_ms=HOUR, overrides=["level.seed=4"])
    assert result.seed == 4 and result.event_count > 0
    assert make_world("reference/mmc").spec.id


def test_mod_hooks_names_what_a_mod_implements():
    assert mod_hooks("surge-pricing") == ["river_price"]


def test_views_let_a_test_call_a_hook_directly():
    world = advance(make_world("reference/mmc"), HOUR)
    view = world_view(world)
    assert view.now == HOUR
    customer = next(iter(world.customers.values()))
    assert customer_view(world, customer.id).id == customer.id
    if customer.tasks:
        assert task_view(world, customer.tasks[0].id).id == customer.tasks[0].id


def test_new_mod_accepts_an_underscore_as_mod_toml_ids_do(tmp_path):
    where = scaffold("flux_schnell", tmp_path / "flux")
    assert (where / "river_flux_schnell" / "mod.toml").read_text().startswith('id = "flux_schnell"')
    assert "factory_game.plugins" not in (where / "tests" / "test_mod.py").read_text()


def test_run_takes_a_mods_settings_by_id():
    plain = run("mods/office-day", until_ms=3 * HOUR)
    assert plain.mods["mods"][0]["settings"]["business_share"] == 0.35
    changed = run("mods/office-day", until_ms=3 * HOUR, settings={"office-hours": {"business_share": 0.9}})
    (mod,) = changed.mods["mods"]
    assert mod["settings"]["business_share"] == 0.9 and mod["settings"]["opens"] == 2 * HOUR  # the level's kept
    assert changed.event_hash != plain.event_hash
    with pytest.raises(ValueError, match="settings for surge: expected mods the level uses; found office-hours"):
        run("mods/office-day", settings={"surge": {"step": 1}})
