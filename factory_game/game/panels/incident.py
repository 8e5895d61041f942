"""The incident card over the floor: what happened, how long the player has to answer, what happens by default,
and one button per choice (issue 16 item 3; the incidents themselves are `sim/incidents.py`'s).

The oldest open incident (`queries.open_incidents`) gets the card; a click sends `AnswerIncident(id, choice)`
through the play view's `answer_incident`, so the answer is a recorded command like any lever. The card stays until
the incident is answered or its deadline passes (the world then applies the default). A new incident pauses the
game and sets the clock to 1× (`PlayView.incident_opened`): deadlines are minutes of simulated time, seconds of real
time, so the player gets to read the card before the countdown runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factory_game.game.art import palette
from factory_game.game.incident_words import body_values, incident_words
from factory_game.game.ui import box, text_width, wrap
from factory_game.sim import queries
from factory_game.texts import format_duration

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost
    from factory_game.sim.incidents import Incident

CARD_W = 460  # UI pixels, at most (a narrow floor takes what it has)
BODY_LINES = 4
BUTTON_H = 22


def shown(waiting: list[Incident]) -> tuple[int, int, int] | None:
    """What the card's layout depends on: the oldest open incident, how many wait, the newest's id."""
    return (waiting[0].id, len(waiting), waiting[-1].id) if waiting else None


def choice_text(hud: WidgetHost, kind: str, choice: str) -> str:
    return incident_words(hud.i18n, hud.view.world, kind, choice)


class IncidentCard:
    """The card for the oldest open incident, laid out under `top` in the floor's rectangle; empty (no widgets,
    `rect` None) when none is open."""

    def __init__(self, hud: WidgetHost, left: float, top: float, right: float, bottom: float) -> None:
        self.hud = hud
        self.rect: tuple[float, float, float, float] | None = None
        self.buttons: dict[str, Any] = {}
        waiting = queries.open_incidents(hud.view.world)
        self.shown = shown(waiting)
        if not waiting:
            return
        incident = self.incident = waiting[0]
        t, pal = hud.i18n.t, palette()
        width = min(CARD_W, right - left - 24)
        inner = int(width) - 20
        x = left + 12 + 10
        title = incident_words(hud.i18n, hud.view.world, incident.kind)
        if len(waiting) > 1:
            title += "  " + t("incident.more", n=len(waiting) - 1)
        values = body_values(hud.view.world, hud.i18n, incident)
        body = wrap(incident_words(hud.i18n, hud.view.world, incident.kind, "body", **values), inner)[:BODY_LINES]
        labels = [choice_text(hud, incident.kind, c) for c in incident.choices]
        one_row = sum(text_width(text) + 16 for text in labels) + 6 * (len(labels) - 1) <= inner
        button_rows = 1 if one_row else len(labels)
        line = 18
        height = 10 + line * (1 + len(body) + 2) + button_rows * (BUTTON_H + 4) + 8
        card_bottom = max(bottom + 4, top - height)
        self.rect = (left + 12, card_bottom, width, top - card_bottom)
        box(hud.boxes, left + 11, card_bottom - 1, width + 2, top - card_bottom + 2, pal["orange"])  # its border
        box(hud.boxes, left + 12, card_bottom, width, top - card_bottom, pal["ink"])  # opaque: the floor stays out
        y = top - 8 - line + 4
        self.title = hud.label(x, y, title, pal["orange"], clip_px=inner)
        for text in body:
            y -= line
            hud.label(x, y, text, pal["white"], clip_px=inner)
        y -= line
        self.deadline = hud.label(x, y, "", pal["yellow"], clip_px=inner)
        y -= line
        default = choice_text(hud, incident.kind, incident.default)
        self.default = hud.label(x, y, t("incident.default", choice=default), pal["silver"], clip_px=inner)
        y -= 10
        bx = x
        for choice, text in zip(incident.choices, labels, strict=True):
            if one_row:
                w = text_width(text) + 16
                b = hud.button(bx, y - BUTTON_H, w, BUTTON_H, text, self._answer(incident.id, choice),
                               "tip.incident_answer")
                bx += w + 6
            else:
                b = hud.button(x, y - BUTTON_H, inner, BUTTON_H, text, self._answer(incident.id, choice),
                               "tip.incident_answer")
                y -= BUTTON_H + 4
            self.buttons[choice] = b
        self.refresh()

    def _answer(self, incident_id: int, choice: str):
        return lambda: self.hud.view.answer_incident(incident_id, choice)

    def stale(self) -> bool:
        """Whether the open incidents changed since the card was laid out (one opened, or this one answered)."""
        return self.shown != shown(queries.open_incidents(self.hud.view.world))

    def refresh(self) -> None:
        if self.rect is None:
            return
        left = max(0, self.incident.deadline_ms - self.hud.view.world.now)
        self.deadline.set(self.hud.i18n.t("incident.deadline", left=format_duration(left)))
