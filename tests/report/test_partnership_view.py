"""The report's partnership section on the bundled scenarios: consensus variants and a
priori unions are shown, with values checked by hand."""

from __future__ import annotations

import html
import re

import pytest

from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.steps import partnership_step, run_case, territory_step
from cityregions.report import build_report


@pytest.fixture(scope="module")
def section(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The partnership section of a report on the territory and the scenarios only."""
    results = run_case(
        load_case(bundled_case_path()),
        tmp_path_factory.mktemp("partnership"),
        steps=[("territory", territory_step), ("partnership", partnership_step)],
    )
    page = build_report(results)
    start = page.index('id="section-partnership"')
    end = page.find('id="section-', start + 30)
    return page[start : end if end > 0 else len(page)]


def _cell(cell: str) -> str:
    english = re.search(r'<span class="t-en">(.*?)</span>', cell, re.S)
    return html.unescape(re.sub(r"<.*?>", "", english.group(1) if english else cell)).strip()


def member_table(section: str, scenario: str) -> dict[str, dict[str, str]]:
    """The member table of one scenario: name -> English column header -> English cell."""
    start = section.index(f"({scenario})</span>")
    table = section[section.index("<table", start) : section.index("</table>", start)]
    rows = [
        [_cell(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr.*?</tr>", table, re.S)
    ]
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_consensus_variant_shows_every_voting_city_can_block(section: str) -> None:
    """Consensus of the 9 voting cities: each is decisive only in the coalition of all
    the other eight: Banzhaf absolute 1/2**8 = 0.00391; Erfurt and Weimar (through Jena)
    can block nothing."""
    table = member_table(section, "network-2012-consensus")
    assert table["Chemnitz"]["Can block alone"] == "✓"
    assert table["Chemnitz"]["Banzhaf absolute"] == "0.00391"
    assert table["Erfurt"]["Can block alone"] == "–"
    assert "consensus" in section
    assert "Members who can block alone" in section


def test_city_regions_as_a_priori_unions(section: str) -> None:
    """Eight city regions, one vote each, 5 of 8: a city region that is one city has Owen
    = its Shapley–Shubik in the top body, 1/8, and Banzhaf–Owen = C(7,4)/2**7 = 0.273;
    the two cities of Chemnitz–Zwickau (more than half of two inside: both must agree)
    share 1/8 (1/16 each) and have 35/128 · 1/2 = 0.137."""
    table = member_table(section, "city-regions-2012")
    assert table["Leipzig"]["Owen"] == "0.125"
    assert table["Leipzig"]["Banzhaf–Owen"] == "0.273"
    assert table["Chemnitz"]["Owen"] == "0.0625"
    assert table["Chemnitz"]["Banzhaf–Owen"] == "0.137"
    assert table["Leipzig"]["Can block alone"] == "–"


def test_the_overview_gives_german_titles_and_names_who_can_block(section: str) -> None:
    start = section.index(">association-2014-consensus<")  # the overview comes first
    overview = section[section.rindex("<table", 0, start) : section.index("</table>", start)]
    row = next(
        r
        for r in re.findall(r"<tr>.*?</tr>", overview, re.S)
        if ">association-2014-consensus<" in r
    )
    assert (
        '<span class="t-de">EMMD e.V. 2014/15: Vorstand 4 + 4, kommunale Seite entscheidet '
        "im Konsens</span>"
    ) in row
    # who can block alone by name, not by member id
    assert "Chemnitz, Dessau-Roßlau, Gera, Halle (Saale), Jena, Leipzig, Zwickau" in row
    assert "chemnitz" not in row
