"""Dashboard layer ``stability``: units shaded by stability, consensus outlines, a legend."""

from __future__ import annotations

import pytest

from cityregions.app.payloads import build_dashboard_data
from cityregions.geometry import STABILITY_CLASSES, stability_colour
from cityregions.pipeline.results import CaseResults
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> CaseResults:
    return bundled_results(tmp_path_factory.mktemp("bundled"))


def test_stability_layer_has_every_unit_and_every_consensus_region(results: CaseResults) -> None:
    data = build_dashboard_data(results)
    layer = data.layers["stability"]
    assert "stability" in data.case["layers"]
    result = results.stability
    assert result is not None
    units = [f["properties"] for f in layer["features"] if f["properties"]["kind"] == "unit"]
    regions = [f["properties"] for f in layer["features"] if f["properties"]["kind"] == "consensus"]
    assert sorted(p["id"] for p in units) == sorted(result.stability.index)
    assert len(regions) == result.consensus.nunique()
    for props in units:
        share = float(result.stability.at[props["id"], "stability"])
        assert props["stability"] == share
        assert props["colour"] == stability_colour(share)
    assert layer["legend"] == [{"low": low, "colour": c} for low, c in STABILITY_CLASSES]
    unit = units[0]["id"]
    assert "stability:labels" not in data.units[unit]  # every run's labels: in the files
    assert data.units[unit]["stability:unit_stability"]["stability"] == pytest.approx(
        float(result.stability.at[unit, "stability"])
    )
