"""Tests of the BA Pendlerstatistik reader on workbooks written in the official layout.

The fixture workbooks follow ``../shared/research/official-formats.md`` section 1a
(Kreis workbook ``krpend``: sheets Deckblatt, Impressum, Auspendler Kreise, Einpendler
Kreise; 8 rows above the table; merged two-level header; blocks with hierarchical
partner rows, ``Übrige …`` remainders, subtotals after details, ``ZZ``/``Z`` totals,
foreign countries, ``*``) and 1b (Gemeinde workbook: Land in A4, ``…: 30.06.YYYY`` in A5,
data from row 10, 4 footer rows, ``X`` markers, ``Übrige`` rows reusing the key of the
following subtotal). Numbers are invented.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from cityregions import DataQualityWarning, InputError
from cityregions.io.ba_pendler import read_ba_pendler, read_ba_pendler_long

COUNT_HEADER = ["Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende"]


def _counts(total: int | str) -> list[int | str]:
    """Insgesamt and its split: men 55 %, Germans 90 %, trainees 4 % (parts add up)."""
    if isinstance(total, str):
        return [total] * 6
    men, germans = round(total * 0.55), round(total * 0.9)
    return [total, men, total - men, germans, total - germans, round(total * 0.04)]


def _partner(key: str, name: str, total: int | str) -> list[object]:
    return [None, None, key, name, *_counts(total)]


# Auspendler Kreise: (block key, name, partner rows). Stat. Region Leipzig = 147.
OUT_BLOCKS: list[tuple[str, str, list[list[object]]]] = [
    (
        "14713",
        "Leipzig, Stadt",
        [
            _partner("14729", "Leipzig", 25000),
            _partner("14730", "Nordsachsen", 9000),
            _partner("147", "Übrige Kreise (Regierungsbezirk)", 0),
            _partner("147", "Leipzig, Stat. Region", 34000),
            _partner("14612", "Dresden, Stadt", 6000),
            _partner("146", "Übrige Kreise (Regierungsbezirk)", 1200),
            _partner("146", "Dresden, Stat. Region", 7200),
            _partner("14", "Übrige Regierungsbezirke (Bundesland)", 3000),
            _partner("14", "Sachsen", 44200),
            _partner("15002", "Halle (Saale), Stadt", 7000),
            _partner("15088", "Saalekreis", 5000),
            _partner("150", "Übrige Kreise (Regierungsbezirk)", 800),
            _partner("15", "Sachsen-Anhalt", 12800),
            [None, None, "03159", "Göttingen", 12, "*", "*", 12, 0, 0],
            _partner("16053", "Jena, Stadt", "*"),
            _partner("ZZ", "Übrige Bundesländer", 900),
            _partner("ZZ", "Auspendler in das Bundesgebiet", 57914),
            _partner("Z", "Auspendler insgesamt", 57914),
        ],
    ),
    (
        "14729",
        "Leipzig",
        [
            _partner("14713", "Leipzig, Stadt", 40000),
            _partner("14730", "Nordsachsen", 3000),
            [None, None, "15002", "Halle (Saale), Stadt", 800, 440, 360, 720, 80, "*"],
            _partner("ZZ", "Auspendler in das Bundesgebiet", 43800),
            _partner("Z", "Auspendler insgesamt", 43800),
        ],
    ),
]
IN_BLOCKS: list[tuple[str, str, list[list[object]]]] = [
    (
        "14713",
        "Leipzig, Stadt",
        [
            _partner("14729", "Leipzig", 40000),
            _partner("14730", "Nordsachsen", 6000),
            _partner("15002", "Halle (Saale), Stadt", 3000),
            _partner("ZZ", "Einpendler aus dem Bundesgebiet", 49000),
            _partner("PL", "Polen", 300),
            _partner("CZ", "Tschechien", 120),
            _partner("Z", "Einpendler insgesamt", 49420),
        ],
    ),
]


def _sheet_with_header(workbook: Workbook, title: str, pair: tuple[str, str], land: str) -> object:
    sheet = workbook.create_sheet(title)
    sheet["A1"] = "Sozialversicherungspflichtig Beschäftigte - Pendlerverflechtungen"
    sheet["A2"] = title
    sheet["A4"] = land
    sheet["A5"] = "Stichtag: 30.06.2023"
    sheet["A7"], sheet["C7"] = pair
    sheet.merge_cells("A7:B8")
    sheet.merge_cells("C7:D8")
    for offset, label in enumerate(COUNT_HEADER):
        sheet.cell(row=7, column=5 + offset, value=label)
    return sheet


def _write_rows(sheet: object, rows: list[list[object]], *, first: int) -> None:
    """Write ``rows`` from Excel row ``first`` on (merged header cells don't count as rows)."""
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=first + offset, column=column, value=value)  # type: ignore[attr-defined]


