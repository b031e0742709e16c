"""The energy chain in one call, and its pipeline step for ``cityregions demo`` and the report.

:func:`run_energy` goes inputs → potential → demand → balance per unit and region →
allocation; :func:`energy_step` runs it on a case (``[energy]`` table of ``case.toml``)
with the delineation labels of the pipeline and analyses the bioenergy actor network of
the case's registry.

``[energy]`` keys (all optional but ``inputs``)::

    [energy]
    inputs = "energy/inputs.csv"       # plain per-unit inputs (see cityregions.energy.inputs)
    coefficients = "my-coefficients.toml"
    scenario = "default"               # low | default | high
    level = "sustainable"              # potential level used as supply
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
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions._errors import InputError
from cityregions.energy.allocation import Allocation, allocate_surplus
from cityregions.energy.balance import complete_labels, core_units, region_balance, unit_balance
from cityregions.energy.coefficients import CoefficientSet, load_coefficients
from cityregions.energy.demand import energy_demand
from cityregions.energy.potential import biomass_potential, inputs_kind, wide_summary

if TYPE_CHECKING:
    from cityregions.case import Case
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

SECTION = "energy"


@dataclass(frozen=True)
class EnergyAnalysis:
    """Everything :func:`run_energy` computes (tables indexed or keyed by unit id)."""

    inputs: pd.DataFrame
    potential: pd.DataFrame
    demand: pd.DataFrame
    balance_units: pd.DataFrame
    balance_regions: pd.DataFrame
    allocation: Allocation
    settings: dict[str, Any] = field(default_factory=dict)


def run_energy(
    inputs: pd.DataFrame,
    *,
    coefficients: CoefficientSet | None = None,
    labels: pd.Series | None = None,
    distances_km: pd.DataFrame | None = None,
    cores: list[str] | None = None,
    scenario: str = "default",
    level: str = "sustainable",
    carrier: str = "heat",
    cover_share: float | str = 1.0,
    scope: str = "within_first",
    sinks: str = "cores",
    max_distance_km: float | None = None,
    solid_path: str = "boiler",
    full_load_hours: list[float] | None = None,
) -> EnergyAnalysis:
    """Run potential, demand, balance and (with distances) the allocation.

    Parameters
    ----------
    inputs
        Validated per-unit inputs (:func:`~cityregions.energy.inputs.read_energy_inputs`).
    coefficients
        Coefficient set (default: shipped).
    labels
        Region per unit (default: every unit its own region).
    distances_km
        Seat distances labelled by unit id; without them no allocation is made.
    cores, scenario, level, carrier, cover_share, scope, sinks, max_distance_km,
    solid_path, full_load_hours
        See :func:`~cityregions.energy.potential.biomass_potential`,
        :func:`~cityregions.energy.balance.unit_balance`,
        :func:`~cityregions.energy.balance.region_balance` and
        :func:`~cityregions.energy.allocation.allocate_surplus`.
    """
    coefficients = coefficients or load_coefficients()
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
        level=level,
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
        "level": level,
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
    return EnergyAnalysis(inputs, potential, demand, balance, regions, allocation, settings)


def energy_step(case: Case, results: CaseResults) -> None:
    """Run the bioenergy chain on a case (section ``energy``).

    Reads ``[energy] inputs`` of ``case.toml`` (skipped with a note when absent), uses
    ``results.sections["delineation"]["labels"]`` when the delineation step ran (else
    every unit is its own region) and the seat distances of the case territory.

    Section keys (``results.sections["energy"]``):

    * ``inputs`` — DataFrame per unit: the inputs used (with ``<column>_status``);
    * ``potential`` — long DataFrame ``unit, feedstock, level, path, fuel_mwh,
      electricity_mwh, heat_mwh, full_load_hours, capacity_kw_el, …, status,
      assumptions, scenario`` (``feedstock = "total"`` rows per unit and level);
    * ``potential_wide`` — DataFrame unit × feedstock, fuel MWh/a at the chosen level,
      plus ``electricity_mwh``, ``heat_mwh``;
    * ``demand`` — DataFrame per unit: ``demand_electricity_mwh``, ``demand_heat_mwh``;
    * ``balance_units`` — DataFrame per unit: region, core, supply, demand, net,
      surplus, deficit, self_sufficiency, cover_share (MWh/a of the carrier),
      inputs_kind (``estimate`` where the inputs are estimates);
    * ``balance_regions`` — DataFrame per region: core, core deficit, ring surplus,
      ring cover shares, self-sufficiency of core and ring;
    * ``allocation_flows`` — DataFrame ``supplier, sink, supplier_region, sink_region,
      mwh, distance_km, mwh_km, cross_region``;
    * ``allocation_sinks`` / ``allocation_suppliers`` — per sink / supplier totals;
    * ``allocation_summary`` — dict (deficit, supplied, share covered, MWh·km, …);
    * ``actor_network`` — DataFrame of two-mode centralities of the bioenergy actors
      and bodies (``bio-`` records of the registry and their embedding), or None;
    * ``coefficients`` — DataFrame of the coefficients used (unit, range, source,
      assumption);
    * ``settings`` — dict of the options; ``summary`` — dict of headline figures.

    Files (``<out>/energy/``): ``potential.csv``, ``potential_wide.csv``,
    ``balance_units.csv``, ``balance_regions.csv``, ``allocation_flows.csv``,
    ``allocation_sinks.csv``, ``allocation_suppliers.csv``, ``actor_network.csv``,
    ``coefficients.csv``.
    """
    from cityregions.energy.allocation import seat_distance_table
    from cityregions.energy.inputs import read_energy_inputs

    config = dict(case.config.get(SECTION, {}))
    path = case.path(SECTION, "inputs")
    if path is None:
        logger.info("no [energy] inputs in case.toml: energy step skipped")
        results.sections[SECTION] = {"summary": {"skipped": "no [energy] inputs"}}
        return
    inputs = read_energy_inputs(path)
    territory = case.territory
    known = [u for u in inputs.index if u in territory.units.index]
    if len(known) < len(inputs):
        extra = [u for u in inputs.index if u not in territory.units.index]
        logger.warning("energy inputs for units not in the territory ignored: %s", extra[:5])
        inputs = inputs.loc[known]
    coefficients = load_coefficients(case.path(SECTION, "coefficients"))
    labels = results.sections.get("delineation", {}).get("labels")
    distances = seat_distance_table(territory.subset(known))
    analysis = run_energy(
        inputs,
        coefficients=coefficients,
        labels=labels,
        distances_km=distances,
        cores=config.get("cores"),
        scenario=str(config.get("scenario", "default")),
        level=str(config.get("level", "sustainable")),
        carrier=str(config.get("carrier", "heat")),
        cover_share=config.get("cover_share", "overall"),
        scope=str(config.get("scope", "within_first")),
        sinks=str(config.get("sinks", "cores")),
        max_distance_km=config.get("max_distance_km"),
        full_load_hours=config.get("full_load_hours"),
    )
    network = _actor_network(case)
    section = _section(analysis, coefficients, network, labelled=labels is not None)
    _write(results, section)
    _provenance(results, inputs, analysis, path.name, labelled=labels is not None)
    results.sections[SECTION] = section


def _actor_network(case: Case) -> pd.DataFrame | None:
    registry_path = case.path("registry", "path")
    if registry_path is None:
        return None
    from cityregions.energy.actors import actor_network
    from cityregions.io.registry_yaml import read_registry

    try:
        return actor_network(read_registry(registry_path))
    except InputError as error:  # a broken registry is the governance step's to report
        logger.warning("bioenergy actor network skipped: %s", error)
        return None


def _section(
    analysis: EnergyAnalysis,
    coefficients: CoefficientSet,
    network: pd.DataFrame | None,
    *,
    labelled: bool,
) -> dict[str, Any]:
    allocation = analysis.allocation
    regions = analysis.balance_regions
    summary = {
        "units": len(analysis.inputs),
        "regions": len(regions),
        "labels_from": "delineation" if labelled else "each unit its own region",
        "potential_fuel_gwh": float(
            analysis.potential.query(
                "feedstock == 'total' and level == @analysis.settings['level']"
            )["fuel_mwh"].sum()
            / 1000
        ),
        "supply_gwh": float(analysis.balance_units["supply_mwh"].sum() / 1000),
        "full_demand_gwh": float(analysis.balance_units["full_demand_mwh"].sum() / 1000),
        "core_deficit_gwh": float(regions["core_deficit_mwh"].sum() / 1000),
        "ring_surplus_gwh": float(regions["ring_surplus_mwh"].sum() / 1000),
        "allocated_gwh": allocation.summary.get("supplied_mwh", 0.0) / 1000,
        "share_covered": allocation.summary.get("share_covered"),
        "mean_distance_km": allocation.summary.get("mean_distance_km"),
        "inputs_kind": ", ".join(sorted(set(analysis.inputs.get("kind", pd.Series(["?"]))))),
        **{k: v for k, v in analysis.settings.items() if k != "assumptions"},
    }
    return {
        "inputs": analysis.inputs,
        "potential": analysis.potential,
        "potential_wide": wide_summary(analysis.potential, level=analysis.settings["level"]),
        "demand": analysis.demand,
        "balance_units": analysis.balance_units,
        "balance_regions": regions,
        "allocation_flows": allocation.flows,
        "allocation_sinks": allocation.sinks,
        "allocation_suppliers": allocation.suppliers,
        "allocation_summary": allocation.summary,
        "actor_network": network,
        "coefficients": coefficients.table(),
        "settings": analysis.settings,
        "summary": summary,
    }


def _write(results: CaseResults, section: dict[str, Any]) -> None:
    from cityregions.io.tables import write_table

    out = results.section_dir(SECTION)
    tables = {
        "potential.csv": (section["potential"], False),
        "potential_wide.csv": (section["potential_wide"], True),
        "balance_units.csv": (section["balance_units"].rename_axis("unit"), True),
        "balance_regions.csv": (section["balance_regions"], True),
        "allocation_flows.csv": (section["allocation_flows"], False),
        "allocation_sinks.csv": (section["allocation_sinks"].rename_axis("unit"), True),
        "allocation_suppliers.csv": (section["allocation_suppliers"].rename_axis("unit"), True),
        "coefficients.csv": (section["coefficients"], True),
    }
    if section["actor_network"] is not None:
        tables["actor_network.csv"] = (section["actor_network"], True)
    for name, (frame, index) in tables.items():
        write_table(frame, out / name, index=index)
        results.files.append(out / name)


def _provenance(
    results: CaseResults,
    inputs: pd.DataFrame,
    analysis: EnergyAnalysis,
    inputs_name: str,
    *,
    labelled: bool,
) -> None:
    kinds = set(inputs.get("kind", pd.Series(dtype=str)).dropna())
    kind = "estimate" if "estimate" in kinds or not kinds else "observed"
    results.note_provenance(
        SECTION,
        "inputs",
        kind,
        f"{inputs_name}: land use and population facts; arable, grassland, cereals and "
        "livestock estimated from state shares where no district statistics exist "
        "(replace with `cityregions energy inputs`)",
    )
    results.note_provenance(
        SECTION, "potential", "modeled", "coefficients.toml (FNR, LfL, LWF, …) on the inputs"
    )
    for name in analysis.settings["assumptions"]:
        results.note_provenance(SECTION, f"coefficient {name}", "estimate", "assumption")
    results.note_provenance(
        SECTION, "demand", "modeled", "per-capita figures of AGEB Energiebilanz 2021 (derived)"
    )
    # The city regions are as observed or modeled as the delineation that made them.
    labels_kind = next(
        (n.kind for n in results.provenance if (n.section, n.item) == ("delineation", "labels")),
        "modeled",
    )
    results.note_provenance(
        SECTION,
        "labels",
        labels_kind if labelled else "fact",
        "delineation labels" if labelled else "each unit its own region",
    )
