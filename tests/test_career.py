"""A career (factory_game/career.py): consecutive days of one business, cash, reputation, contracts and unlocked
levers carried over, each day drawn from the career's seed; headless through `factory-game career run`."""

from __future__ import annotations

import json
import re

import pytest

from factory_game.career import (
    DAY_LEVEL,
    UNLOCK_ORDER,
    Contract,
    career_document,
    new_business,
    new_career,
    play_next_day,
    read_career,
    run_career,
    save_career,
    start_day,
)
from factory_game.cli import main
from factory_game.errors import BadInput
from factory_game.level.loader import load_level
from factory_game.sim.clock import MINUTE


def test_same_seed_same_career_and_another_seed_differs():
    first, again, other = run_career(3, 7, "expert"), run_career(3, 7, "expert"), run_career(3, 8, "expert")
    assert first == again and first["days"] != other["days"]
    assert len({day["seed"] for day in first["days"]}) == 3


def test_cash_reputation_contracts_and_levers_carry_over():
    career = run_career(4, 1, "expert")
    days = career["days"]
    assert career["ended"] == "days" and len(days) == 4
    start = 20_000  # levels/career/day.toml start_cash
    for day in days:
        assert day["cash_cents"] - day["profit_cents"] == start  # the day began with the previous day's cash
        start = day["cash_cents"]
    assert days[0]["contracts_carried"] > 0  # 8-hour contracts outlive a 6-hour day
    assert any(day["answered_by_player"] for day in days)  # the expert answers incidents
    first = next(i for i, day in enumerate(days) if day["stars"] == 3)  # a three-star day unlocks a lever
    assert UNLOCK_ORDER[0] in days[first]["levers"]
    assert all(UNLOCK_ORDER[0] not in day["levers"] for day in days[:first])
    assert career["score"]["cash_cents"] == days[-1]["cash_cents"]


def test_doing_nothing_earns_less_than_the_expert():
    idle, expert = run_career(3, 2, "none"), run_career(3, 2, "expert")
    assert all(day["answered_by_player"] == 0 for day in idle["days"])
    assert idle["score"]["stars"] < expert["score"]["stars"]


def test_a_career_ends_in_bankruptcy_when_cash_runs_out(tmp_path):
    broke = tmp_path / "day.toml"
    broke.write_text(DAY_LEVEL.read_text(encoding="utf-8").replace('start_cash = "200.00"', 'start_cash = "-900.00"'),
                     encoding="utf-8")
    career = run_career(5, 1, "none", broke)
    assert career["ended"] == "bankrupt" and len(career["days"]) == 1


def test_the_command_writes_each_days_cash_reputation_and_stars(tmp_path, capsys):
    out = tmp_path / "career.json"
    assert main(["career", "run", "--days", "2", "--seed", "3", "--policy", "expert", "--json", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [day["day"] for day in record["days"]] == [1, 2]
    assert {"cash_cents", "reputation", "stars"} <= set(record["days"][0])
    assert main(["career", "run", "--days", "0"]) == 2
    assert "--days" in capsys.readouterr().err


def test_a_career_saved_each_evening_resumes_to_the_same_end(tmp_path):
    """Saved between days: three days played straight equal two days, a save, and the third day from the save."""
    straight = run_career(3, 5, "expert")
    saved = tmp_path / "career-save.json"
    career = new_career(5, 3)
    play_next_day(career, "expert")
    play_next_day(career, "expert")
    save_career(career, saved)
    resumed = run_career(3, 5, "expert", resume=read_career(saved), save_to=saved)
    assert resumed == straight
    assert read_career(saved).ended == "days" and read_career(saved).day == 3


def test_the_command_saves_and_resumes_a_career(tmp_path, capsys):
    save, out = tmp_path / "c.json", tmp_path / "out.json"
    assert main(["career", "run", "--days", "2", "--seed", "4", "--save", str(save)]) == 0
    assert json.loads(save.read_text(encoding="utf-8"))["ended"] == "days"
    assert main(["career", "run", "--resume", str(save), "--json", str(out)]) == 2  # it is over
    assert "ended (days) after 2 days" in capsys.readouterr().err


@pytest.mark.parametrize(("edit", "named"), [
    (lambda d: d.update(kind="river-save"), "[kind]"),
    (lambda d: d.update(format=9), "[format]"),
    (lambda d: d["business"].update(cash_cents="lots"), "[business.cash_cents]"),
    (lambda d: d["business"].update(reputation=3), "[business.reputation]"),
    (lambda d: d["business"].update(levers=["price", "time travel"]), "[business.levers]"),
    (lambda d: d["business"]["contracts"].append({"model": "nope", "left_ms": 5, "price_cents": 1}),
     "[business.contracts]"),
    (lambda d: d["business"]["contracts"].append({"model": "sd15", "left_ms": -5, "price_cents": 1}),
     "[business.contracts[0]]"),
    (lambda d: d.update(level="../README.md"), "[level]"),
    (lambda d: d.update(level="career/night.toml"), "[level]"),
    (lambda d: d.update(ended="maybe"), "[ended]"),
])
def test_an_edited_career_save_is_refused_by_name(tmp_path, capsys, edit, named):
    career = new_career(1, 3)
    data = json.loads(career_document(career))
    edit(data)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BadInput, match=re.escape(named)):
        read_career(path)
    assert main(["career", "run", "--resume", str(path)]) == 2
    assert str(path) in capsys.readouterr().err


def test_a_contract_carried_with_minutes_left_is_billed_those_minutes_not_a_minimum_rental():
    """A contract's last 20 minutes carried into a new day cost 20 minutes of its price when the slot leaves, not the
    hour a spot rental owes at least (it was billed up to the evening the day before)."""
    base = load_level(DAY_LEVEL)
    business = new_business(base)
    business.contracts = [Contract("sd15", 20 * MINUTE, 600)]
    world = start_day(base, 1, business)
    world.advance(30 * MINUTE)
    world.settle_costs()
    contract_bills = [e.cents for e in world.ledger.entries if e.kind == "upstream" and e.note == "sd15:contract"]
    assert sum(contract_bills) == 600 * 20 // 60
    assert not any(s.committed_ms for s in world.models["sd15"].slots)  # it left at the end of its period
