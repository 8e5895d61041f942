"""Incidents (docs/engine.md, "Incidents"): a level's `[incidents]` table draws unannounced events from their own
stream; each waits for an `AnswerIncident` before its deadline and takes its default when none comes."""

from __future__ import annotations

import json

import pytest

from factory_game.level import load_level
from factory_game.level.errors import LevelError
from factory_game.runner import load_commands, run_level
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import AnswerIncident, command_from_dict
from factory_game.sim.entities import DONE
from factory_game.sim.events import Kind
from factory_game.sim.incidents import KINDS
from factory_game.sim.world import World

RUSH = "levels/campaign/04-rush-hour.toml"
QUIET = ["autopilot.enabled=false", "market.elasticity=0", "market.reputation_strength=0"]  # demand moves by incidents


def _spec(rates, more=()):
    table = ", ".join(f"{kind} = {rate}" for kind, rate in rates.items())
    return load_level(RUSH, [*QUIET, f"incidents.rates={{{table}}}", *more])


def _first(world, kind=None):
    """Run to the first incident (of `kind`) and return it."""
    for incident in world.incidents.schedule:
        if kind is None or incident.kind == kind:
            world.advance(incident.at_ms)
            return incident
    raise AssertionError(f"no {kind} in the schedule")


def test_a_level_without_incidents_has_none_and_refuses_answers():
    world = World(load_level(RUSH, QUIET), seed=4)
    assert world.incidents is None
    record = world.apply(AnswerIncident(1, "accept"))
    assert not record.ok and record.reason == "this level has no incidents"


def test_timing_and_size_vary_by_seed_and_repeat_for_the_same_seed():
    spec = _spec({"rush_batch": 2, "viral_spike": 1})
    schedules = [[(i.at_ms, i.kind, i.params) for i in World(spec, seed=s).incidents.schedule] for s in (1, 1, 2)]
    assert schedules[0] == schedules[1] and schedules[0] != schedules[2]
    for at, _kind, _params in schedules[0]:
        assert 10 * MINUTE <= at <= spec.duration_ms - 10 * MINUTE
    gaps = [b[0] - a[0] for a, b in zip(schedules[0], schedules[0][1:], strict=False)]
    assert all(gap >= 10 * MINUTE for gap in gaps) and len(schedules[0]) >= 3


def test_the_event_log_names_id_kind_deadline_and_answer_and_the_default_comes_at_the_deadline():
    world = World(_spec({"supplier_offer": 1}), seed=3)
    events = []
    world.subscribe(lambda e: events.append(e) if e.kind == Kind.INCIDENT else None)
    incident = _first(world)
    assert events[-1].info == f"{incident.id}:supplier_offer:{incident.deadline_ms}"
    assert world.incidents.open_now() == [incident]
    world.advance(incident.deadline_ms)
    assert incident.choice == "decline" and incident.by == "default"
    assert events[-1].info == f"{incident.id}:supplier_offer:decline" and events[-1].ok is False
    record = world.commands[-1]
    assert record.source == "level" and record.command == AnswerIncident(incident.id, "decline")


def test_an_accepted_supplier_offer_brings_discounted_contract_slots():
    world = World(_spec({"supplier_offer": 1}), seed=3)
    incident = _first(world)
    record = world.apply(AnswerIncident(incident.id, "accept"))
    assert record.ok and incident.by == "player"
    world.advance(world.now + 2 * MINUTE)
    contracted = [s for s in world.slots.values() if s.committed_ms]
    assert len(contracted) == incident.params["slots"]
    assert {s.price_cents for s in contracted} == {round(225 * (1 - incident.params["discount"]))}


def test_a_rush_batch_accepted_pays_its_bonus_or_penalty():
    outcomes = {}
    for seed in range(1, 7):
        world = World(_spec({"rush_batch": 1}), seed=seed)
        incident = _first(world)
        customers = set(world.customers)
        assert world.apply(AnswerIncident(incident.id, "accept")).ok
        studio = next(c for i, c in world.customers.items() if i not in customers)
        batch = list(studio.tasks)
        assert [t.content for t in batch] == ["image"] * incident.params["tasks"] and studio.tier == "L3"
        before = world.ledger.other_cents
        world.advance(world.now + incident.params["window_ms"])
        on_time = all(t.state == DONE for t in batch)
        paid = world.ledger.other_cents - before
        outcomes[on_time] = True
        assert paid == (incident.params["bonus_cents"] if on_time else -incident.params["penalty_cents"])
    assert set(outcomes) == {True, False}  # both outcomes seen over these seeds


def test_a_viral_spike_raises_demand_and_surge_raises_prices_until_it_ends():
    world = World(_spec({"viral_spike": 1}), seed=2)
    incident = _first(world)
    assert world.market.demand == pytest.approx(incident.params["factor"])
    assert world.apply(AnswerIncident(incident.id, "surge")).ok
    assert world.market.prices["image"] == round(world.spec.content[0].price_cents * 1.3)
    world.advance(incident.at_ms + incident.params["duration_ms"])
    assert world.market.demand == 1.0 and world.market.prices["image"] == world.spec.content[0].price_cents


def test_a_competitor_cut_ignored_costs_demand_and_matched_costs_price():
    ignored = World(_spec({"competitor_cut": 1}), seed=2)
    incident = _first(ignored)
    ignored.advance(incident.deadline_ms)
    assert ignored.market.demand == pytest.approx(1 - incident.params["loss"])
    matched = World(_spec({"competitor_cut": 1}), seed=2)
    incident = _first(matched)
    assert matched.apply(AnswerIncident(incident.id, "match")).ok
    matched.advance(incident.deadline_ms)
    assert matched.market.demand == 1.0
    assert matched.market.prices["image"] == round(matched.spec.content[0].price_cents * (1 - incident.params["cut"]))


