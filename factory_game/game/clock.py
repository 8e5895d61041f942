"""How fast simulated time runs on screen: pause and 1×–16×, fed by real frame time.

Kept apart from the view so its arithmetic is tested without a window: a frame of ``dt`` real seconds moves the
world by ``dt × BASE_RATE × speed`` simulated seconds (fractions carried to the next frame, long frames clamped
so a stall never fast-forwards the factory), and never past the level's end (``end_ms`` None: an endless level,
the sandbox, which only the player stops).

``BASE_RATE``: at 1× one real second is 20 simulated seconds, so a 5-minute task takes 15 s to watch and an
8-hour level lasts 24 minutes (90 s at 16×). Real time would make a 5-minute task a 5-minute wait.
"""

from __future__ import annotations

SPEEDS = (1, 2, 4, 8, 16)
BASE_RATE = 20.0  # simulated seconds per real second at 1×
MAX_FRAME_S = 0.1


class SimClock:
    def __init__(self, end_ms: int | None, speed: int = 1, paused: bool = False) -> None:
        self.end_ms = end_ms
        self.speed = speed
        self.paused = paused
        self._carry = 0.0

    def set_speed(self, speed: int) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed {speed} is not one of {SPEEDS}")
        self.speed = speed

    def toggle_pause(self) -> None:
        self.paused = not self.paused

    def target(self, now_ms: int, dt: float) -> int:
        """The simulated time to advance to after a frame of ``dt`` real seconds."""
        if self.paused or self.finished(now_ms):
            return now_ms
        self._carry += min(dt, MAX_FRAME_S) * 1000.0 * BASE_RATE * self.speed
        step = int(self._carry)
        self._carry -= step
        return now_ms + step if self.end_ms is None else min(self.end_ms, now_ms + step)

    def finished(self, now_ms: int) -> bool:
        return self.end_ms is not None and now_ms >= self.end_ms
