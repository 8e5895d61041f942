"""Mutation testing of the simulation's core, the mod guard and session, and the level loader (issue 21).

    python bench/mutation.py                                  # the six core modules, each with its own tests
    python bench/mutation.py --modules sim/ledger.py --sample 12
    python bench/mutation.py --changed main                   # only the modules this branch changed
    python bench/mutation.py --all                            # every module of sim/, guard, session, level/
    python bench/mutation.py --modules level/loader.py --keep # prints its scratch folder DIR first; then, if stopped:
    python bench/mutation.py --modules level/loader.py --resume DIR        # carry on where it stopped
    python bench/mutation.py --modules level/loader.py --report-only DIR   # report what it checked so far
    python bench/mutation.py --modules level/loader.py --recheck DIR       # its survivors again, on today's tests

Each run copies the checkout into a scratch folder, points mutmut 3 (configured in pyproject's [tool.mutmut]) at
the chosen modules and at the tests that cover them, runs it at low priority, and writes a survivors report to
bench/results/mutation-<date>-<label>.md: the kill rate per module, and every survivor with its diff, marked
equivalent (with the reason, from bench/mutation_equivalents.toml) or not. mutmut rather than cosmic-ray: it runs
only the tests that reached the mutated function (cosmic-ray reruns the whole selection per mutant), needs no
session database or config of its own, and forks from a warmed-up pytest, which is what two shared cores afford.
Exit 0 when every checked mutant is killed or listed as equivalent, 1 when one survives, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EQUIVALENTS = ROOT / "bench" / "mutation_equivalents.toml"
PYTHON = sys.executable

# not tests/test_sim_parts.py: its strict mypy check of sim/ fails on mutmut's trampolines, which stops the run.
# The golden records and test_determinism compare whole runs (about 6 s together): most of these modules' mutants
# change a run, not a unit's answer, and only a whole run tells.
_SIM_TESTS = ["tests/test_rules.py", "tests/test_queries.py", "tests/survivors", "tests/test_spot.py",
              "tests/test_incidents.py", "tests/test_metrics.py", "tests/test_economics.py", "tests/test_market.py",
              "tests/test_levers.py", "tests/golden", "tests/test_determinism.py", "tests/mods/test_customer_rule.py",
              "tests/campaign/test_check.py", "tests/planner/test_trace.py", "tests/game/test_lever_effects.py",
              "tests/planner/test_batching.py", "tests/test_event_fields.py", "tests/game/test_refusal_words.py"]
_LEVEL_TESTS = ["tests/test_levels.py", "tests/test_door.py", "tests/test_metrics.py", "tests/survivors/test_loader.py",
                "tests/survivors/test_records.py", "tests/survivors/test_goals.py",
                "tests/survivors/test_level_names.py", "tests/survivors/test_level_errors.py",
                "tests/planner/test_trace.py", "tests/planner/test_trace_trust.py", "tests/trust/test_saves.py",
                "tests/test_incidents.py", "tests/test_spot.py", "tests/survivors/test_trace_rows.py",
                "tests/planner/test_batching.py", "tests/test_projection.py", "tests/mods/test_settings_state.py",
                "tests/trust/test_cli_errors.py", "tests/survivors/test_level_sample.py",
                "tests/mods/test_mod_events.py"]
# Each module and the tests that cover it (mutmut then runs, per mutant, only those that reached the function). Left
# out: the hypothesis suites (tests/properties, test_invariants: seconds per mutant, and a random draw is not a
# stable verdict); the golden records only where the unit tests alone do not reach 90 % (the rest of sim/ above).
MODULES: dict[str, list[str]] = {
    "sim/prompt.py": ["tests/test_rules.py", "tests/test_queries.py", "tests/survivors/test_prompt.py"],
    "sim/capacity.py": ["tests/test_rules.py", "tests/test_queries.py", "tests/test_market.py",
                        "tests/survivors/test_capacity.py", "tests/test_spot.py"],
    "sim/ledger.py": ["tests/test_rules.py", "tests/test_metrics.py", "tests/survivors/test_ledger.py",
                      "tests/survivors/test_capacity.py"],
    "sim/market.py": ["tests/test_market.py", "tests/test_economics.py", "tests/test_rules.py",
                      "tests/test_levers.py", "tests/survivors/test_levers.py", "tests/survivors/test_market.py",
                      "tests/mods/test_mod_price_demand.py"],
    "sim/levers.py": ["tests/test_levers.py", "tests/test_market.py", "tests/survivors/test_levers.py"],
    "plugins/guard.py": ["tests/mods/test_trust.py", "tests/survivors/test_guard.py"],
    "level/loader.py": ["tests/test_levels.py", "tests/test_door.py", "tests/survivors/test_loader.py",
                        "tests/mods/test_mod_events.py", "tests/planner/test_trace.py",
                        "tests/survivors/test_level_sample.py", "tests/mods/test_settings_state.py"],
}
_OTHER = {"plugins/session.py": ["tests/mods/test_session.py", "tests/mods/test_trust.py",
                                 "tests/mods/test_mod_events.py", "tests/mods/test_adjust_price.py",
                                 "tests/mods/test_customer_rule.py", "tests/mods/test_mod_metrics.py",
                                 "tests/mods/test_settings_state.py", "tests/mods/test_resolve.py",
                                 "tests/mods/test_fair_share.py", "tests/mods/test_dual_image.py",
                                 "tests/mods/test_mod_record.py", "tests/mods/test_cli.py",
                                 "tests/survivors/test_session.py", "tests/mods/test_mod_incidents.py"]}
EVERY = {**MODULES, **{f"sim/{p.name}": _SIM_TESTS for p in sorted((ROOT / "factory_game/sim").glob("*.py"))
                       if f"sim/{p.name}" not in MODULES and p.name != "__init__.py"},
         **{f"level/{p.name}": _LEVEL_TESTS
            for p in sorted((ROOT / "factory_game/level").glob("*.py"))
            if f"level/{p.name}" not in MODULES and p.name != "__init__.py"}, **_OTHER}


@dataclass
class Outcome:
    module: str
    status: dict[str, str] = field(default_factory=dict)  # mutant name -> mutmut's status
    diffs: dict[str, str] = field(default_factory=dict)  # survivor -> its diff
    equivalent: dict[str, str] = field(default_factory=dict)  # survivor -> why it cannot be told apart
    pending: int = 0  # mutants a stopped run has not checked yet (--report-only)

    def count(self, status: str) -> int:
        return sum(1 for s in self.status.values() if s == status)

    @property
    def checked(self) -> int:
        return len(self.status)

    @property
    def alive(self) -> list[str]:
        """Survivors (and mutants no test reached) that are not listed as equivalent."""
        return [n for n, s in self.status.items() if s in ("survived", "no tests") and n not in self.equivalent]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", metavar="PATH", help=f"under factory_game/ (default: {list(MODULES)})")
    parser.add_argument("--all", action="store_true", help="every module of sim/ and level/, the guard and session")
    parser.add_argument("--changed", metavar="REF", help="only the modules changed since REF (e.g. main)")
    parser.add_argument("--sample", type=int, metavar="N", help="check N mutants drawn from the chosen modules")
    parser.add_argument("--seed", type=int, default=0, help="the draw of --sample (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="mutmut's workers (default 1: the cores are shared)")
    parser.add_argument("--label", help="the report's name: bench/results/mutation-<date>-<label>.md")
    parser.add_argument("--no-report", action="store_true", help="print only; write nothing under bench/results")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (for `mutmut show/apply`)")
    parser.add_argument("--resume", metavar="DIR", help="carry on in a kept scratch folder (its copy and config)")
    parser.add_argument("--report-only", metavar="DIR", help="only write the report of a kept scratch folder as it "
                        "stands (a stopped run: its unchecked mutants are counted as not run); with --recheck EARLIER, "
                        "DIR is that recheck's folder")
    parser.add_argument("--recheck", metavar="DIR", help="run again, on today's tests, only the mutants a kept "
                        "scratch folder's run did not kill; the report counts the others as that run left them")
    args = parser.parse_args(argv)

    known = EVERY
    modules = list(EVERY) if args.all else args.modules or list(MODULES)
    unknown = [m for m in modules if m not in known]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; choose from {sorted(known)}")  # exits 2
    if args.changed:
        changed = _changed_since(args.changed)
        modules = [m for m in modules if f"factory_game/{m}" in changed]
        if not modules:
            print(f"no mutation-tested module changed since {args.changed}")
            return 0

    if args.report_only:  # with --recheck EARLIER: the folder of that recheck, reported as the recheck would be
        earlier = {m: _meta(Path(args.recheck), m) for m in modules} if args.recheck else None
        names = _survivors(earlier) if earlier else None
        return _report(collect(modules, Path(args.report_only), names, earlier), args)
    work = Path(args.resume) if args.resume else Path(tempfile.mkdtemp(prefix="river-mutation-"))
    if args.keep:
        print(f"scratch folder (kept; --resume {work} carries on after a stop): {work}", flush=True)
    if args.resume and not (work / "mutants").is_dir():
        print(f"bench/mutation.py: --resume {work}: not a kept scratch folder (no mutants/ in it)", file=sys.stderr)
        return 2
    try:
        earlier = {m: _meta(Path(args.recheck), m) for m in modules} if args.recheck else None
        outcomes = run(modules, work, sample=args.sample, seed=args.seed, jobs=args.jobs, fresh=not args.resume,
                       earlier=earlier)
        return _report(outcomes, args)
    finally:
        if args.keep or args.resume:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _report(outcomes: list[Outcome], args: argparse.Namespace) -> int:
    """Print and write the report; the exit code (1 when a mutant is alive)."""
    report = render(outcomes, args)
    print(report)
    if not args.no_report:
        label = args.label or ("sample" if args.sample else "changed" if args.changed else
                               "all" if args.all else "core")
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"mutation-{datetime.date.today().isoformat()}-{label}.md"
        path.write_text(report, encoding="utf-8")
        print(f"written: {path.relative_to(ROOT)}")
    return 1 if any(o.alive for o in outcomes) else 0


def run(modules: list[str], work: Path, sample: int | None = None, seed: int = 0, jobs: int = 1,
        fresh: bool = True, earlier: dict[str, dict[str, int | None]] | None = None) -> list[Outcome]:
    """Mutate `modules` in a copy of the checkout at `work` and return what happened to each mutant (`fresh`
    False: `work` is a kept copy; mutmut checks only the mutants it has no verdict for yet). `earlier`: an earlier
    run's exit codes per module; only its survivors are run again (the source must not have changed since)."""
    if fresh:
        _copy_checkout(work)
        tests = list(dict.fromkeys(t for m in modules for t in EVERY[m] if (ROOT / t).exists()))
        _configure(work, [f"factory_game/{m}" for m in modules], tests)
    names: list[str] = []
    if earlier is not None:
        names = _survivors(earlier)
        if not names:
            raise SystemExit("bench/mutation.py: --recheck: that run left no survivor to check again")
    elif sample:
        every = sorted(name for m in modules for name in _mutant_names(work, m))
        names = sorted(random.Random(seed).sample(every, min(sample, len(every))))
    # before the interpreter starts: a PYTHONPATH entry missing at start-up is cached as absent, and the checkout's
    # editable install would then be tested instead of the mutants
    (work / "mutants").mkdir(exist_ok=True)
    env = {**os.environ, "ARCADE_HEADLESS": "1", "PYTHONPATH": str(work / "mutants"), "PYTHONHASHSEED": "0"}
    command = ["nice", "-n", "10", PYTHON, "-m", "mutmut", "run", "--max-children", str(jobs), *names]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).replace("\r", "\n").strip().splitlines()[-30:]
        raise SystemExit("mutmut failed:\n" + "\n".join(tail))
    return collect(modules, work, names, earlier)