def test_an_upstream_outage_takes_slots_and_the_spot_stock_down():
    world = World(_spec({"upstream_outage": 1}, ["spot.stock=40"]), seed=2)
    stock = world.spot.stock
    incident = _first(world)
    down = sum(1 for s in world.slots.values() if s.state == "down")
    assert down == incident.params["slots"] and world.spot.stock < stock / 2
    world.advance(incident.at_ms + incident.params["duration_ms"])
    assert world.spot.stock == stock


def test_a_deprecated_model_migrated_pays_the_fee_and_is_down_briefly():
    world = World(_spec({"model_deprecated": 1}), seed=2)
    incident = _first(world)
    upstream = world.ledger.upstream_cents
    assert world.apply(AnswerIncident(incident.id, "migrate")).ok
    assert world.ledger.upstream_cents - upstream == incident.params["fee_cents"]
    world.advance(world.now + 10 * MINUTE)
    assert not any(s.state == "down" for s in world.slots.values())


def test_answers_that_cannot_be_given_are_refused_with_the_reason():
    world = World(_spec({"rush_batch": 1}), seed=2)
    early = world.apply(AnswerIncident(1, "accept"))
    assert (early.reason, early.code) == ("no incident 1 is open (opened so far: none)", "incident_not_open")
    incident = _first(world)
    bad = world.apply(AnswerIncident(incident.id, "maybe"))
    assert "takes one of accept, decline" in bad.reason and bad.code == "incident_bad_choice"
    assert "no incident 99 is open" in world.apply(AnswerIncident(99, "accept")).reason
    assert world.apply(AnswerIncident(incident.id, "decline")).ok
    assert "already answered" in world.apply(AnswerIncident(incident.id, "accept")).reason


def test_answers_are_recorded_replayed_and_the_autopilot_answers_none(tmp_path):
    spec = _spec({"rush_batch": 1, "viral_spike": 1, "supplier_offer": 1})
    world = World(spec, seed=5)
    schedule = world.incidents.schedule
    commands = [(i.at_ms + MINUTE, AnswerIncident(i.id, KINDS[i.kind].choices[0])) for i in schedule]
    first = run_level(spec, seed=5, commands=commands)
    assert first.event_hash != run_level(spec, seed=5).event_hash
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(first.to_json()))
    assert run_level(spec, seed=5, commands=load_commands(str(saved))).event_hash == first.event_hash
    assert command_from_dict(AnswerIncident(3, "accept").to_dict()) == AnswerIncident(3, "accept")
    managed = World(load_level(RUSH, ["incidents.rates={rush_batch = 1, viral_spike = 1}"]), seed=5)
    managed.run()
    answers = [r for r in managed.commands if r.command.name == "answer_incident"]
    assert answers and all(r.source == "level" for r in answers)


def test_the_incidents_table_is_checked_like_the_rest():
    with pytest.raises(LevelError) as info:
        load_level(RUSH, ["incidents.rates={rush_bach = 1, viral_spike = -2}", 'incidents.gap="soon"'])
    text = str(info.value)
    assert "rush_bach" in text and "rush_batch" in text and "viral_spike" in text and "incidents.gap" in text


def test_the_world_face_lists_open_incidents_with_choices_and_default():
    from factory_game.sim import queries

    assert queries.open_incidents(World(load_level(RUSH, QUIET), seed=1)) == []
    world = World(_spec({"viral_spike": 1}), seed=2)
    incident = _first(world)
    (shown,) = queries.open_incidents(world)
    assert shown is incident and shown.choices == ("serve", "surge", "close") and shown.default == "serve"
    world.advance(incident.deadline_ms)
    assert queries.open_incidents(world) == [] and queries.incidents_seen(world)[0].by == "default"


def test_every_kind_and_choice_has_its_words_in_both_languages():
    import tomllib
    from pathlib import Path

    for language in ("en", "zh-CN"):
        table = tomllib.loads((Path(__file__).resolve().parents[1] / "resources" / "i18n" / f"{language}.toml")
                              .read_text(encoding="utf-8"))["incident"]
        for kind in KINDS.values():
            assert {kind.name, f"{kind.name}_body", *(f"{kind.name}_{c}" for c in kind.choices)} <= set(table)


def test_a_saved_game_with_an_answered_incident_loads_and_goes_on_the_same(tmp_path):
    from factory_game.career import DAY_LEVEL
    from factory_game.save import load, save
    from factory_game.sim.events import EventLog

    def played(world, until):
        for incident in world.incidents.schedule:
            if incident.at_ms + MINUTE <= until and world.now <= incident.at_ms + MINUTE:
                world.advance(incident.at_ms + MINUTE)
                world.apply(AnswerIncident(incident.id, incident.choices[0]))
        world.advance(until)

    whole = World(load_level(DAY_LEVEL), seed=3)
    log = EventLog()
    whole.subscribe(log)
    played(whole, 5 * 60 * MINUTE)
    first = whole.incidents.schedule[0]
    assert first.by == "player"
    halfway = World(load_level(DAY_LEVEL), seed=3)
    played(halfway, first.at_ms + 2 * MINUTE)
    save(halfway, tmp_path / "game.json", DAY_LEVEL)
    again = EventLog()
    loaded = load(tmp_path / "game.json", world_hook=lambda w: w.subscribe(again))
    played(loaded, 5 * 60 * MINUTE)
    assert (again.hexdigest(), again.count) == (log.hexdigest(), log.count)
