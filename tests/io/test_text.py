"""The shared text reader (:mod:`cityregions.io._text`): the whole file is checked.

Each case below went wrong before issue 16: a NUL byte after the first 64 KiB ended up
inside a unit id, a delimiter at the end of the first data row shifted every column
(or ended in ``TypeError … dtype 'str'``), and numbers Python's ``float`` reads but no
table should hold passed as numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityregions import InputError
from cityregions.io import read_flows, read_units
from cityregions.io._text import check_numbers, read_frame

HEADER = "origin,destination,value\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_nul_byte_beyond_64_kib_is_found_on_its_line(tmp_path: Path) -> None:
    rows = "".join(f"{1000 + i},{1000 + i},5\n" for i in range(7000))  # > 65,536 characters
    assert len(HEADER + rows) > 65_536
    path = _write(tmp_path / "f.csv", HEADER + rows + "1\x006062,1001,3\n")
    with pytest.raises(InputError, match=r"control character '\\x00'") as error:
        read_flows(path)
    assert error.value.location == "line 7002"


@given(position=st.integers(0, 2000), char=st.sampled_from(["\x00", "\x01", "\x1b", "\x1f"]))
@settings(max_examples=25, deadline=None, derandomize=True)
def test_a_control_character_anywhere_names_its_line(
    tmp_path_factory: pytest.TempPathFactory, position: int, char: str
) -> None:
    text = HEADER + "".join(f"{10 + i},{10 + i},{i}\n" for i in range(150))
    position = min(position, len(text))
    broken = text[:position] + char + text[position:]
    path = _write(tmp_path_factory.mktemp("c") / "f.csv", broken)
    with pytest.raises(InputError, match="control character") as error:
        read_frame(path)
    assert error.value.location == f"line {broken[:position].count(chr(10)) + 1}"


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("origin,destination,value\n01,02,4,\n02,02,6\n", 2, "',' at the end of the line"),
        ("origin,destination,value\n01,02,4,\n02,02,6,\n", 2, "',' at the end of the line"),
        ("origin;destination;value\n01;02;4;7\n", 2, "an extra value"),
        ("\n\norigin,destination,value\n01,02,4\n02,02,6,9\n", 5, "an extra value or a delim"),
    ],
)
def test_more_fields_than_the_header_is_one_message_naming_the_line(
    tmp_path: Path, text: str, line: int, why: str
) -> None:
    path = _write(tmp_path / "f.csv", text)
    with pytest.raises(InputError, match="fields, the header 3") as error:
        read_flows(path)
    assert error.value.location == f"line {line}"
    assert why in str(error.value)


def test_a_trailing_delimiter_no_longer_shifts_the_unit_columns(tmp_path: Path) -> None:
    """Before: ``unit`` became the index and ``name`` held the population."""
    path = _write(tmp_path / "u.csv", "unit,name,population\n01,A,5,\n02,B,7\n")
    with pytest.raises(InputError, match="line 2: the line has 4 fields, the header 3"):
        read_units(path)


def test_fewer_fields_and_quoted_delimiters_are_still_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "u.csv", 'unit,name,population\n01,"A, Stadt",5\n02,B\n')
    frame = read_frame(path)
    assert frame["name"].tolist() == ["A, Stadt", "B"]
    assert frame["population"].isna().tolist() == [False, True]
    assert frame.index.tolist() == [2, 3]


BAD_NUMBERS = ["inf", "-inf", "nan", "1e400", "1e308", "١٢", "１２", "1_000", "0x10", "12abc"]


@pytest.mark.parametrize("token", BAD_NUMBERS)
def test_flow_values_are_finite_ascii_decimals(tmp_path: Path, token: str) -> None:
    path = _write(tmp_path / "f.csv", f"{HEADER}01,01,5\n01,02,{token}\n")
    with pytest.raises(InputError, match="finite decimal number") as error:
        read_flows(path)
    assert (error.value.location, error.value.field) == ("line 3", "value")


@pytest.mark.parametrize("token", ["inf", "1e400", "١٢", "1_000"])
def test_unit_numbers_are_finite_ascii_decimals(tmp_path: Path, token: str) -> None:
    path = _write(tmp_path / "u.csv", f"unit,population\n01,5\n02,{token}\n")
    with pytest.raises(InputError, match="finite decimal number") as error:
        read_units(path)
    assert (error.value.location, error.value.field) == ("line 3", "population")


def test_ordinary_numbers_pass_the_check() -> None:
    cells = pd.Series(["12", "-0.5", "1e-05", " 3 ", None, "", "+7", ".5", "2."], index=range(9))
    check_numbers(cells, where="t.csv", field="value")  # no error
    check_numbers(pd.Series([1.5, float("nan"), 3.0]), where="t.parquet", field="value")
    with pytest.raises(InputError, match="got inf"):
        check_numbers(pd.Series([1.5, float("inf")]), where="t.parquet", field="value")
