"""A failed save or load is told in the player's language, by the error's kind, with its details filled in."""

import errno
from pathlib import Path

from factory_game.game.i18n import I18n
from factory_game.game.save_errors import describe, shown
from factory_game.save import KINDS, VERSION, SaveError
from factory_game.texts import LANGUAGES, load_table


def test_every_kind_has_words_in_both_languages():
    for lang in LANGUAGES:
        table = load_table(lang)
        assert all(f"save_error.{kind}" in table for kind in KINDS), lang


def test_a_newer_save_in_both_languages():
    error = SaveError("newer_version", "save.json was written by a newer River Factory",
                      path=Path("/data/save.json"), version=VERSION + 1)
    en, zh = describe(I18n("en"), error), describe(I18n("zh-CN"), error)
    assert "newer version" in en and f"save format {VERSION + 1}" in en and f"up to {VERSION}" in en
    assert "更新版本" in zh and f"存档格式 {VERSION + 1}" in zh and f"最高支持 {VERSION}" in zh


def test_a_changed_level_in_both_languages():
    error = SaveError("level_changed", "the level has changed", path=Path("/data/save.json"),
                      level=Path("/levels/campaign/04-rush-hour.toml"))
    assert describe(I18n("en"), error) == \
        "the level 04-rush-hour.toml has changed since the game was saved, so it cannot be replayed"
    assert describe(I18n("zh-CN"), error) == "关卡 04-rush-hour.toml 在保存后已被修改，存档无法重放"


def test_a_failed_write_as_an_alert_follows_the_language():
    error = SaveError("write_failed", "cannot save", path=Path("/data/save.json"), reason=errno.errorcode[28])
    i18n = I18n("en")
    text = i18n.t("alert.save_failed", **shown(i18n, {"error": error}))
    assert text == "Save failed: /data/save.json cannot be written (ENOSPC); the previous save is kept"
    i18n.set_language("zh-CN")
    text = i18n.t("alert.save_failed", **shown(i18n, {"error": error}))
    assert text == "保存失败：无法写入 /data/save.json（ENOSPC），之前的存档保持不变"
