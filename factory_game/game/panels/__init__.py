"""The manager's panels over the floor: the live goals (always), and the levers with their economics, per-model
sparklines and the forecast (opened with G or the goals' button). Built by the HUD (`Hud.build`) with its buttons
and labels, refreshed with its summary; they read the world and change it only through the play view's `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.game.panels.goals import GoalsStrip
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

    def build(self, left: float, top: float, right: float, bottom: float) -> None:
        """Lay out in the floor's window rectangle (left, top) to (right, bottom)."""
        with self.hud.region("goals"):
            goals_bottom = self.goals.build(left, top, right, self.toggle)
        with self.hud.region("levers"):
            self.levers = LeversPanel(self.hud, left, goals_bottom - 6, right, bottom) if self.open else None

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

    def refresh(self, summary: dict | None, fresh: bool) -> None:
        self.goals.refresh(summary, fresh)
        self.hud.view.floor_labels.set_text("door_sign", self._door_text())  # on the road, following the camera
        if self.levers is not None:
            self.levers.refresh(summary, fresh)
