"""Render the play screen of a level at a moment of simulated time, headless, to a PNG.

Used by ``factory-game screenshot LEVEL --at 30m --out shot.png``, by the docs and by the tests. The world runs
to the moment in small steps while the scene follows at a fixed frame time, so people stand where they would
if someone had watched, not all at the door.
"""

from __future__ import annotations

from pathlib import Path

FRAME_S = 1 / 30
STEP_MS = 4000  # simulated time per synced frame on the way to the moment
SEARCH_MS = 8 * 3_600_000  # the busiest moment is looked for in the first eight hours


def render_play(level_path: str | Path, at_ms: int, out: str | Path | None = None, size=(1280, 720),
                lang: str | None = "zh-CN", seed: int | None = None, select: tuple[str, int] | None = None):
    """Run ``level_path`` to ``at_ms``, draw one frame and return (view, PIL image); save it when ``out`` is set."""
    from factory_game.game.app import make_game

    game = make_game(levels=[Path(level_path)], size=size, lang=lang, muted=True, seed=seed, headless=True,
                     visible=False)
    if tuple(game.window.get_size()) != tuple(size):
        game.window.set_size(*size)
    view = game.start(Path(level_path))
    view.clock.paused = True
    world = view.world
    while world.now < at_ms:
        world.advance(min(at_ms, world.now + STEP_MS))
        view.scene.sim_speed = 16 * 20
        view.scene.sync(FRAME_S)
        view.alerts.poll()
    for _ in range(30):  # let the last walkers reach their places
        view.scene.sync(FRAME_S)
    view.clock.paused = False  # the picture shows the game running, not the pause sign
    view.selected = view.scene.selected = select
    view.scene.sync(0)
    settle_projection(view)
    image = frame(view)
    if out is not None:
        image.save(out)
    return view, image


def render_replay(level_path: str | Path, replay_path: str | Path, at_ms: int, out: str | Path | None = None,
                  size=(1280, 720), lang: str | None = "zh-CN", seed: int | None = None):
    """Watch the recorded run `replay_path` of `level_path` (as `play --replay` does), seek to `at_ms`, draw one
    frame and return (view, PIL image); save it when ``out`` is set (docs/replay-*.png)."""
    from factory_game.game.app import make_game
    from factory_game.game.play import LEDGER_WINDOW
    from factory_game.game.watch import Recording
    from factory_game.runner import read_replay

    game = make_game(levels=[Path(level_path)], size=size, lang=lang, muted=True, seed=seed, headless=True,
                     visible=False)
    if tuple(game.window.get_size()) != tuple(size):
        game.window.set_size(*size)
    recording = Recording(Path(level_path), read_replay(str(replay_path)).commands, seed, LEDGER_WINDOW)
    view = game.watch(recording).seek(at_ms)
    settle_projection(view)
    image = frame(view)
    if out is not None:
        image.save(out)
    return view, image


def busiest_moment(level_path: str | Path, seed: int | None = None, every_ms: int = 60_000) -> int:
    """The simulated time at which the most tasks are in the factory (running or queued), sampled every minute
    of a headless run of the level as a player who never rents would see it: the moment the docs show, and the
    moment the floor-plan test checks that no sprite covers another."""
    from factory_game.plugins import prepare_level
    from factory_game.sim import queries
    from factory_game.sim.world import World

    prepared = prepare_level(level_path, lenient=True)
    world = World(prepared.spec, seed=seed, rules=prepared.rules, incident_kinds=prepared.session.incident_kinds)
    prepared.session.attach(world)
    if queries.autopilot_on(world):
        from factory_game.sim.commands import SetAutopilot

        world.apply(SetAutopilot(False))
    best, best_at = -1, every_ms
    end = min(prepared.spec.duration_ms, SEARCH_MS)  # the sandbox has no end worth searching
    for at in range(every_ms, end + 1, every_ms):
        world.advance(at)
        load = sum(queries.slot_counts(world, m).busy + queries.queue_length(world, m)
                   for m in queries.model_ids(world))
        if load > best:
            best, best_at = load, at
    return best_at


def settle_projection(view) -> None:
    """Refresh the HUD with the goals' projection of this very moment in (made on a worker thread in play), so a
    picture does not depend on how fast the worker was."""
    view.forecaster.settle(view.world, view.clock.end_ms)
    view.hud.refresh(1.0)


def frame(view):
    """Draw the view once and read the frame back as a PIL image."""
    import arcade

    view.on_draw()
    return arcade.get_image(0, 0, *view.window.get_size()).convert("RGB")
