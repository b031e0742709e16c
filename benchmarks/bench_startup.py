"""Start-up time of ``cityregions --help``, of every subcommand's ``--help`` and of the import.

Goal (issue 10, DESIGN.md): each ``--help`` under 0.3 s on the development machine;
``import cityregions`` loads no pandas, numpy or scipy (that is asserted by
``tests/test_import_hygiene.py``; this script only measures time).

Every command runs as a fresh subprocess ``--runs`` times, the commands taking turns
(round robin, so that a burst of other load on the machine does not hit all runs of
one command); the table shows the best and the median wall-clock time and the best CPU
time (user + system of the child, less sensitive to other load; the load average is
printed too). Baselines measured in the same run put the
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


def run_once(command: list[str]) -> tuple[float, float]:
    """Return the wall-clock and CPU (user + system) seconds of one fresh run."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "100"},
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{' '.join(command)} exited with {os.waitstatus_to_exitcode(status)}"
        raise SystemExit(msg)
    return wall, usage.ru_utime + usage.ru_stime


def time_commands(
    commands: dict[str, list[str]], runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Time every command ``runs`` times, taking turns; label → (walls, cpus)."""
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in commands}
    for _ in range(runs):
        for label, command in commands.items():
            wall, cpu = run_once(command)
            times[label][0].append(wall)
            times[label][1].append(cpu)
    return times


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
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_typer_app.py"
        minimal.write_text(MINIMAL_TYPER_APP, encoding="utf-8")
        baselines = {
            "python -c pass": [python, "-c", "pass"],
            "python -c 'import typer'": [python, "-c", "import typer"],
            "minimal typer app: sub run --help": [python, str(minimal), "sub", "run", "--help"],
            "python -c 'import cityregions'": [python, "-c", "import cityregions"],
        }
        helps = {
            " ".join(["cityregions", *path, "--help"]): [script, *path, "--help"]
            for path in help_commands()
        }
        also = {}
        if options.also:
            also = {
                "  cityregions " + " ".join(args): [options.also, *args]
                for args in (["--help"], ["delineate", "--help"])
            }
        times = time_commands({**baselines, **helps, **also}, options.runs)
    base = min(times["python -c pass"][0])
    print(f"{sys.version.split()[0]} {python}; console script {script}; {options.runs} runs")
    print(f"load average (1 min): {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'command':<42} {'best':>7} {'median':>7} {'cpu':>7} {'-python':>8}  goal")
    for label in baselines:
        print(row(label, *times[label], base, None))
    missed = [label for label in helps if min(times[label][0]) >= options.goal]
    for label in helps:
        print(row(label, *times[label], base, options.goal))
    if also:
        print(f"--also {options.also} (its own wrapper included):")
        for label in also:
            print(row(label, *times[label], base, None))
    verdict = "met" if not missed else f"NOT met by {len(missed)}: {', '.join(missed)}"
    print(f"goal: every --help under {options.goal:g} s (best of {options.runs}): {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
