"""Running a sweep's runs: in this process, in a process pool, or on a Dask distributed cluster. Each run is a
pure function of (level, overrides, seed), so where it runs changes nothing in its row."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from factory_game.sweep.grid import Run

# The figures a summary shows first (and a sweep's table), among every figure a row keeps.
HEADLINE = ("overall.sla_share", "overall.wait_p95_ms", "money.upstream_cost_cents", "money.profit_cents")


class RunFailed(Exception):
    """A run of the sweep failed: the message names the run (key, overrides, seed) and why. Built from one string,
    so it crosses process and Dask boundaries intact."""

    @classmethod
    def of(cls, run: Run, reason: str) -> RunFailed:
        return cls(f"run {run.key} ({run.config or 'the level as it is'}, seed {run.seed}) failed: {reason}")


@dataclass(frozen=True)
class Job:
    level: str
    rent_from_ms: int
    rent_to_ms: int


def run_one(job: Job, run: Run) -> dict:
    """One run, as a flat row. Raises RunFailed naming the run."""
    from factory_game.level import LevelError
    from factory_game.plugins import prepare_level
    from factory_game.runner import run_level
    from factory_game.sim.commands import Release, Rent
    from factory_game.sim.metrics import summary_paths

    try:
        spec, _rules, session = prepare_level(job.level, run.level_overrides())
        commands = []
        for model, count in sorted(run.rentals().items()):
            if count > 0:
                commands += [(job.rent_from_ms, Rent(model, count)), (job.rent_to_ms, Release(model, count))]
        result = run_level(spec, seed=run.seed, commands=commands, mods=session)
    except LevelError as exc:
        raise RunFailed.of(run, "; ".join(str(p) for p in exc.problems)) from None
    except Exception as exc:  # noqa: BLE001 - any failure is reported with the run that raised it
        raise RunFailed.of(run, f"{type(exc).__name__}: {exc}") from None
    rejected = [r for r in result.commands if r.get("ok") is False]
    if rejected:
        raise RunFailed.of(run, f"a rental was refused: {rejected[0].get('reason')}")
    row = {"key": run.key, "config": run.config, "seed": run.seed}
    row.update({k: v for k, v in run.overrides})
    for path in summary_paths(spec):  # every declared figure of the summary, by its dotted path
        value: object = result.summary
        for part in path.split("."):
            value = value[part]
        row[path] = value
    row["event_log_sha256"] = result.event_hash
    return row


def execute(job: Job, todo: list[Run], workers: int = 1, cluster: str | object | None = None
            ) -> Iterator[dict]:
    """Rows as runs finish (any order). `cluster`: a Dask scheduler address, or a `distributed.Client`."""
    if cluster is not None:
        yield from _on_dask(job, todo, cluster)
    elif workers <= 1:
        for run in todo:
            yield run_one(job, run)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run_one, job, run) for run in todo]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()


def _on_dask(job: Job, todo: list[Run], cluster: str | object) -> Iterator[dict]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ModuleNotFoundError:
        raise RunnerSetupError("--cluster needs Dask: pip install 'factory_game[cluster]'") from None
    client = cluster if isinstance(cluster, Client) else _connect(Client, cluster)
    try:
        futures = client.map(run_one, [job] * len(todo), todo, key=[f"river-run-{r.key}" for r in todo], pure=False)
        try:
            for future in dask_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    finally:
        if client is not cluster:
            client.close()


def _connect(client_class, address: str):
    try:
        return client_class(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise RunnerSetupError(f"--cluster {address}: cannot reach a Dask scheduler there ({exc})") from None


class RunnerSetupError(Exception):
    """The sweep cannot start (a missing package, an unreachable cluster)."""


def read_checkpoint(path: Path) -> Iterable[dict]:
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a line cut short by an interrupted write: that run runs again


def progress_bar(done: int, total: int, write: Callable[[str], None]) -> None:
    width = 30
    filled = width * done // max(total, 1)
    write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} runs")