def _survivors(earlier: dict[str, dict[str, int | None]]) -> list[str]:
    return sorted(n for codes in earlier.values() for n, code in codes.items()
                  if _status(code) in ("survived", "no tests"))


def collect(modules: list[str], work: Path, names: list[str] | None = None,
            earlier: dict[str, dict[str, int | None]] | None = None) -> list[Outcome]:
    """What happened to each mutant of `modules` in the scratch folder `work` (`names`: only those; a stopped run's
    mutants without a verdict yet are counted as pending)."""
    names = names or []
    env = {**os.environ, "ARCADE_HEADLESS": "1", "PYTHONPATH": str(work / "mutants"), "PYTHONHASHSEED": "0"}
    equivalents = _equivalents()
    outcomes = []
    for module in modules:
        outcome = Outcome(module)
        codes = _meta(work, module)
        outcome.pending = sum(1 for n, c in codes.items() if c is None and (not names or n in names))
        if earlier is not None:  # what a stopped earlier run never reached is not run either
            outcome.pending += sum(1 for c in earlier[module].values() if c is None)
        codes = {n: c for n, c in codes.items() if c is not None}
        if earlier is not None:  # what that run checked (all, or its sample), with today's verdicts on its survivors
            codes = {**{n: c for n, c in earlier[module].items() if c is not None},
                     **{n: codes[n] for n in names if n in codes}}
        outcome.status = {n: _status(codes[n]) for n in (codes if earlier is not None else names or codes)
                          if n in codes}
        for name, status in outcome.status.items():
            if status in ("survived", "no tests"):
                diff = subprocess.run([PYTHON, "-m", "mutmut", "show", name], cwd=work, env=env,
                                      capture_output=True, text=True).stdout
                outcome.diffs[name] = diff
                reason = _equivalent_reason(module, name, diff, equivalents)
                if reason:
                    outcome.equivalent[name] = reason
        outcomes.append(outcome)
    return outcomes


