r"""Labelled estimates of per-district inputs from state-level shares.

The bundled case holds few district statistics of arable land, crops, livestock or
plants in operation. Until a user supplies GENESIS exports (``cityregions energy
inputs``) or plant lists, each district gets

* ``forest_ha`` and ``population``: facts (ALKIS land use, Destatis population);
* ``arable_ha``, ``grassland_ha``, ``dairy_cows``, ``other_cattle``, ``fattening_pigs``,
  ``poultry``: the district's ALKIS agricultural area times the state's ratio (state
  arable land / state ALKIS agricultural area, …) — **estimates**, labelled
  ``kind = estimate`` per cell;
* ``cereal_ha``: estimated arable land times the state's cereal share of arable land;
* ``cereal_yield_t_per_ha``: the state yield (an estimate for the district);
* district facts where the facts file has them (they replace the estimate, ``kind =
  fact``);
* plants in operation: ``biogas_chp_kw_el`` = the district's agricultural area times the
  state's biogas capacity per ha, at most its MaStR biomass capacity (an estimate);
  ``biomethane_upgrading_kw`` likewise from the state's grid injection;
  ``solid_biomass_kw_el`` = the rest of the MaStR biomass capacity (solid and liquid
  biomass, including pulp-mill and waste-wood plants; an estimate);
* ``sewage_digestion_share``, ``sewage_gas_mwh_el``, ``protected_forest_share``: facts
  where the facts file has them, else empty (population-based sewage gas, share of
  sewage gas in use, the default protected share: rules of the module, flagged);
* ``installed_kw_el``: installed biomass power (MaStR) where the facts file has it.

Horses are not estimated: the notes give no district numbers and state numbers only
for Saxony (2010); the column is left out, so horse manure counts as zero there.

The bundled case's files are read by
:func:`cityregions.io.energy_inputs.read_case_estimates`.

Notes
-----
:math:`x_d = A^{agri}_d \; X_s / A^{agri}_s` for district :math:`d` in state :math:`s`.
The ALKIS agricultural area (cadastre) and the holdings' LF (holding-seat principle) are
different concepts; the ratio carries that difference into the estimate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from cityregions._errors import InputError

logger = logging.getLogger(__name__)

#: Input column → state ratio applied to the district's ALKIS agricultural area.
PER_AGRICULTURE = {
    "arable_ha": "arable_per_agriculture",
    "grassland_ha": "grassland_per_agriculture",
    "dairy_cows": "dairy_cows_per_agriculture",
    "other_cattle": "other_cattle_per_agriculture",
    "fattening_pigs": "pigs_per_agriculture",
    "poultry": "poultry_per_agriculture",
}
#: Columns taken from the facts file as they are, with the column naming their source.
FACTS = {
    "sewage_digestion_share": "sewage_source",
    "sewage_gas_mwh_el": "sewage_source",
    "protected_forest_share": "protected_forest_source",
}
COLUMNS = (
    "unit",
    "name",
    "population",
    "arable_ha",
    "grassland_ha",
    "forest_ha",
    "cereal_ha",
    "cereal_yield_t_per_ha",
    "energy_crop_share",
    "dairy_cows",
    "other_cattle",
    "fattening_pigs",
    "poultry",
    "sewage_digestion_share",
    "protected_forest_share",
    "biogas_chp_kw_el",
    "biomethane_upgrading_kw",
    "solid_biomass_kw_el",
    "sewage_gas_mwh_el",
    "installed_kw_el",
    "kind",
    "source",
)
Note = tuple[str, str, str, str]


def estimate_inputs(
    facts: pd.DataFrame, shares: pd.DataFrame, *, shares_source: str = "state_shares.csv"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (inputs, provenance) for districts from facts and state shares.

    Parameters
    ----------
    facts
        One row per district: ``unit, name, state, population, population_source,
        agriculture_alkis_ha, forest_ha, land_source``, optional fact columns
        (:data:`PER_AGRICULTURE` keys with ``fact_source``, :data:`FACTS` keys with their
        source columns) and ``installed_kw_el`` with ``installed_source``.
    shares
        ``state, variable, value, source`` with the variables of
        :data:`PER_AGRICULTURE`, ``cereal_per_arable``, ``cereal_yield_t_per_ha``,
        ``biogas_kw_el_per_agriculture`` and ``biomethane_kw_per_agriculture``.
    shares_source
        File name used in the provenance.

    Returns
    -------
    tuple of pandas.DataFrame
        The plain input table (columns :data:`COLUMNS`) and a long provenance table
        ``unit, column, kind, source``.
    """
    table = {
        (str(state), str(variable)): (float(value), str(source))
        for state, variable, value, source in zip(
            shares["state"], shares["variable"], shares["value"], shares["source"], strict=True
        )
    }
    rows: list[dict[str, object]] = []
    notes: list[Note] = []
    for _, fact in facts.iterrows():
        unit, state = str(fact["unit"]), str(fact["state"])

        def share(variable: str, *, unit: str = unit, state: str = state) -> tuple[float, str]:
            if (state, variable) not in table:
                msg = f"no state share '{variable}' for state {state}"
                raise InputError(msg, source=shares_source, location=f"unit {unit}")
            value, source = table[(state, variable)]
            return value, f"{shares_source}: {source}"

        row, unit_notes = _district(fact, share)
        rows.append(row)
        notes.extend(unit_notes)
    provenance = pd.DataFrame(notes, columns=["unit", "column", "kind", "source"])
    inputs = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    kinds = provenance.groupby("unit")["kind"].agg(
        lambda k: "estimate" if "estimate" in set(k) else "fact"
    )
    inputs["kind"] = inputs["unit"].map(kinds)
    estimated = (
        provenance[provenance["kind"] == "estimate"].groupby("unit")["column"].agg(", ".join)
    )
    inputs["source"] = [
        f"estimate from state shares ({estimated.get(u, '')}); facts otherwise; see provenance"
        for u in inputs["unit"]
    ]
    return inputs[list(COLUMNS)], provenance


