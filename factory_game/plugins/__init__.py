"""The mod machinery: hook specifications, discovery, resolution and the per-run session (see docs/modding.md).

Mods themselves import only `factory_game.api`.
"""

from factory_game.plugins.discovery import ModInfo, discover
from factory_game.plugins.errors import ModError, ModFailed, ModFailure
from factory_game.plugins.prepare import PreparedLevel, prepare_level
from factory_game.plugins.session import HOOKS, LoadedMod, ModSession, mod_states, open_mods

__all__ = ["HOOKS", "LoadedMod", "ModError", "ModFailed", "ModFailure", "ModInfo", "ModSession", "PreparedLevel",
           "discover", "mod_states", "open_mods", "prepare_level"]
