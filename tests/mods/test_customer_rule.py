"""The customer rule (river_customer): a mod shapes what each newcomer brings, drawing only from its own rng;
mods/office-hours on levels/mods/office-day.toml shows demand by time of day."""

import pytest

from factory_game.plugins import prepare_level
from factory_game.plugins.errors import ModFailed
from factory_game.runner import run_level
from factory_game.sim.events import Kind
from tests.mods.helpers import write_level, write_mod

LEVEL = "levels/mods/office-day.toml"
HOUR = 3_600_000
OPENS, CLOSES = 2 * HOUR, 10 * HOUR  # the level's settings for the mod


def arrivals(level, until_ms):
    """(time, tier, tasks, budget cents) of each newcomer."""
    world = level.start()
    seen = []
    world.subscribe(lambda e: seen.append((e.time, *e.info.split(":"), e.cents)) if e.kind == Kind.ARRIVE else None)
    world.run(until_ms)
    return [(t, tier, int(tasks), cents) for t, tier, tasks, cents in seen]


def test_office_hours_shapes_newcomers_by_the_hour():
    seen = arrivals(prepare_level(LEVEL), 12 * HOUR)
    office = [a for a in seen if OPENS <= a[0] < CLOSES]
    night = [a for a in seen if not OPENS <= a[0] < CLOSES]
    assert night and all(tasks == 1 for _t, _tier, tasks, _c in night)  # one task each outside office hours
    top_share = sum(tier == "L2" for _t, tier, _n, _c in office) / len(office)
    assert 0.38 < top_share < 0.58  # 0.2 drawn by the level, then 35 % of the rest made businesses: 0.48
    businesses = [a for a in office if a[2] > 2]  # the level draws 1-2 tasks; businesses double them
    assert businesses and all(tier == "L2" and cents >= 300 for _t, tier, _n, cents in businesses)
    assert max(tasks for _t, _tier, tasks, _c in office) == 4


def test_the_same_seed_gives_the_same_run():
    assert run_level(prepare_level(LEVEL)).event_hash == run_level(prepare_level(LEVEL)).event_hash


def test_a_rule_that_passes_changes_nothing_even_when_it_draws(mods_dir):
    """The mod's rng is its own stream: drawing from it (and passing) shifts none of the level's draws."""
    write_mod(mods_dir, "dice", """
        SEEN = []
        @hookimpl
        def river_customer(world, drawn, rng):
            SEEN.append((world.now, drawn))
            rng.random()
            return None
    """)
    modded = write_level(mods_dir.parent / "modded.toml", '"dice"')
    plain = write_level(mods_dir.parent / "plain.toml", "")
    result = run_level(prepare_level(modded))
    from river_mods import dice

    assert len(dice.SEEN) == result.summary["overall"]["customers"] > 0
    time, drawn = dice.SEEN[0]
    assert drawn.tier in ("L1", "L3") and drawn.content and all(c == "image" for c in drawn.content)
    assert result.event_hash == run_level(prepare_level(plain)).event_hash


@pytest.mark.parametrize(("answer", "says"), [
    ("drawn._replace(tier='L9')", "a tier of this level (L1, L2, L3, L4, L5)"),
    ("drawn._replace(budget_cents=-1)", "budget_cents -1"),
    ("drawn._replace(patience_ms=1.5)", "patience_ms 1.5"),
    ("drawn._replace(content=())", "a tuple of 1 to 100 content types"),
    ("drawn._replace(content=['image'])", "a tuple of 1 to 100 content types"),
    ("drawn._replace(content=('video',))", "a content type a model of this level serves (image)"),
    ("drawn._replace(priority=1)", "True or False"),
    ("tuple(drawn)", "expected a Newcomer"),
])
def test_a_bad_newcomer_is_named(mods_dir, answer, says):
    write_mod(mods_dir, "shaper", f"""
        @hookimpl
        def river_customer(drawn):
            return {answer}
    """)
    with pytest.raises(ModFailed) as caught:
        run_level(prepare_level(write_level(mods_dir.parent / "level.toml", '"shaper"')))
    message = str(caught.value)
    assert "shaper" in message and "river_customer" in message and says in message


def test_a_lenient_run_falls_back_to_the_levels_draws(mods_dir):
    write_mod(mods_dir, "broken", """
        @hookimpl
        def river_customer(drawn):
            return drawn._replace(tier="VIP")
    """)
    level = prepare_level(write_level(mods_dir.parent / "level.toml", '"broken"'), lenient=True)
    result = run_level(level)
    assert [f.hook for f in level.session.failures] == ["river_customer"]
    plain = run_level(prepare_level(write_level(mods_dir.parent / "plain.toml", "")))
    assert result.summary["overall"]["customers"] == plain.summary["overall"]["customers"] > 0