def _write_blocks(sheet: object, blocks: list[tuple[str, str, list[list[object]]]]) -> None:
    rows: list[list[object]] = []
    for key, name, partners in blocks:
        rows += [[key, name], *partners]
    _write_rows(sheet, rows, first=9)


def make_kreis_workbook(path: Path) -> Path:
    """Write a ``krpend`` Kreis workbook (section 1a); data from Excel row 9."""
    workbook = Workbook()
    workbook.active.title = "Deckblatt"
    workbook["Deckblatt"]["A1"] = "Pendlerverflechtungen nach Kreisen"
    workbook.create_sheet("Impressum")["A1"] = "© Statistik der Bundesagentur für Arbeit"
    out = _sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "Sachsen")
    _write_blocks(out, OUT_BLOCKS)
    into = _sheet_with_header(workbook, "Einpendler Kreise", ("Arbeitsort", "Wohnort"), "Sachsen")
    _write_blocks(into, IN_BLOCKS)
    workbook.save(path)
    return path


def make_gemeinde_workbook(path: Path) -> Path:
    """Write a Gemeinde workbook (section 1b): data from row 10, 4 footer rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Auspendler Gemeinden"
    sheet["A1"] = "Sozialversicherungspflichtig Beschäftigte nach Wohn- und Arbeitsort"
    sheet["A4"] = "Sachsen"
    sheet["A5"] = "Stichtag: 30.06.2023"
    sheet["A7"], sheet["C7"] = "Wohnort", "Arbeitsort"
    sheet.merge_cells("A7:B9")
    sheet.merge_cells("C7:D9")
    for offset, label in enumerate([*COUNT_HEADER[:5], "Azubis"]):
        sheet.cell(row=8, column=5 + offset, value=label)
    rows = [
        ["14729140", "Markkleeberg, Stadt"],
        _partner("14713000", "Leipzig, Stadt", 8000),
        _partner("14729270", "Markranstädt, Stadt", 300),
        _partner("14729", "Übrige Gemeinden (Kreis)", 1500),
        _partner("14729", "Leipzig, Landkreis", 1800),
        [None, None, "14730300", "Torgau, Stadt", 11, "X", "X", 11, 0, 0],
        _partner("ZZ", "Übrige Bundesländer", 400),
        _partner("ZZ", "Auspendler in das Bundesgebiet", 10211),
        _partner("ZZ", "Auspendler in das Bundesgebiet", 10211),  # exact duplicate row
        _partner("Z", "Auspendler insgesamt", 10211),
        [14729270, "Markranstädt, Stadt"],  # key re-saved as a number
        _partner(14713000, "Leipzig, Stadt", 3100),
        _partner("Z", "Auspendler insgesamt", 3100),
        [],
        ["* Aus Datenschutzgründen werden Werte kleiner 3 anonymisiert."],
        ["Quelle: Statistik der Bundesagentur für Arbeit"],
        ["© Statistik der Bundesagentur für Arbeit"],
    ]
    _write_rows(sheet, rows, first=10)
    workbook.create_sheet("Einpendler Gemeinden")["A1"] = "leer"
    workbook.save(path)
    return path


@pytest.fixture
def kreis_workbook(tmp_path: Path) -> Path:
    return make_kreis_workbook(tmp_path / "krpend-14-0-202306-xlsx.xlsx")


@pytest.fixture
def gemeinde_workbook(tmp_path: Path) -> Path:
    return make_gemeinde_workbook(tmp_path / "pendler_gemeinden_14.xlsx")


def test_auspendler_kreise_unit_flows_only(kreis_workbook: Path) -> None:
    with pytest.warns(DataQualityWarning) as caught:
        flows = read_ba_pendler(kreis_workbook)
    messages = " ".join(str(w.message) for w in caught)
    assert "1 flow(s) anonymised" in messages
    assert "no internal" in messages
    assert flows.ids == ("03159", "14612", "14713", "14729", "14730", "15002", "15088")
    long = flows.to_long().set_index(["origin", "destination"])["value"]
    assert long.to_dict() == {
        ("14713", "03159"): 12,
        ("14713", "14612"): 6000,
        ("14713", "14729"): 25000,
        ("14713", "14730"): 9000,
        ("14713", "15002"): 7000,
        ("14713", "15088"): 5000,
        ("14729", "14713"): 40000,
        ("14729", "14730"): 3000,
        ("14729", "15002"): 800,
    }
    # Sum of unit rows + remainders + Jena (*) and ZZ rest = the Z total of the block
    assert flows.out_totals()["14713"] == 52012
    assert flows.provenance == "observed"


def test_long_table_keeps_every_split_status_and_aggregates(kreis_workbook: Path) -> None:
    table = read_ba_pendler_long(kreis_workbook, sheet="Auspendler Kreise")
    assert (table.direction, table.reference_date, table.land) == ("out", "30.06.2023", "Sachsen")
    flows = table.flows.set_index(["origin", "destination"])
    halle = flows.loc[("14713", "15002")]
    assert (halle["men"], halle["women"], halle["germans"], halle["foreigners"]) == (
        3850,
        3150,
        6300,
        700,
    )
    assert halle["row"] == 19  # block 14713 starts at Excel row 9
    jena = flows.loc[("14713", "16053")]
    assert np.isnan(jena["value"])
    assert jena["status"] == "suppressed"
    goettingen = flows.loc[("14713", "03159")]
    assert (goettingen["value"], goettingen["status"]) == (12, "ok")
    assert np.isnan(goettingen["men"])
    assert goettingen["suppressed"] == "men,women"
    aggregates = table.aggregates
    assert not set(table.flows["destination"]) & {"147", "146", "14", "15", "ZZ", "Z"}
    kinds = aggregates.groupby("kind").size().to_dict()
    assert kinds == {"remainder": 4, "subtotal": 4, "total": 5}
    # shown Kreise + Übrige = the following subtotal (hierarchy check as in MATSimPipeline)
    region = aggregates[(aggregates["origin"] == "14713") & (aggregates["destination"] == "146")]
    remainder, subtotal = region["value"].tolist()
    shown = flows.loc[("14713", "14612"), "value"]
    assert shown + remainder == subtotal == 7200


def test_einpendler_sheet_reverses_direction_and_keeps_countries(kreis_workbook: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        into = read_ba_pendler(kreis_workbook, direction="in")
        out = read_ba_pendler(kreis_workbook, sheet="Auspendler Kreise")
    assert into.in_totals()["14713"] == 49000
    # the same pair seen from both sides has the same count
    assert into.matrix[into.ids.index("14729"), into.ids.index("14713")] == 40000
    assert out.matrix[out.ids.index("14729"), out.ids.index("14713")] == 40000
    table = read_ba_pendler_long(kreis_workbook, direction="in")
    countries = table.aggregates[table.aggregates["kind"] == "country"]
    assert countries.set_index("origin")["value"].to_dict() == {"PL": 300, "CZ": 120}
    totals = table.aggregates[table.aggregates["kind"] == "total"]
    assert totals["value"].tolist() == [49000, 49420]  # ZZ (Bundesgebiet) ≠ Z (incl. abroad)


def test_units_restrict_flows(kreis_workbook: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        flows = read_ba_pendler(kreis_workbook, units=["14729", "14713", "14730"])
    assert flows.ids == ("14729", "14713", "14730")
    assert flows.total == 25000 + 9000 + 40000 + 3000


def test_gemeinde_workbook(gemeinde_workbook: Path) -> None:
    table = read_ba_pendler_long(gemeinde_workbook)
    assert table.reference_date == "30.06.2023"
    flows = table.flows.set_index(["origin", "destination"])
    assert flows["value"].to_dict() == {
        ("14729140", "14713000"): 8000,
        ("14729140", "14729270"): 300,
        ("14729140", "14730300"): 11,
        ("14729270", "14713000"): 3100,  # numeric keys re-padded
    }
    assert flows.loc[("14729140", "14713000"), "row"] == 11  # block row 10, partner row 11
    assert flows.loc[("14729140", "14730300"), "suppressed"] == "men,women"
    trainees = flows.loc[("14729140", "14713000"), "trainees"]
    assert trainees == 320  # the 'Azubis' column
    kinds = table.aggregates.groupby("kind").size().to_dict()
    assert kinds == {"remainder": 1, "subtotal": 1, "total": 5}
    assert "Quelle" not in " ".join(table.flows["origin_name"])  # footer is not data


def test_missing_sheet(kreis_workbook: Path) -> None:
    with pytest.raises(InputError) as info:
        read_ba_pendler(kreis_workbook, sheet="Auspendler Gemeinden")
    assert "no sheet 'Auspendler Gemeinden'" in str(info.value)
    assert "Auspendler Kreise" in str(info.value)


def test_non_numeric_count_names_sheet_row_and_column(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = _sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "X")
    _write_blocks(sheet, [("14713", "Leipzig, Stadt", [_partner("14729", "Leipzig", "viele")])])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as info:
        read_ba_pendler(path)
    error = info.value
    assert "Auspendler Kreise" in str(error.source)
    assert error.location == "row 10, column E"
    assert error.field == "value"
    assert "'viele'" in str(error)


def test_sheet_without_table(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Auspendler Kreise"
    workbook.active["A1"] = "nur Text"
    path = tmp_path / "empty.xlsx"
    workbook.save(path)
    with pytest.raises(InputError, match="no BA Pendler table found"):
        read_ba_pendler(path)


# --- interactive CSV export (official-formats.md section 1d) ----------------------------

CSV_EXPORT = """"Land";"Sachsen"
"Kreis";"Leipzig, Stadt"
"";""
"Regionale Ebene";"Kreise"
"Gebietsstand";"Juni 2023"
"Berichtsmonat";"Juni 2023"
"Datenstand";"Januar 2024"
"Hinweise";"In den Pendlerangaben sind nur regional zuordenbare Fälle enthalten Regionen, deren Pendlerzahl insgesamt kleiner 10 ist, werden als „Übrige“ zu der nächsthöheren Ebene zusammengefasst"
""
""
"Thema:";"Einpendler Kreise"
"Arbeitsort";"Regionalschlüssel";"Wohnort";"Regionalschlüssel";"Insgesamt";"Männer";"Frauen";"Deutsche";"Ausländer";"Auszubildende"
"Leipzig, Stadt";"14713";"Einpendler insgesamt";"0";"158240";"82310";"75930";"141200";"17040";"4810"
"Leipzig, Stadt";"14713";"Übrige Kreise (Regierungsbezirk)";"010xx";"30";"20";"10";"30";"0";"0"
"Leipzig, Stadt";"14713";"Halle (Saale), Stadt";"15002";"11870";"6210";"5660";"11010";"860";"350"
"Leipzig, Stadt";"14713";"Leipzig";"14729";"40.000";"21.000";"19.000";"38.000";"2.000";"1.200"
"Leipzig, Stadt";"14713";"Polen";"PL";"420";"330";"90";"10";"410";"0"
""
"Exportdatum: ";"15072024";"23:6:42"
"© Statistik der Bundesagentur für Arbeit"
"Die Produkte unterliegen dem Urheberrecht. Eigene Berechnungen sind erlaubt, jedoch als solche kenntlich zu machen."
"""  # noqa: E501


def test_interactive_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "statistik_pendler_2024071523642.csv"
    path.write_text(CSV_EXPORT, encoding="utf-8-sig")
    table = read_ba_pendler_long(path)
    assert (table.direction, table.reference_date, table.land) == ("in", "Juni 2023", "Sachsen")
    flows = table.flows.set_index(["origin", "destination"])
    assert flows["value"].to_dict() == {("15002", "14713"): 11870, ("14729", "14713"): 40000}
    assert flows.loc[("14729", "14713"), "trainees"] == 1200  # dot thousands separator
    kinds = table.aggregates.set_index("origin")["kind"].to_dict()
    assert kinds == {"0": "total", "010xx": "remainder", "PL": "country"}
    with pytest.warns(DataQualityWarning, match="no internal"):
        flow_table = read_ba_pendler(path)
    assert flow_table.in_totals()["14713"] == 51870


def test_interactive_csv_bad_count(tmp_path: Path) -> None:
    path = tmp_path / "statistik_pendler.csv"
    path.write_text(CSV_EXPORT.replace('"11870"', '"elf"'), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_ba_pendler(path)
    assert (info.value.location, info.value.field) == ("line 15, field 5", "value")
    path.write_text('"Land";"Sachsen"\n"a";"b"\n', encoding="utf-8")
    with pytest.raises(InputError, match="no BA Pendler header line"):
        read_ba_pendler(path)


# --- BA Gemeindedaten (official-formats.md section 1e): the diagonal --------------------

GEMEINDEDATEN_HEADER = [
    "Sozialversicherungspflichtig Beschäftigte am Wohnort",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    "Sozialversicherungspflichtig Beschäftigte am Arbeitsort",
    "Wohnort\ngleich\nArbeitsort",
    "Einpendler",
    "Auspendler",
    "Zahl der Betriebe",
]
SUBHEADER = ["insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "unter 20 Jahre"]
SUBHEADER += ["20 bis unter 25 Jahre", "55 Jahre und älter"]


def _gemeinde_row(key: object, name: str, residents: int, workplace: int, internal: int) -> list:
    men = round(residents * 0.52)
    germans = round(residents * 0.93)
    young, mid, old = round(residents * 0.02), round(residents * 0.06), round(residents * 0.25)
    split = [men, residents - men, germans, residents - germans, young, mid, old]
    flows = [workplace, internal, workplace - internal, residents - internal]
    return [key, name, residents, *split, *flows, round(workplace / 12)]


def make_gemeindedaten(path: Path, *, internal_column: int = 12) -> Path:
    """Write ``gemband`` (sheet Gemeindedaten, data from row 9, header with line breaks)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Gemeindedaten"
    sheet["A1"] = "Gemeindedaten der sozialversicherungspflichtig Beschäftigten"
    sheet["A3"] = "Stichtag: 30.06.2023"
    header = list(GEMEINDEDATEN_HEADER)
    label = header.pop(9)
    header.insert(internal_column - 3, label)
    for offset, text in enumerate(header):
        if text is not None:
            sheet.cell(row=6, column=3 + offset, value=text)
    for offset, text in enumerate(SUBHEADER):
        sheet.cell(row=7, column=3 + offset, value=text)
    for column in range(1, 16):
        sheet.cell(row=8, column=column, value=column)  # column numbers as in BA tables
    rows = [
        _gemeinde_row("14713", "Leipzig, Stadt", 250000, 300000, 192086),
        _gemeinde_row("14729", "Leipzig, Landkreis", 110000, 70000, 40000),
        _gemeinde_row("14729140", "Markkleeberg, Stadt", 10000, 6000, 2500),
        _gemeinde_row(14729270, "Markranstädt, Stadt", 6000, 4000, 1500),
        _gemeinde_row("14", "Sachsen", 1700000, 1680000, 1200000),
        ["Deutschland", None, 34000000],
    ]
    rows[2][6] = "*"  # anonymised foreigners
    _write_rows(sheet, rows, first=9)
    workbook.save(path)
    return path


