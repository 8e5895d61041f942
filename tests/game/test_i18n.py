"""Both languages have every string, placeholders agree, and the language switches at run time."""

import re

import pytest

from factory_game.game.i18n import I18n
from factory_game.texts import LANGUAGES, load_table, system_language


def test_both_tables_have_the_same_keys():
    zh, en = load_table("zh-CN"), load_table("en")
    assert set(zh) == set(en)
    assert len(zh) > 50


def test_placeholders_agree_between_languages():
    zh, en = load_table("zh-CN"), load_table("en")

    def placeholders(entry) -> list[set[str]]:  # one set per plural form
        forms = entry.values() if isinstance(entry, dict) else [entry]
        return [set(re.findall(r"{(\w+)}", form)) for form in forms]

    for key in zh:
        assert len({frozenset(p) for p in placeholders(zh[key]) + placeholders(en[key])}) == 1, key


def test_switch_notifies_and_changes_text():
    i18n = I18n("en")
    seen = []
    i18n.on_change(seen.append)
    assert i18n.t("hud.cash") == "Cash"
    i18n.set_language("zh-CN")
    assert i18n.t("hud.cash") == "现金"
    assert seen == ["zh-CN"]
    assert i18n.toggle() == "en"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_pick_prefers_current_language_then_english():
    i18n = I18n("zh-CN")
    assert i18n.pick({"en": "Rush hour", "zh-CN": "高峰"}) == "高峰"
    assert i18n.pick({"en": "Rush hour"}) == "Rush hour"
    assert i18n.pick({}, "x") == "x"


def test_system_language_follows_locale(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert system_language() == "zh-CN"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert system_language() == "en"
    assert set(LANGUAGES) == {"zh-CN", "en"}


def test_chinese_paragraphs_wrap_without_spaces():
    from factory_game.game.ui import text_width, wrap

    text = "一场营销活动在 1 小时 30 分上线：接下来的一小时里，客流是平时的两倍半。" * 3
    lines = wrap(text, 320)
    assert len(lines) > 3 and all(text_width(line) <= 320 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert wrap("two short words", 400) == ["two short words"]


def test_chinese_punctuation_never_starts_or_ends_a_line():
    from factory_game.game.ui import NO_LINE_END, NO_LINE_START, wrap

    text = "存档由更新版本的游戏保存（存档格式 99，本版本最高支持 1）。请更新游戏后再读取" * 4
    for width in range(120, 600, 8):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line[0] in NO_LINE_START for line in lines[1:])
        assert not any(line[-1] in NO_LINE_END for line in lines[:-1])
