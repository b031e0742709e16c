"""Split district (Kreis) values to municipalities by proxies that conserve totals.

Agricultural statistics are published per district; municipal results need a proxy per
feedstock (research note section 7 step 2): crops and straw by arable or agricultural
area, grassland biomass by grassland area, livestock by agricultural area, forest by
forest area, biowaste and sewage by population. Every split conserves the district total
exactly; a district value that is missing (e.g. ``unknown_or_secret``, ``.``) stays missing for all
its municipalities with the district's status, never zero.

The module also holds the top-down helpers of the PyPSA-Eur / ENSPRESO path (check 7 of
the note): PJ → MWh, area weighting, population-share split of national values and the
model-year interpolation.

Notes
-----
For a municipality :math:`m` in district :math:`d` with proxy :math:`p_m`:
:math:`x_m = X_d \\, p_m / \\sum_{k \\in d} p_k`, so :math:`\\sum_{m \\in d} x_m = X_d`.

References
----------
PyPSA-Eur ``scripts/build_biomass_potentials.py``; Euro-Calliope
``modules/biofuels/workflow/scripts/allocate.py`` (proxies per feedstock).

Examples
--------
>>> parent = pd.Series({"a": "K", "b": "K", "c": "K"})
>>> proxy = pd.Series({"a": 0.2, "b": 0.3, "c": 0.5})
>>> disaggregate(pd.Series({"K": 10_000.0}), proxy, parent).tolist()
[2000.0, 3000.0, 5000.0]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cityregions._errors import InputError

logger = logging.getLogger(__name__)

#: 1 PJ in MWh (10^15 J / 3.6 × 10^9 J).
MWH_PER_PJ = 1e9 / 3600.0
#: Default proxy of each per-unit input column (extensive columns only).
DEFAULT_PROXIES: dict[str, str] = {
    "arable_ha": "agriculture_ha",
    "cereal_ha": "agriculture_ha",
    "grassland_ha": "agriculture_ha",
    "dairy_cows": "agriculture_ha",
    "other_cattle": "agriculture_ha",
    "fattening_pigs": "agriculture_ha",
    "poultry": "agriculture_ha",
    "horses": "agriculture_ha",
    # plants in operation follow their feedstock, so that used / potential stays the
    # district's ratio in every municipality (an estimate: plants stand somewhere)
    "biogas_chp_kw_el": "agriculture_ha",
    "biomethane_upgrading_kw": "agriculture_ha",
    "solid_biomass_kw_el": "forest_ha",
    "sewage_gas_mwh_el": "population",
    "forest_ha": "forest_ha",
}
#: Intensive columns copied from the district to its municipalities.
INTENSIVE = (
    "cereal_yield_t_per_ha",
    "energy_crop_share",
    "sewage_digestion_share",
    "protected_forest_share",
)


def disaggregate(
    values: pd.Series,
    proxy: pd.Series,
    parent: pd.Series,
    *,
    status: pd.Series | None = None,
    source: str = "<disaggregation>",
) -> pd.Series:
    """Split district values to municipalities in proportion to a proxy.

    Parameters
    ----------
    values
        District value per district id (NaN = missing).
    proxy
        Proxy per municipality id (e.g. arable area), >= 0.
    parent
        District id per municipality id.
    status
        Optional status per district (e.g. ``unknown_or_secret``); copied to the municipalities
        of a missing district in the result's ``attrs["status"]``.
    source
        Name used in error messages.

    Returns
    -------
    pandas.Series
        Value per municipality (index of ``proxy``); ``attrs["status"]`` holds a Series
        of statuses (``ok`` or the district's status where missing).

    Raises
    ------
    InputError
        If a municipality's district is unknown, a proxy is negative or missing, or a
        district with a positive value has a zero proxy sum (its total could not be
        conserved).
    """
    parent = parent.reindex(proxy.index)
    if parent.isna().any():
        bad = parent.index[parent.isna().to_numpy()][0]
        msg = "municipality has no district (parent)"
        raise InputError(msg, source=source, location=f"unit {bad}", field="parent")
    unknown = sorted(set(parent) - set(values.index))
    if unknown:
        msg = f"parent district(s) {unknown[:5]} are not units of the district values"
        raise InputError(msg, source=source, field="parent")
    weights = pd.to_numeric(proxy, errors="coerce").astype(float)
    if weights.isna().any() or (weights < 0).any():
        bad = weights.index[(weights.isna() | (weights < 0)).to_numpy()][0]
        msg = f"proxy must be a number >= 0, got {proxy[bad]!r}"
        raise InputError(
            msg, source=source, location=f"unit {bad}", field=str(proxy.name or "proxy")
        )
    sums = weights.groupby(parent).sum()
    empty = [d for d in sums.index if sums[d] == 0 and values[d] > 0]
    if empty:
        msg = f"district {empty[0]} has value {values[empty[0]]} but a zero proxy sum"
        raise InputError(msg, source=source, location=f"district {empty[0]}")
    share = (weights / parent.map(sums).replace(0, np.nan)).fillna(0.0)
    result = parent.map(values).astype(float) * share
    states = pd.Series("ok", index=proxy.index, dtype=object)
    missing_districts = values.index[values.isna().to_numpy()]
    if len(missing_districts):
        district_status = (
            status.reindex(values.index).fillna("missing")
            if status is not None
            else pd.Series("missing", index=values.index)
        )
        affected = parent.isin(missing_districts)
        states[affected] = parent[affected].map(district_status)
        result[affected] = np.nan
    result.attrs["status"] = states
    result.name = values.name
    return result


def disaggregate_inputs(
    districts: pd.DataFrame,
    municipalities: pd.DataFrame,
    *,
    proxies: Mapping[str, str] | None = None,
    parent_column: str = "parent",
    source: str = "<disaggregation>",
) -> pd.DataFrame:
    """Split a district input table (see :mod:`~cityregions.energy.inputs`) to municipalities.

    Parameters
    ----------
    districts
        Per-district inputs indexed by district id (``<column>_status`` columns used).
    municipalities
        Per-municipality table indexed by municipality id with ``parent`` (district id),
        ``population`` and the proxy columns (default :data:`DEFAULT_PROXIES`).
    proxies
        Input column → proxy column.
    parent_column
        Column of ``municipalities`` with the district id.
    source
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Per-municipality inputs with ``<column>_status``; population is the municipality's
        own; intensive columns are copied from the district.
    """
    proxies = dict(DEFAULT_PROXIES if proxies is None else proxies)
    population = _checked_population(municipalities, source=source)
    parent = municipalities[parent_column].astype(str)
    out = pd.DataFrame(index=municipalities.index)
    out["population"] = population
    for column, proxy_column in proxies.items():
        if column not in districts:
            continue
        if proxy_column not in municipalities:
            msg = f"proxy column '{proxy_column}' for '{column}' is missing"
            raise InputError(msg, source=source, field=proxy_column)
        status = districts.get(f"{column}_status")
        split = disaggregate(
            districts[column],
            municipalities[proxy_column].rename(proxy_column),
            parent,
            status=status,
            source=source,
        )
        out[column] = split
        out[f"{column}_status"] = split.attrs["status"]
    for column in INTENSIVE:
        if column in districts:
            out[column] = parent.map(districts[column]).astype(float)
    out.index.name = "unit"
    return out


def _checked_population(municipalities: pd.DataFrame, *, source: str) -> pd.Series:
    """Return the population as floats; raise on duplicate ids or a bad value (row named)."""
    ids = pd.Series(municipalities.index.astype(str))
    duplicated = ids.duplicated().to_numpy()
    if duplicated.any():
        row = int(duplicated.nonzero()[0][0]) + 2
        msg = f"duplicate unit id {ids[row - 2]!r}"
        raise InputError(msg, source=source, location=f"row {row}", field="unit")
    raw = municipalities["population"]
    population = pd.to_numeric(raw, errors="coerce")
    bad = (population.isna() | (population < 0)).to_numpy()
    if bad.any():
        row = int(bad.nonzero()[0][0])
        msg = f"population must be a number >= 0, got {raw.iloc[row]!r}"
        raise InputError(msg, source=source, location=f"row {row + 2}", field="population")
    return population.astype(float)


def area_weighted(value: float, share_inside: float) -> float:
    """Return the part of a regional value inside a model region by area share.

    Examples
    --------
    >>> area_weighted(100.0, 0.25)
    25.0
    """
    if not 0 <= share_inside <= 1:
        msg = f"area share must lie in [0, 1], got {share_inside}"
        raise InputError(msg, field="share_inside")
    return value * share_inside


def population_split(national: float, population_share: float) -> float:
    """Return a national-only value split by population share (PyPSA-Eur NUTS0 → NUTS2).

    Examples
    --------
    >>> population_split(1000.0, 0.05)
    50.0
    """
    return area_weighted(national, population_share)


def interpolate_year(values: Mapping[int, float], year: int) -> float:
    """Return the value of ``year`` from decadal values, as PyPSA-Eur does.

    Linear interpolation between neighbouring years; years before the first or after the
    last available year use that year's value.

    Examples
    --------
    >>> interpolate_year({2030: 10.0, 2040: 20.0, 2050: 30.0}, 2035)
    15.0
    >>> interpolate_year({2030: 10.0, 2040: 20.0, 2050: 30.0}, 2060)
    30.0
    """
    years = sorted(values)
    if not years:
        msg = "no years to interpolate from"
        raise InputError(msg, field="year")
    return float(np.interp(year, years, [values[y] for y in years]))


def pj_to_mwh(pj: float) -> float:
    """Convert PJ to MWh (1 PJ = 277 777.8 MWh).

    Examples
    --------
    >>> round(pj_to_mwh(1.0), 1)
    277777.8
    """
    return pj * MWH_PER_PJ
