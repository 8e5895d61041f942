"""Every call into a mod goes through `Guard.call`: it names what went wrong instead of letting it escape.

- any exception, `SystemExit` and other `BaseException`s included, becomes the mod's failure (Ctrl-C is the
  player's: `KeyboardInterrupt` passes through);
- a time budget per call: a watchdog thread stops a call that runs past it (it raises `HookTimeout` inside the
  hook's thread), so a hook that loops for ever is named instead of hanging the run;
- Python's global `random` refuses to be used inside a hook (a run must be the same on every machine: a hook's
  randomness comes from the `rng` it is handed); the module-level functions are wrapped once, at import, so that
  even `from random import randint` in a mod gets the guarded one;
- time per mod and hook is added up (`--profile-mods`), and `RIVER_TRACE_MODS=1` prints every call, its arguments
  and its answer to stderr, as datasette's DATASETTE_TRACE_PLUGINS does.
"""

from __future__ import annotations

import ctypes
import os
import random
import sys
import threading
import time
from collections.abc import Callable

TRACE_ENV = "RIVER_TRACE_MODS"
DEFAULT_BUDGET_S = 2.0  # wall-clock seconds one hook call may take


class HookTimeout(BaseException):
    """Raised inside a hook that ran past its time budget (a BaseException, so a bare `except Exception` in the
    mod does not swallow it)."""


class GlobalRandomUsed(RuntimeError):
    """A hook called Python's global `random`: runs would differ from machine to machine."""


_local = threading.local()  # .in_hook: the (mod, hook) a thread is inside, or None


def _guarded(name: str, function: Callable) -> Callable:
    def guarded(*args, **kwargs):
        inside = getattr(_local, "in_hook", None)
        if inside is not None:
            raise GlobalRandomUsed(f"random.{name}() called: Python's global random differs from run to run; "
                                   "use the `rng` argument the hook is handed (seeded with the run)")
        return function(*args, **kwargs)
    guarded.__name__ = guarded.__qualname__ = name
    guarded.__doc__ = function.__doc__
    guarded.__wrapped__ = function
    return guarded


def _guard_global_random() -> None:
    for name in ("random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample", "gauss",
                 "normalvariate", "lognormvariate", "expovariate", "vonmisesvariate", "gammavariate", "triangular",
                 "betavariate", "paretovariate", "weibullvariate", "getrandbits", "randbytes", "binomialvariate",
                 "seed", "setstate"):
        function = getattr(random, name, None)
        if function is not None and not hasattr(function, "__wrapped__"):
            setattr(random, name, _guarded(name, function))


_guard_global_random()


class _Watchdog:
    """One daemon thread for the process: it stops calls past their deadline in whichever thread runs them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[int, float] = {}  # thread id -> deadline (perf_counter seconds)
        self.fired: set[int] = set()
        self.thread: threading.Thread | None = None

    def begin(self, budget_s: float) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._watch, name="river-mod-watchdog", daemon=True)
            self.thread.start()
        self.running[threading.get_ident()] = time.perf_counter() + budget_s

    def end(self) -> bool:
        """Leave the call; True if the watchdog stopped it."""
        ident = threading.get_ident()
        with self.lock:
            self.running.pop(ident, None)
            if ident in self.fired:
                self.fired.discard(ident)
                return True
        return False

    def _watch(self) -> None:
        while True:
            time.sleep(0.02)
            now = time.perf_counter()
            with self.lock:
                for ident, deadline in list(self.running.items()):
                    if now > deadline and ident not in self.fired:
                        self.fired.add(ident)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                                   ctypes.py_object(HookTimeout))


_WATCHDOG = _Watchdog()


class Guard:
    """Calls into the mods of one session: isolated, timed, traced."""

    def __init__(self, budget_s: float = DEFAULT_BUDGET_S) -> None:
        self.budget_s = budget_s
        self.timings: dict[tuple[str, str], list] = {}  # (mod id, hook) -> [calls, seconds]
        self.trace = bool(os.environ.get(TRACE_ENV))

    def call(self, mod_id: str, hook: str, function: Callable, args: tuple) -> tuple[object, str | None,
                                                                                        BaseException | None]:
        """(answer, problem, exception): problem is None when the call returned normally and in time."""
        _local.in_hook = (mod_id, hook)
        start = time.perf_counter()
        try:
            answer, problem, error = self._call(function, args)
        except HookTimeout as exc:  # delivered while the call was being wound up
            _WATCHDOG.end()
            answer, problem, error = None, self._late(), exc
        finally:
            _local.in_hook = None
            elapsed = time.perf_counter() - start
            timing = self.timings.get((mod_id, hook))
            if timing is None:
                timing = self.timings[(mod_id, hook)] = [0, 0.0]
            timing[0] += 1
            timing[1] += elapsed
        if self.trace:
            shown = ", ".join(_short(a) for a in args)
            outcome = repr(answer) if problem is None else f"failed: {problem}"
            print(f"[mods] {mod_id} {hook}({shown}) -> {outcome} ({elapsed * 1000:.3f} ms)", file=sys.stderr)
        return answer, problem, error

    def _call(self, function: Callable, args: tuple) -> tuple[object, str | None, BaseException | None]:
        _WATCHDOG.begin(self.budget_s)
        try:
            answer = function(*args)
        except KeyboardInterrupt:
            _WATCHDOG.end()
            raise
        except BaseException as exc:  # SystemExit too: a mod must never end the run as if it had succeeded
            stopped = _WATCHDOG.end()
            if stopped or isinstance(exc, HookTimeout):
                return None, self._late(), exc
            return None, f"{type(exc).__name__}: {exc}", exc
        if _WATCHDOG.end():
            return None, self._late(), None
        return answer, None, None

    def _late(self) -> str:
        return f"ran past its time budget of {self.budget_s:g} s and was stopped"

    def profile_lines(self) -> list[str]:
        """Time per mod and hook, slowest first."""
        rows = sorted(self.timings.items(), key=lambda item: -item[1][1])
        lines = [f"{'mod':20} {'hook':24} {'calls':>9} {'total ms':>10} {'per call µs':>12}"]
        for (mod_id, hook), (calls, seconds) in rows:
            lines.append(f"{mod_id:20} {hook:24} {calls:>9} {seconds * 1000:>10.1f} {seconds / calls * 1e6:>12.1f}")
        return lines


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
