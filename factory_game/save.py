"""Saved games: a running world written to a small versioned JSON file, and rebuilt from it by replay.

The simulation is deterministic, so a save holds no world state at all: only what a replay needs — the level (a
bundled level by its name; any other by its text, its SHA-256 and where it was), the seed, the `--set` overrides,
the player's commands with their times, the mods that made the run, and the moment of the save. Loading builds a
fresh world and replays up to that moment; the result is the same world, event for event, as the one that was
saved. A few counters taken at save time are compared after the replay, so a save that no longer replays
faithfully (the engine or a mod changed) is refused instead of silently becoming a different game.

A save is a passive document: every field is checked (types and ranges; the moment within the level), a level
that is not bundled replays from the text the save carries when its file has moved or changed, and Load runs no
mod from ``./mods`` of the working directory unless the player chose that folder (``RIVER_MODS``).

Saving goes through :func:`factory_game.atomic.write_text_atomically` (a temporary file renamed over the target), so
a crash or a full disk never leaves a half-written save behind, and a failed save leaves the previous one
untouched. Loading never writes anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from factory_game import __version__
from factory_game.atomic import write_text_atomically
from factory_game.errors import SEED_RANGE, check_seed
from factory_game.level import LevelError, Problem
from factory_game.level.bundled import LEVELS_DIR
from factory_game.level.loader import read_level
from factory_game.level.reader import MISSING, Reader, describe
from factory_game.level.records import CommandFieldError, checked_command
from factory_game.level.units import MAX_DURATION_MS
from factory_game.paths import MODS_DIR, MODS_ENV, extra_mod_dirs, user_data_dir
from factory_game.plugins import ModFailed, ModFailure, prepare_level
from factory_game.plugins.discovery import discover
from factory_game.plugins.errors import ModError
from factory_game.plugins.provenance import mod_differences, mods_record
from factory_game.plugins.resolve import resolve
from factory_game.sim.commands import Command
from factory_game.sim.world import World

log = logging.getLogger("factory_game.save")

FORMAT = "river-factory-save"
MAX_ENDLESS_MS = MAX_DURATION_MS  # the latest moment a save of a level without an end may hold
MAX_SAVE_BYTES = 64 * 2**20  # a save is a few KB; 300,000 commands are 19 MB; beyond this it is not a game's
VERSION = 2  # raise when the layout changes; older versions stay readable, newer ones are refused
# 1: the level by its absolute path (and the bundled name); 2: a bundled level by its name alone, any other level
# also by its text, so that a save is a document that replays without the file (and shows no home directory)


# Why a save could not be written or loaded: SaveError.kind, one of these.
KINDS = (
    "unreadable",  # the save file cannot be read (missing, no permission)
    "not_a_save",  # some other file
    "corrupt",  # damaged or truncated: bad JSON, a checksum that does not match, a missing or wrong field
    "newer_version",  # written by a newer game, in a format this one does not know
    "level_unreadable",  # the level file (to save, or the save's own) cannot be read
    "level_changed",  # the level's file changed since the save, so a replay would be another game
    "level_broken",  # the level or its mods no longer load
    "replay_failed",  # a mod failed while the save was replayed
    "replay_mismatch",  # the replay did not reach the saved game (the engine, a mod or the rules changed)
    "write_failed",  # the save could not be written (disk full, no permission); the previous one is kept
)


class SaveError(Exception):
    """A save that cannot be written or loaded. The message is English, for the command line and logs; ``kind``
    (one of KINDS) and the details (``path``, ``level``, ``version``, ``reason``: None when they do not apply) let
    the game say it in the player's language."""

    def __init__(self, kind: str, message: str, *, path: Path | None = None, level: Path | None = None,
                 version: object = None, reason: str | None = None) -> None:
        assert kind in KINDS, kind
        super().__init__(message)
        self.kind = kind
        self.path = path
        self.level = level
        self.version = version
        self.reason = reason


@dataclass(frozen=True)
class SavedGame:
    """The content of a save file, checked but not yet replayed (enough for a load menu to list it)."""

    level_path: Path
    level_id: str
    level_sha256: str
    seed: int
    overrides: tuple[str, ...]
    time_ms: int
    commands: tuple[tuple[int, Command], ...]
    fingerprint: dict[str, int]
    mods: tuple[dict, ...] = ()  # as the run recorded them (id, version, source, sha256); none in older saves
    level_text: str | None = None  # a level that is not bundled, as it was saved (format 2 on)


