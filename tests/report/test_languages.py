"""German and English presentation: decimal marks in charts, names instead of ids, notes
that say what is missing, scenario texts, number order and no empty headings."""

from __future__ import annotations

import re
from html import escape

import pandas as pd
import pytest

from cityregions.i18n import label, message_pair, needs_message, tr, tr_message
from cityregions.report import sections
from cityregions.report.builder import build_report
from cityregions.report.governance_view import headline, registry_names
from cityregions.report.partnership_view import _scenario_text
from cityregions.report.svg import bar_chart
from cityregions.report.tables import html_table, key_figures, natural_sorted
from tests.support.results import bundled_results


def test_bar_values_have_a_decimal_comma_in_german_and_a_point_in_english() -> None:
    svg = bar_chart({"Chemnitz": 0.0648, "Leipzig": 12345.0}, label="power")
    assert '<text class="t-de"' in svg
    german = re.findall(r'<text class="t-de"[^>]*>([^<]+)</text>', svg)
    english = re.findall(r'<text class="t-en"[^>]*>([^<]+)</text>', svg)
    assert german == ["0,0648"]  # before: 0.0648 beside tables with 0,0648
    assert english == ["0.0648"]
    assert ">12\u202f345</text>" in svg  # no decimal mark: written once


@pytest.mark.parametrize(
    ("note", "german"),
    [
        ("not run: needs population and central places (Oberzentren)",
         "nicht berechnet: benötigt Einwohnerzahlen und zentrale Orte (Oberzentren)"),
        ("not run: needs unit polygons and area",
         "nicht berechnet: benötigt Gebietsgrenzen (Polygone) und Flächen"),
        ("not run: needs the leiden extra (pip install 'cityregions[leiden]')",
         "nicht berechnet: benötigt das Zusatzpaket leiden (pip install 'cityregions[leiden]')"),
    ],
)  # fmt: skip
def test_not_run_notes_are_german_in_the_german_report(note: str, german: str) -> None:
    assert needs_message(note) == (german, note.replace("not run", "not computed"))
    shown = german.replace("'", "&#x27;")  # escaped in HTML
    assert f'<span class="t-de">{shown}</span>' in tr_message(note)


def test_unknown_phrases_are_left_as_they_are() -> None:
    assert needs_message("not run: needs a unicorn") is None
    assert tr_message("not run: needs a unicorn") == "not run: needs a unicorn"


def test_scenario_text_german_where_given_else_marked_english() -> None:
    english_only = _scenario_text({"description": "Two city regions.", "assumptions": ["A"]})
    assert 'lang="en"' in english_only
    assert "nur auf Englisch" in english_only
    both = _scenario_text({
        "description": "Two city regions.", "description_de": "Zwei Stadtregionen.",
        "assumptions": ["One vote each."], "assumptions_de": ["Eine Stimme je Region."],
    })  # fmt: skip
    assert '<p class="small t-de">Zwei Stadtregionen.</p>' in both
    assert '<ul class="small assumptions t-de"><li>Eine Stimme je Region.</li></ul>' in both
    assert "nur auf Englisch" not in both


def test_lists_of_body_ids_are_shown_by_name() -> None:
    from types import SimpleNamespace

    registry = SimpleNamespace(
        actors=[SimpleNamespace(id="leipzig", name="Leipzig")],
        bodies=[SimpleNamespace(id="emmd", name="Metropolregion e.V."),
                SimpleNamespace(id="gewerbe-hl", name="Gewerbeflächen Halle/Leipzig")],
    )  # fmt: skip
    gaps = pd.DataFrame({"other_bodies": ["emmd;gewerbe-hl", "", None], "body": ["emmd"] * 3})
    shown = registry_names(gaps, registry)
    named = shown["other_bodies"].tolist()
    assert named[:2] == ["Metropolregion e.V.; Gewerbeflächen Halle/Leipzig", ""]
    assert pd.isna(named[2])
    assert shown["body"].tolist() == ["Metropolregion e.V."] * 3


def test_region_tables_sort_in_number_order() -> None:
    table = pd.DataFrame({"net": range(5)}, index=pd.Index(["12", "2", "16", "11", "R"]))
    assert natural_sorted(table).index.tolist() == ["2", "11", "12", "16", "R"]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("languages"))


def test_a_section_with_nothing_to_show_gets_no_heading(
    bundled, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sections.RENDERERS, "partnership", lambda results, layers: "  ")
    html = build_report(bundled, lang="de")
    assert 'id="section-partnership"' not in html  # before: an empty "Partnerschaft"
    assert 'href="#section-partnership"' not in html
    assert 'id="section-governance"' in html


def test_bundled_german_report_balance_table_in_number_order(bundled) -> None:
    html = build_report(bundled, lang="de")
    energy = html.split('id="section-energy"')[1].split("Netto-Bilanz (GWh)")[1]
    energy = energy.split("</table>")[0]
    regions = re.findall(r'<th scope="row">([^<]+)</th>', energy)
    assert len(regions) > 10
    assert regions == sorted(regions, key=int)


