"""Run reports: Markdown with the goals and stars, and four PNG charts the end-of-level screen can show too."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from factory_game.level import load_level
from factory_game.report import CHARTS, ReportData, render_charts, write_report
from factory_game.runner import run_level
from factory_game.sim.clock import HOUR
from factory_game.sim.world import World

pytest.importorskip("matplotlib")
LEVEL = Path(__file__).resolve().parents[2] / "levels" / "campaign" / "03-video-arrives.toml"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_a_report_has_the_goals_the_stars_and_four_charts(tmp_path):
    result = run_level(load_level(LEVEL))
    report = write_report(ReportData.from_run(result), tmp_path)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Video arrives / 视频来了")
    assert f"({result.stars} of 3)" in text and result.event_hash in text
    for goal in result.goals:
        assert f"`{goal.goal.metric}`" in text
    for name in CHARTS:
        assert f"]({name}.png)" in text
        width, height = _png_size(tmp_path / f"{name}.png")
        assert width >= 800 and height >= 450


def test_the_game_can_chart_a_paused_world_without_changing_it(tmp_path):
    world = World(load_level(LEVEL))
    world.advance(HOUR)
    before = world.summary()
    data = ReportData.from_world(world)
    assert render_charts(data, tmp_path, names=["queue"]) == {"queue": tmp_path / "queue.png"}
    assert world.summary() == before and world.now == HOUR
    assert [r.goal.metric for r in data.goals] == [g.metric for g in world.spec.goals]


def test_the_command_line_writes_a_report_in_either_language(tmp_path, capsys):
    from factory_game.cli import EXIT_OK, main

    for lang, heading in (("en", "## Goals"), ("zh-CN", "## 目标")):
        out = tmp_path / lang
        assert main(["run", "campaign/01-opening-day", "--until", "30m", "--report", str(out),
                     "--report-lang", lang]) == EXIT_OK
        assert "report:" in capsys.readouterr().err
        assert sorted(p.name for p in out.iterdir()) == sorted(["report.md"] + [f"{name}.png" for name in CHARTS])
        assert heading in (out / "report.md").read_text(encoding="utf-8")


def test_the_terminal_table_and_the_markdown_render_the_same_report_rows():
    from factory_game.cli import summary_table
    from factory_game.report.markdown import markdown
    from factory_game.texts import text

    result = run_level(load_level(LEVEL))
    data = ReportData.from_run(result)
    table, md, md_zh = summary_table(result), markdown(data), markdown(data, lang="zh-CN")
    assert len(data.rows()) == 21
    for row in data.rows():
        assert f"{text('en', row.key)} {row.shown('en')}" in table
        assert f"- {text('en', row.key)}: {row.shown('en')}" in md
        assert f"- {text('zh-CN', row.key)}: {row.shown('zh-CN')}" in md_zh
    for group in data.task_table():
        assert f"| {data.group_name(group, 'en')} | " + " | ".join(group.shown("en")) + " |" in md
    profit = result.summary["money"]["profit_cents"]
    assert f"profit ¥{profit // 100:,}.{profit % 100:02d}" in table
