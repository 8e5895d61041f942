"""The alerts feed: what the manager should notice, from the world's events and a look at its state.

Events give outages, recoveries, failures, rentals and refused commands; a per-frame look gives edges of
conditions (a model's predicted wait crossing the prompt line, cash going negative) so each raises one alert, not
one per frame. Alerts are stored as keys and values and rendered in the current language when drawn.
"""

from __future__ import annotations

import dataclasses
from collections import deque

from factory_game.game import save_errors
from factory_game.game.art import palette
from factory_game.game.incident_words import answer_effect, incident_words
from factory_game.sim import queries
from factory_game.sim.queries import Kind, multiplier, over_the_line
from factory_game.texts import format_duration, format_money

QUIET_MS = 10 * 60_000  # a model's long-wait alert does not repeat sooner than this (simulated time)
RECENT_MS = 60 * 60_000  # the feed shows the last simulated hour: "Cash is low!" at 1m00s is gone by 3h
# Refusal codes the string tables say in words (`alert.refused_<code>`; the spot market's as `alert.<code>`).
SAID = ("spot_sold_out", "spot_short", "max_extra", "no_rented_slot", "no_idle_slot", "locked", "out_of_range",
        "no_wait_question", "incident_not_open", "incident_answered", "incident_bad_choice", "no_incidents",
        "unknown_model", "unknown_content", "unknown_tier")
SEVERE = {"outage", "cash_low", "long_wait", "fail", "refused", "mod_error", "incident_open", "incident_penalty",
          "spot_sold_out", "spot_short", *(f"refused_{code}" for code in SAID)}


