"""Every trust test writes its user data (save slot, progress) in a temporary folder, never the tester's."""

import pytest

from factory_game.paths import USER_DATA_ENV


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    directory = tmp_path / "user-data"
    monkeypatch.setenv(USER_DATA_ENV, str(directory))
    return directory
