"""What a level asks of the world, as frozen dataclasses. `factory_game.level` builds these from TOML;
the simulation only reads them. Times are integer ms, money integer cents.

Each field a level file sets says so once, here: its default and, in its metadata (`toml(...)`), the key a level
file writes, the unit the key is written in and the range it accepts. `factory_game.level.schema` reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from factory_game.sim.burst import BurstSpec
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist
from factory_game.sim.levers import BY_NAME, GROUPS

# A level sets where three levers start (a tier's cap, the prompt multiplier, the priority surcharge); it may set
# them only within what the lever itself accepts, so the levers panel never starts outside its own range.
_CAP, _MULTIPLIER, _SURCHARGE = BY_NAME["set_cap"], BY_NAME["prompt_multiplier"], BY_NAME["set_surcharge"]

MAX_TASKS = 100  # tasks one customer brings at most
TIER_CAP = (int(_CAP.low), int(_CAP.high or 0))  # a tier's cap (tasks in flight) from ... to
UNITS = ("string", "boolean", "integer", "number", "share", "duration", "money", "texts", "dist:duration",
         "dist:money", "dist:count")


def toml(key: str, unit: str, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    """Field metadata: the level file's `key`, written in `unit` (one of UNITS: a duration string becomes ms,
    a money string cents, a share is a number from 0 to 1), accepted from `low` to `high`."""
    assert unit in UNITS, unit
    return {"toml": key, "unit": unit, "low": low, "high": high}


class Names(dict[str, str]):
    """A spec's names (language -> name), read-only like the frozen spec that holds them: one spec serves every world
    of a level, and mods read it through their views, so nobody may rename a model for the others."""

    __slots__ = ()

    def _refuse(self, *_args: object, **_kwargs: object) -> None:
        raise TypeError("a spec's names are read-only (build a new spec with other names instead)")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Names], tuple[dict[str, str]]]:
        # pickled (a sweep's workers) through the constructor, not item by item (which would be refused)
        return (Names, (dict(self),))


def _freeze_names(spec: Any) -> None:
    if type(spec.names) is not Names:
        object.__setattr__(spec, "names", Names(spec.names))


@dataclass(frozen=True)
class ContentSpec:
    id: str
    price_cents: int
    names: dict[str, str] = field(default_factory=dict)  # language -> name (read-only once built: Names)
    icon: str = ""

    def __post_init__(self) -> None:
        _freeze_names(self)


@dataclass(frozen=True)
class Profile:
    """Iteration time of a replica against one axis (the batch size of a decode step, or the prompt tokens of a
    prefill), measured at a few points as Vidur profiles them: linear between points, the first point's time below
    the first, the last segment's slope beyond the last (a longer prefill costs more, at the last measured rate)."""

    points: tuple[tuple[int, float], ...]  # (axis value, ms), axis strictly increasing

    def ms(self, x: float) -> float:
        points = self.points
        if x <= points[0][0] or len(points) == 1:
            return points[0][1]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        (x0, y0), (x1, y1) = points[-2], points[-1]
        return y1 + (y1 - y0) * (x - x1) / (x1 - x0)


@dataclass(frozen=True)
class BatchingSpec:
    """`[models.<id>.batching]`: the model is served by replicas with continuous batching (docs/engine.md,
    "Batched serving") instead of one task per slot; its `slots` are replicas. A replica runs up to `max_batch`
    requests at once, and their prompt plus output tokens up to `max_batch_tokens` (the KV cache; 0: no cap).
    `decode` is one decode step's time by batch size (every running request writes one token), `prefill` a prefill
    step's time by the prompt tokens it reads. Requests without token counts (synthetic arrivals, a log without
    them) draw them from `prompt_tokens` and `output_tokens`."""

    max_batch: int = field(default=32, metadata=toml("max_batch", "integer", 1, 4096))
    max_batch_tokens: int = field(default=0, metadata=toml("max_batch_tokens", "integer", 0, 100_000_000))
    prompt_tokens: Dist = field(default=Dist.fixed(1000), metadata=toml("prompt_tokens", "dist:count", 1, 1_000_000))
    output_tokens: Dist = field(default=Dist.fixed(200), metadata=toml("output_tokens", "dist:count", 1, 1_000_000))
    decode: Profile = Profile(((1, 10.0),))  # read by the loader: { batch_size = [...], ms = [...] }
    prefill: Profile = Profile(((1, 10.0),))  # read by the loader: { num_tokens = [...], ms = [...] }


