"""The plain per-unit input table of the bioenergy module.

One row per territorial unit with the columns

====================== =========== =====================================================
column                 unit        meaning
====================== =========== =====================================================
unit                   —           unit id (AGS as text, leading zeros kept)
population             persons     inhabitants
arable_ha              ha          arable land (Ackerland)
grassland_ha           ha          permanent grassland (Dauergrünland)
forest_ha              ha          forest (ALKIS Wald)
cereal_ha              ha          cereal area (part of arable land)
cereal_yield_t_per_ha  t/ha        cereal grain yield
energy_crop_share      share       requested share of arable land in energy crops
                                   (optional; absent = the sustainable cap)
dairy_cows             head        dairy cows (optional; absent = 0)
fattening_pigs         head        fattening-pig places (optional; absent = 0)
employees              persons     employees (optional; for commerce demand)
sewage_digestion_share share       share of inhabitants connected to a WWTP with
                                   anaerobic digestion (optional; absent = 0)
installed_kw_el        kW          installed biomass power, e.g. MaStR (optional; gives
                                   the used and unused potential)
====================== =========== =====================================================

Columns ``name``, ``source``, ``kind``, ``lon``, ``lat`` and ``<column>_status`` are
carried along; other columns are ignored with a note, except columns that look like
livestock or land use the module does not model (an error, because silently dropping
them would understate the potential). Cells holding the GENESIS special values ``.``,
``...``, ``/``, ``x`` or left empty stay missing (NaN) with their status and a
:class:`~cityregions.DataQualityWarning` naming file, row and column; ``-`` means zero.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError

logger = logging.getLogger(__name__)

REQUIRED = (
    "population",
    "arable_ha",
    "grassland_ha",
    "forest_ha",
    "cereal_ha",
    "cereal_yield_t_per_ha",
)
#: Optional numeric columns and the value used when the whole column is absent.
OPTIONAL = {
    "energy_crop_share": np.nan,
    "dairy_cows": 0.0,
    "fattening_pigs": 0.0,
    "employees": np.nan,
    "sewage_digestion_share": 0.0,
    "installed_kw_el": np.nan,
}
LIVESTOCK = ("dairy_cows", "fattening_pigs")
SHARES = ("energy_crop_share", "sewage_digestion_share")
NUMERIC = (*REQUIRED, *OPTIONAL)
CARRIED = ("name", "source", "kind", "lon", "lat")

#: GENESIS special values (Zeichenerklärung) → status; ``-`` is an exact zero.
SPECIAL_VALUES = {
    ".": "suppressed",
    "...": "not_yet_available",
    "/": "unreliable",
    "x": "locked",
    "": "missing",
}
_LIVESTOCK_WORDS = re.compile(
    r"cow|cattle|calf|calves|heifer|bull|pig|sow|piglet|hog|swine|hen|poultry|chicken|"
    r"broiler|turkey|duck|goose|sheep|goat|horse|ewe|lamb|livestock|rind|schwein|kuh|kuehe|"
    r"huhn|gefluegel",
    re.IGNORECASE,
)


def read_energy_inputs(path: str | Path) -> pd.DataFrame:
    """Read and validate a plain per-unit input CSV.

    Parameters
    ----------
    path
        CSV file (comma separated, UTF-8) with the columns of the module docstring.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit`` (str); numeric columns as float (NaN = missing), plus one
        ``<column>_status`` column per numeric column (``ok``, ``zero`` or the special
        value's status).

    Raises
    ------
    InputError
        On a missing required column, an unknown livestock or land-use column, a
        non-numeric or negative value or a share above 1 (file, row and column named).
    """
    path = Path(path)
    if not path.is_file():
        msg = "input file not found"
        raise InputError(msg, source=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as error:
        msg = "the file is empty; expected a CSV with a header line (unit, population, …)"
        raise InputError(msg, source=path) from error
    except UnicodeDecodeError as error:
        msg = (
            f"not UTF-8 text ({error.reason} at byte {error.start}); save the table as "
            "'CSV UTF-8 (comma delimited)'"
        )
        raise InputError(msg, source=path) from error
    except pd.errors.ParserError as error:
        msg = f"cannot read as a comma-separated CSV table: {error}"
        raise InputError(msg, source=path) from error
    if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
        msg = (
            "the header is separated by ';' (a German spreadsheet export?); expected a "
            "comma-separated CSV with '.' as decimal mark"
        )
        raise InputError(msg, source=path, location="line 1")
    return validate_energy_inputs(frame, source=str(path))


def validate_energy_inputs(frame: pd.DataFrame, *, source: str = "<inputs>") -> pd.DataFrame:
    """Validate a per-unit input table (see :func:`read_energy_inputs`).

    Row numbers in messages are file lines (header = line 1).
    """
    table = frame.copy()
    table.columns = [str(c).strip() for c in table.columns]
    if "unit" not in table.columns:
        msg = f"no column 'unit' with unit ids (columns: {list(table.columns)})"
        raise InputError(msg, source=source, field="unit")
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        msg = f"missing required column(s) {missing}; required: unit, {', '.join(REQUIRED)}"
        raise InputError(msg, source=source, field=missing[0])
    _check_extra_columns(table.columns, source=source)
    ids = _unit_ids(table["unit"], source=source)
    out = pd.DataFrame(index=pd.Index(ids, name="unit"))
    for column in NUMERIC:
        if column not in table.columns:
            out[column] = OPTIONAL[column]
            out[f"{column}_status"] = "absent"
            if column in LIVESTOCK:
                logger.info("%s: no column '%s': counted as zero", source, column)
            continue
        given = f"{column}_status"
        known = table[given] if given in table.columns else None
        values, status = _parse_column(table[column], column=column, source=source, given=known)
        out[column] = values
        out[f"{column}_status"] = status
    for column in CARRIED:
        if column in table.columns:
            out[column] = table[column].to_numpy()
    _check_ranges(out, source=source)
    return out


def _check_extra_columns(columns: pd.Index, *, source: str) -> None:
    known = {"unit", *NUMERIC, *CARRIED}
    ignored = []
    for column in columns:
        if column in known or column.endswith("_status"):
            continue
        if _LIVESTOCK_WORDS.search(column):
            msg = (
                f"unknown livestock column '{column}': the module models "
                f"{', '.join(LIVESTOCK)} (rename it, or drop it knowingly)"
            )
            raise InputError(msg, source=source, field=column)
        if column.endswith("_ha"):
            msg = (
                f"unknown land-use or feedstock column '{column}': the module models "
                "arable_ha, grassland_ha, forest_ha, cereal_ha"
            )
            raise InputError(msg, source=source, field=column)
        ignored.append(column)
    if ignored:
        logger.warning("%s: extra column(s) ignored: %s", source, ", ".join(ignored))


def _unit_ids(values: pd.Series, *, source: str) -> list[str]:
    ids = [str(v).strip() for v in values]
    for position, unit_id in enumerate(ids):
        if not unit_id:
            msg = "empty unit id"
            raise InputError(msg, source=source, location=f"row {position + 2}", field="unit")
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        msg = f"duplicate unit id '{ids[position]}'"
        raise InputError(msg, source=source, location=f"row {position + 2}", field="unit")
    return ids


def _parse_column(
    raw: pd.Series, *, column: str, source: str, given: pd.Series | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse one column; ``given`` holds statuses set upstream (e.g. from GENESIS)."""
    text = ["" if pd.isna(v) else str(v).strip() for v in raw]
    known = [
        "" if given is None or pd.isna(g) else str(g).strip()
        for g in (given if given is not None else [None] * len(text))
    ]
    values = np.full(len(text), np.nan)
    status = np.array([k or "ok" for k in known], dtype=object)
    for position, cell in enumerate(text):
        if cell in ("", "nan") and column == "energy_crop_share":
            status[position] = "cap"  # empty share: the sustainable cap applies
            continue
        if cell in SPECIAL_VALUES or cell.lower() == "nan":
            if status[position] in ("ok", "zero"):
                status[position] = SPECIAL_VALUES.get(cell, "missing")
            warnings.warn(
                f"{source}, row {position + 2}, field '{column}': value {cell!r} is "
                f"{status[position]}; kept missing (NaN), not zero",
                DataQualityWarning,
                stacklevel=3,
            )
            continue
        if cell == "-":
            values[position], status[position] = 0.0, "zero"
            continue
        try:
            values[position] = float(cell.replace(",", ".") if cell.count(",") == 1 else cell)
        except ValueError:
            msg = f"expected a number, got {cell!r}"
            raise InputError(
                msg, source=source, location=f"row {position + 2}", field=column
            ) from None
    return values, status


def _check_ranges(table: pd.DataFrame, *, source: str) -> None:
    for column in NUMERIC:
        values = table[column].to_numpy(dtype=float)
        negative = np.flatnonzero(values < 0)
        if negative.size:
            row = int(negative[0])
            msg = f"negative value {values[row]} (areas, counts and shares must be >= 0)"
            raise InputError(msg, source=source, location=f"row {row + 2}", field=column)
    for column in SHARES:
        values = table[column].to_numpy(dtype=float)
        above = np.flatnonzero(values > 1)
        if above.size:
            row = int(above[0])
            msg = f"share {values[row]} above 1 (give a fraction, e.g. 0.1 for 10 %)"
            raise InputError(msg, source=source, location=f"row {row + 2}", field=column)
    over = np.flatnonzero(table["cereal_ha"].to_numpy() > table["arable_ha"].to_numpy() * 1.001)
    for position in over:
        warnings.warn(
            f"{source}, row {position + 2}, field 'cereal_ha': cereal area above arable area",
            DataQualityWarning,
            stacklevel=3,
        )
