"""Two-speed images: a second image provider, Pixelmill, with two models for the same content type, and the
route rule that gives both of them work.

- `pix-lite`: cheap and slow (lognormal 8 min, cv 0.5; 0.60 per contracted slot-hour, 1.50 rented).
- `pix-turbo`: dear and fast (lognormal 2 min, cv 0.4; 4.00 per contracted slot-hour, 9.00 rented).

Without a route rule every image goes to the first model serving images and the second one idles. The rule:

    cheap first: pix-lite, unless its predicted wait is longer than the customer's patience would take
    (more than half of it), or it has no serving slot (an outage): then whichever of the two waits less.
    Priority-pack customers paid for speed: pix-turbo, unless it waits longer than pix-lite.

It reads only the world's views (predicted wait and serving slots per model) and the task's candidate `models`, so
it also works when a level adds other image models: they are ignored unless they are the only ones.
"""

from factory_game.api import MINUTE, Dist, ModelSpec, Provider, hookimpl

LITE = ModelSpec(
    "pix-lite", ("image",), slots=6, service=Dist.lognormal(8 * MINUTE, 0.5), failure_rate=0.01,
    slot_cost_cents=60, rent_price_cents=150, lead_time_ms=2 * MINUTE, max_extra=6,
    names={"en": "Pix Lite", "zh-CN": "像素轻量"},
)
TURBO = ModelSpec(
    "pix-turbo", ("image",), slots=3, service=Dist.lognormal(2 * MINUTE, 0.4), failure_rate=0.01,
    slot_cost_cents=400, rent_price_cents=900, lead_time_ms=2 * MINUTE, max_extra=3,
    names={"en": "Pix Turbo", "zh-CN": "像素极速"},
)
PIXELMILL = Provider("pixelmill", {"en": "Pixelmill", "zh-CN": "像素磨坊"}, (LITE, TURBO))


@hookimpl
def river_register_providers(register):
    register(PIXELMILL)


@hookimpl
def river_route(world, customer, models):
    if LITE.id not in models or TURBO.id not in models:
        return None  # a level without both: the built-in rule decides
    lite, turbo = world.models[LITE.id], world.models[TURBO.id]
    lite_wait = lite.predicted_wait_ms() if lite.capacity else float("inf")
    turbo_wait = turbo.predicted_wait_ms() if turbo.capacity else float("inf")
    if customer.priority:
        return TURBO.id if turbo_wait <= lite_wait else LITE.id
    if lite_wait <= customer.patience_ms / 2:
        return LITE.id
    return LITE.id if lite_wait <= turbo_wait else TURBO.id
