"""Combine BA Pendler sheets of several workbooks into one observed flow table.

A planner downloads one ``krpend`` workbook per Land (or the all-Germany edition), each
with an ``Auspendler …`` sheet (blocks per place of residence) and an ``Einpendler …``
sheet (blocks per place of work). The same pair *A → B* can therefore be listed twice:
in the Auspendler block of *A* and in the Einpendler block of *B* (possibly in another
Land's file). This module reads the sheets with
:func:`cityregions.io.ba_pendler.read_ba_pendler_long` and keeps **one row per pair**:

1. the Auspendler row, if it has a count;
2. otherwise the Einpendler row, if it has a count (pairs whose residence unit has no
   Auspendler sheet among the inputs, or whose Auspendler cell is anonymised);
3. otherwise the pair is *suppressed* (``*``/``X`` or empty on every side) and left out.

Both sides come from the same BA count, so they should agree; pairs where they differ
are counted and reported (the Auspendler count is kept). The same pair on the same side
twice (a file given twice) is kept once if the counts are identical and is an error if
they differ.

The diagonal (people living and working in the same unit) is not in these sheets. For
Gemeinden it is *Wohnort gleich Arbeitsort* of the BA Gemeindedaten; for Kreise it is

.. math:: F_{kk} = E^{\\mathrm{res}}_k - A_k

with :math:`E^{\\mathrm{res}}_k` the employed residents of :math:`k` (Gemeindedaten column
*SvB am Wohnort*, or a unit table's ``residents``) and :math:`A_k` its out-commuters in
total (the ``Z`` row *Auspendler insgesamt* of its Auspendler block, or a unit table's
out-commuter column). The Gemeindedaten's own *Wohnort gleich Arbeitsort* of a Landkreis
row is the sum over its Gemeinden and counts Gemeinde-to-Gemeinde commuters inside the
Kreis as commuters, so it is not the Kreis diagonal.

References
----------
Bundesagentur für Arbeit, Statistik (2023). *Pendlerverflechtungen der
sozialversicherungspflichtig Beschäftigten nach Kreisen*; *Gemeindedaten der
sozialversicherungspflichtig Beschäftigten nach Wohn- und Arbeitsort*. Stichtag
30. Juni. https://statistik.arbeitsagentur.de
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError
from cityregions.constants import DESTINATION, ORIGIN, UNIT, VALUE
from cityregions.io._text import check_file, excel_sheet_names
from cityregions.io.ba_pendler import (
    COUNT_LABELS,
    BAPendler,
    NoTableError,
    read_ba_pendler_long,
)

logger = logging.getLogger(__name__)

Level = Literal["kreise", "gemeinden"]
#: Key width of the units of each level.
KEY_WIDTH: dict[Level, int] = {"kreise": 5, "gemeinden": 8}
#: Count columns besides ``value`` (men, women, germans, foreigners, trainees).
SPLITS = tuple(name for name in COUNT_LABELS if name != VALUE)
#: Columns naming the out-commuters in total in a unit table (first match, any case).
OUT_COMMUTER_COLUMNS = ("out_commuters", "out_commuters_total", "auspendler")
_TEXT_SUFFIXES = (".csv", ".txt")


@dataclass(frozen=True)
class CombinedPendler:
    """Unit flows of several BA Pendler sheets, one row per pair.

    Attributes
    ----------
    flows
        Pairs with a count: ``origin, destination, value`` and the splits of
        :data:`SPLITS`, plus ``side`` (``out``/``in``: the sheet it was taken from),
        ``source`` (file and sheet) and ``row``. Sorted by origin and destination.
    suppressed
        Pairs left out because their count is anonymised or empty on every side (same
        columns, ``status`` ``suppressed``/``empty``).
    aggregates
        Every ``Übrige …``, subtotal, ``Z``/``ZZ`` total and foreign-country row of the
        sheets, with ``kind``, ``side`` and ``source``.
    out_totals
        Out-commuters in total per residence unit (``Z`` rows of Auspendler sheets).
    described
        Units described by a block of a sheet read (sorted).
    from_in
        Pairs taken from an Einpendler sheet.
    both_sides
        Pairs listed on an Auspendler and an Einpendler sheet (kept once).
    conflicts
        Pairs with a count on both sides that differ (the Auspendler count is kept).
    sources
        The sheets read (file and sheet).
    """

    flows: pd.DataFrame
    suppressed: pd.DataFrame
    aggregates: pd.DataFrame
    out_totals: pd.Series
    described: tuple[str, ...]
    from_in: int
    both_sides: int
    conflicts: int
    sources: tuple[str, ...]

    @property
    def key_width(self) -> int:
        """Width of the unit keys (5 Kreise, 8 Gemeinden)."""
        keys = pd.concat([self.flows[ORIGIN], self.suppressed[ORIGIN]])
        return int(keys.str.len().max()) if len(keys) else 0


def pendler_sheets(path: str | Path, *, level: Level | None = None) -> list[str]:
    """Return the ``Auspendler …`` and ``Einpendler …`` sheets of a workbook, Auspendler first.

    Parameters
    ----------
    path
        A BA workbook.
    level
        Keep only the sheets of this level (``… Kreise`` / ``… Gemeinden``).

    Raises
    ------
    InputError
        Not a readable workbook, or no such sheet (the message lists the sheets).
    """
    path = check_file(path)
    names = excel_sheet_names(path)
    found = [n for n in names if n.strip().lower().startswith(("auspendler", "einpendler"))]
    if not found:
        msg = (
            "not a BA Pendler workbook: no sheet 'Auspendler Kreise' / 'Einpendler Kreise' "
            f"or 'Auspendler Gemeinden' / 'Einpendler Gemeinden'; sheets are {names}"
        )
        raise InputError(msg, source=path, field="sheet")
    if level is not None:
        found = [n for n in found if level in n.lower()]
        if not found:
            title = level.capitalize()
            msg = f"no Auspendler/Einpendler {title} sheet for level {level}; sheets are {names}"
            raise InputError(msg, source=path, field="sheet")
    return sorted(found, key=lambda name: not name.strip().lower().startswith("auspendler"))


def read_ba_pendler_files(
    paths: Sequence[str | Path],
    *,
    sheets: Sequence[str] | None = None,
    level: Level | None = None,
) -> list[BAPendler]:
    """Read the Pendler sheets of several BA workbooks (or CSV exports).

    Parameters
    ----------
    paths
        Workbooks (``.xlsx``/``.xlsb``) or CSV exports of the interactive statistics.
    sheets
        Sheet names to read in every workbook (default: all ``Auspendler …`` and
        ``Einpendler …`` sheets). A found sheet without any table is skipped with a
        warning; a named one is an error.
    level
        ``"kreise"`` or ``"gemeinden"``: which sheets to read when a workbook has both.

    Raises
    ------
    InputError
        A missing or unreadable file, a workbook without Pendler sheets, a named sheet
        that is missing or has no table, bad counts (file, sheet, row, column).
    """
    tables: list[BAPendler] = []
    for path in paths:
        path = check_file(path)
        if path.suffix.lower() in _TEXT_SUFFIXES:
            tables.append(read_ba_pendler_long(path))
            continue
        names = list(sheets) if sheets else pendler_sheets(path, level=level)
        found: list[BAPendler] = []
        for name in names:
            try:
                found.append(read_ba_pendler_long(path, sheet=name))
            except NoTableError as error:
                if sheets:
                    raise
                logger.warning("%s: skipped (%s)", error.source, error.message)
        if not found:
            msg = f"no sheet of the workbook holds a Pendler table (sheets read: {names})"
            raise InputError(msg, source=path, field="sheet")
        tables.extend(found)
    return tables


def combine_ba_pendler(tables: Sequence[BAPendler]) -> CombinedPendler:
    """Combine Auspendler and Einpendler sheets, keeping each unit pair once.

    Rule (module docstring): Auspendler count, else Einpendler count, else suppressed.

    Parameters
    ----------
    tables
        Sheets read by :func:`read_ba_pendler_long` (:func:`read_ba_pendler_files`).

    Returns
    -------
    CombinedPendler

    Raises
    ------
    InputError
        No sheet; Kreis and Gemeinde keys mixed; a pair listed twice on the same side
        with different counts (naming both sheets and rows).
    """
    if not tables:
        msg = "no BA Pendler sheet to combine"
        raise InputError(msg)
    rows = pd.concat(
        [t.flows.assign(side=t.direction, source=t.source, order=i) for i, t in enumerate(tables)],
        ignore_index=True,
    )
    _check_levels(rows, tables)
    rows = _drop_same_side_repeats(rows)
    usable = rows["status"] == "ok"
    rank = np.where(usable, 0, 2) + (rows["side"] == "in").to_numpy()
    rows = rows.assign(rank=rank).sort_values(["rank", "order", "row"], kind="stable")
    chosen = rows.drop_duplicates([ORIGIN, DESTINATION]).sort_values([ORIGIN, DESTINATION])
    keep = [ORIGIN, "origin_name", DESTINATION, "destination_name", VALUE, *SPLITS]
    keep += ["status", "suppressed", "side", "source", "row"]
    chosen = chosen[keep].reset_index(drop=True)
    ok = chosen["status"] == "ok"
    both, conflicts = _compare_sides(rows)
    _warn_dates(tables)
    return CombinedPendler(
        flows=chosen[ok].reset_index(drop=True),
        suppressed=chosen[~ok].reset_index(drop=True),
        aggregates=_aggregates(tables),
        out_totals=_out_totals(tables),
        described=_described(tables),
        from_in=int((ok & (chosen["side"] == "in")).sum()),
        both_sides=both,
        conflicts=conflicts,
        sources=tuple(t.source for t in tables),
    )


def _check_levels(rows: pd.DataFrame, tables: Sequence[BAPendler]) -> None:
    widths = rows[ORIGIN].str.len().groupby(rows["source"], sort=False).max()
    if widths.nunique() > 1:
        kreise = list(widths.index[widths == 5])[:1]
        gemeinden = list(widths.index[widths == 8])[:1]
        msg = (
            f"Kreis (5-digit) and Gemeinde (8-digit) keys mixed: {kreise} and {gemeinden}; "
            "read one level at a time (--level kreise|gemeinden)"
        )
        raise InputError(msg, source=tables[0].source, field="level")


def _drop_same_side_repeats(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep a pair listed twice on one side once if identical; raise if the counts differ."""
    pair_side = [ORIGIN, DESTINATION, "side"]
    repeated = rows.duplicated(pair_side, keep=False)
    if repeated.any():
        distinct = rows[repeated].drop_duplicates([*pair_side, VALUE, *SPLITS])
        clash = distinct[distinct.duplicated(pair_side, keep=False)]
        if len(clash):
            first, second = clash.iloc[0], clash.iloc[1]
            msg = (
                f"the pair {first[ORIGIN]} → {first[DESTINATION]} is listed with different "
                f"counts here and in {second['source']} (row {second['row']}); are two "
                "editions mixed?"
            )
            raise InputError(msg, source=first["source"], location=f"row {first['row']}")
        logger.info("%d repeated pair row(s) dropped", int(rows.duplicated(pair_side).sum()))
    return rows.drop_duplicates(pair_side)


