"""A scripted manager: rents when predicted waits stay high, releases when utilisation stays low (only slots whose
minimum rental period is already paid: releasing one earlier saves nothing and invites renting it again).

It is used headless (levels as regression scenarios) and offered in the game as the auto-manager. It decides only
through `World.apply`, so its decisions are recorded like the player's.
"""

from __future__ import annotations

from collections.abc import Callable

from factory_game.sim.capacity import rent_room
from factory_game.sim.commands import Command, Release, Rent
from factory_game.sim.entities import ModelState
from factory_game.sim.prompt import predicted_wait_ms
from factory_game.sim.spec import AutopilotSpec


class Autopilot:
    def __init__(self, spec: AutopilotSpec, model_ids: list[str]) -> None:
        self.spec = spec
        self.high = dict.fromkeys(model_ids, 0)  # checks in a row with a long predicted wait
        self.low = dict.fromkeys(model_ids, 0)  # checks in a row with low utilisation
        self.last_busy_area: dict[str, int] = dict.fromkeys(model_ids, 0)
        self.last_slot_area: dict[str, int] = dict.fromkeys(model_ids, 0)

    def check(self, models: dict[str, ModelState], now: int, apply: Callable[[Command, str], object]) -> None:
        """Look at every model once; decide through `apply(command, source)` (the world's `apply`)."""
        for model_id, m in models.items():
            slots = self.decide(model_id, m, now)
            if slots > 0:
                apply(Rent(model_id, slots), "autopilot")
            elif slots < 0:
                apply(Release(model_id, -slots), "autopilot")

    def decide(self, model_id: str, m: ModelState, now: int) -> int:
        """One check of one model: slots to rent (> 0), to release (< 0) or 0. The built-in capacity rule."""
        spec = self.spec
        m.account(now)
        busy_area = m.busy_contracted_area + m.busy_rented_area
        slot_area = m.up_contracted_area + m.present_rented_area
        d_busy = busy_area - self.last_busy_area[model_id]
        d_slots = slot_area - self.last_slot_area[model_id]
        self.last_busy_area[model_id] = busy_area
        self.last_slot_area[model_id] = slot_area
        utilisation = d_busy / d_slots if d_slots else 0.0

        long_wait = predicted_wait_ms(m) > spec.rent_wait_factor * m.spec.mean_service_ms
        self.high[model_id] = self.high[model_id] + 1 if long_wait else 0
        low_use = utilisation < spec.release_util and not m.queue
        self.low[model_id] = self.low[model_id] + 1 if low_use else 0

        room = rent_room(m)
        if self.high[model_id] >= spec.sustain and room > 0 and m.pending_rentals == 0:
            self.high[model_id] = 0
            return min(spec.step, room)
        if self.low[model_id] >= spec.sustain:
            paid_up = sum(1 for s in m.slots if s.rented and not s.release_requested
                          and now - s.arrived_at >= m.spec.min_rental_ms)
            if paid_up:  # a slot inside its minimum rental costs the same kept or released: keep it
                self.low[model_id] = 0
                return -min(spec.step, paid_up)
        return 0

