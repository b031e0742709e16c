"""What a number in an input file may be (:mod:`cityregions._numbers`)."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityregions._numbers import MAX_MAGNITUDE, parse_number


@pytest.mark.parametrize(
    ("text", "comma", "value"),
    [
        ("12", False, 12.0),
        (" -0.5 ", False, -0.5),
        ("1e-05", False, 1e-05),
        ("2.", False, 2.0),
        (".5", False, 0.5),
        ("+7", False, 7.0),
        ("0,25", True, 0.25),
        ("-3,5E2", True, -350.0),
        ("1e15", False, 1e15),
    ],
)
def test_plain_decimals_are_read(text: str, comma: bool, value: float) -> None:
    assert parse_number(text, decimal_comma=comma) == value


@pytest.mark.parametrize(
    "text",
    ["inf", "-Infinity", "nan", "1e400", "1e308", "1.0000001e15", "١٢", "١٢.٥", "１２",
     "1_000", "0x10", "1,5", "", " ", "+", ".", "e5", "1e", "12 000", "\u00a012"],
)  # fmt: skip
def test_everything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a plain decimal|not finite"):
        parse_number(text)


def test_a_point_in_a_decimal_comma_file_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plain decimal"):
        parse_number("0.5", decimal_comma=True)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_every_float_written_by_repr_reads_back(value: float) -> None:
    """An independent round trip: what Python (and pandas' CSV writer) writes is read."""
    assert parse_number(repr(value)) == value


@given(st.text(max_size=12))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_what_is_accepted_is_ascii_and_within_the_bound(text: str) -> None:
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert re.fullmatch(r"[\s0-9eE+.\-]*", text, flags=re.ASCII)
    assert math.isfinite(value)
    assert abs(value) <= MAX_MAGNITUDE
