"""Units with polygons: areas on the map, region boundaries dissolved from unit polygons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions.app.payloads import build_dashboard_data
from cityregions.delineation.api import Delineation
from cityregions.delineation.compare import compare_delineations
from cityregions.flows import FlowTable
from cityregions.io.gpkg_export import export_geopackage
from cityregions.pipeline.case import Case
from cityregions.pipeline.results import CaseResults, TerritoryResult
from cityregions.report import build_report
from cityregions.territory import Territory


@pytest.fixture
def toy(tmp_path: Path) -> CaseResults:
    """Four 0.1° squares in a row near Leipzig; a, b form region R1 and c, d region R2."""
    ids = ["a", "b", "c", "d"]
    squares = [box(12.0 + 0.1 * i, 51.0, 12.1 + 0.1 * i, 51.1) for i in range(4)]
    frame = pd.DataFrame(
        {"unit": ids, "name": ["A", "B", "C", "D"], "population": [400.0, 100.0, 300.0, 200.0]}
    )
    territory = Territory.from_frame(
        frame, geometry=gpd.GeoSeries(squares, crs="EPSG:4326"), name="toy"
    )
    long = pd.DataFrame(
        {
            "origin": ["a", "b", "c", "d", "b"],
            "destination": ["a", "b", "c", "d", "a"],
            "value": [50.0, 20.0, 40.0, 30.0, 10.0],
        }
    )
    flows = FlowTable.from_long(long, flows_provenance="observed", source="toy")
    case = Case(root=tmp_path, config={"name": "Toy", "language": "en"})
    results = CaseResults(case=case, out_dir=tmp_path / "out")
    results.territory = TerritoryResult(territory=territory, flows=flows, summary={})
    labels = pd.Series({"a": "R1", "b": "R1", "c": "R2", "d": "R2"}, name="region")
    given = {"given": Delineation(method="given", labels=labels)}
    results.delineation = compare_delineations(flows, territory, given)
    return results


def test_map_draws_unit_areas_and_dissolved_regions(toy: CaseResults) -> None:
    html = build_report(toy)
    section = html.split('id="section-delineation"')[1]
    assert section.count('<path class="unit"') == 4
    assert section.count('<circle class="unit"') == 0  # no proportional symbols: polygons
    regions = section.split('<g class="regions"')[1].split("</g>")[0]
    assert regions.count("data-region=") == 2
    # R1 = two touching squares: its dissolved outline is one closed ring
    r1 = regions.split('data-region="R1" d="')[1].split('"')[0]
    assert r1.count("M") == 1
    assert r1.count("Z") == 1
    assert "thick lines: region boundaries" in html


def test_gpkg_regions_are_dissolved_unit_polygons(toy: CaseResults, tmp_path: Path) -> None:
    path = export_geopackage(toy, tmp_path / "toy.gpkg")
    units = gpd.read_file(path, layer="units")
    regions = gpd.read_file(path, layer="regions").set_index("region")
    assert list(units.geom_type.unique()) == ["Polygon"]
    assert not regions["schematic"].any()
    area = units.to_crs("EPSG:3035").set_index("unit").area
    regions_area = regions.to_crs("EPSG:3035").area
    assert regions_area["R1"] == pytest.approx(area["a"] + area["b"], rel=1e-6)
    assert regions_area["R2"] == pytest.approx(area["c"] + area["d"], rel=1e-6)
    assert regions.loc["R1", "population"] == 500.0
    assert regions.loc["R1", "name"] == "A"  # named after its most populous unit


def test_dashboard_region_layer_dissolved(toy: CaseResults) -> None:
    payload = build_dashboard_data(toy)
    features = {f["properties"]["id"]: f for f in payload.layers["regions"]["features"]}
    assert set(features) == {"R1", "R2"}
    assert features["R1"]["geometry"]["type"] == "Polygon"
    assert features["R1"]["properties"]["schematic"] is False
    lons = [x for x, _ in features["R1"]["geometry"]["coordinates"][0]]
    assert min(lons) == pytest.approx(12.0, abs=1e-4)
    assert max(lons) == pytest.approx(12.2, abs=1e-4)
    assert payload.units["b"]["region_name"] == "A"