def test_bundled_tornado_names_coefficients_in_each_language(bundled) -> None:
    html = build_report(bundled, lang="de")
    energy = html.split('id="section-energy"')[1]
    german = re.search(
        r'<figure class="pic t-de"><svg[^>]*aria-label="tornado chart".*?</svg>', energy, re.S
    )
    english = re.search(
        r'<figure class="pic t-en"><svg[^>]*aria-label="tornado chart".*?</svg>', energy, re.S
    )
    assert german is not None
    assert english is not None
    assert ">Obergrenze Energiepflanzenanteil am Acker<" in german.group(0)
    assert "Sustainable cap on the share" in english.group(0)
    assert "Sustainable cap" not in german.group(0)


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("units of the registry's 38 bodies", "Einheiten der 38 Gremien des Registers"),
        ("Sachsen more closed than random mixing; Thüringen more open than random mixing",
         "Sachsen: geschlossener als bei zufälliger Durchmischung; "
         "Thüringen: offener als bei zufälliger Durchmischung"),
        ("73 join candidates are not proposed: the registry records legal limits",
         "73 Beitrittskandidaten werden nicht vorgeschlagen: das Register verzeichnet "
         "rechtliche Grenzen"),
        ("a new cross-border body of 2 units: Leipzig, Halle (Saale) (37772 commuters)",
         "ein neues länderübergreifendes Gremium aus 2 Einheiten: Leipzig, Halle (Saale) "
         "(37\u202f772 Pendler)"),
        ("Leipzig joins Grüner Ring (812 commuters)",
         "Leipzig tritt Grüner Ring bei (812 Pendler)"),
    ],
)  # fmt: skip
def test_governance_sentences_are_german_in_the_german_report(english: str, german: str) -> None:
    """The governance cards read "units of the registry's 38 bodies", "14 more closed
    than random mixing" and "a new cross-border body of 6 units: 14713, …" in German."""
    assert message_pair(english) == (german, english)
    assert f'<span class="t-de">{escape(german)}</span>' in tr_message(english)
    assert message_pair("Sachsen more closed than random mixing; a unicorn") is None


def test_governance_headline_names_states_units_and_bodies() -> None:
    from types import SimpleNamespace

    registry = SimpleNamespace(
        actors=[], bodies=[SimpleNamespace(id="gruener-ring", name="Grüner Ring Leipzig")]
    )
    summary = {
        "openness_vs_random": "14 more closed than random mixing; 16 more open than random mixing",
        "top_action": "a new cross-border body of 2 units: 14713, 15002 (14713 commuters)",
        "significant_brokers": "none",
    }
    names = {"14713": "Leipzig", "15002": "Halle (Saale)"}
    shown = headline(summary, registry, unit_names=names)
    assert shown["openness_vs_random"] == (
        "Sachsen more closed than random mixing; Thüringen more open than random mixing"
    )
    assert shown["top_action"] == (
        "a new cross-border body of 2 units: Leipzig, Halle (Saale) (14713 commuters)"
    )
    joins = headline({"top_action": "14713 joins gruener-ring (5 commuters)"}, registry,
                     unit_names=names)  # fmt: skip
    assert joins["top_action"] == "Leipzig joins Grüner Ring Leipzig (5 commuters)"
    cards = key_figures(shown)
    assert "Sachsen: geschlossener als bei zufälliger Durchmischung" in cards
    assert '<span class="t-de">keine</span>' in cards  # "none" of the brokers


def test_provenance_items_and_blocs_are_labelled() -> None:
    assert tr("flows (municipality)") == (
        '<span class="t-de">Pendlerverflechtungen (Gemeinde)</span>'
        '<span class="t-en">Commuter flows (municipality)</span>'
    )
    assert "Pendler über die Tabelle hinaus" in tr("flows beyond the table")
    table = html_table(pd.DataFrame({"bloc": ["public", "business", "Leipzig"]}))
    assert "öffentlich" in table
    assert "Wirtschaft" in table
    assert "Leipzig" in table


