"""Lists of unit ids in files (``--cities @file``, ``--central-places @file``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityregions import InputError
from cityregions.io.id_lists import read_ids

CASE = Path(__file__).resolve().parents[2] / "src" / "cityregions" / "cases" / "mitteldeutschland"


def test_csv_with_a_unit_column_and_text_with_comments(tmp_path: Path) -> None:
    table = tmp_path / "oz.csv"
    table.write_text("name,unit\nLeipzig,14713000\nHalle,15002000\n", encoding="utf-8")
    assert read_ids(table, what="central places") == ["14713000", "15002000"]
    text = tmp_path / "cities.txt"
    text.write_text("# FUA cities\n14713000\n\n  15002000  \n", encoding="utf-8")
    assert read_ids(text, what="cities") == ["14713000", "15002000"]


def test_bundled_central_places_have_a_source_each() -> None:
    ids = read_ids(CASE / "central_places.csv", what="central places")
    assert ids == [
        "14511000", "14612000", "14713000", "14523320", "14524330", "14625020", "14626110",
        "14625240", "15001000", "15002000", "15003000", "16051000", "16052000", "16053000",
    ]  # fmt: skip
    import csv

    with (CASE / "central_places.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"].count("http") >= 1 for row in rows)
    assert {row["category"].split(" (")[0] for row in rows} == {"Oberzentrum"}
    assert all(row["in_force"][:4] in ("2011", "2013", "2014") for row in rows)


@pytest.mark.parametrize(
    ("content", "suffix", "message", "line"),
    [
        ("unit\n14713000\n14713000\n", ".csv", r"listed twice \(first on line 2\)", "line 3"),
        ("unit\n14713000\n\n", ".csv", None, None),
        ("unit\n14713000\n,\n", ".csv", "empty id", "line 3"),
        ("name\nLeipzig\n", ".csv", "needs a column 'unit'", "line 1"),
        ("# nothing\n", ".txt", "no ids", None),
        ("a\nb\na\n", ".txt", "listed twice", "line 3"),
    ],
)
def test_bad_lists_name_file_line_and_field(
    tmp_path: Path, content: str, suffix: str, message: str | None, line: str | None
) -> None:
    path = tmp_path / f"ids{suffix}"
    path.write_text(content, encoding="utf-8")
    if message is None:
        assert read_ids(path, what="cities") == ["14713000"]  # a blank last line is fine
        return
    with pytest.raises(InputError, match=message) as error:
        read_ids(path, what="cities")
    text = str(error.value)
    assert str(path) in text
    if line:
        assert line in text
    with pytest.raises(InputError, match="does not exist"):
        read_ids(tmp_path / "missing.csv", what="cities")
