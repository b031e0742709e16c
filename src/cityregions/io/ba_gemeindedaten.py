"""Read the BA workbook *Gemeindedaten der sozialversicherungspflichtig Beschäftigten*.

The BA Pendler sheets (:mod:`cityregions.io.ba_pendler`) lack the diagonal: the people
who live and work in the same unit. The companion workbook ``gemband`` (sheet
``Gemeindedaten``, 8 rows above the table, header cells with line breaks) has, per
Gemeinde, the employees at their place of residence and of work, *Wohnort gleich
Arbeitsort*, in- and out-commuters and the number of establishments. Its 15 columns A–O
are, in this order: key (AGS-8, or 5 digits for kreisfreie Städte and for Landkreis
totals), name, SvB am Wohnort (insgesamt, Männer, Frauen, Deutsche, Ausländer, unter 20
Jahre, 20 bis unter 25 Jahre, 55 Jahre und älter), SvB am Arbeitsort, Wohnort gleich
Arbeitsort, Einpendler, Auspendler, Zahl der Betriebe. ``*`` marks anonymised cells; the
Länder/Deutschland summary rows at the end move between editions and are skipped.

References
----------
Bundesagentur für Arbeit, Statistik. *Gemeindedaten der sozialversicherungspflichtig
Beschäftigten nach Wohn- und Arbeitsort*, Stichtag 30. Juni (``gemband``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import UNIT
from cityregions.io._text import check_file, resolve_sheet
from cityregions.io.ba_pendler import SUPPRESSED, _cell_text, _number, _read_cells

logger = logging.getLogger(__name__)

#: The 13 count columns C–O in file order (English names).
COLUMNS = (
    "residents",
    "residents_men",
    "residents_women",
    "residents_germans",
    "residents_foreigners",
    "residents_under_20",
    "residents_20_to_25",
    "residents_55_and_over",
    "workplace",
    "internal",
    "in_commuters",
    "out_commuters",
    "establishments",
)
_INTERNAL_COLUMN = 2 + COLUMNS.index("internal")  # L


def read_ba_gemeindedaten(
    path: str | Path,
    *,
    unit_level: Literal["municipality", "district"] = "municipality",
    sheet: str | int | None = "Gemeindedaten",
) -> pd.DataFrame:
    """Read the BA Gemeindedaten workbook into one row per Gemeinde or Kreis.

    Parameters
    ----------
    path
        ``gemband-dlk-0-<YYYYMM>-xlsx.xlsx`` (``.xlsb`` needs ``pyxlsb``).
    unit_level
        ``"municipality"``: 8-digit rows, plus kreisfreie Städte (5-digit rows without
        Gemeinden below them) as ``<key>000``. ``"district"``: all 5-digit rows
        (kreisfreie Städte and Landkreis totals).
    sheet
        Sheet name or index.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit``: ``name``, the counts of :data:`COLUMNS` (NaN where
        anonymised) and ``suppressed`` (the anonymised columns). ``internal`` is the
        diagonal of a Gemeinde flow table; for Kreise use residents minus the
        Kreis out-commuters (:meth:`~cityregions.io.ba_pendler.BAPendler.block_totals`).

    Raises
    ------
    InputError
        Missing file or sheet, no table, an unexpected column layout, non-numeric
        counts (naming the row and column).
    """
    path = check_file(path)
    name = resolve_sheet(path, sheet)
    where = f"{path} [sheet {name!r}]"
    cells = _read_cells(path, name)
    cells = cells.reindex(columns=range(max(15, cells.shape[1]))).fillna("")
    keys = cells[0].map(_cell_text)
    is_row = keys.str.fullmatch(r"\d{4,8}") & (cells[1] != "")
    if not is_row.any():
        msg = "no Gemeindedaten table: expected 5- or 8-digit keys in column A, names in B"
        raise InputError(msg, source=where, location="column A")
    first = int(np.flatnonzero(is_row.to_numpy())[0])
    _check_layout(cells.iloc[:first], where=where)
    records = [
        _record(cells.iloc[i], excel_row=int(i) + 1, where=where)
        for i in np.flatnonzero(is_row.to_numpy())
    ]
    table = pd.DataFrame.from_records(records)
    table = _select_level(table, unit_level)
    logger.info("%s: %d %s rows", where, len(table), unit_level)
    return table.set_index(UNIT)


def _check_layout(header: pd.DataFrame, *, where: str) -> None:
    """Raise if the header puts *Wohnort gleich Arbeitsort* elsewhere than column L."""
    for column in header.columns:
        label = " ".join(" ".join(str(t).split()) for t in header[column]).lower()
        if "wohnort gleich arbeitsort" in label and column != _INTERNAL_COLUMN:
            letter = chr(ord("A") + int(str(column)))
            msg = (
                f"unexpected layout: 'Wohnort gleich Arbeitsort' is in column {letter}, "
                "expected L (15 columns A–O as in the BA Gemeindedaten)"
            )
            raise InputError(msg, source=where, location=f"column {letter}")


def _record(row: pd.Series, *, excel_row: int, where: str) -> dict[str, Any]:
    key = str(row[0]).strip()
    width = 5 if len(key) <= 5 else 8
    record: dict[str, Any] = {UNIT: key.zfill(width), "name": str(row[1]).strip()}
    record["row"] = excel_row
    suppressed = []
    for offset, column in enumerate(COLUMNS):
        raw = str(row[2 + offset]).strip()
        if raw in SUPPRESSED or raw == "":
            record[column] = np.nan
            if raw:
                suppressed.append(column)
            continue
        number = _number(raw)
        if number is None or number < 0:
            letter = chr(ord("A") + 2 + offset)
            msg = f"expected a count (0 or more) or '*' (anonymised), got {raw!r}"
            location = f"row {excel_row}, column {letter}"
            raise InputError(msg, source=where, location=location, field=column)
        record[column] = number
    record["suppressed"] = ",".join(suppressed)
    return record


def _select_level(table: pd.DataFrame, unit_level: str) -> pd.DataFrame:
    short = table[UNIT].str.len() == 5
    if unit_level == "district":
        return table[short].reset_index(drop=True)
    if unit_level != "municipality":
        msg = f"unit_level must be 'municipality' or 'district', got {unit_level!r}"
        raise InputError(msg, field="unit_level")
    prefixes = set(table.loc[~short, UNIT].str[:5])
    city = short & ~table[UNIT].isin(prefixes)
    cities = table[city].assign(**{UNIT: table.loc[city, UNIT] + "000"})
    return pd.concat([table[~short], cities]).sort_values("row").reset_index(drop=True)
