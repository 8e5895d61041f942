"""The levers panel (G): the level's unlocked levers with what each is doing now, the market (reputation, demand,
expected returns), why angry customers left, a card per model with its economics and sparklines of the last hour,
and the forecast of the day (expected demand and the announced events on a timeline).

Every button gives a command through the play view (`PlayView.apply`), so it is recorded, replayed and saved like
a rental. Two columns: levers and the market on the left, models on the right, the forecast across the bottom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.game.art import palette
from factory_game.game.ui import box, set_box, text_width
from factory_game.sim import economics, queries
from factory_game.sim.clock import HOUR
from factory_game.sim.commands import (
    CloseTier,
    SetCap,
    SetPrice,
    SetPrioritySales,
    SetPromptMultiplier,
    SetSurcharge,
    SetWaitOffer,
    SignContract,
)
from factory_game.texts import format_duration, format_money

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost as Hud  # the host, not the HUD class: no import circle

SPARK_POINTS = 30  # bars per sparkline: the last hour at one bar per two sampled minutes
SPARK_H = 22
BUTTON_H = 20
MULTIPLIER_STEP = 0.5
SURCHARGE_STEP = 10  # percentage points
CLOSE_MINUTES = 15
OFFER_STEP = 10  # percentage points off, offered on asking the wait question


def money(cents: float) -> str:
    return format_money(round(cents))


class LeversPanel:
    def __init__(self, hud: Hud, left: float, top: float, right: float, bottom: float) -> None:
        self.hud = hud
        view, t, pal = hud.view, hud.i18n.t, palette()
        world = view.world
        self.line = line = 17 if hud.small else 18
        self.row = row = BUTTON_H + 2
        box(hud.boxes, left + 6, bottom + 4, right - left - 12, top - bottom - 4, (*pal["ink"][:3], 225))
        col_w = (right - left - 24) / 2
        x, y = left + 12, top - line
        self.dynamic: list[tuple[object, callable]] = []  # (label, text function) refreshed each frame
        hud.label(x, y, t("manager.levers"), pal["yellow"])
        y -= row
        levers = world.spec.market.levers
        bw = 22

        def stepper(y, key_text, on_minus, on_plus, extra=None):
            label = hud.label(x + 2 * bw + 8, y + 4, "", clip_px=int(col_w) - 2 * bw - 12)
            hud.button(x, y, bw, BUTTON_H, "−", on_minus)
            hud.button(x + bw + 2, y, bw, BUTTON_H, "+", on_plus)
            self.dynamic.append((label, key_text))
            return label

        if "price" in levers:
            for content in world.spec.content:
                if not queries.routed(world, content.id):
                    continue
                name = hud.i18n.pick(content.names, content.id)
                step = max(1, content.price_cents // 10)
                stepper(y, lambda c=content.id, n=name: t("manager.price", content=n,
                                                          price=money(queries.prices(world)[c])),
                        lambda c=content.id, s=step: self._apply(SetPrice(c, max(0, queries.prices(world)[c] - s))),
                        lambda c=content.id, s=step: self._apply(SetPrice(c, queries.prices(world)[c] + s)))
                y -= row
        if "priority" in levers and world.spec.arrivals.priority_share > 0:
            def surcharge() -> int:
                return round(queries.market_state(world).surcharge * 100)
            stepper(y, lambda: t("manager.surcharge", percent=surcharge(),
                                 share=round(100 * queries.market_state(world).priority_share)),
                    lambda: self._apply(SetSurcharge(max(0, surcharge() - SURCHARGE_STEP))),
                    lambda: self._apply(SetSurcharge(min(500, surcharge() + SURCHARGE_STEP))))
            y -= row
            self.sales = hud.button(x + 2 * bw + 8, y, text_width(t("manager.sales_off")) + 16, BUTTON_H, "",
                                    lambda: self._apply(
                                        SetPrioritySales(not queries.market_state(world).priority_on_sale)))
            y -= row
        else:
            self.sales = None
        self.doors = {}
        if "caps" in levers or "intake" in levers:
            for tier in queries.caps(world):
                if "caps" in levers:
                    stepper(y, lambda tier=tier: t("manager.cap", tier=tier, cap=queries.caps(world)[tier]),
                            lambda tier=tier: self._apply(SetCap(tier, max(1, queries.caps(world)[tier] - 1))),
                            lambda tier=tier: self._apply(SetCap(tier, min(20, queries.caps(world)[tier] + 1))))
                if "intake" in levers:
                    door_x = x + col_w - 120
                    if "caps" not in levers:
                        hud.label(x, y + 4, tier)
                    self.doors[tier] = hud.button(door_x, y, 116, BUTTON_H, "", lambda tier=tier: self._door(tier))
                y -= row
        if "prompt" in levers:
            stepper(y, lambda: t("manager.prompt", multiplier=f"{queries.multiplier(world):g}"),
                    lambda: self._apply(SetPromptMultiplier(max(0.5, queries.multiplier(world) - MULTIPLIER_STEP))),
                    lambda: self._apply(SetPromptMultiplier(min(20.0, queries.multiplier(world) + MULTIPLIER_STEP))))
            y -= row

            def offer() -> int:
                return round(queries.market_state(world).wait_offer * 100)
            stepper(y, lambda: t("manager.offer", percent=offer()),
                    lambda: self._apply(SetWaitOffer(max(0, offer() - OFFER_STEP))),
                    lambda: self._apply(SetWaitOffer(min(50, offer() + OFFER_STEP))))
            y -= row
        if "contracts" in levers:
            market = world.spec.market
            for model in world.spec.models:
                if model.max_extra:
                    text = t("manager.contract", model=hud.i18n.pick(model.names, model.id),
                             price=money(queries.contract_price_cents(world, model.id)),
                             period=format_duration(market.contract_period_ms),
                             lead=format_duration(market.contract_lead_ms))
                    hud.button(x, y, min(col_w, text_width(text) + 16), BUTTON_H, text,
                               lambda m=model.id: self._apply(SignContract(m, 1)), "tip.contract")
                    y -= row
        if not levers:
            hud.label(x, y + 4, t("manager.no_levers"), pal["silver"], clip_px=int(col_w))
            y -= row
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
            text = {"spike": t("manager.spike", detail=marker.detail),
                    "outage": t("manager.outage", detail=marker.detail)}.get(marker.kind, t("manager.price_event"))
            hud.label(mx0 + 2, fy + 2, text, pal["white"], clip_px=int(max(mw, 80)))
        self.now_marker = box(hud.boxes, fx, fy, 2, forecast_h - line, pal["white"])
        self._happy_history: list[tuple[int, int]] = []

    # ------------------------------------------------------------------------------------------------ actions
    def _apply(self, command) -> None:
        self.hud.view.apply(command)

    def _door(self, tier: str) -> None:
        closed = queries.door_closed(self.hud.view.world, tier)
        self._apply(CloseTier(tier, 0 if closed else CLOSE_MINUTES))

    # ------------------------------------------------------------------------------------------------ per frame
    def refresh(self, summary: dict | None, fresh: bool) -> None:
        hud, t = self.hud, self.hud.i18n.t
        world = hud.view.world
        for label, text in self.dynamic:
            label.set(text())
        if self.sales is not None:
            on_sale = queries.market_state(world).priority_on_sale
            self.sales.set_text(t("manager.sales_on" if on_sale else "manager.sales_off"))
        for tier, button in self.doors.items():
            until = queries.market_state(world).closed_until.get(tier, 0)
            button.set_text(t("manager.closed", left=format_duration(until - world.now))
                            if until > world.now else t("manager.close"))
            button.active = until > world.now
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
        shares = [f"{t('manager.cause_' + c)} {100 * causes[c] // angry}%" for c in causes if causes[c]]
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
