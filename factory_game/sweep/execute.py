"""Running a sweep's runs: in this process, in a process pool, or on a Dask distributed cluster. Each run is a
pure function of (level, overrides, seed), so where it runs changes nothing in its row."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from factory_game.sweep.grid import Run
from factory_game.sweep.provenance import LevelBundle

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
    """What every run of a sweep shares: the level (its text and data files, shipped to whichever worker runs it),
    the rent window, and the mods' provenance the runs must find (a worker with other mods refuses)."""

    level: LevelBundle
    rent_from_ms: int
    rent_to_ms: int
    mods: tuple[tuple[str, str, str], ...] = ()  # (id, version, sha256 of its files), as the sweep found them

    @classmethod
    def of(cls, level: str | Path, rent_from_ms: int = 0, rent_to_ms: int = 0) -> Job:
        """The job of a level file, its mods as installed here."""
        from factory_game.level.loader import read_level
        from factory_game.plugins.provenance import mods_record

        path = Path(level)
        mods = mods_record(read_level(path).mods())
        return cls(LevelBundle.read(path), rent_from_ms, rent_to_ms,
                   tuple((m["id"], m["version"], m["sha256"]) for m in mods))


def run_one(job: Job, run: Run) -> dict:
    """One run, as a flat row. Raises RunFailed naming the run. The mods' modules are imported afresh for each run,
    so what a mod keeps in module globals never leaks from one run into the next (rows are the same whatever the
    worker ran before)."""
    from factory_game.level import LevelError
    from factory_game.plugins import prepare_level
    from factory_game.plugins.provenance import describe_mods
    from factory_game.runner import run_level
    from factory_game.sim.commands import Release, Rent
    from factory_game.sim.metrics import summary_paths

    forget_mod_modules()
    folders: list[Path] = []
    try:
        spec, _rules, session = prepare_level(job.level.materialise(), run.level_overrides())
        folders = [info.folder for info in session.infos if info.folder is not None]  # installed packages too
        found = tuple((m["id"], m["version"], m["sha256"]) for m in describe_mods(session.infos))
        if found != job.mods:
            raise RunFailed.of(run, f"this worker's mods {_mods_text(found)} are not the sweep's "
                                    f"{_mods_text(job.mods)}: install the same mods on every worker")
        commands = []
        for model, count in sorted(run.rentals().items()):
            if count > 0:
                commands += [(job.rent_from_ms, Rent(model, count)), (job.rent_to_ms, Release(model, count))]
        result = run_level(spec, seed=run.seed, commands=commands, mods=session)
    except LevelError as exc:
        raise RunFailed.of(run, "; ".join(str(p) for p in exc.problems)) from None
    except RunFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure is reported with the run that raised it
        raise RunFailed.of(run, f"{type(exc).__name__}: {exc}") from None
    finally:
        forget_mod_modules(folders)
    rejected = [r for r in result.commands if r.get("ok") is False]
    if rejected:
        raise RunFailed.of(run, f"a rental was refused: {rejected[0].get('reason')}")
    row = {"key": run.key, "config": run.config, "seed": run.seed}
    row.update({k: v for k, v in run.overrides})
    for path in summary_paths(spec):  # every declared figure of the summary, by its dotted path
        value: object = result.summary
        for part in path.split("."):
            value = value[part]  # type: ignore[index]
        row[path] = value
    row["event_log_sha256"] = result.event_hash
    return row


def _mods_text(mods: tuple[tuple[str, str, str], ...]) -> str:
    return "(" + (", ".join(f"{i} {v} sha256 {h[:12]}…" for i, v, h in mods) or "none") + ")"


def forget_mod_modules(also: Iterable[Path] = ()) -> None:
    """Drop every module a mod brought in (folder mods, the `river_mods` aliases, and any module loaded from a mod
    folder or from `also`, the folders of installed mod packages), so the next `prepare_level` executes the mods'
    code afresh."""
    from factory_game.plugins.discovery import default_mod_dirs

    folders = [str(Path(f).resolve()) + os.sep for f in [*default_mod_dirs(), *also]]
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if name.startswith(("river_mod_", "river_mods")) or (file and any(file.startswith(f) for f in folders)):
            del sys.modules[name]


def workers_for(requested: int, runs: int) -> int:
    """Never more processes than runs (64 workers for 8 runs would start 56 idle processes)."""
    return max(1, min(requested, runs))


def execute(job: Job, todo: list[Run], workers: int = 1, cluster: str | object | None = None
            ) -> Iterator[dict]:
    """Rows as runs finish (any order). `cluster`: a Dask scheduler address, or a `distributed.Client`.

    Local workers end with the sweep: they ignore Ctrl-C (the sweep stops them), are terminated when the sweep
    stops for any reason, and end themselves within a second if the sweep's process is killed."""
    if cluster is not None:
        yield from _on_dask(job, todo, cluster)
    elif workers <= 1:
        for run in todo:
            yield run_one(job, run)
    else:
        import multiprocessing

        pool = multiprocessing.get_context().Pool(workers_for(workers, len(todo)), initializer=_worker_start,
                                                  initargs=(os.getpid(), job))
        try:
            yield from pool.imap_unordered(_run_in_worker, todo)
            pool.close()  # every run in: the workers leave by themselves
        except BaseException:
            pool.terminate()  # stopped early (a failed run, Ctrl-C, kill): end the workers now
            raise
        finally:
            pool.join()


_WORKER_JOB: list[Job] = []  # the job of this pool worker, handed over once (a log's bytes are not sent per run)


def _run_in_worker(run: Run) -> dict:
    return run_one(_WORKER_JOB[0], run)


def _worker_start(parent: int, job: Job) -> None:
    """In each pool worker: keep the job, leave Ctrl-C to the sweep, and end when the sweep's process is gone (kill -9
    included: Linux then hands the worker to another parent)."""
    import signal
    import threading
    import time

    _WORKER_JOB[:] = [job]

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the sweep's own handler, inherited through fork

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="river-parent-watch", daemon=True).start()


def _on_dask(job: Job, todo: list[Run], cluster: str | object) -> Iterator[dict]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ModuleNotFoundError:
        raise RunnerSetupError("--cluster needs Dask: pip install 'factory_game[cluster]'") from None
    client = cluster if isinstance(cluster, Client) else _connect(Client, str(cluster))
    try:
        shipped = client.scatter(job, broadcast=True)  # the level's text and data once per worker, not per run
        futures = client.map(_run_on_worker, todo, job=shipped, key=[f"river-run-{r.key}" for r in todo],
                             pure=False)
        try:
            for future in dask_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    finally:
        if client is not cluster:
            client.close()


def _run_on_worker(run: Run, job: Job) -> dict:
    return run_one(job, run)


def _connect(client_class, address: str):
    try:
        return client_class(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address of an unknown scheme
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
