"""Benchmark of ``cityregions demo``: the whole bundled case, both levels, report included.

Run ``python benchmarks/bench_demo.py [--repeat N]``.

Measures, best of ``--repeat`` runs, each in a fresh process (wall time, and the CPU
time of the process and its children, which machine load does not inflate):

- ``demo``: ``cityregions demo --out DIR`` — every step on the 50 observed districts
  (delineation, stability, governance, partnership, energy), the 1,268 municipalities
  (territory, delineation, governance fit) and the report and GeoPackage (goal < 60 s);

and, as baselines measured in the same run: ``districts only`` (the same pipeline and
outputs without the municipal level: what the second level costs) and ``start-up``
(``cityregions --help``). Prints one line per measure and whether the goal is met;
exits 1 if it is not.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"demo": 60.0}

#: The demo without the municipal level (the steps of STEPS but ``levels``), same outputs.
DISTRICTS_ONLY = """
import sys
from pathlib import Path
from cityregions.cli.report import write_demo_outputs
from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.steps import STEPS, run_case
out = Path(sys.argv[1])
steps = [step for step in STEPS if step[0] != "levels"]
results = run_case(load_case(bundled_case_path()), out, steps=steps)
write_demo_outputs(results, out)
"""


def run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (process and children) of ``python ARGS``; raise on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Time the demo and the baselines; print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    measures: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.repeat):  # turns: a burst of load hits every measure alike
            out = Path(folder) / f"run{i}"
            measures.setdefault("demo", []).append(
                run(["-m", "cityregions.cli.main", "demo", "--out", str(out / "demo")])
            )
            measures.setdefault("districts only", []).append(
                run(["-c", DISTRICTS_ONLY, str(out / "districts")])
            )
            measures.setdefault("start-up", []).append(
                run(["-m", "cityregions.cli.main", "--help"])
            )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    failed = False
    for name, runs in measures.items():
        wall, cpu = min(runs)
        goal = GOALS.get(name)
        verdict = "" if goal is None else (" ok" if wall < goal else " NOT MET")
        failed |= goal is not None and wall >= goal
        label = "baseline" if goal is None else f"goal < {goal:g} s"
        print(f"{name:>15}: {wall:6.1f} s wall, {cpu:6.1f} s CPU  ({label}){verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
