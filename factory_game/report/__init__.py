"""End-of-level reports: the summary, the goals and their stars, and four charts, for a headless run
(`factory-game run LEVEL --report DIR`) and for the game's end-of-level screen, which shows the same data.

    data = ReportData.from_world(world, goals)      # or ReportData.from_run(result)
    write_report(data, "out/", lang="zh-CN")         # report.md + PNGs, in English (default) or Chinese
    pngs = render_charts(data, "out/", lang="en")    # just the PNGs, e.g. to load as textures

Charts need matplotlib (the `report` extra); it is imported only when a chart is drawn.
"""

from factory_game.report.charts import CHARTS, render_charts
from factory_game.report.data import ReportData
from factory_game.report.markdown import write_report
from factory_game.texts import LANGUAGES

__all__ = ["CHARTS", "LANGUAGES", "ReportData", "render_charts", "write_report"]
