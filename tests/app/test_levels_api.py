"""The dashboard shows the municipal level on its polygons, and the sources' attribution."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the dashboard extra: pip install 'cityregions[dashboard]'")

from fastapi.testclient import TestClient

from cityregions.app import create_app
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("app-levels"))


@pytest.fixture(scope="module")
def client(results) -> TestClient:
    return TestClient(create_app(results), base_url="http://127.0.0.1")


def test_case_names_the_attribution_and_the_municipal_layers(client: TestClient) -> None:
    case = client.get("/api/case").json()
    text = " · ".join(case["attribution"])
    for required in ("Statistik der Bundesagentur für Arbeit", "© GeoBasis-DE / BKG",
                     "© Statistisches Bundesamt (Destatis)"):  # fmt: skip
        assert required in text
    assert {"municipalities", "municipal_areas"} <= set(case["layers"])


def test_municipalities_layer_is_every_polygon_coloured_by_its_region(
    client: TestClient, results
) -> None:
    level = results.levels["municipality"]
    layer = client.get("/api/layers/municipalities").json()
    features = layer["features"]
    assert len(features) == 1268
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    labels = level.delineation.labels
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    assert by_id["14713000"]["region"] == labels["14713000"]  # Leipzig's municipal LMA
    same = [u for u in labels.index if labels[u] == labels["14713000"]]
    assert {by_id[u]["colour"] for u in same} == {by_id["14713000"]["colour"]}
    areas = client.get("/api/layers/municipal_areas").json()["features"]
    names = {f["properties"]["id"] for f in areas}
    assert "gruener-ring" in names
    grr = next(f for f in areas if f["properties"]["id"] == "gruener-ring")
    assert all(len(unit) == 8 for unit in grr["properties"]["units"])
