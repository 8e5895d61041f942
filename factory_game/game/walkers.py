"""People who walk: customers, their helpers and the dispatcher.

A walker follows a list of waypoints at a steady pace and never jumps: when its target changes it gets a new
route from where it stands. Positions are snapped to whole logical pixels so the art stays crisp, and the walk
frame advances with the distance covered, so feet match the ground whatever the game speed.
"""

from __future__ import annotations

import math

from factory_game.game.art import textures
from factory_game.game.gfx import arcade

STEP_PX = 3  # logical pixels per walk frame


def walk_textures(prefix: str) -> dict[str, list[arcade.Texture]]:
    """``{direction: [4 frames]}`` for an atlas prefix such as ``cust_L2_hat`` or ``dispatcher``."""
    tex = textures()
    return {d: [tex[f"{prefix}_{d}_{f}"] for f in range(4)] for d in ("down", "up", "left", "right")}


class Walker(arcade.Sprite):
    """A sprite that walks a route. ``x``/``y`` hold the exact position; the sprite shows it rounded."""

    def __init__(self, frames: dict[str, list[arcade.Texture]], x: float, y: float) -> None:
        super().__init__(frames["down"][0])
        self.frames = frames
        self.x, self.y = float(x), float(y)
        self.route: list[tuple[int, int]] = []
        self.goal: tuple[int, int] | None = None
        self.facing = "down"
        self.walked = 0.0
        self.position = (round(self.x), round(self.y))

    def go(self, route: list[tuple[int, int]]) -> None:
        """Walk this route from where the walker stands; the last point is the goal."""
        self.route = list(route)
        self.goal = route[-1] if route else None

    def skip_to_goal(self) -> None:
        """Stand at the goal at once: only for a scene that starts on a world already running (a loaded game)."""
        if self.goal is not None:
            self.x, self.y = float(self.goal[0]), float(self.goal[1])
            self.route = []
            self.position = self.goal

    @property
    def arrived(self) -> bool:
        return not self.route

    def remaining(self) -> float:
        """Length of the rest of the route, in logical pixels."""
        total, (px, py) = 0.0, (self.x, self.y)
        for qx, qy in self.route:
            total += abs(qx - px) + abs(qy - py)
            px, py = qx, qy
        return total

    def step(self, dt: float, speed: float) -> None:
        """Move up to ``speed × dt`` pixels along the route and pick the frame to show."""
        budget = speed * dt
        moved = 0.0
        while self.route and budget > 0:
            tx, ty = self.route[0]
            dx, dy = tx - self.x, ty - self.y
            dist = math.hypot(dx, dy)
            if dist <= budget:
                self.x, self.y = float(tx), float(ty)
                self.route.pop(0)
                budget -= dist
                moved += dist
            else:
                self.x += dx / dist * budget
                self.y += dy / dist * budget
                moved += budget
                budget = 0
            if dist > 0:
                if abs(dx) >= abs(dy):
                    self.facing = "right" if dx > 0 else "left"
                else:
                    self.facing = "up" if dy > 0 else "down"
        if moved:
            self.walked += moved
            frame = int(self.walked / STEP_PX) % 4
        else:
            frame = 0
        texture = self.frames[self.facing][frame]
        if self.texture is not texture:
            self.texture = texture
        pos = (round(self.x), round(self.y))
        if self.position != pos:
            self.position = pos
