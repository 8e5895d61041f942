"""The `factory-game` command."""

from __future__ import annotations

import argparse

from factory_game import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factory-game", description="River Factory")
    parser.add_argument("--version", action="version", version=f"factory-game {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    return 0
