"""Read the per-unit input table of the bioenergy module, and the bundled case's estimates.

:func:`read_energy_inputs` reads the plain CSV (columns in
:mod:`cityregions.energy.inputs`): it turns each cell into a number, reads the GENESIS
special signs of :data:`cityregions.io.genesis.SPECIAL_SIGNS` as missing values with
their status (``-`` as an exact zero), and hands the table to
:func:`cityregions.energy.inputs.validate_energy_inputs` for the schema check.

:func:`read_case_estimates` reads the facts and state shares the bundled case estimates
its inputs from (``energy/district_facts.csv``, ``energy/state_shares.csv``) and returns
:func:`cityregions.energy.estimates.estimate_inputs` of them.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cityregions._errors import InputError
from cityregions.energy.estimates import estimate_inputs
from cityregions.energy.inputs import NUMERIC, validate_energy_inputs
from cityregions.io.genesis import special_value

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: Statuses a special sign replaces: a value read back as ``ok`` or ``nothing`` (zero).
_PLAIN = ("", "ok", "nothing")


def read_energy_inputs(path: str | Path) -> pd.DataFrame:
    """Read and validate a plain per-unit input CSV.

    Parameters
    ----------
    path
        CSV file (comma separated, UTF-8, ``.`` or a single ``,`` as decimal mark) with
        the columns of :mod:`cityregions.energy.inputs`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit`` (str); numeric columns as float (NaN = missing), plus one
        ``<column>_status`` column per numeric column: ``ok``, a status of
        :data:`~cityregions.io.genesis.SPECIAL_SIGNS` (``unknown_or_secret``,
        ``not_yet_available``, ``unreliable``, ``locked``; ``nothing`` for ``-`` = 0),
        ``missing`` for an empty cell, or the status the file gives in
        ``<column>_status``.

    Raises
    ------
    InputError
        On a missing or unreadable file, a missing required column, an unknown
        livestock or land-use column, a value that is neither a number nor a special
        sign, a negative value or a share above 1 (file, row and column named).

    Examples
    --------
    >>> from cityregions.pipeline.case import bundled_case_path
    >>> inputs = read_energy_inputs(bundled_case_path() / "energy" / "inputs.csv")
    >>> inputs.index[0], str(inputs["forest_ha_status"].iloc[0])
    ('14511', 'ok')
    """
    import io

    import pandas as pd

    from cityregions.io._text import (
        check_field_counts,
        decode_text,
        parser_error,
        sniff_separator,
    )

    path = Path(path)
    if not path.is_file():
        msg = "input file not found"
        raise InputError(msg, source=path)
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        msg = (
            f"not UTF-8 text ({error.reason} at byte {error.start}, line {line}); save the "
            "table as 'CSV UTF-8 (comma delimited)'"
        )
        raise InputError(msg, source=path) from error
    # control characters anywhere (a NUL byte, UTF-16), then the field count of each line
    text, _ = decode_text(data, source=path, encoding="utf-8-sig")
    header = next((line for line in text.splitlines() if line.strip()), "")
    if sniff_separator(header) == ";":  # before the field counts: '7,5' adds fields
        msg = (
            "the header is separated by ';' (a German spreadsheet export?); expected a "
            "comma-separated CSV with '.' as decimal mark"
        )
        raise InputError(msg, source=path, location="line 1")
    if text.strip():
        check_field_counts(text, sep=",", source=path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.EmptyDataError as error:
        msg = "the file is empty; expected a CSV with a header line (unit, population, …)"
        raise InputError(msg, source=path) from error
    except pd.errors.ParserError as error:
        raise parser_error(error, source=path, sep=",", skipped=0) from error
    _check_grouping(frame, source=path)
    return validate_energy_inputs(special_signs(frame), source=str(path))


#: A quoted cell such as ``1,234`` or ``12,345,678``: digit grouping or a decimal comma?
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)


def _check_grouping(frame: pd.DataFrame, *, source: Path) -> None:
    """Refuse numbers whose comma may group thousands (``"1,234"``: 1234 or 1.234?).

    A single comma is read as the decimal mark (``"7,5"``); a comma followed by exactly
    three digits is also how English spreadsheets group thousands, so reading it either
    way could be silently wrong by a factor of 1,000.
    """
    for column in (c for c in NUMERIC if c in frame.columns):
        cells = frame[column].astype(str).str.strip()
        grouped = cells.str.fullmatch(_GROUPED)
        if grouped.any():
            position = int(grouped.to_numpy().nonzero()[0][0])
            msg = (
                f"{cells.iloc[position]!r} could group thousands or have a decimal comma; "
                "write the number without grouping and with a decimal point (1234 or 1.234)"
            )
            raise InputError(msg, source=source, location=f"row {position + 2}", field=column)


def special_signs(frame: pd.DataFrame) -> pd.DataFrame:
    """Read the special signs of the numeric columns as NaN (or 0) with their status.

    A sign replaces a status the table gives only if that status is empty, ``ok`` or
    ``nothing``; other cells are left as they are for the schema check.
    """
    import numpy as np
    import pandas as pd

    table = frame.copy()
    table.columns = [str(c).strip() for c in table.columns]
    for column in (c for c in NUMERIC if c in table.columns):
        given = table.get(f"{column}_status", pd.Series("", index=table.index))
        values = table[column].astype(object).to_numpy(copy=True)
        status = np.array(["" if pd.isna(g) else str(g).strip() for g in given], dtype=object)
        for position, cell in enumerate(values):
            found = special_value(str(cell)) if isinstance(cell, str) else None
            if found is None:
                continue
            values[position] = found[0]
            if status[position] in _PLAIN:
                status[position] = found[1]
        table[column] = values
        table[f"{column}_status"] = status
    return table


def read_case_estimates(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimate a case's inputs from ``district_facts.csv`` and ``state_shares.csv``.

    Returns the input table and its long provenance table (see
    :func:`cityregions.energy.estimates.estimate_inputs`); the bundled case's
    ``energy/inputs.csv`` and ``inputs_provenance.csv`` are made this way.

    Raises
    ------
    InputError
        If one of the two files is missing.
    """
    import pandas as pd

    folder = Path(folder)
    for name in ("district_facts.csv", "state_shares.csv"):
        if not (folder / name).is_file():
            msg = f"no {name} in the folder (needed for the estimates)"
            raise InputError(msg, source=folder)
    facts = pd.read_csv(folder / "district_facts.csv", dtype={"unit": str, "state": str})
    shares = pd.read_csv(folder / "state_shares.csv", dtype={"state": str})
    return estimate_inputs(facts, shares)


