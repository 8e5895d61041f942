"""The report teaches: it names the goal that held the stars down and by how much, breaks angry visits down by
cause, and lists the player's decisions (marked on the charts as dotted lines)."""

from __future__ import annotations

from factory_game.level import load_level
from factory_game.report import ReportData
from factory_game.report.data import decision_text
from factory_game.report.markdown import markdown
from factory_game.sim.commands import AnswerIncident
from factory_game.sim.incidents import KINDS
from tests.campaign.policies import EXPERTS, RentMaxBeforeEvents, play


def test_the_report_names_the_capping_goal_and_the_causes():
    spec = load_level("levels/campaign/04-rush-hour.toml")
    result = play(spec, 3, RentMaxBeforeEvents())
    data = ReportData.from_run(result)
    text = markdown(data, images={}, lang="en")
    profit = next(r for r in result.goals if r.goal.metric == "money.profit_cents")
    assert result.stars == profit.stars < 3
    gap = spec.goals[0].stars[profit.stars] - profit.value
    assert f"Stars held at {profit.stars} by **Profit**" in text and f"{gap / 100:.2f} short of" in text
    assert "Angry visits by cause:" in text and "task itself ran long" in text
    assert [d[3] for d in data.decisions if d[1] == "player"] == ["+20 sd15"]
    zh = markdown(data, images={}, lang="zh-CN")
    assert "星级被 **利润** 限制在" in zh and "不满的来访按原因" in zh


def test_three_stars_say_so():
    spec = load_level("levels/campaign/01-opening-day.toml")
    data = ReportData.from_run(play(spec, 1, EXPERTS["01-opening-day"](spec)))
    assert "Every goal earned three stars." in markdown(data, images={}, lang="en")
    player = [d[3] for d in data.decisions if d[1] == "player"]
    assert player[:4] == ["image 0.90", "#1 served", "image 1.42", "#2 matched"]  # a spike, then a rival's cut
    assert "image 0.48" in [d[3] for d in data.decisions if d[1] == "level"]  # the match's own cut, then the player's


def test_every_incident_answer_has_a_mark_in_both_languages():
    for kind in KINDS.values():
        for choice in kind.choices:
            for lang in ("en", "zh-CN"):
                mark = decision_text(AnswerIncident(2, choice), lang)
                assert "2" in mark and "incident." not in mark and "lever." not in mark, (kind.name, choice, mark)
