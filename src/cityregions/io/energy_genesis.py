"""Map GENESIS / Regionalstatistik CSV exports onto the per-unit input table.

The tables of the research note (``bioenergy.md`` section 4.1), read with
:func:`cityregions.io.genesis.read_genesis`, feed these input columns:

==================== ============================ ==========================================
input column         table                        column label matched (first that exists)
==================== ============================ ==========================================
forest_ha            33111-01-02-4 (ALKIS)        ``Wald``
arable_ha            41141-01-01-4 (LZ/ASE)       ``Ackerland``
grassland_ha         41141-01-01-4                ``Dauergrünland``
cereal_ha            41141-02-02-4                ``Getreide zur Körnergewinnung``, ``Getreide``
cereal_yield_t_per_ha 41241-01-03-4 (dt/ha ÷ 10)  ``Getreide``, ``Winterweizen``
dairy_cows           41312-01-01-4 (HIT cattle)   ``Milchkühe``
other_cattle         41312-01-01-4                ``Rinder insgesamt`` − ``Milchkühe``
fattening_pigs       41141-03-02-4                ``Mastschweine``, ``Schweine`` (all pigs)
poultry              41141-03-02-4                ``Geflügel``, ``Hühner`` (if present)
horses               41141-03-02-4                ``Einhufer``, ``Pferde`` (if present)
population           12411-…                      ``Insgesamt``, ``Bevölkerung``
==================== ============================ ==========================================

Labels are matched case-insensitively inside the joined column labels; give
``columns={"arable_ha": "<label>"}`` when an export names them differently. The latest
year per district is used unless ``year`` is given. Special values keep the status of
:data:`cityregions.io.genesis.SPECIAL_SIGNS` (``.`` → ``unknown_or_secret``, ``...`` →
``not_yet_available``, ``/`` → ``unreliable``, ``x`` → ``locked``) and stay NaN; ``-``
is an exact zero (status ``nothing``).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError

logger = logging.getLogger(__name__)

#: Input column → (table role, label patterns in order of preference, factor).
MAPPING: dict[str, tuple[str, tuple[str, ...], float]] = {
    "forest_ha": ("land_use", ("wald",), 1.0),
    "arable_ha": ("land_holdings", ("ackerland",), 1.0),
    "grassland_ha": ("land_holdings", ("dauergrünland", "dauergruenland", "grünland"), 1.0),
    "cereal_ha": ("crops", ("getreide zur körnergewinnung", "getreide"), 1.0),
    "cereal_yield_t_per_ha": ("yields", ("getreide", "winterweizen"), 0.1),
    "dairy_cows": ("cattle", ("milchkühe", "milchkuehe"), 1.0),
    "cattle_total": ("cattle", ("rinder insgesamt", "rinder"), 1.0),
    "fattening_pigs": ("livestock", ("mastschweine", "schweine"), 1.0),
    "poultry": ("livestock", ("geflügel", "gefluegel", "hühner", "huehner"), 1.0),
    "horses": ("livestock", ("einhufer", "pferde"), 1.0),
    "population": ("population", ("insgesamt", "bevölkerung", "bevoelkerung"), 1.0),
}


#: Columns read only when the export has them (a livestock table without poultry is fine).
OPTIONAL_COLUMNS = frozenset({"cattle_total", "poultry", "horses"})


def genesis_column(
    path: str | Path,
    column: str,
    *,
    label: str | None = None,
    year: str | None = None,
) -> pd.DataFrame:
    """Read one input column from a GENESIS export.

    Parameters
    ----------
    path
        The CSV export.
    column
        Input column to fill (a key of :data:`MAPPING`).
    label
        Column label to use instead of the default patterns.
    year
        Reference year or date to use (default: the latest per district).

    Returns
    -------
    pandas.DataFrame
        Indexed by 5-digit district key: ``<column>``, ``<column>_status``,
        ``<column>_source`` (file, table code, label, time).

    Raises
    ------
    InputError
        If no column label matches (the message lists the labels of the file).
    """
    from cityregions.io.genesis import read_genesis

    if column not in MAPPING:
        msg = f"unknown input column '{column}' (known: {', '.join(MAPPING)})"
        raise InputError(msg, field=column)
    table = read_genesis(path, dash_as_zero=True)
    rows = table.districts()
    if rows.empty:
        rows = table.data[table.data["key"].astype(str).str.fullmatch(r"\d{2,8}")]
    _, patterns, factor = MAPPING[column]
    chosen = _choose_label(rows["variable"].astype(str), (label,) if label else patterns)
    if chosen is None:
        labels = sorted(set(rows["variable"].astype(str)))
        msg = (
            f"no column for '{column}' (looked for {list((label,) if label else patterns)}); "
            f"columns in the file: {labels[:12]}; pass the label explicitly"
        )
        raise InputError(msg, source=path, field=column)
    picked = rows[rows["variable"].astype(str) == chosen]
    picked = _one_time(picked, year=year, source=path)
    factor = factor * _area_factor(table.measure, column)
    out = pd.DataFrame(index=pd.Index(picked["key"].astype(str), name="unit"))
    out[column] = picked["value"].to_numpy(dtype=float) * factor
    out[f"{column}_status"] = picked["status"].astype(str).to_numpy()
    when = f", {picked['time'].iloc[0]}" if "time" in picked else ""
    out[f"{column}_source"] = f"{Path(path).name} ({table.code or 'GENESIS'}: {chosen}{when})"
    _warn_missing(out, column, picked, source=path)
    return out


def inputs_from_genesis(
    files: Mapping[str, str | Path],
    *,
    base: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    year: str | None = None,
) -> pd.DataFrame:
    """Build (or update) the per-unit input table from GENESIS exports.

    Parameters
    ----------
    files
        Input column → export file, e.g. ``{"dairy_cows": "41312-01-01-4.csv"}``; one
        file can serve several columns.
    base
        An existing input table (e.g. the bundled estimates) whose columns are replaced
        where a file is given; its other columns are kept.
    labels
        Input column → column label, overriding :data:`MAPPING`.
    year
        Reference year (default: latest per district).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit, with the values, ``<column>_status`` and a ``source`` column
        naming the file per replaced column; ``kind`` becomes ``observed`` for columns
        from GENESIS (rows of ``base`` keep their other provenance in ``source``).
    """
    labels = dict(labels or {})
    parts = []
    for column, path in files.items():
        try:
            parts.append(genesis_column(path, column, label=labels.get(column), year=year))
        except InputError as error:
            if column not in OPTIONAL_COLUMNS or "no column for" not in error.message:
                raise
            logger.info("%s: no column for %s; the column is not replaced", path, column)
    parts = _other_cattle(parts)
    table = base.copy() if base is not None else pd.DataFrame()
    if table.empty and parts:
        table = pd.DataFrame(index=pd.Index(sorted(set().union(*[p.index for p in parts]))))
        table.index.name = "unit"
    for part in parts:
        column = part.columns[0]
        known = table.index.intersection(part.index)
        unknown = part.index.difference(table.index)
        if len(unknown) and base is not None:
            logger.info("GENESIS rows not in the base table ignored: %s", list(unknown[:5]))
        table.loc[known, column] = part.loc[known, column]
        table.loc[known, f"{column}_status"] = part.loc[known, f"{column}_status"]
        note = part[f"{column}_source"].iloc[0]
        previous = table["source"] if "source" in table else pd.Series("", index=table.index)
        table["source"] = previous.astype(object)
        table.loc[known, "source"] = [
            _replace_note(str(p), column, note) for p in previous.loc[known].fillna("")
        ]
        kinds = table["kind"] if "kind" in table else pd.Series("", index=table.index)
        table["kind"] = kinds.fillna("").astype(object)
        table.loc[known, "kind"] = [
            f"{k}; observed: {column}" if k else f"observed: {column}"
            for k in kinds.loc[known].fillna("")
        ]
    return table


def _other_cattle(parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Replace the cattle total by ``other_cattle`` = total − dairy cows (derived)."""
    by_column = {part.columns[0]: part for part in parts}
    total = by_column.pop("cattle_total", None)
    if total is None or "dairy_cows" not in by_column:
        return list(by_column.values())
    dairy = by_column["dairy_cows"].reindex(total.index)
    other = pd.DataFrame(index=total.index)
    other["other_cattle"] = total["cattle_total"] - dairy["dairy_cows"]
    ok = total["cattle_total_status"].eq("ok")
    other["other_cattle_status"] = total["cattle_total_status"].where(
        ~ok, dairy["dairy_cows_status"].fillna("missing")
    )
    other["other_cattle_source"] = f"{total['cattle_total_source'].iloc[0]} - dairy cows (derived)"
    return [*by_column.values(), other]


