"""Tests of the GENESIS / Regionaldatenbank CSV reader on files in the official layouts.

Fixtures follow ``../shared/research/official-formats.md`` section 4 (4a table CSV in
Windows-1252 with header block, indented names, trailing ``;`` padding and a quoted
multi-line footer; 4b old flat file and new ``ffcsv`` with BOM) and the table codes of
``../shared/research/bioenergy.md`` section 4.1. Numbers are invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cityregions import InputError
from cityregions.io.genesis import parse_value, read_genesis
from tests.support.official_files import (
    AREA_33111,
    CATTLE_41312,
    CROPS_41141,
    FFCSV,
    FLAT_OLD,
    write_cp1252,
)


def test_table_layout_with_status_and_footer(tmp_path: Path) -> None:
    table = read_genesis(write_cp1252(tmp_path / "41312-01-01-4_00.csv", CATTLE_41312))
    assert table.code == "41312-01-01-4"
    assert table.measure == "Rinder (Anzahl)"
    assert table.layout == "table"
    assert any("Stand: 10.10.2023" in note for note in table.notes)
    assert any("Betriebe ab 10 Rindern; Angaben" in note for note in table.notes)
    data = table.data.set_index(["key", "variable"])
    assert list(table.data.columns[:4]) == ["time", "key", "name", "level"]
    assert data.loc[("14511", "Rinder | Insgesamt"), "value"] == 1234
    chemnitz_dairy = data.loc[("14511", "Rinder | Milchkühe")]
    assert np.isnan(chemnitz_dairy["value"])
    assert chemnitz_dairy["status"] == "unknown_or_secret"
    statuses = table.data.set_index(["key", "variable"])["status"]
    assert statuses[("14612", "Rinder | Insgesamt")] == "nothing"
    assert statuses[("14713", "Rinder | Milchkühe")] == "unreliable"
    assert statuses[("14713", "Rinder | Kühe zusammen")] == "locked"
    assert statuses[("14729", "Rinder | Kühe zusammen")] == "not_yet_available"
    assert data.loc[("02", "Rinder | Insgesamt"), "value"] == 900
    assert data.loc[("02", "Rinder | Insgesamt"), "status"] == "uncertain"
    # special signs never become 0; the sum over Kreise counts only known values
    kreise = table.districts()
    totals = kreise[kreise["variable"] == "Rinder | Insgesamt"].set_index("key")["value"]
    assert totals.sum() == 1234 + 2100 + 45678 + 300 + 900
    assert {"11000", "02000"} <= set(totals.index)
    names = table.data.drop_duplicates("key").set_index("key")
    assert names.loc["14511", "name"] == "Chemnitz, Kreisfreie Stadt"
    assert (names.loc["DG", "level"], names.loc["14", "level"], names.loc["14511", "level"]) == (
        0,
        1,
        3,
    )
    assert (
        table.data.set_index(["key", "variable"]).loc[("14511", "Rinder | Insgesamt"), "line"] == 12
    )


def test_dash_as_zero(tmp_path: Path) -> None:
    table = read_genesis(write_cp1252(tmp_path / "t.csv", CATTLE_41312), dash_as_zero=True)
    row = table.data[(table.data["key"] == "14612")].iloc[0]
    assert (row["value"], row["status"]) == (0.0, "nothing")


def test_wide_time_header_and_decimal_comma(tmp_path: Path) -> None:
    table = read_genesis(write_cp1252(tmp_path / "41141-02-02-4_00.csv", CROPS_41141))
    assert "time" not in table.data.columns
    wide = table.wide()
    assert wide.loc[("14521", "Erzgebirgskreis"), "2016 | Getreide zur Körnergewinnung"] == 21000.5
    assert wide.loc[("14521", "Erzgebirgskreis"), "2020 | Silomais/Grünmais"] == 7900.25
    assert wide.loc[("14522", "Mittelsachsen"), "2016 | Getreide zur Körnergewinnung"] == 1234.5
    assert np.isnan(wide.loc[("14521", "Erzgebirgskreis"), "2020 | Getreide zur Körnergewinnung"])
    assert len(table.data) == 8


def test_two_header_lines_with_empty_cells(tmp_path: Path) -> None:
    table = read_genesis(write_cp1252(tmp_path / "33111-01-02-4_00.csv", AREA_33111))
    variables = list(dict.fromkeys(table.data["variable"]))
    assert variables == [
        "Bodenfläche insgesamt",
        "Vegetation | Landwirtschaft",
        "Vegetation | Wald",
    ]
    leipzig = table.data[table.data["key"] == "14713"].set_index("variable")["value"]
    assert leipzig["Vegetation | Landwirtschaft"] == pytest.approx(8120.7)
    assert table.data["time"].unique().tolist() == ["31.12.2022"]


def test_old_flat_file(tmp_path: Path) -> None:
    path = tmp_path / "11111-0002_flat.csv"
    path.write_bytes(FLAT_OLD.encode("latin-1"))
    table = read_genesis(path)
    assert table.layout == "flat"
    assert table.code == "11111"
    rows = table.data.set_index("key")
    assert rows.loc["14713", "value"] == pytest.approx(297.8)
    assert rows.loc["14713", "variable"] == "FLC006"
    assert rows.loc["14713", "time"] == "31.12.2022"
    assert (np.isnan(rows.loc["02000", "value"]), rows.loc["02000", "status"]) == (
        True,
        "not_yet_available",
    )


def test_new_ffcsv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "12411-0015_flat.csv"
    path.write_bytes(FFCSV.encode("utf-8"))
    table = read_genesis(path)
    assert table.layout == "ffcsv"
    rows = table.data.set_index("key")
    assert rows.loc["14713", "value"] == 619879
    assert rows.loc["14713", "value_q"] == "e"
    assert rows.loc["01001", "status"] == "unknown_or_secret"  # leading zero kept
    assert rows.loc["01001", "name"] == "Flensburg, Kreisfreie Stadt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", (12.0, "ok")),
        ("0", (0.0, "ok")),
        ("1,5", (1.5, "ok")),
        ("1.234.567", (1234567.0, "ok")),
        ("(7)", (7.0, "uncertain")),
        ("-", (np.nan, "nothing")),
        ("x", (np.nan, "locked")),
        ("", (np.nan, "missing")),
        ("abc", (np.nan, "bad")),
    ],
)
def test_parse_value(raw: str, expected: tuple[float, str]) -> None:
    value, status = parse_value(raw)
    assert status == expected[1]
    assert value == expected[0] or (np.isnan(value) and np.isnan(expected[0]))


def test_bad_cell_names_line_and_column(tmp_path: Path) -> None:
    text = CROPS_41141.replace("8000", "achttausend")
    with pytest.raises(InputError) as info:
        read_genesis(write_cp1252(tmp_path / "bad.csv", text))
    error = info.value
    assert error.location == "line 8, column 4"
    assert error.field == "2016 | Silomais/Grünmais"
    assert "'achttausend'" in str(error)


def test_not_a_genesis_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a GENESIS table"):
        read_genesis(path)
    with pytest.raises(InputError, match="does not exist"):
        read_genesis(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_genesis(tmp_path / "empty.csv")
    header_only = CROPS_41141.split("14521")[0]
    with pytest.raises(InputError, match="no data rows"):
        read_genesis(write_cp1252(tmp_path / "h.csv", header_only))


def test_given_encoding_crlf_lines_and_bad_encodings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(CROPS_41141.replace("\n", "\r\n").encode("cp1252"))
    crlf = read_genesis(path, encoding="cp1252")
    assert crlf.data.equals(read_genesis(write_cp1252(tmp_path / "lf.csv", CROPS_41141)).data)
    with pytest.raises(InputError, match="unknown encoding 'latin-9x'"):
        read_genesis(path, encoding="latin-9x")
    with pytest.raises(InputError, match=r"line \d+: wrong encoding: byte 0x"):
        read_genesis(path, encoding="utf-8")


def test_quality_flag_columns(tmp_path: Path) -> None:
    text = """GENESIS-Tabelle: 12411-01-01-4
