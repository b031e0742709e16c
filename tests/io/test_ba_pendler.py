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
from tests.support.official_files import (
    CSV_EXPORT,
    make_gemeinde_workbook,
    make_gemeindedaten,
    make_kreis_workbook,
    partner_row,
    sheet_with_header,
    write_blocks,
)


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
    assert flows.residents()["14713"] == 52012
    assert flows.flows_provenance == "observed"


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
    assert into.jobs()["14713"] == 49000
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
    sheet = sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "X")
    write_blocks(sheet, [("14713", "Leipzig, Stadt", [partner_row("14729", "Leipzig", "viele")])])
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
    assert flow_table.jobs()["14713"] == 51870


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


def test_gemeindedaten_levels_and_kreis_diagonal(tmp_path: Path, kreis_workbook: Path) -> None:
    from cityregions.io.ba_gemeindedaten import read_ba_gemeindedaten

    path = make_gemeindedaten(tmp_path / "gemband-dlk-0-202306-xlsx.xlsx")
    gemeinden = read_ba_gemeindedaten(path)
    assert list(gemeinden.index) == ["14713000", "14729140", "14729270"]
    assert gemeinden["internal"].tolist() == [192086, 2500, 1500]
    assert np.isnan(gemeinden.loc["14729140", "residents_foreigners"])
    assert gemeinden.loc["14729140", "suppressed"] == "residents_foreigners"
    kreise = read_ba_gemeindedaten(path, unit_level="district")
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
    assert complete.residents()["14713"] == 25000 + 192086  # 14729 only, within the units


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
