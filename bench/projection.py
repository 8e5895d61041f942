"""How far the live goals' projection is from the end, measured on the experts' runs (issue 16 item 5).

    python bench/projection.py                      # every campaign level, seeds 1-10, at half time
    python bench/projection.py --levels 04 --at 0.25 0.5 0.75

Two projections are compared: `pace`, from what the goals strip has seen (`game/panels/outlook.py`: a sum at its
recent pace and at its pace since the start, a share within its recent values), and `futures`, the world copied and
run to the end six times down other random paths with the levers held (`level/projection.py`, what the strip
shows). This plays each level's committed expert (`tests/campaign/policies.py`) as `play` does, samples every goal
once a simulated minute as the strip does, and at the chosen moments takes each projection (its point and range) and
compares it with the goal's value at the end: the median relative error of the point, how many runs are within
10 %, and how many ends fell inside the range. The expert keeps deciding after the moment; neither projection
knows its next decisions. Prints one row per level, goal and projection; exit 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # this checkout

from factory_game.game.panels.outlook import TREND_WINDOW_MS, outlook  # noqa: E402
from factory_game.level.goals import evaluate  # noqa: E402
from factory_game.level.projection import future_ends, project_goals  # noqa: E402
from factory_game.plugins import PreparedLevel, prepare_level  # noqa: E402
from factory_game.sim.clock import MINUTE  # noqa: E402
from tests.campaign.policies import EXPERTS  # noqa: E402

CAMPAIGN = sorted((ROOT / "levels" / "campaign").glob("*.toml"))


def projections(spec, seed: int, expert, at: list[float]) -> tuple[dict[float, list], list]:
    """The goals' outlooks at each share of the level in `at`, and the goals' results at the end."""
    world = PreparedLevel.from_spec(spec).start(seed)
    world.autopilot_enabled = False
    expert.start(world)
    end = spec.duration_ms
    marks = {round(end * share / MINUTE) * MINUTE: share for share in at}
    history: dict[str, list[tuple[int, float]]] = {}
    taken: dict[float, list] = {}
    while world.now < end:
        world.advance(min(end, world.now + MINUTE))
        if world.now >= end:
            break
        expert.step(world)
        world.settle_costs()
        results = evaluate(spec, world.summary())
        for result in results:
            points = history.setdefault(result.goal.metric, [])
            points.append((world.now, result.value))
            while len(points) > 2 and points[1][0] < world.now - TREND_WINDOW_MS:
                points.pop(0)
        if world.now in marks:
            futures = project_goals(spec, future_ends(world, end))
            taken[marks[world.now]] = [
                (view.now.goal.metric, {"pace": (view.projected_value, view.low, view.high),
                                        "futures": (futures[view.now.goal.metric].value,
                                                    futures[view.now.goal.metric].low,
                                                    futures[view.now.goal.metric].high)})
                for view in outlook(results, history, world.now, end)]
    world.settle_costs()
    return taken, evaluate(spec, world.summary())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", nargs="*", help="level numbers (01 …); default every campaign level")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--at", type=float, nargs="*", default=[0.5], help="shares of the level (default 0.5)")
    args = parser.parse_args()
    paths = [p for p in CAMPAIGN if not args.levels or p.name[:2] in args.levels]
    print(f"{'level':<18} {'goal':<30} {'at':>4} {'projection':<8} {'median err':>10} {'≤10 %':>6} {'in range':>8}")
    for path in paths:
        spec = prepare_level(path).spec
        rows: dict[tuple[str, float, str], list[tuple[float, bool]]] = {}
        for seed in range(1, args.seeds + 1):
            taken, final = projections(spec, seed, EXPERTS[path.stem](spec), args.at)
            ends = {r.goal.metric: r.value for r in final}
            for share, views in taken.items():
                for metric, kinds in views:
                    if metric == "manager.autopilot_minutes":
                        continue
                    end_value = ends[metric]
                    for kind, (point, low, high) in kinds.items():
                        error = abs(point - end_value) / max(abs(end_value), 1e-9)
                        rows.setdefault((metric, share, kind), []).append((error, low <= end_value <= high))
        for (metric, share, kind), found in sorted(rows.items()):
            errors = [e for e, _ in found]
            within = sum(e <= 0.10 for e in errors)
            inside = sum(i for _, i in found)
            print(f"{path.stem[:18]:<18} {metric[:30]:<30} {share:>4.2f} {kind:<8} {statistics.median(errors):>9.1%} "
                  f"{within:>3}/{len(found):<2} {inside:>5}/{len(found):<2}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