def read_sites(path: str | Path, *, units: list[str] | None = None) -> pd.DataFrame:
    """Read candidate conversion sites for the feedstock logistics.

    Parameters
    ----------
    path
        A table (CSV, Parquet, Excel) with ``site`` (id), ``unit`` (the territorial unit
        the site lies in), ``lon``, ``lat`` (WGS84 degrees) and optionally
        ``capacity_mwh`` (fuel the site can convert per year; empty = unbounded).
    units
        The units of the inputs; a site in another unit is an error.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``site`` (str): ``unit``, ``lon``, ``lat``, ``capacity_mwh``.

    Raises
    ------
    InputError
        On a missing column, a value that is not a finite number, coordinates out of
        range, a negative capacity, a duplicate site id or an unknown unit (file, line
        and field named).
    """
    import numpy as np
    import pandas as pd

    from cityregions.io._text import check_numbers, read_frame

    frame = read_frame(path)
    for column in ("site", "unit", "lon", "lat"):
        if column not in frame.columns:
            msg = (
                f"missing column '{column}' (a sites table has site, unit, lon, lat"
                "[, capacity_mwh])"
            )
            raise InputError(msg, source=path, field=column)
    if "capacity_mwh" not in frame.columns:
        frame["capacity_mwh"] = np.nan
    for column in ("lon", "lat", "capacity_mwh"):
        check_numbers(frame[column], where=path, field=column)
    sites = frame["site"].astype(str).str.strip()
    duplicated = sites.duplicated()
    if duplicated.any():
        line = sites.index[np.flatnonzero(duplicated.to_numpy())[0]]
        msg = f"duplicate site id {sites[line]!r}"
        raise InputError(msg, source=path, location=f"line {line}", field="site")
    table = pd.DataFrame(
        {
            "unit": frame["unit"].astype(str).str.strip().to_numpy(),
            "lon": pd.to_numeric(frame["lon"]).to_numpy(dtype=float),
            "lat": pd.to_numeric(frame["lat"]).to_numpy(dtype=float),
            "capacity_mwh": pd.to_numeric(frame["capacity_mwh"]).to_numpy(dtype=float),
        },
        index=pd.Index(sites.to_numpy(), name="site"),
    )
    lines = frame.index.to_numpy()
    unknown = ~table["unit"].isin(units) if units is not None else table["unit"] == ""
    checks = [
        ("lon", ~table["lon"].between(-180, 180), "a longitude in [-180, 180]"),
        ("lat", ~table["lat"].between(-90, 90), "a latitude in [-90, 90]"),
        ("capacity_mwh", table["capacity_mwh"] < 0, "a capacity >= 0 MWh/a (empty: unbounded)"),
        ("unit", unknown, "a unit of the inputs"),
    ]
    for column, bad, expected in checks:
        if bad.to_numpy().any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            msg = f"expected {expected}, got {frame[column].iloc[k]!r}"
            raise InputError(msg, source=path, location=f"line {lines[k]}", field=column)
    return table


__all__ = ["read_case_estimates", "read_energy_inputs", "read_sites", "special_signs"]
