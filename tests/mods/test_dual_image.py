"""mods/dual-image: a second model for the same content type gets work only through a route rule (river_route)."""

import dataclasses

import pytest

from factory_game.plugins import ModFailed, prepare_level
from factory_game.runner import run_level
from factory_game.sim.rules import default_route
from tests.mods.helpers import write_level, write_mod

LEVEL = "levels/mods/two-speeds.toml"


def test_both_models_serve_images_and_priority_packs_go_fast():
    result = run_level(prepare_level(LEVEL))
    models = result.summary["models"]
    assert models["pix-lite"]["completed"] > 100 and models["pix-turbo"]["completed"] > 50
    assert models["pix-turbo"]["wait_p95_ms"] < models["pix-lite"]["wait_p95_ms"]
    again = run_level(prepare_level(LEVEL))
    assert again.event_hash == result.event_hash


def test_without_the_route_rule_the_second_model_idles():
    level = prepare_level(LEVEL)
    plain = level._replace(rules=dataclasses.replace(level.rules, route=default_route))
    models = run_level(plain).summary["models"]
    assert models["pix-turbo"]["requested"] == 0 and models["pix-lite"]["requested"] > 250


def test_a_route_to_a_model_that_does_not_serve_the_content_is_named(mods_dir, tmp_path):
    write_mod(mods_dir, "lost", "@hookimpl\ndef river_route(task):\n    return 'llm'\n")
    with pytest.raises(ModFailed, match=r"river_route .*answered 'llm'; expected the id of a model serving 'image'"):
        run_level(prepare_level(write_level(tmp_path / "l.toml", '"lost"')), until_ms=3_600_000)
