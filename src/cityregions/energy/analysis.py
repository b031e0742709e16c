"""The energy chain in one call: inputs → potential → demand → balance → allocation.

:func:`run_energy` returns one typed :class:`EnergyAnalysis`. The pipeline runs it on a
case with the labels of the delineation step; the ``[energy]`` table of ``case.toml``
sets its options (all optional but ``inputs``)::

    [energy]
    inputs = "energy/inputs.csv"       # plain per-unit inputs (see cityregions.energy.inputs)
    coefficients = "my-coefficients.toml"
    scenario = "default"               # low | default | high
    potential_level = "sustainable"    # tier of the potential used as supply
    carrier = "heat"                   # heat | electricity | final
    cover_share = "overall"            # number in (0, 1], "overall" or "regional"
    scope = "within_first"             # within | across | within_first
    sinks = "cores"                    # cores | deficits
    max_distance_km = 80.0             # optional radius for the transport problem
    cores = ["14612"]                  # optional core ids (default: most populous per region)
    full_load_hours = [4000, 8000]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cityregions.energy.allocation import Allocation, allocate_surplus
from cityregions.energy.balance import complete_labels, core_units, region_balance, unit_balance
from cityregions.energy.coefficients import CoefficientSet, load_coefficients
from cityregions.energy.demand import energy_demand
from cityregions.energy.potential import biomass_potential, inputs_kind, wide_summary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnergyAnalysis:
    """Everything :func:`run_energy` computes (tables indexed or keyed by unit id).

    Attributes
    ----------
    inputs
        Per unit: the inputs used (with ``<column>_status``).
    potential
        Long table ``unit, feedstock, potential_level, path, fuel_mwh, electricity_mwh,
        heat_mwh, full_load_hours, capacity_kw_el, …, status, assumptions, scenario``
        (``feedstock = "total"`` rows per unit and potential level).
    potential_wide
        Unit × feedstock, fuel MWh/a at the chosen potential level, plus ``electricity_mwh``,
        ``heat_mwh``.
    demand
        Per unit: ``demand_electricity_mwh``, ``demand_heat_mwh``.
    balance_units
        Per unit: region, core, supply, demand, net, surplus, deficit,
        self_sufficiency, cover_share (MWh/a of the carrier), inputs_kind.
    balance_regions
        Per region: core, core deficit, ring surplus, ring cover shares,
        self-sufficiency of core and ring.
    allocation_flows
        ``supplier, sink, supplier_region, sink_region, mwh, distance_km, mwh_km,
        cross_region``.
    allocation_sinks, allocation_suppliers
        Per sink / supplier totals.
    allocation_summary
        Deficit, supplied, share covered, MWh·km, ….
    actor_network
        Two-mode centralities of the bioenergy actors and bodies, or None (set by the
        caller from the registry, see :func:`cityregions.governance.activity.actor_network`).
    coefficients
        The coefficients used (unit, range, source, assumption).
    settings
        The options (scenario, potential_level, carrier, …, ``assumptions``).
    summary
        Headline figures.
    """

    inputs: pd.DataFrame
    potential: pd.DataFrame
    potential_wide: pd.DataFrame
    demand: pd.DataFrame
    balance_units: pd.DataFrame
    balance_regions: pd.DataFrame
    allocation_flows: pd.DataFrame
    allocation_sinks: pd.DataFrame
    allocation_suppliers: pd.DataFrame
    allocation_summary: dict[str, Any]
    actor_network: pd.DataFrame | None
    coefficients: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def run_energy(
    inputs: pd.DataFrame,
    *,
    coefficients: CoefficientSet | None = None,
    labels: pd.Series | None = None,
    distances_km: pd.DataFrame | None = None,
    cores: list[str] | None = None,
    scenario: str = "default",
    potential_level: str = "sustainable",
    carrier: str = "heat",
    cover_share: float | str = 1.0,
    scope: str = "within_first",
    sinks: str = "cores",
    max_distance_km: float | None = None,
    solid_path: str = "boiler",
    full_load_hours: list[float] | None = None,
    labels_from: str = "labels",
) -> EnergyAnalysis:
    """Run potential, demand, balance and (with distances) the allocation.

    Parameters
    ----------
    inputs
        Validated per-unit inputs (:func:`~cityregions.io.energy_inputs.read_energy_inputs`).
    coefficients
        Coefficient set (default: shipped).
    labels
        Region per unit (default: every unit its own region).
    distances_km
        Seat distances labelled by unit id; without them no allocation is made.
    labels_from
        Where ``labels`` come from, for the summary (ignored without labels).
    cores, scenario, potential_level, carrier, cover_share, scope, sinks, max_distance_km,
    solid_path, full_load_hours
        See :func:`~cityregions.energy.potential.biomass_potential`,
        :func:`~cityregions.energy.balance.unit_balance`,
        :func:`~cityregions.energy.balance.region_balance` and
        :func:`~cityregions.energy.allocation.allocate_surplus`.
    """
    coefficients = coefficients or load_coefficients()
    given = labels is not None
    labels = complete_labels(labels, inputs.index)
    potential = biomass_potential(
        inputs,
        coefficients,
        scenario=scenario,
        solid_path=solid_path,
        full_load_hours=full_load_hours,
    )
    demand = energy_demand(inputs, coefficients)
    balance = unit_balance(
        potential,
        demand,
        potential_level=potential_level,
        carrier=carrier,
        cover_share=cover_share,
        labels=labels,
        population=inputs["population"],
    )
    balance.insert(0, "region", labels.reindex(balance.index))
    is_core = core_units(labels, inputs["population"], cores)
    balance.insert(1, "core", is_core.reindex(balance.index))
    balance["inputs_kind"] = inputs_kind(inputs).reindex(balance.index)
    regions = region_balance(balance, labels, cores=cores)
    if distances_km is not None:
        allocation = allocate_surplus(
            balance,
            distances_km,
            labels,
            sinks=sinks,
            scope=scope,
            max_distance_km=max_distance_km,
            is_core=is_core,
        )
    else:
        allocation = allocate_surplus(balance.iloc[:0], pd.DataFrame(), labels)
    settings = {
        "scenario": scenario,
        "potential_level": potential_level,
        "carrier": carrier,
        "cover_share": str(cover_share),
        "scope": scope,
        "sinks": sinks,
        "max_distance_km": max_distance_km,
        "solid_path": solid_path,
        "coefficients": " + ".join(coefficients.sources),
        "coefficients_digest": coefficients.digest(),
        "assumptions": coefficients.assumptions(),
    }
    return _analysis(
        inputs,
        potential,
        demand,
        balance,
        regions,
        allocation,
        coefficients,
        settings,
        labels_from=labels_from if given else "each unit its own region",
    )


def _analysis(
    inputs: pd.DataFrame,
    potential: pd.DataFrame,
    demand: pd.DataFrame,
    balance: pd.DataFrame,
    regions: pd.DataFrame,
    allocation: Allocation,
    coefficients: CoefficientSet,
    settings: dict[str, Any],
    *,
    labels_from: str,
) -> EnergyAnalysis:
    summary = {
        "units": len(inputs),
        "regions": len(regions),
        "labels_from": labels_from,
        "potential_fuel_gwh": float(
            potential.query(
                "feedstock == 'total' and potential_level == @settings['potential_level']"
            )["fuel_mwh"].sum()
            / 1000
        ),
        "supply_gwh": float(balance["supply_mwh"].sum() / 1000),
        "full_demand_gwh": float(balance["full_demand_mwh"].sum() / 1000),
        "core_deficit_gwh": float(regions["core_deficit_mwh"].sum() / 1000),
        "ring_surplus_gwh": float(regions["ring_surplus_mwh"].sum() / 1000),
        "allocated_gwh": allocation.summary.get("supplied_mwh", 0.0) / 1000,
        "share_covered": allocation.summary.get("share_covered"),
        "mean_distance_km": allocation.summary.get("mean_distance_km"),
        "inputs_kind": ", ".join(sorted(set(inputs.get("kind", pd.Series(["?"]))))),
        **{k: v for k, v in settings.items() if k != "assumptions"},
    }
    return EnergyAnalysis(
        inputs=inputs,
        potential=potential,
        potential_wide=wide_summary(potential, potential_level=settings["potential_level"]),
        demand=demand,
        balance_units=balance,
        balance_regions=regions,
        allocation_flows=allocation.flows,
        allocation_sinks=allocation.sinks,
        allocation_suppliers=allocation.suppliers,
        allocation_summary=allocation.summary,
        actor_network=None,
        coefficients=coefficients.table(),
        settings=settings,
        summary=summary,
    )
