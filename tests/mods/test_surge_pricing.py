"""Example mod 2 (mods/surge-pricing): the price rises with the queue along the documented curve."""

from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from factory_game.plugins import open_mods, prepare_level
from factory_game.runner import run_level
from factory_game.sim.events import Kind

ROOT = Path(__file__).resolve().parents[2]
LEVEL = ROOT / "levels" / "mods" / "surge-hour.toml"
surge = open_mods([("surge-pricing", "")]).mods[-1].plugin


def fake_world(queued: int, slots: int, price: int = 50, surcharge: float = 0.0):
    model = SimpleNamespace(queue_length=queued, capacity=slots)
    return SimpleNamespace(models={"m": model}, prices={"image": price},
                           spec=SimpleNamespace(priority_surcharge=surcharge),
                           market=SimpleNamespace(surcharge=surcharge))  # the surcharge now (a lever)


def price(queued, slots, priority=False, list_price=50, surcharge=0.0):
    return surge.river_price(fake_world(queued, slots, list_price, surcharge), SimpleNamespace(priority=priority),
                             SimpleNamespace(model="m", content="image"))


def test_the_documented_curve():
    assert [price(q, 10) for q in (0, 5, 10, 15, 20, 25, 40)] == [50, 50, 62, 75, 88, 100, 100]
    assert price(3, 0) == 100  # no serving slot: the cap
    assert price(20, 10, priority=True, surcharge=0.5) == 131  # 1.75 x the built-in price (50 + 50%)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 40), st.integers(0, 10_000))
def test_the_price_never_falls_as_the_queue_grows_and_stays_within_one_to_two_times(a, b, slots, list_price):
    low, high = sorted((a, b))
    p_low, p_high = price(low, slots, list_price=list_price), price(high, slots, list_price=list_price)
    assert list_price <= p_low <= p_high <= 2 * list_price
    assert type(p_high) is int


def run(mods):
    holds = []
    spec, _rules, session = prepare_level(LEVEL, [f"level.mods={mods}"])
    result = run_level(spec, mods=session, world_hook=lambda w: w.subscribe(
        lambda e: holds.append(e.cents) if e.kind == Kind.HOLD else None))
    return result, holds


def test_the_rush_raises_prices_and_revenue_per_image():
    surged, holds = run('["surge-pricing"]')
    plain, plain_holds = run("[]")
    assert set(plain_holds) == {50}
    assert min(holds) == 50 and max(holds) == 100 and len(set(holds)) > 10
    per_image = surged.summary["money"]["revenue_cents"] / surged.summary["overall"]["completed"]
    plain_per_image = plain.summary["money"]["revenue_cents"] / plain.summary["overall"]["completed"]
    assert per_image > 1.2 * plain_per_image
