"""Finding mods: folders with a `mod.toml` and a `mod.py` under the mod directories, and installed packages that
declare an entry point in the group `factory_game.mods` (the entry point names a package holding `mod.toml`; its
hooks are in the package's `mod.py` when there is one, else in the package itself).

A folder mod wins over an installed package with the same id (the package is "shadowed"), so a mod's working copy
in ./mods can be tried while a release of it is installed. Discovery reads manifests only; a mod's code is
imported when a level asks for it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from factory_game.paths import MODS_DIR, extra_mod_dirs
from factory_game.plugins.errors import ModError
from factory_game.plugins.manifest import Manifest, read_manifest

ENTRY_POINT_GROUP = "factory_game.mods"


@dataclass
class ModInfo:
    """One discovered mod: its manifest (None if unreadable), where it came from, and why it cannot load."""

    manifest: Manifest | None
    source: str  # the manifest's path, or "entry point NAME = VALUE"
    folder: Path | None  # icons and other files resolve against this
    problems: list[str] = field(default_factory=list)
    loader: Callable[[], ModuleType] | None = None
    shadowed_by: str | None = None  # the folder mod with the same id that is used instead of this package

    @property
    def is_folder(self) -> bool:
        return self.source.endswith("mod.toml")

    def files_hash(self) -> str:
        """sha256 over the mod's files (relative path and bytes, in path order; caches and bytecode left out): two
        runs with the same hash ran the same mod."""
        digest = hashlib.sha256()
        if self.folder is not None:
            for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                               and p.suffix not in (".pyc", ".pyo")):
                digest.update(str(path.relative_to(self.folder).as_posix()).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()

    @property
    def id(self) -> str:
        return self.manifest.id if self.manifest else "?"

    @property
    def read(self) -> Manifest:
        """The manifest of a mod that has one (a resolved mod always does)."""
        if self.manifest is None:
            raise ModError([f"{self.source}: no readable mod.toml: {'; '.join(self.problems)}"])
        return self.manifest

    @property
    def label(self) -> str:
        """"surge-pricing 1.0.0" — how errors name a mod."""
        return f"{self.manifest.id} {self.manifest.version}" if self.manifest else self.source

    def load(self) -> ModuleType:
        """The plugin object (a module) whose hookimpl-marked functions get registered."""
        if self.loader is None:
            raise ModError([f"{self.source}: nothing to load ({'; '.join(self.problems)})"])
        return self.loader()


def default_mod_dirs() -> list[Path]:
    """The game's own `mods/`, `./mods` of the working directory (where a modder writes theirs), and the folders
    listed in the environment variable RIVER_MODS (separated like PATH)."""
    out: list[Path] = []
    for folder in (MODS_DIR, Path.cwd() / "mods", *extra_mod_dirs()):
        if folder.is_dir() and folder.resolve() not in out:
            out.append(folder.resolve())
    return out


def discover(mod_dirs: Iterable[Path] | None = None,
             points: Iterable[EntryPoint] | None = None) -> list[ModInfo]:
    """Every mod found, sorted by id then source, so listings and errors read the same on every machine."""
    found: list[ModInfo] = []
    for folder in default_mod_dirs() if mod_dirs is None else mod_dirs:
        for manifest_path in sorted(Path(folder).glob("*/mod.toml")):
            found.append(_folder_mod(manifest_path))
    if points is None:
        points = entry_points(group=ENTRY_POINT_GROUP)
    for point in sorted(points, key=lambda p: p.name):
        found.append(_entry_point_mod(point))
    _mark_shadowed(found)
    return sorted(found, key=lambda info: (info.id, info.source))


def _mark_shadowed(found: list[ModInfo]) -> None:
    """One folder mod with an id shadows the installed packages with that id; an identical copy of a folder mod
    is shadowed by the first found (the game's own mods/ comes first); two different folders stay a conflict."""
    by_id: dict[str, list[ModInfo]] = {}
    for info in found:
        if info.manifest is not None:
            by_id.setdefault(info.id, []).append(info)
    for infos in by_id.values():
        folders = [info for info in infos if info.is_folder]
        for copy in folders[1:]:  # an identical copy (a second checkout's ./mods) is the same mod, not a conflict
            if copy.files_hash() == folders[0].files_hash():
                copy.shadowed_by = f"{folders[0].label} ({folders[0].source}), of which it is a copy"
        folders = [info for info in folders if info.shadowed_by is None]
        if len(folders) == 1:
            for info in infos:
                if not info.is_folder:
                    info.shadowed_by = f"{folders[0].label} ({folders[0].source})"


def _folder_mod(manifest_path: Path) -> ModInfo:
    folder = manifest_path.parent
    manifest, problems = read_manifest(manifest_path)
    module_path = folder / "mod.py"
    if not module_path.is_file():
        problems.append(f"{folder}: no mod.py next to mod.toml")
    return ModInfo(manifest, str(manifest_path), folder, problems, lambda: _import_file(module_path))


def _import_file(path: Path) -> ModuleType:
    """Import a mod's file under a name unique to its path (two folders may hold mods with the same file name)."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    name = f"river_mod_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _entry_point_mod(point: EntryPoint) -> ModInfo:
    source = f"entry point {point.name} = {point.value}"
    try:
        plugin = point.load()
    except Exception as exc:  # a broken installed package must not break discovery of the others
        return ModInfo(None, source, None, [f"{source}: cannot import: {type(exc).__name__}: {exc}"])
    if not getattr(plugin, "__file__", None):
        return ModInfo(None, source, None, [f"{source}: expected a package holding mod.toml; found {plugin!r}"])
    folder = Path(plugin.__file__).parent
    manifest, problems = read_manifest(folder / "mod.toml")
    if getattr(plugin, "__path__", None) is not None and (folder / "mod.py").is_file():
        return ModInfo(manifest, source, folder, problems, lambda: importlib.import_module(f"{plugin.__name__}.mod"))
    return ModInfo(manifest, source, folder, problems, lambda: plugin)