def _choose_label(variables: pd.Series, patterns: tuple[str, ...]) -> str | None:
    unique = list(dict.fromkeys(variables))
    for pattern in patterns:
        wanted = pattern.lower()
        parts = {v: [p.strip().lower() for p in v.split("|")] for v in unique}
        exact = [v for v in unique if wanted in parts[v]]
        if exact:
            return min(exact, key=len)
        partial = [v for v in unique if re.search(re.escape(wanted), v.lower())]
        if partial:
            return min(partial, key=len)
    return None


def _one_time(rows: pd.DataFrame, *, year: str | None, source: str | Path) -> pd.DataFrame:
    if "time" not in rows:
        return rows.drop_duplicates("key", keep="last")
    times = rows["time"].astype(str)
    if year is not None:
        rows = rows[times.str.contains(str(year), regex=False)]
        if rows.empty:
            found = ", ".join(sorted(set(times))[:8])
            msg = f"no values for year {year!r}; the export has the dates {found}"
            raise InputError(msg, source=source, field="time")
        return rows.drop_duplicates("key", keep="last")
    order = times.map(lambda t: t[-4:] + t[3:5] + t[:2] if len(t) == 10 else t)
    return rows.assign(_order=order).sort_values("_order").drop_duplicates("key", keep="last")


def _area_factor(measure: str, column: str) -> float:
    if column.endswith("_ha") and re.search(r"km\s*(²|2)", measure):
        return 100.0
    return 1.0


def _warn_missing(
    out: pd.DataFrame, column: str, picked: pd.DataFrame, *, source: str | Path
) -> None:

    lines = picked["line"].to_numpy() if "line" in picked else np.zeros(len(picked))
    for position in np.flatnonzero(out[column].isna().to_numpy()):
        warnings.warn(
            f"{source}, line {lines[position]}, field '{column}': district "
            f"{out.index[int(position)]} is {out[f'{column}_status'].iloc[position]}; "
            "kept missing (NaN), not zero",
            DataQualityWarning,
            stacklevel=3,
        )


def _replace_note(previous: str, column: str, note: str) -> str:
    kept = [p for p in previous.split("; ") if p and not p.startswith(f"{column}:")]
    return "; ".join([*kept, f"{column}: {note}"])