def _compare_sides(rows: pd.DataFrame) -> tuple[int, int]:
    """Return the pairs seen on both sides and those of them whose counts differ."""
    pairs = rows.set_index([ORIGIN, DESTINATION])
    out, into = pairs[pairs["side"] == "out"], pairs[pairs["side"] == "in"]
    common = out.index.intersection(into.index)
    if not len(common):
        return 0, 0
    a, b = out.loc[common, VALUE], into.loc[common, VALUE]
    differ = (a.notna() & b.notna() & (a != b)).to_numpy()
    if differ.any():
        origin, destination = common[int(np.flatnonzero(differ)[0])]
        message = (
            f"{int(differ.sum())} pair(s) have different counts on the Auspendler and the "
            f"Einpendler sheet (e.g. {origin} → {destination}: "
            f"{a.iloc[int(np.flatnonzero(differ)[0])]:,.0f} vs "
            f"{b.iloc[int(np.flatnonzero(differ)[0])]:,.0f}); the Auspendler counts are kept"
        )
        warnings.warn(message, DataQualityWarning, stacklevel=3)
    return len(common), int(differ.sum())


def _aggregates(tables: Sequence[BAPendler]) -> pd.DataFrame:
    frames = [t.aggregates.assign(side=t.direction, source=t.source) for t in tables]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _out_totals(tables: Sequence[BAPendler]) -> pd.Series:
    parts = [t.block_totals() for t in tables if t.direction == "out"]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.Series(dtype=float, name="total").rename_axis(UNIT)
    totals = pd.concat(parts)
    return totals[~totals.index.duplicated()]


