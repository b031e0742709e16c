"""Report section ``stability``: headlines, the stability map and the least stable units."""

from __future__ import annotations

import re

import pytest

from cityregions.geometry import stability_colour
from cityregions.pipeline import views
from cityregions.pipeline.results import CaseResults
from cityregions.report.stability_view import headlines, percent, stability_body
from tests.support.results import bundled_results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> CaseResults:
    return bundled_results(tmp_path_factory.mktemp("bundled"))


@pytest.fixture(scope="module")
def body(results: CaseResults) -> str:
    html = stability_body(results, views.case_map(results))
    assert html is not None
    return html


def test_percent_rounds_to_whole_percent() -> None:
    assert [percent(x) for x in (0.0, 0.316667, 0.995, 1.0)] == [
        "0\u202f%", "32\u202f%", "100\u202f%", "100\u202f%"
    ]  # fmt: skip


def test_headline_sentence_in_both_languages() -> None:
    pairs = [{"name_a": "Halle (Saale), Stadt", "name_b": "Leipzig, Stadt", "share": 0.25}]
    html = headlines(pairs, 60)
    assert "Halle (Saale) und Leipzig liegen in 25\u202f% der 60 Läufe in einer Region" in html
    assert "Halle (Saale) and Leipzig share a region in 25\u202f% of 60 runs" in html


def test_bundled_headline_is_halle_and_leipzig_with_their_share(
    results: CaseResults, body: str
) -> None:
    result = results.stability
    assert result is not None
    labels = result.labels
    together = ((labels.loc["15002"] == labels.loc["14713"]) & labels.loc["15002"].notna()).mean()
    expected = f"Halle (Saale) and Leipzig share a region in {percent(together)} of 60 runs"
    assert expected in body


def test_every_unit_of_the_map_is_filled_by_its_stability(results: CaseResults, body: str) -> None:
    result = results.stability
    assert result is not None
    svg = body[body.index("<svg") : body.index("</svg>")]
    fills = dict(re.findall(r'data-unit="([^"]+)"[^>]*?fill="(#[0-9a-f]{6})"', svg))
    assert set(fills) == set(result.stability.index)
    for unit, share in result.stability["stability"].items():
        assert fills[unit] == stability_colour(float(share)), unit
    # the consensus regions: boundaries of unit polygons, else schematic hulls of the seats
    shapes = 'class="regions"' if views.territory(results).has_polygons else 'class="hulls"'
    assert shapes in svg


def test_least_stable_units_come_first(results: CaseResults, body: str) -> None:
    view = views.stability_map(results)
    assert view is not None
    table = views.stability_table(results, view)
    assert table["stability"].is_monotonic_increasing
    least = body[body.index("<h3>", body.index("</svg>")) :]
    first_name = str(table["name"].iloc[0])
    assert least.index(first_name) < least.index(str(table["name"].iloc[1]))
