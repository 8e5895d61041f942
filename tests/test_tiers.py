"""Who the customers are (docs/engine.md, "Who the customers are"): tiers differ in how they answer the price
(`[tier_traits.<tier>] price_sensitivity`) and in how hard they punish a late delivery (`lateness`; pack buyers,
`[level] priority_waiting`), and selling the pack makes the others wait. Each trade-off is shown on a small level
with the same seed both ways; the defaults change nothing (the golden records hold every level without traits)."""

from __future__ import annotations

import math

import pytest

from factory_game.cli import main
from factory_game.level import LevelError, parse_level
from factory_game.sim.commands import SetPrice, SetPrioritySales
from factory_game.sim.market import price_factor
from factory_game.sim.stats import Stats
from factory_game.sim.world import World

SHOP = """
[level]
id = "tiers"
title = { en = "Tiers", zh-CN = "层级" }
duration = "4h"
sla = "10m"
priority_surcharge = 0.5
priority_waiting = %(waiting)s

[tiers]
L1 = 1
L2 = 2
L3 = 4

[models.sd15]
slots = %(slots)d

[arrivals]
rate = 120
tiers = { L1 = 0.5, L2 = 0.3, L3 = 0.2 }
content = { image = 1.0 }
priority_share = %(share)s

[queue]
aging = "%(aging)s"

[prompt]
enabled = false

[market]
elasticity = 0.8
%(traits)s
"""

TRAITS = """
[tier_traits.L1]
price_sensitivity = 1.6

[tier_traits.L3]
price_sensitivity = 0.0
lateness = 2.0
"""


def shop(traits: str = TRAITS, slots: int = 30, share: float = 0.0, waiting: float = 1.0, aging: str = "0s",
         overrides: tuple[str, ...] = ()):
    text = SHOP % {"traits": traits, "slots": slots, "share": share, "waiting": waiting, "aging": aging}
    return parse_level(text, "tiers.toml", overrides)


def run(spec, seed: int, *commands) -> dict:
    world = World(spec, seed=seed)
    for command in commands:
        world.apply(command)
    return world.run()


# ------------------------------------------------------------------------------------------------ the level file
def test_traits_load_and_default_to_one():
    spec = shop()
    assert spec.traits("L1").price_sensitivity == 1.6 and spec.traits("L1").lateness == 1.0
    assert spec.traits("L3").price_sensitivity == 0.0 and spec.traits("L3").lateness == 2.0
    assert spec.traits("L2").price_sensitivity == 1.0 and spec.traits("L2").lateness == 1.0  # not named: defaults
    plain = shop(traits="")
    assert plain.tier_traits == () and plain.priority_waiting == 1.0


def problems(traits: str, waiting: float = 1.0):
    with pytest.raises(LevelError) as info:
        shop(traits=traits, waiting=waiting)
    return [str(p) for p in info.value.problems]


def test_an_unknown_tier_is_named_with_the_closest():
    found = problems("[tier_traits.L11]\nlateness = 2.0")
    assert len(found) == 1 and "[tier_traits.L11]" in found[0] and "unknown tier 'L11'" in found[0]
    assert "a tier of this level (L1, L2, L3) (did you mean 'L1'?)" in found[0]
    assert len(problems("[tier_traits.L4]\nlateness = 2.0\n[tier_traits.l3]\nlateness = 2.0")) == 2


@pytest.mark.parametrize("traits, key", [
    ("[tier_traits.L1]\nprice_sensitivity = 11", "tier_traits.L1.price_sensitivity"),
    ("[tier_traits.L1]\nprice_sensitivity = -0.5", "tier_traits.L1.price_sensitivity"),
    ("[tier_traits.L3]\nlateness = 10.5", "tier_traits.L3.lateness"),
    ("[tier_traits.L3]\nlateness = \"high\"", "tier_traits.L3.lateness"),
    ("[tier_traits.L3]\nlatenes = 2.0", "tier_traits.L3.latenes"),
    ("[tier_traits]\nL3 = 2.0", "tier_traits.L3"),
])
def test_bad_trait_values_are_named(traits, key):
    found = problems(traits)
    assert len(found) == 1 and f"[{key}]" in found[0], found


def test_a_bad_priority_waiting_is_named():
    found = problems("", waiting=12)
    assert len(found) == 1 and "[level.priority_waiting]" in found[0] and "12" in found[0]


