"""Parameter sweeps on Dask: speed-up on this machine's cores, a country of municipalities.

Usage::

    python benchmarks/bench_sweep.py [--part districts|municipalities|both]
                                     [--resamples 50] [--municipal-runs 20]

``districts``
    The 401 German districts (BA, June 2016: the ten largest links per district with
    the diagonal, complete totals from the district table), LMA with 6 settings (min
    size 20,000/25,000 x target self-containment 0.70/0.75/0.80) x ``--resamples``
    Poisson resamples: in this process without Dask (the baseline), on a local cluster
    of 1 worker and of 2 workers (each started and stopped by the sweep, as a user gets
    it). Prints the wall times, the speed-up of 2 workers against 1, and whether the
    three give identical runs.
``municipalities``
    The ~10,800 German municipalities of the Destatis directory (AuszugGV, population
    31.12.2019, seats) with flows **modeled** by the radiation model (100 destinations
    per origin, ~1.1 M flows), LMA with the Istat 2011 thresholds, 4 settings x 5
    resamples = 20 runs on a local cluster of 2 workers started beforehand. Prints the
    time of one run in this process (the baseline), the sweep's wall time and time per
    run, and the peak resident memory of each worker and of this process.

Real data from ``../shared/data`` (or ``CITYREGIONS_SHARED_DATA``). The figures are in
``docs/sweep.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SHARED = Path(
    os.environ.get(
        "CITYREGIONS_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)
DISTRICT_GRID = {
    "min_size": [20000, 25000],
    "min_self_containment": [0.6667],
    "target_size": [100000],
    "target_self_containment": [0.7, 0.75, 0.8],
}
MUNICIPAL_GRID = {"min_size": [1000, 3500], "target_self_containment": [0.7, 0.75]}


def district_flows() -> Any:
    """BA 2016 district flows completed: the diagonal and the flows beyond the table."""
    from cityregions.flowmodels.completion import complete_flows
    from cityregions.io.tables import read_flows
    from cityregions.io.totals import read_totals

    folder = SHARED / "de-ba-pendler-kreise-2016"
    between = read_flows(folder / "flows.csv", flows_provenance="observed")
    fields = ("residents", "out_commuters", ("in_commuters", "jobs"))
    totals = read_totals(folder / "units.csv", fields=fields, units=between.ids)
    return complete_flows(between, totals, source=str(folder / "units.csv"))


def timed(label: str, func: Any) -> tuple[float, Any]:
    """Run ``func()``; print and return its wall time and result."""
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    print(f"  {label:44s} {seconds:7.1f} s")
    return seconds, result


def _cpu_seconds() -> float:
    """User + system CPU seconds of the calling process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def on_cluster(workers: int, run: Any) -> tuple[float, float, float, Any]:
    """Start a local cluster, run ``run(address)`` on it, stop it.

    Returns wall seconds of the run, the workers' CPU seconds during it, the seconds to
    start and stop the cluster, and the run's result.
    """
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        up = time.perf_counter() - started
        before = sum(client.run(_cpu_seconds).values())
        begin = time.perf_counter()
        result = run(cluster.scheduler_address)
        wall = time.perf_counter() - begin
        cpu = sum(client.run(_cpu_seconds).values()) - before
        stop = time.perf_counter()
    return wall, cpu, up + time.perf_counter() - stop, result


