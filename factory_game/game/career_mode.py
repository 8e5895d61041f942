"""The career in the game (issue 16 item 7): consecutive days of one business, each day the career's day level
(`factory_game/career.py`) played on the usual play screen, with yesterday's cash, reputation, contracts and
levers carried over; between days a short evening screen with the day's stars and what carries over, and the next
morning (or the end: after the last day, or at once in bankruptcy).

The rules of a career are `career.py`'s (`day_spec`, `start_day`, `close_day`): the game only plays the days.
"""

from __future__ import annotations

from pathlib import Path

from factory_game import career
from factory_game.game import userdata
from factory_game.game.art import palette
from factory_game.game.menus import MenuView, goal_text, metric_text
from factory_game.game.play import PlayView
from factory_game.level import load_level
from factory_game.level.goals import evaluate, level_stars
from factory_game.sim import queries
from factory_game.texts import format_money

DAYS = 5  # a career in the game: a working week


class CareerRun:
    """One career being played: the career (`career.Career`: its business and the days' records), and the day on
    the play screen. It is saved in the user data folder after each evening, so the title's Career button plays on
    from the next morning after the game was closed."""

    def __init__(self, game, state: career.Career) -> None:
        self.game = game
        self.state = state
        self.base = load_level(state.level)
        self.saved: str | None = None  # why the last evening could not be saved, if it could not

    @classmethod
    def new(cls, game, seed: int = 1, days: int = DAYS, level: Path = career.DAY_LEVEL) -> CareerRun:
        return cls(game, career.new_career(seed, days, level))

    @property
    def days(self) -> int:
        return self.state.days

    @property
    def records(self) -> list[dict]:
        return self.state.records

    @property
    def business(self) -> career.Business:
        return self.state.business

    @property
    def ended(self) -> str | None:
        return self.state.ended

    def next_day(self) -> PlayView:
        """The next morning on the play screen."""
        self.day = self.state.day + 1
        self.spec = career.day_spec(self.base, self.day, self.business)
        self.day_seed = career.day_seed_of(self.state.seed, self.day)
        world = career.start_day(self.spec, self.day_seed, self.business)
        view = PlayView(self.game, self.spec, world=world)
        view.career = self
        self.game.window.show_view(view)
        return view

    def finish_day(self, world) -> CareerDayView:
        """The evening: the day's stars, what carries over, the career saved, and the evening screen."""
        self.results = evaluate(self.spec, queries.summary(world))  # the day's goals, shown in the evening
        stars = level_stars(self.results)
        self.records.append(career.close_day(self.base, world, self.business, self.day, self.day_seed, stars))
        if self.business.cash_cents < career.BANKRUPT_CENTS:
            self.state.ended = "bankrupt"
        elif self.day >= self.days:
            self.state.ended = "days"
        self.saved = userdata.write_career(self.state)
        view = CareerDayView(self.game, self)
        self.game.window.show_view(view)
        return view


class CareerDayView(MenuView):
    """The end of a career day: its stars, profit, cash, reputation, incidents and contracts carried, and the next
    morning's button (or how the career ended)."""

    def __init__(self, game, run: CareerRun) -> None:
        self.run = run
        super().__init__(game)

    def content(self) -> None:
        t, h, w, pal = self.game.i18n.t, self.window.height, self.window.width, palette()
        run, day = self.run, self.run.records[-1]
        self.heading(t("career.evening", day=day["day"], days=run.days), h - 70, 24)
        self.stars(day["stars"], w / 2 - 54, h - 120, scale=4)
        lines = [t("career.profit", money=format_money(day["profit_cents"])),
                 t("career.cash", money=format_money(day["cash_cents"])),
                 t("career.reputation", value=f"{day['reputation']:.2f}"),
                 t("career.incidents", answered=day["answered_by_player"], n=day["incidents"]),
                 t("career.contracts", n=day["contracts_carried"])]
        y = h - 180
        for r in run.results:  # each goal: its thresholds and what the day made of it
            value = metric_text(r.goal.metric, r.value, self.game.i18n.lang)
            self.heading(f"{goal_text(self.game.i18n, r.goal)} → {value}", y, 12,
                         pal["lime"] if r.met else pal["orange"])
            y -= 24
        before = run.records[-2]["levers"] if len(run.records) > 1 else list(career.new_business(run.base).levers)
        for group in day["levers"]:
            if group not in before:  # a three-star day unlocks one more lever
                lines.append(t("career.unlocked", lever=t(f"lever_group.{group}")))
        if run.saved is not None:
            lines.append(t("career.not_saved", reason=run.saved))
        y -= 12
        for text in lines:
            self.heading(text, y, 14)
            y -= 28
        if run.ended:
            total = sum(d["stars"] for d in run.records)
            key = "career.bankrupt" if run.ended == "bankrupt" else "career.over"
            self.heading(t(key, stars=total, money=format_money(run.business.cash_cents)), y - 10, 16,
                         pal["orange"] if run.ended == "bankrupt" else pal["yellow"])
            self.default = self.button(t("menu.to_title"), 60, self.game.show_title)
        else:
            self.default = self.button(t("career.next_day", day=day["day"] + 1), 90, run.next_day, width=360)
            self.button(t("menu.to_title"), 40, self.game.show_title)

    def back(self) -> None:
        self.game.show_title()
