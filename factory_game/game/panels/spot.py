"""The spot market in the side panel, on levels with a `[spot]` table (issue 16 item 2; the market is
`sim/spot.py`'s): the price now as a factor and in money, a sparkline of the last two hours, the slots left or
"sold out", and the forecast with its 90 % band. Read through the world's face only (`queries.spot_*`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factory_game.game.art import palette
from factory_game.game.ui import box, set_box
from factory_game.sim import queries
from factory_game.texts import format_money

if TYPE_CHECKING:
    from factory_game.game.context import WidgetHost

SPARK_BARS = 40  # the last two hours, one bar per three minutes
SPARK_H = 16
FORECAST_MIN = 30  # the forecast looks this far ahead


def factor_text(factor: float) -> str:
    return f"{factor:.2f}"


def shown(world) -> bool:
    """Whether the level has a spot market to show."""
    return queries.spot_factor(world) is not None


def height(small: bool) -> int:
    """UI pixels the block takes in the panel."""
    line = 17 if small else 18
    return 3 * line + SPARK_H + 10


class SpotStrip:
    def __init__(self, hud: WidgetHost, left: float, top: float, width: float) -> None:
        self.hud = hud
        pal = palette()
        line = 17 if hud.small else 18
        x, inner = left + 8, int(width) - 16
        box(hud.boxes, left + 4, top - height(hud.small) + 4, width - 8, height(hud.small) - 6, pal["navy"])
        self.price = hud.label(x, top - line + 2, "", pal["white"], clip_px=inner)
        self.left = hud.label(left + width - 8, top - 2 * line + 2, "", pal["silver"], anchor_x="right")
        spark_w = inner - 80
        spark_y = top - line - SPARK_H - 2
        self.spark_rect = (x, spark_y, spark_w, SPARK_H)
        box(hud.boxes, x, spark_y, spark_w, SPARK_H, pal["night"])
        self.bars = [box(hud.boxes, x + i * spark_w / SPARK_BARS, spark_y, max(1, spark_w / SPARK_BARS - 1), 1,
                         pal["sky"]) for i in range(SPARK_BARS)]
        self.forecast = hud.label(x, top - 2 * line - SPARK_H + 2, "", pal["silver"], clip_px=inner)

    def refresh(self) -> None:
        world, t, pal = self.hud.view.world, self.hud.i18n.t, palette()
        factor = queries.spot_factor(world)
        if factor is None:
            return
        first = queries.model_ids(world)[0]
        price = format_money(queries.spot_price_cents(world, first))
        self.price.set(t("spot.now_short" if self.hud.small else "spot.now", factor=factor_text(factor), price=price),
                       pal["orange"] if factor > 1.2 else pal["white"])
        if queries.spot_sold_out(world):
            self.left.set(t("spot.sold_out"), pal["red"])
        else:
            self.left.set(t("spot.left", count=queries.spot_available(world)), pal["silver"])
        self._sparkline(queries.spot_history(world), factor)
        forecast = queries.spot_forecast(world, FORECAST_MIN)
        if forecast is not None:
            small = self.hud.small  # a narrow panel: the band to one decimal, fewer words
            band = (f"{forecast.low:.1f}", f"{forecast.high:.1f}") if small else \
                (factor_text(forecast.low), factor_text(forecast.high))
            self.forecast.set(t("spot.forecast_short" if small else "spot.forecast", minutes=forecast.minutes,
                                factor=factor_text(forecast.factor), low=band[0], high=band[1]))

    def _sparkline(self, history: list[tuple[int, float]], now: float) -> None:
        """One bar per three minutes (their highest price, so a short peak is not lost), from the list price (×1,
        a low bar) up to the highest seen (at least ×1.5)."""
        x, y, w, h = self.spark_rect
        factors = [f for _t, f in history] or [now]
        values = [max(factors[max(0, end - 3):end]) for end in range(len(factors), 0, -3)][:SPARK_BARS][::-1]
        top = max(1.5, *values)
        pal = palette()
        start = SPARK_BARS - len(values)
        for i, bar in enumerate(self.bars):
            v = values[i - start] if i >= start else 1.0
            set_box(bar, bar.left, y, bar.width, max(2, (h - 2) * (v - 1.0) / (top - 1.0) + 2))
            colour = pal["red"] if v >= 1.5 else pal["orange"] if v >= 1.2 else pal["sky"]
            if tuple(bar.color) != tuple(colour):
                bar.color = colour