class Alerts:
    def __init__(self, world, i18n, sounds=None, keep: int = 30) -> None:
        self.world = world
        self.i18n = i18n
        self.sounds = sounds
        self.items: deque[list] = deque(maxlen=keep)  # [time, key, values, repeats], newest first
        self._over: dict[str, bool] = dict.fromkeys(queries.model_ids(world), False)
        self._broke = False
        self._long_at: dict[str, int] = {}
        self._down: dict[str, int] = {}
        self.dated: int | None = None  # the time given to alerts added now, when not the world's (`told_at`)
        world.subscribe(self.on_event)

    def add(self, key: str, **values) -> None:
        """Record an alert; the same alert again within a simulated minute counts up instead of a new line (an alert
        that counts something, ``n``, adds its count: "Rented 16 stations", not "Rented 1 station ×16")."""
        now = self.world.now if self.dated is None else self.dated
        if self.items:
            last = self.items[0]
            if last[1] == key and now - last[0] <= 60_000:
                if "n" in values and {**last[2], "n": values["n"]} == values:
                    last[2] = {**values, "n": last[2]["n"] + values["n"]}
                    return
                if last[2] == values:
                    last[3] += 1
                    return
        self.items.appendleft([now, key, values, 1])
        if self.sounds is not None and key in SEVERE:
            self.sounds.play("alert", 0.3)

    def told_at(self, at_ms: int, tell) -> None:
        """Call `tell()` (which adds alerts) as if it were `at_ms`: a replay's recent decisions after a seek."""
        self.dated = at_ms
        try:
            tell()
        finally:
            self.dated = None

    def lever(self, command, effect: tuple[str, dict] | None = None) -> None:
        """A lever the player pulled, said in the feed with its expected effect when one is given
        (`economics.lever_effect`: "Image price set to ¥0.80 — demand ×0.70"). Clicking the same lever again
        within a simulated minute updates its line instead of adding one per click."""
        values = dataclasses.asdict(command)
        if effect is not None:
            values["effect"] = effect
        key = f"lever_{command.name}"
        if "cents" in values:
            values["price"] = format_money(values.pop("cents")).replace("-", "−", 1)
        if "multiplier" in values:
            values["multiplier"] = f"{values['multiplier']:g}"
        if "on" in values or values.get("minutes") == 0:
            key += "_on" if values.get("on") else "_off"
        if "count" in values:  # a contract: how many, and when they come
            values["n"] = values.pop("count")
            values["lead"] = format_duration(self.world.spec.market.contract_lead_ms)
        target = {k: values.get(k) for k in ("content", "tier", "model")}
        if self.items and "n" not in values:
            last = self.items[0]
            now = self.world.now if self.dated is None else self.dated
            if last[1] == key and now - last[0] <= 60_000 and {k: last[2].get(k) for k in target} == target:
                last[0], last[2] = now, values
                return
        self.add(key, **values)

    def _model_name(self, model_id: str) -> str:
        return self.i18n.pick(self.world.spec.model(model_id).names, model_id)

    def _content_name(self, content_id: str) -> str:
        names = next((c.names for c in self.world.spec.content if c.id == content_id), None)
        return self.i18n.pick(names, content_id)

    def _incidents(self) -> dict:
        return {incident.id: incident for incident in queries.incidents_seen(self.world)}

    def _effect_text(self, i18n, key: str, values: dict) -> str:
        """A lever's expected effect in the current language: money formatted, a model by its name."""
        shown = dict(values)
        for money_key in ("hourly", "total"):
            if money_key in shown:
                shown[money_key] = format_money(shown[money_key])
        if "model" in shown:
            shown["model"] = self._model_name(shown["model"])
        if "demand" in shown:
            shown["demand"] = f"{shown['demand']:g}"
        return i18n.t(f"effect.{key}", **shown)

    def on_event(self, event) -> None:
        kind = event.kind
        if kind == Kind.SLOT_DOWN:
            if not self._down.get(event.model):
                self.add("outage", model=event.model)
            self._down[event.model] = self._down.get(event.model, 0) + 1
        elif kind == Kind.SLOT_UP:
            self._down[event.model] = max(0, self._down.get(event.model, 1) - 1)
            if not self._down[event.model]:
                self.add("recovered", model=event.model)
        elif kind == Kind.FAIL:
            self.add("fail", model=event.model)
        elif kind == Kind.SLOT_ARRIVE:
            slot = queries.slot(self.world, event.slot) if event.slot is not None else None
            contract = slot is not None and queries.is_contract(slot)
            self.add("contract_arrive" if contract else "slot_arrive", model=event.model)
        elif kind == Kind.INCIDENT:
            self._incident(event)
        elif kind == Kind.COMMAND and event.ok is False:
            code, values = queries.last_refusal(self.world)
            if code in SAID:  # said in the player's language, from the simulation's reason code
                self.add(code if code.startswith("spot_") else f"refused_{code}", **values)
            else:  # a reason without words of its own (a mod's command, a scripted one): the simulation's text
                self.add("refused", reason=event.reason or "")

    def _incident(self, event) -> None:
        """An incident's onset (`id:kind:deadline`), its answer (`id:kind:choice`, ok: the player's, not the
        default) or its outcome (`id:kind:bonus|penalty`, with cents)."""
        number, kind, word = (event.info or "::").split(":", 2)
        if word in ("bonus", "penalty"):
            self.add(f"incident_{word}", incident=kind, cents=format_money(abs(event.cents or 0)))
        elif word.isdigit():
            self.add("incident_open", incident=kind, left=format_duration(int(word) - self.world.now))
        else:  # said with what the answer will do
            self.add("incident_answered" if event.ok else "incident_defaulted", incident=kind, choice=word,
                     id=int(number))

    def poll(self) -> None:
        """Raise alerts on the edges of conditions the events do not announce."""
        world = self.world
        for model_id in queries.model_ids(world):
            over = over_the_line(world, model_id)
            if over and not self._over[model_id] and world.now - self._long_at.get(model_id, -QUIET_MS) >= QUIET_MS:
                self.add("long_wait", model=model_id, multiplier=f"{multiplier(world):g}")
                self._long_at[model_id] = world.now
            self._over[model_id] = over
        broke = queries.money(world).cash < 0
        if broke and not self._broke:
            self.add("cash_low")
        self._broke = broke

    def lines(self, i18n, count: int) -> list[tuple[str, tuple]]:
        """The newest ``count`` alerts of the last simulated hour as (text, colour), in the current language."""
        pal = palette()
        out = []
        recent = [item for item in self.items if self.world.now - item[0] <= RECENT_MS]
        for time, key, values, repeats in recent[:count]:
            shown = save_errors.shown(i18n, values)
            if "model" in shown:
                shown["model"] = self._model_name(shown["model"])
            if "content" in shown:
                shown["content"] = self._content_name(shown["content"])
            effect_text = ""
            if "incident" in shown:  # its title, and the answer's button text and expected effect
                if "choice" in shown:
                    incident = self._incidents().get(shown.pop("id", -1))
                    if incident is not None:
                        effect_text = answer_effect(self.world, i18n, incident, shown["choice"])
                    said = f"incident.choice_{shown['choice']}"  # a default taken: what happened, in a word
                    shown["choice"] = (i18n.t(said) if key == "incident_defaulted" and i18n.t(said) != said
                                       else incident_words(i18n, self.world, shown["incident"], shown["choice"]))
                shown["incident"] = incident_words(i18n, self.world, shown["incident"])
            effect = shown.pop("effect", None)
            text = f"{format_duration(time)} " + i18n.t(f"alert.{key}", **shown)
            if effect is not None:
                effect_text = self._effect_text(i18n, *effect)
            if effect_text:
                text += i18n.t("effect.joiner") + effect_text
            if repeats > 1:
                text += f" ×{repeats}"
            out.append((text, pal["orange"] if key in SEVERE else pal["white"]))
        return out + [("", pal["white"])] * (count - len(out))
