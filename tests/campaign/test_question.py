"""Levels 9 and 10: the wait question decides (issue 16 item 4). There capacity cannot be bought in time — an
upstream outage bigger than what can be rented, a crowd when the spot market is sold out — so the expert's
decisions on the wait question (the multiplier by the weather, the offer to those who stay) are worth stars: the
same expert without them (the level's own multiplier all day, no offer; its door, caps and renting unchanged)
earns fewer stars over seeds 1-10, and the expert's runs do ask the question (docs/campaign.md, "The 3x question
decides")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from factory_game.plugins import prepare_level
from factory_game.sim.queries import incidents_seen, spot_available
from factory_game.sim.world import World
from tests.campaign.policies import EXPERTS, Expert, Policy, StormWatch, play, stars

CAMPAIGN = Path(__file__).resolve().parents[2] / "levels" / "campaign"
SEEDS = range(1, 11)
QUESTION_LEVELS = ("09-keep-waiting", "10-sold-out")


def _without_question_decisions(expert: Expert, multiplier: float) -> Expert:
    """The expert with its wait-question rules pinned: ask at the level's multiplier in every phase, offer nothing."""
    reacts = tuple(replace(rule, calm=multiplier, down=multiplier, busy=multiplier, offer=0)
                   if isinstance(rule, StormWatch) else rule for rule in expert.reacts)
    return replace(expert, reacts=reacts)


@pytest.mark.parametrize("stem", QUESTION_LEVELS)
def test_the_question_decisions_are_worth_stars_and_the_question_is_asked(stem):
    spec = prepare_level(CAMPAIGN / f"{stem}.toml").spec
    expert = [play(spec, seed, EXPERTS[stem](spec)) for seed in SEEDS]
    pinned = [play(spec, seed, _without_question_decisions(EXPERTS[stem](spec), spec.prompt.multiplier))
              for seed in SEEDS]
    with_them, without = [stars(r) for r in expert], [stars(r) for r in pinned]
    assert sum(without) < sum(with_them), f"{stem}: with the question decisions {with_them}, without {without}"
    asked = [r.summary["overall"]["prompts"] for r in expert]
    assert sum(asked) > 0, f"{stem}: the expert's runs never asked the question"
    for result in expert:
        assert any(c["command"] == "prompt_multiplier" for c in result.commands), f"{stem} seed {result.seed}"


@dataclass
class SpotWatch(Policy):
    """The expert, with an eye on the market: the fewest spot slots left to rent while each incident lasts."""

    expert: Expert
    fewest: dict[int, int] = field(default_factory=dict)  # incident id -> the fewest slots left while it lasted

    def start(self, world: World) -> None:
        self.expert.start(world)

    def step(self, world: World) -> None:
        self.expert.step(world)
        for incident in incidents_seen(world):
            if world.now < incident.at_ms + incident.params["duration_ms"]:
                left = spot_available(world)
                assert left is not None
                self.fewest[incident.id] = min(self.fewest.get(incident.id, left), left)


@pytest.mark.parametrize("stem", QUESTION_LEVELS)
def test_capacity_cannot_be_bought_in_time(stem):
    """Every seed of 1-10 brings its shock, and while it lasts renting cannot cover it: the spot market sells out
    (or has fewer slots left than the outage took), and an outage takes more slots than the model may rent."""
    spec = prepare_level(CAMPAIGN / f"{stem}.toml").spec
    model = spec.models[0]
    for seed in SEEDS:
        watch = SpotWatch(EXPERTS[stem](spec))
        world = play(spec, seed, watch).world
        seen = incidents_seen(world)
        assert seen, f"{stem} seed {seed}: no incident"
        for incident in seen:
            if incident.kind == "upstream_outage":
                assert incident.params["slots"] > model.max_extra, f"{stem} seed {seed}: {incident.params}"
                assert watch.fewest[incident.id] < incident.params["slots"], f"{stem} seed {seed}"
            else:
                assert watch.fewest[incident.id] == 0, f"{stem} seed {seed}: never sold out in {incident.params}"
