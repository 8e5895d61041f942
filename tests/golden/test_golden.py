"""Every bundled level replays exactly as recorded. After an intended change, see what moved with
`python3 -m tests.golden.regenerate`, then write the records with `--write` (in the commit that says why)."""

from __future__ import annotations

import pytest

from .cases import REGENERATE, cases, differences, explain, read_golden, run_case

MAX_LINES = 40


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_level_matches_its_golden_record(case):
    if not case.golden_path.exists():
        pytest.fail(f"no golden record for {case.name} ({case.golden_path.name}); create it with: {REGENERATE}")
    golden, now = read_golden(case), run_case(case)
    changed = differences(golden, now)
    if changed:
        shown = changed[:MAX_LINES]
        more = f"\n  ... and {len(changed) - MAX_LINES} more" if len(changed) > MAX_LINES else ""
        pytest.fail(f"{case.name} differs from its golden record in {len(changed)} values.\nWhat moved:\n  "
                    + "\n  ".join(explain(golden, now) or ["(no key value)"])
                    + "\nEvery difference:\n  " + "\n  ".join(shown) + more
                    + f"\nIf the change is intended, regenerate with: {REGENERATE}", pytrace=False)


def test_differences_are_readable():
    golden = {"summary": {"completed": 10, "share": 0.5, "ids": [1, 2]}, "hash": "ab"}
    now = {"summary": {"completed": 11, "share": 0.5 + 1e-14, "ids": [1, 3, 4]}, "hash": "ab", "extra": 1}
    assert differences(golden, now) == [
        "extra: not in golden, now 1",
        "summary.completed: golden 10, now 11",
        "summary.ids[1]: golden 2, now 3",
        "summary.ids: golden has 2 items, now 3",
    ]
    assert differences({"n": 1}, {"n": 1.0}) == []  # a float and an int of the same value
    assert differences({"n": 1}, {"n": "1"}) == ["n: golden 1, now \"1\""]


def test_a_change_is_explained_by_its_key_values_and_trajectory():
    """A regeneration or a failure names the key values that moved and the first half hour that differs; a change
    of the hash alone is called out as such."""
    rows = {"fields": ["minute", "cash_cents", "held_cents"], "every_minutes": 30, "rows": [[30, 100, 5], [60, 90, 0]]}
    golden = {"key": {"profit_cents": 500, "on_time_share": 0.9}, "trajectory": rows, "event_log_sha256": "a"}
    moved = {"key": {"profit_cents": 450, "on_time_share": 0.9},
             "trajectory": {**rows, "rows": [[30, 100, 5], [60, 40, 0]]}, "event_log_sha256": "b"}
    assert explain(golden, moved) == ["key profit_cents: 500 -> 450 (-50)",
                                      "trajectory first differs at minute 60: cash_cents 90 -> 40"]
    hash_only = {**golden, "event_log_sha256": "b"}
    assert explain(golden, hash_only)[0].startswith("only the event hash changed")
    assert explain(golden, golden) == []
