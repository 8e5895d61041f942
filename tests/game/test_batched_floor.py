"""A level with a batched model (continuous batching, docs/engine.md "Batched serving") plays: its replicas are
stations whose plate counts the requests they hold, and the inspector names the batch."""

from pathlib import Path

import pytest

from factory_game.game.app import make_game
from factory_game.game.play import PlayView
from factory_game.game.screenshot import frame
from factory_game.level import load_level
from factory_game.sim import queries
from factory_game.sim.clock import MINUTE

LEVEL = Path(__file__).resolve().parents[2] / "levels" / "real" / "azure-llm-conv-2023-batched.toml"


@pytest.fixture
def play(window):
    game = make_game(levels=[], lang="en", muted=True, headless=True)
    view = PlayView(game, load_level(LEVEL))
    window.show_view(view)
    yield view
    view.on_hide_view()


def test_replicas_show_their_batch(play):
    play.world.advance(45 * MINUTE)
    play.step(1 / 30)
    assert frame(play).size == (1280, 720)
    shown = {}
    for sid, station in play.scene.slot_sprites.items():
        held, most = queries.replica_batch(play.world, queries.slot(play.world, sid))
        assert most == 128
        shown[sid] = (held, station.shown, station.bar.visible)
        assert station.shown == (str(held) if held else "") and station.bar.visible == (held > 0)
    assert any(held for held, _, _ in shown.values())  # the busy hour: some replica holds requests
    sid = next(sid for sid, (held, _, _) in shown.items() if held)
    play.selected = play.scene.selected = ("station", sid)
    assert f"Batch: {shown[sid][0]} of 128 requests" in play.inspector_lines()
