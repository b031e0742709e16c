r"""Current use: what the plants in operation already take from the potential.

Plants in operation are given per unit and technology (inputs columns of
:mod:`cityregions.energy.inputs`, e.g. from the Marktstammdatenregister):

============================ =========================== ==================================
technology                   input column                fuel drawn from
============================ =========================== ==================================
``biogas_chp``               ``biogas_chp_kw_el``        the unit's biogas feedstocks
``biomethane_upgrading``     ``biomethane_upgrading_kw`` the unit's biogas feedstocks
``solid_biomass``            ``solid_biomass_kw_el``     straw and forest residues, share
                                                         ``solid_plant_feedstock_share``
``sewage_gas``               ``sewage_gas_mwh_el``       the unit's sewage gas
============================ =========================== ==================================

Notes
-----
With capacity :math:`P` (kW) and full-load hours :math:`h` of the technology:

* biogas CHP: gross electricity :math:`E^{g} = P h / 1000`, fuel
  :math:`F = E^{g} / \eta_{el}`, net electricity :math:`E^{g}(1-o)` and net heat
  :math:`F \max(\eta_{th} - h_d, 0)` as in :mod:`cityregions.energy.conversion`;
  :math:`h` = 5 690 h (Fachverband Biogas 2022: 33.54 TWh / 5 895 MW, derived);
* biomethane upgrading: biomethane :math:`B = P h / 1000` with :math:`h` = 6 894 h
  (LfL: 78.7 % utilisation), fuel :math:`F = B / \max(\eta_{up} - h_d, 0)`;
* solid biomass: :math:`E = P h / 1000`, :math:`F = E / \eta^{s}_{el}`; the full-load
  hours are NOT FOUND in the notes, so :math:`E` and :math:`F` are unknown (NaN) until
  ``solid_biomass_full_load_hours`` is given; only the share
  ``solid_plant_feedstock_share`` of :math:`F` (default 0) is drawn from the modelled
  straw and forest residues;
* sewage gas: :math:`F = E / \eta_{el}` from the electricity given, else
  :math:`F = s \cdot F^{pot}_{sewage}` with the share in use :math:`s` = 0.88 (Destatis
  2019, flagged ``share_in_use``).

The fuel a technology draws from a pool of feedstocks is attributed to the feedstocks
in proportion to their potential in the unit,
:math:`U_f = F \, P_f / \sum_{g \in pool} P_g`, and the supply for new uses is
:math:`\max(P_f - U_f, 0)`; ``overused`` flags :math:`U_f > P_f` (the plants import
feedstock or the potential is too small). A unit whose current use equals its
potential therefore has no supply for new uses.

References
----------
Fachverband Biogas branch figures 2022; LfL Bavaria (grid-injection utilisation);
Destatis table 43381-0001 (sewage gas); see ``coefficients.toml``.

Examples
--------
>>> import pandas as pd
>>> v = {"biogas_current_full_load_hours": 5000.0, "biogas_chp_eta_el": 0.4,
...      "biogas_chp_eta_th": 0.45, "biogas_own_electricity": 0.1,
...      "digester_heat_share": 0.05}
>>> use = biogas_chp_use(pd.Series({"a": 100.0}), v)
>>> float(use["fuel_mwh"].iloc[0]), float(use["electricity_mwh"].iloc[0])
(1250.0, 450.0)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cityregions.energy.conversion import KINDS, convert

logger = logging.getLogger(__name__)

#: Technology → input column holding its size.
TECHNOLOGIES: dict[str, str] = {
    "biogas_chp": "biogas_chp_kw_el",
    "biomethane_upgrading": "biomethane_upgrading_kw",
    "solid_biomass": "solid_biomass_kw_el",
    "sewage_gas": "sewage_gas_mwh_el",
}
#: Feedstocks each pool of technologies draws from.
POOLS: dict[str, tuple[str, ...]] = {
    "biogas": tuple(f for f, k in KINDS.items() if k == "biogas" and f != "sewage_gas"),
    "solid": tuple(f for f, k in KINDS.items() if k == "solid"),
    "sewage": ("sewage_gas",),
}
POOL_OF = {
    "biogas_chp": "biogas",
    "biomethane_upgrading": "biogas",
    "solid_biomass": "solid",
    "sewage_gas": "sewage",
}
COLUMNS = [
    "unit",
    "technology",
    "size",
    "size_unit",
    "full_load_hours",
    "fuel_mwh",
    "feedstock_fuel_mwh",
    "electricity_mwh",
    "heat_mwh",
    "biomethane_mwh",
    "status",
]


def _frame(
    technology: str, size: pd.Series, unit: str, hours: float, **columns: object
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit": size.index.astype(str),
            "technology": technology,
            "size": size.to_numpy(dtype=float),
            "size_unit": unit,
            "full_load_hours": hours,
            **columns,
        }
    )
    return frame


def biogas_chp_use(size_kw: pd.Series, v: Mapping[str, float]) -> pd.DataFrame:
    """Return the current use of biogas CHP of capacity ``size_kw`` (kW_el) per unit."""
    hours = v["biogas_current_full_load_hours"]
    gross = size_kw.to_numpy(dtype=float) * hours / 1000.0
    fuel = gross / v["biogas_chp_eta_el"]
    out = convert(fuel, "biogas_chp", v)
    return _frame(
        "biogas_chp",
        size_kw,
        "kW_el",
        hours,
        fuel_mwh=fuel,
        feedstock_fuel_mwh=fuel,
        electricity_mwh=out["electricity_mwh"],
        heat_mwh=out["heat_mwh"],
        biomethane_mwh=0.0,
        status="ok",
    )


def upgrading_use(size_kw: pd.Series, v: Mapping[str, float]) -> pd.DataFrame:
    """Return the current use of biogas upgrading of ``size_kw`` (kW biomethane) per unit."""
    hours = v["upgrading_full_load_hours"]
    biomethane = size_kw.to_numpy(dtype=float) * hours / 1000.0
    share = max(v["upgrading_efficiency"] - v["digester_heat_share"], 1e-9)
    fuel = biomethane / share
    return _frame(
        "biomethane_upgrading",
        size_kw,
        "kW",
        hours,
        fuel_mwh=fuel,
        feedstock_fuel_mwh=fuel,
        electricity_mwh=0.0,
        heat_mwh=0.0,
        biomethane_mwh=biomethane,
        status="ok",
    )


def solid_use(size_kw: pd.Series, v: Mapping[str, float]) -> pd.DataFrame:
    """Return the current use of solid-biomass power of ``size_kw`` (kW_el) per unit."""
    hours = v["solid_biomass_full_load_hours"]
    size = size_kw.to_numpy(dtype=float)
    electricity = size * hours / 1000.0
    fuel = electricity / v["solid_chp_eta_el"]
    share = v["solid_plant_feedstock_share"]
    drawn = np.where((size == 0) | (share == 0), 0.0, fuel * share)
    electricity = np.where(size == 0, 0.0, electricity)
    status = np.where(
        np.isnan(fuel) & (size > 0),
        "solid_biomass_full_load_hours not found: energy unknown",
        "ok",
    )
    return _frame(
        "solid_biomass",
        size_kw,
        "kW_el",
        hours,
        fuel_mwh=np.where(size == 0, 0.0, fuel),
        feedstock_fuel_mwh=drawn,
        electricity_mwh=electricity,
        heat_mwh=np.where(size == 0, 0.0, fuel * v["solid_chp_eta_th"]),
        biomethane_mwh=0.0,
        status=status,
    )


def sewage_use(
    electricity_mwh: pd.Series, potential_mwh: pd.Series, v: Mapping[str, float]
) -> pd.DataFrame:
    """Return the current use of sewage gas: from its electricity, else the share in use."""
    given = electricity_mwh.to_numpy(dtype=float)
    potential = potential_mwh.reindex(electricity_mwh.index).to_numpy(dtype=float)
    fuel = np.where(
        np.isnan(given), v["sewage_gas_in_use_share"] * potential, given / v["biogas_chp_eta_el"]
    )
    out = convert(fuel, "biogas_chp", v)
    status = np.where(np.isnan(given), "share_in_use", "ok")
    return _frame(
        "sewage_gas",
        electricity_mwh,
        "MWh_el/a",
        np.nan,
        fuel_mwh=fuel,
        feedstock_fuel_mwh=fuel,
        electricity_mwh=out["electricity_mwh"],
        heat_mwh=out["heat_mwh"],
        biomethane_mwh=0.0,
        status=status,
    )


def current_use(
    inputs: pd.DataFrame, values: Mapping[str, float], sewage_potential: pd.Series
) -> pd.DataFrame:
    """Return the current use per unit and technology (long table).

    Parameters
    ----------
    inputs
        Validated inputs (:func:`~cityregions.energy.inputs.validate_energy_inputs`).
    values
        Coefficient values.
    sewage_potential
        Sewage-gas fuel potential per unit (MWh/a), for units without a given
        electricity from sewage gas.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``size`` in ``size_unit``, ``fuel_mwh`` the fuel the
        plants burn, ``feedstock_fuel_mwh`` the part drawn from the modelled
        feedstocks of the unit, net ``electricity_mwh``, ``heat_mwh`` and
        ``biomethane_mwh`` they deliver (NaN where unknown, see ``status``).
    """
    parts = [
        biogas_chp_use(inputs["biogas_chp_kw_el"].astype(float), values),
        upgrading_use(inputs["biomethane_upgrading_kw"].astype(float), values),
        solid_use(inputs["solid_biomass_kw_el"].astype(float), values),
        sewage_use(inputs["sewage_gas_mwh_el"].astype(float), sewage_potential, values),
    ]
    table = pd.concat(parts, ignore_index=True)[COLUMNS]
    order = {u: i for i, u in enumerate(inputs.index)}
    table["_u"] = table["unit"].map(order)
    table["_t"] = table["technology"].map({t: i for i, t in enumerate(TECHNOLOGIES)})
    return (
        table.sort_values(["_u", "_t"], kind="stable")
        .drop(columns=["_u", "_t"])
        .reset_index(drop=True)
    )


def attribute(potential: pd.DataFrame, use: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the fuel used per unit and feedstock, attributed within each pool.

    Parameters
    ----------
    potential
        Fuel (MWh/a) as a frame unit × feedstock at one potential level.
    use
        Current use (:func:`current_use`).

    Returns
    -------
    tuple of pandas.DataFrame
        Unit × feedstock: fuel used (MWh/a; NaN where the use or the potential is
        unknown) and ``overused`` (the pool's plants need more than its potential).
    """
    drawn = (
        use.groupby(["unit", "technology"], sort=False)["feedstock_fuel_mwh"]
        .sum(min_count=1)
        .unstack("technology")
    )
    drawn = drawn.reindex(potential.index)
    used = pd.DataFrame(0.0, index=potential.index, columns=potential.columns)
    overused = pd.DataFrame(False, index=potential.index, columns=potential.columns)
    for pool, feedstocks in POOLS.items():
        members = [f for f in feedstocks if f in potential.columns]
        techs = [t for t, p in POOL_OF.items() if p == pool and t in drawn.columns]
        if not members or not techs:
            continue
        total = drawn[techs].sum(axis=1, min_count=1).fillna(0.0)
        unknown = drawn[techs].isna().any(axis=1)
        block = potential[members].astype(float)
        pool_sum = block.sum(axis=1, skipna=False)
        weights = block.div(pool_sum.where(pool_sum > 0), axis=0).fillna(0.0)
        share = weights.mul(total, axis=0)
        share[unknown | pool_sum.isna()] = np.nan
        used[members] = share
        over = (total > pool_sum * (1 + 1e-9)) & ~unknown & pool_sum.notna()
        overused.loc[over, members] = True
    return used, overused
