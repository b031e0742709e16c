"""Tooltips (SVG ``<title>``) read numbers as the tables do: German decimal comma and
minus sign U+2212, English decimal point; the group of actors without a state is named."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pandas as pd
import pytest

from cityregions.governance.analysis import GovernanceAnalysis
from cityregions.i18n import german_number
from cityregions.report.builder import build_report
from cityregions.report.governance_evidence import no_state_note, openness_table
from cityregions.report.svg import bar_chart, svg_title, titles_in
from tests.support.results import bundled_results

#: A number after ": " written the English way (``: 0.232``, ``: -12.5``, ``: 1 234.5``).
ENGLISH_DECIMAL = re.compile(r": -?[\d\u202f]*\d\.\d")


def test_bar_tooltip_has_a_decimal_comma_in_german_and_a_point_in_english() -> None:
    svg = bar_chart({"Chemnitz": 0.0648, "Gera": -12.5, "Leipzig": 12345.0}, label="x")
    assert (
        '<title data-de="Chemnitz: 0,0648" data-en="Chemnitz: 0.0648">Chemnitz: 0.0648</title>'
    ) in svg
    assert '<title data-de="Gera: \u221212,5" data-en="Gera: -12.5">' in svg
    # no decimal mark and no sign: one text, no attributes
    assert "<title>Leipzig: 12\u202f345</title>" in svg
    german = titles_in(svg, "de")
    assert ">Chemnitz: 0,0648</title>" in german
    assert ">Gera: \u221212,5</title>" in german
    assert titles_in(svg, "en") == svg


def test_tooltip_parts_are_escaped_and_pairs_chosen_per_language() -> None:
    title = svg_title('A "<b>" & B: ', 1234.5, " ", ("Mitglieder", "members"))
    assert title == (
        '<title data-de="A &quot;&lt;b&gt;&quot; &amp; B: 1\u202f234 Mitglieder" '
        'data-en="A &quot;&lt;b&gt;&quot; &amp; B: 1\u202f234 members">'
        "A &quot;&lt;b&gt;&quot; &amp; B: 1\u202f234 members</title>"
    )
    # the German text goes into the element, still escaped
    german = titles_in(title, "de")
    assert german.endswith(">A &quot;&lt;b&gt;&quot; &amp; B: 1\u202f234 Mitglieder</title>")


class Titles(HTMLParser):
    """Tooltip texts a reader of one language sees (the other language's figures left out)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.other = "t-en" if lang == "de" else "t-de"
        self.stack: list[bool] = []
        self.inside_title = False
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link", "br", "img", "input", "hr", "col"):
            return
        hidden = self.other in (dict(attrs).get("class") or "").split()
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))
        self.inside_title = tag == "title"
        if self.inside_title and not self.stack[-1]:
            self.texts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()
        self.inside_title = False

    def handle_data(self, data: str) -> None:
        if self.inside_title and self.stack and not self.stack[-1]:
            self.texts[-1] += data


def tooltips(html: str, lang: str) -> list[str]:
    body = html[html.index("<body") :]  # the page's own <title> is in <head>
    parser = Titles(lang)
    parser.feed(body)
    return parser.texts


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    results = bundled_results(tmp_path_factory.mktemp("tooltips"))
    return {lang: build_report(results, lang=lang) for lang in ("de", "en")}


def test_german_report_tooltips_have_no_decimal_point(reports: dict[str, str]) -> None:
    german, english = tooltips(reports["de"], "de"), tooltips(reports["en"], "en")
    assert len(german) > 1000
    assert [t for t in german if ENGLISH_DECIMAL.search(t)] == []
    # ... but the same report opened in English keeps the point
    assert len([t for t in english if ENGLISH_DECIMAL.search(t)]) > 50
    # the voting-power bars of the partnership: before "Leipzig: 0.0281" in German too
    leipzig_de = [t for t in german if re.fullmatch(r"Leipzig: 0,\d+", t)]
    leipzig_en = [t for t in english if re.fullmatch(r"Leipzig: 0\.\d+", t)]
    assert leipzig_de
    assert [t.replace(",", ".") for t in leipzig_de] == leipzig_en


def test_every_two_language_tooltip_opens_in_the_report_language(
    reports: dict[str, str],
) -> None:
    pattern = re.compile(r'<title data-de="([^"]*)" data-en="([^"]*)">([^<]*)</title>')
    for lang, group in (("de", 0), ("en", 1)):
        found = pattern.findall(reports[lang])
        assert len(found) > 500
        assert all(match[2] == match[group] for match in found)
    # each German text is the English one with German numbers, where it is only a number
    pairs = {(unescape(de), unescape(en)) for de, en, _ in pattern.findall(reports["de"])}
    numeric = [(de, en) for de, en in pairs if re.fullmatch(r".+: -?[\d\u202f.]+", en)]
    assert numeric
    for de, en in numeric:
        head, number = en.rsplit(": ", 1)
        assert de == f"{head}: {german_number(number)}"


