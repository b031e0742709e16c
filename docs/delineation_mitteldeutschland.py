"""Labour market areas on the observed BA district flows 2016, shown for Mitteldeutschland.

Builds the flow file with the diagonal (employees_svb - out_commuters_total) in a
temporary folder, runs ``cityregions delineate`` on all 401 German districts with the
ISTAT parameters, and prints the LMAs that contain a district of Saxony (14),
Saxony-Anhalt (15) or Thuringia (16) as a Markdown table.

Usage::

    python docs/delineation_mitteldeutschland.py [SHARED_DATA_FOLDER]

SHARED_DATA_FOLDER defaults to ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
STATES = {"14": "SN", "15": "ST", "16": "TH"}
STATE_CODES = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP",
    "08": "BW", "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", **STATES,
}  # fmt: skip


def build_flows(kreise: Path, folder: Path) -> Path:
    """Write the between-district flows plus the internal flows as one long table."""
    units = pd.read_csv(kreise / "units.csv", dtype={"ags": str, "state": str})
    flows = pd.read_csv(kreise / "flows.csv", dtype={"origin": str, "destination": str})
    internal = pd.DataFrame(
        {
            "origin": units["ags"],
            "destination": units["ags"],
            "commuters": units["employees_svb"] - units["out_commuters_total"],
        }
    )
    table = pd.concat([flows[["origin", "destination", "commuters"]], internal])
    path = folder / "flows_with_internal.csv"
    table.to_csv(path, index=False)
    return path


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    kreise = shared / "de-ba-pendler-kreise-2016"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flows = build_flows(kreise, folder)
        command = [
            "cityregions", "delineate", str(flows),
            "--units", str(kreise / "units.csv"), "--polygons", str(kreise / "kreise.geojson"),
            "--method", "lma", "--min-size", "1000", "--min-self-containment", "0.6667",
            "--target-size", "10000", "--target-self-containment", "0.75", "--parity", "r",
            "--out", str(folder / "labels.csv"), "--summary", str(folder / "regions.csv"),
        ]  # fmt: skip
        subprocess.run(command, check=True)
        labels = pd.read_csv(folder / "labels.csv", dtype=str)
        regions = pd.read_csv(folder / "regions.csv", dtype={"region": str, "main_unit": str})
    units = pd.read_csv(kreise / "units.csv", dtype={"ags": str, "state": str})
    table = labels.merge(units, left_on="unit", right_on="ags")
    central = table.groupby("region")["state"].apply(lambda s: s.isin(list(STATES)).any())
    keep = regions[regions["region"].isin(central[central].index)]
    rows = []
    for region in keep.itertuples():
        members = table[table["region"] == region.region].sort_values(
            "employees_svb", ascending=False
        )
        names = "; ".join(
            f"{n} ({STATE_CODES.get(s, s)})"
            for n, s in zip(members["name"], members["state"], strict=True)
        )
        rows.append(
            f"| {region.region} | {region.name} | {region.units} | "
            f"{region.residents:,.0f} | {region.self_containment_supply:.3f} | "
            f"{region.self_containment_demand:.3f} | {names} |"
        )
    header = "| LMA | name | districts | employed residents | SC supply | SC demand | members |"
    lines = [header, "|---|---|---:|---:|---:|---:|---|", *rows]
    lines.append(
        f"\n{len(keep)} LMAs touch Mitteldeutschland; {labels['region'].nunique()} in Germany."
    )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
