"""Every bundled level replays exactly as recorded. After an intended change, regenerate the goldens with
`python3 -m tests.golden.regenerate` and review the printed differences."""

from __future__ import annotations

import pytest

from .cases import REGENERATE, cases, differences, read_golden, run_case

MAX_LINES = 40


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_level_matches_its_golden_record(case):
    if not case.golden_path.exists():
        pytest.fail(f"no golden record for {case.name} ({case.golden_path.name}); create it with: {REGENERATE}")
    changed = differences(read_golden(case), run_case(case))
    if changed:
        shown = changed[:MAX_LINES]
        more = f"\n  ... and {len(changed) - MAX_LINES} more" if len(changed) > MAX_LINES else ""
        pytest.fail(f"{case.name} differs from its golden record in {len(changed)} values:\n  "
                    + "\n  ".join(shown) + more
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
