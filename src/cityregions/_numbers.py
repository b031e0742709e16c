"""What a number in an input file may look like: finite ASCII decimals, nothing else.

Python's :class:`float` reads far more than a table of counts and areas should hold:
``inf``, ``nan``, ``1e400`` (infinite), ``1_000`` (digit grouping), ``١٢`` and ``１２``
(non-ASCII digits), all silently. Every reader of numbers in cityregions goes through
:func:`parse_number` (one cell) or :data:`NUMBER_PATTERN` (a whole column, vectorised by
the readers in :mod:`cityregions.io`), so one rule holds everywhere:

* ASCII digits ``0-9`` with an optional sign, one decimal mark and an optional exponent
  (``12``, ``-0.5``, ``1e-05`` — the last is how CSV writers put small shares);
* the decimal mark is a point, or a comma in files that use the German convention
  (:func:`parse_number` with ``decimal_comma=True``);
* the value is finite and its magnitude at most :data:`MAX_MAGNITUDE`.

This module is at the base of the package (it imports nothing of cityregions and no
third-party library), so that analyses that check tables in memory
(:mod:`cityregions.energy.inputs`) and the readers share it.
"""

from __future__ import annotations

import math
import re
from typing import Final

#: Largest magnitude accepted for a value read from an input file (a documented bound,
#: not a published constant): no count of people or commuters, area in hectares or
#: weight in these tables comes near it (the world has 8·10⁹ people, the Earth's land
#: 1.5·10¹⁰ ha), while values near the float limit (``1e308``) overflow to infinity as
#: soon as two of them are added or multiplied by a coefficient.
MAX_MAGNITUDE: Final = 1e15

#: A number with a decimal point (regular expression for a whole cell, ASCII only).
NUMBER_PATTERN: Final = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: The same with a decimal comma (German spreadsheet exports).
COMMA_NUMBER_PATTERN: Final = r"[+-]?(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)(?:[eE][+-]?[0-9]+)?"

#: Blanks around a number that are ignored (ASCII only: a no-break space is refused).
ASCII_BLANKS: Final = " \t\r\n\f\v"

_POINT = re.compile(NUMBER_PATTERN, re.ASCII)
_COMMA = re.compile(COMMA_NUMBER_PATTERN, re.ASCII)

#: What the messages say a number must look like.
EXPECTED: Final = (
    f"a finite decimal number written with ASCII digits (e.g. 12, 0.5 or 1e-05; at most "
    f"{MAX_MAGNITUDE:.0e} in magnitude)"
)


def number_problem(text: str, *, decimal_comma: bool = False) -> str | None:
    """Return why ``text`` is not an acceptable number, or None if it is one.

    Parameters
    ----------
    text
        One cell, already stripped of surrounding blanks.
    decimal_comma
        Whether the file writes decimals with a comma (``0,5``) instead of a point.

    Examples
    --------
    >>> number_problem("12.5"), number_problem("0,5", decimal_comma=True)
    (None, None)
    >>> number_problem("inf")
    "'inf' is not a plain decimal number"
    >>> number_problem("1e400")
    "'1e400' is not finite or larger than 1e+15 in magnitude"
    """
    pattern = _COMMA if decimal_comma else _POINT
    if not pattern.fullmatch(text):
        return f"{text!r} is not a plain decimal number"
    value = float(text.replace(",", ".") if decimal_comma else text)
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return f"{text!r} is not finite or larger than {MAX_MAGNITUDE:.0e} in magnitude"
    return None


def parse_number(text: str, *, decimal_comma: bool = False) -> float:
    """Return ``text`` as a float if it is a finite ASCII decimal; raise ValueError if not.

    Parameters
    ----------
    text
        One cell; surrounding ASCII blanks are ignored.
    decimal_comma
        Whether the decimal mark is a comma (German convention) instead of a point.

    Raises
    ------
    ValueError
        With a message saying why (callers turn it into an
        :class:`~cityregions.InputError` naming file, line and field).

    Examples
    --------
    >>> parse_number(" 1e-05 "), parse_number("-3,25", decimal_comma=True)
    (1e-05, -3.25)
    >>> parse_number("١٢")
    Traceback (most recent call last):
    ...
    ValueError: '١٢' is not a plain decimal number
    """
    stripped = text.strip(ASCII_BLANKS)
    problem = number_problem(stripped, decimal_comma=decimal_comma)
    if problem is not None:
        raise ValueError(problem)
    return float(stripped.replace(",", ".") if decimal_comma else stripped)


def check_magnitude(value: float) -> str | None:
    """Return why a number already in memory is unacceptable (not finite, too large), or None.

    Examples
    --------
    >>> check_magnitude(3.0) is None, check_magnitude(float("inf"))
    (True, 'inf is not finite or larger than 1e+15 in magnitude')
    """
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return f"{value!r} is not finite or larger than {MAX_MAGNITUDE:.0e} in magnitude"
    return None


def percent_share(value: object) -> object:
    """Read a share written as a percentage (``"66.7%"`` → 0.667); leave others as given.

    The number before ``%`` must be a plain ASCII decimal (:func:`number_problem`);
    anything else is returned unchanged for the caller's own field check to refuse.

    Examples
    --------
    >>> percent_share("66.7%"), percent_share(0.5), percent_share("٥٠%")
    (0.667, 0.5, '٥٠%')
    """
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip(ASCII_BLANKS)
        if number_problem(number) is None:
            return float(number) / 100
    return value
