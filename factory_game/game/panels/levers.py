"""The levers panel (G): the level's unlocked levers with what each is doing now, the market (reputation, demand,
expected returns), why angry customers left, a card per model with its economics and sparklines of the last hour,
and the forecast of the day (expected demand and the announced events on a timeline).

The lever rows are built from the lever table (`sim/levers.py`): one row per lever and key (content type, tier,
model), its control, step and range from the table, its text from the string table (`lever.*`), its value read
back from the market. Every button gives a command through the play view (`PlayView.apply`), so it is recorded,
replayed and saved like a rental. Two columns: levers and the market on the left, models on the right, the
forecast across the bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from factory_game.game.art import palette
from factory_game.game.ui import box, set_box, text_width
from factory_game.sim import economics, queries
from factory_game.sim.capacity import contract_price_cents
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.entities import ANGER_CAUSES
from factory_game.sim.levers import Lever
from factory_game.texts import format_duration, format_money

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost as Hud  # the host, not the HUD class: no import circle

SPARK_POINTS = 30  # bars per sparkline: the last hour at one bar per two sampled minutes
SPARK_H = 22
BUTTON_H = 20
STEPPER_W = 22


def money(cents: float) -> str:
    return format_money(round(cents))


class LeversPanel:
    def __init__(self, hud: Hud, left: float, top: float, right: float, bottom: float) -> None:
        self.hud = hud
        t, pal = hud.i18n.t, palette()
        world = hud.view.world
        self.line = line = 17 if hud.small else 18
        self.row = BUTTON_H + 2
        box(hud.boxes, left + 6, bottom + 4, right - left - 12, top - bottom - 4, (*pal["ink"][:3], 225))
        self.col_w = col_w = (right - left - 24) / 2
        self.x, y = left + 12, top - line
        self.dynamic: list[tuple[Callable[[str], object], Callable[[], str]]] = []  # (setter, text) per frame
        self.doors: dict[str | None, Any] = {}  # a door's button by tier: lit while the door is closed
        self._door_values: list[tuple[Any, Callable[[], float]]] = []  # (button, minutes left)
        self._stepper_y: dict[str | None, float] = {}  # a keyed stepper's row, which a door of the same key shares
        hud.label(self.x, y, t("manager.levers"), pal["yellow"])
        y -= self.row
        rows = [(lever, key) for lever, key in queries.levers(world) if self._shown(lever)]
        for lever, key in rows:
            y = self._row(lever, key, y)
        x = self.x
        if not rows:
            hud.label(self.x, y + 4, t("manager.no_levers"), pal["silver"], clip_px=int(col_w))
            y -= self.row
        y -= 4
        self.market = hud.label(x, y + 4, "", pal["silver"], clip_px=int(col_w))
        y -= line
        self.anger = hud.label(x, y + 4, "", pal["orange"], clip_px=int(col_w))
        y -= line

        # right column: one block per model (economics, transit, sparklines)
        mx, my = left + 18 + col_w, top - line
        self.models = []
        forecast_h = 3 * line + 26
        for model in world.spec.models:
            if my - 2 * line - SPARK_H < bottom + forecast_h + 8:
                break
            name = hud.i18n.pick(model.names, model.id)
            head = hud.label(mx, my, "", pal["yellow"], clip_px=int(col_w))
            transit = hud.label(mx, my - line, "", pal["silver"], clip_px=int(col_w))
            sy = my - 2 * line - SPARK_H + 10
            bars = []
            chart_w = (col_w - 16) / 3
            for i, colour in enumerate(("sky", "lime", "orange")):
                cx = mx + i * (chart_w + 8)
                box(hud.boxes, cx, sy, chart_w, SPARK_H, pal["night"])
                bars.append([box(hud.boxes, cx + j * chart_w / SPARK_POINTS, sy, max(1, chart_w / SPARK_POINTS - 1),
                                 1, pal[colour]) for j in range(SPARK_POINTS)])
            self.models.append((model.id, name, head, transit, bars, sy))
            my -= 2 * line + SPARK_H + 8
        hud.label(mx, my, t("manager.spark"), pal["slate"], clip_px=int(col_w))

        # forecast across the bottom
        fx, fy, fw = left + 12, bottom + 10, right - left - 24
        hud.label(fx, fy + forecast_h - BUTTON_H, t("manager.forecast"), pal["yellow"], clip_px=int(fw))
        self.forecast_geometry = (fx, fy + line + 4, fw, forecast_h - 2 * line - 10)
        curve = economics.demand_curve(world, 0)
        self.demand_bars = [box(hud.boxes, fx, fy + line + 4, 1, 1, pal["blue"]) for _ in curve]
        start, end = economics.forecast_window(world)
        for marker in economics.markers(world):
            if marker.end_ms < start or marker.at_ms > end:
                continue
            mx0 = fx + fw * (max(start, marker.at_ms) - start) / (end - start)
            mw = max(3, fw * (min(end, marker.end_ms) - max(start, marker.at_ms)) / (end - start))
            colour = {"spike": "orange", "outage": "red"}.get(marker.kind, "sky")
            box(hud.boxes, mx0, fy, mw, line - 4, pal[colour])
            if marker.kind == "spike":
                text = t("manager.spike", factor=f"{marker.factor:g}")
            elif marker.kind == "outage":
                text = t("manager.outage", model=hud.i18n.pick(world.spec.model(marker.model).names, marker.model),
                         slots=marker.slots)
            else:
                text = t("manager.price_event")
            hud.label(mx0 + 2, fy + 2, text, pal["white"], clip_px=int(max(mw, 80)))
        self.now_marker = box(hud.boxes, fx, fy, 2, forecast_h - line, pal["white"])
        self._happy_history: list[tuple[int, int]] = []

    # ------------------------------------------------------------------------------------------------ lever rows
    def _shown(self, lever: Lever) -> bool:
        """Meaningful here: the pack's levers only where customers buy it."""
        return lever.group != "priority" or self.hud.view.world.spec.arrivals.priority_share > 0

    def _key_name(self, lever: Lever, key: str | None) -> str:
        world, pick = self.hud.view.world, self.hud.i18n.pick
        if lever.keyed_by == "content":
            return pick(next(c.names for c in world.spec.content if c.id == key), str(key))
        if lever.keyed_by == "model":
            return pick(world.spec.model(str(key)).names, str(key))
        return key or ""

    def _text(self, lever: Lever, key: str | None) -> str:
        """The row's words now: `lever.<name>` (`_on` for a switch that is on, a closed door), with the value and
        what the row's strings may show besides (the pack's buyers, a contract's terms, a door's time left)."""
        world, t = self.hud.view.world, self.hud.i18n.t
        value = queries.lever_value(world, lever.name, key)
        shown = money(value) if lever.unit == "cents" else f"{value:g}" if lever.unit == "factor" else str(round(value))
        extra: dict[str, object] = {}
        if lever.name == "set_surcharge":
            extra["share"] = round(100 * queries.market_state(world).priority_share)
        if lever.keyed_by == "model":
            market = world.spec.market
            extra.update(price=money(contract_price_cents(market, world.spec.model(str(key)))),
                         period=format_duration(market.contract_period_ms),
                         lead=format_duration(market.contract_lead_ms))
        if lever.control == "door":
            extra["left"] = format_duration(value * MINUTE)
            extra["minutes"] = f"{lever.step:g}"
        on = lever.control in ("toggle", "door") and value > 0
        return t(lever.text + ("_on" if on else ""), name=self._key_name(lever, key), value=shown, **extra)

    def _send(self, lever: Lever, key: str | None, value: float | None) -> None:
        if value is not None:  # None: at the edge of the lever's range, nothing to send
            self.hud.view.apply(lever.command_for(key, value))

    def _row(self, lever: Lever, key: str | None, y: float) -> float:
        hud, x, bw = self.hud, self.x, STEPPER_W
        world = hud.view.world

        def value() -> float:
            return queries.lever_value(world, lever.name, key)

        def text() -> str:
            return self._text(lever, key)

        if lever.control == "stepper":
            label = hud.label(x + 2 * bw + 8, y + 4, "", clip_px=int(self.col_w) - 2 * bw - 12)
            hud.button(x, y, bw, BUTTON_H, "−",
                       lambda: self._send(lever, key, queries.lever_step(world, lever, key, -1)))
            hud.button(x + bw + 2, y, bw, BUTTON_H, "+",
                       lambda: self._send(lever, key, queries.lever_step(world, lever, key, 1)))
            self.dynamic.append((label.set, text))
            if key is not None:
                self._stepper_y[key] = y
        elif lever.control == "toggle":
            width = max(text_width(hud.i18n.t(lever.text)), text_width(hud.i18n.t(lever.text + "_on"))) + 16
            button = hud.button(x + 2 * bw + 8, y, width, BUTTON_H, "",
                                lambda: self._send(lever, key, lever.high if value() == lever.low else lever.low))
            self.dynamic.append((button.set_text, text))
        elif lever.control == "door":
            shared = self._stepper_y.get(key)
            if shared is None:
                hud.label(x, y + 4, key or "")
            button = hud.button(x + self.col_w - 120, y if shared is None else shared, 116, BUTTON_H, "",
                                lambda: self._send(lever, key, 0 if value() > 0 else lever.step))
            self.dynamic.append((button.set_text, text))
            self.doors[key] = button
            self._door_values.append((button, value))
            if shared is not None:
                return y  # on the row of the tier's cap
        else:  # an order: one click, one of the lever's smallest amount
            words = text()
            hud.button(x, y, min(self.col_w, text_width(words) + 16), BUTTON_H, words,
                       lambda: self._send(lever, key, lever.low), lever.text + "_tip")
        return y - self.row

    # ------------------------------------------------------------------------------------------------ per frame
    def refresh(self, summary: dict | None, fresh: bool) -> None:
        hud, t = self.hud, self.hud.i18n.t
        world = hud.view.world
        for setter, text in self.dynamic:
            setter(text())
        for button, value in self._door_values:
            button.active = value() > 0
        if fresh:
            self._happy_history.append((world.now, queries.happy_visits(world)))
            while len(self._happy_history) > 2 and self._happy_history[1][0] <= world.now - HOUR:
                self._happy_history.pop(0)
        happy_last_hour = queries.happy_visits(world) - self._happy_history[0][1] if self._happy_history else 0
        returns = economics.expected_returns_per_hour(world, happy_last_hour)
        market = queries.market_state(world)
        self.market.set(t("manager.market", reputation=f"{market.reputation:.2f}",
                          demand=f"{market.demand:.2f}", returns=f"{returns:.0f}"))
        causes = queries.angry_causes(world)
        angry = sum(causes.values())
        shares = [f"{t('manager.cause_' + c)} {100 * causes[c] // angry}%" for c in ANGER_CAUSES if causes[c]]
        self.anger.set(t("manager.anger", causes=" · ".join(shares) if shares else "—"))
        for model_id, name, head, transit, bars, _sy in self.models:
            head.set(t("manager.model", model=name,
                       margin=money(economics.margin_per_busy_slot_hour_cents(world, model_id)),
                       cost=money(economics.next_hour_cost_cents(world, model_id))))
            orders = queries.orders(world, model_id)
            paid = [p for p in economics.paid_until_ms(world, model_id) if p > world.now]
            paid_text = format_duration(paid[-1]) if paid else t("manager.paid_none")
            if orders:
                transit.set(t("manager.transit", n=sum(order.slots for order in orders),
                              eta=format_duration(orders[0].arrive_at - world.now), paid=paid_text))
            else:
                transit.set(t("manager.transit_none", paid=paid_text))
            if fresh:
                self._sparklines(world, model_id, bars)
        if fresh:
            self._forecast(world, happy_last_hour)

    def _sparklines(self, world, model_id: str, bars) -> None:
        """Queue length, utilisation and the predicted wait against the prompt line, over the last hour."""
        samples = queries.recent_series(world, world.now - HOUR + 1)
        step = max(1, len(samples) // SPARK_POINTS + (len(samples) % SPARK_POINTS > 0))
        points = samples[::step][-SPARK_POINTS:]
        line_ms = queries.prompt_limit_ms(world, model_id) or 1
        queue_top = max([s["models"][model_id]["queue"] for s in points] + [10])
        for series, value in ((bars[0], lambda s: s["queue"] / queue_top),
                              (bars[1], lambda s: s["busy"] / max(1, s["capacity"])),
                              (bars[2], lambda s: min(1.0, s["predicted_wait_ms"] / line_ms))):
            for j, bar in enumerate(series):
                k = j - (SPARK_POINTS - len(points))
                height = value(points[k]["models"][model_id]) * SPARK_H if 0 <= k < len(points) else 0
                set_box(bar, bar.left, bar.bottom, bar.width, max(1, height))

    def _forecast(self, world, happy_last_hour: int) -> None:
        fx, fy, fw, fh = self.forecast_geometry
        curve = economics.demand_curve(world, happy_last_hour)
        top = max([rate for _t, rate in curve] + [1.0])
        start, end = economics.forecast_window(world)
        width = fw / max(1, len(curve))
        for bar, (t, rate) in zip(self.demand_bars, curve, strict=True):
            set_box(bar, fx + fw * (t - start) / (end - start), fy, max(1, width - 1), max(1, fh * rate / top))
        now_x = fx + fw * min(1.0, (world.now - start) / (end - start))
        set_box(self.now_marker, now_x, self.now_marker.bottom, 2, self.now_marker.height)
