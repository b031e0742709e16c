"""How much the flows beyond the table change self-containment (BA district flows 2016).

The BA district file in ``../shared/data/de-ba-pendler-kreise-2016/`` lists each
district's ten largest outgoing and incoming links (83 % of all commuters); its
``units.csv`` has the complete totals (employed residents, out- and in-commuters).
Self-containment that divides by the table's row and column sums forgets the cut links.
This script scores the 190 labour market areas of R LabourMarketAreas 3.4
(``lma-reference/de_kreise_2016_lma_r.csv``, Istat 2011 thresholds) on the table alone
and with the complete totals (``FlowTable.with_totals``), then reruns the delineation
with the totals.

Usage (``docs/delineation.md``, "Flows beyond the table", holds its output)::

    python benchmarks/complete_totals.py [--shared-data ../shared/data]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions import FlowTable
from cityregions.delineation import LabourMarketAreas
from cityregions.delineation.quality import region_statistics


def _inputs(kreise: Path) -> tuple[FlowTable, FlowTable]:
    units = pd.read_csv(kreise / "units.csv", dtype={"ags": str}).set_index("ags")
    pairs = pd.read_csv(kreise / "flows.csv", dtype={"origin": str, "destination": str})
    internal = units["employees_svb"] - units["out_commuters_total"]
    long = pd.concat(
        [
            pairs.rename(columns={"commuters": "value"})[["origin", "destination", "value"]],
            pd.DataFrame({"origin": units.index, "destination": units.index, "value": internal}),
        ]
    )
    table = FlowTable.from_long(long, ids=list(units.index), source="BA 2016 districts")
    jobs = internal + units["in_commuters_total"]
    return table, table.with_totals(units["employees_svb"], jobs, source="units.csv")


def main() -> None:
    """Print the change of self-containment and validity as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    table, complete = _inputs(args.shared_data / "de-ba-pendler-kreise-2016")
    reference = pd.read_csv(args.shared_data / "lma-reference" / "de_kreise_2016_lma_r.csv")
    labels = pd.Series(
        reference["cluster"].astype(str).to_numpy(),
        index=reference["community"].astype(str).str.zfill(5),
    )
    before, after = region_statistics(table, labels), region_statistics(complete, labels)
    print("| measure (190 R regions) | min | mean | max |")
    print("|---|---|---|---|")
    for column in ("sc_supply", "sc_demand"):
        drop = (before[column] - after[column]) * 100
        print(f"| {column} overstated by (points) | {drop.min():.2f} | {drop.mean():.2f} "
              f"| {drop.max():.2f} |")  # fmt: skip
    print()
    valid_before = int((before["validity"] >= 1).sum())
    valid_after = int((after["validity"] >= 1).sum())
    print(f"valid regions: {valid_before} on the table alone, {valid_after} with complete "
          f"totals ({valid_before - valid_after} no longer valid)")  # fmt: skip
    for name, flows in (("table alone", table), ("complete totals", complete)):
        started = time.perf_counter()
        model = LabourMarketAreas().fit(flows)
        seconds = time.perf_counter() - started
        outside = int(np.asarray(model.labels_.isna()).sum())
        print(f"LMA rerun, {name}: {model.n_regions_} regions, {outside} units outside, "
              f"{seconds:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
