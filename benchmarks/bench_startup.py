"""Start-up time of ``cityregions --help``, of every subcommand's ``--help`` and of the import.

Goal (issue 10, DESIGN.md): each ``--help`` under 0.3 s on the development machine;
``import cityregions`` loads no pandas, numpy or scipy (that is asserted by
``tests/test_import_hygiene.py``; this script only measures time).

Every command runs as a fresh subprocess ``--runs`` times; the table shows the best and
the median wall-clock time and the best CPU time (user + system of the child, less
sensitive to other load on the machine). Baselines measured in the same run put the
figures in proportion: the interpreter alone (``python -c pass``), ``import typer`` and
a minimal typer app with one subcommand (``sub --help``: the floor any typer command
line pays, rich help and typer's pydantic-based option parsing included).

The console script is the one installed beside this interpreter
(``<sys.executable dir>/cityregions``); a shell wrapper in front of it (a pyenv shim
on PATH, for example) adds its own start-up: time it too with ``--also PATH``.

Run::

    python benchmarks/bench_startup.py [--runs 7] [--goal 0.3] [--also ~/.pyenv/shims/cityregions]

Exit code 1 when a ``--help`` misses the goal (best wall time), so that the script can
gate a release; it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_TYPER_APP = '''
import typer
app = typer.Typer(add_completion=False)
@app.callback()
def main(verbose: int = typer.Option(0, "-v", count=True)) -> None:
    """A group."""
sub = typer.Typer()
@sub.command()
def run(count: int = 1, name: str = "a") -> None:
    """A command."""
app.add_typer(sub, name="sub")
app()
'''


def time_command(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Return the wall-clock and CPU (user + system) seconds of ``runs`` fresh runs."""
    walls, cpus = [], []
    env = {**os.environ, "COLUMNS": "100"}
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        cpus.append(usage.ru_utime + usage.ru_stime)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            msg = f"{' '.join(command)} exited with {child.returncode}"
            raise SystemExit(msg)
    return walls, cpus


def console_script() -> str:
    """The ``cityregions`` script of this interpreter (else the one on PATH)."""
    beside = Path(sys.executable).with_name("cityregions")
    if beside.is_file():
        return str(beside)
    found = shutil.which("cityregions")
    if found is None:
        msg = "no cityregions console script: pip install -e . first"
        raise SystemExit(msg)
    return found


def help_commands() -> list[list[str]]:
    """``[]`` (the root) and every command and subcommand path, from the CLI itself."""
    import typer.main

    from cityregions.cli.main import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name in root.list_commands(None):  # type: ignore[attr-defined, arg-type]
        command = root.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


def row(label: str, walls: list[float], cpus: list[float], base: float, goal: float | None) -> str:
    best = min(walls)
    verdict = "" if goal is None else ("ok" if best < goal else "MISSED")
    return (
        f"{label:<42} {best:7.3f} {statistics.median(walls):7.3f} {min(cpus):7.3f}"
        f" {best - base:+8.3f}  {verdict}"
    )


def main() -> int:
    """Measure, print the table and return 1 if a --help misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (best is kept)")
    parser.add_argument("--goal", type=float, default=0.3, help="seconds per --help")
    parser.add_argument("--also", help="another cityregions executable to time (e.g. a shim)")
    options = parser.parse_args()
    python, script = sys.executable, console_script()
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_typer_app.py"
        minimal.write_text(MINIMAL_TYPER_APP, encoding="utf-8")
        baselines = [
            ("python -c pass", [python, "-c", "pass"]),
            ("python -c 'import typer'", [python, "-c", "import typer"]),
            ("minimal typer app: sub run --help", [python, str(minimal), "sub", "run", "--help"]),
        ]
        measured = {label: time_command(cmd, options.runs) for label, cmd in baselines}
    base = min(measured["python -c pass"][0])
    print(f"{sys.version.split()[0]} {python}; console script {script}; {options.runs} runs")
    print(f"{'command':<42} {'best':>7} {'median':>7} {'cpu':>7} {'-python':>8}  goal")
    for label, _ in baselines:
        print(row(label, *measured[label], base, None))
    walls, cpus = time_command([python, "-c", "import cityregions"], options.runs)
    print(row("python -c 'import cityregions'", walls, cpus, base, None))
    missed = []
    for path in help_commands():
        walls, cpus = time_command([script, *path, "--help"], options.runs)
        label = " ".join(["cityregions", *path, "--help"])
        print(row(label, walls, cpus, base, options.goal))
        if min(walls) >= options.goal:
            missed.append(label)
    if options.also:
        print(f"--also {options.also} (its own wrapper included):")
        for args in (["--help"], ["delineate", "--help"]):
            walls, cpus = time_command([options.also, *args], options.runs)
            print(row("  cityregions " + " ".join(args), walls, cpus, base, None))
    verdict = "met" if not missed else f"NOT met by {len(missed)}: {', '.join(missed)}"
    print(f"goal: every --help under {options.goal:g} s (best of {options.runs}): {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
