"""The manager's panels over the floor: the live goals (always), the levers with their economics, per-model sparklines
and the forecast (opened with G or the goals' button), and the card of an open incident. Built by the HUD
(`Hud.build`) with its buttons and labels, refreshed with its summary; they read the world and change it only
through the play view's `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.game.panels.goals import GoalsStrip
from factory_game.game.panels.incident import IncidentCard
from factory_game.game.panels.levers import LeversPanel
from factory_game.sim import queries
from factory_game.texts import format_duration

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost


class ManagerPanels:
    def __init__(self, hud: WidgetHost) -> None:
        self.hud = hud
        self.open = False  # the levers panel: kept across rebuilds (resize, language)
        self.goals = GoalsStrip(hud)
        self.levers: LeversPanel | None = None
        self.incident: IncidentCard | None = None

    def build(self, left: float, top: float, right: float, bottom: float) -> None:
        """Lay out in the floor's window rectangle (left, top) to (right, bottom)."""
        with self.hud.region("goals"):
            goals_bottom = self.goals.build(left, top, right, self.toggle)
        with self.hud.region("levers"):
            self.levers = LeversPanel(self.hud, left, goals_bottom - 6, right, bottom) if self.open else None
        with self.hud.region("incident"):  # over the levers, under the tooltip
            self.incident = IncidentCard(self.hud, left, goals_bottom - 6, right, bottom)

    def incident_rect(self) -> tuple[float, float, float, float] | None:
        """The incident card's rectangle in UI pixels (left, bottom, width, height); None when none is open."""
        return None if self.incident is None else self.incident.rect

    def _door_text(self) -> str:
        world, t = self.hud.view.world, self.hud.i18n.t
        market = queries.market_state(world)
        parts = [t("manager.door_closed", tier=tier, left=format_duration(until - world.now))
                 for tier, until in market.closed_until.items() if until > world.now]
        if not market.priority_on_sale and world.spec.arrivals.priority_share > 0:
            parts.append(t("manager.no_pack"))
        return " · ".join(parts)

    def toggle(self) -> None:
        self.open = not self.open
        self.hud.build()

    def refresh(self, summary: dict | None, fresh: bool) -> bool:
        """Refresh the panels; True when an incident opened or was closed and the HUD was laid out again for it
        (the clock comes down to 1× for a new one, so its countdown can be read)."""
        if self.incident is not None and self.incident.stale():
            before = self.incident.shown
            self.hud.build()
            after = self.incident.shown if self.incident is not None else None
            if after is not None and (before is None or after[2] > before[2]):  # a new one
                self.hud.view.incident_opened()
            return True
        self.goals.refresh(summary, fresh)
        if self.incident is not None:
            self.incident.refresh()
        self.hud.view.floor_labels.set_text("door_sign", self._door_text())  # on the road, following the camera
        if self.levers is not None:
            self.levers.refresh(summary, fresh)
        return False
