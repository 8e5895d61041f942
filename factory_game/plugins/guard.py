"""Every call into a mod goes through `Guard.call`: it names what went wrong instead of letting it escape.

- any exception, `SystemExit` and other `BaseException`s included, becomes the mod's failure (Ctrl-C is the
  player's: `KeyboardInterrupt` passes through);
- a budget of **CPU time** per call (the hook thread's own clock, so a loaded machine does not make a fast hook
  fail at random). A watchdog thread raises `HookTimeout` inside a hook past its budget; a hook that swallows it
  (a bare `except:` retry loop) or that blocks in C (a sleep, a socket read) past a generous wall-clock ceiling
  cannot be stopped from inside Python, so the watchdog then ends the process: it prints the mod, the hook and the
  simulated time, flushes what it can and exits with code 2 (`os._exit`, which no `except` can catch);
- Python's global `random` refuses to be used inside a hook (a run must be the same on every machine: a hook's
  randomness comes from the `rng` it is handed); the module-level functions are wrapped once, at import, so that
  even `from random import randint` in a mod gets the guarded one, and so is `random.SystemRandom` (the
  operating system's entropy, behind `secrets`). The other sources of difference a mod's own code can reach while
  a hook runs — the clocks (`time.time`, `time.monotonic`, `time.perf_counter`, `time.thread_time`,
  `time.clock_gettime`, `time.localtime()` with no argument …, `datetime.datetime.now`/`utcnow`/`today`,
  `datetime.date.today`), `os.urandom`, `secrets.*`, `uuid.uuid1`/`uuid4` and an unseeded `random.Random()` —
  raise `NondeterministicCall`, naming what was called (the session names the mod and the hook). All are
  installed once per process; outside hooks they cost one thread-local read per call and change nothing (the
  game and the watchdog keep their own clocks);
- time per mod and hook is added up (`--profile-mods`), and `RIVER_TRACE_MODS=1` prints every call, its arguments
  and its answer to stderr, as datasette's DATASETTE_TRACE_PLUGINS does (`RIVER_TRACE_MODS=mod-id` or
  `=mod-id:hook` keeps only those calls; empty or `0` is off).
"""

from __future__ import annotations

import ctypes
import datetime
import gc
import os
import random
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

TRACE_ENV = "RIVER_TRACE_MODS"
DEFAULT_BUDGET_S = 2.0  # CPU seconds one hook call may use
WALL_CEILING_FACTOR, WALL_CEILING_MIN_S = 5.0, 5.0  # a call blocked in C ends the run past max(5 s, 5 × budget)
GRACE_S = 1.0  # how long a hook that was sent HookTimeout has to give up before the process ends
PRECISE_BELOW_S = 0.1  # budgets below this read the CPU clock at the start of every call (see _Call)

# the guard's own clocks, taken before the clocks are audited below
_perf_counter, _thread_time, _clock_gettime = time.perf_counter, time.thread_time, time.clock_gettime


class HookTimeout(BaseException):
    """Raised inside a hook that ran past its time budget (a BaseException, so a bare `except Exception` in the
    mod does not swallow it)."""


class GlobalRandomUsed(RuntimeError):
    """A hook called Python's global `random`: runs would differ from machine to machine."""


class NondeterministicCall(RuntimeError):
    """A mod's code read a clock or an unseeded source of randomness inside a hook: runs would differ."""


_local = threading.local()  # .in_hook: the (mod, hook) a thread is inside, or None
_MOD_MODULES: set[str] = set()  # the top-level module names of loaded mods: their code is audited


def current_hook() -> tuple[str, str] | None:
    """The (mod id, hook) this thread is running, or None outside hooks."""
    return getattr(_local, "in_hook", None)


def audit_module(name: str) -> None:
    """Audit a loaded mod's code: its package (or file module) and everything under it."""
    _MOD_MODULES.add(name.split(".", 1)[0] if not name.startswith("river_mod_") else name)


def _from_mod(depth: int = 2) -> bool:
    name = sys._getframe(depth).f_globals.get("__name__", "")
    return name.split(".", 1)[0] in _MOD_MODULES or name in _MOD_MODULES


