"""The energy chain in one call: potential, current use, balance, logistics, uncertainty.

:func:`run_energy` returns one typed :class:`EnergyAnalysis`. The pipeline runs it on a
case with the labels of the delineation step; the ``[energy]`` table of ``case.toml``
sets its options (all optional but ``inputs``)::

    [energy]
    inputs = "energy/inputs.csv"       # per-unit inputs (cityregions.energy.inputs)
    coefficients = "my-coefficients.toml"
    potential_level = "sustainable"    # tier of the potential used as supply
    carrier = "heat"                   # map and headline: electricity | heat | biomethane
    cover_share = "overall"            # number in (0, 1], "overall" or "regional"
    biogas_path = "biogas_chp"         # biogas_chp | biomethane
    solid_path = "boiler"              # boiler | solid_chp
    sites = "energy/sites.csv"         # candidate conversion sites (default: every unit's seat)
    focus = "14612"                    # its region: cost-supply curve, tornado, Monte Carlo
    samples = 2000                     # Monte Carlo draws
    seed = 0                           # seed of the Monte Carlo
    cores = ["14612"]                  # optional core ids (default: most populous per region)
    full_load_hours = [4000, 8000]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.energy.allocation import (
    Allocation,
    allocate_feedstock,
    haul_km,
    seat_sites,
)
from cityregions.energy.balance import (
    CARRIERS,
    carrier_balances,
    check_carrier,
    complete_labels,
    core_units,
    current_supply,
    new_supply,
    region_balance,
)
from cityregions.energy.coefficients import CoefficientSet, load_coefficients
from cityregions.energy.demand import energy_demand
from cityregions.energy.potential import inputs_kind, potential_and_use, wide_summary
from cityregions.energy.uncertainty import monte_carlo, tornado

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnergyAnalysis:
    """Everything :func:`run_energy` computes (tables indexed or keyed by unit id).

    Attributes
    ----------
    inputs
        Per unit: the inputs used (with ``<column>_status``).
    potential
        Long table ``unit, feedstock, potential_level, path, mass_t, fuel_mwh, …,
        used_fuel_mwh, unused_fuel_mwh, overused`` (see
        :func:`~cityregions.energy.potential.biomass_potential`).
    potential_wide
        Unit × feedstock, fuel MWh/a at the chosen potential level, plus net outputs
        and used / unused fuel.
    current_use
        Plants in operation per unit and technology: size, fuel, what they deliver.
    demand
        Per unit: ``demand_electricity_mwh``, ``demand_heat_mwh``,
        ``demand_biomethane_mwh``.
    supply
        Per unit: supply for new uses and current supply of each carrier.
    balance_units
        Per unit, for the headline ``carrier`` of the settings: supply, current supply,
        full and open demand, net, surplus, deficit, self-sufficiency, cover share.
    balance_regions
        Per region, for the headline carrier: core deficit, ring surplus, cover shares.
    carrier_units, carrier_regions
        The same for every carrier (``electricity``, ``heat``, ``biomethane``), one row
        per unit (region) and carrier: columns ``carrier, unit`` (``carrier, region``).
        Carriers are never added.
    allocation_flows, allocation_sites, allocation_unallocated
        The feedstock logistics (:mod:`cityregions.energy.allocation`): tonnes per
        feedstock and pair, conversion sites with energy per carrier, cost per MWh and
        greenhouse gases, feedstock left where it is.
    allocation_summary
        Totals of the logistics.
    cost_supply
        Cost-supply curve of the focus region: fuel delivered to its sites by cost per
        MWh of fuel (feedstock + transport), cumulative GWh.
    tornado
        One-at-a-time sensitivity of the focus region's sustainable potential.
    monte_carlo
        Monte Carlo of the same: median, 5-95 % band, distribution, draws.
    actor_network
        Two-mode centralities of the bioenergy actors and bodies, or None (set by the
        caller from the registry, see :func:`cityregions.governance.activity.actor_network`).
    coefficients
        The coefficients used (unit, range, source, assumption, not found).
    settings
        The options (potential_level, carrier, paths, …, ``assumptions``).
    summary
        Headline figures.
    """

    inputs: pd.DataFrame
    potential: pd.DataFrame
    potential_wide: pd.DataFrame
    current_use: pd.DataFrame
    demand: pd.DataFrame
    supply: pd.DataFrame
    balance_units: pd.DataFrame
    balance_regions: pd.DataFrame
    carrier_units: pd.DataFrame
    carrier_regions: pd.DataFrame
    allocation_flows: pd.DataFrame
    allocation_sites: pd.DataFrame
    allocation_unallocated: pd.DataFrame
    allocation_summary: dict[str, Any]
    cost_supply: pd.DataFrame
    tornado: pd.DataFrame
    monte_carlo: dict[str, Any]
    actor_network: pd.DataFrame | None
    coefficients: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def run_energy(
    inputs: pd.DataFrame,
    *,
    coefficients: CoefficientSet | None = None,
    labels: pd.Series | None = None,
    seats: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    cores: list[str] | None = None,
    potential_level: str = "sustainable",
    carrier: str = "heat",
    cover_share: float | str = 1.0,
    biogas_path: str = "biogas_chp",
    solid_path: str = "boiler",
    full_load_hours: list[float] | None = None,
    focus: str | None = None,
    samples: int = 0,
    rng: np.random.Generator | None = None,
    labels_from: str = "labels",
) -> EnergyAnalysis:
    """Run potential, current use, demand, balances, logistics and uncertainty.

    Parameters
    ----------
    inputs
        Validated per-unit inputs (:func:`~cityregions.io.energy_inputs.read_energy_inputs`).
    coefficients
        Coefficient set (default: shipped).
    labels
        Region per unit (default: every unit its own region).
    seats
        Per unit ``lon``, ``lat`` (and ``area_km2``); without them no logistics is run.
    sites
        Candidate conversion sites (``unit, lon, lat, capacity_mwh`` by site id);
        default: every unit's seat.
    cores
        Core unit ids (default: the most populous unit of each region).
    potential_level
        Tier of the potential used as supply.
    carrier
        Carrier of the headline (core deficit, ring surplus) and of the map; all three
        carriers are balanced.
    cover_share
        Share of the open demand biomass is to cover (:func:`~cityregions.energy.
        balance.unit_balance`); for heat it also sets how much heat each unit can use in
        the logistics.
    biogas_path, solid_path
        Conversion paths.
    full_load_hours
        Full-load hours for installable capacity.
    focus
        A unit whose region is analysed in depth (cost-supply curve, tornado, Monte
        Carlo); default the most populous unit.
    samples
        Monte Carlo draws (0: none).
    rng
        Random generator of the Monte Carlo (needed when ``samples`` > 0).
    labels_from
        Where ``labels`` come from, for the summary (ignored without labels).
    """
    coefficients = coefficients or load_coefficients()
    check_carrier(carrier)
    values = coefficients.values()
    given = labels is not None
    labels = complete_labels(labels, inputs.index)
    potential, use = potential_and_use(
        inputs,
        coefficients,
        biogas_path=biogas_path,
        solid_path=solid_path,
        full_load_hours=full_load_hours,
    )
    demand = energy_demand(inputs, coefficients)
    supply = new_supply(potential, potential_level=potential_level).reindex(inputs.index)
    current = current_supply(use, inputs.index)
    is_core = core_units(labels, inputs["population"], cores)
    balances = carrier_balances(
        supply,
        demand,
        cover_share=cover_share,
        current=current,
        labels=labels,
        population=inputs["population"],
    )
    units_long, regions_long = _balance_tables(balances, labels, is_core, inputs, cores)
    allocation = _allocation(
        potential,
        balances["heat"],
        values,
        seats,
        sites,
        labels,
        potential_level,
        biogas_path,
        solid_path,
    )
    focus_units = _focus_units(labels, inputs, focus)
    curve = cost_supply_curve(allocation.flows, focus_units)
    sensitivity = tornado(inputs, coefficients, focus_units)
    uncertainty = _monte_carlo(inputs, coefficients, focus_units, samples, rng)
    settings = {
        "potential_level": potential_level,
        "carrier": carrier,
        "cover_share": str(cover_share),
        "biogas_path": biogas_path,
        "solid_path": solid_path,
        "focus": focus_units[0] if focus is None else str(focus),
        "samples": samples,
        "coefficients": " + ".join(coefficients.sources),
        "coefficients_digest": coefficients.digest(),
        "assumptions": coefficients.assumptions(),
        "not_found": coefficients.not_found(),
    }
    summary = _summary(
        inputs,
        potential,
        supply,
        regions_long,
        allocation,
        sensitivity,
        uncertainty,
        settings,
        focus_units,
        labels,
        labels_from=labels_from if given else "each unit its own region",
    )
    return EnergyAnalysis(
        inputs=inputs,
        potential=potential,
        potential_wide=wide_summary(potential, potential_level=potential_level),
        current_use=use,
        demand=demand,
        supply=supply.join(current),
        balance_units=_headline(units_long, carrier, "unit"),
        balance_regions=_headline(regions_long, carrier, "region"),
        carrier_units=units_long,
        carrier_regions=regions_long,
        allocation_flows=allocation.flows,
        allocation_sites=allocation.sites,
        allocation_unallocated=allocation.unallocated,
        allocation_summary=allocation.summary,
        cost_supply=curve,
        tornado=sensitivity,
        monte_carlo=uncertainty,
        actor_network=None,
        coefficients=coefficients.table(),
        settings=settings,
        summary=summary,
    )


def _balance_tables(
    balances: dict[str, pd.DataFrame],
    labels: pd.Series,
    is_core: pd.Series,
    inputs: pd.DataFrame,
    cores: list[str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long tables of the unit and region balances, one block per carrier (plain index)."""
    units, regions = [], []
    kinds = inputs_kind(inputs)
    for carrier, table in balances.items():
        block = table.copy()
        block.insert(0, "carrier", carrier)
        block.insert(1, "region", labels.reindex(block.index))
        block.insert(2, "core", is_core.reindex(block.index))
        block["inputs_kind"] = kinds.reindex(block.index)
        units.append(block.rename_axis("unit").reset_index())
        region = region_balance(table, labels, cores=cores)
        region.insert(0, "carrier", carrier)
        regions.append(region.rename_axis("region").reset_index())
    return pd.concat(units, ignore_index=True), pd.concat(regions, ignore_index=True)


