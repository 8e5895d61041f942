"""`mod.toml`: who a mod is and what it needs. Read before any of the mod's code runs.

    id = "surge-pricing"                      # lowercase letters, digits, - and _
    version = "1.0.0"
    api = [1]                                 # the API_VERSIONs of factory_game.api this mod works with
    name = { en = "Surge pricing", zh-CN = "高峰定价" }
    description = { en = "…", zh-CN = "…" }
    author = "River Factory team"

    [dependencies]                            # other mods, with version constraints ("" = any version)
    other-mod = ">=1.0,<2"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from factory_game.plugins.versions import check_constraint, parse_version
from factory_game.texts import LANGUAGES

ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KEYS = ("id", "version", "api", "name", "description", "author", "dependencies")


@dataclass(frozen=True)
class Manifest:
    id: str
    version: str
    api: tuple[int, ...]
    names: dict[str, str]
    description: dict[str, str]
    author: str
    dependencies: tuple[tuple[str, str], ...] = ()  # (mod id, version constraint), sorted by id


def read_manifest(path: Path) -> tuple[Manifest | None, list[str]]:
    """The manifest, or None and every problem found (each naming the file and key)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [f"{path}: cannot read the manifest: {exc.strerror or exc}"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path}: not valid TOML: {exc}"]
    return parse_manifest(data, str(path))


def parse_manifest(data: dict, source: str) -> tuple[Manifest | None, list[str]]:
    problems: list[str] = []

    def bad(key: str, expected: str, found: object) -> None:
        problems.append(f"{source}: [{key}] expected {expected}; found {found!r}")

    for key in data:
        if key not in KEYS:
            bad(key, "one of " + ", ".join(KEYS), key)
    mod_id = data.get("id")
    if not isinstance(mod_id, str) or not ID.match(mod_id):
        bad("id", "an id of lowercase letters, digits, - and _", mod_id)
    version = data.get("version")
    try:
        parse_version(version if isinstance(version, str) else "")
    except ValueError:
        bad("version", 'a version like "1.0.0"', version)
    api = data.get("api")
    if not isinstance(api, list) or not api or not all(isinstance(v, int) and not isinstance(v, bool) for v in api):
        bad("api", "a list of supported API versions, e.g. [1]", api)
    names = _texts(data, "name", bad)
    description = _texts(data, "description", bad)
    author = data.get("author")
    if not isinstance(author, str) or not author.strip():
        bad("author", "the author's name", author)
    deps = data.get("dependencies", {})
    if not isinstance(deps, dict):
        bad("dependencies", 'a table of mod id = "version constraint"', deps)
        deps = {}
    for dep, constraint in deps.items():
        try:
            check_constraint(constraint if isinstance(constraint, str) else "?")
        except ValueError:
            bad(f"dependencies.{dep}", 'a version constraint like ">=1.0,<2" ("" for any)', constraint)
    if problems:
        return None, problems
    return Manifest(mod_id, version, tuple(api), names, description, author,
                    tuple(sorted(deps.items()))), []


def _texts(data: dict, key: str, bad) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGUAGES):
        bad(key, "a table with en and zh-CN text", value)
        return {}
    return dict(value)
