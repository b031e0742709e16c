"""Own data without a population column: what is known under its own name, the rest
"not given"; maps with labels in place and every region told apart (report, dashboard)."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions.app.payloads import build_dashboard_data
from cityregions.delineation.api import Delineation
from cityregions.delineation.compare import compare_delineations
from cityregions.flows import FlowTable
from cityregions.i18n import tr
from cityregions.pipeline.case import Case
from cityregions.pipeline.results import CaseResults, TerritoryResult
from cityregions.pipeline.steps import territory_step
from cityregions.report import build_report

#: Six 0.1° squares in two rows near Leipzig; employed residents, no population.
NAMES = {"u1": "Alpha", "u2": "Beta", "u3": "Gamma", "u4": "Delta", "u5": "Epsilon",
         "u6": "Zeta"}  # fmt: skip
RESIDENTS = {"u1": 600.0, "u2": 500.0, "u3": 400.0, "u4": 300.0, "u5": 200.0, "u6": 100.0}
LABELS = {"u1": "1", "u2": "1", "u3": "12", "u4": "2", "u5": "2", "u6": "12"}


@pytest.fixture
def toy(tmp_path: Path) -> CaseResults:
    ids = list(NAMES)
    squares = [box(12 + 0.1 * (i % 3), 51 - 0.1 * (i // 3), 12.1 + 0.1 * (i % 3),
                   51.1 - 0.1 * (i // 3)) for i in range(6)]  # fmt: skip
    frame = pd.DataFrame({"unit": ids, "name": [NAMES[u] for u in ids],
                          "residents": [RESIDENTS[u] for u in ids], "state": "14"})  # fmt: skip
    from cityregions.territory import Territory

    territory = Territory.from_frame(frame, geometry=gpd.GeoSeries(squares, crs="EPSG:4326"))
    long = pd.DataFrame({"origin": ids, "destination": ids, "value": [RESIDENTS[u] for u in ids]})
    flows = FlowTable.from_long(long, flows_provenance="observed", source="toy")
    case = Case(root=tmp_path, config={"name": "Toy", "language": "de"})
    case.__dict__.update(territory=territory, flows=flows)  # the case's (cached) inputs
    results = CaseResults(case=case, out_dir=tmp_path / "out")
    results.territory = TerritoryResult(territory=territory, flows=flows, summary={})
    labels = pd.Series(LABELS, name="region")
    given = {"given": Delineation(method="given", labels=labels)}
    results.delineation = compare_delineations(flows, territory, given)
    return results


def _unit_boxes(section: str) -> dict[str, tuple[float, float, float, float]]:
    boxes = {}
    for unit, path in re.findall(r'<path class="unit" data-unit="([^"]+)" d="([^"]+)"', section):
        xy = [tuple(map(float, p.split(","))) for p in re.findall(r"[\d.]+,[\d.]+", path)]
        xs, ys = [x for x, _ in xy], [y for _, y in xy]
        boxes[unit] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def test_map_labels_sit_inside_their_unit_polygons_never_at_nan(toy: CaseResults) -> None:
    section = build_report(toy).split('id="section-delineation"')[1]
    assert "nan" not in section.split("</svg>")[0]  # before: every label had y="nan"
    boxes = _unit_boxes(section)
    labels = re.findall(
        r'<text class="halo" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)</text>', section
    )
    placed = {text: (float(x), float(y)) for x, y, text in labels}
    assert set(placed) == set(NAMES.values())
    for unit, name in NAMES.items():
        x0, y0, x1, y1 = boxes[unit]
        x, y = placed[name]
        assert x0 < x < x1, name
        assert y0 < y - 4 < y1, name  # the baseline is 4 below the label point


def test_legend_lists_every_region_by_number_without_population(toy: CaseResults) -> None:
    html = build_report(toy, lang="de")
    legend = html.split('id="section-delineation"')[1].split('<ul class="legend">')[1]
    items = legend.split("</ul>")[0].split("<li>")[1:]
    # regions by size (employed residents): 1 = 1,100, 2 = 500, 12 = 500 (2 before 12)
    keys = [re.search(r'class="key">(\d+)<', i).group(1) for i in items]
    assert keys == ["1", "2", "3"]
    assert "Alpha" in items[0]
    assert "(1\u202f100)" in items[0]  # the residents of the region, named in a note
    assert "(0)" not in legend
    assert "Erwerbstätige am Wohnort (Einwohner nicht angegeben)" in legend
    # the map shows the same number on every region
    keys_on_map = re.findall(r'<g class="keys"[^>]*>(.*?)</g>', html)[0]
    assert sorted(re.findall(r">(\d+)</text>", keys_on_map)) == ["1", "2", "3"]


def test_territory_cards_say_not_given_and_name_residents(toy: CaseResults, tmp_path) -> None:
    results = CaseResults(case=toy.case, out_dir=tmp_path / "run")
    territory_step(toy.case, results)
    assert pd.isna(results.territory.summary["population"])  # before: 0.0
    assert results.territory.summary["residents"] == 2100.0
    results.delineation = toy.delineation
    html = build_report(results, lang="de")
    section = html.split('id="section-territory"')[1].split("</section>")[0]
    cards = {
        re.sub("<[^>]+>", "|", label): re.sub("<[^>]+>", "|", value)
        for value, label in re.findall(
            r'<div class="value">(.*?)</div><div class="label">(.*?)</div>', section
        )
    }
    assert cards["|Einwohner||Population|"] == "|nicht angegeben||not given|"
    assert cards["|Erwerbstätige am Wohnort||Employed residents|"] == "2\u202f100"
    units = section.split('<details class="screen-only">')[1]
    header = units.split("<thead>")[1].split("</thead>")[0]
    assert "Einwohner" not in header  # no column of dashes
    assert "Erwerbstätige am Wohnort" in header
    assert "Sachsen" in section  # the state by name, not "14"


def test_dashboard_region_population_is_not_given_not_zero(toy: CaseResults) -> None:
    payload = build_dashboard_data(toy)
    region = payload.regions["1"]
    assert region["population"] is None  # before: 0.0
    assert region["residents"] == 1100.0
    assert region["key"] == 1
    features = payload.layers["regions"]["features"]
    assert [f["properties"]["key"] for f in features] == [1, 2, 3]
    unit = payload.units["u1"]
    assert unit["population"] is None
    assert unit["state"] == "Sachsen"
    sizes = {
        f["properties"]["id"]: f["properties"]["size"] for f in payload.layers["units"]["features"]
    }
    assert sizes["u1"] == 600.0  # markers sized by the employed residents


# -- the real path: BA district flows 2016 (no population) + the bundled registry etc. --


@pytest.fixture(scope="module")
def real_own(tmp_path_factory: pytest.TempPathFactory, kreise_dir: Path) -> CaseResults:
    from cityregions.pipeline.case import load_case
    from cityregions.pipeline.steps import run_case
    from tests.support.results import own_case_without_population

    folder = tmp_path_factory.mktemp("own")
    case = own_case_without_population(kreise_dir, folder / "case")
    return run_case(load_case(case), folder / "out")


def _table_after(html: str, heading: str) -> str:
    return html.split(heading, 1)[1].split("</table>", 1)[0]


@pytest.mark.shared
@pytest.mark.slow
def test_real_own_report_reads_correctly_in_german(real_own: CaseResults) -> None:
    html = build_report(real_own, lang="de")
    assert 'y="nan"' not in html
    delineation = html.split('id="section-delineation"')[1].split("</section>")[0]
    legend = delineation.split('<ul class="legend">')[1].split("</ul>")[0]
    assert legend.count("<li>") == 27  # every region (the dashboard stopped at 16)
    assert "(0)" not in legend
    # BBSR: the units have polygons; what they lack is the population (and Oberzentren)
    bbsr = delineation.split("BBSR-Stadtregionen")[1].split("</dd>")[0]
    assert "Einwohnerzahlen" in bbsr
    assert "Gebietsgrenzen" not in bbsr
    # Leiden regions by name, not by a unit id such as 14612
    assignment = _table_after(delineation, "Zuordnung je Methode")
    assert not re.search(r"<td[^>]*>1[456]\d{3}</td>", assignment)
    governance = html.split('id="section-governance"')[1].split("</section>")[0]
    fit = _table_after(governance, "Institutionelle Passung")
    assert "Erwerbstätige am Wohnort" in fit
    assert "Einwohner<" not in fit  # employed residents are not called population
    gaps = _table_after(governance, "<h3>" + tr("gaps"))
    assert "emmd;gewerbeflaechen-hl" not in gaps  # other bodies by name
    assert "Europäische Metropolregion Mitteldeutschland e.V.; Interkommunale" in gaps
    partnership = html.split('id="section-partnership"')[1].split("</section>")[0]
    assert "nur auf Englisch" not in partnership  # the bundled scenarios are in German too
    assert '<ul class="small assumptions t-de">' in partnership
    energy = html.split('id="section-energy"')[1].split("</section>")[0]
    overview = _table_after(energy, "Netto-Bilanz (GWh)")
    regions = re.findall(r'<th scope="row">([^<]+)</th>', overview)
    assert len(regions) == 27
    assert regions == sorted(regions, key=int)  # 2 before 12, not 12, 15, 16, 2
    assert ">Einwohner<" not in overview  # the inputs' own population, if shown, says so


@pytest.mark.shared
@pytest.mark.slow
def test_real_own_map_colours_touching_regions_apart(real_own: CaseResults) -> None:
    """Adjacency from the dissolved polygons (geopandas), colours from the drawn map."""
    html = build_report(real_own, lang="en")
    section = html.split('id="section-delineation"')[1].split("</section>")[0]
    fills = dict(re.findall(r'<path class="unit" data-unit="([^"]+)" d="[^"]+" fill="([^"]+)"',
                            section))  # fmt: skip
    labels = real_own.delineation.labels
    polygons = real_own.territory.territory.geometry.to_crs("EPSG:3035")
    regions = gpd.GeoDataFrame({"region": labels.reindex(polygons.index).to_numpy()},
                               geometry=polygons.to_numpy(), crs=polygons.crs)  # fmt: skip
    dissolved = regions.dissolve(by="region")
    colour = {r: fills[str(labels[labels == r].index[0])] for r in dissolved.index}
    touching = [
        (a, b)
        for a in dissolved.index
        for b in dissolved.index
        if a < b and dissolved.geometry[a].buffer(100).intersects(dissolved.geometry[b])
    ]
    assert len(touching) > 40
    assert [(a, b) for a, b in touching if colour[a] == colour[b]] == []
    assert "In brackets: employed residents (population not given)" in section


@pytest.mark.shared
@pytest.mark.slow
def test_real_own_dashboard_has_one_population_meaning(real_own: CaseResults) -> None:
    payload = build_dashboard_data(real_own)
    region = payload.regions[str(real_own.delineation.labels["14713"])]
    assert region["population"] is None
    assert region["residents"] == 399186.0  # employees_svb of 14713, 14729, 14730
    assert "population" not in region["governance:fit_regions"]
    assert region["governance:fit_regions"]["residents"] > 0
    assert "population" not in region["energy:balance_regions"]
    assert region["energy:balance_regions"]["inputs_population"] > 0
    assert len(payload.layers["regions"]["features"]) == 27
