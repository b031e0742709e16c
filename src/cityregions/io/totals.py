"""Read unit totals of commuting: employed residents, jobs, out- and in-commuters.

A flow table rarely holds every commuter of its units (a study area has an edge, a
published file is often truncated to the largest links). The official *totals* per
unit complete it: :meth:`cityregions.flows.FlowTable.with_totals` turns them into the
flows beyond the table, and ``cityregions flows complete`` derives the diagonal from
them. Columns are found case-insensitively:

==================  ===========================================================
field               column names tried, in order
==================  ===========================================================
unit                as for unit tables (``unit``, ``id``, ``ags``, …)
``residents``       ``residents``, ``employed_residents``, ``employees_svb``,
                    ``SvB am Wohnort``, … (employed people living in the unit)
``jobs``            ``jobs``, ``employees``, ``SvB am Arbeitsort``, … (people
                    working in the unit)
``out_commuters``   ``out_commuters``, ``out_commuters_total``, ``auspendler``
``in_commuters``    ``in_commuters``, ``in_commuters_total``, ``einpendler``
==================  ===========================================================

The BA district table in ``../shared/data/de-ba-pendler-kreise-2016/units.csv``
(``ags, employees_svb, out_commuters_total, in_commuters_total``) is read as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import UNIT
from cityregions.io._text import find_column, german_numbers, uses_decimal_comma
from cityregions.io.tables import (
    ID_COLUMNS,
    UNIT_FIELD_COLUMNS,
    _load,
    _require,
    check_unique,
    flow_values,
    id_series,
)

logger = logging.getLogger(__name__)

#: Totals a file can give, and the column names that fill them (first match wins).
TOTAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "residents": UNIT_FIELD_COLUMNS["residents"],
    "jobs": UNIT_FIELD_COLUMNS["jobs"],
    "out_commuters": ("out_commuters", "out_commuters_total", "auspendler"),
    "in_commuters": ("in_commuters", "in_commuters_total", "einpendler"),
}


def read_totals(
    path: str | Path | pd.DataFrame,
    *,
    fields: Sequence[str | tuple[str, ...]] = ("residents", "jobs"),
    units: Sequence[str] | None = None,
    id_column: str | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Read totals per unit from a CSV/TSV, Parquet or Excel table.

    Parameters
    ----------
    path
        The table (or a DataFrame), one row per unit.
    fields
        The totals to read, of :data:`TOTAL_COLUMNS`; each must have a column. A tuple
        of fields reads the first of them that has a column (e.g.
        ``("in_commuters", "jobs")``).
    units
        The units that need totals (e.g. the flows' ids): a unit without a row is an
        error; rows of other units are left out (a national table may serve a study
        area). None keeps every row.
    id_column
        Column with the unit ids (default: found among the usual names).
    source
        Name of the source for messages (default: the file name).

    Returns
    -------
    pandas.DataFrame
        Index ``unit`` (ids as text, in the order of ``units`` or of the file), one
        float column per field.

    Raises
    ------
    InputError
        Missing column, empty or repeated id, an empty, non-numeric, non-finite or
        negative total (naming file, line and column), or a unit of ``units`` without
        a row.

    Examples
    --------
    >>> table = pd.DataFrame({"ags": ["01", "02"], "employees_svb": [10, 4],
    ...                       "jobs": [3, 9]})
    >>> read_totals(table).to_dict("index")
    {'01': {'residents': 10.0, 'jobs': 3.0}, '02': {'residents': 4.0, 'jobs': 9.0}}
    """
    wanted_fields = [(f,) if isinstance(f, str) else tuple(f) for f in fields]
    unknown = [f for group in wanted_fields for f in group if f not in TOTAL_COLUMNS]
    if unknown:
        msg = f"unknown total(s) {unknown}; known: {', '.join(TOTAL_COLUMNS)}"
        raise InputError(msg, source=str(source or path))
    frame, where = _load(path, sheet=None, encoding=None, source=source)
    id_col = _require(frame, ID_COLUMNS, id_column, where=where, role="unit id")
    ids = id_series(frame[id_col], where=where, field=id_col, row="line")
    check_unique(ids, where=where, field=id_col)
    table = pd.DataFrame(index=pd.Index(ids.to_numpy(), name=UNIT))
    for group in wanted_fields:
        name, column = _first_field(frame, group, where=where)
        raw = frame[column]
        if uses_decimal_comma(frame, column, count=True):
            raw = german_numbers(raw)
        table[name] = flow_values(raw, where=where, field=column)
    if units is None:
        return table
    wanted = pd.Index([str(u) for u in units], name=UNIT)
    missing = wanted.difference(table.index)
    if len(missing):
        first = sorted(missing)[0]
        msg = (
            f"no totals for {len(missing)} unit(s) of the flows (e.g. {sorted(missing)[:5]}); "
            "every unit needs its row"
        )
        raise InputError(msg, source=where, location=f"unit {first}", field=id_col)
    extra = len(table) - len(wanted)
    if extra:
        logger.info("%s: %d rows of units not in the flows left out", where, extra)
    return table.loc[wanted]


def _first_field(frame: pd.DataFrame, group: tuple[str, ...], *, where: str) -> tuple[str, str]:
    """Return (field, column) of the first field of ``group`` that has a column."""
    for name in group[:-1]:
        column = find_column(list(frame.columns), TOTAL_COLUMNS[name])
        if column is not None:
            return name, column
    last = group[-1]
    role = " or ".join(group)
    return last, _require(frame, TOTAL_COLUMNS[last], None, where=where, role=role)


def totals_table(residents: pd.Series, jobs: pd.Series) -> pd.DataFrame:
    """Return the ``unit,residents,jobs`` table that :func:`read_totals` reads back.

    Whole numbers are written as integers.

    Examples
    --------
    >>> totals_table(pd.Series({"a": 4.0}), pd.Series({"a": 6.0})).to_dict("records")
    [{'unit': 'a', 'residents': 4, 'jobs': 6}]
    """
    frame = pd.DataFrame({"residents": residents, "jobs": jobs})
    frame.index = pd.Index(frame.index.astype(str), name=UNIT)
    counts = frame.to_numpy(dtype=float)
    if np.isfinite(counts).all() and (np.round(counts) == counts).all():
        frame = frame.astype("int64")
    return frame.reset_index()
