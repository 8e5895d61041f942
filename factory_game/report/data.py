"""What a report shows, taken out of a finished (or paused) world: plain numbers, no simulation objects, so the
charts and the text can be drawn from it at any time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from factory_game.level.goals import GoalResult, evaluate, level_stars
from factory_game.report.labels import pick

if TYPE_CHECKING:
    from factory_game.runner import RunResult
    from factory_game.sim.world import World


def decision_text(command) -> str:
    """A decision in a few characters, for a mark on a chart: "+4 sd15", "-2 sd15", "image 0.80", "L3 cap 1"."""
    name = command.name
    if name == "rent":
        return f"+{command.count} {command.model}"
    if name == "release":
        return f"-{command.count} {command.model}"
    if name == "set_price":
        return f"{command.content} {command.cents / 100:.2f}"
    if name == "set_surcharge":
        return f"pack +{command.percent}%"
    if name == "priority_sales":
        return "pack on" if command.on else "pack off"
    if name == "set_cap":
        return f"{command.tier} cap {command.cap}"
    if name == "close_tier":
        return f"{command.tier} shut {command.minutes}m" if command.minutes else f"{command.tier} open"
    if name == "prompt_multiplier":
        return f"ask {command.multiplier:g}x"
    if name == "sign_contract":
        return f"+{command.count} {command.model} contract"
    if name == "wait_offer":
        return f"offer {command.percent}%"
    if name == "autopilot":
        return "auto on" if command.enabled else "auto off"
    return name


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
    # the manager's decisions carried out, as (time ms, source, command name, short text): marked on the charts
    decisions: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def stars(self) -> int:
        return level_stars(self.goals)

    def model_name(self, model_id: str, lang: str) -> str:
        return pick(self.model_names.get(model_id, {}), lang, model_id)

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
            decisions=[(r.time, r.source, r.command.name, decision_text(r.command)) for r in world.commands
                       if r.ok and r.command.name not in ("arrive",)],
        )

    @classmethod
    def from_run(cls, result: RunResult) -> ReportData:
        if result.world is None:
            raise ValueError("the run kept no world; run_level keeps it unless told otherwise")
        data = cls.from_world(result.world, result.goals, result.event_hash)
        # the run's summary was taken after its final cost settlement: report exactly that
        return replace(data, summary=result.summary)
