"""A mod that raises during play is switched off as `run --lenient` does, and an alert names mod, version, hook."""

from factory_game.game.app import make_game
from factory_game.paths import MODS_ENV
from factory_game.plugins import prepare_level
from factory_game.runner import run_level
from tests.mods.helpers import write_level, write_mod

BROKEN_PRICE = """
    @hookimpl
    def river_price(world):
        if world.now > 20 * 60_000:
            raise ValueError("no price today")
"""


def test_a_failing_mod_is_switched_off_and_named_in_an_alert(window, tmp_path, monkeypatch):
    mods = tmp_path / "mods"
    mods.mkdir()
    monkeypatch.setenv(MODS_ENV, str(mods))
    write_mod(mods, "grumpy", BROKEN_PRICE, version="2.0.1")
    level = write_level(tmp_path / "level.toml", '"grumpy"')
    game = make_game(levels=[level], lang="en", muted=True, headless=True, seed=4)
    play = game.start(level, speed=16)
    assert play.mods_text() == "Mods: grumpy"  # the active-mods badge
    while play.world.now < 60 * 60_000:
        play.step(1 / 10)
    failures = [values for _t, key, values, _n in play.alerts.items if key == "mod_error"]
    assert failures == [{"name": "grumpy", "version": "2.0.1", "hook": "river_price"}]
    assert "grumpy 2.0.1" in game.i18n.t("alert.mod_error", **failures[0])
    play.hud.refresh(0.0)
    assert play.mods_text() == "Mods: grumpy (off)" and play.hud.mods_badge.text.text == "Mods: grumpy (off)"
    # the game goes on exactly as a lenient headless run of the same level and seed
    spec, rules, session = prepare_level(level, lenient=True)
    headless = run_level(spec, seed=4, until_ms=play.world.now, rules=rules, mods=session)
    assert headless.summary["overall"] == play.world.summary()["overall"]
    play.on_hide_view()
