"""Urban–rural bioenergy: potential, demand, balance, allocation and the actor network.

The chain: per-unit inputs (checked by :mod:`~cityregions.energy.inputs`; files are read
by :mod:`~cityregions.io.energy_inputs`, GENESIS exports by
:mod:`~cityregions.io.energy_genesis`) → potential per unit × feedstock × potential level
(:func:`biomass_potential`) → demand (:func:`energy_demand`) → balance per unit and per
city region (:func:`unit_balance`, :func:`region_balance`) → allocation of rural
surpluses to urban deficits (:func:`allocate_surplus`). Every coefficient lives in
``coefficients.toml`` with its unit, range and source (:func:`load_coefficients`).
"""

from cityregions.energy.allocation import Allocation, allocate_surplus, seat_distance_table
from cityregions.energy.balance import core_units, region_balance, unit_balance
from cityregions.energy.coefficients import (
    FEEDSTOCKS,
    SCENARIOS,
    Coefficient,
    CoefficientSet,
    load_coefficients,
)
from cityregions.energy.demand import energy_demand
from cityregions.energy.disaggregation import disaggregate, disaggregate_inputs
from cityregions.energy.inputs import validate_energy_inputs
from cityregions.energy.potential import POTENTIAL_LEVELS, biomass_potential, livestock_units

__all__ = [
    "FEEDSTOCKS",
    "POTENTIAL_LEVELS",
    "SCENARIOS",
    "Allocation",
    "Coefficient",
    "CoefficientSet",
    "allocate_surplus",
    "biomass_potential",
    "core_units",
    "disaggregate",
    "disaggregate_inputs",
    "energy_demand",
    "livestock_units",
    "load_coefficients",
    "region_balance",
    "seat_distance_table",
    "unit_balance",
    "validate_energy_inputs",
]
