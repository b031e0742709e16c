"""Urban–rural bioenergy: potential, current use, balance per carrier, logistics, actors.

The chain: per-unit inputs (checked by :mod:`~cityregions.energy.inputs`; files are read
by :mod:`~cityregions.io.energy_inputs`, GENESIS exports by
:mod:`~cityregions.io.energy_genesis`) → potential per unit × feedstock × potential level
and what the plants in operation already use (:func:`biomass_potential`,
:mod:`~cityregions.energy.current_use`) → demand (:func:`energy_demand`) → balance per
unit and city region, one carrier at a time (:func:`unit_balance`,
:func:`region_balance`) → feedstock logistics in tonnes with costs and greenhouse gases
(:func:`allocate_feedstock`) → uncertainty of the regional potential (:func:`tornado`,
:func:`monte_carlo`). Every coefficient lives in ``coefficients.toml`` with its unit,
range and source (:func:`load_coefficients`); :func:`run_energy` runs it all.
"""

from cityregions.energy.allocation import Allocation, allocate_feedstock, haul_km, seat_sites
from cityregions.energy.analysis import EnergyAnalysis, run_energy
from cityregions.energy.balance import (
    CARRIERS,
    core_units,
    current_supply,
    new_supply,
    region_balance,
    unit_balance,
)
from cityregions.energy.coefficients import (
    FEEDSTOCKS,
    Coefficient,
    CoefficientSet,
    load_coefficients,
)
from cityregions.energy.demand import energy_demand
from cityregions.energy.disaggregation import disaggregate, disaggregate_inputs
from cityregions.energy.inputs import validate_energy_inputs
from cityregions.energy.potential import POTENTIAL_LEVELS, biomass_potential, livestock_units
from cityregions.energy.uncertainty import monte_carlo, tornado

__all__ = [
    "CARRIERS",
    "FEEDSTOCKS",
    "POTENTIAL_LEVELS",
    "Allocation",
    "Coefficient",
    "CoefficientSet",
    "EnergyAnalysis",
    "allocate_feedstock",
    "biomass_potential",
    "core_units",
    "current_supply",
    "disaggregate",
    "disaggregate_inputs",
    "energy_demand",
    "haul_km",
    "livestock_units",
    "load_coefficients",
    "monte_carlo",
    "new_supply",
    "region_balance",
    "run_energy",
    "seat_sites",
    "tornado",
    "unit_balance",
    "validate_energy_inputs",
]