@dataclass(frozen=True)
class ModelSpec:
    id: str
    content: tuple[str, ...]
    slots: int = field(metadata=toml("slots", "integer", 0, 500))
    service: Dist = field(metadata=toml("service", "dist:duration"))  # in ms
    failure_rate: float = field(default=0.0, metadata=toml("failure_rate", "share"))
    # how many times a failed task goes back to the queue before it is refunded
    retries: int = field(default=0, metadata=toml("retries", "integer", 0, 10))
    slot_cost_cents: int = field(default=0, metadata=toml("slot_cost", "money", 0))  # per contracted slot-hour
    rent_price_cents: int = field(default=0, metadata=toml("rent_price", "money", 0))  # per rented slot-hour
    lead_time_ms: int = field(default=2 * MINUTE, metadata=toml("lead_time", "duration", 0))
    min_rental_ms: int = field(default=HOUR, metadata=toml("min_rental", "duration", 0))
    max_extra: int = field(default=0, metadata=toml("max_extra", "integer", 0, 500))
    names: dict[str, str] = field(default_factory=dict, metadata=toml("names", "texts"))  # read-only: Names
    provider: str = "builtin"
    batching: BatchingSpec | None = None  # None: one task per slot at a time (the slot model)

    def __post_init__(self) -> None:
        _freeze_names(self)

    @property
    def mean_service_ms(self) -> float:
        return self.service.mean


@dataclass(frozen=True)
class RatePiece:
    start_ms: int
    per_hour: float


@dataclass(frozen=True)
class ArrivalSpec:
    rate: tuple[RatePiece, ...]
    tiers: tuple[tuple[str, float], ...]  # tier -> weight
    content: tuple[tuple[str, float], ...]  # content type -> weight
    priority_share: float = field(default=0.0, metadata=toml("priority_share", "share"))
    tasks: Dist = field(default=Dist.fixed(1), metadata=toml("tasks", "dist:count", 0, MAX_TASKS))
    budget: Dist = field(default=Dist.fixed(10_000), metadata=toml("budget", "dist:money", 0))  # cents
    # the longest predicted wait a customer accepts
    patience: Dist = field(default=Dist.uniform(10 * MINUTE, 30 * MINUTE), metadata=toml("patience", "dist:duration"))
    return_probability: float = field(default=0.0, metadata=toml("return_probability", "share"))
    return_after: Dist = field(default=Dist.exponential(HOUR), metadata=toml("return_after", "dist:duration"))
    burst: BurstSpec | None = None  # `[arrivals.burst]`: sub-hour bursts on top of the rate (sim/burst.py)


@dataclass(frozen=True)
class TierTraits:
    """`[tier_traits.<tier>]`: what one tier answers to and punishes (docs/engine.md, "Who the customers are").
    `price_sensitivity` multiplies `[market] elasticity` for this tier's demand (so a dear price changes the mix of
    arriving tiers); `lateness` multiplies how fast a late delivery's satisfaction score falls. 1.0: like today."""

    price_sensitivity: float = field(default=1.0, metadata=toml("price_sensitivity", "number", 0.0, 10.0))
    lateness: float = field(default=1.0, metadata=toml("lateness", "number", 0.0, 10.0))


_NO_TRAITS = TierTraits()


@dataclass(frozen=True)
class QueueSpec:
    """`aging_ms` 0 means strict priority classes. Otherwise a priority-pack task is ordered as if it had been
    waiting `aging_ms` longer than it has: a normal task that has waited that long goes ahead of newer priority
    tasks, so normal customers' queue wait is bounded."""

    aging_ms: int = field(default=0, metadata=toml("aging", "duration", 0))


@dataclass(frozen=True)
class PromptSpec:
    enabled: bool = field(default=True, metadata=toml("enabled", "boolean"))
    # ask when predicted wait > multiplier x the model's mean service time
    multiplier: float = field(default=3.0, metadata=toml("multiplier", "number", _MULTIPLIER.low,
                                                                              _MULTIPLIER.high))
    # the dispatcher walks over and asks
    answer_delay_ms: int = field(default=20_000, metadata=toml("answer_delay", "duration", 0))
    check_every_ms: int = field(default=MINUTE, metadata=toml("check_every", "duration", MINUTE))


