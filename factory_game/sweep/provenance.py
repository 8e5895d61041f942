"""What a sweep's results depend on, so that results are never reused for anything else: the level's text and the
bytes of its data files (the `[trace]` log), the mods' provenance (id, version, sha256 of their files), the rent
window, the target and the project's version. Its digest is part of every run's key, it is written beside the
results and in the checkpoint, and a resume against anything else is refused, naming what differs.

The level travels with the job as text and bytes (`LevelBundle`): a worker on another machine, or a level edited
while the sweep runs, still runs exactly what was fingerprinted."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import factory_game


class ProvenanceError(Exception):
    """Results on disk were made by something else (another level, log, mod, window, target or version)."""


@dataclass(frozen=True)
class LevelBundle:
    """A level file's name and text, and its data files (path relative to the level, as the level names them ->
    bytes)."""

    name: str
    text: str
    files: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def read(cls, path: Path) -> LevelBundle:
        """The level and the data files it names. A file that cannot be read is left out: loading the level names
        it."""
        text = path.read_text(encoding="utf-8")
        files = []
        for relative in data_files(text):
            file = path.parent / relative
            if file.is_file():  # not /dev/zero, not a FIFO: loading the level names those
                try:
                    files.append((relative, file.read_bytes()))
                except OSError:
                    continue
        return cls(path.name, text, tuple(files))

    def materialise(self) -> Path:
        """The level written out (once per content, shared by every run on this machine): its path."""
        digest = self.digest()
        depth = max([_ups(r) for r, _ in self.files] + [0])  # "../data/log.csv" needs the level one folder down
        root = Path(tempfile.gettempdir()) / f"river-sweep-{digest[:20]}"
        level = root.joinpath(*(["l"] * depth), self.name)
        if level.is_file():
            return level
        staging = Path(tempfile.mkdtemp(prefix=f".river-sweep-{digest[:20]}-", dir=root.parent))
        target = staging.joinpath(*(["l"] * depth), self.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        for relative, data in self.files:
            if not PurePosixPath(relative).is_absolute():
                file = Path(os.path.normpath(target.parent / relative))
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(data)
        target.write_text(self.text, encoding="utf-8")
        try:
            staging.rename(root)  # atomic: another process materialising the same level wins or loses whole
        except OSError:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
        return level

    def digest(self) -> str:
        h = hashlib.sha256(self.name.encode() + b"\0" + self.text.encode())
        for relative, data in self.files:
            h.update(b"\0" + relative.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()


def data_files(text: str) -> list[str]:
    """The data files a level's text names (today: its `[trace] file`)."""
    try:
        trace = tomllib.loads(text).get("trace")
    except tomllib.TOMLDecodeError:
        return []
    file = trace.get("file") if isinstance(trace, dict) else None
    return [file] if isinstance(file, str) and file else []


def _ups(relative: str) -> int:
    parts = PurePosixPath(os.path.normpath(relative)).parts
    return len(parts) - len(tuple(p for p in parts if p != ".."))


def fingerprint(bundle: LevelBundle, mods: list[dict], rent_window: tuple[int, int], target: str | None
                ) -> dict:
    """Everything a sweep's rows depend on, as a JSON-able record (what `describe` compares, field by field)."""
    return {
        "level": hashlib.sha256(bundle.text.encode()).hexdigest(),
        "data_files": {relative: hashlib.sha256(data).hexdigest() for relative, data in bundle.files},
        "mods": mods,
        "rent_window_ms": list(rent_window),
        "target": target or "",
        "version": factory_game.__version__,
    }


def digest(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def differences(before: dict, now: dict) -> list[str]:
    """What differs between two fingerprints, in words ([] when they match)."""
    names = {"level": "the level's text", "data_files": "the level's data files (its request log)",
             "mods": "the mods (version or files)", "rent_window_ms": "--rent-window", "target": "--target",
             "version": "the factory_game version"}
    out = []
    for key, name in names.items():
        if before.get(key) != now.get(key):
            out.append(f"{name}: {_short(before.get(key))} then, {_short(now.get(key))} now")
    return out


def _short(value: object) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "…"
