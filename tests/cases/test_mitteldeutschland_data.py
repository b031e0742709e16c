"""The real data of the bundled case, checked against ``../shared/data`` read by hand.

District flows: the BA file's pairs among the 50 districts, the diagonal and the complete
totals of its ``units.csv``. Municipalities: the Destatis directory and the BKG VG5000
polygons of Saxony, Saxony-Anhalt and Thuringia. Municipal flows: modeled, summing back
to the observed district flows. And every built file has its source, reference date and
licence, and the build script reproduces the committed files byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from cityregions.pipeline.case import Case, bundled_case_path, load_case
from cityregions.territory import Territory

CASE = bundled_case_path()
REPO = Path(__file__).resolve().parents[2]
BUILT = [
    "districts.geojson",
    "flows-districts.csv",
    "totals-districts.csv",
    "municipalities.csv",
    "municipalities.geojson",
    "municipalities-provenance.csv",
    "flows-municipalities.parquet",
    "totals-municipalities.csv",
    "data-sources.csv",
]


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case(CASE)


@pytest.fixture(scope="module")
def municipal(case: Case) -> Case:
    return case.level("municipality")


def test_district_flows_are_the_observed_ba_flows(case: Case, kreise_dir: Path) -> None:
    flows = case.flows
    assert flows.flows_provenance == "observed"
    assert flows.has_totals
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str}).set_index("ags")
    units = units.loc[case.territory.ids]
    pairs = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    ours = set(case.territory.ids)
    inside = pairs[pairs["origin"].isin(ours) & pairs["destination"].isin(ours)]
    long = flows.to_long().set_index(["origin", "destination"])["value"]
    between = long[[o != d for o, d in long.index]]
    assert between.to_dict() == {
        (o, d): float(v)
        for o, d, v in zip(inside["origin"], inside["destination"], inside["commuters"],
                           strict=True)
    }  # fmt: skip
    internal = units["employees_svb"] - units["out_commuters_total"]
    assert flows.internal().to_dict() == internal.astype(float).to_dict()
    assert flows.residents().to_dict() == units["employees_svb"].astype(float).to_dict()
    jobs = internal + units["in_commuters_total"]
    assert flows.jobs().to_dict() == jobs.astype(float).to_dict()
    # as the BA counted them (the radiation model had 15,775 and 23,615)
    assert long[("15002", "14713")] + long[("14713", "15002")] == 4817 + 3698  # Halle–Leipzig
    assert long[("15082", "15089")] + long[("15089", "15082")] == 1396 + 1509


def test_district_polygons_are_the_bkg_districts(case: Case, kreise_dir: Path) -> None:
    territory = case.territory
    assert territory.has_polygons
    original = gpd.read_file(kreise_dir / "kreise.geojson").set_index("ags")
    original = original.loc[territory.ids]
    ours = territory.geometry.to_crs("EPSG:3035")
    theirs = original.geometry.to_crs("EPSG:3035")
    ratio = ours.area.to_numpy() / theirs.area.to_numpy()
    assert np.allclose(ratio, 1.0, atol=0.01)  # simplified by 250 m, same shapes
    reference = Territory.from_frame(
        pd.DataFrame({"unit": territory.ids}), geometry=original.geometry.reset_index(drop=True)
    )
    assert (territory.contiguity != reference.contiguity).nnz == 0


def _directory(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(
        shared_data / "de-municipalities-2021" / "AuszugGV4Q-2020.csv",
        dtype=str,
        encoding="utf-8-sig",
    )
    return raw[(raw["satzart"] == "60") & raw["land"].isin(["14", "15", "16"])]


def test_municipalities_are_those_of_vg5000_with_destatis_facts(
    municipal: Case, case: Case, shared_data: Path
) -> None:
    units = municipal.territory.units
    vg5000 = gpd.read_file(shared_data / "de-municipalities-2021" / "vg5000_gem.gpkg")
    vg5000 = vg5000[vg5000["AGS"].str[:2].isin(["14", "15", "16"])]
    assert sorted(units.index) == sorted(vg5000["AGS"])
    assert len(units) == 1268
    assert set(units["parent"]) == set(case.territory.ids)
    assert (units["parent"] == units.index.str[:5]).all()
    assert (units["unit_level"] == "municipality").all()
    directory = _directory(shared_data)
    population = directory["bevoelkerung"].str.replace(" ", "").astype(int)
    assert units["population"].sum() == population.sum()  # merged units keep every person
    key = directory["land"] + directory["rb"] + directory["kreis"] + directory["gemeinde"]
    by_key = dict(zip(key, population, strict=True))
    assert units.loc["14713000", "population"] == by_key["14713000"]  # Leipzig
    greussen = by_key["16065023"] + by_key["16065084"] + by_key["16065082"]
    assert units.loc["16065089", "population"] == greussen
    urban = dict(zip(key, directory["verstaedterungschluessel"], strict=True))
    assert (units["degurba"].drop("16065089") == pd.Series(urban)
            .reindex(units.index.drop("16065089"))).all()  # fmt: skip
    assert int((units["degurba"] == "01").sum()) == 15


def test_municipal_polygons_are_vg5000_reprojected(municipal: Case, shared_data: Path) -> None:
    territory = municipal.territory
    assert territory.has_polygons
    assert str(territory.geometry.crs) == "EPSG:4326"
    vg5000 = gpd.read_file(shared_data / "de-municipalities-2021" / "vg5000_gem.gpkg")
    assert vg5000.crs.to_epsg() == 31467
    vg5000 = vg5000.set_index("AGS").loc[territory.ids]
    leipzig = vg5000.geometry.to_crs("EPSG:4326").loc["14713000"].representative_point()
    assert territory.geometry.loc["14713000"].contains(leipzig)
    reference = Territory.from_frame(
        pd.DataFrame({"unit": territory.ids}), geometry=vg5000.geometry.reset_index(drop=True)
    )
    assert (territory.contiguity != reference.contiguity).nnz == 0


def test_municipal_flows_are_modeled_and_sum_to_the_district_flows(
    municipal: Case, case: Case
) -> None:
    flows = municipal.flows
    assert flows.flows_provenance == "modeled"
    assert "downscaled" in str(municipal.flows_caveat)
    parents = municipal.territory.units["parent"]
    back = flows.aggregate(parents).subset(case.flows.ids)
    assert abs(back.matrix - case.flows.matrix).max() <= 0.5
    assert back.residents().to_numpy() == pytest.approx(case.flows.residents().to_numpy())
    assert back.jobs().to_numpy() == pytest.approx(case.flows.jobs().to_numpy())


def test_every_built_file_and_column_has_source_date_and_licence(case: Case) -> None:
    sources = pd.read_csv(CASE / "data-sources.csv", dtype=str)
    assert list(sources.columns) == ["file", "column", "source", "reference_date", "licence"]
    assert sources.notna().all().all()
    assert set(BUILT) - {"data-sources.csv", "municipalities-provenance.csv"} <= set(
        sources["file"]
    )
    provenance = pd.read_csv(CASE / "municipalities-provenance.csv", dtype=str)
    columns = pd.read_csv(CASE / "municipalities.csv", nrows=0).columns
    assert set(provenance["field"]) == set(columns)
    assert provenance.notna().all().all()


@pytest.mark.slow
def test_the_build_script_reproduces_the_committed_files(tmp_path: Path, shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_mitteldeutschland.py"),
         "--shared-data", str(shared_data), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (CASE / name).read_bytes(), name
