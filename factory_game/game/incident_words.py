"""An incident's drawn sizes and expected effects in the player's words: the card's body (`panels/incident.py`)
and the alert that says an answer and what it will do (`alerts.py`) format them the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factory_game.texts import format_duration, format_money

if TYPE_CHECKING:
    from factory_game.game.i18n import I18n
    from factory_game.sim.incidents import Incident
    from factory_game.sim.world import World


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def body_values(world: World, i18n: I18n, incident: Incident) -> dict[str, Any]:
    """The incident's drawn sizes as the `[incident]` strings name them, in the player's language."""
    values: dict[str, Any] = {}
    for key, value in incident.params.items():
        if key == "model":
            values["model"] = i18n.pick(world.spec.model(value).names, value)
        elif key == "content":
            names = next((c.names for c in world.spec.content if c.id == value), None)
            values["content"] = i18n.pick(names, value)
        elif key.endswith("_cents"):
            values[key[:-len("_cents")]] = format_money(value).replace("-", "−", 1)
        elif key.endswith("_ms"):
            values[key[:-len("_ms")]] = format_duration(value)
        elif key in ("discount", "cut", "loss"):
            values[key] = percent(value)
        elif key == "factor":
            values[key] = f"{value:g}"
        else:
            values[key] = value
    return values


def answer_effect(world: World, i18n: I18n, incident: Incident, choice: str) -> str:
    """What an answer will do, from the incident's sizes (`incident.<kind>_<choice>_effect`); empty for a kind
    without such words (a mod's)."""
    key = f"incident.{incident.kind}_{choice}_effect"
    text = i18n.t(key, **body_values(world, i18n, incident))
    return "" if text == key else text
