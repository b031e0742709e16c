"""BBSR Großstadtregionen and EU-OECD FUAs for Mitteldeutschland, on districts and municipalities.

**Districts** (observed flows): the BA district flows of June 2016 with their diagonal
and complete totals (all 401 districts), population and area summed from the Destatis
municipal directory (31.12.2019 population, status 31.12.2020), the district polygons of
the BA file, and

- BBSR with the bundled Oberzentren (``central_places.csv``): on districts only their
  district-free cities can be centres, and the command warns so;
- FUA with the district cities given by the EU-OECD ≥ 50 % rule lifted from
  municipalities: a district is a city when at least half of its population lives in
  municipalities of degree of urbanisation 01 (*city*, Destatis
  ``verstaedterungschluessel``).

**Municipalities** (``municipal`` as second argument; *modeled* flows): the bundled
case's municipal level — the 1,268 municipalities of Saxony, Saxony-Anhalt and Thuringia
(``municipalities.csv`` with population, area and ``degurba`` from the Destatis
directory, ``municipalities.geojson`` from BKG VG5000) and the observed BA district
flows **downscaled** to them by ``cityregions flows downscale``
(``flows-municipalities.parquet``, ``totals-municipalities.csv``; see the case's
README). FUA finds its cities from ``degurba`` (class 01) itself.

Usage::

    python docs/delineation_bbsr_fua.py [SHARED_DATA_FOLDER] [municipal]

Prints Markdown tables (the cities found, the regions) and the commands it ran.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "src" / "cityregions" / "cases" / "mitteldeutschland"
STATES = {"14": "SN", "15": "ST", "16": "TH"}


def say(text: str = "") -> None:
    """Write one line of the Markdown output."""
    sys.stdout.write(f"{text}\n")


def municipalities(shared: Path) -> pd.DataFrame:
    """The Destatis directory's municipalities: key, name, population, area, degurba."""
    table = pd.read_csv(shared / "de-municipalities-2021" / "AuszugGV4Q-2020.csv", dtype=str)
    rows = table[table["satzart"] == "60"]
    return pd.DataFrame(
        {
            "unit": (rows["land"] + rows["rb"] + rows["kreis"] + rows["gemeinde"]).to_numpy(),
            "name": rows["gemeindename"].to_numpy(),
            "population": rows["bevoelkerung"].str.replace(" ", "").astype(float).to_numpy(),
            "area_km2": rows["flaeche"].str.replace(",", ".").astype(float).to_numpy(),
            "degurba": rows["verstaedterungschluessel"].astype(float).to_numpy(),
        }
    )


def district_units(shared: Path, folder: Path) -> tuple[Path, list[str]]:
    """Write the district units (GeoPackage) and return it with the FUA district cities."""
    directory = pd.read_csv(shared / "de-municipalities-2021" / "AuszugGV4Q-2020.csv", dtype=str)
    districts = directory[directory["satzart"] == "40"]
    kinds = {"41": "Kreisfreie Stadt", "42": "Stadtkreis", "43": "Kreis", "44": "Landkreis",
             "45": "Regionalverband"}  # fmt: skip
    names = pd.DataFrame(
        {
            "unit": (districts["land"] + districts["rb"] + districts["kreis"]).to_numpy(),
            "name": districts["gemeindename"].to_numpy(),
            "type": districts["textkennzeichen"].map(kinds).to_numpy(),
        }
    ).set_index("unit")
    towns = municipalities(shared).assign(district=lambda t: t["unit"].str[:5])
    towns["in_city"] = towns["population"].where(towns["degurba"] == 1, 0.0)
    sums = towns.groupby("district")[["population", "area_km2", "in_city"]].sum()
    units = names.join(sums)
    cities = sorted(units.index[(units["in_city"] >= 0.5 * units["population"]).to_numpy()])
    shapes = gpd.read_file(shared / "de-ba-pendler-kreise-2016" / "kreise.geojson")
    shapes = shapes.set_index("ags")[["geometry"]]
    frame = gpd.GeoDataFrame(units.drop(columns="in_city").join(shapes), crs=shapes.crs)
    path = folder / "districts.gpkg"
    frame.rename_axis("unit").reset_index().to_file(path, driver="GPKG")
    return path, cities


