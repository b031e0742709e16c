"""Read TOML text with a nesting limit: one message, never a ``RecursionError``.

:mod:`tomllib` parses arrays and inline tables recursively: ``x = [[[[…]]]]`` some 300
levels deep ends in ``RecursionError`` — a traceback instead of a message for
``case.toml``, a coefficient file (``--coefficients``) or a TOML scenario file.
:func:`parse_toml` first scans the text once, without recursion, for the deepest
nesting of ``[`` and ``{`` outside strings and comments, and refuses more than
:data:`MAX_DEPTH` levels (the limit of the YAML reader, :mod:`cityregions.io._yaml`:
a documented parameter; these files nest two or three levels).

This module is at the base of the package (no third-party imports), so that the case
reader, the scenario reader and the energy coefficients share it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Final

from cityregions._errors import InputError

#: Deepest nesting of arrays and inline tables accepted (case.toml needs ~3).
MAX_DEPTH: Final = 64

_QUOTES: Final = ('"""', "'''", '"', "'")


def nesting_depth(text: str) -> tuple[int, int]:
    """Return the deepest nesting of ``[``/``{`` outside strings and comments, and its line.

    Table headers (``[units]``, ``[[x]]``) count as one or two levels, which they close
    at once. The scan is linear and does not recurse.

    Examples
    --------
    >>> nesting_depth('a = [1, [2, "[[["]]  # [[[\\n[b]\\nc = {d = [3]}\\n')
    (2, 1)
    """
    depth = deepest = 0
    line = where = 1
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            end = _skip_string(text, i)
            line += text.count("\n", i, end)  # multi-line strings
            i = end
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest, where


def _skip_string(text: str, start: int) -> int:
    """Return the index after the string that opens at ``start`` (basic or literal)."""
    quote = next(q for q in _QUOTES if text.startswith(q, start))
    i = start + len(quote)
    while i < len(text):
        if quote[0] == '"' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and text[i] == "\n":
            return i  # an unclosed one-line string: tomllib names it
        i += 1
    return i


def parse_toml(text: str, *, source: str | Path) -> dict[str, Any]:
    """Parse TOML ``text``; raise one :class:`~cityregions.InputError` if it is not valid.

    Parameters
    ----------
    text
        The file's text.
    source
        The file, for messages.

    Raises
    ------
    InputError
        Nesting deeper than :data:`MAX_DEPTH` (naming the line), or not valid TOML.

    Examples
    --------
    >>> parse_toml('name = "x"\\n[units]\\nfile = "u.csv"\\n', source="case.toml")
    {'name': 'x', 'units': {'file': 'u.csv'}}
    >>> parse_toml("x = " + "[" * 100 + "]" * 100, source="c.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: c.toml, line 1: arrays or inline tables nested more ...
    """
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        msg = (
            f"arrays or inline tables nested more than {MAX_DEPTH} levels deep; a case, "
            "coefficient or scenario file needs a few levels"
        )
        raise InputError(msg, source=source, location=f"line {line}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        msg = f"not valid TOML: {error}"
        raise InputError(msg, source=source) from None
    except RecursionError:  # not reached after the depth check; kept as a guard
        msg = "not valid TOML: nested too deeply"
        raise InputError(msg, source=source) from None
