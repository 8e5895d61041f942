"""The ledger's contract: each hold is settled exactly once (issue 21's ledger survivors). A double hold or a
settlement without a hold is the bug class behind double refunds, so it raises instead of passing silently."""

from __future__ import annotations

import pytest

from factory_game.sim.ledger import Ledger, SettlementError


def _held(cents=500, task=7):
    ledger = Ledger(start_cash_cents=1000)
    ledger.hold(0, 1, task, cents)
    return ledger


def test_a_second_hold_on_the_same_task_raises():
    """Holding a task's price twice is refused, and the first hold stays as it was."""
    ledger = _held()
    with pytest.raises(SettlementError, match="task 7 already has a hold"):
        ledger.hold(1, 1, 7, 300)
    assert ledger.held_cents == 500 and ledger.capture(2, 1, 7) == 500


@pytest.mark.parametrize("settle", ["capture", "release"])
def test_a_settlement_without_a_hold_raises(settle):
    """Capturing or releasing a task that holds nothing raises, and moves no money."""
    ledger = Ledger(start_cash_cents=1000)
    call = (lambda: ledger.capture(1, 1, 9)) if settle == "capture" else (lambda: ledger.release(1, 1, 9, "x"))
    with pytest.raises(SettlementError, match=f"{settle} of task 9, which has no open hold"):
        call()
    assert (ledger.revenue_cents, ledger.refunded_cents, ledger.cash_cents) == (0, 0, 1000)
    assert list(ledger.entries) == []


@pytest.mark.parametrize(("first", "second"), [("capture", "capture"), ("capture", "release"),
                                               ("release", "capture"), ("release", "release")])
def test_a_hold_is_settled_exactly_once(first, second):
    """After a capture or a release, any further settlement of the same task raises."""
    ledger = _held()
    settle = {"capture": lambda: ledger.capture(1, 1, 7), "release": lambda: ledger.release(1, 1, 7, "failed")}
    assert settle[first]() == 500
    with pytest.raises(SettlementError):
        settle[second]()
    assert ledger.revenue_cents + ledger.refunded_cents == 500 and ledger.held_cents == 0


def test_a_discount_gives_back_part_of_the_hold_and_the_rest_is_settled():
    """reduce_hold gives `cents` back now (refunded) and leaves the rest to capture; bounds 0..held."""
    ledger = _held()
    ledger.reduce_hold(1, 1, 7, 150, "wait discount")
    assert (ledger.held_cents, ledger.refunded_cents) == (350, 150)
    ledger.reduce_hold(2, 1, 7, 0, "nothing")
    for bad in (-1, 351):
        with pytest.raises(SettlementError, match="cannot reduce the hold of task 7"):
            ledger.reduce_hold(3, 1, 7, bad, "x")
    with pytest.raises(SettlementError, match="cannot reduce the hold of task 8"):
        ledger.reduce_hold(3, 1, 8, 10, "x")
    assert ledger.capture(4, 1, 7) == 350
    money = (ledger.revenue_cents, ledger.refunded_cents, ledger.cash_cents, ledger.profit_cents)
    assert money == (350, 150, 1350, 350)
    assert [(e.kind, e.cents, e.customer, e.task, e.note) for e in ledger.entries] == [
        ("hold", 500, 1, 7, ""), ("discount", 150, 1, 7, "wait discount"), ("discount", 0, 1, 7, "nothing"),
        ("capture", 350, 1, 7, "")]


def test_a_discount_may_give_back_the_whole_hold():
    """The upper bound is inclusive: a 100 % discount leaves a hold of 0, still settled once."""
    ledger = _held(80)
    ledger.reduce_hold(1, 1, 7, 80, "all of it")
    assert (ledger.held_cents, ledger.refunded_cents, ledger.capture(2, 1, 7)) == (0, 80, 0)


def test_upstream_costs_come_off_the_cash_and_the_profit():
    """Upstream costs are booked at once, with the model and the note."""
    ledger = _held()
    ledger.upstream(5, "sd15", 120, "rented")
    ledger.capture(6, 1, 7)
    assert (ledger.upstream_cents, ledger.cash_cents, ledger.profit_cents) == (120, 1380, 380)
    assert ledger.entries[1] == (5, "upstream", 120, None, None, "sd15:rented")


def test_held_cents_sums_the_open_holds():
    """held_cents is money, not a count of holds."""
    ledger = _held(500, 7)
    ledger.hold(0, 2, 8, 250)
    assert ledger.held_cents == 750
    ledger.release(1, 2, 8, "abandoned")
    assert ledger.held_cents == 500 and ledger.refunded_cents == 250


def test_refunds_add_up_over_releases_and_discounts():
    """refunded_cents is a running total: every release and every discount adds to it (a second refund does not
    replace the first)."""
    ledger = _held(500, 7)
    ledger.hold(0, 2, 8, 250)
    ledger.hold(0, 3, 9, 100)
    ledger.reduce_hold(1, 3, 9, 40, "wait discount")
    ledger.release(2, 2, 8, "abandoned")
    ledger.release(3, 1, 7, "failed")
    assert (ledger.refunded_cents, ledger.held_cents) == (40 + 250 + 500, 60)


def test_revenue_adds_up_over_captures():
    """revenue_cents is a running total: a second capture adds to the first."""
    ledger = _held(500, 7)
    ledger.hold(0, 2, 8, 250)
    assert ledger.capture(1, 1, 7) + ledger.capture(2, 2, 8) == 750
    assert (ledger.revenue_cents, ledger.cash_cents, ledger.profit_cents) == (750, 1750, 750)


def test_a_new_ledger_starts_with_no_cash_unless_given_some():
    assert (Ledger().cash_cents, Ledger().profit_cents) == (0, 0)


def test_the_entry_window_keeps_the_latest_entries_and_zero_keeps_none():
    """window N keeps the latest N movements (the game's panel), 0 none (totals only); the totals count them all."""
    for window, kept in ((1, [("capture", 500)]), (2, [("hold", 500), ("capture", 500)]), (0, [])):
        ledger = Ledger(window=window)
        ledger.hold(0, 1, 7, 500)
        ledger.capture(1, 1, 7)
        assert [(e.kind, e.cents) for e in ledger.entries] == kept
        assert (ledger.revenue_cents, ledger.held_cents) == (500, 0)


def test_adjustments_add_up_and_move_cash_and_profit():
    """An incident's bonus (+) and penalty (-) are booked as 'other' money: they add up, and count in both the cash
    and the profit, not in revenue or refunds."""
    ledger = _held()
    ledger.adjust(3, 2000, "viral bonus")
    ledger.adjust(4, -500, "outage penalty")
    assert ledger.other_cents == 1500
    assert (ledger.cash_cents, ledger.profit_cents, ledger.revenue_cents, ledger.refunded_cents) == (2500, 1500, 0, 0)
    assert list(ledger.entries[1:]) == [(3, "other", 2000, None, None, "viral bonus"),
                                        (4, "other", -500, None, None, "outage penalty")]
