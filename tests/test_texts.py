"""The one text layer: plurals by CLDR rule, money, durations and percentages, and the one fallback rule."""

from __future__ import annotations

import sys

import pytest

from factory_game import texts


def test_a_count_takes_the_plural_form_of_its_language():
    assert texts.text("en", "alert.rent", n=1, model="SD1.5") == "Rented 1 station on SD1.5"
    assert texts.text("en", "alert.rent", n=16, model="SD1.5") == "Rented 16 stations on SD1.5"
    assert texts.text("en", "cli.problems", n=0) == "0 problems"
    assert texts.text("zh-CN", "alert.rent", n=16, model="SD1.5") == "已向 SD1.5 租用 16 个工位"


def test_money_durations_and_percentages():
    assert texts.format_money(1_234_567) == "¥12,345.67"
    assert texts.format_money(-1200, "zh-CN") == "-¥12.00"
    assert texts.format_money(5) == "¥0.05"
    assert [texts.format_duration(ms) for ms in (4_500, 12_000, 270_000, 7_500_000, float("inf"))] == \
        ["4.5s", "12s", "4m30s", "2h05m", "∞"]
    assert texts.format_percent(0.9574) == "96%" and texts.format_percent(0.9574, decimals=1) == "95.7%"
    assert texts.format_value(19_800, "cents") == "¥198.00" and texts.format_value(0.5, "share") == "50.0%"
    assert [texts.format_duration(ms) for ms in (264.008, 15.25, 0.5, 999.4, 999.6)] == \
        ["264ms", "15.2ms", "0.5ms", "999ms", "1s"]
    assert texts.format_value(60_000, "ms") == "1m00s" and texts.format_value(1234.5, "count") == "1,234.5"


def test_one_fallback_rule_for_tables_and_level_texts():
    assert texts.text("zh-CN", "no.such.key") == "no.such.key"
    assert texts.pick({"en": "Rush hour", "zh-CN": "高峰"}, "zh-CN") == "高峰"
    assert texts.pick({"zh-CN": "高峰", "en": ""}, "en") == "高峰"
    assert texts.pick({"fr": "Heure de pointe"}, "en") == "Heure de pointe"
    assert texts.pick(None, "en", "rush") == "rush"
    with pytest.raises(ValueError, match="expected one of zh-CN, en"):
        texts.check_language("fr")


def test_the_text_layer_imports_neither_the_game_nor_arcade():
    import subprocess

    code = ("import sys, factory_game.texts; print(sorted(m for m in sys.modules"
            " if m.startswith(('arcade', 'pyglet', 'factory_game.game', 'factory_game.report'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
