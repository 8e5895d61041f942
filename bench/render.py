"""Frame time of the play screen with 300, 1,000 and 3,000 customers at three zooms, beside a bare SpriteList,
headless.

    python3 bench/render.py [--counts 300 1000 3000] [--frames 240] [--zooms out fit in]

For each count: a level whose queues only grow (prompts off, little capacity) runs until that many customers are
in the factory; then the play view runs frames at 1× (world advance, scene sync, HUD refresh, draw, and a GL
finish so the GPU's work is inside the time). Beside it, in the same process and window, a bare SpriteList of the
same number of 16×16 sprites at 2× moves every sprite every frame and draws them: the floor Arcade itself sets.
Play and bare frames alternate, so a busy machine slows both alike and the ratio stays meaningful. A second bare
list has as many sprites as the play view draws people (customers, the helpers carrying their other tasks and
those leaving: about twice the customers), the floor Arcade sets for the same crowd. Each count is
timed with the camera zoomed out (1×, the whole floor), at the fit zoom the game opens with, and zoomed in two
steps past it (the view on the middle of the floor).
Targets (issues 4, 10 and 18): 1,000 customers at p95 ≤ 16.7 ms on the software renderer, and at most 1.5× the bare
list of as many sprites as customers, at every zoom.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from factory_game.game import platform


def busy_spec(models: int = 3, slots: int = 20):
    from factory_game.sim.clock import HOUR, MINUTE
    from factory_game.sim.distributions import Dist
    from factory_game.sim.spec import ArrivalSpec, ContentSpec, LevelSpec, ModelSpec, PromptSpec, RatePiece

    content = tuple(ContentSpec(c, 50, {"en": c}, c) for c in ("image", "video", "audio", "text"))
    model_specs = tuple(
        ModelSpec(f"m{i}", (content[i % 4].id,), slots, Dist.exponential(5 * MINUTE), rent_price_cents=200,
                  max_extra=4, names={"en": f"Model {i}"}) for i in range(models))
    arrivals = ArrivalSpec(
        rate=(RatePiece(0, 3000.0),),
        tiers=(("L1", 4), ("L2", 3), ("L3", 2), ("L4", 1), ("L5", 0.5)),
        content=tuple((content[i % 4].id, 1.0) for i in range(models)),
        priority_share=0.2, tasks=Dist.uniform(1, 3), budget=Dist.fixed(100_000),
        patience=Dist.fixed(10 * HOUR))
    return LevelSpec(id="bench", title={"en": "Bench"}, briefing={"en": ""}, duration_ms=48 * HOUR,
                     content=content, models=model_specs, arrivals=arrivals, prompt=PromptSpec(enabled=False))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def play_frame(window, game, count: int):
    """A play view with ``count`` customers in the factory, everyone at their place; returns a one-frame callable."""
    from factory_game.game.play import PlayView

    view = PlayView(game, busy_spec())
    window.show_view(view)
    world = view.world
    while len(world.customers) < count:
        world.advance(world.now + 30_000)
    view.scene.sim_speed = 320
    for _ in range(240):  # walk everyone to their places before timing
        view.scene.sync(1 / 20)

    def frame() -> None:
        view.step(1 / 60)
        view.on_draw()
        window.ctx.finish()

    return view, frame


def bare_frame(window, count: int):
    """A bare SpriteList of ``count`` 16×16 sprites at 2×, all moved every frame; returns a one-frame callable."""
    import arcade

    from factory_game.game.art import textures

    tex = textures()["cust_L1_plain_down_0"]
    rng = random.Random(1)
    sprites = arcade.SpriteList(use_spatial_hash=False)
    for _ in range(count):
        sprites.append(arcade.Sprite(tex, scale=2, center_x=rng.randrange(1280), center_y=rng.randrange(720)))
    tick = [0]

    def frame() -> None:
        tick[0] += 1
        f = tick[0]
        for i, s in enumerate(sprites):
            s.position = ((i * 7 + f) % 1280, (i * 13 + f // 2) % 720)
        window.clear()
        sprites.draw(pixelated=True)
        window.ctx.finish()

    return frame


def timed(frame) -> float:
    start = time.perf_counter()
    frame()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[300, 1000, 3000])
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--zooms", nargs="+", default=["out", "fit", "in"], choices=("out", "fit", "in"))
    args = parser.parse_args()
    platform.setup(headless=True)
    from factory_game.game.app import make_game

    game = make_game(levels=[], lang="en", muted=True, headless=True)
    window = game.window
    print(f"renderer: {window.ctx.info.RENDERER}; window {window.width}x{window.height}; {args.frames} frames")
    print(f"{'customers':>9} | {'zoom':>8} | {'people drawn':>12} | {'play median':>11} | {'play p95':>8} | "
          f"{'bare median':>11} | {'bare p95':>8} | {'p95 ratio':>9} | {'bare p95, people drawn':>22} | "
          f"{'p95 ratio':>9}")
    for count in args.counts:
        view, play = play_frame(window, game, count)
        bare = bare_frame(window, count)
        drawn = len(view.scene.customers) + len(view.scene.helpers) + len(view.scene.leavers)
        crowd = bare_frame(window, drawn)
        camera = view.camera
        for zoom_name in args.zooms:
            zoom = {"out": 1, "fit": camera.fit_zoom, "in": camera.fit_zoom + 2}[zoom_name]
            camera.set_zoom(zoom)
            camera.pan_to(camera.world_w / 2, camera.world_h / 2)
            play_ms, bare_ms, crowd_ms = [], [], []
            for _ in range(args.frames):  # interleaved, so all see the same machine load
                play_ms.append(timed(play))
                bare_ms.append(timed(bare))
                crowd_ms.append(timed(crowd))
            med, p95 = percentiles(play_ms)
            bare_med, bare_p95 = percentiles(bare_ms)
            crowd_p95 = percentiles(crowd_ms)[1]
            drawn = len(view.scene.customers) + len(view.scene.helpers) + len(view.scene.leavers)
            print(f"{count:>9} | {zoom_name + ' ' + str(zoom) + 'x':>8} | {drawn:>12} | {med:>9.2f}ms | "
                  f"{p95:>6.2f}ms | {bare_med:>9.2f}ms | {bare_p95:>6.2f}ms | {p95 / bare_p95:>8.2f}× | "
                  f"{crowd_p95:>20.2f}ms | {p95 / crowd_p95:>8.2f}×")
        view.on_hide_view()

if __name__ == "__main__":
    main()
