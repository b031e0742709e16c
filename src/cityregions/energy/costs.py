r"""Cost per MWh of the conversion sites: the annuity method (VDI 2067).

Every site of the feedstock allocation (:mod:`cityregions.energy.allocation`) converts
its fuel along one path. Its annual cost is the annuity of the investment plus fixed and
variable operation and maintenance, feedstock and transport; divided by the energy it
delivers this gives the levelised cost of electricity (LCOE, biogas and solid CHP), of
heat (LCOH, heat-only boilers) or of biomethane (LCOB).

Notes
-----
Annuity (capital recovery) factor for discount rate :math:`i` and lifetime :math:`n`
years: :math:`a = i (1+i)^n / ((1+i)^n - 1)` (:math:`1/n` for :math:`i = 0`). For a
plant part with specific investment :math:`I` (€/kW), fixed O&M :math:`f` (€/kW/a),
variable O&M :math:`v` (€/MWh) and capacity :math:`P` (kW):
:math:`K = a I P + f P + v E + K_{feed} + K_{haul}`, and the cost per MWh is
:math:`K / E_{net}` of the delivered carrier (no credit for by-products such as CHP
heat). Capacities: CHP :math:`P = 1000 E^{g} / h`; a digester produces gas all year,
:math:`P = 1000 F / 8760`; upgrading :math:`P = 1000 B / h_{up}`; a boiler
:math:`P = 1000 Q / h_b` (:math:`h_b` NOT FOUND in the notes: LCOH stays empty until
it is given). Costs keep the currency year of their source (no inflation).

References
----------
VDI 2067 Blatt 1 (annuity method), as used by C.A.R.M.E.N. "Wärmegestehungskosten";
Danish Energy Agency technology data (sheets 06, 09a, 82); Fraunhofer ISE (2020) cost
set; see ``coefficients.toml`` and ``bioenergy-economics.md`` section 3.

Examples
--------
>>> round(annuity_factor(0.05, 20), 4)
0.0802
>>> annuity_factor(0.0, 25)
0.04
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Hours of a year: a digester's capacity is its annual gas over these hours.
HOURS_PER_YEAR = 8760.0
#: Delivered carrier whose cost per MWh each path reports.
BASIS = {
    "biogas_chp": "electricity",
    "biomethane": "biomethane",
    "boiler": "heat",
    "solid_chp": "electricity",
}


def annuity_factor(rate: float, years: float) -> float:
    """Return the annuity (capital recovery) factor of ``rate`` over ``years``."""
    if years <= 0:
        return math.nan
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def _part(kw: float, name: str, v: Mapping[str, float]) -> tuple[float, float, float]:
    """(investment, annual capital, fixed O&M) of ``kw`` of plant part ``name``."""
    invest = kw * v[f"{name}_capex"]
    return (
        invest,
        invest * annuity_factor(v["discount_rate"], v[f"{name}_lifetime"]),
        kw * v[f"{name}_fixed_om"],
    )


def plant_cost(row: Mapping[str, Any], path: str, v: Mapping[str, float]) -> dict[str, float]:
    """Return capacity, investment and annual cost of converting at one site.

    Parameters
    ----------
    row
        The site's ``fuel_mwh``, ``electricity_gross_mwh``, ``electricity_mwh``,
        ``heat_mwh``, ``biomethane_mwh``.
    path
        Conversion path.
    v
        Coefficient values.
    """
    fuel = row["fuel_mwh"]
    parts: list[tuple[float, float, float]] = []
    variable = 0.0
    if path in ("biogas_chp", "biomethane"):
        parts.append(_part(1000.0 * fuel / HOURS_PER_YEAR, "digester", v))
    if path == "biogas_chp":
        capacity = 1000.0 * row["electricity_gross_mwh"] / v["chp_full_load_hours"]
        parts.append(_part(capacity, "biogas_chp", v))
        variable = v["biogas_chp_variable_om"] * row["electricity_gross_mwh"]
    elif path == "biomethane":
        capacity = 1000.0 * row["biomethane_mwh"] / v["upgrading_full_load_hours"]
        parts.append(_part(capacity, "upgrading", v))
        variable = v["upgrading_variable_om"] * row["biomethane_mwh"]
    elif path == "boiler":
        capacity = 1000.0 * row["heat_mwh"] / v["boiler_full_load_hours"]
        parts.append(_part(capacity, "boiler", v))
        variable = v["boiler_variable_om"] * row["heat_mwh"]
    else:
        capacity = 1000.0 * row["electricity_mwh"] / v["solid_chp_full_load_hours"]
        parts.append(_part(capacity, "solid_chp", v))
        variable = v["solid_chp_variable_om"] * row["electricity_mwh"]
    invest, capital, fixed = (float(sum(p[i] for p in parts)) for i in range(3))
    return {
        "capacity_kw": capacity,
        "investment_eur": invest,
        "capital_eur": capital,
        "om_eur": fixed + variable,
    }


def site_costs(sites: pd.DataFrame, values: Mapping[str, float]) -> pd.DataFrame:
    """Return the sites with capacity, investment, annual cost and cost per MWh.

    Adds ``capacity_kw`` (kW_el for CHP, kW_th for boilers, kW of biomethane),
    ``investment_eur``, ``capital_eur`` (annuity), ``om_eur``, ``annual_cost_eur``
    (capital + O&M + feedstock + transport), ``cost_basis`` (the carrier the cost per
    MWh refers to), ``cost_eur_per_mwh`` (LCOE, LCOH or LCOB) and ``cost_status``:
    ``ok``, ``existing plant`` (sewage gas at its treatment plant: no new investment),
    ``not computed: <parameter> not found`` or ``lower bound: no price for …``.
    """
    table = sites.copy()
    rows = []
    for _, row in table.iterrows():
        path = str(row["path"])
        if str(row["site"]).startswith("wwtp-"):
            rows.append(_existing(row))
            continue
        cost = plant_cost({str(k): v for k, v in row.items()}, path, values)
        annual = cost["capital_eur"] + cost["om_eur"] + row["feedstock_eur"] + row["transport_eur"]
        delivered = row[f"{BASIS[path]}_mwh"]
        status = _status(cost, row, path)
        rows.append(
            {
                **cost,
                "annual_cost_eur": annual,
                "cost_basis": BASIS[path],
                "cost_eur_per_mwh": annual / delivered if delivered > 0 else np.nan,
                "cost_status": status,
            }
        )
    extra = pd.DataFrame(rows, index=table.index)
    return pd.concat([table, extra], axis=1)


def _existing(row: pd.Series) -> dict[str, object]:
    return {
        "capacity_kw": np.nan,
        "investment_eur": 0.0,
        "capital_eur": 0.0,
        "om_eur": np.nan,
        "annual_cost_eur": np.nan,
        "cost_basis": "electricity",
        "cost_eur_per_mwh": np.nan,
        "cost_status": "existing plant",
    }


def _status(cost: Mapping[str, float], row: pd.Series, path: str) -> str:
    if math.isnan(cost["capacity_kw"]):
        missing = {"boiler": "boiler_full_load_hours", "solid_chp": "solid_chp_full_load_hours"}
        return f"not computed: {missing.get(path, 'a coefficient')} not found"
    if bool(row.get("price_not_found", False)):
        return "lower bound: a feedstock price is not found"
    return "ok"
