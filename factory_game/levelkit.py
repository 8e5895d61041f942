"""Build small levels in code, for tests, benchmarks and experiments, without a TOML file."""

from __future__ import annotations

from dataclasses import replace

from factory_game.builtin import CONTENT
from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import ArrivalSpec, LevelSpec, ModelSpec, PromptSpec, RatePiece

TEXTS = {"en": "test", "zh-CN": "测试"}
FIVE_MINUTES = Dist.fixed(5 * MINUTE)


def model(model_id: str = "sd15", content: tuple[str, ...] = ("image",), slots: int = 1,
          service: Dist = FIVE_MINUTES, **fields) -> ModelSpec:
    return ModelSpec(model_id, content, slots, service, **fields)


def level(*models: ModelSpec, rate_per_hour: float = 0.0, tiers: tuple[tuple[str, int], ...] = (("L1", 1), ("L2", 2)),
          duration_ms: int = 8 * HOUR, prompt: PromptSpec | None = None, **fields) -> LevelSpec:
    """A level with the given models; no random arrivals unless `rate_per_hour` is set (use the Arrive command)."""
    models = models or (model(),)
    served = [c for m in models for c in m.content]
    arrivals = fields.pop("arrivals", None) or ArrivalSpec(
        rate=(RatePiece(0, rate_per_hour),), tiers=((tiers[0][0], 1.0),),
        content=tuple((c, 1.0) for c in dict.fromkeys(served)))
    return LevelSpec(id="kit", title=TEXTS, briefing=TEXTS, duration_ms=duration_ms, content=CONTENT, models=models,
                     arrivals=arrivals, tiers=tiers, prompt=prompt or PromptSpec(enabled=False), **fields)


def with_arrivals(spec: LevelSpec, **fields) -> LevelSpec:
    return replace(spec, arrivals=replace(spec.arrivals, **fields))