def test_gemeindedaten_levels_and_kreis_diagonal(tmp_path: Path, kreis_workbook: Path) -> None:
    from cityregions.io.ba_gemeindedaten import read_ba_gemeindedaten

    path = make_gemeindedaten(tmp_path / "gemband-dlk-0-202306-xlsx.xlsx")
    gemeinden = read_ba_gemeindedaten(path)
    assert list(gemeinden.index) == ["14713000", "14729140", "14729270"]
    assert gemeinden["internal"].tolist() == [192086, 2500, 1500]
    assert np.isnan(gemeinden.loc["14729140", "residents_foreigners"])
    assert gemeinden.loc["14729140", "suppressed"] == "residents_foreigners"
    kreise = read_ba_gemeindedaten(path, level="district")
    assert list(kreise.index) == ["14713", "14729"]
    # Kreis diagonal = employees living in the Kreis - its out-commuters (Z row)
    out = read_ba_pendler_long(kreis_workbook)
    totals = out.block_totals()
    assert totals.to_dict() == {"14713": 57914, "14729": 43800}
    internal = kreise["residents"] - totals
    assert internal["14713"] == kreise.loc["14713", "internal"] == 192086
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        flows = read_ba_pendler(kreis_workbook, units=["14713", "14729"])
    complete = flows.with_diagonal(internal)
    assert complete.has_diagonal
    assert complete.out_totals()["14713"] == 25000 + 192086  # 14729 only, within the units


def test_gemeindedaten_unexpected_layout(tmp_path: Path) -> None:
    from cityregions.io.ba_gemeindedaten import read_ba_gemeindedaten

    path = make_gemeindedaten(tmp_path / "g.xlsx", internal_column=11)
    with pytest.raises(InputError) as info:
        read_ba_gemeindedaten(path)
    assert info.value.location == "column K"
    with pytest.raises(InputError, match="no sheet 'Gemeindedaten'"):
        read_ba_gemeindedaten(make_kreis_workbook(tmp_path / "k.xlsx"))


def test_workbook_given_as_a_flow_table_says_how_to_read_it(kreis_workbook: Path) -> None:
    from cityregions.io import read_flows

    with pytest.raises(InputError, match="BA Pendlerstatistik workbook") as info:
        read_flows(kreis_workbook)
    assert "read_ba_pendler()" in str(info.value)
    assert "'Auspendler Kreise'" in str(info.value)
    assert str(kreis_workbook) in str(info.value)
