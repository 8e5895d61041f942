"""The session: the built-in plugin, rules through the hooks, error isolation, observers and mod randomness."""

import logging

import pytest

from factory_game.builtin import CONTENT, MODELS
from factory_game.plugins import ModFailed, open_mods, prepare_level
from factory_game.runner import run_level
from factory_game.sim.events import Kind
from factory_game.sim.rules import Rules
from tests.mods.helpers import write_level, write_mod

HALF_HOUR = 30 * 60_000

# Each rule hook, done the built-in way until half an hour in, then broken.
FLAKY = {
    "river_price": """
        from factory_game.api import builtin_price
        @hookimpl
        def river_price(world, customer, task):
            if world.now > 30 * 60_000:
                raise ZeroDivisionError("surge divided by zero")
            return builtin_price(world, customer, task)
    """,
    "river_priority_key": """
        from factory_game.api import builtin_priority_key
        @hookimpl
        def river_priority_key(world, customer, task):
            if world.now > 30 * 60_000:
                return "first!"
            return builtin_priority_key(world, customer, task)
    """,
    "river_answer_prompt": """
        from factory_game.api import builtin_answer
        @hookimpl
        def river_answer_prompt(world, customer, predicted_wait_ms):
            if world.now > 30 * 60_000:
                return customer.no_such_thing
            return builtin_answer(world, customer, predicted_wait_ms)
    """,
    "river_observe": """
        @hookimpl
        def river_observe(event):
            if event.time > 30 * 60_000:
                raise KeyError(event.kind)
    """,
}
MESSAGES = {"river_price": "ZeroDivisionError: surge divided by zero",
            "river_priority_key": "answered 'first!'; expected a non-empty tuple of finite numbers",
            "river_answer_prompt": "AttributeError", "river_observe": "KeyError"}


def plain_run(tmp_path):
    return run_level(prepare_level(write_level(tmp_path / "plain.toml")).spec)


def test_the_builtin_content_is_registered_through_the_hooks():
    session = open_mods()
    assert [m.id for m in session.mods] == ["builtin"]
    assert list(session.catalog.content.values()) == list(CONTENT)
    assert list(session.catalog.models.values()) == list(MODELS)
    assert set(session.catalog.origin.values()) == {"the built-in content"}
    assert session.rules() == Rules()  # no mod: the simulation gets the built-in callables themselves


@pytest.mark.parametrize("hook", sorted(FLAKY))
def test_lenient_a_failing_mod_is_switched_off_and_nothing_is_lost(hook, mods_dir, tmp_path, caplog):
    write_mod(mods_dir, "flaky", FLAKY[hook], version="0.3.1")
    spec, _rules, session = prepare_level(write_level(tmp_path / "l.toml", '"flaky"'), lenient=True)
    alerts = []
    session.on_failure(alerts.append)
    with caplog.at_level(logging.INFO, logger="factory_game.mods"):
        result = run_level(spec, mods=session)
    (failure,) = session.failures
    assert alerts == [failure]
    assert (failure.mod_id, failure.version, failure.hook) == ("flaky", "0.3.1", hook)
    assert MESSAGES[hook] in failure.message and failure.time_ms > HALF_HOUR
    assert session.disabled == {"flaky"}
    assert "mod flaky 0.3.1 failed in " + hook in caplog.text and "switched off" in caplog.text
    if hook != "river_priority_key":
        assert "Traceback" in caplog.text
    # The mod did what the built-in rule does until it broke, and the built-in rule took over: the very same run.
    plain = plain_run(tmp_path)
    assert result.event_hash == plain.event_hash
    assert result.summary["money"] == plain.summary["money"]


@pytest.mark.parametrize("hook", sorted(FLAKY))
def test_strict_a_failing_mod_stops_the_run_with_a_named_error(hook, mods_dir, tmp_path):
    write_mod(mods_dir, "flaky", FLAKY[hook], version="0.3.1")
    spec, _rules, session = prepare_level(write_level(tmp_path / "l.toml", '"flaky"'))
    with pytest.raises(ModFailed, match=f"mod flaky 0.3.1 failed in {hook} at t=") as caught:
        run_level(spec, mods=session)
    assert MESSAGES[hook] in str(caught.value)


def test_run_level_opens_the_mods_a_level_names(mods_dir, tmp_path):
    write_mod(mods_dir, "flaky", FLAKY["river_price"])
    spec = prepare_level(write_level(tmp_path / "l.toml", '"flaky"')).spec
    with pytest.raises(ModFailed):
        run_level(spec)  # strict by default, like any headless run


