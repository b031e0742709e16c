r"""Greenhouse-gas savings of the conversion sites against the RED II fossil comparators.

Notes
-----
Directive (EU) 2018/2001 (RED II), Annex VI Part B: the saving of electricity or heat
from biomass fuels is :math:`(EC_F - EC_B) / EC_F` with the fossil fuel comparators
:math:`EC_F` = 183 g CO₂eq/MJ for electricity and 80 g CO₂eq/MJ for useful heat (point
19); for biomethane in the gas grid 80 g CO₂eq/MJ is used (secondary sources, flagged).
The emissions :math:`E` of the fuel (g CO₂eq per MJ of fuel: cultivation, processing,
transport, methane slip) are split between the products of a CHP by exergy (point 1(d)):

.. math::

    EC_{el} = \frac{E}{\eta_{el}} \frac{C_{el}\eta_{el}}{C_{el}\eta_{el} + C_h\eta_h},\qquad
    EC_h = \frac{E}{\eta_h} \frac{C_h\eta_h}{C_{el}\eta_{el} + C_h\eta_h},

with :math:`C_{el} = 1`, :math:`C_h = (T_h - 273.15)/T_h` = 0.3546 for useful heat
below 150 °C, :math:`\eta_{el}`, :math:`\eta_h` the annual net electricity and *useful*
heat per unit of fuel. Per site the avoided fossil emissions are
:math:`\sum_c E_c \, EC_{F,c}` and the saving subtracts the fuel's emissions
:math:`E \cdot F` (the split by exergy decides each carrier's share).

The notes have no RED II Annex VI default values (NOT FOUND): the biogas pathway uses a
value derived from Auburger & Bahrs (0.159 kg CO₂eq/kWh_el, flagged assumption); for
straw and wood the pathway emissions are NOT FOUND, so only the avoided fossil emissions
(gross) are given and the saving stays empty (NaN). Transport emissions per t·km are not
sourced and not included.

References
----------
Directive (EU) 2018/2001, Annex VI, Part B, points 1(d), 3 and 19 (OJ L 328,
21.12.2018); Auburger, S.; Bahrs, E., regionalised GHG balances of German biogas
production; see ``bioenergy-economics.md`` section 4.

Examples
--------
>>> shares = chp_allocation(0.38, 0.40, 0.3546)
>>> round(shares[0], 4), round(shares[1], 4)
(0.7282, 0.2718)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: MJ per MWh.
MJ_PER_MWH = 3600.0
#: Carrier → fossil comparator coefficient.
COMPARATORS = {"electricity": "ecf_electricity", "heat": "ecf_heat", "biomethane": "ecf_biomethane"}


def chp_allocation(eta_el: float, eta_h: float, carnot: float) -> tuple[float, float]:
    """Return the shares of a CHP's emissions allocated to electricity and to heat."""
    weight = eta_el + carnot * eta_h
    if weight <= 0:
        return (np.nan, np.nan)
    return (eta_el / weight, carnot * eta_h / weight)


def site_ghg(sites: pd.DataFrame, values: Mapping[str, float]) -> pd.DataFrame:
    """Return the sites with avoided fossil emissions and savings (t CO₂eq/a).

    Adds ``ghg_fossil_avoided_t`` (delivered energy × comparator), ``ghg_pathway_t``
    (fuel × pathway emissions; NaN where NOT FOUND), ``ghg_saving_t`` and the saving
    share of each carrier delivered (``ghg_saving_share_<carrier>``, RED II).
    """
    table = sites.copy()
    delivered = {
        "electricity": table["electricity_mwh"].astype(float),
        "heat": table["heat_used_mwh"].astype(float),
        "biomethane": table["biomethane_mwh"].astype(float),
    }
    fossil = sum(delivered[c] * MJ_PER_MWH * values[COMPARATORS[c]] for c in delivered) / 1e6
    per_mj = (
        table["path"]
        .map(
            lambda p: (
                values["ghg_pathway_solid"]
                if p in ("boiler", "solid_chp")
                else values["ghg_pathway_biogas"]
            )
        )
        .astype(float)
    )
    pathway = table["fuel_mwh"].astype(float) * MJ_PER_MWH * per_mj / 1e6
    table["ghg_fossil_avoided_t"] = fossil
    table["ghg_pathway_t"] = pathway
    table["ghg_saving_t"] = fossil - pathway
    for carrier in delivered:
        table[f"ghg_saving_share_{carrier}"] = _shares(table, carrier, pathway, delivered, values)
    return table


def _shares(
    table: pd.DataFrame,
    carrier: str,
    pathway: pd.Series,
    delivered: Mapping[str, pd.Series],
    values: Mapping[str, float],
) -> np.ndarray:
    """RED II saving share of one carrier per site: (EC_F − EC_B) / EC_F."""
    out = np.full(len(table), np.nan)
    comparator = values[COMPARATORS[carrier]]
    fuel = table["fuel_mwh"].to_numpy(dtype=float)
    for k in range(len(table)):
        energy = float(delivered[carrier].iloc[k])
        if energy <= 0 or fuel[k] <= 0:
            continue
        eta_el = float(delivered["electricity"].iloc[k]) / fuel[k]
        eta_h = float(delivered["heat"].iloc[k]) / fuel[k]
        share_el, share_h = chp_allocation(eta_el, eta_h, values["chp_heat_carnot"])
        share = {"electricity": share_el, "heat": share_h, "biomethane": 1.0}[carrier]
        if carrier != "biomethane" and float(delivered["biomethane"].iloc[k]) > 0:
            share = 0.0
        intensity = float(pathway.iloc[k]) * 1e6 * share / (energy * MJ_PER_MWH)
        out[k] = (comparator - intensity) / comparator
    return out
