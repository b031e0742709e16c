"""The plain per-unit input table of the bioenergy module.

One row per territorial unit with the columns

========================== =========== ===================================================
column                     unit        meaning
========================== =========== ===================================================
unit                       —           unit id (AGS as text, leading zeros kept)
population                 persons     inhabitants
arable_ha                  ha          arable land (Ackerland)
grassland_ha               ha          permanent grassland (Dauergrünland)
forest_ha                  ha          forest (ALKIS Wald)
cereal_ha                  ha          cereal area (part of arable land)
cereal_yield_t_per_ha      t/ha        cereal grain yield
energy_crop_share          share       requested share of arable land in energy crops
                                       (optional; empty = the sustainable cap)
dairy_cows                 head        dairy cows (slurry)
other_cattle               head        all other cattle (solid manure)
fattening_pigs             head        pigs (fattening-pig places; slurry)
poultry                    head        poultry (litter)
horses                     head        horses (solid manure)
employees                  persons     employees (optional; for commerce demand)
sewage_digestion_share     share       share of inhabitants connected to a WWTP with
                                       anaerobic digestion (optional; empty = population
                                       based, flagged ``population_based``)
protected_forest_share     share       forest excluded from wood removal (optional;
                                       empty = the coefficient's sourced default)
biogas_chp_kw_el           kW          biogas and biomethane CHP in operation (MaStR)
biomethane_upgrading_kw    kW          biogas upgrading in operation (biomethane output)
solid_biomass_kw_el        kW          solid-biomass power units in operation (MaStR)
sewage_gas_mwh_el          MWh/a       electricity from sewage gas in operation (empty =
                                       the share of sewage gas in use, flagged)
installed_kw_el            kW          all biomass power (MaStR sum), for comparison
========================== =========== ===================================================

A livestock or current-use column that is absent counts as zero (with a note in the
log). Columns ``name``, ``source``, ``kind``, ``lon``, ``lat`` and ``<column>_status``
are carried along; ``kind`` must be a ``;``-separated list of ``fact``, ``observed``,
``estimate``, ``assumption`` or ``modeled`` (each optionally followed by ``: <column>``).
Other columns are ignored with a note, except columns that look like livestock or land
use the module does not model (an error, because silently dropping them would
understate the potential). A missing value (NaN) stays missing — never zero — with its
status (``missing``, or the status of a GENESIS special sign given in
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
from cityregions._numbers import EXPECTED, check_magnitude, number_problem

logger = logging.getLogger(__name__)

REQUIRED = (
    "population",
    "arable_ha",
    "grassland_ha",
    "forest_ha",
    "cereal_ha",
    "cereal_yield_t_per_ha",
)
LIVESTOCK = ("dairy_cows", "other_cattle", "fattening_pigs", "poultry", "horses")
#: Plants in operation (current use): capacity per technology, sewage gas as electricity.
CURRENT_USE = (
    "biogas_chp_kw_el",
    "biomethane_upgrading_kw",
    "solid_biomass_kw_el",
    "sewage_gas_mwh_el",
)
#: Optional numeric columns and the value used when the whole column is absent.
OPTIONAL: dict[str, float] = {
    "energy_crop_share": np.nan,
    **dict.fromkeys(LIVESTOCK, 0.0),
    "employees": np.nan,
    "sewage_digestion_share": np.nan,
    "protected_forest_share": np.nan,
    "biogas_chp_kw_el": 0.0,
    "biomethane_upgrading_kw": 0.0,
    "solid_biomass_kw_el": 0.0,
    "sewage_gas_mwh_el": np.nan,
    "installed_kw_el": np.nan,
}
SHARES = ("energy_crop_share", "sewage_digestion_share", "protected_forest_share")
NUMERIC = (*REQUIRED, *OPTIONAL)
CARRIED = ("name", "source", "kind", "lon", "lat")
#: Words of the ``kind`` column (provenance of a row's values).
KINDS = ("fact", "observed", "estimate", "assumption", "modeled")

#: Status of a missing value without a known reason.
MISSING = "missing"
#: An empty cell of these columns is not missing: it selects a documented rule.
EMPTY_MEANS = {
    "energy_crop_share": "cap",  # the sustainable cap applies
    "sewage_digestion_share": "population_based",  # national average per inhabitant
    "protected_forest_share": "default",  # the coefficient's sourced default
    "sewage_gas_mwh_el": "share_in_use",  # the share of sewage gas in use
}
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
        ``missing``, the rule an empty cell selects — ``cap``, ``population_based``,
        ``default``, ``share_in_use`` — or ``absent`` for a column not given).

    Raises
    ------
    InputError
        On a missing required column, an unknown livestock or land-use column, a value
        that is not a finite number, a negative value, a share above 1, a duplicate
        unit id or an unknown ``kind`` (source, row and column named).
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
            out[f"{column}_status"] = EMPTY_MEANS.get(column, "absent")
            if column in LIVESTOCK or column in CURRENT_USE[:3]:
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
    if "kind" in out.columns:
        _check_kinds(out["kind"], source=source)
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
        if not unit_id or unit_id.lower() == "nan":
            msg = "empty unit id"
            raise InputError(msg, source=source, location=f"row {position + 2}", field="unit")
    duplicated = pd.Index(ids).duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        first = ids.index(ids[position])
        msg = f"duplicate unit id '{ids[position]}' (first in row {first + 2})"
        raise InputError(msg, source=source, location=f"row {position + 2}", field="unit")
    return ids


def _check_kinds(kinds: pd.Series, *, source: str) -> None:
    for position, cell in enumerate(kinds):
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell) == "":
            continue
        for part in str(cell).split(";"):
            word = part.split(":", 1)[0].strip()
            if word not in KINDS:
                msg = f"unknown kind {word!r} in {str(cell)!r} (allowed: {', '.join(KINDS)})"
                raise InputError(msg, source=source, location=f"row {position + 2}", field="kind")


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
        if column in EMPTY_MEANS and known[position] in ("", MISSING):
            status[position] = EMPTY_MEANS[column]  # an empty cell selects the rule
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
    """A cell as a float (NaN if empty); text may use one decimal comma; finite only."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return np.nan
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        problem = check_magnitude(float(cell))
        if problem is not None:
            msg = f"expected {EXPECTED}: {problem}"
            raise InputError(msg, source=source, location=f"row {row}", field=column)
        return float(cell)
    text = str(cell).strip()
    if text == "":
        return np.nan
    comma = text.count(",") == 1 and "." not in text
    problem = number_problem(text, decimal_comma=comma)
    if problem is not None:
        msg = (
            f"expected {EXPECTED}, got {text!r} (files with GENESIS special signs are "
            "read by cityregions.io.energy_inputs.read_energy_inputs)"
        )
        raise InputError(msg, source=source, location=f"row {row}", field=column)
    return float(text.replace(",", ".") if comma else text)


def _check_ranges(table: pd.DataFrame, *, source: str) -> None:
    for column in NUMERIC:
        values = table[column].to_numpy(dtype=float)
        negative = np.flatnonzero(values < 0)
        if negative.size:
            row = int(negative[0])
            msg = (
                f"negative value {values[row]} (areas, counts, capacities and shares must be >= 0)"
            )
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