Bevölkerungsstand (Anzahl);;;;
;;31.12.2022;;31.12.2022;
;;Insgesamt;q;männlich;q
14713;      Leipzig, Kreisfreie Stadt;616093;e;302100;p
14729;      Leipzig, Landkreis;260400;e;.;
__________
Stand: 10.10.2023 / 11:57:53
"""
    table = read_genesis(write_cp1252(tmp_path / "q.csv", text))
    data = table.data.set_index(["key", "variable"])
    assert list(dict.fromkeys(table.data["variable"])) == [
        "31.12.2022 | Insgesamt",
        "31.12.2022 | männlich",
    ]
    assert data.loc[("14713", "31.12.2022 | männlich"), "flag"] == "p"
    assert data.loc[("14729", "31.12.2022 | männlich"), "status"] == "unknown_or_secret"


def test_dissolved_units_keep_their_end_date(tmp_path: Path) -> None:
    text = """GENESIS-Tabelle: 12411-0015
Bevölkerung: Kreise, Stichtag;;
;;31.12.2015
;;Anzahl
03152;Göttingen, Landkreis (bis 31.10.2016);250000
03159;Göttingen, Landkreis;-
__________
Quelle: Statistisches Bundesamt
© Statistisches Bundesamt (Destatis), 2023
Stand: 03.01.2023 / 22:01:12
"""
    table = read_genesis(write_cp1252(tmp_path / "g.csv", text))
    rows = table.data.set_index("key")
    assert rows.loc["03152", "name"] == "Göttingen, Landkreis"
    assert rows.loc["03152", "valid_until"] == "31.10.2016"
    assert rows.loc["03159", "valid_until"] == ""
    assert rows.loc["03159", "status"] == "nothing"  # '-' outside the validity window
    assert "Quelle: Statistisches Bundesamt" in table.notes
