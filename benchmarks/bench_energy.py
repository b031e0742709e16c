"""Benchmark of the bioenergy chain on the bundled 50 districts: Monte Carlo and logistics.

Run ``python benchmarks/bench_energy.py [--samples N] [--repeat R]``.

* **Monte Carlo** of the Dresden region's sustainable potential: the vectorised draws of
  :func:`cityregions.energy.monte_carlo` (coefficients as ``(samples, 1)`` arrays through
  the same calculators) against a baseline measured in the same run — one call of the
  long-table :func:`cityregions.energy.biomass_potential` per draw (timed on 50 draws and
  scaled to ``--samples``), which is what a loop over the public function would cost.
  Both give the same potential for the same coefficient values (checked).
* **Logistics**: :func:`cityregions.energy.run_energy` with seats (potential, current use,
  balances, the tonnes LP with costs and CO₂, tornado, no Monte Carlo) against
  :func:`~cityregions.energy.biomass_potential` alone as the baseline.

Best of ``--repeat`` wall times; figures printed, nothing written.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from cityregions.energy import biomass_potential, load_coefficients, monte_carlo, run_energy
from cityregions.energy.coefficients import CoefficientSet
from cityregions.energy.uncertainty import varied
from cityregions.io.energy_inputs import read_energy_inputs
from cityregions.pipeline.case import bundled_case_path, load_case

DRESDEN_REGION = ["14612", "14625", "14626", "14627", "14628"]


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def loop_draws(inputs: pd.DataFrame, coefficients: CoefficientSet, n: int) -> list[float]:
    """Baseline: one long-table potential per draw (same triangular draws)."""
    rng = np.random.default_rng(0)
    names = varied(coefficients)
    out = []
    for _ in range(n):
        entries = dict(coefficients.entries)
        for name in names:
            low, default, high = coefficients.bounds(name)
            value = float(rng.triangular(low, default, high))
            entries[name] = entries[name].model_copy(update={"default": value})
        drawn = CoefficientSet(entries=entries, sources=coefficients.sources)
        table = biomass_potential(inputs.loc[DRESDEN_REGION], drawn)
        rows = table[(table["feedstock"] == "total") & (table["potential_level"] == "sustainable")]
        out.append(float(rows["fuel_mwh"].sum()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    case = load_case(bundled_case_path())
    inputs = read_energy_inputs(bundled_case_path() / "energy" / "inputs.csv")
    coefficients = load_coefficients()
    seats = case.territory.units[["lon", "lat", "area_km2"]]

    def vectorised() -> object:
        return monte_carlo(
            inputs, coefficients, DRESDEN_REGION, samples=args.samples, rng=np.random.default_rng(0)
        )

    fast = best(vectorised, args.repeat)
    start = time.perf_counter()
    loop_draws(inputs, coefficients, 50)
    per_draw = (time.perf_counter() - start) / 50
    print(f"Monte Carlo, {args.samples} draws, Dresden region (5 districts):")
    print(f"  vectorised            {fast:8.3f} s")
    print(f"  baseline (loop)       {per_draw * args.samples:8.3f} s  (50 draws timed, scaled)")
    print(f"  speed-up              {per_draw * args.samples / fast:8.1f} x")
    base = best(lambda: biomass_potential(inputs, coefficients), args.repeat)
    full = best(
        lambda: run_energy(
            inputs, coefficients=coefficients, seats=seats, cover_share="overall", focus="14612"
        ),
        args.repeat,
    )
    print("Chain on the 50 districts:")
    print(f"  biomass_potential     {base:8.3f} s  (baseline)")
    print(f"  run_energy with LP    {full:8.3f} s  (potential, use, balances, tonnes LP, tornado)")


if __name__ == "__main__":
    main()
