"""The report's words in each language the game speaks (en, zh-CN) (the font that draws them: charts.game_style).

Kept here rather than in the game's string tables so that a headless report needs nothing of the game."""

from __future__ import annotations

LANGUAGES = ("en", "zh-CN")

TEXT = {
    "en": {
        "chart.queue": "Queue length per model",
        "chart.waits": "Queue wait per tier",
        "chart.utilisation": "Slots busy and available per model",
        "chart.money": "Cumulative revenue against upstream cost",
        "axis.time": "simulated time (h)",
        "axis.queue": "tasks waiting in the queue",
        "axis.wait": "queue wait (minutes)",
        "axis.started_within": "share of tasks started within",
        "axis.slots": "slots",
        "axis.amount": "cumulative amount",
        "legend.busy": "busy",
        "legend.available": "available",
        "legend.tier": "{tier}: {n} tasks, median {median:.1f} min, p95 {p95:.1f} min",
        "legend.revenue": "revenue (captured)",
        "legend.cost": "upstream cost (contracted + rented)",
        "legend.profit": "profit so far",
        "legend.loss": "loss so far",
        "panel.utilisation": "{name}: utilisation {percent:.0f}%",
        "empty.waits": "no task has started yet",
        "md.headline": "**{stars}** ({count} of 3) — level `{level}`, seed {seed}, simulated {time}",
        "md.hash": "Event log SHA-256: `{hash}`",
        "md.goals": "Goals",
        "md.goal_header": "| goal | value | ★ | ★★ | ★★★ | result |",
        "md.missed": "missed",
        "md.met": "met",
        "md.warned": "met, but past the warning line",
        "md.money": "Customers and money",
        "md.customers": "customers: {customers} (returning {returns}), happy {happy}, angry {angry}; "
                        "satisfaction {satisfaction:.1f} / 100",
        "md.prompts": "wait prompts: {prompts} (yes {yes}, no {no})",
        "md.cash": "revenue {revenue}, refunds {refunds}, upstream cost {upstream}, **profit {profit}**, cash {cash}",
        "md.tasks": "Tasks",
        "md.task_header": "| | requested | done | failed | abandoned | lost sales | wait p50 | wait p95 | within SLA "
                          "| utilisation |",
        "md.model": "model {name}",
        "md.tier": "tier {tier}",
        "md.all": "**all**",
        "md.charts": "Charts",
    },
    "zh-CN": {
        "chart.queue": "各模型排队长度",
        "chart.waits": "各等级排队等待时间",
        "chart.utilisation": "各模型工位：忙碌与可用",
        "chart.money": "累计收入与上游成本",
        "axis.time": "模拟时间（小时）",
        "axis.queue": "排队中的任务",
        "axis.wait": "排队等待（分钟）",
        "axis.started_within": "在此时间内开始的任务比例",
        "axis.slots": "工位",
        "axis.amount": "累计金额",
        "legend.busy": "忙碌",
        "legend.available": "可用",
        "legend.tier": "{tier}：{n} 个任务，中位数 {median:.1f} 分钟，95 分位 {p95:.1f} 分钟",
        "legend.revenue": "收入（已结算）",
        "legend.cost": "上游成本（签约 + 租用）",
        "legend.profit": "目前盈利",
        "legend.loss": "目前亏损",
        "panel.utilisation": "{name}：利用率 {percent:.0f}%",
        "empty.waits": "还没有任务开始",
        "md.headline": "**{stars}**（{count}/3）—— 关卡 `{level}`，种子 {seed}，模拟 {time}",
        "md.hash": "事件日志 SHA-256：`{hash}`",
        "md.goals": "目标",
        "md.goal_header": "| 目标 | 数值 | ★ | ★★ | ★★★ | 结果 |",
        "md.missed": "未达成",
        "md.met": "达成",
        "md.warned": "达成，但已越过警戒线",
        "md.money": "客户与资金",
        "md.customers": "客户：{customers}（回头客 {returns}），满意 {happy}，不满 {angry}；"
                        "满意度 {satisfaction:.1f} / 100",
        "md.prompts": "等待提示：{prompts}（继续等 {yes}，离开 {no}）",
        "md.cash": "收入 {revenue}，退款 {refunds}，上游成本 {upstream}，**利润 {profit}**，现金 {cash}",
        "md.tasks": "任务",
        "md.task_header": "| | 请求 | 完成 | 失败 | 放弃 | 丢单 | 等待中位数 | 等待 95 分位 | SLA 内 | 利用率 |",
        "md.model": "模型 {name}",
        "md.tier": "等级 {tier}",
        "md.all": "**全部**",
        "md.charts": "图表",
    },
}


def words(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise ValueError(f"no report language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return TEXT[lang]


def pick(by_lang: dict[str, str], lang: str, fallback: str) -> str:
    """A level's or model's `{lang: text}`: the language asked for, then English, then the fallback."""
    return by_lang.get(lang) or by_lang.get("en") or fallback