def _guarded(name: str, function: Callable) -> Callable:
    def guarded(*args, **kwargs):
        inside = getattr(_local, "in_hook", None)
        if inside is not None:
            raise GlobalRandomUsed(f"random.{name}() called: Python's global random differs from run to run; "
                                   "use the `rng` argument the hook is handed (seeded with the run)")
        return function(*args, **kwargs)
    guarded.__name__ = guarded.__qualname__ = name
    guarded.__doc__ = function.__doc__
    guarded.__wrapped__ = function  # type: ignore[attr-defined]
    return guarded


def _guard_global_random() -> None:
    for name in ("random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample", "gauss",
                 "normalvariate", "lognormvariate", "expovariate", "vonmisesvariate", "gammavariate", "triangular",
                 "betavariate", "paretovariate", "weibullvariate", "getrandbits", "randbytes", "binomialvariate",
                 "seed", "setstate"):
        function = getattr(random, name, None)
        if function is not None and not hasattr(function, "__wrapped__"):
            setattr(random, name, _guarded(name, function))


_FIX = {"clock": "a hook sees simulated time as world.now; a run must not depend on when or how fast it runs",
        "entropy": "use the `rng` argument the hook is handed (seeded with the run)"}


def _audited(label: str, why: str, function: Callable, max_args: int | None = None) -> Callable:
    """`function`, refusing to run when a mod's code calls it inside a hook (with more than `max_args` positional
    arguments it reads no clock: `time.localtime(t)` is fine, `time.localtime()` is not)."""
    def audited(*args, **kwargs):
        if getattr(_local, "in_hook", None) is not None and (max_args is None or len(args) <= max_args) \
                and _from_mod():
            raise NondeterministicCall(f"{label} called inside a hook: it differs from run to run; {_FIX[why]}")
        return function(*args, **kwargs)
    audited.__name__ = audited.__qualname__ = getattr(function, "__name__", label)
    audited.__doc__ = function.__doc__
    audited.__wrapped__ = function  # type: ignore[attr-defined]
    return audited


_SOURCES = (  # (module, name, why, most positional arguments with which it still reads the clock; None: any)
    *((time, name, "clock", None) for name in ("time", "time_ns", "monotonic", "monotonic_ns", "perf_counter",
                                               "perf_counter_ns", "process_time", "process_time_ns", "thread_time",
                                               "thread_time_ns", "clock_gettime", "clock_gettime_ns")),
    (time, "localtime", "clock", 0), (time, "gmtime", "clock", 0), (time, "ctime", "clock", 0),
    (time, "asctime", "clock", 0), (time, "strftime", "clock", 1),
    (os, "urandom", "entropy", None), (uuid, "uuid1", "entropy", None), (uuid, "uuid4", "entropy", None),
    *((secrets, name, "entropy", None) for name in ("token_bytes", "token_hex", "token_urlsafe", "randbelow",
                                                     "randbits", "choice")),
)


def _audit_sources() -> None:
    for module, name, why, max_args in _SOURCES:
        function = getattr(module, name, None)
        if function is not None and not hasattr(function, "__wrapped__"):
            setattr(module, name, _audited(f"{module.__name__}.{name}()", why, function, max_args))
    _audit_system_random()
    _audit_datetime()
    init = random.Random.__init__
    if not hasattr(init, "__wrapped__"):
        def seeded_init(self, x=None):
            if x is None and getattr(_local, "in_hook", None) is not None and _from_mod():
                raise NondeterministicCall(f"{type(self).__name__}() without a seed called inside a hook: it "
                                           f"differs from run to run; {_FIX['entropy']}")
            init(self, x)
        seeded_init.__wrapped__ = init  # type: ignore[attr-defined]
        random.Random.__init__ = seeded_init  # type: ignore[method-assign]


