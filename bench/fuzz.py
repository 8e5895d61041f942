"""The long profile of the command-line fuzz test (tests/trust/test_fuzz_cli.py): many more random argument
vectors, damaged saves and progress files than CI runs, with a fresh random seed each time.

    python3 bench/fuzz.py [--examples 3000] [--limit-s 60] [--log fuzz.log] [-k EXPR]

Each example must end with exit 0, 1 or 2, print no traceback, end within the time limit and leave the input
files as they were. `--log` writes each argument vector before it runs, so one that kills the process (out of
memory) is the last line. Run it under `ulimit -v` to turn a memory blow-up into a failure. Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

TEST = Path(__file__).resolve().parent.parent / "tests" / "trust" / "test_fuzz_cli.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3000, help="examples per fuzz test")
    parser.add_argument("--limit-s", type=int, default=60, help="longest one example may take")
    parser.add_argument("--log", help="append each argument vector to this file before running it")
    parser.add_argument("-k", dest="select", default="", help="pytest -k expression (e.g. 'not trace_and_sweep')")
    args = parser.parse_args(argv)
    os.environ.update(RIVER_FUZZ_EXAMPLES=str(args.examples), RIVER_FUZZ_LIMIT_S=str(args.limit_s),
                      RIVER_FUZZ_RANDOM="1", ARCADE_HEADLESS="1")
    if args.log:
        os.environ["RIVER_FUZZ_LOG"] = str(Path(args.log).resolve())
    return int(pytest.main(["-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", str(TEST),
                            *(["-k", args.select] if args.select else [])]))


if __name__ == "__main__":
    sys.exit(main())
