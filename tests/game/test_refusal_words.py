"""Play-test bug 9: a refused command reaches the player in the player's language, with models by their names —
never a model id or the simulation's English reason inside a Chinese line. The simulation gives each refusal a
reason code and its values (`CommandRejected`); the alerts say it from the string tables."""

from __future__ import annotations

import dataclasses
import re

import pytest

from factory_game import texts
from factory_game.game.alerts import SAID, Alerts
from factory_game.game.i18n import I18n
from factory_game.level import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim import economics
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.commands import (
    AnswerIncident,
    Release,
    Rent,
    SetCap,
    SetPrice,
    SetPromptMultiplier,
    SignContract,
)
from factory_game.sim.spec import ScriptedEvent
from factory_game.sim.world import World

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")  # an English word (model names like SD1.5 are shorter runs)


def _world(name: str) -> World:
    return World(load_level(LEVELS_DIR / "campaign" / name))


def _refusals(world: World, commands) -> list[str]:
    """Apply each command (each is refused) and return the refusal codes the world recorded."""
    codes = []
    for command in commands:
        record = world.apply(command)
        assert not record.ok, command
        codes.append(record.code)
    return codes


def test_player_reachable_refusals_carry_a_code_the_string_tables_say():
    world = _world("03-video-arrives.toml")
    codes = _refusals(world, [
        Release("video-gen", 1),  # nothing rented
        Rent("video-gen", 999),  # past max_extra
        SetPrice("image", 10**9),  # a lever this level has not unlocked (price)
        SetPromptMultiplier(2.0),  # nor the wait question
        AnswerIncident(1, "accept"),  # a level without incidents
        Rent("nope", 1),  # an unknown model
    ])
    assert codes == ["no_rented_slot", "max_extra", "locked", "locked", "no_incidents", "unknown_model"]
    assert set(codes) <= set(SAID)


@pytest.mark.parametrize("code", SAID)
def test_every_code_has_words_in_both_languages(code):
    key = f"alert.{code}" if code.startswith("spot_") else f"alert.refused_{code}"
    for lang in ("en", "zh-CN"):
        assert key in texts.table(lang), f"{lang} has no {key}"


def test_a_chinese_refusal_names_the_model_and_has_no_english_reason():
    world = _world("03-video-arrives.toml")
    zh, en = I18n("zh-CN"), I18n("en")
    alerts = Alerts(world, zh)
    world.apply(Release("video-gen", 1))
    world.apply(Rent("video-gen", 999))
    world.apply(SignContract("video-gen", 999))  # the same words as the rental's: one line, counted ×2
    lines = [text for text, _colour in alerts.lines(zh, 3) if text]
    assert len(lines) == 2 and lines[0].endswith("×2"), lines
    name = zh.pick(world.spec.model("video-gen").names, "video-gen")
    for line in lines:
        assert name in line, line
        assert not re.search(r"video-gen", line) and not LATIN_WORD.search(line.replace(name, "")), line
    english = [text for text, _colour in alerts.lines(en, 2)]
    assert any("no rented station" in line for line in english), english


def test_a_reason_without_words_of_its_own_keeps_the_simulations_text():
    """A scripted arrival of an unknown tier (only a level or a mod sends one) has no code: its English reason shows."""
    from factory_game.sim.commands import Arrive

    world = _world("01-opening-day.toml")
    alerts = Alerts(world, I18n("en"))
    world.apply(Arrive("L9", ("image",)), source="level")
    assert alerts.items[0][1] == "refused"
    assert "unknown tier 'L9'" in alerts.lines(I18n("en"), 1)[0][0]


def test_the_forecast_names_an_outages_model_not_its_id():
    """An announced outage (a level's `[[events]]`; no campaign level announces one since level 5's became
    unannounced incidents) is named in the forecast by its model's name."""
    spec = load_level(LEVELS_DIR / "campaign" / "05-outage.toml")
    world = World(dataclasses.replace(spec, events=(ScriptedEvent("outage", HOUR, 30 * MINUTE, "sd15", 10),)))
    outage = next(m for m in economics.markers(world) if m.kind == "outage")
    for lang in ("en", "zh-CN"):
        i18n = I18n(lang)
        text = i18n.t("manager.outage", model=i18n.pick(world.spec.model(outage.model).names, outage.model),
                      slots=outage.slots)
        assert outage.model not in text and f"−{outage.slots}" in text, text


def test_a_value_outside_a_levers_range_says_the_range():
    world = _world("08-velvet-rope.toml")
    record = world.apply(SetCap("L1", 5000))
    assert (record.code, record.values) == ("out_of_range", {"lever": "set_cap", "range": "1–1000", "value": "5000"})
    alerts = Alerts(world, I18n("zh-CN"))
    world.apply(SetCap("L1", 5000))
    assert alerts.lines(I18n("zh-CN"), 1)[0][0].endswith("操作未执行：取值范围是 1–1000，不是 5000")
