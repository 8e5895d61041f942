"""What a report shows, taken out of a finished (or paused) world: plain numbers, no simulation objects, so the
charts and the text can be drawn from it at any time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from factory_game.level.goals import GoalResult, evaluate, level_stars
from factory_game.texts import pick

if TYPE_CHECKING:
    from factory_game.runner import RunResult
    from factory_game.sim.world import World


@dataclass(frozen=True)
class ReportData:
    level_id: str
    title: dict[str, str]
    seed: int
    summary: dict
    goals: list[GoalResult]
    series: list[dict]  # one sample per simulated minute (World.metrics.series)
    waits_by_tier: dict[str, list[int]]  # queue wait of every started task, ms
    model_names: dict[str, dict[str, str]] = field(default_factory=dict)  # model -> {lang: name}
    event_hash: str = ""
    mods: dict = field(default_factory=dict)  # the run's mods and mod failures (ModSession.record())

    @property
    def stars(self) -> int:
        return level_stars(self.goals)

    def model_name(self, model_id: str, lang: str) -> str:
        return pick(self.model_names.get(model_id), lang, model_id)

    @classmethod
    def from_world(cls, world: World, goals: list[GoalResult] | None = None, event_hash: str = "") -> ReportData:
        """From a live world (the game's end-of-level screen); goals are scored now if not given."""
        summary = world.summary()
        metrics = world.metrics
        return cls(
            level_id=world.spec.id,
            title=dict(world.spec.title),
            seed=world.seed,
            summary=summary,
            goals=evaluate(world.spec, summary) if goals is None else list(goals),
            series=list(metrics.series),
            waits_by_tier={tier: metrics.group(tier=tier).waits.expand() for tier, _cap in world.spec.tiers},
            model_names={m.id: dict(m.names) for m in world.spec.models},
            event_hash=event_hash,
        )

    @classmethod
    def from_run(cls, result: RunResult) -> ReportData:
        if result.world is None:
            raise ValueError("the run kept no world; run_level keeps it unless told otherwise")
        data = cls.from_world(result.world, result.goals, result.event_hash)
        # the run's summary was taken after its final cost settlement: report exactly that
        return replace(data, summary=result.summary, mods=result.mods)
