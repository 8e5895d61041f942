"""Named, seeded random streams.

Each stream (arrivals, service times per model, failures, customer decisions, …) has its own `random.Random`
seeded from a SHA-256 of (seed, name), so one stream's draws never shift another's, and nothing depends on
PYTHONHASHSEED or on the order in which streams are first asked for.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class RngStreams:
    __slots__ = ("seed", "_streams")

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def stream(self, name: str) -> random.Random:
        rng = self._streams.get(name)
        if rng is None:
            rng = random.Random(derive_seed(self.seed, name))
            self._streams[name] = rng
        return rng

    def fork(self, salt: str) -> None:
        """Send every stream, and those asked for later, down another path from here on (`salt` names it): what a
        copy of a world does to draw one possible future instead of replaying the one its seed holds."""
        self.seed = derive_seed(self.seed, f"fork/{salt}")
        for name, rng in self._streams.items():
            rng.seed(derive_seed(self.seed, name))
