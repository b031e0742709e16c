"""Tests of the GV100AD reader on the record examples of official-formats.md section 2a.

The lines below are the example records printed in ``../shared/research/official-formats.md``
(real key structure, illustrative numbers, ``Musterdorf`` invented); the file stores them
with trailing blanks trimmed, as shown there, and the fixture pads them back to 220
characters. One Görlitz pair was added to test the encodings (umlaut in the name).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cityregions import InputError
from cityregions.io.gv100 import gv100_units, read_gv100
from tests.support.official_files import DOC_LINES, goerlitz_lines, write_gv100

# fmt: on


def test_doc_records(tmp_path: Path) -> None:
    records = read_gv100(write_gv100(tmp_path / "GV100AD_31122023.txt", DOC_LINES))
    assert records["satzart"].tolist() == ["10", "40", "50", "60", "40", "50", "60"]
    halle = records[records["satzart"] == "60"].iloc[0]
    assert (halle["ags"], halle["ars"]) == ("15002000", "150020000000")
    assert halle["name"] == "Halle (Saale), Stadt"
    assert (halle["area_ha"], halle["population"], halle["population_male"]) == (
        13501,
        238000,
        117000,
    )
    assert (halle["postcode"], halle["postcode_several"], halle["textkennzeichen"]) == (
        "06108",
        "*****",
        "61",
    )
    assert (halle["arbeitsagentur"], halle["bundestag_from"]) == ("04701", "072")
    muster = records[records["satzart"] == "60"].iloc[1]
    assert (muster["ags"], muster["ars"]) == ("15088999", "150885999999")
    assert records.iloc[0]["seat"] == "Magdeburg, Landeshauptstadt"
    assert records.iloc[5]["ars"] == "150885999"
    assert records["stand"].unique().tolist() == ["20231231"]


def test_trimmed_lines_give_the_same_records(tmp_path: Path) -> None:
    padded = read_gv100(write_gv100(tmp_path / "a.txt", DOC_LINES))
    trimmed = read_gv100(write_gv100(tmp_path / "b.txt", DOC_LINES, pad=False))
    assert padded.equals(trimmed)


def test_units_of_both_levels(tmp_path: Path) -> None:
    records = read_gv100(write_gv100(tmp_path / "gv.txt", DOC_LINES))
    gemeinden = gv100_units(records)
    assert gemeinden.ids == ["15002000", "15088999"]
    assert gemeinden.units.loc["15002000", "area_km2"] == pytest.approx(135.01)
    assert gemeinden.units.loc["15088999", "parent"] == "15088"
    kreise = gv100_units(records, unit_level="district")
    assert kreise.ids == ["15002", "15088"]
    assert kreise.units["population"].tolist() == [238000, 1234]
    assert kreise.units.loc["15088", "name"] == "Saalekreis"
    assert "Stand 20231231" in kreise.provenance["*"]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "cp850"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    records = read_gv100(
        write_gv100(tmp_path / "gv.txt", DOC_LINES + goerlitz_lines(), encoding=encoding)
    )
    goerlitz = records[records["ags"] == "14626110"].iloc[0]
    assert goerlitz["name"] == "Görlitz, Stadt"
    assert goerlitz["population"] == 238000  # fields after the name did not shift


def test_bad_records(tmp_path: Path) -> None:
    lines = [*DOC_LINES[:2], "99" + DOC_LINES[2][2:]]
    with pytest.raises(InputError) as info:
        read_gv100(write_gv100(tmp_path / "bad.txt", lines))
    assert info.value.location == "line 3"
    assert "unknown Satzart '99'" in str(info.value)
    broken = DOC_LINES[3][:139] + "0000023800X" + DOC_LINES[3][150:]
    with pytest.raises(InputError) as info:
        read_gv100(write_gv100(tmp_path / "bad2.txt", [broken]))
    assert info.value.field == "population (140-150)"
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_gv100(tmp_path / "empty.txt")
