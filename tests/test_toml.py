"""TOML with a nesting limit: the scan agrees with the parsed structure; deep text refused."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityregions._errors import InputError
from cityregions._toml import MAX_DEPTH, nesting_depth, parse_toml

#: Strings that hold what the scan must not count: brackets, braces, comment signs, quotes.
TRICKY = st.sampled_from(["[", "]]", "{", "}", "#", "a[b", "'", "\\", "x # [[", '"[', ""])

VALUES = st.recursive(
    st.integers(-5, 5) | TRICKY,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=2)
    ),
    max_leaves=12,
)


def _toml_value(value: Any, literal: bool) -> str:
    """Write ``value`` as a TOML value (strings as basic or literal strings)."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v, not literal) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v, literal)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        if literal and "'" not in value:
            return f"'{value}'"
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    return str(value)


def _depth(value: Any) -> int:
    """Nesting of arrays and inline tables in the parsed value (independent of the text)."""
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=200, derandomize=True, database=None)
@given(value=VALUES, literal=st.booleans())
def test_the_scan_counts_what_the_parser_nests(value: Any, literal: bool) -> None:
    text = f"# comment with [[ and {{\n[table]\nx = {_toml_value(value, literal)}  # ]] [[\n"
    parsed = tomllib.loads(text)["table"]["x"]
    assert parsed == value
    # the table header [table] is one level of its own, closed at once
    assert nesting_depth(text)[0] == max(1, _depth(value))


def test_hand_counted_cases() -> None:
    assert nesting_depth("") == (0, 1)
    assert nesting_depth('a = """\n[[[\n"""\nb = [[1]]\n') == (2, 4)
    assert nesting_depth("a = '''x\n{{{'''\nb = {c = {d = [1]}}\n") == (3, 3)
    assert nesting_depth('a = "\\"[[["\n') == (0, 1)  # an escaped quote inside a string


@pytest.mark.parametrize("opening", ["[", "{x = "])
def test_deeper_than_the_limit_is_one_message(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    ok = "v = " + opening * MAX_DEPTH + "1" + closing * MAX_DEPTH + "\n"
    if opening == "[":
        assert _depth(parse_toml(ok, source="ok.toml")["v"]) == MAX_DEPTH
    too_deep = "\n\nv = " + opening * 5000 + "1" + closing * 5000 + "\n"
    with pytest.raises(InputError, match=r"deep\.toml, line 3: arrays or inline tables nested"):
        parse_toml(too_deep, source="deep.toml")
    with pytest.raises(RecursionError):  # what the check prevents
        tomllib.loads(too_deep)


def test_invalid_toml_names_the_file() -> None:
    with pytest.raises(InputError, match=r"bad\.toml: not valid TOML: Invalid value"):
        parse_toml("x = [1,\n", source="bad.toml")
