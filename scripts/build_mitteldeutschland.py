"""Build the real-data files of the bundled Mitteldeutschland case from ``../shared/data``.

Writes, into ``src/cityregions/cases/mitteldeutschland/`` (or ``--out``), every file the
case's ``case.toml`` names beside ``districts.csv`` (which
``scripts/build_mitteldeutschland_districts.py`` builds):

==============================  ===========================================================
file                            content
==============================  ===========================================================
``districts.geojson``           BKG district polygons of the 50 districts (EPSG:4326)
``flows-districts.csv``         observed BA commuter flows among them, June 2016 (each
                                district's ten largest links) plus the diagonal
``totals-districts.csv``        complete totals ``unit,residents,jobs`` (BA, June 2016)
``municipalities.csv``          the municipalities of Saxony, Saxony-Anhalt and Thuringia
                                (VG5000 status 1 January 2021): district, population,
                                area, seat, degree of urbanisation
``municipalities.geojson``      their VG5000 polygons, reprojected from EPSG:31467
``municipalities-provenance.csv``  source per column of ``municipalities.csv``
``flows-municipalities.parquet``   municipal flows downscaled from the district flows
                                (*modeled*; ``cityregions flows downscale``)
``totals-municipalities.csv``   their complete totals (modeled)
``data-sources.csv``            source, reference date and licence per file and column
==============================  ===========================================================

Polygons are simplified as a coverage (shared borders stay shared:
``shapely.coverage_simplify``, Visvalingam–Whyatt, in ETRS89-LAEA metres) with the
tolerances :data:`DISTRICT_TOLERANCE_M` and :data:`MUNICIPAL_TOLERANCE_M`, and their
coordinates rounded to :data:`DECIMALS` decimals (about 1 m), so that the package stays
small; maps and adjacency are unaffected, areas come from the official tables.

Three municipalities of the Kyffhäuserkreis in the Destatis directory of 31.12.2020
(Greußen 16065023, Großenehrich 16065084, Wolferschwenda 16065082) merged on 1 January
2021 into Greußen (16065089), the VG5000 unit: a VG5000 unit missing from the directory
takes the directory units whose seat lies in its polygon (population and area summed,
name, seat and degree of urbanisation of the most populous one).

Usage::

    python scripts/build_mitteldeutschland.py [--shared-data ../shared/data] [--out DIR]

Every output is written at once (all or nothing); the run is deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84
from cityregions.flowmodels.completion import complete_flows
from cityregions.flowmodels.downscale import downscale_flows
from cityregions.io._atomic import atomic_paths
from cityregions.io.tables import read_flows
from cityregions.io.totals import read_totals, totals_table
from cityregions.territory import Territory

REPO = Path(__file__).resolve().parents[1]
CASE_DIR = REPO / "src" / "cityregions" / "cases" / "mitteldeutschland"
STATES = ("14", "15", "16")
#: Coverage simplification tolerance (m) of the district and the municipal polygons.
DISTRICT_TOLERANCE_M = 250.0
MUNICIPAL_TOLERANCE_M = 800.0
#: Decimals of longitude and latitude kept in the GeoJSON files (1e-5 deg ≈ 1 m).
DECIMALS = 5

BA = "Statistik der Bundesagentur für Arbeit"
BKG = "© GeoBasis-DE / BKG"
DESTATIS = "© Statistisches Bundesamt (Destatis)"
DL_DE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
BA_TERMS = f"{BA}: reuse with attribution (BA terms of use)"
DEGURBA = {"01": "dicht besiedelt", "02": "mittlere Besiedlungsdichte",
                "03": "gering besiedelt"}  # fmt: skip


def say(text: str) -> None:
    """Tell the user what was built (a script, not the library: standard output)."""
    sys.stdout.write(text + "\n")


def main() -> None:
    """Build the files; print a line per file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=CASE_DIR)
    args = parser.parse_args()
    kreise = args.shared_data / "de-ba-pendler-kreise-2016"
    gemeinden = args.shared_data / "de-municipalities-2021"
    districts = pd.read_csv(CASE_DIR / "districts.csv", dtype=str)["unit"].tolist()
    outputs: dict[str, Any] = {}
    outputs["districts.geojson"] = district_polygons(kreise / "kreise.geojson", districts)
    flows = district_flows(kreise, districts)
    outputs["flows-districts.csv"] = long_table(flows)
    outputs["totals-districts.csv"] = totals_table(flows.residents(), flows.jobs())
    table, polygons = municipalities(gemeinden, districts)
    outputs["municipalities.csv"] = table
    outputs["municipalities.geojson"] = polygons
    outputs["municipalities-provenance.csv"] = municipal_provenance()
    territory = Territory.from_frame(table, source="municipalities.csv")
    result = downscale_flows(flows, territory)
    say(
        f"downscaled: {result.fit.describe()}, {result.iterations} iterations, "
        f"largest difference to the district flows {result.check_sums(flows):g}"
    )
    outputs["flows-municipalities.parquet"] = long_table(result.flows)[
        ["origin", "destination", "value"]
    ]
    outputs["totals-municipalities.csv"] = totals_table(
        result.flows.residents(), result.flows.jobs()
    )
    outputs["data-sources.csv"] = data_sources(result.fit.describe())
    write(outputs, args.out)