def _given(fact: pd.Series, column: str) -> float | None:
    value = fact.get(column)
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None
    return float(value)


def _district(
    fact: pd.Series, share: Callable[[str], tuple[float, str]]
) -> tuple[dict[str, object], list[Note]]:
    """One district's inputs and the provenance of each cell."""
    unit = str(fact["unit"])
    row: dict[str, object] = {"unit": unit, "name": fact["name"]}
    notes: list[Note] = []
    row["population"] = float(fact["population"])
    notes.append((unit, "population", "fact", str(fact["population_source"])))
    row["forest_ha"] = float(fact["forest_ha"])
    notes.append((unit, "forest_ha", "fact", str(fact["land_source"])))
    agriculture = float(fact["agriculture_alkis_ha"])
    for column, variable in PER_AGRICULTURE.items():
        given = _given(fact, column)
        if given is not None:
            row[column] = given
            notes.append((unit, column, "fact", str(fact["fact_source"])))
            continue
        value, source = share(variable)
        row[column] = agriculture * value
        notes.append((unit, column, "estimate", f"ALKIS agriculture x {variable}; {source}"))
    cereal, source = share("cereal_per_arable")
    row["cereal_ha"] = float(row["arable_ha"]) * cereal  # type: ignore[arg-type]
    notes.append((unit, "cereal_ha", "estimate", f"arable_ha x cereal_per_arable; {source}"))
    row["cereal_yield_t_per_ha"], source = share("cereal_yield_t_per_ha")
    notes.append((unit, "cereal_yield_t_per_ha", "estimate", f"state yield; {source}"))
    row["energy_crop_share"] = np.nan
    for column, source_column in FACTS.items():
        given = _given(fact, column)
        row[column] = np.nan if given is None else given
        if given is not None:
            notes.append((unit, column, "fact", str(fact[source_column])))
    _plants(fact, agriculture, share, row, notes)
    return row, notes


def _plants(
    fact: pd.Series,
    agriculture: float,
    share: Callable[[str], tuple[float, str]],
    row: dict[str, object],
    notes: list[Note],
) -> None:
    """Estimate the plants in operation by technology from the state shares and MaStR."""
    unit = str(fact["unit"])
    installed = _given(fact, "installed_kw_el")
    if installed is not None:
        row["installed_kw_el"] = installed
        notes.append((unit, "installed_kw_el", "fact", str(fact["installed_source"])))
    per_ha, source = share("biogas_kw_el_per_agriculture")
    biogas = agriculture * per_ha
    capped = min(biogas, installed) if installed is not None else biogas
    row["biogas_chp_kw_el"] = capped
    cap_note = " (capped at the district's MaStR biomass capacity)" if capped < biogas else ""
    notes.append(
        (
            unit,
            "biogas_chp_kw_el",
            "estimate",
            f"ALKIS agriculture x biogas_kw_el_per_agriculture{cap_note}; {source}",
        )
    )
    per_ha, source = share("biomethane_kw_per_agriculture")
    row["biomethane_upgrading_kw"] = agriculture * per_ha
    kind = "assumption" if per_ha == 0 else "estimate"
    notes.append(
        (
            unit,
            "biomethane_upgrading_kw",
            kind,
            f"ALKIS agriculture x biomethane_kw_per_agriculture; {source}",
        )
    )
    if installed is not None:
        row["solid_biomass_kw_el"] = max(installed - capped, 0.0)
        notes.append(
            (
                unit,
                "solid_biomass_kw_el",
                "estimate",
                "MaStR biomass capacity - estimated biogas CHP: solid and liquid biomass "
                "incl. pulp-mill and waste-wood plants (split NOT FOUND, "
                "land-use-and-demand-facts.md section 5.2)",
            )
        )