def _headline(table: pd.DataFrame, carrier: str, key: str) -> pd.DataFrame:
    """The rows of one carrier, indexed by ``key`` (unit or region)."""
    return table[table["carrier"] == carrier].set_index(key)


def _allocation(
    potential: pd.DataFrame,
    heat: pd.DataFrame,
    values: dict[str, float],
    seats: pd.DataFrame | None,
    sites: pd.DataFrame | None,
    labels: pd.Series,
    potential_level: str,
    biogas_path: str,
    solid_path: str,
) -> Allocation:
    rows = potential[
        (potential["potential_level"] == potential_level) & (potential["feedstock"] != "total")
    ]
    supply = rows[["unit", "feedstock"]].assign(fuel_mwh=rows["unused_fuel_mwh"].to_numpy())
    if seats is None:
        supply = supply.iloc[:0]
        seats = pd.DataFrame({"lon": [], "lat": []}, index=pd.Index([], dtype=str))
    candidates = sites if sites is not None else seat_sites(seats)
    unknown = sorted(set(candidates["unit"].astype(str)) - set(seats.index.astype(str)))
    if unknown:
        msg = f"site(s) in unit(s) {unknown[:5]} that are not units of the inputs"
        raise InputError(msg, field="unit")
    km = haul_km(seats, candidates, road_factor=values["road_distance_factor"])
    return allocate_feedstock(
        supply,
        candidates,
        km,
        heat["demand_mwh"].fillna(0.0),
        values,
        biogas_path=biogas_path,
        solid_path=solid_path,
        labels=labels,
    )


