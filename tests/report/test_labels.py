"""Display labels of the report: no raw keys, no local paths, settings collapsed, grouping."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from cityregions.i18n import label, tr, value_label
from cityregions.pipeline.case import bundled_case_path
from cityregions.report import build_report
from cityregions.report.builder import short_source
from cityregions.report.tables import key_figures, strip_paths
from cityregions.vocabulary import SETTINGS, VALUE_LABELS, humanise
from tests.support.results import bundled_results

#: A snake_case word (``core_deficit_gwh``): what a raw result key looks like.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class VisibleText(HTMLParser):
    """Collect the text a reader sees in one language, outside table cells of ids.

    Left out: scripts and styles, the other language's spans, SVG ``<title>`` tooltips,
    and data cells (``<td>``, row headers) — tables of ids (unit, body, scenario ids)
    are data, not labels. Column headers (``<th>`` in ``<thead>``) are kept.
    """

    SKIP: ClassVar[set[str]] = {"script", "style", "title", "td"}

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.other = "t-en" if lang == "de" else "t-de"
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = tag in self.SKIP or self.other in (values.get("class") or "").split()
        hidden = hidden or (tag == "th" and values.get("scope") == "row")
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, text: str) -> None:
        if not any(hidden for _, hidden in self.stack):
            self.parts.append(text)


def visible_text(html: str, lang: str) -> str:
    parser = VisibleText(lang)
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("labels"))


@pytest.fixture(scope="module")
def html(real) -> str:
    return build_report(real)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("potential_fuel_gwh", "Potential fuel (GWh)"),
        ("fee_total_eur", "Fee total (EUR)"),
        ("cereal_yield_t_per_ha", "Cereal yield (t/ha)"),
        ("area_km2", "Area (km²)"),
        ("scenario", "Scenario"),
        ("_gwh", "Gwh"),
    ],
)
def test_humanise_turns_unknown_keys_into_words_with_units(key: str, expected: str) -> None:
    assert humanise(key) == expected


def test_known_keys_have_both_languages_and_unknown_keys_are_humanised() -> None:
    assert label("core_deficit_gwh", "de") == "Defizit der Kerne (GWh)"
    assert label("core_deficit_gwh", "en") == "Deficit of the cores (GWh)"
    assert label("modularity_functional", "de") == "Modularität Stadtregionen"
    assert label("not_a_known_key_mwh", "de") == "Not a known key (MWh)"
    assert "_" not in tr("not_a_known_key")
    assert label("arable_ha_status", "de") == "Ackerland (ha) · Status"


def test_feedstock_and_level_values_have_display_names() -> None:
    assert value_label("silage_maize", "de") == "Silomais"
    assert value_label("silage_maize", "en") == "Silage maize"
    assert value_label("cereal_straw", "de") == "Getreidestroh"
    assert value_label("sustainable", "de") == "nachhaltig"
    assert value_label("modeled", "en") == "modeled"
    assert value_label("something_else", "de") == "something_else"
    assert all(de and en for de, en in VALUE_LABELS.values())


def test_strip_paths_keeps_the_last_part_only() -> None:
    assert strip_paths("/home/anna/case/coefficients.toml") == "coefficients.toml"
    assert strip_paths("read from /srv/x/registry today") == "read from registry today"
    assert strip_paths(r"C:\Users\anna\case\inputs.csv") == "inputs.csv"
    # URLs, ratios and relative paths are left alone
    for text in ("https://www.destatis.de/a/b", "A/B", "km/h", "../districts.csv"):
        assert strip_paths(text) == text


def test_short_source_drops_model_settings_and_closes_brackets() -> None:
    source = "radiation model (Simini et al. 2012), mass=population, top_k=None"
    assert short_source(source) == "radiation model (Simini et al. 2012)"
    nested = "LMA on modeled flows (radiation model (Simini 2012), mass=population, k=1)"
    assert short_source(nested) == "LMA on modeled flows (radiation model (Simini 2012))"
    assert short_source("Destatis 2018") == "Destatis 2018"
    runs = "share of 60 lma runs (min_size=25000; target_self_containment=0.7,0.75,0.8)"
    assert short_source(runs) == "share of 60 lma runs"  # the settings stay in the table
    assert short_source("LMA on observed flows (flows.csv)").endswith("(flows.csv)")


def test_settings_go_into_a_collapsed_block_not_into_cards() -> None:
    html = key_figures(
        {"supply_gwh": 12.5, "coefficients_digest": "cd71", "coefficients": "/a/b/c.toml"}
    )
    cards, _, settings = html.partition('<details class="settings">')
    assert "Angebot (GWh)" in cards
    assert "cd71" not in cards
    assert "cd71" in settings
    assert "c.toml" in settings
    assert "/a/b" not in settings
    assert {"coefficients_digest", "solid_path", "max_distance_km"} <= SETTINGS


@pytest.mark.parametrize("lang", ["de", "en"])
def test_bundled_report_shows_no_raw_snake_case_key(html: str, lang: str) -> None:
    text = visible_text(html, lang)
    raw = sorted(set(SNAKE.findall(text)))
    assert raw == []


def test_bundled_report_names_no_local_path(html: str, real) -> None:
    assert str(bundled_case_path()) not in html
    assert str(real.out_dir) not in html
    assert str(Path.home()) + "/" not in html
    for lang in ("de", "en"):
        assert strip_paths(visible_text(html, lang)) == visible_text(html, lang)


def test_energy_cards_use_labels_and_settings_are_collapsed(html: str) -> None:
    energy = html.split('id="section-energy"')[1]
    cards = "".join(re.findall(r'<div class="label">(.*?)</div>', energy.split("<h3>")[0]))
    assert "Defizit der Kerne (GWh)" in cards
    assert "Prüfsumme" not in cards
    assert "Pfad feste Biomasse" not in cards
    assert '<details class="settings">' in energy
    assert "Silomais" in energy
    assert "Silage maize" in energy
    assert "Getreidestroh" in energy


def test_most_central_actor_is_shown_by_name() -> None:
    from types import SimpleNamespace

    from cityregions.report.governance_view import headline

    registry = SimpleNamespace(actors=[SimpleNamespace(id="chemnitz", name="Chemnitz, Stadt")])
    figures = headline({"actors": 3, "most_central_actor": "chemnitz"}, registry)  # type: ignore[arg-type]
    assert figures == {"actors": 3, "most_central_actor": "Chemnitz, Stadt"}


def test_scenario_rules_are_one_assumption_line_and_modeled_inputs_stay(html: str) -> None:
    banner = html.split('id="section-partnership"')[1].split("</aside>")[0]
    lines = banner.count('<li><span class="badge')
    assert lines == 2  # assumptions (scenario files), facts (population)
    assert "badge assumption" in banner
    files = len(list((bundled_case_path() / "scenarios").glob("*.yaml")))
    assert f"{files} " in banner  # one line for every scenario file
    assert "badge modeled" not in banner.split("<details data-print")[0]
    # modeled inputs of the other sections keep a line of their own
    territory = html.split('id="section-territory"')[1].split("</aside>")[0]
    assert 'badge modeled"' in territory
    assert "Pendlerverflechtungen" in territory
    energy = html.split('id="section-energy"')[1].split("</aside>")[0]
    for item in ("Energiebedarf", "Potenzial", "Eingangsdaten"):
        assert item in energy
    assert energy.count('badge modeled"') >= 3


def test_a_count_under_a_settings_key_stays_a_figure() -> None:
    # energy summary: sinks = "cores" (setting); allocation summary: sinks = 8 (a count)
    cards = key_figures({"sinks": 8}).split("<details")[0]
    assert '<div class="value">8</div>' in cards
    assert "<details" in key_figures({"sinks": "cores", "max_distance_km": 50.0})
    assert '<div class="figure">' not in key_figures({"sinks": "cores", "max_distance_km": 50.0})


def test_a_column_without_values_gets_no_empty_chart() -> None:
    import pandas as pd

    from cityregions.report.partnership_view import charts

    table = pd.DataFrame(
        {"name": ["A", "B"], "banzhaf": [0.6, 0.4], "fee": [float("nan"), float("nan")]}
    )
    html = charts(table)
    assert html.count("<figure") == 1
    assert "Beitrag" not in html


def test_decimal_comma_in_german_point_in_english() -> None:
    from cityregions.report.tables import cell

    assert cell(0.5558) == '<span class="t-de">0,556</span><span class="t-en">0.556</span>'
    assert cell(1234567.0) == "1\u202f234\u202f567"  # no decimals: one text for both
    assert cell(80.116) == '<span class="t-de">80,1</span><span class="t-en">80.1</span>'


def test_known_step_notes_are_shown_in_both_languages(html: str) -> None:
    governance = html.split('id="section-level-municipality"')[1]  # modeled municipal flows
    assert "Die Pendlerverflechtungen sind modelliert, nicht beobachtet" in governance
    assert "Flows are modeled, not observed" in governance
    delineation = html.split('id="section-delineation"')[1].split("</section>")[0]
    assert "nicht berechnet: benötigt Gebietsflächen" not in delineation  # polygons now


def test_municipal_fit_table_names_bodies_and_regions(real, html: str) -> None:
    """The municipal level's fit table showed body ids (``rpg-ostthueringen``) and the
    delineation's region ids (``639``) where the map and legend number regions 1, 2, …"""
    import re

    level = real.levels["municipality"]
    section = html.split('id="section-level-municipality"')[1].split("</section>")[0]
    table = section.split("Passung der Kooperationsräume auf dieser Ebene")[1]
    table = table.split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    bodies = level.governance.areas.drop_duplicates("area")
    assert "Regionale Planungsgemeinschaft Ostthüringen" in rows
    assert not set(rows) & set(bodies["area"])  # no body id
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table.split("</thead>")[0])
    column = next(i for i, h in enumerate(headers) if "Region<" in h or h == "Region") - 1
    regions = [
        re.findall(r"<td[^>]*>(.*?)</td>", row)[column]
        for row in table.split("<tbody>")[1].split("</tr>")[:-1]
    ]
    region_ids = {str(r) for r in level.delineation.labels.dropna().unique()}
    assert len(regions) == len(rows)
    assert not set(regions) & region_ids  # names, not ids such as 639
    assert "Leipzig" in regions
