"""Small level specs built in code, so the game tests do not depend on the campaign files."""

from factory_game.sim.clock import HOUR, MINUTE
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import ArrivalSpec, ContentSpec, Goal, LevelSpec, ModelSpec, RatePiece


def busy_level(rate_per_hour: float = 600.0, slots: tuple[int, int, int] = (12, 6, 4)) -> LevelSpec:
    """Three models, every tier, priority packs, failures and prompts, a goal: everything the game can show."""
    content = (
        ContentSpec("image", 20, {"en": "Image", "zh-CN": "图片"}, "image"),
        ContentSpec("video", 150, {"en": "Video", "zh-CN": "视频"}, "video"),
        ContentSpec("audio", 40, {"en": "Audio", "zh-CN": "音频"}, "audio"),
        ContentSpec("text", 5, {"en": "Text", "zh-CN": "文本"}, "text"),
    )
    models = (
        ModelSpec("sd15", ("image",), slots[0], Dist.exponential(5 * MINUTE), failure_rate=0.05,
                  rent_price_cents=180, max_extra=6, names={"en": "SD 1.5", "zh-CN": "SD 1.5"}),
        ModelSpec("video", ("video",), slots[1], Dist.exponential(8 * MINUTE), rent_price_cents=400, max_extra=4,
                  names={"en": "Clipper", "zh-CN": "剪影"}),
        ModelSpec("llm", ("text", "audio"), slots[2], Dist.exponential(3 * MINUTE), rent_price_cents=90,
                  max_extra=2, names={"en": "Talker", "zh-CN": "话匣子"}),
    )
    arrivals = ArrivalSpec(
        rate=(RatePiece(0, rate_per_hour),),
        tiers=(("L1", 5), ("L2", 3), ("L3", 1), ("L4", 0.5), ("L5", 0.2)),
        content=(("image", 5), ("video", 2), ("text", 2), ("audio", 1)),
        priority_share=0.2,
        tasks=Dist.uniform(1, 3),
        budget=Dist.uniform(500, 5000),
        patience=Dist.uniform(5 * MINUTE, 20 * MINUTE),
    )
    return LevelSpec(
        id="test-busy", title={"en": "Busy test", "zh-CN": "测试：忙碌"},
        briefing={"en": "Keep them moving.", "zh-CN": "让队伍动起来。"},
        duration_ms=2 * HOUR, content=content, models=models, arrivals=arrivals, start_cash_cents=10_000,
        goals=(Goal("money.profit_cents", True, (0, 1000, 5000), label={"en": "Profit", "zh-CN": "利润"}),),
    )
