"""The GeoPackage export opens with pyogrio/GeoPandas with the expected layers and rows."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from cityregions._errors import ParameterError
from cityregions.io.gpkg_export import export_geopackage
from cityregions.pipeline.views import cooperation_areas, governance_gaps, region_labels
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("gpkg")
    results = bundled_results(folder / "run")
    return results, export_geopackage(results, folder / "case.gpkg", max_flows=120)


def test_layers_and_row_counts(exported) -> None:
    results, path = exported
    layers = dict(pyogrio.list_layers(path).tolist())
    assert set(layers) == {
        "units", "regions", "flows", "cooperation_areas", "gaps", "layer_styles",
        "municipality_units", "municipality_regions", "municipality_areas", "attribution",
    }  # fmt: skip
    assert layers["units"] in ("Polygon", "MultiPolygon")  # the BKG district polygons
    assert layers["regions"] in ("Polygon", "MultiPolygon")
    units = gpd.read_file(path, layer="units")
    assert len(units) == 50
    assert units.crs.to_epsg() == 4326
    labels = region_labels(results)
    regions = gpd.read_file(path, layer="regions")
    assert len(regions) == labels.nunique()
    assert regions["population"].sum() == pytest.approx(units["population"].sum())
    assert not regions["schematic"].any()  # dissolved from real polygons
    flows = gpd.read_file(path, layer="flows")
    assert len(flows) >= 120
    assert (flows["origin"] != flows["destination"]).all()
    assert set(flows["flows_provenance"]) == {"observed"}
    areas = gpd.read_file(path, layer="cooperation_areas")
    assert len(areas) == len(cooperation_areas(results))
    gaps = gpd.read_file(path, layer="gaps")
    assert len(gaps) == len(governance_gaps(results))
    # Layers derived from flows say how they were obtained in every row.
    for layer in (units, regions, gaps):
        assert set(layer["flows_provenance"]) == {"observed"}
    municipal = gpd.read_file(path, layer="municipality_units")
    assert len(municipal) == 1268
    assert set(municipal["flows_provenance"]) == {"modeled"}
    assert municipal.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_attribution_in_descriptions_metadata_and_a_table(exported) -> None:
    results, path = exported
    required = ("Statistik der Bundesagentur für Arbeit", "© GeoBasis-DE / BKG",
                "© Statistisches Bundesamt (Destatis)")  # fmt: skip
    with sqlite3.connect(path) as con:
        descriptions = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
    for layer in ("units", "regions", "municipality_units", "municipality_regions"):
        assert all(text in descriptions[layer] for text in required), layer
    assert "modeled flows" in descriptions["municipality_regions"]
    assert "observed flows (ten largest links per district" in descriptions["regions"]
    metadata = pyogrio.read_info(path, layer="units")["dataset_metadata"]
    assert all(text in metadata["ATTRIBUTION"] for text in required)
    table = pyogrio.read_dataframe(path, layer="attribution")
    assert list(table["attribution"]) == results.case.attribution


def test_units_carry_their_region(exported) -> None:
    results, path = exported
    units = gpd.read_file(path, layer="units").set_index("unit")
    labels = region_labels(results)
    assert (units["region"] == labels.reindex(units.index)).all()


def test_layer_styles_are_valid_qml_per_layer(exported) -> None:
    results, path = exported
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "select f_table_name, f_geometry_column, styleQML, useAsDefault from layer_styles"
        ).fetchall()
        geometry_columns = dict(
            con.execute("select table_name, column_name from gpkg_geometry_columns").fetchall()
        )
    names = {r[0] for r in rows}
    municipal = {"municipality_units", "municipality_regions", "municipality_areas"}
    assert names == {"units", "regions", "flows", "cooperation_areas", "gaps"} | municipal
    for table, column, qml, default in rows:
        assert column == geometry_columns[table]
        assert default
        root = ET.fromstring(qml.split(">", 1)[1])  # drop the DOCTYPE
        assert root.tag == "qgis"
        assert root.find("renderer-v2") is not None
    regions_qml = next(r[2] for r in rows if r[0] == "regions")
    categories = ET.fromstring(regions_qml.split(">", 1)[1]).findall(".//category")
    assert len(categories) == region_labels(results).nunique()
    municipal_qml = next(r[2] for r in rows if r[0] == "municipality_regions")
    categories = ET.fromstring(municipal_qml.split(">", 1)[1]).findall(".//category")
    assert len(categories) == results.levels["municipality"].delineation.labels.nunique()


def test_export_failure_leaves_nothing(tmp_path: Path, exported) -> None:
    results, _ = exported
    target = tmp_path / "bad" / "x.gpkg"
    with pytest.raises(ParameterError, match="max_flows"):
        export_geopackage(results, target, max_flows=-1)
    assert not target.exists()
    assert not [p for p in target.parent.glob("*") if p.suffix == ".gpkg"]
