"""How well downscaling reproduces observed flows: German regions down to their districts.

No observed municipal flows are in ``../shared/data``, so the downscaling of
:mod:`cityregions.flowmodels.downscale` is checked one level up: the observed BA district
flows of 2016 (with the diagonal and the complete totals) are summed to *regions* — the
Regierungsbezirke, else the states (the first three digits of the district key, 38
regions) — and downscaled back to the 401 districts with their population (Destatis
31.12.2018, ``benchmarks/data/de_districts_destatis_2018.csv``), area and seat points
(``units.csv``). The result is compared with the observed district flows by the common
part of commuters on the pairs the BA file lists (``pairs``, between districts, the
diagonal left out) and on the districts' internal flows (``internal``), for the power
and the exponential deterrence fitted on the region flows, and for a flat model
(β = 0: every region pair shared by population alone).

Usage (``docs/flow-models.md``, "Downscaling", holds its output)::

    python benchmarks/downscale_fit.py [--shared-data ../shared/data]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from cityregions import Territory
from cityregions.flowmodels import common_part, common_part_of_commuters
from cityregions.flowmodels.completion import complete_flows
from cityregions.flowmodels.downscale import downscale_flows
from cityregions.io.tables import read_flows
from cityregions.io.totals import read_totals

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Print a Markdown table: deterrence, β, CPC on listed pairs and on internal flows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=HERE.parents[1] / "shared" / "data")
    args = parser.parse_args()
    kreise = args.shared_data / "de-ba-pendler-kreise-2016"
    between = read_flows(kreise / "flows.csv")
    totals = read_totals(
        kreise / "units.csv",
        fields=("residents", "out_commuters", ("in_commuters", "jobs")),
        units=between.ids,
    )
    observed = complete_flows(between, totals)
    seats = pd.read_csv(kreise / "units.csv", dtype={"ags": str}).set_index("ags")
    facts = pd.read_csv(HERE / "data" / "de_districts_destatis_2018.csv", dtype={"unit": str})
    facts = facts.set_index("unit").loc[list(observed.ids)]
    units = Territory.from_frame(
        pd.DataFrame(
            {
                "unit": list(observed.ids),
                "parent": [u[:3] for u in observed.ids],
                "population": facts["population"].to_numpy(),
                "area_km2": facts["area_km2"].to_numpy(),
                "lon": seats.loc[list(observed.ids), "lon"].to_numpy(),
                "lat": seats.loc[list(observed.ids), "lat"].to_numpy(),
            }
        )
    )
    regions = observed.aggregate(units.units["parent"])
    print(f"{len(regions)} regions, {len(observed)} districts")
    print("| deterrence | β | CPC listed pairs | CPC internal | seconds |")
    print("|---|---|---|---|---|")
    for deterrence, beta in (("power", None), ("exponential", None), ("power", 0.0)):
        started = time.perf_counter()
        result = downscale_flows(regions, units, deterrence=deterrence, beta=beta)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        modeled = result.flows.subset(observed.ids)
        pairs = common_part_of_commuters(observed, modeled, pairs="observed")
        internal = common_part(observed.internal(), modeled.internal())
        name = "flat (β = 0)" if beta == 0.0 else deterrence
        print(f"| {name} | {result.fit.beta:.3f} | {pairs:.3f} | {internal:.3f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
