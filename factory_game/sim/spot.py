"""The spot market (a level's `[spot]` table): the price and the stock of rentable slots, moving with the demand of
every buyer across the upstream, River included (docs/engine.md, "The spot market").

Each minute other buyers' demand is D = others x stock x shape(t)^follows x exp(x), with shape(t) the
level's arrival rate over its mean (rush hours on River are rush hours upstream) and x an AR(1) noise drawn from its
own stream (`spot`): x <- persistence x + volatility e. With r the slots River rents at spot (on order included) and
S the stock (an incident may shrink it), the share taken is u = (D + r) / S; a slot-hour costs the model's list
rent price x (1 + steepness x max(0, u - 0.5)^2), and the slots left are floor(S - D - r): none left is *sold out*,
and a rental that asks for more than are left is refused. A rental keeps the price of the minute it was ordered;
a contract keeps the price it was signed at (the hedge). The forecast comes from the process's own parameters
(the mean and the spread of x some minutes ahead), never from its future draws.
"""

from __future__ import annotations

import math
from collections import deque
from typing import NamedTuple

from factory_game.sim.arrivals import piece_index, rate_schedule
from factory_game.sim.capacity import Order
from factory_game.sim.clock import MINUTE
from factory_game.sim.commands import CommandRejected
from factory_game.sim.entities import ModelState
from factory_game.sim.rng import RngStreams
from factory_game.sim.spec import LevelSpec, ModelSpec, SpotSpec

HISTORY = 120  # minutes of price kept for a sparkline
BAND_Z = 1.645  # the forecast band: 5 % to 95 % of the noise's spread
SOLD_OUT_U = 1.5  # the price stops rising past this share (the market has long sold out)


class Forecast(NamedTuple):
    """The spot price factor (x the list rent price) expected `minutes` ahead: the median and a 90 % band."""

    minutes: int
    factor: float
    low: float
    high: float


class Spot:
    """One level's spot market. The world ticks it each minute and asks it before renting."""

    def __init__(self, spec: SpotSpec, level: LevelSpec, rng: RngStreams, models: dict[str, ModelState],
                 orders: dict[str, list[Order]]) -> None:
        self.spec = spec
        self.models = models
        self.orders = orders  # Capacity's slots on order, by model
        self._rng = rng.stream("spot")
        pieces = rate_schedule(level)
        self._pieces = pieces
        total = 0.0
        for i, piece in enumerate(pieces):
            end = pieces[i + 1].start_ms if i + 1 < len(pieces) else level.duration_ms
            total += piece.per_hour * max(0, min(end, level.duration_ms) - piece.start_ms)
        self._mean_rate = total / level.duration_ms if total > 0 else 0.0
        self.noise = 0.0  # x, the AR(1) log-noise of other buyers' demand
        self.stock_shocks: dict[int, float] = {}  # incident id -> the share of the stock an outage leaves
        self.others = self._others(0)
        self.history: deque[tuple[int, float]] = deque(maxlen=HISTORY)  # (minute time, price factor)
        self.history.append((0, self.factor()))

    # ------------------------------------------------------------------------------------------------ process
    def shape(self, t: int) -> float:
        """The level's arrival rate at `t` over its mean across the level, to the power `follows_demand`."""
        if self._mean_rate <= 0:
            return 1.0
        rate = self._pieces[piece_index(self._pieces, t)].per_hour
        return float((rate / self._mean_rate) ** self.spec.follows_demand)

    def _others(self, t: int, noise: float | None = None) -> float:
        spec = self.spec
        x = self.noise if noise is None else noise
        return spec.others * spec.stock * self.shape(t) * math.exp(x)

    def tick(self, now: int) -> None:
        """A minute passes: the noise moves one AR(1) step, other buyers' demand follows, the price is recorded."""
        spec = self.spec
        self.noise = spec.persistence * self.noise + spec.volatility * self._rng.gauss(0.0, 1.0)
        self.others = self._others(now)
        self.history.append((now, self.factor()))

    # ------------------------------------------------------------------------------------------------ state
    @property
    def stock(self) -> float:
        stock = float(self.spec.stock)
        for share in self.stock_shocks.values():
            stock *= share
        return stock

    def rented(self) -> int:
        """River's slots at spot: rented (not on contract) and present or on order."""
        count = 0
        for m in self.models.values():
            count += sum(1 for s in m.slots if s.rented and not s.committed_ms)
            count += sum(1 for order in self.orders[m.id] if order.kind == "rent")
        return count

    def _share(self, others: float, rented: int) -> float:
        stock = self.stock
        return SOLD_OUT_U if stock <= 0 else min(SOLD_OUT_U, (others + rented) / stock)

    def _factor_at(self, share: float) -> float:
        return 1.0 + self.spec.steepness * max(0.0, share - 0.5) ** 2

    def factor(self) -> float:
        """The spot price now, as a factor of each model's list rent price."""
        return self._factor_at(self._share(self.others, self.rented()))

    def available(self) -> int:
        """Slots left to rent now (0: sold out)."""
        return max(0, math.floor(self.stock - self.others - self.rented()))

    def price_cents(self, model: ModelSpec) -> int:
        """A slot-hour of `model` rented now."""
        return round(model.rent_price_cents * self.factor())

    def refusal(self, count: int) -> CommandRejected | None:
        """Why renting `count` slots now is refused (the market has fewer left), or None."""
        left = self.available()
        if left == 0:
            return CommandRejected("the spot market is sold out: no slot left to rent (contracts are not affected)",
                                   "spot_sold_out")
        if count > left:
            return CommandRejected(f"the spot market has only {left} slot{'s' if left != 1 else ''} left to rent, "
                                   f"not {count}", "spot_short", left=left)
        return None

    # ------------------------------------------------------------------------------------------------ forecast
    def forecast(self, now: int, minutes: int) -> Forecast:
        """The price factor `minutes` ahead, River's rentals held as they are: the median and a 90 % band, from the
        known demand curve and the noise's conditional law (mean persistence^h x, variance
        volatility^2 (1 - persistence^2h) / (1 - persistence^2)); the stock held as it is now."""
        spec = self.spec
        h = max(0, minutes)
        phi = spec.persistence
        mean = phi ** h * self.noise
        var = spec.volatility ** 2 * (h if phi == 1 else (1 - phi ** (2 * h)) / (1 - phi ** 2))
        spread = BAND_Z * math.sqrt(var)
        t = now + h * MINUTE
        rented = self.rented()
        at = [self._factor_at(self._share(self._others(t, x), rented)) for x in (mean, mean - spread, mean + spread)]
        return Forecast(h, at[0], at[1], at[2])
