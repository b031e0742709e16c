"""Electricity, heat and gas demand per territorial unit from population and employees.

Notes
-----
:math:`D_{el} = (P\\,e_{hh} + E\\,e_{cts}) / 1000`,
:math:`D_{heat} = (P\\,q_{hh} + E\\,q_{cts}) / 1000` and
:math:`D_{biomethane} = P\\,g_{hh} / 1000` in MWh/a, with inhabitants
:math:`P`, employees :math:`E` (counted as zero where not given), household electricity
:math:`e_{hh}` = 1 664 kWh/inh and household heat :math:`q_{hh}` = 6 599 kWh/inh
(AGEB energy balance 2021, row 66, per inhabitant of 31.12.2021; ``household_heat`` is
the sum of the non-electric carriers) and household natural gas :math:`g_{hh}` = 3 460
kWh/inh (same row), the demand biomethane in the gas grid can replace. Gas heating is
part of both the heat and the gas demand: the balances of the two carriers must not be
added. Commerce/services per employee (``cts_*``) are
marked assumptions (Saxony's 2020 balance split by an assumed 40/60 electricity/heat
ratio). Industry and transport are not included: the balance compares biomass with the
demand of households (and services where employees are given).

References
----------
AG Energiebilanzen, Energiebilanz 2021; Destatis population 31.12.2021; facts file
``land-use-and-demand-facts.md`` section 4 (sources S3, S8, P43, P44, P55).

Examples
--------
>>> units = pd.DataFrame({"population": [1000.0]}, index=pd.Index(["a"], name="unit"))
>>> energy_demand(units).round(1).to_dict("records")
[{'demand_electricity_mwh': 1664.0, 'demand_heat_mwh': 6599.0, 'demand_biomethane_mwh': 3460.0}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.energy.coefficients import CoefficientSet, load_coefficients


def energy_demand(
    units: pd.DataFrame, coefficients: CoefficientSet | None = None, *, source: str = "<units>"
) -> pd.DataFrame:
    """Return electricity, heat and gas (biomethane) demand (MWh/a) per unit.

    Parameters
    ----------
    units
        Table indexed by unit with ``population`` and optionally ``employees``.
    coefficients
        Coefficient set (default: the shipped one); demand values are not scenario-bound.
    source
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``demand_electricity_mwh``, ``demand_heat_mwh``,
        ``demand_biomethane_mwh`` aligned to ``units``.

    Raises
    ------
    InputError
        If ``population`` is absent or negative.
    """
    if "population" not in units:
        msg = "demand needs a 'population' column"
        raise InputError(msg, source=source, field="population")
    values = (coefficients or load_coefficients()).values()
    population = units["population"].astype(float)
    if (population < 0).any():
        bad = population.index[(population < 0).to_numpy()][0]
        msg = "population must be >= 0"
        raise InputError(msg, source=source, location=f"unit {bad}", field="population")
    employees = (
        units["employees"].astype(float).fillna(0.0)
        if "employees" in units
        else pd.Series(0.0, index=units.index)
    )
    electricity = (
        population * values["household_electricity_per_inh"]
        + employees * values["cts_electricity_per_employee"]
    ) / 1000.0
    heat = (
        population * values["household_heat_per_inh"] + employees * values["cts_heat_per_employee"]
    ) / 1000.0
    return pd.DataFrame(
        {
            "demand_electricity_mwh": electricity.to_numpy(dtype=float),
            "demand_heat_mwh": heat.to_numpy(dtype=float),
            "demand_biomethane_mwh": (
                population * values["household_gas_per_inh"] / 1000.0
            ).to_numpy(dtype=float),
        },
        index=units.index,
    ).astype(np.float64)
