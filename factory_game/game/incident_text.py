"""An incident's words in the player's language, for the incident card and the alerts line: a built-in kind's are
the `[incident]` strings of resources/i18n, a mod's kind carries its own (`river_register_incidents`). A leaf
module, so the two can share it without importing each other."""

from __future__ import annotations

from factory_game.sim import queries


def incident_words(i18n, world, kind: str, part: str = "title", **values) -> str:
    """An incident's words in the player's language: its "title", "body" (formatted with `values`) or a choice's
    button. A built-in kind's are the `[incident]` strings; a mod's kind carries its own (`IncidentKind.texts`)."""
    texts = queries.incident_texts(world, kind)
    if texts is not None:
        return i18n.pick(texts[part]).format(**values) if part in texts else part
    return i18n.t(f"incident.{kind}" + ("" if part == "title" else f"_{part}"), **values)
