"""Finding mods: folders with a `mod.toml` and a `mod.py` under the mod directories, and installed packages that
declare an entry point in the group `factory_game.mods` (the entry point names a package holding `mod.toml`).

Discovery reads manifests only; a folder mod's code is imported when a level asks for it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from factory_game.paths import MODS_DIR, extra_mod_dirs
from factory_game.plugins.manifest import Manifest, read_manifest

ENTRY_POINT_GROUP = "factory_game.mods"


@dataclass
class ModInfo:
    """One discovered mod: its manifest (None if unreadable), where it came from, and why it cannot load."""

    manifest: Manifest | None
    source: str  # the manifest's path, or "entry point NAME = VALUE"
    folder: Path | None  # icons and other files resolve against this
    problems: list[str] = field(default_factory=list)
    loader: Callable[[], object] | None = None

    @property
    def id(self) -> str:
        return self.manifest.id if self.manifest else "?"

    @property
    def label(self) -> str:
        """"surge-pricing 1.0.0" — how errors name a mod."""
        return f"{self.manifest.id} {self.manifest.version}" if self.manifest else self.source

    def load(self) -> object:
        """The plugin object (a module) whose hookimpl-marked functions get registered."""
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
    return sorted(found, key=lambda info: (info.id, info.source))


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
    return ModInfo(manifest, source, folder, problems, lambda: plugin)
