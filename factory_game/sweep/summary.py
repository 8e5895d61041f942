"""A sweep's rows summarised per configuration: means with 95 % confidence intervals (Student's t over the seeds),
the cheapest configuration meeting a target, and the Pareto front of cost against the target metric."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from factory_game.sim.metrics import metric_of
from factory_game.sweep.execute import HEADLINE

COST = "money.upstream_cost_cents"
_TARGET = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(>=|<=)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


@dataclass(frozen=True)
class Target:
    metric: str
    at_least: bool
    value: float

    def met_by(self, stat: Stat) -> bool:
        """Met with 95 % confidence: the interval's worse end is on the right side."""
        return stat.low >= self.value if self.at_least else stat.high <= self.value

    def margin(self, stat: Stat) -> float:
        """How far the interval's worse end is on the right side of the target (negative: the wrong side)."""
        return stat.low - self.value if self.at_least else self.value - stat.high

    def __str__(self) -> str:
        return f"{self.metric}{'>=' if self.at_least else '<='}{self.value:g}"


def parse_target(text: str, metrics: list[str]) -> Target:
    match = _TARGET.match(text)
    if not match or match.group(1) not in metrics:
        raise ValueError(f"--target: expected METRIC>=VALUE or METRIC<=VALUE with METRIC a figure of the level's "
                         f"summary (e.g. {', '.join(HEADLINE)}); found {text!r}")
    return Target(match.group(1), match.group(2) == ">=", float(match.group(3)))


@dataclass(frozen=True)
class Stat:
    mean: float
    half_width: float  # of the 95 % confidence interval (0 with one seed)
    n: int
    minimum: float = math.nan
    maximum: float = math.nan

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def stat(values: list[float]) -> Stat:
    n = len(values)
    mean = math.fsum(values) / n
    if n < 2:
        return Stat(mean, 0.0, n, min(values), max(values))
    from scipy.stats import t

    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    return Stat(mean, float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n), n, min(values), max(values))


@dataclass
class ConfigSummary:
    config: str
    overrides: dict
    stats: dict[str, Stat]


def summarise(rows: list[dict], metrics: list[str]) -> list[ConfigSummary]:
    """One summary per configuration, in grid order (rows sorted by config as first seen, by key within)."""
    metrics = [m for m in metrics if all(m in row for row in rows)]  # rows resumed from an older sweep may lack some
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["config"], []).append(row)
    out = []
    for config, members in groups.items():
        first = members[0]
        overrides = {k: first[k] for k in first if k not in metrics and k not in ("key", "config", "seed",
                                                                               "event_log_sha256")}
        out.append(ConfigSummary(config, overrides, {m: stat([float(r[m]) for r in members]) for m in metrics}))
    return out


def cheapest(summaries: list[ConfigSummary], target: Target) -> ConfigSummary | None:
    meeting = [s for s in summaries if target.met_by(s.stats[target.metric])]
    return min(meeting, key=lambda s: (s.stats[COST].mean, s.config)) if meeting else None


def pareto_front(summaries: list[ConfigSummary], target: Target) -> list[ConfigSummary]:
    """Configurations no other beats on both mean cost (lower) and mean target metric (better), by cost."""
    sign = 1 if target.at_least else -1
    ordered = sorted(summaries, key=lambda s: (s.stats[COST].mean, -sign * s.stats[target.metric].mean))
    front, best = [], -math.inf
    for s in ordered:
        score = sign * s.stats[target.metric].mean
        if score > best:
            front.append(s)
            best = score
    return front


def table(summaries: list[ConfigSummary], target: Target | None) -> str:
    """The terminal table: mean ± 95 % CI half-width of the headline figures (and the target's) per configuration."""
    shown = list(HEADLINE) + ([target.metric] if target and target.metric not in HEADLINE else [])
    width = max([len(s.config) for s in summaries] + [13])
    lines = [f"{'configuration':{width}}  {'n':>3}  " + "  ".join(f"{m:>26}" for m in shown)
             + ("  target" if target else "")]
    for s in summaries:
        cells = "  ".join(f"{_fmt(m, s.stats[m]):>26}" for m in shown)
        mark = ("  yes" if target.met_by(s.stats[target.metric]) else "  no") if target else ""
        lines.append(f"{s.config:{width}}  {s.stats[shown[0]].n:>3}  {cells}{mark}")
    return "\n".join(lines)


def _fmt(metric: str, s: Stat) -> str:
    """By the figure's declared unit (sim/metrics.py)."""
    unit = metric_of(metric).unit
    if unit == "cents":
        return f"{s.mean / 100:,.2f} ± {s.half_width / 100:,.2f}"
    if unit == "share":
        return f"{100 * s.mean:.2f}% ± {100 * s.half_width:.2f}"
    if unit == "ms" and abs(s.mean) < 1000:  # a token's latency: 264.0ms ± 1.4, not 0.3s ± 0.0
        return f"{s.mean:,.1f}ms ± {s.half_width:,.1f}"
    if unit == "ms":
        return f"{s.mean / 1000:,.1f}s ± {s.half_width / 1000:,.1f}"
    return f"{s.mean:,.1f} ± {s.half_width:,.1f}"