def _audit_system_random() -> None:
    """`random.SystemRandom` draws from the operating system whoever calls it (`secrets`, a library, the mod): inside
    a hook, any draw is refused, as the global `random` is."""
    for name in ("random", "getrandbits", "randbytes"):
        function = getattr(random.SystemRandom, name)
        if hasattr(function, "__wrapped__"):
            continue

        def drawn(self, *args, _name=name, _function=function):
            inside = getattr(_local, "in_hook", None)
            if inside is not None:
                raise NondeterministicCall(f"random.SystemRandom.{_name}() called inside a hook (directly, or by "
                                           f"`secrets`): it differs from run to run; {_FIX['entropy']}")
            return _function(self, *args)
        drawn.__name__ = drawn.__qualname__ = name
        drawn.__wrapped__ = function  # type: ignore[attr-defined]
        setattr(random.SystemRandom, name, drawn)


def _audit_datetime() -> None:
    """`datetime.datetime.now()` and `utcnow()` read the system clock in C, past `time.time`, on types of the C
    module whose attributes cannot be set: the audited versions are put into each type's own dict (`gc` hands out
    the dict behind its read-only proxy) and CPython is told the type changed. `date.today()` (and so
    `datetime.today()`) is audited the same way, to be named as what the mod called. Subclasses inherit them."""
    for cls, names in ((datetime.date, ("today",)), (datetime.datetime, ("now", "utcnow"))):
        namespace = gc.get_referents(cls.__dict__)[0]
        if not isinstance(namespace, dict):  # not CPython's layout: leave datetime as it is (check-mod finds it)
            return
        for name in names:
            original = namespace.get(name)
            if original is None or hasattr(original, "__wrapped__"):
                continue
            namespace[name] = classmethod(_audited_constructor(f"datetime.{cls.__name__}.{name}()", original))
        ctypes.pythonapi.PyType_Modified(ctypes.py_object(cls))


def _audited_constructor(label: str, original: Any) -> Callable:
    def audited(klass, *args, **kwargs):
        if getattr(_local, "in_hook", None) is not None and _from_mod():
            raise NondeterministicCall(f"{label} called inside a hook: it differs from run to run; {_FIX['clock']}")
        return original.__get__(None, klass)(*args, **kwargs)
    audited.__name__ = audited.__qualname__ = label.rsplit(".", 1)[1][:-2]
    audited.__wrapped__ = original  # type: ignore[attr-defined]
    return audited


_guard_global_random()
_audit_sources()


class _Call:
    """One hook call the watchdog keeps an eye on. Reading a thread's CPU clock is a system call (about 2 µs), so
    a call under a budget of 0.1 s or more does not read it at all: the watchdog takes its first reading when it
    first sees the call (at most one 10 ms poll after it began), and a call that ends within its budget by the
    wall clock cannot have used more CPU than that. Tighter budgets are read exactly, at the start."""

    __slots__ = ("mod_id", "hook", "time_ms", "budget_s", "clock", "cpu_start", "wall_start", "fired_at",
                 "ident", "gc_start")

    def __init__(self, ident: int, clock: int | None) -> None:
        self.ident, self.clock = ident, clock  # the thread's: a thread keeps one record and restarts it each call

    def restart(self, mod_id: str, hook: str, time_ms: int | None, budget_s: float) -> None:
        self.mod_id, self.hook, self.time_ms, self.budget_s = mod_id, hook, time_ms, budget_s
        clock = self.clock
        self.gc_start = _GC_SECONDS.get(self.ident, 0.0)
        self.cpu_start: float | None = _cpu_now(clock) if budget_s < PRECISE_BELOW_S else None
        self.wall_start = _perf_counter()
        self.fired_at: float | None = None

    def cpu_used(self) -> float:
        """CPU seconds the call has used (from the watchdog's first sight of it, for a wide budget), less the
        interpreter's garbage collections in its thread: a collection falls wherever the allocation count says, so
        a fast hook charged with one would fail at the same simulated time on every run."""
        now = _cpu_now(self.clock)
        if self.cpu_start is None:
            self.cpu_start = now if self.clock is not None else self.wall_start
        collecting = _GC_SINCE.get(self.ident)  # a collection still running is not the hook's either
        gc_seconds = _GC_SECONDS.get(self.ident, 0.0) - self.gc_start + (now - collecting if collecting else 0.0)
        return now - self.cpu_start - gc_seconds

    def describe(self) -> str:
        at = f" at t={self.time_ms}ms" if self.time_ms is not None else ""
        return f"mod {self.mod_id} {self.hook}{at}"