def district_flows(shared: Path, folder: Path) -> tuple[Path, Path]:
    """Write the BA flows with the diagonal and the complete totals (unit,residents,jobs)."""
    kreise = shared / "de-ba-pendler-kreise-2016"
    units = pd.read_csv(kreise / "units.csv", dtype={"ags": str})
    flows = pd.read_csv(kreise / "flows.csv", dtype={"origin": str, "destination": str})
    internal = units["employees_svb"] - units["out_commuters_total"]
    diagonal = pd.DataFrame({"origin": units["ags"], "destination": units["ags"],
                             "commuters": internal})  # fmt: skip
    path = folder / "flows.csv"
    pd.concat([flows[["origin", "destination", "commuters"]], diagonal]).to_csv(path, index=False)
    totals = folder / "totals.csv"
    pd.DataFrame(
        {
            "unit": units["ags"],
            "residents": units["employees_svb"],
            "jobs": internal + units["in_commuters_total"],
        }
    ).to_csv(totals, index=False)
    return path, totals


def run(arguments: list[str]) -> None:
    """Run one ``cityregions delineate`` command and print it."""
    shown = " ".join(str(a) for a in arguments)
    say(f"\n```\n{shown}\n```\n")
    subprocess.run(arguments, check=True)


BELTS = ("Ergänzungsgebiet", "engerer Pendlerverflechtungsraum",
         "weiterer Pendlerverflechtungsraum")  # fmt: skip


def regions_table(folder: Path, method: str, units: pd.DataFrame) -> None:
    """Print the regions that hold a unit of the three states: cities, units per zone."""
    labels = pd.read_csv(folder / f"{method}.csv", dtype=str).set_index("unit")["region"]
    summary = pd.read_csv(folder / f"{method}_regions.csv", dtype={"region": str})
    zones = gpd.read_file(folder / f"{method}.gpkg", layer="units").set_index("unit")["zone"]
    inside = labels[labels.index.str[:2].isin(list(STATES))].dropna()
    if method == "bbsr":
        header = "| centre (Zentrum) | Ergänzungsgebiet | engerer | weiterer |"
    else:
        header = "| FUA | cities | commuting zone (units) |"
    say(f"\n{header} employed residents | SC supply | SC demand |")
    say("|---" * (header.count("|") - 1) + "|---:|---:|---:|")
    for row in summary[summary["region"].isin(set(inside))].itertuples():
        members = labels.index[labels == row.region]
        count = zones.reindex(members).value_counts()
        if method == "bbsr":
            cells = [str(count.get(zone, 0)) for zone in BELTS]
        else:
            cities = [units.loc[m, "name"] for m in members if zones.get(m) == "city"]
            cells = ["; ".join(sorted(cities)), str(count.get("commuting_zone", 0))]
        say(f"| {units.loc[row.region, 'name']} | {' | '.join(cells)} | "
              f"{row.residents:,.0f} | {row.self_containment_supply:.3f} | "
              f"{row.self_containment_demand:.3f} |")  # fmt: skip


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    municipal = len(sys.argv) > 2 and sys.argv[2] == "municipal"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not municipal:
            units, cities = district_units(shared, folder)
            flows, totals = district_flows(shared, folder)
            where = ["--units", str(units), "--totals", str(totals)]
            fua = ["--cities", ",".join(cities)]
            names = gpd.read_file(units).set_index("unit")
            say("District cities (≥ 50 % of the population in degurba-01 municipalities):")
            say(", ".join(c for c in cities if c[:2] in STATES))
        else:
            flows = CASE / "flows-municipalities.parquet"
            where = ["--units", str(CASE / "municipalities.csv"),
                     "--polygons", str(CASE / "municipalities.geojson"),
                     "--totals", str(CASE / "totals-municipalities.csv"),
                     "--flows-provenance", "modeled"]  # fmt: skip
            fua = []
            names = pd.read_csv(CASE / "municipalities.csv", dtype={"unit": str}).set_index("unit")
        base = ["cityregions", "delineate", str(flows), *where]
        run([*base, "--method", "bbsr", "--central-places", f"@{CASE / 'central_places.csv'}",
             "--out", str(folder / "bbsr.csv"), "--summary", str(folder / "bbsr_regions.csv"),
             "--gpkg", str(folder / "bbsr.gpkg")])  # fmt: skip
        run([*base, "--method", "fua", *fua, "--out", str(folder / "fua.csv"),
             "--summary", str(folder / "fua_regions.csv"),
             "--gpkg", str(folder / "fua.gpkg")])  # fmt: skip
        for method in ("bbsr", "fua"):
            say(f"\n### {method}")
            regions_table(folder, method, names)


if __name__ == "__main__":
    main()