def save(world: World, path: str | Path, level_path: str | Path | None = None, overrides: Iterable[str] = ()) -> Path:
    """Write `world` to `path` atomically (its directory made if missing). `level_path` defaults to the file the
    world's level was read from; `overrides` are the `--set` values it was loaded with (the world itself does not
    know them)."""
    level_file = Path(level_path if level_path is not None else world.spec.source)
    expected = check_seed(world.seed)
    if expected:  # a save that Load would refuse must not be written (the previous one is kept)
        reason = f"its seed {world.seed} is not {expected}"
        raise SaveError("write_failed", f"cannot save to {path}: {reason}", path=Path(path), reason=reason)
    try:
        level_bytes = level_file.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SaveError("level_unreadable", f"cannot save: the level file {level_file} cannot be read ({reason})",
                        level=level_file, reason=reason) from None
    body = {
        "format": FORMAT,
        "version": VERSION,
        "saved_by": f"factory-game {__version__}",
        "level": _level_record(level_file, level_bytes, world.spec.id),
        "seed": world.seed,
        "overrides": list(overrides),
        "time_ms": world.now,
        "commands": [{"t": t, **command.to_dict()} for t, command in world.player_commands()],
        "fingerprint": fingerprint(world),
        "mods": mods_record(world.spec.mods),  # id, version, source, sha256 of files: loading warns on a change
    }
    body["checksum"] = _checksum(body)
    _write_atomically(Path(path), json.dumps(body, indent=1, ensure_ascii=False) + "\n")
    return Path(path)


def _level_record(level_file: Path, level_bytes: bytes, level_id: str) -> dict:
    """A bundled level by its name; any other level by its text (and where it was, for its data files)."""
    record = {"bundled": _bundled_name(level_file), "id": level_id, "sha256": hashlib.sha256(level_bytes).hexdigest()}
    if record["bundled"] is None:
        try:
            record["text"] = level_bytes.decode("utf-8")
        except UnicodeDecodeError:
            reason = "its level file is not UTF-8 text"
            raise SaveError("level_unreadable", f"cannot save: {reason}", level=level_file, reason=reason) from None
        record["path"] = str(level_file.resolve())
    return record


