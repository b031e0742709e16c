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
them would understate the potential). A missing value (NaN) stays missing — never zero —
with its status (``missing``, or the status of a GENESIS special sign given in
``<column>_status``) and a :class:`~cityregions.DataQualityWarning` naming source, row
and column.

This module checks a table that is already in memory (:func:`validate_energy_inputs`);
files are read by :func:`cityregions.io.energy_inputs.read_energy_inputs`, which turns
the GENESIS special signs (``.``, ``...``, ``/``, ``x``, ``-``; the one table is
:data:`cityregions.io.genesis.SPECIAL_SIGNS`) into missing values with their status.
"""

from __future__ import annotations

import logging
import re
import warnings

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

#: Status of a missing value without a known reason, and of an absent energy-crop share.
MISSING, CAP = "missing", "cap"
_LIVESTOCK_WORDS = re.compile(
    r"cow|cattle|calf|calves|heifer|bull|pig|sow|piglet|hog|swine|hen|poultry|chicken|"
    r"broiler|turkey|duck|goose|sheep|goat|horse|ewe|lamb|livestock|rind|schwein|kuh|kuehe|"
    r"huhn|gefluegel",
    re.IGNORECASE,
)


def validate_energy_inputs(frame: pd.DataFrame, *, source: str = "<inputs>") -> pd.DataFrame:
    """Check a per-unit input table and return it in the form the module computes with.

    Parameters
    ----------
    frame
        One row per unit with the columns of the module docstring: numbers (or their
        text) in the numeric columns, NaN where a value is missing, optionally
        ``<column>_status`` (e.g. the status of a GENESIS special sign).
    source
        Where the table comes from, for messages. Row numbers in messages are file
        lines (header = line 1).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit`` (str); numeric columns as float (NaN = missing), plus one
        ``<column>_status`` column per numeric column (``ok``, the given status,
        ``missing``, ``cap`` for an absent energy-crop share, ``absent`` for a column
        not given).

    Raises
    ------
    InputError
        On a missing required column, an unknown livestock or land-use column, a value
        that is not a number, a negative value or a share above 1 (source, row and
        column named).
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
    """Numbers of one column and their status; ``given`` holds statuses set upstream."""
    known = [
        "" if given is None or pd.isna(g) else str(g).strip()
        for g in (given if given is not None else [None] * len(raw))
    ]
    values = np.full(len(raw), np.nan)
    status = np.array([k or "ok" for k in known], dtype=object)
    for position, cell in enumerate(raw):
        value = _number(cell, column=column, row=position + 2, source=source)
        if not np.isnan(value):
            values[position] = value
            continue
        if column == "energy_crop_share" and known[position] in ("", MISSING):
            status[position] = CAP  # no share requested: the sustainable cap applies
            continue
        if status[position] == "ok":
            status[position] = MISSING
        warnings.warn(
            f"{source}, row {position + 2}, field '{column}': {status[position]}; "
            "kept missing (NaN), not zero",
            DataQualityWarning,
            stacklevel=4,
        )
    return values, status


def _number(cell: object, *, column: str, row: int, source: str) -> float:
    """A cell as a float (NaN if empty); text may use one decimal comma."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return np.nan
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        return float(cell)
    text = str(cell).strip()
    if text == "" or text.lower() == "nan":
        return np.nan
    try:
        return float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        msg = (
            f"expected a number, got {text!r} (files with GENESIS special signs are read "
            "by cityregions.io.energy_inputs.read_energy_inputs)"
        )
        raise InputError(msg, source=source, location=f"row {row}", field=column) from None


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
