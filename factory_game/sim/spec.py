"""What a level asks of the world, as frozen dataclasses. `factory_game.level` builds these from TOML;
the simulation only reads them. Times are integer ms, money integer cents."""

from __future__ import annotations

from dataclasses import dataclass, field

from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist


@dataclass(frozen=True)
class ContentSpec:
    id: str
    price_cents: int
    names: dict[str, str] = field(default_factory=dict)  # language -> name
    icon: str = ""


@dataclass(frozen=True)
class ModelSpec:
    id: str
    content: tuple[str, ...]
    slots: int
    service: Dist  # in ms
    failure_rate: float = 0.0
    retries: int = 0  # how many times a failed task goes back to the queue before it is refunded
    slot_cost_cents: int = 0  # per contracted slot-hour
    rent_price_cents: int = 0  # per rented slot-hour
    lead_time_ms: int = 2 * MINUTE
    min_rental_ms: int = HOUR
    max_extra: int = 0
    names: dict[str, str] = field(default_factory=dict)
    provider: str = "builtin"

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
    priority_share: float = 0.0
    tasks: Dist = Dist.fixed(1)
    budget: Dist = Dist.fixed(10_000)  # cents
    patience: Dist = Dist.uniform(10 * MINUTE, 30 * MINUTE)  # the longest predicted wait a customer accepts
    return_probability: float = 0.0
    return_after: Dist = Dist.exponential(HOUR)


@dataclass(frozen=True)
class QueueSpec:
    """`aging_ms` 0 means strict priority classes. Otherwise a priority-pack task is ordered as if it had been
    waiting `aging_ms` longer than it has: a normal task that has waited that long goes ahead of newer priority
    tasks, so normal customers' queue wait is bounded."""

    aging_ms: int = 0


@dataclass(frozen=True)
class PromptSpec:
    enabled: bool = True
    multiplier: float = 3.0  # ask when predicted wait > multiplier x the model's mean service time
    answer_delay_ms: int = 20_000  # the dispatcher walks over and asks
    check_every_ms: int = MINUTE


@dataclass(frozen=True)
class ScriptedEvent:
    """`outage` (model, slots, duration), `spike` (factor, duration) or `price` (content, price_cents)."""

    kind: str
    at_ms: int
    duration_ms: int = 0
    model: str = ""
    slots: int = 0
    factor: float = 1.0
    content: str = ""
    price_cents: int = 0


@dataclass(frozen=True)
class AutopilotSpec:
    """Rent `step` slots when a model's predicted wait stays above `rent_wait_factor` x its mean service time for
    `sustain` checks in a row; release `step` rented slots when utilisation stays below `release_util`."""

    enabled: bool = False
    every_ms: int = MINUTE
    rent_wait_factor: float = 1.5
    release_util: float = 0.6
    sustain: int = 3
    step: int = 2


@dataclass(frozen=True)
class Goal:
    """A goal on one summary metric (dotted path, e.g. `overall.sla_share`). `stars` are the 1-, 2- and 3-star
    thresholds; `warn` is where the game starts warning."""

    metric: str
    at_least: bool
    stars: tuple[float, float, float]
    warn: float | None = None
    label: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LevelSpec:
    id: str
    title: dict[str, str]
    briefing: dict[str, str]
    duration_ms: int
    content: tuple[ContentSpec, ...]
    models: tuple[ModelSpec, ...]
    arrivals: ArrivalSpec
    tiers: tuple[tuple[str, int], ...] = (("L1", 1), ("L2", 2), ("L3", 3), ("L4", 5), ("L5", 10))
    seed: int = 1
    sla_ms: int = 10 * MINUTE
    start_cash_cents: int = 0
    priority_surcharge: float = 0.0  # priority-pack customers pay this share more per task
    mods: tuple[tuple[str, str], ...] = ()  # (mod id, version constraint)
    queue: QueueSpec = QueueSpec()
    prompt: PromptSpec = PromptSpec()
    events: tuple[ScriptedEvent, ...] = ()
    autopilot: AutopilotSpec = AutopilotSpec()
    goals: tuple[Goal, ...] = ()
    source: str = ""

    def model(self, model_id: str) -> ModelSpec:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)
