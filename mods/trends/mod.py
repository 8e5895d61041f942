"""Trends: a mod event (river_event) that levels schedule, acting through legitimate channels only.

`[[events]] kind = "trends/viral"` at its `at`: from then, for `duration`, the customer rule (river_customer) gives
every newcomer `factor` times the tasks they drew; the trend lives in the run's `state`, the rule reads it. With
`rent` > 0 the event also answers a Rent command for the first model serving images, which the world carries out as
the mod's (recorded with source `mod:trends`), so a replay derives it again from the level.

It also adds an incident kind (river_register_incidents), `trends/influencer`, that a level enables in
`[incidents] rates`: a creator offers to feature the studio; featured, a batch of followers arrives at once and the
same trend starts for a while.
"""

from factory_game.api import MINUTE, Arrive, ModIncident, Rent, hookimpl

MAX_TASKS = 100  # the customer rule's limit per newcomer


@hookimpl
def river_event(world, kind, params, state):
    if kind == "viral":
        state["viral"] = (world.now + params["duration"], params["factor"])
        serving = world.serving.get("image", ())
        if params["rent"] and serving:
            return [Rent(serving[0], params["rent"])]
    return None


@hookimpl
def river_customer(world, drawn, state):
    until, factor = state.get("viral", (0, 1))
    if world.now < until and factor > 1:
        return drawn._replace(content=(drawn.content * factor)[:MAX_TASKS])
    return None


def _draw_influencer(rng):
    """The influencer's offer: how many followers come at once, how many images each orders, and how long the
    buzz multiplies every newcomer's order."""
    return {"customers": rng.randint(3, 6), "tasks": rng.randint(2, 4), "factor": rng.randint(2, 3),
            "duration_ms": rng.randint(30, 60) * MINUTE}


def _answer_influencer(world, params, choice, state):
    """Feature: the followers arrive now (as studio customers), and for the duration every newcomer orders
    `factor` times as much (the customer rule above reads the trend from `state`). Decline: nothing happens."""
    if choice != "feature":
        return None
    state["viral"] = (world.now + params["duration_ms"], params["factor"])
    tier = tuple(world.caps)[-1]
    return [Arrive(tier, ("image",) * params["tasks"]) for _ in range(params["customers"])]


@hookimpl
def river_register_incidents(register):
    register(ModIncident(
        "influencer", ("feature", "decline"), "decline", 5 * MINUTE,
        texts={
            "title": {"en": "An influencer calls", "zh-CN": "网红来电"},
            "body": {"en": "A creator offers to feature the studio: {customers} followers would come at once, "
                           "{tasks} images each, and every newcomer orders ×{factor} for {duration}.",
                     "zh-CN": "一位创作者想推荐本工作室：{customers} 位粉丝会马上到来，每人 {tasks} 张图，"
                              "之后 {duration} 内每位新顾客的订单 ×{factor}。"},
            "feature": {"en": "Feature us", "zh-CN": "接受推荐"},
            "decline": {"en": "No thanks", "zh-CN": "婉拒"},
        },
        draw=_draw_influencer, answer=_answer_influencer))
