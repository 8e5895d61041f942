"""Where the game's files are: the repository's ``resources/`` folder (the package runs from a checkout or an
editable install; ``RIVER_RESOURCES`` points elsewhere when the resources are installed apart)."""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(os.environ.get("RIVER_RESOURCES") or Path(__file__).resolve().parents[2] / "resources")
FONT_FILE = RESOURCES / "fonts" / "unifont.otf"
FONT_NAME = "Unifont"
ATLAS_PNG = RESOURCES / "sprites" / "atlas.png"
ATLAS_JSON = RESOURCES / "sprites" / "atlas.json"
