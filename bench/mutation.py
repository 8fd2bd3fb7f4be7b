"""Mutation testing of the core, one module at a time, with mutmut.

For each module named in `bench/mutation.toml` this copies the repository into
`.mutation/<module>/`, runs `mutmut run` there over that module alone with only the tests
listed for it (one worker, under `nice -n 19`, stopped after the module's time budget), and
prints killed / survived / timed out per module, then every survivor with its diff.
Mutants recorded in `bench/mutation.toml` as equivalent (with the reason) are not counted;
an entry whose change no longer matches the mutant of that name is reported as stale.

Score: (killed + timed out) / (all - equivalent); a mutant no test reaches, or one left
unchecked when the budget ran out, counts against it.

Run: `make mutation` (every module in turn) or
`.venv/bin/python bench/mutation.py bot.core.numbers bot.core.interval [--budget 600]`;
`--resume` goes on with a run that its budget stopped, `--table-only` reprints the results.
Never part of `make test`: a module takes minutes on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "bench" / "mutation.toml"
WORK = ROOT / ".mutation"
COPIED = ("bot", "tests", "knowledge", "schema")
KILLED = {1, 3, 37}
TIMEOUT = {36, 24, -24, 152, 255}


@dataclass
class Outcome:
    module: str
    total: int = 0
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    timeout: int = 0
    no_tests: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    equivalent: int = 0
    stale: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: bool = False

    @property
    def score(self) -> float:
        counted = self.total - self.equivalent
        return 100.0 * (self.killed + self.timeout) / counted if counted else 100.0


def _changed_lines(diff: str) -> list[str]:
    """The removed and added lines of a unified diff, stripped, without the file headers."""
    return [
        line[0] + line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _prepare(module: str, tests: list[str], extra_args: list[str]) -> Path:
    """A fresh copy of the repository for `module`, with mutmut configured for it alone."""
    work = WORK / module
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        shutil.copytree(ROOT / name, work / name, ignore=ignore)
    shutil.copy(ROOT / "bench" / "mutation_conftest.py", work / "tests" / "conftest.py")
    path = module.replace(".", "/") + ".py"
    settings = {
        "source_paths": ["bot/"],
        "only_mutate": [path],
        "also_copy": ["knowledge/", "schema/"],
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q", *extra_args],
    }
    lines = ["", "[tool.mutmut]"] + [
        f"{key} = {json.dumps(value)}" for key, value in settings.items()
    ]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8") + "\n".join(lines) + "\n"
    (work / "pyproject.toml").write_text(text, encoding="utf-8")
    return work


def _run(work: Path, module: str, budget: float, resume: bool) -> tuple[float, bool]:
    """mutmut over `module` in `work`, one worker, niced; stopped after `budget` seconds.
    `resume`: only the mutants not checked yet (mutmut keeps the others' results)."""
    command = ["nice", "-n", "19", sys.executable, "-m", "mutmut", "run", "--max-children", "1"]
    if not resume:
        command.append(f"{module}.*")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    with (work / "mutmut.log").open("a" if resume else "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        # Stopped on time, or with this script (Ctrl-C, SIGTERM): mutmut and its workers too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            process.wait(timeout=budget)
            stopped = False
        except subprocess.TimeoutExpired:
            stopped = True
        finally:
            _stop(process)
    return time.monotonic() - started, stopped


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _diffs(work: Path, names: list[str]) -> dict[str, str]:
    """Each mutant's diff, as `mutmut show` prints it (run in `work`, where mutmut ran)."""
    if not names:
        return {}
    script = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "from mutmut.mutation.diff_apply import find_mutant\n"
        "print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path)"
        " for n in json.loads(sys.stdin.read())}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=work,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


def _tally(work: Path, module: str, equivalents: dict[str, dict[str, str]]) -> Outcome:
    outcome = Outcome(module)
    meta = work / "mutants" / (module.replace(".", "/") + ".py.meta")
    if not meta.exists():
        return outcome
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    outcome.total = len(codes)
    listed = [name for name in codes if name in equivalents]
    open_names = [
        name
        for name, code in codes.items()
        if code not in KILLED and code not in TIMEOUT and name not in equivalents
    ]
    diffs = _diffs(work, listed + open_names)
    for name, code in codes.items():
        if name in equivalents:
            expected = equivalents[name]["change"].strip().splitlines()
            if _changed_lines(diffs[name]) == [line.strip() for line in expected]:
                outcome.equivalent += 1
                continue
            outcome.stale.append(name)
        if code in KILLED:
            outcome.killed += 1
        elif code in TIMEOUT:
            outcome.timeout += 1
        elif code == 0:
            outcome.survived.append(name)
        elif code in (5, 33):
            outcome.no_tests.append(name)
        else:
            outcome.unchecked.append(name)
    outcome.diffs = {name: diffs[name] for name in open_names if name in diffs}
    for name in outcome.stale:
        outcome.diffs.setdefault(name, diffs[name])
    return outcome


def _print_table(outcomes: list[Outcome]) -> None:
    header = (
        f"{'module':<28} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} "
        f"{'no tests':>8} {'unchecked':>9} {'equiv':>5} {'score':>6} {'time':>6}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        note = "  (stopped at budget)" if o.stopped else ""
        print(
            f"{o.module:<28} {o.total:>7} {o.killed:>6} {len(o.survived):>8} {o.timeout:>7} "
            f"{len(o.no_tests):>8} {len(o.unchecked):>9} {o.equivalent:>5} {o.score:>5.1f}% "
            f"{o.seconds:>5.0f}s{note}"
        )


def _print_survivors(outcome: Outcome) -> None:
    for title, names in (
        ("survived", outcome.survived),
        ("no test reaches it", outcome.no_tests),
        ("not checked", outcome.unchecked),
        ("stale equivalent entry (the mutant of that name changed)", outcome.stale),
    ):
        if not names:
            continue
        print(f"\n{outcome.module}: {title} ({len(names)})")
        for name in names:
            print(f"  {name}")
            for line in _changed_lines(outcome.diffs.get(name, "")):
                print(f"      {line}")


def main() -> int:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    modules: dict[str, dict[str, object]] = config["modules"]
    equivalents = {entry["mutant"]: entry for entry in config.get("equivalent", [])}
    for entry in equivalents.values():
        if not str(entry.get("reason", "")).strip():
            sys.exit(f"{CONFIG.name}: equivalent mutant {entry['mutant']} has no reason")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all in {CONFIG.name}")
    parser.add_argument("--budget", type=float, help="seconds per module (overrides the file)")
    parser.add_argument("--table-only", action="store_true", help="re-read the last runs")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on with a run stopped at its budget: same copy, only mutants not checked yet",
    )
    args = parser.parse_args()
    chosen = args.modules or list(modules)
    unknown = [name for name in chosen if name not in modules]
    if unknown:
        sys.exit(f"not in {CONFIG.name}: {', '.join(unknown)}; known: {', '.join(modules)}")
    outcomes = []
    for module in chosen:
        spec = modules[module]
        work = WORK / module
        seconds, stopped = 0.0, False
        if not args.table_only:
            tests = [str(test) for test in spec["tests"]]  # type: ignore[attr-defined]
            extra = [str(arg) for arg in spec.get("pytest_args", [])]  # type: ignore[attr-defined]
            budget = args.budget or float(spec.get("budget_seconds", 900))  # type: ignore[arg-type]
            print(f"{module}: mutating with {' '.join(tests)} (budget {budget:.0f}s)", flush=True)
            resume = args.resume and (work / "mutants").exists()
            if not resume:
                work = _prepare(module, tests, extra)
            seconds, stopped = _run(work, module, budget, resume)
        outcome = _tally(work, module, equivalents)
        outcome.seconds, outcome.stopped = seconds, stopped
        if outcome.total == 0:
            print(f"{module}: no result; see {work / 'mutmut.log'}")
        outcomes.append(outcome)
    print()
    _print_table(outcomes)
    for outcome in outcomes:
        _print_survivors(outcome)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