def test_cost_supply_tooltips_follow_the_curve(reports: dict[str, str]) -> None:
    """The German cost-supply chart (drawn per language) reads ``10,8 GWh, −51,2 €/MWh``."""
    german = [t for t in tooltips(reports["de"], "de") if t.endswith("€/MWh")]
    english = [t for t in tooltips(reports["en"], "en") if t.endswith("€/MWh")]
    assert len(german) == len(english) > 5
    for de, en in zip(german, english, strict=True):
        numbers = re.findall(r"-?[\d\u202f]+(?:\.\d+)?", en.split(": ", 1)[1])
        assert [german_number(n) for n in numbers] == re.findall(
            r"\u2212?[\d\u202f]+(?:,\d+)?", de.split(": ", 1)[1]
        )
    assert any("\u2212" in t for t in german)  # negative costs (biowaste gate fees)
    assert not any("\u2212" in t for t in english)


def _analysis_with_stateless_actor() -> GovernanceAnalysis:
    openness = pd.DataFrame(
        {"nodes": [3, 1], "internal": [2, 0], "external": [1, 2], "ei_index": [-1 / 3, 1.0]},
        index=pd.Index(["14", "?"], name="group"),
    )
    metrics = pd.DataFrame(
        {"name": ["Leipzig", "Halle", "Delitzsch", "Deutsche Telekom"],
         "state": ["14", "14", "14", "?"]},
        index=pd.Index(["leipzig", "halle", "delitzsch", "telekom"], name="actor"),
    )  # fmt: skip
    analysis = GovernanceAnalysis.__new__(GovernanceAnalysis)
    analysis.state_openness = openness
    analysis.actor_metrics = metrics
    return analysis


def test_group_without_a_state_is_named_and_its_actors_listed() -> None:
    analysis = _analysis_with_stateless_actor()
    html = openness_table(analysis)
    assert '<th scope="row"><span class="t-de">kein Land erfasst</span>' in html
    assert '<span class="t-en">no state recorded</span></th>' in html
    assert '<th scope="row">Sachsen</th>' in html
    assert ">?<" not in html
    # the statistic itself is unchanged: E–I = (2 - 0) / 2 = 1 for the group of one
    assert re.search(r"no state recorded</span></th><td class=\"num\">1</td>", html)
    note = no_state_note(analysis)
    assert "1 Akteur ohne Land im Register" in note
    assert "1 actor without a state in the registry" in note
    assert note.count("Deutsche Telekom") == 2  # named in both languages
    assert "Leipzig" not in note


def test_no_note_without_the_group() -> None:
    analysis = _analysis_with_stateless_actor()
    analysis.state_openness = analysis.state_openness.drop(index="?")
    assert no_state_note(analysis) == ""
    assert "kein Land erfasst" not in openness_table(analysis)


def test_bundled_report_names_the_actor_without_a_state(reports: dict[str, str]) -> None:
    html = reports["de"]
    start = html.index("Offenheit der Länder")
    section = html[start : html.index("</p>", html.index("kein Land erfasst", start)) + 4]
    assert '<th scope="row">–</th>' not in section
    assert (
        "„kein Land erfasst“: 1 Akteur ohne Land im Register (weder Land noch Schlüssel "
        "oder Gebiet): Deutsche Telekom."
    ) in section
    # the actor table's state column says so too, instead of "?"
    assert '<td class="">?</td>' not in html


def test_german_report_lists_coefficients_in_german(reports: dict[str, str]) -> None:
    html = reports["de"]
    assert ('<li><span class="t-de">Frischmasseertrag Grassilage</span><span class="t-en">') in html


def test_tornado_tooltips_spell_units_in_the_report_language(reports: dict[str, str]) -> None:
    """The coefficient file writes units in English ("share", "t FM/head/a"); the German
    tornado tooltips use vocabulary.UNITS_DE, the English ones keep the file's spelling."""
    german, english = tooltips(reports["de"], "de"), tooltips(reports["en"], "en")
    cap_de = [t for t in german if t.startswith("Obergrenze Energiepflanzenanteil am Acker,")]
    cap_en = [t for t in english if t.startswith("Sustainable cap on the share of arable")]
    assert "unterer Wert 0,05 Anteil: " in cap_de[0]
    assert "low value 0.05 share: " in cap_en[0]
    assert not [t for t in german if re.search(r"\d share:|/head/|/inh/", t)]
    assert any(" t FM/Tier/a: " in t for t in german)
