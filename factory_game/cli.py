"""The `factory-game` command.

Exit codes: 0 ok; 1 a goal was missed (with `run --check`), and nothing else; 2 bad input (a level, a mod, a save,
a command line, a file that cannot be read or written, a mod that failed during a run), always with a message that
names the file, line or key; 3 an internal error (a bug: the message asks for a report); 130 interrupted (Ctrl-C).
:func:`main` is the one place that turns errors into these codes, for every sub-command.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import sys
from functools import partial
from pathlib import Path

from factory_game import __version__
from factory_game.atomic import atomic_writer, write_text_atomically
from factory_game.career import add_career_command
from factory_game.errors import BadInput, check_outputs, describe_os_error, seed_argument
from factory_game.game.commands import add_game_commands  # its handlers import Arcade only when they run
from factory_game.level import LevelError
from factory_game.level.bundled import LEVELS_DIR, bundled_levels
from factory_game.level.units import parse_duration
from factory_game.modcli import add_mod_commands, add_run_options, configure_logging
from factory_game.paths import environment_problems
from factory_game.plugins import ModFailed, prepare_level
from factory_game.plugins.levels import find_level, mod_levels
from factory_game.plugins.session import SWITCHED_OFF
from factory_game.rundiff import add_diff_command
from factory_game.runner import RunResult, replay_commands, run_level
from factory_game.save import SaveError
from factory_game.sim.spec import LevelSpec
from factory_game.sweep.cli import SweepError, add_sweep_command
from factory_game.texts import LANGUAGES, format_duration, format_value, text
from factory_game.trace.reader import TraceError
from factory_game.trace_commands import TraceArgError, add_trace_commands

EXIT_OK, EXIT_GOALS_MISSED, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factory-game", description="River Factory: play, or run levels headless.")
    parser.add_argument("--version", action="version", version=f"factory-game {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a level headless and print its summary")
    run.add_argument("level", help="a level file, or the name of a bundled level")
    run.add_argument("--seed", type=seed_argument, help="seed, 0 to 2^63-1 (default: the level's)")
    run.add_argument("--until", help='simulated time to stop at, e.g. "2h" (default: the level\'s duration)')
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a level key, e.g. models.sd15.slots=30 (validated like the file)")
    run.add_argument("--json", dest="json_out", metavar="FILE", help="write the JSON summary here ('-' = stdout)")
    run.add_argument("--events", metavar="FILE.jsonl", help="write every event as JSON lines")
    run.add_argument("--replay", metavar="FILE", help="replay the player commands of an earlier run's JSON")
    run.add_argument("--check", action="store_true", help="exit 1 when a goal of the level is missed")
    run.add_argument("--report", metavar="DIR", help="write report.md and PNG charts here (needs matplotlib)")
    run.add_argument("--report-lang", choices=LANGUAGES, default="en", help="the report's language")
    run.add_argument("--lenient", action="store_true",
                     help="as in play: a failing mod is switched off and reported, the run goes on (default: exit 2)")
    add_run_options(run)
    run.set_defaults(handler=cmd_run)
    add_mod_commands(sub)

    validate = sub.add_parser("validate", help="check level files and report every problem")
    validate.add_argument("levels", nargs="+")
    validate.set_defaults(handler=cmd_validate)

    levels = sub.add_parser("levels", help="list the bundled levels")
    levels.set_defaults(handler=cmd_levels)

    add_game_commands(sub)
    add_trace_commands(sub)
    add_sweep_command(sub)
    add_diff_command(sub)
    add_career_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv`, run the sub-command, and turn every error into its exit code and a one-line message."""
    argv = sys.argv[1:] if argv is None else list(argv)
    for arg in argv:
        if "\0" in arg:  # a shell cannot pass one; a file name cannot hold one
            print(f"error: expected arguments without a NUL character; found {arg!r}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help or --version (0), or a usage error it has printed (2)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    configure_logging(getattr(args, "verbose", False))
    try:
        check_environment()
        return args.handler(args)
    except LevelError as exc:
        print_level_error(exc, "the level")
    except TraceError as exc:
        print(f"error: in the request log: {exc}", file=sys.stderr)
    except ModFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        if exc.failure.traceback:
            print(exc.failure.traceback.rstrip(), file=sys.stderr)
    except (BadInput, TraceArgError, SweepError, SaveError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:  # a file or folder the command was pointed at
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug: one line and exit 3, never a bare traceback
        print(internal_error_message(exc), file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT


def internal_error_message(exc: BaseException) -> str:
    """One line for a bug, from the string table when it can be read (a broken resources folder may be the cause)."""
    error = f"{type(exc).__name__}: {str(exc)[:300]}"
    try:
        return text("en", "cli_error.internal", error=error, version=__version__)
    except Exception:  # noqa: BLE001
        return f"internal error: {error} (please report it, with the command line, to factory-game {__version__})"


def check_environment() -> None:
    """The ``RIVER_`` variables, before any command uses them (see :mod:`factory_game.paths`)."""
    errors, warnings = environment_problems()
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if errors:
        raise BadInput("; ".join(errors))


def cmd_run(args: argparse.Namespace) -> int:
    if args.report and importlib.util.find_spec("matplotlib") is None:  # say so before the run, not after it
        raise BadInput("--report needs matplotlib: pip install 'factory_game[report]'")
    until = None
    if args.until is not None:
        try:
            until = parse_duration(args.until)
        except ValueError as exc:
            raise BadInput(f"--until: expected {exc}; found {args.until!r}") from None
    level_file = find_level(args.level)
    level = prepare_level(level_file, args.overrides, lenient=args.lenient)
    check_outputs({"--json": args.json_out, "--events": args.events},
                  [level_file, args.replay, *level_inputs(level.spec)])
    level.session.guard.budget_s = args.mod_budget
    level.session.on_failure(lambda failure: print(f"warning: {failure} ({SWITCHED_OFF})", file=sys.stderr))
    for note in level.session.notes:
        print(f"note: {note}", file=sys.stderr)
    commands = replay_commands(args.replay, level, args.strict) if args.replay else []
    progress = _progress_bar if sys.stderr.isatty() else None
    with contextlib.ExitStack() as stack:
        events_out = stack.enter_context(atomic_writer(Path(args.events), mkdir=False)) if args.events else None
        try:
            result = run_level(level, seed=args.seed, until_ms=until, commands=commands, events_out=events_out,
                               progress=progress)
        except ModFailed as exc:
            if exc.partial is not None and args.json_out:  # what ran before the failure, marked "stopped"
                _write_json(exc.partial, args.json_out)
            raise
        finally:
            if args.profile_mods:
                print("\n".join(level.session.guard.profile_lines()), file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    for note in level.session.starved_models():  # mods: a model another mod's route rule left without work
        print(f"warning: {note}", file=sys.stderr)
    if args.json_out == "-":
        _write_json(result, "-")
    else:
        print(summary_table(result))
        if args.json_out:
            _write_json(result, args.json_out)
    if args.replay:
        refused = [c for c in result.commands if c["source"] == "player" and not c["ok"]]
        if refused:
            print(f"warning: --replay {args.replay}: {len(refused)} of {len(commands)} replayed commands were "
                  f"refused, first at {refused[0]['t']} ms: {refused[0].get('reason', '')}", file=sys.stderr)
    if args.report:
        print(f"report: {write_run_report(result, args.report, args.report_lang)}", file=sys.stderr)
    if args.check and not result.goals_met:
        return EXIT_GOALS_MISSED
    return EXIT_OK


def level_inputs(spec: LevelSpec) -> list[Path]:
    """The files a level reads besides itself (its request log), which no output may replace."""
    trace = getattr(spec, "trace", None)
    file = getattr(trace, "file", None)
    return [Path(file)] if file else []


def _write_json(result: RunResult, where: str) -> None:
    text = json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    if where == "-":
        sys.stdout.write(text)
    else:
        write_text_atomically(Path(where), text)


def write_run_report(result: RunResult, directory: str, lang: str) -> Path:
    """`--report DIR`; matplotlib is imported only here, so the other commands run without it."""
    try:
        from factory_game.report import ReportData, write_report

        return write_report(ReportData.from_run(result), directory, lang=lang)
    except ModuleNotFoundError as exc:
        raise BadInput(f"--report needs {exc.name}: pip install 'factory_game[report]'") from None
    except OSError as exc:
        raise BadInput(f"--report {directory}: {exc.strerror or exc}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in args.levels:
        try:
            level = prepare_level(find_level(name))
            print(f"ok: {name} ({level.spec.id})")
            for note in level.session.notes:  # mods: a shadowed rule, an internal import
                print(f"note: {note}", file=sys.stderr)
        except LevelError as exc:
            status = EXIT_BAD_INPUT
            print_level_error(exc, name)
    return status


def print_level_error(exc: LevelError, name: str) -> None:
    print(f"error: {text('en', 'cli.problems', n=len(exc.problems))} in {name}:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_levels(_args: argparse.Namespace) -> int:
    named = [(str(path.relative_to(LEVELS_DIR).with_suffix("")), path) for path in bundled_levels()]
    for relative, path in named + mod_levels():
        try:
            spec = prepare_level(path).spec
            print(f"{str(relative):28} {spec.title['en']}  /  {spec.title['zh-CN']}")
        except LevelError as exc:
            print(f"{str(relative):28} (invalid: {text('en', 'cli.problems', n=len(exc.problems))})")
    return EXIT_OK


def _progress_bar(now: int, end: int) -> None:
    width = 40
    done = int(width * now / end) if end else width
    print(f"\r[{'#' * done}{'.' * (width - done)}] {100 * now // max(1, end):3d}% {format_duration(now)}",
          end="", file=sys.stderr, flush=True)


def summary_table(result: RunResult, lang: str = "en") -> str:
    """The run's report figures (:meth:`ReportData.rows`, :meth:`ReportData.task_table`) as a terminal table."""
    from factory_game.report.data import SECTIONS, TASK_COLUMNS, ReportData, metric_unit

    data = ReportData.from_run(result)
    t = partial(text, lang)
    lines = [f"level {result.spec.id}  seed {result.seed}  simulated {format_duration(result.summary['time_ms'])}"]
    for section in SECTIONS:
        figures = "  ".join(f"{t(row.key)} {row.shown(lang)}" for row in data.rows(section))
        lines.append(f"{t(f'report.{section}'):11}{figures}")
    groups = data.task_table()
    names = [data.group_name(group, lang, model_ids=True) for group in groups]
    cells = [group.shown(lang) for group in groups]
    labels = [t(key) for key, _metric in TASK_COLUMNS]
    widths = [2 + max(len(label), *(len(row[i]) for row in cells)) for i, label in enumerate(labels)]
    first = 2 + max(len(name) for name in names)
    lines += ["", " " * first + "".join(f"{label:>{w}}" for label, w in zip(labels, widths, strict=True))]
    for name, row in zip(names, cells, strict=True):
        lines.append((f"{name:{first}}" + "".join(f"{c:>{w}}" for c, w in zip(row, widths, strict=True))).rstrip())
    lines += ["", f"event log {result.event_count} events, sha256 {result.event_hash[:16]}"]
    if result.goals:
        lines.append("")
        for r in result.goals:
            unit = metric_unit(r.goal.metric)
            sign = ">=" if r.goal.at_least else "<="
            thresholds = " / ".join(format_value(v, unit, lang) for v in r.goal.stars)
            mark = "*" * r.stars if r.stars else "MISSED"
            lines.append(f"goal {r.goal.metric} {sign} {thresholds}: {format_value(r.value, unit, lang)}  {mark}")
        lines.append(f"stars: {result.stars}")
    return "\n".join(lines)


if __name__ == "__main__":  # `python -m factory_game.cli` as `python -m factory_game`
    sys.exit(main())