def render(outcomes: list[Outcome], args: argparse.Namespace) -> str:
    """The survivors report, in Markdown."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    lines = [f"# Mutation report ({when}, commit {commit})", "",
             f"`python bench/mutation.py {' '.join(sys.argv[1:])}`".replace("  ", " "), "",
             "Kill rate = killed / (checked - equivalent). 'no tests' = no selected test reached the function.", "",
             "| module | checked | killed | timeout | survived | no tests | equivalent | kill rate | not run |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        killed = o.count("killed") + o.count("timeout") + o.count("caught by type check")
        lines.append(f"| {o.module} | {o.checked} | {o.count('killed')} | {o.count('timeout')} | "
                     f"{o.count('survived')} | {o.count('no tests')} | {len(o.equivalent)} | {_rate(o, killed)} | "
                     f"{o.pending} |")
    for o in outcomes:
        if not o.diffs:
            continue
        lines += ["", f"## {o.module}: {len(o.diffs)} not killed ({len(o.alive)} not equivalent)", ""]
        for name, diff in o.diffs.items():
            verdict = f"equivalent: {o.equivalent[name]}" if name in o.equivalent else f"**{o.status[name]}**"
            lines += [f"- `{name.split('.')[-1]}` — {verdict}", "", "  ```diff",
                      *[f"  {line}" for line in _short_diff(diff)], "  ```"]
    return "\n".join(lines) + "\n"


def _rate(o: Outcome, killed: int) -> str:
    counted = o.checked - len(o.equivalent)
    return f"{100 * killed / counted:.1f} %" if counted else "–"


def _short_diff(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))]


def _copy_checkout(work: Path) -> None:
    """Tracked and new files of the checkout (not ignored ones), the golden records among them."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if not source.is_file():
            continue
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _configure(work: Path, paths: list[str], tests: list[str]) -> None:
    """The scratch copy's [tool.mutmut]: pyproject's, with the chosen modules and their tests."""
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    config = tomllib.loads(text)["tool"]["mutmut"]
    config.update(only_mutate=paths, pytest_add_cli_args_test_selection=tests)
    body = "\n".join(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in config.items())
    text = re.sub(r"\[tool\.mutmut\]\n(?:[^\[]|\[(?!tool\.|\[))*", "", text)
    pyproject.write_text(text + f"\n[tool.mutmut]\n{body}\n", encoding="utf-8")