def test_every_key_of_the_bundled_report_has_a_german_label(
    bundled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key without a label is shown humanised, in English, also in the German report
    ("Annual cost known (EUR)", "Expected gatekeeper", "Degurba name", "Silage maize")."""
    import cityregions.i18n as i18n

    unlabelled: set[str] = set()
    original = i18n.humanise

    def recording(key: str) -> str:
        unlabelled.add(key)
        return original(key)

    monkeypatch.setattr(i18n, "humanise", recording)
    build_report(bundled, lang="de")
    assert sorted(unlabelled) == []


def test_provenance_sources_of_modeled_inputs_are_german_in_the_german_report() -> None:
    """The banner lines read "LMA on observed flows (…)" and "20 poisson resamples …"
    in the German report; unknown sources stay as written."""
    from types import SimpleNamespace

    from cityregions.pipeline.results import ProvenanceNote
    from cityregions.report.builder import provenance_banner

    notes = [
        ProvenanceNote("stability", "labels", "estimate", "LMA on observed flows (flows.csv)"),
        ProvenanceNote("stability", "resamples", "modeled",
                       "20 poisson resamples of the flows per setting (seed 2016; docs/sweep.md)"),
        ProvenanceNote("stability", "stability", "estimate", "a source nobody translated"),
    ]  # fmt: skip
    banner = provenance_banner(SimpleNamespace(provenance=notes, energy=None), "stability")
    assert (
        '<span class="t-de">LMA auf beobachteten Pendlerverflechtungen (flows.csv)</span>' in banner
    )
    assert (
        "20 Neuziehungen (poisson) der Pendlerverflechtungen je Parametersatz "
        "(seed 2016; docs/sweep.md)" in banner
    )
    assert "— a source nobody translated" in banner


@pytest.mark.parametrize("key", ["population_covered", "residents_covered", "jobs_covered"])
def test_coverage_figures_read_as_shares(key: str) -> None:
    """``population_covered`` is a share (0-1); "abgedeckte Bevölkerung: 1" read as one
    person."""
    assert label(key, "de").startswith("Anteil der ")
    assert label(key, "en").startswith("Share of the ")


def test_decision_rules_and_abstention_are_named_not_coded() -> None:
    """The scenario table read "qualified" and "counts_as_no" in the German report."""
    table = html_table(
        pd.DataFrame({"decision": ["qualified", "consensus"],
                      "abstention": ["counts_as_no", "does_not_block"]})
    )  # fmt: skip
    assert '<span class="t-de">qualifizierte Mehrheit</span>' in table
    assert '<span class="t-de">zählt als Nein</span>' in table
    assert '<span class="t-en">does not block</span>' in table
    assert "counts_as_no" not in table


def test_partnership_note_on_estimates_is_german_in_the_german_report() -> None:
    from cityregions.report.partnership_view import _reading

    note = (
        "Shapley–Shubik of the flattened body is a Monte Carlo estimate (with 95 % "
        "intervals) in: association-2014-business-members; every other figure is exact."
    )
    html = _reading([note])
    assert (
        '<p class="small warning t-de">Shapley–Shubik des aufgelösten Gremiums ist eine '
        "Monte-Carlo-Schätzung (mit 95-%-Intervallen) in: association-2014-business-members; "
        "alle anderen Werte sind exakt.</p>" in html
    )
    assert f'<p class="small warning t-en">{note}</p>' in html


def test_tables_listing_units_by_id_get_their_names() -> None:
    """The logistics table listed "14626 Silomais …" without the unit's name."""
    units = pd.DataFrame({"name": ["Bautzen", "Görlitz"]}, index=pd.Index(["14625", "14626"]))
    found = {"allocation_unallocated": pd.DataFrame({
        "unit": ["14626", "14625"], "feedstock": ["silage_maize", "cereal_straw"],
        "tonnes": [138253.0, 1.0],
    })}  # fmt: skip
    html = sections.generic_body(found, units=units)
    rows = re.findall(r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]+)</td>", html)
    assert rows == [("14626", "Görlitz"), ("14625", "Bautzen")]
    unknown = {"t": pd.DataFrame({"unit": ["99999"], "tonnes": [1.0]})}
    assert "99999" in sections.generic_body(unknown, units=units)  # left as it is


def test_network_labels_stay_inside_the_picture() -> None:
    """A body at the picture's edge had its name cut ("nale Planungsgemeinsch…")."""
    from cityregions.report.svg import network_picture

    nodes = [
        {"id": "a", "x": 0.0, "y": 0.5, "label": "Regionale Planungsgemeinschaft Halle",
         "size": 8, "show_label": True},
        {"id": "b", "x": 1.0, "y": 0.2, "label": "Regionaler Planungsverband Leipzig",
         "size": 8, "show_label": True},
    ]  # fmt: skip
    svg = network_picture(nodes, [("a", "b", 1.0)], label="network", width=880)
    for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]+)</text>', svg):
        half = 0.3 * 10.5 * len(text)
        assert float(x) - half >= 0
        assert float(x) + half <= 880


def test_german_scenario_texts_from_a_file_reach_the_german_report(tmp_path) -> None:
    """The report showed ``description_de`` where given, but a scenario file could not
    give it: the scenario model refused the key as unknown."""
    from cityregions.io.scenario_files import read_scenario
    from cityregions.partnership.compare import compare_scenarios

    path = tmp_path / "two.yaml"
    path.write_text(
        "name: two\ntitle: Two city regions\ntitle_de: Zwei Stadtregionen\n"
        "description: One vote each.\ndescription_de: Eine Stimme je Region.\n"
        "assumptions: [Simple majority.]\nassumptions_de: [Einfache Mehrheit.]\n"
        "members:\n  - {id: a, bloc: a, population: 1}\n  - {id: b, bloc: b, population: 1}\n"
        "top: {representation: equal, share: 0.5, more_than: true}\n",
        encoding="utf-8",
    )
    comparison = compare_scenarios([read_scenario(path)])
    info = comparison.scenarios["two"]
    assert info["title_de"] == "Zwei Stadtregionen"
    html = _scenario_text(info)
    assert '<p class="small t-de">Eine Stimme je Region.</p>' in html
    assert '<ul class="small assumptions t-de"><li>Einfache Mehrheit.</li></ul>' in html
    assert "nur auf Englisch" not in html