def bench_districts(resamples: int) -> None:
    """The 401-district sweep in this process, on 1 and on 2 local workers."""
    from cityregions.delineation.sweep import sweep

    flows = district_flows()
    n_runs = 6 * resamples
    print(f"401 districts, 6 settings x {resamples} resamples = {n_runs} LMA runs")

    def run(scheduler: str) -> Any:
        rng = np.random.default_rng(2016)
        return sweep(flows, method="lma", grid=DISTRICT_GRID, bootstrap=resamples, rng=rng,
                     scheduler=scheduler)  # fmt: skip

    cpu = _cpu_seconds()
    inline, base = timed("this process, no Dask (baseline)", lambda: run("inline"))
    cpu = _cpu_seconds() - cpu
    print(f"  {'':44s} {cpu:7.1f} s CPU ({cpu / n_runs * 1000:.0f} ms per run)")
    results = [base]
    walls = {}
    for workers in (1, 2):
        wall, cpu, overhead, result = on_cluster(workers, run)
        walls[workers] = wall
        results.append(result)
        per_run = cpu / n_runs * 1000
        print(f"  local cluster, {workers} worker(s): {wall:7.1f} s wall, {cpu:7.1f} s CPU of "
              f"the workers ({per_run:.0f} ms per run); start + stop {overhead:.1f} s")  # fmt: skip
    print(f"  speed-up of 2 workers against 1: {walls[1] / walls[2]:.2f}x "
          f"(against this process: {inline / walls[2]:.2f}x)")  # fmt: skip
    same = all(base.runs.equals(r.runs) and base.labels.equals(r.labels) for r in results)
    print(f"  identical runs and labels whatever ran them: {same}")
    print(f"  consensus: {base.summary}")


def municipal_territory() -> Any:
    """The municipalities of the Destatis directory with population > 0 and seats."""
    from cityregions.territory import Territory

    raw = pd.read_csv(SHARED / "de-municipalities-2021" / "AuszugGV4Q-2020.csv", dtype=str,
                      encoding="utf-8-sig")  # fmt: skip
    rows = raw[raw["satzart"] == "60"]

    def number(column: str) -> pd.Series:
        text = rows[column].str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
        return pd.to_numeric(text)

    table = pd.DataFrame(
        {
            "unit": (rows["land"] + rows["rb"] + rows["kreis"] + rows["gemeinde"]).to_numpy(),
            "name": rows["gemeindename"].to_numpy(),
            "population": number("bevoelkerung").to_numpy(),
            "area_km2": number("flaeche").to_numpy(),
            "lon": number("laengengrad").to_numpy(),
            "lat": number("breitengrad").to_numpy(),
        }
    )
    return Territory.from_frame(table[table["population"] > 0], name="Destatis AuszugGV 2020")


def _peak_mb() -> float:
    """Peak resident memory of the calling process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_municipalities(n_runs: int) -> None:
    """A sweep of ~10,800 municipalities (modeled flows) on 2 local workers."""
    from distributed import Client, LocalCluster

    from cityregions.delineation.api import delineate
    from cityregions.delineation.sweep import sweep
    from cityregions.flowmodels import estimate_flows

    territory = municipal_territory()
    _, flows = timed("radiation flows (modeled, top 100)",
                     lambda: estimate_flows(territory, model="radiation", top_k=100))  # fmt: skip
    print(f"{len(territory)} municipalities, {flows.matrix.nnz:,} flows ({flows.flows_provenance})")
    one_run, plain = timed("one LMA run in this process (baseline)",
                           lambda: delineate(flows, method="lma"))  # fmt: skip
    print(f"  regions of the baseline run: {plain.labels.nunique()}")
    resamples = max(n_runs // 4, 1)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        seconds, result = timed(
            f"sweep of {4 * resamples} runs on 2 workers",
            lambda: sweep(flows, method="lma", grid=MUNICIPAL_GRID, bootstrap=resamples,
                          rng=np.random.default_rng(2016), scheduler=cluster.scheduler_address),
        )  # fmt: skip
        peaks = client.run(_peak_mb)
    runs = len(result.runs)
    print(f"  time per run: {2 * seconds / runs:.1f} s (2 workers x wall / runs); "
          f"baseline run {one_run:.1f} s")  # fmt: skip
    for worker, peak in sorted(peaks.items()):
        print(f"  peak memory of worker {worker}: {peak:,.0f} MB")
    print(f"  peak memory of this process: {_peak_mb():,.0f} MB")
    print(f"  consensus: {result.summary}")


def main() -> None:
    """Run the parts asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("districts", "municipalities", "both"), default="both")
    parser.add_argument("--resamples", type=int, default=50)
    parser.add_argument("--municipal-runs", type=int, default=20)
    args = parser.parse_args()
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()}")
    if args.part in ("districts", "both"):
        bench_districts(args.resamples)
    if args.part in ("municipalities", "both"):
        bench_municipalities(args.municipal_runs)


if __name__ == "__main__":
    main()
