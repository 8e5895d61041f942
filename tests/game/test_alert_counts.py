"""Alerts that count something add their counts and say them with the language's plural."""

from factory_game.game.alerts import Alerts
from factory_game.game.i18n import I18n
from factory_game.level import load_level
from factory_game.paths import LEVELS_DIR
from factory_game.sim.world import World


def test_sixteen_single_rentals_read_as_one_line_with_a_plural():
    world = World(load_level(LEVELS_DIR / "campaign" / "01-opening-day.toml"))
    model = next(iter(world.models))
    en, zh = I18n("en"), I18n("zh-CN")
    alerts = Alerts(world, en)
    for _ in range(16):
        alerts.add("rent", model=model, n=1)
    name = en.pick(world.spec.model(model).names, model)
    assert alerts.lines(en, 2)[0][0] == f"0s Rented 16 stations on {name}"
    assert alerts.lines(zh, 1)[0][0].endswith("租用 16 个工位")
    alerts.add("release", model=model, n=1)
    assert alerts.lines(en, 1)[0][0] == f"0s Releasing 1 rented {name} station"
