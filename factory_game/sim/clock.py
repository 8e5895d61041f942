"""The event calendar: a heap keyed (time, seq).

Time is integer milliseconds. `seq` is a counter, so events due at the same moment run in the order they were
scheduled: determinism comes from the key, never from luck or from comparing callbacks.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


class Calendar:
    """A min-heap of pending callbacks. `pop()` hands back the next one and advances `now`."""

    __slots__ = ("now", "_heap", "_seq")

    def __init__(self) -> None:
        self.now = 0
        self._heap: list[tuple[int, int, Callable[..., Any], Any]] = []
        self._seq = 0

    def at(self, time: int, callback: Callable[[Any], Any], arg: Any = None) -> None:
        """Schedule `callback(arg)` at absolute time `time` (never in the past)."""
        if time < self.now:
            raise ValueError(f"cannot schedule at {time} ms, the clock is already at {self.now} ms")
        self._seq += 1
        heapq.heappush(self._heap, (time, self._seq, callback, arg))

    def after(self, delay: int, callback: Callable[[Any], Any], arg: Any = None) -> None:
        self.at(self.now + delay, callback, arg)

    def run_until(self, until: int) -> int:
        """Run every callback due at or before `until`; leave the clock at `until`. Returns how many ran."""
        heap = self._heap
        pop = heapq.heappop
        count = 0
        while heap and heap[0][0] <= until:
            time, _seq, callback, arg = pop(heap)
            self.now = time
            callback(arg)
            count += 1
        if until > self.now:
            self.now = until
        return count

    def __len__(self) -> int:
        return len(self._heap)