def district_polygons(path: Path, districts: list[str]) -> gpd.GeoDataFrame:
    """The BKG district polygons of the case, simplified as a coverage."""
    frame = gpd.read_file(path)
    frame = frame[frame["ags"].isin(districts)].rename(columns={"ags": "unit"})
    missing = sorted(set(districts) - set(frame["unit"]))
    if missing:
        sys.exit(f"{path}: no polygon for districts {missing}")
    frame = frame.set_index("unit").loc[districts].reset_index()
    return simplified(frame[["unit", "name", "geometry"]], DISTRICT_TOLERANCE_M)


def simplified(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons as one coverage (shared borders stay shared), back in EPSG:4326.

    Exits when the simplified polygons touch other neighbours than the original ones.
    """
    projected = frame.to_crs(CRS_EQUAL_AREA)
    shapes = shapely.make_valid(projected.geometry.to_numpy())
    shapes = shapely.coverage_simplify(shapes, tolerance_m)
    shapes = shapely.make_valid(shapes)
    out = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=shapes, crs=CRS_EQUAL_AREA)
    out = out.to_crs(CRS_WGS84)
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 10.0**-DECIMALS)
    empty = out.geometry.is_empty | ~out.geom_type.isin(["Polygon", "MultiPolygon"])
    if empty.any():
        sys.exit(f"simplification emptied {list(out.loc[empty, 'unit'])}")
    if (_neighbours(out) != _neighbours(frame.to_crs(CRS_WGS84))).nnz:
        sys.exit(f"simplification with {tolerance_m:g} m changes which units touch")
    return out


def _neighbours(frame: gpd.GeoDataFrame) -> Any:
    """Queen contiguity as the Territory computes it."""
    units = pd.DataFrame({"unit": frame["unit"].to_numpy()})
    return Territory.from_frame(units, geometry=frame.geometry.reset_index(drop=True)).contiguity


def district_flows(kreise: Path, districts: list[str]) -> Any:
    """Observed BA flows among the districts, the diagonal and the flows beyond."""
    between = read_flows(kreise / "flows.csv", flows_provenance="observed")
    totals = read_totals(
        kreise / "units.csv",
        fields=("residents", "out_commuters", ("in_commuters", "jobs")),
        units=between.ids,
    )
    done = complete_flows(between, totals, source=str(kreise / "units.csv"))
    subset = done.subset(districts)  # flows to other German districts go beyond the table
    return type(subset)(
        subset.ids,
        subset.matrix,
        "observed",
        "Statistik der Bundesagentur für Arbeit, Pendlerverflechtungen nach Kreisen, "
        "30.06.2016 (ten largest links per district; diagonal and complete totals from "
        "the district totals)",
        subset.outside_out,
        subset.outside_in,
    )


def long_table(flows: Any) -> pd.DataFrame:
    """origin,destination,value,flows_provenance with whole numbers as integers."""
    long = flows.to_long()
    if (long["value"] == np.round(long["value"])).all():
        long["value"] = long["value"].round().astype("int64")
    return long


def municipalities(folder: Path, districts: list[str]) -> tuple[pd.DataFrame, Any]:
    """The municipal table (Destatis directory) and the VG5000 polygons, same units."""
    shapes = gpd.read_file(folder / "vg5000_gem.gpkg", layer="vg5000_gem")
    shapes = shapes[shapes["AGS"].str[:2].isin(STATES)].sort_values("AGS")
    directory = _directory(folder / "AuszugGV4Q-2020.csv")
    directory = _merge_to_vg5000(directory, shapes)
    table = directory.set_index("unit").loc[shapes["AGS"].tolist()].reset_index()
    table.insert(2, "unit_level", "municipality")
    table.insert(3, "parent", table["unit"].str[:5])
    table.insert(4, "state", table["unit"].str[:2])
    outside = sorted(set(table["parent"]) - set(districts))
    if outside:
        sys.exit(f"municipalities of unknown districts {outside}")
    polygons = shapes.rename(columns={"AGS": "unit", "GEN": "name"})[["unit", "name", "geometry"]]
    return table, simplified(polygons.reset_index(drop=True), MUNICIPAL_TOLERANCE_M)


def _directory(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    rows = raw[(raw["satzart"] == "60") & raw["land"].isin(STATES)]

    def number(column: str) -> pd.Series:
        text = rows[column].str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
        return pd.to_numeric(text)

    return pd.DataFrame(
        {
            "unit": (rows["land"] + rows["rb"] + rows["kreis"] + rows["gemeinde"]).to_numpy(),
            "name": rows["gemeindename"].to_numpy(),
            "population": number("bevoelkerung").astype("int64").to_numpy(),
            "area_km2": number("flaeche").to_numpy(),
            "lon": number("laengengrad").to_numpy(),
            "lat": number("breitengrad").to_numpy(),
            "degurba": rows["verstaedterungschluessel"].to_numpy(),
            "degurba_name": rows["verstaedterungschluessel"].map(DEGURBA).to_numpy(),
        }
    )


def _merge_to_vg5000(directory: pd.DataFrame, shapes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Give each VG5000 unit missing from the directory the directory units inside it."""
    known = set(directory["unit"])
    stale = directory[~directory["unit"].isin(set(shapes["AGS"]))]
    for _, shape in shapes[~shapes["AGS"].isin(known)].iterrows():
        seats = gpd.GeoSeries(gpd.points_from_xy(stale["lon"], stale["lat"]), crs=CRS_WGS84)
        inside = seats.to_crs(shapes.crs).within(shape.geometry).to_numpy()
        members = stale[inside].sort_values(["population", "unit"], ascending=[False, True])
        if members.empty:
            sys.exit(f"VG5000 unit {shape['AGS']} has no directory unit")
        first = members.iloc[0]
        merged = first.copy()
        merged["unit"] = shape["AGS"]
        merged["population"] = int(members["population"].sum())
        merged["area_km2"] = round(float(members["area_km2"].sum()), 2)
        directory = pd.concat(
            [directory[~directory["unit"].isin(members["unit"])], merged.to_frame().T]
        )
        say(f"{shape['AGS']} {shape['GEN']}: merged {sorted(members['unit'])}")
    return directory.astype({"population": "int64", "area_km2": float, "lon": float, "lat": float})


def municipal_provenance() -> pd.DataFrame:
    """``field,source,year,licence`` for every column of ``municipalities.csv``."""
    directory = (
        "Destatis, Gemeindeverzeichnis (AuszugGV 4. Quartal 2020, territorial status 31.12.2020)"
    )
    vg5000 = "BKG, VG5000 Verwaltungsgebiete 1:5 000 000, Gemeinden (Stand 01.01.2021)"
    rows = [
        ("unit", f"{vg5000}, AGS (8 digits)", "2021", f"{BKG} 2021, {DL_DE}"),
        ("name", f"{directory}, Gemeindename", "2020", f"{DESTATIS}, {DL_DE}"),
        ("unit_level", "derived: every unit is a municipality (Gemeinde)", "2021", "-"),
        ("parent", "derived: first five digits of the AGS (the district)", "2021", "-"),
        ("state", "derived: first two digits of the AGS (the state)", "2021", "-"),
        ("population", f"{directory}, Bevölkerung (as published there: 31.12.2019)", "2019",
         f"{DESTATIS}, {DL_DE}"),
        ("area_km2", f"{directory}, Fläche in km²", "2020", f"{DESTATIS}, {DL_DE}"),
        ("lon", f"{directory}, Längengrad of the municipality", "2020", f"{DESTATIS}, {DL_DE}"),
        ("lat", f"{directory}, Breitengrad of the municipality", "2020", f"{DESTATIS}, {DL_DE}"),
        ("degurba", f"{directory}, Verstädterungsschlüssel: Eurostat degree of "
         "urbanisation 01 cities, 02 towns and suburbs, 03 rural areas", "2020",
         f"{DESTATIS}, {DL_DE}"),
        ("degurba_name", f"{directory}, Verstädterungsbezeichnung", "2020",
         f"{DESTATIS}, {DL_DE}"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["field", "source", "year", "licence"])


def data_sources(fit: str) -> pd.DataFrame:
    """Source, reference date and licence per file and column of the built files."""
    ba = (
        "BA Pendlerstatistik nach Kreisen via Pendleratlas "
        "(../shared/data/de-ba-pendler-kreise-2016)"
    )
    rows = [
        ("districts.geojson", "geometry", f"BKG district polygons as served with {ba}, "
         f"simplified ({DISTRICT_TOLERANCE_M:g} m)", "2016", f"{BKG} 2016 (modified), {DL_DE}"),
        ("districts.geojson", "unit,name", ba, "2016-06-30", f"{BKG} 2016, {DL_DE}"),
        ("flows-districts.csv", "value (between districts)", f"{ba}: commuters, each "
         "district's ten largest outgoing and incoming links", "2016-06-30", BA_TERMS),
        ("flows-districts.csv", "value (diagonal)", f"{ba}: employees_svb − "
         "out_commuters_total", "2016-06-30", BA_TERMS),
        ("flows-districts.csv", "flows_provenance", "observed", "2016-06-30", BA_TERMS),
        ("totals-districts.csv", "residents", f"{ba}: employees_svb (at residence)",
         "2016-06-30", BA_TERMS),
        ("totals-districts.csv", "jobs", f"{ba}: employees_svb − out_commuters_total + "
         "in_commuters_total", "2016-06-30", BA_TERMS),
        ("municipalities.csv", "*", "see municipalities-provenance.csv", "2019/2020/2021",
         f"{DESTATIS}; {BKG} 2021; {DL_DE}"),
        ("municipalities.geojson", "geometry", "BKG VG5000 Gemeinden, EPSG:31467 → "
         f"EPSG:4326, simplified ({MUNICIPAL_TOLERANCE_M:g} m)", "2021-01-01",
         f"{BKG} 2021 (modified), {DL_DE}"),
        ("municipalities.geojson", "unit,name", "BKG VG5000 Gemeinden: AGS, GEN",
         "2021-01-01", f"{BKG} 2021, {DL_DE}"),
        ("flows-municipalities.parquet", "value", "modeled: downscaled from "
         f"flows-districts.csv by cityregions.flowmodels.downscale ({fit}; residents and "
         "jobs shared by population — an assumption)", "2016-06-30 (district flows)",
         f"derived from {BA}; {DESTATIS}"),
        ("totals-municipalities.csv", "residents,jobs", "modeled: totals-districts.csv "
         "shared by population", "2016-06-30", f"derived from {BA}; {DESTATIS}"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["file", "column", "source", "reference_date", "licence"])


def write(outputs: dict[str, Any], folder: Path) -> None:
    """Write every file or none."""
    targets = [folder / name for name in outputs]
    with atomic_paths(*targets) as temps:
        for (name, frame), tmp in zip(outputs.items(), temps, strict=True):
            if name.endswith(".geojson"):
                tmp.write_text(_geojson(frame), encoding="utf-8")
            elif name.endswith(".parquet"):
                frame.to_parquet(tmp, index=False, compression="zstd", compression_level=19)
            else:
                frame.to_csv(tmp, index=False, lineterminator="\n")
    for target in targets:
        shown = target.relative_to(REPO) if target.is_relative_to(REPO) else target
        say(f"{shown}: {target.stat().st_size / 1024:,.0f} KiB")


def _geojson(frame: gpd.GeoDataFrame) -> str:
    """Compact, deterministic GeoJSON (one feature per line)."""
    features = json.loads(frame.to_json(drop_id=True))["features"]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


if __name__ == "__main__":
    main()
