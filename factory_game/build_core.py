"""Build the compiled core: the simulation's hot path compiled with mypyc, next to its Python sources.

    python -m factory_game.build_core          # compile (needs mypy, a C compiler and Python's headers)
    python -m factory_game.build_core --clean  # remove the compiled modules: back to pure Python

Opt-in, so `pip install -e .` and `factory-game run` stay what they are on a machine without a compiler: the
extension modules land beside the .py files (`factory_game/sim/world.cpython-311-….so`), where Python imports them
first. The compiled and the pure modules give byte-identical results (tests/test_compiled.py runs the golden records
through both); `RIVER_PURE=1` forces the pure path, and a compiled module whose source changed since the build is
not used (see `factory_game.sim.core`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from factory_game.sim.core import COMPILED, GROUP, STAMP, source_digest

PACKAGE = Path(__file__).resolve().parent
SIM = PACKAGE / "sim"


def compiled_files() -> list[Path]:
    """The extension modules a build left in the simulation package (it has no others), whatever `COMPILED` was."""
    return sorted(path for path in SIM.iterdir() if path.suffix in (".so", ".pyd"))


def clean() -> None:
    for path in [*compiled_files(), SIM / STAMP]:
        path.unlink(missing_ok=True)


def build() -> None:
    """Compile `COMPILED` in place (mypyc, then setuptools' build_ext) and stamp the sources it was built from."""
    from mypyc.build import mypycify
    from setuptools import setup

    clean()
    root = PACKAGE.parent
    os.chdir(root)  # mypyc names modules by their paths from here
    with tempfile.TemporaryDirectory() as work:
        extensions = mypycify([f"factory_game/sim/{name}.py" for name in COMPILED], opt_level="3",
                              group_name=GROUP, target_dir=str(Path(work) / "c"))
        setup(name="factory_game_core", ext_modules=extensions, packages=[], py_modules=[],
              script_args=["build_ext", "--inplace", "--build-temp", str(Path(work) / "tmp"),
                           "--build-lib", str(Path(work) / "lib")])
    (SIM / STAMP).write_text(json.dumps({name: source_digest(name) for name in COMPILED}, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m factory_game.build_core", description=__doc__.split("\n")[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args(argv)
    if args.clean:
        clean()
        print("compiled core removed: the simulation runs as pure Python")
        return 0
    try:
        import mypyc  # noqa: F401
    except ImportError:
        print("build_core: mypyc is not installed (pip install -e '.[compile]'); the simulation runs as pure Python",
              file=sys.stderr)
        return 2
    try:
        build()
    except (Exception, SystemExit) as exc:  # setuptools reports a failed compile as SystemExit
        clean()
        print(f"build_core: the compile failed ({type(exc).__name__}: {exc}); it needs a C compiler and Python's "
              "headers (Debian: apt-get install gcc python3-dev). The simulation runs as pure Python.",
              file=sys.stderr)
        return 2
    print(f"compiled core built: {', '.join(path.name for path in compiled_files())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
