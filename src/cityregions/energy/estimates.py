"""Labelled estimates of per-district inputs from state-level shares.

The bundled case holds no district statistics of arable land, crops or livestock. Until a
user supplies GENESIS exports (``cityregions energy inputs``), each district gets

* ``forest_ha`` and ``population``: facts (ALKIS land use, Destatis population);
* ``arable_ha``, ``grassland_ha``, ``dairy_cows``, ``fattening_pigs``: the district's
  ALKIS agricultural area times the state's ratio (state arable land / state ALKIS
  agricultural area, …) — **estimates**, labelled ``kind = estimate`` per cell;
* ``cereal_ha``: estimated arable land times the state's cereal share of arable land;
* ``cereal_yield_t_per_ha``: the state yield (an estimate for the district);
* district facts where the facts file has them (they replace the estimate, ``kind =
  fact``);
* ``sewage_digestion_share``: 1 where a digesting WWTP is recorded, else 0 (an
  assumption: none recorded);
* ``installed_kw_el``: installed biomass power (MaStR) where the facts file has it.

The bundled case's files are read by
:func:`cityregions.io.energy_inputs.read_case_estimates`.

Notes
-----
:math:`x_d = A^{agri}_d \\; X_s / A^{agri}_s` for district :math:`d` in state :math:`s`.
The ALKIS agricultural area (cadastre) and the holdings' LF (holding-seat principle) are
different concepts; the ratio carries that difference into the estimate.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.energy.inputs import OPTIONAL, REQUIRED

logger = logging.getLogger(__name__)

#: Input column → state ratio applied to the district's ALKIS agricultural area.
PER_AGRICULTURE = {
    "arable_ha": "arable_per_agriculture",
    "grassland_ha": "grassland_per_agriculture",
    "dairy_cows": "dairy_cows_per_agriculture",
    "fattening_pigs": "pigs_per_agriculture",
}
COLUMNS = (
    "unit",
    "name",
    *REQUIRED,
    *(column for column in OPTIONAL if column != "employees"),
    "kind",
    "source",
)


def estimate_inputs(
    facts: pd.DataFrame, shares: pd.DataFrame, *, shares_source: str = "state_shares.csv"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (inputs, provenance) for districts from facts and state shares.

    Parameters
    ----------
    facts
        One row per district: ``unit, name, state, population, population_source,
        agriculture_alkis_ha, forest_ha, land_source`` and optional fact columns
        ``arable_ha, grassland_ha, dairy_cows, fattening_pigs, sewage_digestion_share``
        with ``fact_source``.
    shares
        ``state, variable, value, source`` with the variables of
        :data:`PER_AGRICULTURE`, ``cereal_per_arable`` and ``cereal_yield_t_per_ha``.
    shares_source
        File name used in the provenance.

    Returns
    -------
    tuple of pandas.DataFrame
        The plain input table (columns :data:`COLUMNS`) and a long provenance table
        ``unit, column, kind, source``.
    """
    table: dict[tuple[str, str], tuple[float, str]] = {
        (str(state), str(variable)): (float(value), str(source))
        for state, variable, value, source in zip(
            shares["state"], shares["variable"], shares["value"], shares["source"], strict=True
        )
    }
    rows, notes = [], []
    for _, fact in facts.iterrows():
        unit, state = str(fact["unit"]), str(fact["state"])

        def share(variable: str, *, unit: str = unit, state: str = state) -> tuple[float, str]:
            if (state, variable) not in table:
                msg = f"no state share '{variable}' for state {state}"
                raise InputError(msg, source=shares_source, location=f"unit {unit}")
            value, source = table[(state, variable)]
            return value, f"{shares_source}: {source}"

        row: dict[str, object] = {"unit": unit, "name": fact["name"]}
        row["population"] = float(fact["population"])
        notes.append((unit, "population", "fact", str(fact["population_source"])))
        row["forest_ha"] = float(fact["forest_ha"])
        notes.append((unit, "forest_ha", "fact", str(fact["land_source"])))
        agriculture = float(fact["agriculture_alkis_ha"])
        for column, variable in PER_AGRICULTURE.items():
            given = fact.get(column)
            if given is not None and not pd.isna(given):
                row[column] = float(given)
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
        installed = fact.get("installed_kw_el")
        if installed is not None and not pd.isna(installed):
            row["installed_kw_el"] = float(installed)
            notes.append((unit, "installed_kw_el", "fact", str(fact["installed_source"])))
        digestion = fact.get("sewage_digestion_share")
        if digestion is not None and not pd.isna(digestion):
            row["sewage_digestion_share"] = float(digestion)
            notes.append((unit, "sewage_digestion_share", "fact", str(fact["fact_source"])))
        else:
            row["sewage_digestion_share"] = 0.0
            notes.append(
                (unit, "sewage_digestion_share", "assumption", "no digesting WWTP recorded")
            )
        rows.append(row)
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