def read(path: str | Path) -> SavedGame:
    """Read and check a save file without replaying it. Raises SaveError for anything unreadable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SAVE_BYTES:
            reason = f"expected a save of at most {MAX_SAVE_BYTES // 2**20} MB; found {size // 2**20} MB"
            raise SaveError("corrupt", f"{path} is damaged: {reason}", path=path, reason=reason)
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SaveError("unreadable", f"cannot read the save {path}: {reason}", path=path, reason=reason) from None
    except UnicodeDecodeError:
        raise SaveError("not_a_save", f"{path} is not a River Factory save (not text: corrupt?)", path=path) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors add, is no damage
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON at line {exc.lineno}, column {exc.colno}"
        raise SaveError("corrupt", f"{path} is damaged or truncated ({reason})", path=path, reason=reason) from None
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits; nesting thousands deep
        reason = f"unreadable JSON ({str(exc)[:80] or type(exc).__name__})"
        raise SaveError("corrupt", f"{path} is damaged ({reason})", path=path, reason=reason) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise SaveError("not_a_save", f"{path} is not a River Factory save", path=path)
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError("corrupt", f"{path}: unknown save format version {version!r}", path=path, version=version,
                        reason=f"unknown save format version {version!r}")
    if version > VERSION:
        raise SaveError("newer_version", f"{path} was written by a newer River Factory (save format {version}; "
                        f"this one reads up to {VERSION}): update the game to load it", path=path, version=version)
    if body.get("checksum") != _checksum(body):
        raise _damaged(path, "its checksum does not match its content")
    return _parse(body, path)


def _damaged(path: Path, reason: str) -> SaveError:
    return SaveError("corrupt", f"{path} is damaged: {reason}", path=path, reason=reason)


def load(path: str | Path, world_hook: Callable[[World], None] | None = None, lenient: bool = True,
         on_mod_failure: Callable[[ModFailure], None] | None = None, ledger_window: int | None = None,
         strict_mods: bool = False) -> World:
    """Rebuild the saved world by replaying it, with the level's mods. `world_hook(world)` runs before the replay
    (subscribe an event log there to see the replayed events too; subscribe after `load` to see only what happens
    next). `lenient` and `on_mod_failure` are as in play: a failing mod is switched off and reported. A mod that
    differs from the one the save recorded is logged as a warning, or refused (level_broken) with `strict_mods`."""
    game = read(path)
    spec_path = _level_file(game, Path(path))
    try:
        unchosen = unchosen_mods(spec_path, game.overrides)
        if unchosen:
            reason = (f"its level names mods found only in ./mods of the working directory ({', '.join(unchosen)}); "
                      f"a save loads no code from there: add that folder to {MODS_ENV} to use them")
            raise SaveError("level_broken", f"{path}: {reason}", path=Path(path), level=spec_path, reason=reason)
        level = prepare_level(spec_path, game.overrides, lenient=lenient)
    except LevelError as exc:
        raise SaveError("level_broken", f"the save's level or its mods no longer load: {exc}", path=Path(path),
                        level=spec_path, reason=str(exc)) from None
    changed = mod_differences(list(game.mods), level.session.record()["mods"])
    if changed and strict_mods:
        raise SaveError("level_broken", f"the save's mods changed since it was saved: {'; '.join(changed)}",
                        path=Path(path), level=spec_path, reason="; ".join(changed))
    for line in changed:
        log.warning("loading %s: %s; the replay may not match", path, line)
    longest = level.spec.duration_ms if level.spec.goals else MAX_ENDLESS_MS  # play stops a level with goals
    if game.time_ms > longest:
        raise _damaged(Path(path), f"[time_ms] expected a moment within the level's {longest} ms; found "
                       f"{game.time_ms}")
    if on_mod_failure is not None:
        level.session.on_failure(on_mod_failure)
    world = level.start(game.seed, ledger_window)
    if world_hook is not None:
        world_hook(world)
    try:
        level.replay(world, game.commands, game.time_ms)
    except ModFailed as exc:
        raise SaveError("replay_failed", f"replaying the save stopped: {exc}", path=Path(path), level=spec_path,
                        reason=str(exc)) from None
    if fingerprint(world) != game.fingerprint:
        raise SaveError("replay_mismatch", f"{Path(path)} no longer replays to the saved game (the engine, the "
                        "level's mods or the rules changed since it was saved)", path=Path(path), level=spec_path)
    return world


def _level_file(game: SavedGame, path: Path) -> Path:
    """The level file to replay: the saved one when its bytes are still those saved (its data files are beside
    it); else the level's text that the save carries, copied to the player's folder; else an error."""
    spec_path = game.level_path
    try:
        if not spec_path.is_file():  # a folder, or a device or pipe whose reading would never end
            raise FileNotFoundError(2, "not a regular file", str(spec_path))
        level_bytes: bytes | None = spec_path.read_bytes()
    except OSError as exc:
        level_bytes, reason = None, exc.strerror or str(exc)
    if level_bytes is not None and hashlib.sha256(level_bytes).hexdigest() == game.level_sha256:
        return spec_path
    if game.level_text is not None:
        carried = user_data_dir() / "saved-levels" / f"{game.level_sha256}.toml"
        try:
            if not carried.is_file() or carried.read_text(encoding="utf-8") != game.level_text:
                write_text_atomically(carried, game.level_text)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise SaveError("level_unreadable", f"the save's level cannot be written to {carried} ({reason})",
                            path=path, level=carried, reason=reason) from None
        return carried
    if level_bytes is None:
        raise SaveError("level_unreadable", f"the save's level {spec_path} cannot be read ({reason})",
                        path=path, level=spec_path, reason=reason)
    raise SaveError("level_changed", f"the level {spec_path} has changed since this game was saved, so the save "
                    "cannot be replayed", path=path, level=spec_path)


def unchosen_mods(level_path: Path, overrides: Iterable[str] = ()) -> list[str]:
    """The mods the level would load from ``./mods`` of the working directory (where discovery also looks) when
    that folder is neither the game's own ``mods/`` nor listed in ``RIVER_MODS``: a save names its level, the level
    names mods, and such a mod would run code that the player never chose."""
    here = (Path.cwd() / "mods").resolve()
    chosen = {MODS_DIR.resolve(), *(folder.resolve() for folder in extra_mod_dirs())}
    if here in chosen or not here.is_dir():
        return []
    try:
        infos = resolve(read_level(level_path, overrides).mods(), discover())
    except ModError:
        return []  # prepare_level reports it, without running a mod
    return [info.label for info in infos if info.is_folder and Path(info.source).resolve().is_relative_to(here)]


def fingerprint(world: World) -> dict[str, int]:
    """A few running totals that any divergence in a replay would change; read without touching the world."""
    ledger = world.ledger
    return {
        "customers": world.metrics.customers,
        "cash_cents": ledger.cash_cents,
        "revenue_cents": ledger.revenue_cents,
        "upstream_cents": ledger.upstream_cents,
        "commands": len(world.commands),
    }


def _parse(body: dict, path: Path) -> SavedGame:
    """The body read by the level schema's reader: a damaged save names every bad key in the level problems' shape."""
    problems: list[Problem] = []

    def report(key: str, expected: str, found: str) -> None:
        problems.append(Problem(str(path), key, expected, found))

    root = Reader(body, "", report)
    level = root.table("level", required=True)
    level_id, sha256 = level.string("id"), level.string("sha256")
    names_bundled = body["version"] >= 2 and level.raw("bundled", None) is not None
    saved_path = level.string("path", None if names_bundled else MISSING)
    text = level.string("text") if body["version"] >= 2 and not names_bundled else None
    if text is not None and sha256 is not None and hashlib.sha256(text.encode()).hexdigest() != sha256:
        report("level.text", "the level's text, with the level's sha256", "other text")
    bundled = level.raw("bundled", None)
    if bundled is not None and not _is_bundled_name(bundled):
        report("level.bundled", "a bundled level's name (like campaign/01-opening-day.toml) or null",
               describe(bundled))
        bundled = None
    if saved_path is not None and ("\0" in saved_path or not Path(saved_path).is_absolute()):
        report("level.path", "the level file's absolute path", describe(saved_path))
    seed, time_ms = root.integer("seed", low=SEED_RANGE[0], high=SEED_RANGE[1]), root.integer(
        "time_ms", low=0, high=MAX_ENDLESS_MS)
    overrides = root.array("overrides")
    if not all(isinstance(item, str) for item in overrides):
        report("overrides", "a list of key=value strings", describe(overrides))
    commands = []
    for index, record in enumerate(root.array("commands")):
        entry = Reader(record, f"commands.{index}", report)  # reports a record that is not a table
        if not entry.ok:
            continue
        time = entry.integer("t", low=0)
        try:
            command = checked_command({k: v for k, v in record.items() if k != "t"})
        except CommandFieldError as exc:
            report(f"commands.{index}.{exc.key}", exc.expected, exc.found)
            continue
        except ValueError as exc:
            report(f"commands.{index}", "a command", str(exc))
            continue
        if time is not None:
            commands.append((time, command))
    times = [t for t, _ in commands]
    if times != sorted(times):
        report("commands", "commands in order of time", str(times))
    if times and time_ms is not None and times[-1] > time_ms:
        report("commands", f"commands no later than the moment of the save ({time_ms} ms)", str(times[-1]))
    fingerprint = root.table("fingerprint", required=True)
    counters = {name: fingerprint.integer(name) for name in fingerprint.data}
    if problems:
        raise _damaged(path, "; ".join(f"[{p.path}] expected {p.expected}; found {p.found}" for p in problems))
    if bundled and ((LEVELS_DIR / bundled).exists() or saved_path is None):
        level_path = LEVELS_DIR / bundled
    else:
        level_path = Path(saved_path)
    mods = root.raw("mods", [])
    if not isinstance(mods, list) or not all(isinstance(mod, dict) for mod in mods):
        raise _damaged(path, f"[mods] expected a list of mod records; found {describe(mods)}")
    return SavedGame(level_path, level_id, sha256, seed, tuple(overrides), time_ms, tuple(commands), counters,
                     tuple(mods), text)


def _is_bundled_name(name: object) -> bool:
    """A level file's name inside the game's levels/ folder: relative, no `..`, a .toml file."""
    if not isinstance(name, str) or "\0" in name or "\\" in name:
        return False
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts and name.endswith(".toml")


def _bundled_name(level_file: Path) -> str | None:
    """`campaign/01-opening-day.toml` for a bundled level, so a save survives moving the installation."""
    try:
        return level_file.resolve().relative_to(LEVELS_DIR).as_posix()
    except ValueError:
        return None


def _checksum(body: dict) -> str:
    content = {k: v for k, v in body.items() if k != "checksum"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _write_atomically(path: Path, text: str) -> None:
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise _write_failed(path, exc) from None


def _write_failed(path: Path, exc: OSError) -> SaveError:
    reason = exc.strerror or str(exc)
    folder = next((p for p in path.absolute().parents if p.exists()), None)
    if folder is not None and not folder.is_dir():  # e.g. RIVER_USER_DATA names a file
        reason = f"expected a folder to save in; found the file {folder}"
    return SaveError("write_failed", f"cannot save to {path}: {reason}", path=path, reason=reason)