def _described(tables: Sequence[BAPendler]) -> tuple[str, ...]:
    units: set[str] = set()
    for table in tables:
        block = ORIGIN if table.direction == "out" else DESTINATION
        for frame in (table.flows, table.aggregates):
            if len(frame):
                units.update(frame[block].astype(str))
    return tuple(sorted(units))


def _warn_dates(tables: Sequence[BAPendler]) -> None:
    dates = sorted({t.reference_date for t in tables if t.reference_date})
    if len(dates) > 1:
        message = f"the sheets have different reference dates {dates}; are editions mixed?"
        warnings.warn(message, DataQualityWarning, stacklevel=3)


def read_diagonal(
    path: str | Path,
    *,
    level: Level,
    out_totals: pd.Series,
    id_column: str | None = None,
    layer: str | None = None,
) -> tuple[pd.Series, str]:
    """Return the internal flows (the diagonal) per unit from a Gemeindedaten or unit file.

    Parameters
    ----------
    path
        The BA Gemeindedaten workbook (a workbook with a sheet ``Gemeindedaten``) or a
        unit table / vector file read by :func:`cityregions.io.read_units` with a column
        ``internal``, or ``residents`` (employed people *living* in the unit; older
        tables call it ``employees``) together with an out-commuter column
        (:data:`OUT_COMMUTER_COLUMNS`) or the Auspendler totals.
    level
        ``"gemeinden"``: Gemeindedaten *Wohnort gleich Arbeitsort*; ``"kreise"``:
        :math:`E^{res}_k - A_k` (module docstring).
    out_totals
        Out-commuters in total per unit from the Auspendler sheets
        (:attr:`CombinedPendler.out_totals`).
    id_column, layer
        Passed to :func:`~cityregions.io.read_units` for a unit file.

    Returns
    -------
    (pandas.Series, str)
        Internal flows by unit id (NaN where unknown) and how they were computed.

    Raises
    ------
    InputError
        The file has none of the needed columns, or a diagonal would be negative
        (naming the unit and the counts).
    """
    path = check_file(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xlsb", ".xls") and "Gemeindedaten" in (
        excel_sheet_names(path)
    ):
        from cityregions.io.ba_gemeindedaten import read_ba_gemeindedaten

        district = level == "kreise"
        table = read_ba_gemeindedaten(path, unit_level="district" if district else "municipality")
        if district:
            internal = table["residents"] - out_totals.reindex(table.index)
            how = "SvB am Wohnort (Gemeindedaten) − Auspendler insgesamt (Auspendler sheets)"
        else:
            internal, how = table["internal"], "Wohnort gleich Arbeitsort (Gemeindedaten)"
        return _checked(internal, path, how, table["residents"]), how
    return _diagonal_from_units(path, out_totals, id_column=id_column, layer=layer)


