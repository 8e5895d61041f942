import pytest

from factory_game.paths import MODS_ENV


@pytest.fixture
def mods_dir(tmp_path, monkeypatch):
    """An empty folder of mods that discovery searches (besides the game's own mods/)."""
    root = tmp_path / "mods"
    root.mkdir()
    monkeypatch.setenv(MODS_ENV, str(root))
    return root
