"""The time stamped into written files: now, or ``SOURCE_DATE_EPOCH`` when it is set.

Reports and GeoPackages record when they were made. With the environment variable
``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC, the reproducible-builds convention)
they record that moment instead, so two runs on the same inputs write byte-identical
files.

References
----------
Reproducible Builds, "SOURCE_DATE_EPOCH" specification,
https://reproducible-builds.org/specs/source-date-epoch/
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator

from cityregions._errors import InputError

#: The environment variable of the reproducible-builds convention.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def source_date() -> dt.datetime | None:
    """Return the UTC time given by ``SOURCE_DATE_EPOCH``, or None when it is not set.

    Raises
    ------
    InputError
        If the variable is set but is not a whole number of seconds.

    Examples
    --------
    >>> previous = os.environ.get("SOURCE_DATE_EPOCH")
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> source_date().isoformat()
    '2023-11-14T22:13:20+00:00'
    >>> os.environ["SOURCE_DATE_EPOCH"] = previous or ""  # empty counts as not set
    """
    value = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        msg = f"{SOURCE_DATE_EPOCH}={value!r} is not a number of seconds since 1970-01-01 UTC"
        raise InputError(msg, source="environment", field=SOURCE_DATE_EPOCH) from None


def build_time() -> dt.datetime:
    """Return the time to stamp into a file: ``SOURCE_DATE_EPOCH`` if set, else now (UTC)."""
    return source_date() or dt.datetime.now(dt.UTC)


def build_date() -> dt.date:
    """Return the date to stamp into a file: ``SOURCE_DATE_EPOCH`` (UTC) or today (local)."""
    fixed = source_date()
    return fixed.date() if fixed is not None else dt.date.today()


@contextlib.contextmanager
def gdal_build_time() -> Iterator[None]:
    """Let GDAL stamp ``SOURCE_DATE_EPOCH`` (when set) into the files written inside.

    GDAL writes the current time into a GeoPackage's ``gpkg_contents.last_change``
    unless its configuration option ``OGR_CURRENT_DATE`` is set; this sets it for the
    duration of the block and restores the previous value afterwards.
    """
    fixed = source_date()
    if fixed is None:
        yield
        return
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
