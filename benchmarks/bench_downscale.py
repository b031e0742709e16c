"""Benchmark of downscaling: the 50 Mitteldeutschland districts to their 1,268 municipalities.

Run ``python benchmarks/bench_downscale.py [--repeat N]``.

Inputs: the bundled case's observed district flows with their complete totals
(``flows-districts.csv``, ``totals-districts.csv``) and its municipalities
(``municipalities.csv``). Measures, best of ``--repeat`` runs:

- ``downscale``: :func:`cityregions.flowmodels.downscale.downscale_flows` — the fit of β
  on the district flows, the proportional fitting and the rounding (goal < 10 s);
- ``command``: ``cityregions flows downscale ... --out F.csv`` in a fresh process,
  reading and writing included (goal < 10 s);

and, as baselines measured in the same run on the same machine load: ``flat`` (the same
proportional fitting with β = 0 given: no fit, a flat seed) and ``start-up``
(``cityregions --help`` in a fresh process). Prints one line per measure and whether the
goals are met; exits 1 if one is not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cityregions.flowmodels.downscale import downscale_flows
from cityregions.pipeline.case import bundled_case_path, load_case

GOALS = {"downscale": 10.0, "command": 10.0}


def best(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the last result."""
    fastest, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, value


def command(args: list[str]) -> None:
    """Run ``cityregions ARGS`` in a fresh process; raise on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)


def main() -> None:
    """Time the measures and print them beside the baselines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = bundled_case_path()
    case = load_case(root)
    districts, municipal = case.flows, case.level("municipality").territory
    results: dict[str, float] = {}
    results["downscale"], result = best(lambda: downscale_flows(districts, municipal), args.repeat)
    results["flat"], _ = best(lambda: downscale_flows(districts, municipal, beta=0.0), args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        cli = ["flows", "downscale", "--flows", str(root / "flows-districts.csv"),
               "--totals", str(root / "totals-districts.csv"),
               "--units", str(root / "municipalities.csv"), "--parent-column", "parent",
               "--out", str(Path(folder) / "m.csv")]  # fmt: skip
        results["command"], _ = best(lambda: command(cli), args.repeat)
    results["start-up"], _ = best(lambda: command(["--help"]), args.repeat)
    load = os.getloadavg()[0]
    print(f"{len(districts)} districts ({districts.matrix.nnz} flows) → {len(municipal)} "
          f"municipalities ({result.flows.matrix.nnz} flows); {result.fit.describe()}, "
          f"{result.iterations} iterations; load average {load:.1f}")  # fmt: skip
    failed = False
    for name, seconds in results.items():
        goal = GOALS.get(name)
        verdict = "" if goal is None else (" ok" if seconds < goal else " NOT MET")
        failed |= goal is not None and seconds >= goal
        label = "baseline" if goal is None else f"goal < {goal:g} s"
        print(f"{name:>10}: {seconds:6.2f} s  ({label}){verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