def test_the_cli_exits_2_on_a_bad_trait(tmp_path, capsys):
    path = tmp_path / "tiers.toml"
    path.write_text(SHOP % {"traits": "[tier_traits.L9]\nlateness = 2.0", "slots": 30, "share": 0.0,
                            "waiting": 1.0, "aging": "0s"}, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "unknown tier 'L9'" in capsys.readouterr().err


def test_traits_at_their_defaults_play_exactly_as_without():
    ones = "[tier_traits.L1]\nprice_sensitivity = 1.0\nlateness = 1.0"
    for slots in (30, 9):  # calm and late
        plain, declared = shop(traits="", slots=slots, share=0.2), shop(traits=ones, slots=slots, share=0.2)
        assert run(declared, 5, SetPrice("image", 130)) == run(plain, 5, SetPrice("image", 130))


# ---------------------------------------------------------------------------------------------------- price
def test_the_mix_follows_each_tiers_own_price_factor():
    spec = shop()
    world = World(spec, seed=1)
    ref = world.market.references["image"]
    assert world.market.tier_weights == spec.arrivals.tiers  # at the list price: the level's mix
    world.apply(SetPrice("image", 2 * ref))
    mix = dict(world.market.tier_weights)
    expected = {tier: share * price_factor({"image": 2 * ref}, {"image": ref}, {"image": 1.0}, 0.8 * s)
                for tier, share, s in (("L1", 0.5, 1.6), ("L2", 0.3, 1.0), ("L3", 0.2, 0.0))}
    assert mix == pytest.approx(expected)
    assert expected["L3"] == 0.2 and expected["L1"] == pytest.approx(0.5 * math.exp(-1.28))
    assert world.market.demand == pytest.approx(sum(expected.values()))  # the rate: the mix's total


def test_a_dear_price_drives_hobbyists_away_while_studios_stay():
    """Twice the list price, same seeds: the hobbyists' share of arrivals falls (their demand x e^-1.28), the studios'
    numbers stay (price sensitivity 0), and a level without traits keeps its mix."""
    spec, plain = shop(), shop(traits="")

    def arrivals(level, cents):
        out = {"L1": 0, "L2": 0, "L3": 0}
        for seed in (1, 2, 3):
            tiers = run(level, seed, SetPrice("image", cents))["tiers"]
            for tier in out:
                out[tier] += tiers[tier]["customers"]
        return out

    ref = spec.content[0].price_cents
    cheap, dear = arrivals(spec, ref), arrivals(spec, 2 * ref)
    share = {name: counts["L1"] / sum(counts.values()) for name, counts in (("cheap", cheap), ("dear", dear))}
    assert share["cheap"] == pytest.approx(0.5, abs=0.04)
    assert share["dear"] < share["cheap"] - 0.15  # expected: 0.5 e^-1.28 / (0.5 e^-1.28 + 0.3 e^-0.8 + 0.2) = 0.28
    assert dear["L3"] == pytest.approx(cheap["L3"], rel=0.15)  # 3 x 4 h x 24/h: about 288 either way
    assert dear["L1"] < 0.4 * cheap["L1"]
    plain_cheap, plain_dear = arrivals(plain, ref), arrivals(plain, 2 * ref)
    plain_share = [c["L1"] / sum(c.values()) for c in (plain_cheap, plain_dear)]
    assert plain_share[1] == pytest.approx(plain_share[0], abs=0.05)


# ------------------------------------------------------------------------------------------------- lateness
def test_the_late_score_falls_faster_for_a_harsher_customer():
    sla = 600_000
    for lateness, score in ((1.0, 0.75), (2.0, 0.5), (4.0, 0.0), (0.5, 0.875), (0.0, 1.0)):
        stats = Stats()
        assert stats.record_delivery(750_000, 100, sla, lateness) is False  # 1.25 x the SLA: late whoever it is
        assert stats.score == pytest.approx(score)
    stats = Stats()
    assert stats.record_delivery(600_000, 100, sla, 3.0) and stats.score == 1.0  # on time is on time


def test_late_deliveries_cost_a_studio_more_than_a_hobbyist():
    """A crowded shop (9 slots for 10 slots' work), the same seed with and without traits: the same tasks are
    delivered at the same times (no reputation, the list price), so the hobbyists' score is unchanged while the
    studios' (lateness 2) falls."""
    plain, harsh = run(shop(traits="", slots=9), 4), run(shop(slots=9), 4)
    assert plain["overall"]["sla_share"] == harsh["overall"]["sla_share"] < 0.9  # the same deliveries, some late
    assert harsh["tiers"]["L1"]["satisfaction"] == plain["tiers"]["L1"]["satisfaction"]
    assert harsh["tiers"]["L2"]["satisfaction"] == plain["tiers"]["L2"]["satisfaction"]
    lost_l1 = 100 - plain["tiers"]["L1"]["satisfaction"]
    lost_l3 = 100 - harsh["tiers"]["L3"]["satisfaction"]
    assert plain["tiers"]["L3"]["satisfaction"] - harsh["tiers"]["L3"]["satisfaction"] > 3
    assert lost_l3 > lost_l1


def test_pack_buyers_punish_waiting():
    """Half the customers buy the pack and a pack task goes ahead by only 2 minutes (aging), so pack buyers are late
    too: with `priority_waiting` 3 their late deliveries cost three times as much; the deliveries are the same."""
    calm, harsh = (run(shop(traits="", slots=9, share=0.5, aging="2m", waiting=w), 4) for w in (1.0, 3.0))
    assert calm["overall"]["sla_share"] == harsh["overall"]["sla_share"] < 0.9
    assert harsh["overall"]["satisfaction"] < calm["overall"]["satisfaction"] - 2


# ------------------------------------------------------------------------------------------------- the pack
def test_selling_the_pack_lengthens_the_hobbyists_waits():
    """A busy shop (11 slots for 10 slots' work) where 30 % of the customers buy the pack: with the pack on sale
    (strict priority) the hobbyists' 95th-percentile queue wait is longer and their score lower than with sales
    stopped at once, on each seed (same seed both ways). Their mean wait hardly moves: the pack reorders the queue,
    it does not add work, so the cost is in the tail (about +25 % at p95 here)."""
    spec = shop(slots=11, share=0.3)
    on_total = off_total = 0
    for seed in (1, 2, 3, 4):
        on = run(spec, seed)["tiers"]["L1"]
        off = run(spec, seed, SetPrioritySales(False))["tiers"]["L1"]
        assert on["wait_p95_ms"] > off["wait_p95_ms"], (seed, on["wait_p95_ms"], off["wait_p95_ms"])
        assert on["satisfaction"] < off["satisfaction"]
        on_total += on["wait_p95_ms"]
        off_total += off["wait_p95_ms"]
    assert on_total > 1.2 * off_total
