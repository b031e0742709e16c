"""Dates of the registry: reduced-precision ISO dates and the word ``unknown``.

Registry dates are ISO 8601 with reduced precision allowed, as in Popolo: ``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``. A start date ``2014`` means 1 January 2014 and an end
date ``2013`` means 31 December 2013. Validity and lifetime fields (``valid_from``,
``valid_to``, ``founded``, ``dissolved``) may also say ``unknown``: the source shows the
record but not when it began or ended. :func:`date_start` and :func:`date_end` read
``unknown`` (and a missing date) as ``None``; what a snapshot makes of an unknown date
is decided in :mod:`cityregions.registry.validity`.

Examples
--------
>>> date_start("2014"), date_end("2013"), date_end("2014-02")
(datetime.date(2014, 1, 1), datetime.date(2013, 12, 31), datetime.date(2014, 2, 28))
>>> date_start("unknown") is None
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator

from cityregions._errors import InputError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DATE_EXPECTED = "an ISO date YYYY, YYYY-MM or YYYY-MM-DD with a valid month and day"
#: The word for a date the sources do not give.
UNKNOWN = "unknown"


def _check_partial_date(value: str) -> str:
    """Return ``value`` if it is a valid reduced-precision ISO date, else raise."""
    text = str(value).strip()
    match = _DATE_RE.match(text)
    if match is None:
        msg = f"expected {DATE_EXPECTED}, got {value!r}"
        raise ValueError(msg)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        msg = f"expected {DATE_EXPECTED}, got {value!r} (month {month} does not exist)"
        raise ValueError(msg)
    if day is not None and month is not None:
        last = calendar.monthrange(year or 1, month)[1]
        if not 1 <= day <= last:
            msg = f"expected {DATE_EXPECTED}, got {value!r} (day {day} does not exist)"
            raise ValueError(msg)
    return text


def _check_date_or_unknown(value: str) -> str:
    """Return ``value`` if it is a partial ISO date or the word ``unknown``, else raise."""
    if str(value).strip() == UNKNOWN:
        return UNKNOWN
    try:
        return _check_partial_date(value)
    except ValueError as error:
        expected = f"expected {DATE_EXPECTED}"
        msg = str(error).replace(expected, f"{expected} or 'unknown'")
        raise ValueError(msg) from error


#: A reduced-precision ISO 8601 date string (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
#: A partial date or the word ``unknown`` (the source does not give the date).
DateOrUnknown = Annotated[str, AfterValidator(_check_date_or_unknown)]
Bound = Literal["start", "end"]


def is_known(value: str | dt.date | None) -> bool:
    """True if ``value`` is a date (not missing, not ``unknown``)."""
    return value is not None and value != UNKNOWN


def date_start(value: str | dt.date | None) -> dt.date | None:
    """Return the first day a (partial) date can mean: ``"2014"`` → 2014-01-01.

    ``None`` and ``unknown`` give ``None``.
    """
    if value is None or isinstance(value, dt.date):
        return value
    match = _DATE_RE.match(str(value))
    if match is None:  # "unknown"
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return dt.date(year or 1, month or 1, day or 1)


def date_end(value: str | dt.date | None) -> dt.date | None:
    """Return the last day a (partial) date can mean: ``"2013"`` → 2013-12-31.

    ``None`` and ``unknown`` give ``None``.
    """
    if value is None or isinstance(value, dt.date):
        return value
    match = _DATE_RE.match(str(value))
    if match is None:  # "unknown"
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    year = year or 1
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def parse_as_of(
    value: str | dt.date,
    *,
    field: str = "as_of",
    source: str | Path | None = None,
    location: str | None = None,
) -> dt.date:
    """Parse a snapshot date given as text at an edge (command line, case.toml, a file).

    ``YYYY-MM-DD``; reduced precision is allowed, ``YYYY`` and ``YYYY-MM`` mean the last
    day of the year or month. A :class:`datetime.date` (TOML and YAML read unquoted
    dates as dates) is returned as it is. The library itself takes dates only.

    Parameters
    ----------
    value
        The text (or date) as given.
    field
        The option or field it came from (``--as-of``, ``[registry] as_of``), named in
        the message.
    source, location
        The file it came from and where in it (``[registry]``), if any.

    Raises
    ------
    InputError
        Naming ``field`` (and ``source``) and what is allowed.

    Examples
    --------
    >>> parse_as_of("2015-06-30"), parse_as_of("2013")
    (datetime.date(2015, 6, 30), datetime.date(2013, 12, 31))
    """
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        end = date_end(_check_partial_date(str(value)))
    except ValueError as error:
        raise InputError(str(error), source=source, location=location, field=field) from error
    assert end is not None
    return end


__all__ = [
    "DATE_EXPECTED",
    "UNKNOWN",
    "DateOrUnknown",
    "PartialDate",
    "date_end",
    "date_start",
    "is_known",
    "parse_as_of",
]
