"""River's built-in content types, models and their provider, as plain data. `factory_game.plugins.builtin`
registers them through the mod hooks like any mod's; `builtin_catalog` is the same catalog for levels without mods."""

from __future__ import annotations

from factory_game.catalog import Catalog, Provider
from factory_game.sim.clock import HOUR, MINUTE, SECOND
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import ContentSpec, ModelSpec

# Times follow real-world.md: River's mean task is 5 minutes; video runs about 3x, audio 0.5x, text 0.2x.
CONTENT = (
    ContentSpec("image", 50, {"en": "Image", "zh-CN": "图片"}, icon="image"),
    ContentSpec("video", 400, {"en": "Video", "zh-CN": "视频"}, icon="video"),
    ContentSpec("audio", 80, {"en": "Audio", "zh-CN": "音频"}, icon="audio"),
    ContentSpec("text", 10, {"en": "Text", "zh-CN": "文本"}, icon="text"),
)

MODELS = (
    ModelSpec("sd15", ("image",), 20, Dist.lognormal(5 * MINUTE, 0.5), failure_rate=0.01, slot_cost_cents=120,
              rent_price_cents=300, lead_time_ms=2 * MINUTE, min_rental_ms=HOUR, max_extra=20,
              names={"en": "SD1.5", "zh-CN": "SD1.5"}),
    ModelSpec("video-gen", ("video",), 6, Dist.lognormal(15 * MINUTE, 0.6), failure_rate=0.03, slot_cost_cents=600,
              rent_price_cents=1200, lead_time_ms=5 * MINUTE, min_rental_ms=HOUR, max_extra=6,
              names={"en": "VideoGen", "zh-CN": "视频生成"}),
    ModelSpec("music-gen", ("audio",), 10, Dist.lognormal(150 * SECOND, 0.5), failure_rate=0.02,
              slot_cost_cents=150, rent_price_cents=350, lead_time_ms=2 * MINUTE, min_rental_ms=HOUR, max_extra=10,
              names={"en": "MusicGen", "zh-CN": "音乐生成"}),
    ModelSpec("llm", ("text",), 40, Dist.lognormal(1 * MINUTE, 0.7), failure_rate=0.005, slot_cost_cents=40,
              rent_price_cents=100, lead_time_ms=1 * MINUTE, min_rental_ms=HOUR, max_extra=40,
              names={"en": "LLM", "zh-CN": "大语言模型"}),
)


PROVIDER = Provider("builtin", {"en": "River's upstream partners", "zh-CN": "River 的上游伙伴"}, MODELS)
ORIGIN = "the built-in content"


def builtin_catalog() -> Catalog:
    """What a level without mods can name: the catalog the plugin layer's built-in plugin registers, read from the
    same data without opening the plugin machinery (tests/test_levels.py checks the two agree)."""
    catalog = Catalog()
    for content in CONTENT:
        catalog.add_content(content, ORIGIN)
    catalog.add_provider(PROVIDER, ORIGIN)
    return catalog
