"""Which mods made a run: each mod's id, version, source and a sha256 of its files, as runs, saves and reports
record them; and what differs between a recording and the mods installed now (`--replay` and loading a save warn,
and refuse under `--strict`)."""

from __future__ import annotations

from collections.abc import Iterable

from factory_game.plugins.discovery import ModInfo, discover
from factory_game.plugins.errors import ModError
from factory_game.plugins.resolve import resolve


def describe_mods(infos: Iterable[ModInfo]) -> list[dict]:
    return [{"id": info.id, "version": info.read.version, "source": info.source, "sha256": info.files_hash()}
            for info in infos]


def mods_record(requests: Iterable[tuple[str, str]]) -> list[dict]:
    """The mods a level's `mods` list resolves to now (empty when they cannot be resolved)."""
    requests = list(requests)
    if not requests:
        return []
    try:
        return describe_mods(resolve(requests, discover()))
    except ModError:
        return []


def mod_differences(recorded: list[dict], current: list[dict]) -> list[str]:
    """One line per mod that is not the same (id, version and files) in both; [] when they match."""
    before = {mod.get("id"): mod for mod in recorded if isinstance(mod, dict)}
    now = {mod["id"]: mod for mod in current}
    lines = []
    for mod_id in sorted(set(before) | set(now), key=str):
        old, new = before.get(mod_id), now.get(mod_id)
        if old is None:
            assert new is not None  # in one of the two
            lines.append(f"mod {mod_id} {new['version']} is used now but was not recorded")
        elif new is None:
            lines.append(f"mod {mod_id} {old.get('version')} was recorded but is not used now")
        elif old.get("version") != new["version"]:
            lines.append(f"mod {mod_id} was {old.get('version')} when recorded and is {new['version']} now")
        elif old.get("sha256") != new["sha256"]:
            lines.append(f"mod {mod_id} {new['version']}: its files changed since the recording "
                         f"(sha256 {str(old.get('sha256'))[:12]}… then, {new['sha256'][:12]}… now)")
    return lines
