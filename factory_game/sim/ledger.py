"""River's books, in integer cents.

The books stream: revenue, refunds and upstream costs are running totals, and only open holds are kept (one per
task in flight), so a run of any length holds a bounded ledger. The movements themselves are kept only as a window
of the latest `window` entries (the game's ledger panel), or all of them for a test that reads them; every movement
is also an event of the world's event log, which goes to disk when asked (`run --events`).

A task's price is held from its customer's budget on admission, captured when it succeeds, released when it fails
or is abandoned: each hold is settled exactly once (a second settlement raises, the bug class behind double
refunds). Upstream costs (contracted and rented slots) are booked as they accrue.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple


class Entry(NamedTuple):
    time: int
    kind: str  # hold, capture, release, discount (part of a hold given back), upstream, other (incident money)
    cents: int
    customer: int | None
    task: int | None
    note: str  # model id for upstream costs, reason for releases


# `_new_tuple(Entry, fields)` is what `Entry(*fields)` does (a typed tuple), without the generated `__new__`'s
# frame: entries are written for every hold and settlement.
_new_tuple = tuple.__new__


class SettlementError(Exception):
    """A hold settled twice, or a settlement without a hold. (An Exception: mypyc compiles no subclass of the other
    built-in exceptions, and this module is part of the compiled core.)"""


class Ledger:
    __slots__ = ("start_cash_cents", "entries", "holds", "revenue_cents", "refunded_cents", "upstream_cents",
                 "keep_entries", "other_cents")

    def __init__(self, start_cash_cents: int = 0, window: int | None = None) -> None:
        """`window`: how many entries to keep in memory — None all (finite headless runs), N the latest N (the
        game, which may run for ever: the event log has every movement), 0 totals only (benchmarks)."""
        self.start_cash_cents = start_cash_cents
        self.entries: list[Entry] | deque[Entry] = [] if window is None else deque(maxlen=window)
        self.holds: dict[int, int] = {}  # task id -> cents held
        self.revenue_cents = 0  # captured
        self.refunded_cents = 0  # released after a hold
        self.upstream_cents = 0
        self.other_cents = 0  # an incident's bonus (+) or penalty (-)
        self.keep_entries = window != 0

    @property
    def held_cents(self) -> int:
        return sum(self.holds.values())

    @property
    def cash_cents(self) -> int:
        """River's cash: what it started with, plus captured revenue, minus what it paid upstream."""
        return self.start_cash_cents + self.revenue_cents - self.upstream_cents + self.other_cents

    @property
    def profit_cents(self) -> int:
        return self.revenue_cents - self.upstream_cents + self.other_cents

    def hold(self, time: int, customer: int, task: int, cents: int) -> None:
        if task in self.holds:
            raise SettlementError(f"task {task} already has a hold")
        self.holds[task] = cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "hold", cents, customer, task, "")))

    def capture(self, time: int, customer: int, task: int) -> int:
        cents = self.holds.pop(task, None)  # `_settle` inlined: this runs once per delivered task
        if cents is None:
            cents = self._settle(task, "capture")  # raises: the task has no hold
        self.revenue_cents += cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "capture", cents, customer, task, "")))
        return cents

    def release(self, time: int, customer: int, task: int, reason: str) -> int:
        cents = self._settle(task, "release")
        self.refunded_cents += cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "release", cents, customer, task, reason)))
        return cents

    def reduce_hold(self, time: int, customer: int, task: int, cents: int, reason: str) -> None:
        """Give back part of an open hold now (a discount): the rest stays held, to be captured or released."""
        held = self.holds.get(task)
        if held is None or not 0 <= cents <= held:
            raise SettlementError(f"cannot reduce the hold of task {task} ({held}) by {cents}")
        self.holds[task] = held - cents
        self.refunded_cents += cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "discount", cents, customer, task, reason)))

    def upstream(self, time: int, model: str, cents: int, note: str) -> None:
        self.upstream_cents += cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "upstream", cents, None, None, f"{model}:{note}")))

    def adjust(self, time: int, cents: int, note: str) -> None:
        """Money that is neither a task's nor upstream: an incident's bonus (cents > 0) or penalty (< 0)."""
        self.other_cents += cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "other", cents, None, None, note)))

    def _settle(self, task: int, how: str) -> int:
        try:
            return self.holds.pop(task)
        except KeyError:
            raise SettlementError(f"{how} of task {task}, which has no open hold") from None
