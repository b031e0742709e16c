"""Case folders: ``case.toml`` parsing, paths, layers, errors."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from cityregions import InputError
from cityregions.pipeline.case import load_case


def _two_layer_gpkg(path: Path) -> None:
    districts = gpd.GeoDataFrame(
        {"AGS": ["14713", "14729"], "GEN": ["Leipzig", "Landkreis Leipzig"], "EWZ": [600, 250]},
        geometry=[box(12.3, 51.3, 12.5, 51.4), box(12.5, 51.3, 12.7, 51.4)],
        crs="EPSG:4326",
    )
    states = gpd.GeoDataFrame(
        {"AGS": ["14"], "GEN": ["Sachsen"]}, geometry=[box(12, 51, 13, 52)], crs="EPSG:4326"
    )
    districts.to_file(path, layer="districts", driver="GPKG")
    states.to_file(path, layer="states", driver="GPKG")


def test_units_layer_of_a_multi_layer_geopackage(tmp_path: Path) -> None:
    _two_layer_gpkg(tmp_path / "units.gpkg")
    (tmp_path / "case.toml").write_text(
        'name = "Leipzig"\n[units]\nfile = "units.gpkg"\nlayer = "districts"\n'
    )
    territory = load_case(tmp_path).territory
    assert territory.ids == ["14713", "14729"]
    assert territory.units["population"].tolist() == [600.0, 250.0]
    assert territory.has_polygons
    assert territory.neighbours() == {"14713": ["14729"], "14729": ["14713"]}


def test_paths_outside_the_case_folder_are_refused(tmp_path: Path) -> None:
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (tmp_path / "secret.csv").write_text("unit\n1\n")
    (case_dir / "case.toml").write_text('[units]\nfile = "../secret.csv"\n')
    with pytest.raises(InputError, match="outside the case folder") as error:
        _ = load_case(case_dir).territory
    assert error.value.field == "file"


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "case.toml").write_text("name = \n")
    with pytest.raises(InputError, match="not valid TOML") as error:
        load_case(tmp_path)
    assert "case.toml" in str(error.value)


def test_missing_units_file(tmp_path: Path) -> None:
    (tmp_path / "case.toml").write_text('[units]\nfile = "nope.csv"\n')
    with pytest.raises(InputError, match=r"'nope\.csv' does not exist"):
        _ = load_case(tmp_path).territory
