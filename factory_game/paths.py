"""Where River Factory's files are: the bundled levels, the resources (sprites, fonts, string tables), the bundled
mods, and the player's own directory. Every other module asks here; nothing else works out a path from its own
``__file__``.

``levels/``, ``resources/`` and ``mods/`` live at the top of the repository. A wheel carries copies of them inside
the package, as ``factory_game/data/<name>`` (hatchling's ``force-include`` in pyproject.toml), so an installed game
finds them through :mod:`importlib.resources`; a checkout or an editable install has no ``data`` folder in the
package and reads the repository's folders beside it.

Environment variables, one prefix (``RIVER_``):

- ``RIVER_RESOURCES``: a resources folder to use instead of the bundled one;
- ``RIVER_MODS``: more mod folders, separated like ``PATH``;
- ``RIVER_USER_DATA``: the player's directory (save slot, progress); tests point it at a temporary directory.
  Unset, it is the platform's user data directory (:func:`platformdirs.user_data_dir`: on Linux
  ``$XDG_DATA_HOME/river-factory``, else ``~/.local/share/river-factory``).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs

RESOURCES_ENV = "RIVER_RESOURCES"
MODS_ENV = "RIVER_MODS"
USER_DATA_ENV = "RIVER_USER_DATA"
APP_NAME = "river-factory"

BUNDLED = ("levels", "resources", "mods")  # the folders a wheel force-includes under factory_game/data/


def data_root(package: Path | None = None) -> Path:
    """The folder that holds ``levels/``, ``resources/`` and ``mods/``: the package's ``data`` folder when the game
    is installed from a wheel, else the checkout the package sits in. (An editable install also gets copies under
    site-packages, as hatchling copies force-included files; they go unused: the checkout's package is the one
    imported, and it looks beside itself.)"""
    package = Path(str(files("factory_game"))) if package is None else package
    installed = package / "data"
    return installed if (installed / "levels").is_dir() else package.parent


DATA_ROOT = data_root()
LEVELS_DIR = DATA_ROOT / "levels"
MODS_DIR = DATA_ROOT / "mods"
RESOURCES_DIR = Path(os.environ.get(RESOURCES_ENV) or DATA_ROOT / "resources")
I18N_DIR = RESOURCES_DIR / "i18n"
FONT_FILE = RESOURCES_DIR / "fonts" / "unifont.otf"
FONT_NAME = "Unifont"
ATLAS_PNG = RESOURCES_DIR / "sprites" / "atlas.png"
ATLAS_JSON = RESOURCES_DIR / "sprites" / "atlas.json"


def extra_mod_dirs() -> list[Path]:
    """The folders listed in ``RIVER_MODS`` (read at each call, so a test or a shell can change it)."""
    return [Path(p) for p in os.environ.get(MODS_ENV, "").split(os.pathsep) if p]


def user_data_dir() -> Path:
    """The player's directory: ``RIVER_USER_DATA`` when set, else the platform's user data directory."""
    return Path(os.environ.get(USER_DATA_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False))


def environment_problems() -> tuple[list[str], list[str]]:
    """What is wrong with the ``RIVER_`` variables: (errors, warnings). An error stops every command (without its
    resources the game cannot say anything); a warning (a ``RIVER_MODS`` entry that is not a folder) is printed
    and the command goes on without that entry."""
    errors, warnings = [], []
    if os.environ.get(RESOURCES_ENV) and not (I18N_DIR / "en.toml").is_file():
        found = "no such folder" if not RESOURCES_DIR.exists() else (
            "a file" if not RESOURCES_DIR.is_dir() else "a folder without i18n/en.toml")
        errors.append(f"{RESOURCES_ENV}={RESOURCES_DIR}: expected the game's resources folder (with i18n/, fonts/ "
                      f"and sprites/); found {found}")
    for folder in extra_mod_dirs():
        if not folder.is_dir():
            found = "a file" if folder.exists() else "no such folder"
            warnings.append(f"{MODS_ENV}: expected mod folders separated by {os.pathsep!r}; found {folder}: {found} "
                            "(skipped)")
    return errors, warnings