@dataclass(frozen=True)
class ScriptedEvent:
    """`outage` (model, slots, duration), `spike` (factor, duration) or `price` (content, price_cents); or a kind a
    mod declares (`<mod id>/<name>`, with its `params`), which the world leaves to the plugin layer to deliver."""

    kind: str = field(metadata=toml("kind", "string"))
    at_ms: int = field(metadata=toml("at", "duration", 0))
    duration_ms: int = field(default=0, metadata=toml("duration", "duration", 1))
    model: str = field(default="", metadata=toml("model", "string"))
    slots: int = field(default=0, metadata=toml("slots", "integer", 1, 500))
    factor: float = field(default=1.0, metadata=toml("factor", "number", 0.0, 100.0))
    content: str = field(default="", metadata=toml("content", "string"))
    price_cents: int = field(default=0, metadata=toml("price", "money", 0))
    params: tuple[tuple[str, object], ...] = ()  # a mod's event: (name, value) in the order the mod declares them


@dataclass(frozen=True)
class AutopilotSpec:
    """Rent `step` slots when a model's predicted wait stays above `rent_wait_factor` x its mean service time for
    `sustain` checks in a row; release `step` rented slots when utilisation stays below `release_util`."""

    enabled: bool = field(default=False, metadata=toml("enabled", "boolean"))
    every_ms: int = field(default=MINUTE, metadata=toml("every", "duration", MINUTE))
    rent_wait_factor: float = field(default=1.5, metadata=toml("rent_wait_factor", "number", 0.0, 100.0))
    release_util: float = field(default=0.6, metadata=toml("release_util", "share"))
    sustain: int = field(default=3, metadata=toml("sustain", "integer", 1, 1000))
    step: int = field(default=2, metadata=toml("step", "integer", 1, 500))
    # the most stars a run earns once the auto-manager was on (3: no cap); the loader turns it into a goal
    star_cap: int = field(default=3, metadata=toml("star_cap", "integer", 0, 3))


@dataclass(frozen=True)
class MarketSpec:
    """How demand answers the manager (docs/engine.md, "The market and the levers"). `elasticity` 0: demand ignores
    price; `reputation_strength` 0: no reputation. `levers`: the levers the player may use on this level (read by the
    loader, which checks each name against the groups of `sim.levers.LEVERS`)."""

    elasticity: float = field(default=0.0, metadata=toml("elasticity", "number", 0.0, 10.0))
    priority_elasticity: float = field(default=0.0, metadata=toml("priority_elasticity", "number", 0.0, 10.0))
    reputation_strength: float = field(default=0.0, metadata=toml("reputation_strength", "number", 0.0, 10.0))
    reputation_reference: float = field(default=0.9, metadata=toml("reputation_reference", "share"))
    reputation_lag_ms: int = field(default=30 * MINUTE, metadata=toml("reputation_lag", "duration", MINUTE))
    # a contract slot-hour costs this share of the spot rent price
    contract_share: float = field(default=0.5, metadata=toml("contract_share", "number", 0.0, 10.0))
    contract_period_ms: int = field(default=4 * HOUR, metadata=toml("contract_period", "duration", MINUTE))
    contract_lead_ms: int = field(default=15 * MINUTE, metadata=toml("contract_lead", "duration"))
    levers: tuple[str, ...] = GROUPS  # renting: always open


@dataclass(frozen=True)
class SpotSpec:
    """`[spot]`: the spot market every buyer rents from (docs/engine.md, "The spot market"). Other buyers' demand is
    `others` x `stock` x the level's arrival-rate shape x exp(x), x an AR(1) noise (`persistence`, `volatility` per
    minute); the price of a slot-hour is the model's `rent_price` x (1 + `steepness` x max(0, u - 0.5)^2), u the
    share of the stock taken. A level without `[spot]` rents at the list price from a stock that never runs out."""

    stock: int = field(default=40, metadata=toml("stock", "integer", 1, 10_000))
    others: float = field(default=0.5, metadata=toml("others", "number", 0.0, 2.0))
    volatility: float = field(default=0.1, metadata=toml("volatility", "number", 0.0, 1.0))
    persistence: float = field(default=0.9, metadata=toml("persistence", "number", 0.0, 0.999))
    steepness: float = field(default=4.0, metadata=toml("steepness", "number", 0.0, 100.0))
    follows_demand: float = field(default=1.0, metadata=toml("follows_demand", "number", 0.0, 3.0))


