"""German numbers: the minus sign U+2212 and thousands separators in German text and
tables; the English and the CSV outputs keep the plain hyphen-minus and digits."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cityregions.i18n import german_number, message_pair
from cityregions.report.builder import build_report
from cityregions.report.svg import svg_text
from cityregions.report.tables import cell, html_table
from tests.support.results import bundled_results

NNBSP, MINUS = "\u202f", "\u2212"


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("-37772.5", f"{MINUS}37{NNBSP}772,5"),
        ("37772", f"37{NNBSP}772"),
        (f"1{NNBSP}234", f"1{NNBSP}234"),  # already separated (the tables' fmt_number)
        ("-12", f"{MINUS}12"),
        ("0.556", "0,556"),
        ("999", "999"),
        (f"-1{NNBSP}234 MWh", f"{MINUS}1{NNBSP}234 MWh"),  # a chart value with its unit
        ("-0.5 GWh", f"{MINUS}0,5 GWh"),
        ("2012-06-30", "2012-06-30"),  # a date keeps its hyphens
        ("1e-05", "1e-05"),  # an exponent is not a negative number
        ("–", "–"),  # the tables' mark of a missing value
    ],
)
def test_german_number(english: str, german: str) -> None:
    assert german_number(english) == german


@pytest.mark.parametrize(
    ("english", "german"),
    [
        (
            "a new cross-border body of 2 units: Leipzig, Halle (Saale) (37772 commuters)",
            "ein neues länderübergreifendes Gremium aus 2 Einheiten: Leipzig, Halle (Saale) "
            f"(37{NNBSP}772 Pendler)",
        ),
        (
            "Leipzig joins Grüner Ring (1812 commuters)",
            f"Leipzig tritt Grüner Ring bei (1{NNBSP}812 Pendler)",
        ),
        (
            "1234 of the 5678 units of the study area lie outside every body of the registry "
            "on 2012-06-30: their strong ties count as gaps although the registry may only "
            "not record the bodies there",
            f"1{NNBSP}234 der 5{NNBSP}678 Einheiten des Untersuchungsgebiets liegen am "
            "2012-06-30 außerhalb aller Gremien des Registers: ihre starken Verflechtungen "
            "zählen als Lücken, obwohl das Register die Gremien dort vielleicht nur nicht "
            "verzeichnet",
        ),
        # a year and a run id are not numbers to separate
        (
            "per-capita figures of AGEB Energiebilanz 2019 (derived)",
            "Pro-Kopf-Werte der AGEB-Energiebilanz 2019 (abgeleitet)",
        ),
        (
            "share of 1200 lma runs agreeing with the medoid run 1017 (seed 7)",
            f"Anteil der 1{NNBSP}200 Läufe (lma), die mit dem Medoid-Lauf 1017 "
            "übereinstimmen (seed 7)",
        ),
    ],
)
def test_numbers_in_german_sentences_are_separated_like_the_tables(
    english: str, german: str
) -> None:
    """The German sentences showed ``37772 Pendler`` beside tables showing
    ``37 772``; the English text stays exactly as the step wrote it."""
    assert message_pair(english) == (german, english)


def test_negative_numbers_in_german_tables_have_the_minus_sign() -> None:
    assert cell(-1234.0) == (
        f'<span class="t-de">{MINUS}1{NNBSP}234</span><span class="t-en">-1{NNBSP}234</span>'
    )
    assert cell(-0.5) == f'<span class="t-de">{MINUS}0,5</span><span class="t-en">-0.5</span>'
    assert cell(1234.0) == f"1{NNBSP}234"  # the same in both languages: written once
    html = html_table(pd.DataFrame({"net_gwh": [-12.5, 3.0, -400.0]}))
    german = re.findall(r'<span class="t-de">([^<]*)</span>', html)
    english = re.findall(r'<span class="t-en">([^<]*)</span>', html)
    assert german == [f"{MINUS}12,5", f"{MINUS}400"]
    assert english == ["-12.5", "-400"]


def test_negative_chart_values_have_the_minus_sign_in_german() -> None:
    svg = svg_text('x="1"', f"-1{NNBSP}234 MWh")
    assert svg == (
        f'<text class="t-de" x="1">{MINUS}1{NNBSP}234 MWh</text>'
        f'<text class="t-en" x="1">-1{NNBSP}234 MWh</text>'
    )
    assert svg_text('x="1"', "12 MWh") == '<text x="1">12 MWh</text>'


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory):
    return bundled_results(tmp_path_factory.mktemp("i18n"))


def test_the_bundled_german_report_writes_negative_numbers_with_the_minus_sign(
    bundled,
) -> None:
    html = build_report(bundled, lang="de")
    german = re.findall(r'class="t-de"[^>]*>([^<]*)<', html)
    english = re.findall(r'class="t-en"[^>]*>([^<]*)<', html)
    assert any(text.startswith(MINUS) for text in german)  # the energy balance has deficits
    assert not [text for text in german if re.match(r"-\d", text)]
    assert not [text for text in english if MINUS in text]


def test_csv_outputs_keep_plain_numbers(bundled) -> None:
    """CSV files are read by programs: no minus sign, no narrow space, whatever the
    language of the report."""
    tables = sorted(p for p in bundled.out_dir.rglob("*.csv"))
    assert len(tables) > 5
    negative = False
    for path in tables:
        text = path.read_text(encoding="utf-8")
        assert MINUS not in text, path.name
        assert NNBSP not in text, path.name
        negative |= bool(re.search(r"(^|,)-\d", text, flags=re.MULTILINE))
    assert negative  # the balances have negative numbers, written with "-"