def _focus_units(labels: pd.Series, inputs: pd.DataFrame, focus: str | None) -> list[str]:
    """The units of the focus unit's region (focus first), default the most populous unit's."""
    if focus is None:
        population = inputs["population"].astype(float).fillna(-1.0)
        focus = str(max(population.index, key=lambda u: (population[u], u)))
    if str(focus) not in labels.index:
        msg = f"focus unit '{focus}' is not a unit of the inputs"
        raise InputError(msg, field="focus")
    region = labels[str(focus)]
    members = sorted(u for u in labels.index[labels == region] if u != str(focus))
    return [str(focus), *members]


def cost_supply_curve(flows: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """Return the cost-supply curve of the fuel delivered to sites in ``units``.

    Each hauled flow is a step: cost per MWh of fuel delivered (feedstock price +
    transport, €/MWh) against its fuel (GWh/a), cheapest first (ties by feedstock,
    origin, site); ``price_known`` is False where the feedstock price is NOT FOUND
    (the step then shows transport only, a lower bound).
    """
    columns = [
        "feedstock",
        "origin",
        "site",
        "fuel_gwh",
        "cost_eur_per_mwh",
        "cumulative_gwh",
        "price_known",
    ]
    hauled = flows[flows["site_unit"].isin(units) & (flows["feedstock"] != "sewage_gas")]
    if hauled.empty:
        return pd.DataFrame(columns=columns)
    known = hauled["feedstock_eur"].notna()
    cost = (hauled["feedstock_eur"].fillna(0.0) + hauled["transport_eur"]) / hauled["fuel_mwh"]
    curve = pd.DataFrame(
        {
            "feedstock": hauled["feedstock"].to_numpy(),
            "origin": hauled["origin"].to_numpy(),
            "site": hauled["site"].to_numpy(),
            "fuel_gwh": hauled["fuel_mwh"].to_numpy() / 1000.0,
            "cost_eur_per_mwh": cost.to_numpy(),
            "price_known": known.to_numpy(),
        }
    )
    curve = curve.sort_values(["cost_eur_per_mwh", "feedstock", "origin", "site"], kind="stable")
    curve["cumulative_gwh"] = curve["fuel_gwh"].cumsum()
    return curve[columns].reset_index(drop=True)


def _monte_carlo(
    inputs: pd.DataFrame,
    coefficients: CoefficientSet,
    units: list[str],
    samples: int,
    rng: np.random.Generator | None,
) -> dict[str, Any]:
    if samples <= 0:
        return {}
    if rng is None:
        msg = "a Monte Carlo needs a random generator (rng) or a seed"
        raise InputError(msg, field="rng")
    summary, draws = monte_carlo(inputs, coefficients, units, samples=samples, rng=rng)
    return {**summary, "draws_mwh": draws}


def _summary(
    inputs: pd.DataFrame,
    potential: pd.DataFrame,
    supply: pd.DataFrame,
    regions: pd.DataFrame,
    allocation: Allocation,
    sensitivity: pd.DataFrame,
    uncertainty: dict[str, Any],
    settings: dict[str, Any],
    focus_units: list[str],
    labels: pd.Series,
    *,
    labels_from: str,
) -> dict[str, Any]:
    level = settings["potential_level"]
    totals = potential[
        (potential["feedstock"] == "total") & (potential["potential_level"] == level)
    ]
    headline = _headline(regions, settings["carrier"], "region")
    moved = allocation.summary
    summary: dict[str, Any] = {
        "units": len(inputs),
        "regions": int(headline.shape[0]),
        "labels_from": labels_from,
        "focus_region": str(labels[focus_units[0]]),
        "potential_fuel_gwh": float(totals["fuel_mwh"].sum()) / 1000,
        "used_fuel_gwh": float(totals["used_fuel_mwh"].sum()) / 1000,
        "unused_fuel_gwh": float(totals["unused_fuel_mwh"].sum()) / 1000,
        **{f"supply_{c}_gwh": float(supply[f"supply_{c}_mwh"].sum()) / 1000 for c in CARRIERS},
        "core_deficit_gwh": float(headline["core_deficit_mwh"].sum()) / 1000,
        "ring_surplus_gwh": float(headline["ring_surplus_mwh"].sum()) / 1000,
        "focus_potential_gwh": sensitivity.attrs.get("base_mwh", np.nan) / 1000,
    }
    if uncertainty:
        summary.update(
            focus_potential_median_gwh=uncertainty["median_mwh"] / 1000,
            focus_potential_p05_gwh=uncertainty["p05_mwh"] / 1000,
            focus_potential_p95_gwh=uncertainty["p95_mwh"] / 1000,
        )
    if moved:
        summary.update(
            tonnes_hauled_kt=moved["tonnes_hauled"] / 1000,
            mean_haul_km=moved["mean_haul_km"],
            share_allocated=moved["share_allocated"],
            transport_meur=moved["transport_eur"] / 1e6,
            ghg_fossil_avoided_kt=moved["ghg_fossil_avoided_t"] / 1000,
            ghg_saving_known_kt=moved["ghg_saving_known_t"] / 1000,
        )
    kinds = inputs.get("kind", pd.Series(["?"]))
    summary["inputs_kind"] = ", ".join(sorted({str(k) for k in kinds.dropna()}))
    summary.update({k: v for k, v in settings.items() if k not in ("assumptions", "not_found")})
    return summary