_GC_SECONDS: dict[int, float] = {}  # CPU seconds each thread has spent collecting garbage (while mods are loaded)
_GC_SINCE: dict[int, float] = {}  # a thread's CPU clock when its collection in progress began


def _count_collections(phase: str, _info: dict[str, int]) -> None:
    """`gc.callbacks` entry: adds each collection's CPU time to its thread's total (read by `_Call.cpu_used`)."""
    ident = threading.get_ident()
    if phase == "start":
        _GC_SINCE[ident] = _thread_time()
    else:
        began = _GC_SINCE.pop(ident, None)
        if began is not None:
            _GC_SECONDS[ident] = _GC_SECONDS.get(ident, 0.0) + _thread_time() - began


def _cpu_now(clock: int | None) -> float:
    return _clock_gettime(clock) if clock is not None else _perf_counter()


class _Watchdog:
    """One daemon thread for the process: it stops calls past their budget in whichever thread runs them, and ends
    the process when a call cannot be stopped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[int, _Call] = {}  # thread id -> the call it is in
        self.fired: set[int] = set()
        self.thread: threading.Thread | None = None
        self.wall_ceiling: Callable[[float], float] = wall_ceiling_s

    def begin(self, mod_id: str, hook: str, time_ms: int | None, budget_s: float) -> _Call:
        if self.thread is None:
            self.thread = threading.Thread(target=self._watch, name="river-mod-watchdog", daemon=True)
            self.thread.start()
            gc.callbacks.append(_count_collections)
        call = getattr(_local, "call", None)  # the thread's record, reused: `end` took it out of `running`
        if call is None:
            ident = threading.get_ident()
            call = _local.call = _Call(ident, _cpu_clock(ident))
        elif call.ident in self.running:  # a hook inside a hook: a record of its own, the outer one left intact
            call = _Call(call.ident, call.clock)
        call.restart(mod_id, hook, time_ms, budget_s)
        self.running[call.ident] = call
        return call

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
            time.sleep(0.01)
            now = _perf_counter()
            with self.lock:
                for ident, call in list(self.running.items()):
                    if now - call.wall_start > self.wall_ceiling(call.budget_s):
                        _hard_stop(call, f"has not returned after {now - call.wall_start:.1f} s of wall-clock time "
                                         f"(blocked, or waiting outside Python; the ceiling is "
                                         f"{self.wall_ceiling(call.budget_s):g} s)")
                    if call.fired_at is None:
                        if call.cpu_used() > call.budget_s:
                            call.fired_at = now
                            self.fired.add(ident)
                            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                                       ctypes.py_object(HookTimeout))
                    elif now - call.fired_at > GRACE_S:
                        _hard_stop(call, f"ran past its CPU budget of {call.budget_s:g} s and did not stop when "
                                         f"told to (it caught HookTimeout: a bare `except:` or `except "
                                         "BaseException` around a loop)")


def wall_ceiling_s(budget_s: float) -> float:
    """How long a call may take by the wall clock (waiting, sleeping, blocked in C) before the run ends."""
    return max(WALL_CEILING_MIN_S, WALL_CEILING_FACTOR * budget_s)


def _cpu_clock(ident: int) -> int | None:
    try:
        return time.pthread_getcpuclockid(ident)
    except (AttributeError, OSError):  # no per-thread CPU clocks here (Windows): the budget is wall time
        return None


def _hard_stop(call: _Call, why: str) -> None:
    """End the process from the watchdog thread: the hook's thread cannot be stopped, and no `except` in it may
    swallow this. What was printed so far is flushed (from a helper thread, in case the hook holds a stream)."""
    message = f"error: {call.describe()} {why}; the run was ended (exit 2)\n"
    flusher = threading.Thread(target=_flush_streams, daemon=True)
    flusher.start()
    flusher.join(0.5)
    os.write(2, message.encode("utf-8", "replace"))
    os._exit(2)


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: S110  a closed or broken stream: nothing left to save
            pass


_WATCHDOG = _Watchdog()


def check_budget(value: float) -> float:
    """A budget must be a finite number of seconds above 0 (`nan` would switch the watchdog off)."""
    if not value > 0 or value == float("inf"):
        raise ValueError(f"expected a finite number of seconds above 0; found {value!r}")
    return value


class Guard:
    """Calls into the mods of one session: isolated, timed, traced."""

    def __init__(self, budget_s: float = DEFAULT_BUDGET_S) -> None:
        self.budget_s = check_budget(budget_s)
        self.timings: dict[tuple[str, str], list] = {}  # (mod id, hook) -> [calls, seconds]
        self.trace = _trace_filter(os.environ.get(TRACE_ENV, ""))
        self.listener: Callable[[str, str], None] | None = None  # told (mod, hook) before each call (check-mod)
        self.expected: list[tuple[str, str]] = []  # every (mod, hook) implemented: a row even with 0 calls

    def call(self, mod_id: str, hook: str, function: Callable, args: tuple,
             time_ms: int | None = None) -> tuple[Any, str | None, BaseException | None]:
        """(answer, problem, exception): problem is None when the call returned normally and in time."""
        if self.listener is not None:
            self.listener(mod_id, hook)
        _local.in_hook = (mod_id, hook)
        watched = _WATCHDOG.begin(mod_id, hook, time_ms, self.budget_s)
        try:
            answer, problem, error = self._call(function, args)
        except HookTimeout as exc:  # delivered while the call was being wound up
            _WATCHDOG.end()
            answer, problem, error = None, self._late(), exc
        finally:
            _local.in_hook = None
            elapsed = _perf_counter() - watched.wall_start
            timing = self.timings.get((mod_id, hook))
            if timing is None:
                timing = self.timings[(mod_id, hook)] = [0, 0.0]
            timing[0] += 1
            timing[1] += elapsed
        if problem is None and elapsed > self.budget_s and watched.cpu_start is not None \
                and watched.cpu_used() > self.budget_s:  # over, before the watchdog acted
            answer, problem = None, self._late()
        if self.trace is not None and self.trace(mod_id, hook):
            shown = ", ".join(_short(a) for a in args)
            outcome = repr(answer) if problem is None else f"failed: {problem}"
            print(f"[mods] {mod_id} {hook}({shown}) -> {outcome} ({elapsed * 1000:.3f} ms)", file=sys.stderr)
        return answer, problem, error

    def _call(self, function: Callable, args: tuple) -> tuple[Any, str | None, BaseException | None]:
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
        return f"ran past its CPU-time budget of {self.budget_s:g} s and was stopped"

    def profile_lines(self) -> list[str]:
        """Time per mod and hook, slowest first; hooks that were never called get a row of 0 calls (a rule another
        mod's answer shadows shows up here)."""
        timings = dict(self.timings)
        for key in self.expected:
            timings.setdefault(key, [0, 0.0])
        rows = sorted(timings.items(), key=lambda item: (-item[1][1], item[0]))
        lines = [f"{'mod':20} {'hook':24} {'calls':>9} {'total ms':>10} {'per call µs':>12}"]
        for (mod_id, hook), (calls, seconds) in rows:
            per_call = f"{seconds / calls * 1e6:>12.1f}" if calls else f"{'-':>12}"
            lines.append(f"{mod_id:20} {hook:24} {calls:>9} {seconds * 1000:>10.1f} {per_call}")
        return lines


def _trace_filter(value: str) -> Callable[[str, str], bool] | None:
    """RIVER_TRACE_MODS: '' or '0' off; '1' every call; 'mod-id' or 'mod-id:hook' (comma-separated) only those."""
    value = value.strip()
    if value in ("", "0"):
        return None
    if value == "1":
        return lambda _mod, _hook: True
    wanted = [part.strip().split(":", 1) for part in value.split(",") if part.strip()]
    return lambda mod, hook: any(w[0] in (mod, "*") and (len(w) == 1 or w[1] == hook) for w in wanted)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