def _diagonal_from_units(
    path: Path, out_totals: pd.Series, *, id_column: str | None, layer: str | None
) -> tuple[pd.Series, str]:
    from cityregions.io.tables import read_units

    units = read_units(path, id_column=id_column, layer=layer).units
    columns = {str(c).lower(): c for c in units.columns}
    if "internal" in columns:
        how = f"column {columns['internal']!r}"
        return _checked(_numbers(units[columns["internal"]]), path, how, None), how
    if units["residents"].isna().all():
        # Older unit tables call the employed residents 'employees' (read as jobs).
        try:
            units = read_units(
                path, id_column=id_column, layer=layer, columns={"residents": "employees"}
            ).units
        except InputError:
            msg = (
                "expected a column 'internal' (the diagonal), or 'residents' (employed "
                "people living in the unit) with out-commuter totals; columns are "
                f"{list(units.columns)}"
            )
            raise InputError(msg, source=path, field="internal") from None
    residents = _numbers(units["residents"])
    found = next((columns[c] for c in OUT_COMMUTER_COLUMNS if c in columns), None)
    if found is not None:
        out, how = _numbers(units[found]), f"residents − {found} ({path.name})"
    else:
        out, how = out_totals.reindex(units.index), "residents − Auspendler insgesamt"
    return _checked(residents - out, path, how, residents), how


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def _checked(internal: pd.Series, path: Path, how: str, residents: pd.Series | None) -> pd.Series:
    internal = internal.astype(float).rename("internal").rename_axis(UNIT)
    negative = internal < 0
    if negative.any():
        unit = str(internal.index[negative.to_numpy()][0])
        detail = "" if residents is None else f" (employed residents {residents[unit]:,.0f})"
        msg = (
            f"negative diagonal {internal[unit]:,.0f} for unit {unit}{detail} from {how}: "
            "fewer employed residents than out-commuters; are editions mixed?"
        )
        raise InputError(msg, source=path, location=f"unit {unit}", field="internal")
    return internal
