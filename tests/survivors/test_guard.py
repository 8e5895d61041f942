"""The mod guard's promises (issue 21's guard survivors), through `Guard.call`, its profile and its trace."""

from __future__ import annotations

import random
import time

import pytest

from factory_game.plugins.guard import TRACE_ENV, Guard

# every module-level function of `random` a hook could reach for, with arguments that work outside a hook
CALLS = {
    "random": (), "uniform": (0, 1), "randint": (0, 9), "randrange": (10,), "choice": ([1, 2],),
    "choices": ([1, 2],), "shuffle": ([1, 2, 3],), "sample": ([1, 2, 3], 2), "gauss": (0, 1),
    "normalvariate": (0, 1), "lognormvariate": (0, 1), "expovariate": (1,), "vonmisesvariate": (0, 1),
    "gammavariate": (1, 1), "triangular": (), "betavariate": (1, 1), "paretovariate": (1,),
    "weibullvariate": (1, 1), "getrandbits": (8,), "randbytes": (2,), "binomialvariate": (),
    "seed": (1,), "setstate": (random.getstate(),),
}


@pytest.mark.parametrize("name", sorted(n for n in CALLS if hasattr(random, n)))
def test_global_random_is_refused_inside_a_hook_and_works_outside(name):
    """Every function of Python's global `random` fails the hook that calls it, and still works outside hooks."""
    state = random.getstate()
    try:
        answer, problem, error = Guard().call("m", "river_price", lambda: getattr(random, name)(*CALLS[name]), ())
        assert answer is None and problem is not None
        assert problem.startswith(f"GlobalRandomUsed: random.{name}() called")
        getattr(random, name)(*CALLS[name])  # outside a hook: the ordinary function, no error
    finally:
        random.setstate(state)


def test_a_hook_that_swallows_the_timeout_and_answers_late_is_still_stopped():
    """An answer given after the watchdog fired is not accepted, even if the hook caught the stop itself."""
    def stubborn():
        try:
            while True:
                pass
        except BaseException:  # the hook catches HookTimeout and answers anyway
            return 42

    answer, problem, _error = Guard(budget_s=0.05).call("m", "river_price", stubborn, ())
    assert answer is None
    assert problem == "ran past its CPU-time budget of 0.05 s and was stopped"
    assert Guard().call("m", "river_price", lambda: 7, ()) == (7, None, None)  # the next call is on time again


def test_an_answer_is_refused_when_the_watchdog_fires_as_the_hook_returns():
    """The watchdog's stop lands as the hook returns (its HookTimeout never delivered): the answer is still refused,
    by the watchdog's own word, though the call was quick by the clock."""
    import threading

    from factory_game.plugins import guard

    def quick_but_stopped():
        guard._WATCHDOG.fired.add(threading.get_ident())  # what the watchdog does when it fires
        return 42

    answer, problem, _error = Guard(budget_s=0.05).call("m", "river_price", quick_but_stopped, ())
    assert (answer, problem) == (None, "ran past its CPU-time budget of 0.05 s and was stopped")
    assert threading.get_ident() not in guard._WATCHDOG.fired  # taken back for the next call


def test_an_answer_over_budget_is_refused_even_before_the_watchdog_says_so(monkeypatch):
    """A hook that used more CPU than its budget is refused by the time it took, whether or not the watchdog has
    recorded its stop yet (here it never does: its record is switched off; the stop itself is still delivered)."""
    from factory_game.plugins import guard

    class Unrecorded(set):
        def add(self, _ident):
            pass

    monkeypatch.setattr(guard._WATCHDOG, "fired", Unrecorded())

    def stubborn():
        try:
            while True:
                pass
        except BaseException:
            return 42

    answer, problem, _error = Guard(budget_s=0.05).call("m", "river_price", stubborn, ())
    assert (answer, problem) == (None, "ran past its CPU-time budget of 0.05 s and was stopped")


def test_profile_lists_the_slowest_hook_first():
    """--profile-mods prints one row per mod and hook, by total time, slowest first, with its call count."""
    guard = Guard()
    for _ in range(3):
        guard.call("quick", "river_price", lambda: 1, ())
    guard.call("slow", "river_answer_prompt", lambda: time.sleep(0.03), ())
    lines = guard.profile_lines()
    assert lines[0].split() == ["mod", "hook", "calls", "total", "ms", "per", "call", "µs"]
    assert [line.split()[:3] for line in lines[1:]] == [["slow", "river_answer_prompt", "1"],
                                                        ["quick", "river_price", "3"]]


def test_trace_prints_every_call_with_its_arguments_and_answer(monkeypatch, capsys):
    """With RIVER_TRACE_MODS=1 every call is a line on stderr: mod, hook, arguments, answer or failure, time."""
    monkeypatch.setenv(TRACE_ENV, "1")
    guard = Guard()
    guard.call("m", "river_price", lambda a, b: a + len(b), (2, "abc"))
    guard.call("m", "river_answer_prompt", lambda: 1 / 0, ())
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[mods] m river_price(2, 'abc') -> 5 (") and lines[0].endswith(" ms)")
    assert lines[1].startswith("[mods] m river_answer_prompt() -> failed: ZeroDivisionError: division by zero (")
    monkeypatch.delenv(TRACE_ENV)
    Guard().call("m", "river_price", lambda: 1, ())
    assert capsys.readouterr().err == ""


def test_profile_figures_are_total_milliseconds_and_microseconds_per_call():
    """A row's total is in ms and its per-call time in µs: per call x calls = total x 1000."""
    guard = Guard()
    for _ in range(4):
        guard.call("m", "river_price", lambda: time.sleep(0.1), ())
    _mod, _hook, calls, total_ms, per_call_us = guard.profile_lines()[1].split()
    assert int(calls) == 4 and 400 <= float(total_ms) < 4000
    assert float(per_call_us) * 4 == pytest.approx(float(total_ms) * 1000, rel=5e-4)  # as printed: 0.1 ms of 400


def test_trace_cuts_long_arguments_at_sixty_characters(monkeypatch, capsys):
    """An argument's repr up to 60 characters is shown whole; a longer one is cut to 57 and '...'."""
    monkeypatch.setenv(TRACE_ENV, "1")
    guard = Guard()
    fits, long = "x" * 58, "y" * 59  # reprs of 60 and 61 characters
    guard.call("m", "river_price", lambda a, b: 0, (fits, long))
    line = capsys.readouterr().err.strip()
    assert f"river_price({fits!r}, {repr(long)[:57]}...) -> 0 (" in line