@dataclass(frozen=True)
class IncidentsSpec:
    """`[incidents]`: which incident kinds may occur and how often (`rates`: kind -> onsets per hour, read and
    checked by the loader against `sim.incidents.KINDS` and the `<mod id>/<name>` kinds the level's mods register);
    none before `first_after`, at least `gap` apart, none in the last `gap` of the level. A level without it has no
    incidents."""

    first_after_ms: int = field(default=10 * MINUTE, metadata=toml("first_after", "duration", 0))
    gap_ms: int = field(default=10 * MINUTE, metadata=toml("gap", "duration", 0))
    rates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Goal:
    """A goal on one summary metric (dotted path, e.g. `overall.sla_share`). `stars` are the 1-, 2- and 3-star
    thresholds; `warn` is where the game starts warning."""

    metric: str = field(metadata=toml("metric", "string"))
    at_least: bool
    stars: tuple[float, float, float]
    warn: float | None = None
    label: dict[str, str] = field(default_factory=dict, metadata=toml("label", "texts"))


class TraceArrival(NamedTuple):
    """One logged request to replay: a customer with one task. None fields are drawn as for a synthetic arrival;
    `service_ms` None means the model's distribution draws the service time. A named tuple: one is built per row."""

    at_ms: int
    tier: str | None = None
    content: str | None = None
    priority: bool | None = None
    service_ms: int | None = None
    tokens: tuple[int | None, int | None] | None = None  # (prompt, output) for a batched model; None: drawn


@dataclass(frozen=True)
class TraceSpec:
    """A request log replayed beside the level's rate schedule. `open` starts a fresh, lazy pass over the log (the
    level layer reads the file; the simulation only pulls arrivals, in time order)."""

    file: str
    open: Callable[[], Iterator[TraceArrival]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class LevelSpec:
    """The fields with `toml` metadata are the `[level]` table's keys; the others are tables of their own."""

    id: str = field(metadata=toml("id", "string"))
    title: dict[str, str] = field(metadata=toml("title", "texts"))
    briefing: dict[str, str] = field(default_factory=lambda: {"en": "", "zh-CN": ""}, kw_only=True,
                                     metadata=toml("briefing", "texts"))
    duration_ms: int = field(metadata=toml("duration", "duration", 1))
    content: tuple[ContentSpec, ...]
    models: tuple[ModelSpec, ...]
    arrivals: ArrivalSpec
    tiers: tuple[tuple[str, int], ...] = (("L1", 1), ("L2", 2), ("L3", 3), ("L4", 5), ("L5", 10))  # tier -> cap
    tier_traits: tuple[tuple[str, TierTraits], ...] = ()  # the tiers `[tier_traits]` names; the others: TierTraits()
    seed: int = field(default=1, metadata=toml("seed", "integer", 0, 2**63 - 1))
    sla_ms: int = field(default=10 * MINUTE, metadata=toml("sla", "duration", 1))
    start_cash_cents: int = field(default=0, metadata=toml("start_cash", "money"))  # may be negative: a debt
    # priority-pack customers pay this share more per task
    priority_surcharge: float = field(default=0.0, metadata=toml("priority_surcharge", "number", _SURCHARGE.low / 100,
                                                                 (_SURCHARGE.high or 0) / 100))  # the lever's %
    # a pack buyer's late delivery costs this many times what it costs their tier (they paid not to wait)
    priority_waiting: float = field(default=1.0, metadata=toml("priority_waiting", "number", 0.0, 10.0))
    mods: tuple[tuple[str, str], ...] = ()  # (mod id, version constraint)
    queue: QueueSpec = QueueSpec()
    prompt: PromptSpec = PromptSpec()
    events: tuple[ScriptedEvent, ...] = ()
    autopilot: AutopilotSpec = AutopilotSpec()
    market: MarketSpec = MarketSpec()
    goals: tuple[Goal, ...] = ()
    source: str = ""
    trace: TraceSpec | None = None
    spot: SpotSpec | None = None  # None: renting at the list price, stock unlimited (as before [spot] existed)
    incidents: IncidentsSpec | None = None  # None: no incidents

    def traits(self, tier: str) -> TierTraits:
        """What the tier answers to and punishes: its `[tier_traits]` entry, or the defaults."""
        return dict(self.tier_traits).get(tier, _NO_TRAITS)

    def model(self, model_id: str) -> ModelSpec:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)
