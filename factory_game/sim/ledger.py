"""River's books, in integer cents.

A task's price is held from its customer's budget on admission, captured when it succeeds, released when it fails
or is abandoned: each hold is settled exactly once (a second settlement raises, the bug class behind double
refunds). Upstream costs (contracted and rented slots) are booked as they accrue.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple


class Entry(NamedTuple):
    time: int
    kind: str  # hold, capture, release, discount (part of a hold given back), upstream
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
                 "keep_entries")

    def __init__(self, start_cash_cents: int = 0, window: int | None = None) -> None:
        """`window`: how many entries to keep in memory — None all (finite headless runs), N the latest N (the
        game, which may run for ever: the event log has every movement), 0 totals only (benchmarks)."""
        self.start_cash_cents = start_cash_cents
        self.entries: list[Entry] | deque[Entry] = [] if window is None else deque(maxlen=window)
        self.holds: dict[int, int] = {}  # task id -> cents held
        self.revenue_cents = 0  # captured
        self.refunded_cents = 0  # released after a hold
        self.upstream_cents = 0
        self.keep_entries = window != 0

    @property
    def held_cents(self) -> int:
        return sum(self.holds.values())

    @property
    def cash_cents(self) -> int:
        """River's cash: what it started with, plus captured revenue, minus what it paid upstream."""
        return self.start_cash_cents + self.revenue_cents - self.upstream_cents

    @property
    def profit_cents(self) -> int:
        return self.revenue_cents - self.upstream_cents

    def hold(self, time: int, customer: int, task: int, cents: int) -> None:
        if task in self.holds:
            raise SettlementError(f"task {task} already has a hold")
        self.holds[task] = cents
        if self.keep_entries:
            self.entries.append(_new_tuple(Entry, (time, "hold", cents, customer, task, "")))

    def capture(self, time: int, customer: int, task: int) -> int:
        cents = self.holds.pop(task, None)  # `_settle` inlined: this runs once per delivered task
        if cents is None:
            cents = self._settle(task, "capture")  # raises
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

    def _settle(self, task: int, how: str) -> int:
        try:
            return self.holds.pop(task)
        except KeyError:
            raise SettlementError(f"{how} of task {task}, which has no open hold") from None
