"""progress.json is merged, never replaced: one odd value, a damaged file or a second window never costs a star,
and a damaged file is kept aside and told. (reliability-review.md rows 15-18.)"""

from __future__ import annotations

import json
import multiprocessing

import pytest

from factory_game.game import userdata
from factory_game.game.app import Game

L1, L2, L3 = "campaign-01-opening-day", "campaign-02-priority-pack", "campaign-03-video-arrives"


def _write(text: str) -> None:
    userdata.progress_file().parent.mkdir(parents=True, exist_ok=True)
    userdata.progress_file().write_text(text, encoding="utf-8")


def _on_disk() -> dict:
    return json.loads(userdata.progress_file().read_text())


def test_one_odd_value_costs_no_other_star():
    """P1: one bad value made the next win rewrite the file with that star alone."""
    original = json.dumps({"version": 1, "stars": {L2: 3, L3: "x"}})
    _write(original)
    stars = userdata.read_stars()
    assert stars == {L2: 3}
    stars[L1] = 1
    userdata.write_stars(stars)
    assert _on_disk() == {"version": 1, "stars": {L1: 1, L2: 3}}
    kept = list(userdata.progress_file().parent.glob("progress.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == original  # the odd file itself is kept, for the player


@pytest.mark.parametrize("text", ['{"version":1,"stars":{"a":NaN}}', '{"version":1,"stars":{"a":1e400}}',
                                  '{"version":1,"sta', "[" * 100_000, '{"version": 2, "stars": [["a", 3]]}',
                                  '{"version":1,"stars":{"a":true}}'],
                         ids=["nan", "overflow", "truncated", "deep", "newer-layout", "bool"])
def test_a_damaged_file_never_stops_the_game_and_is_kept_and_told(text):
    """P2: 1e400 and deep nesting raised out of Game() at start-up."""
    _write(text)
    game = Game(None, [], None, None)
    assert game.progress_notice is not None and game.progress_notice.damaged
    assert game.progress_notice.kept_as.read_text() == text
    game.record(L1, 2)
    assert _on_disk()["stars"][L1] == 2
    assert game.progress_notice.kept_as.read_text() == text


def test_a_bom_is_read():
    _write("\ufeff" + json.dumps({"version": 1, "stars": {L1: 2}}))
    assert userdata.read_progress() == userdata.Progress({L1: 2})


def test_two_windows_keep_each_others_stars():
    """P3: last writer won; now each write merges with the file."""
    a, b = userdata.read_stars(), userdata.read_stars()
    a[L1] = 3
    userdata.write_stars(a)
    b[L2] = 2
    merged = userdata.write_stars(b)
    assert _on_disk()["stars"] == {L1: 3, L2: 2} == merged.stars
    b[L1] = 1  # a worse result elsewhere never lowers a star
    userdata.write_stars(b)
    assert _on_disk()["stars"][L1] == 3


def _window(prefix: str, user_data: str) -> None:
    import os

    os.environ["RIVER_USER_DATA"] = user_data
    mine: dict[str, int] = {}
    for i in range(25):  # each window only knows its own wins, like a game started before the other's
        mine[f"{prefix}-{i}"] = 1
        userdata.write_stars(mine)


def test_two_processes_writing_at_once_lose_nothing(user_data):
    context = multiprocessing.get_context("spawn")
    windows = [context.Process(target=_window, args=(prefix, str(user_data))) for prefix in ("a", "b")]
    for window in windows:
        window.start()
    for window in windows:
        window.join(60)
        assert window.exitcode == 0
    assert len(_on_disk()["stars"]) == 50