@pytest.mark.parametrize("answer", ["-5", "12.5", "'cheap'", "True"])
def test_a_price_that_is_not_whole_cents_is_a_failure(answer, mods_dir, tmp_path):
    write_mod(mods_dir, "odd", f"@hookimpl\ndef river_price():\n    return {answer}\n")
    spec, _rules, session = prepare_level(write_level(tmp_path / "l.toml", '"odd"'), lenient=True)
    result = run_level(spec, mods=session)
    assert [f.hook for f in session.failures] == ["river_price"]
    assert "expected a price in whole cents" in session.failures[0].message
    assert result.event_hash == plain_run(tmp_path).event_hash  # the built-in price from the very first task


def test_the_last_loaded_mod_answers_first_and_none_passes(mods_dir, tmp_path):
    write_mod(mods_dir, "base", "@hookimpl\ndef river_price(task):\n    return 111\n")
    write_mod(mods_dir, "top", "@hookimpl\ndef river_price(task):\n    return 222 if task.id % 2 else None\n",
              deps={"base": ">=1"})
    holds = []
    spec, rules, session = prepare_level(write_level(tmp_path / "l.toml", '"top"'))
    assert [m.id for m in session.mods] == ["builtin", "base", "top"]
    run_level(spec, mods=session, world_hook=lambda w: w.subscribe(
        lambda e: holds.append((e.task, e.cents)) if e.kind == Kind.HOLD else None))
    assert holds and all(cents == (222 if task % 2 else 111) for task, cents in holds)


def test_observers_see_every_event_and_the_level(mods_dir, tmp_path):
    write_mod(mods_dir, "watcher", """
        SEEN = []
        @hookimpl
        def river_observe(event, level):
            SEEN.append((level.id, event))
    """)
    spec, _rules, session = prepare_level(write_level(tmp_path / "l.toml", '"watcher"'))
    result = run_level(spec, mods=session)
    seen = session.mods[-1].plugin.SEEN
    assert len(seen) == result.event_count
    assert {level for level, _e in seen} == {"mods-test"}
    assert result.event_hash == plain_run(tmp_path).event_hash  # watching changes nothing


def test_a_mod_draws_only_from_its_own_world_stream(mods_dir, tmp_path):
    write_mod(mods_dir, "coin", """
        STREAMS = set()
        @hookimpl
        def river_answer_prompt(world, rng):
            STREAMS.add((type(rng).__name__, hasattr(world, "rng")))
            return rng.random() < 0.5
    """)
    level = write_level(tmp_path / "l.toml", '"coin"')
    runs = [run_level(*prepare_level(level)[:1], seed=seed) for seed in (4, 4, 5)]
    assert runs[0].event_hash == runs[1].event_hash != runs[2].event_hash
    assert runs[0].summary["overall"]["prompts"] > 10
    plugin = open_mods([("coin", "")]).mods[-1].plugin
    assert plugin.STREAMS == {("Random", False)}  # its own stream; the world's streams are out of reach


def test_mod_states_says_for_each_given_mod_why_it_cannot_load_or_which_hooks_it_has(mods_dir):
    """`mods` lists each mod with its hooks, or its problems joined by '; ' (missing dependencies; a package shadowed
    by a folder mod), for exactly the mods it is given."""
    from dataclasses import replace

    from factory_game.plugins import discover, mod_states

    write_mod(mods_dir, "fine", "@hookimpl\ndef river_price(world, customer, task):\n    return None\n")
    write_mod(mods_dir, "needy", "@hookimpl\ndef river_price(world, customer, task):\n    return None\n",
              deps={"absent": ">=1", "gone": ">=1"})
    mine = [info for info in discover() if info.manifest and info.manifest.id in ("fine", "needy")]
    found = {info.manifest.id: info for info in mine}
    states = mod_states([found["fine"], found["needy"]])
    missing = "mod needy 1.0.0 needs mod {} >=1, which is not installed (found: fine 1.0.0, needy 1.0.0)"
    assert [(info.manifest.id, problem, hooks) for info, problem, hooks in states] == [
        ("fine", None, ["river_price"]),
        ("needy", f"{missing.format('absent')}; {missing.format('gone')}", [])]
    assert [info.manifest.id for info, _p, _h in mod_states([found["fine"]])] == ["fine"]
    shadowed = replace(found["fine"], shadowed_by="mods/fine/mod.toml")
    assert mod_states([shadowed])[0][1:] == (
        "shadowed by mods/fine/mod.toml (a folder mod wins over an installed package with the same id)", [])