def _mutant_names(work: Path, module: str) -> list[str]:
    """Generate the mutants (without running anything) and list their names, to draw a sample from."""
    code = ("import os; from mutmut.__main__ import copy_src_dir, copy_also_copy_files, setup_source_paths, "
            "create_mutants; os.makedirs('mutants', exist_ok=True); copy_src_dir(); copy_also_copy_files(); "
            "setup_source_paths(); create_mutants(1)")
    subprocess.run([PYTHON, "-c", code], cwd=work, capture_output=True, check=True)
    return list(_meta(work, module))


def _meta(work: Path, module: str) -> dict[str, int | None]:
    meta = work / "mutants" / "factory_game" / f"{module}.meta"
    if not meta.exists():
        return {}
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def _status(code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[code]


def _equivalents() -> list[dict[str, str]]:
    if not EQUIVALENTS.exists():
        return []
    return tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", [])


def _equivalent_reason(module: str, name: str, diff: str, equivalents: list[dict[str, str]]) -> str | None:
    """An equivalent is named by its module and the mutated line (`+` side, stripped, with the `-` side when given),
    which survives renumbering; or by a whole function whose mutants the tool cannot run (import-time code)."""
    added = {line[1:].strip() for line in _short_diff(diff) if line.startswith("+")}
    removed = {line[1:].strip() for line in _short_diff(diff) if line.startswith("-")}
    function = _function_of(name)
    for entry in equivalents:
        if entry["module"] != module:
            continue
        if "function" in entry and function == entry["function"]:
            return entry["reason"]
        if entry.get("mutated") in added and entry.get("original", "") in removed | {""}:
            return entry["reason"]
    return None


def _function_of(name: str) -> str:
    """`pkg.mod.xǁClassǁmethod__mutmut_3` -> `Class.method`; `pkg.mod.x_function__mutmut_3` -> `function`."""
    mangled = re.sub(r"__mutmut_\d+$", "", name.rsplit(".", 1)[-1])
    if mangled.startswith("xǁ"):
        return mangled[2:].replace("ǁ", ".")
    return mangled.removeprefix("x_")


def _changed_since(ref: str) -> set[str]:
    """Files changed between `ref` and the working tree (committed or not)."""
    base = subprocess.run(["git", "merge-base", ref, "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if base.returncode != 0:
        print(f"bench/mutation.py: --changed {ref}: not a commit git knows ({base.stderr.strip()})", file=sys.stderr)
        raise SystemExit(2)
    names = subprocess.run(["git", "diff", "--name-only", base.stdout.strip()], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout
    return set(names.split())


if __name__ == "__main__":
    sys.exit(main())
