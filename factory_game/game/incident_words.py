"""An incident's words in the player's language, for the incident card (`panels/incident.py`) and the alerts
(`alerts.py`): its title, body and buttons (a built-in kind's are the `[incident]` strings of resources/i18n, a mod's
kind carries its own: `river_register_incidents`), its drawn sizes, and what an answer will do. A leaf module, so the
two can share it without importing each other."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factory_game.sim import queries
from factory_game.texts import format_duration, format_money

if TYPE_CHECKING:
    from factory_game.game.i18n import I18n
    from factory_game.sim.incidents import Incident
    from factory_game.sim.world import World


def incident_words(i18n, world, kind: str, part: str = "title", **values) -> str:
    """An incident's words in the player's language: its "title", "body" (formatted with `values`) or a choice's
    button. A built-in kind's are the `[incident]` strings (a body's `_no_spot` variant, where there is one, on a
    level without a spot market); a mod's kind carries its own (`IncidentKind.texts`)."""
    texts = queries.incident_texts(world, kind)
    if texts is not None:
        return i18n.pick(texts[part]).format(**values) if part in texts else part
    key = f"incident.{kind}" + ("" if part == "title" else f"_{part}")
    if part == "body" and queries.spot_available(world) is None:  # no spot market: renting is not scarce
        plain = i18n.t(f"{key}_no_spot", **values)
        if plain != f"{key}_no_spot":
            return plain
    return i18n.t(key, **values)


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
    without such words (a mod's: its button says it)."""
    key = f"incident.{incident.kind}_{choice}_effect"
    text = i18n.t(key, **body_values(world, i18n, incident))
    return "" if text == key else text
