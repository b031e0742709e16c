r"""Conversion of fuel energy into electricity, heat, biomethane and installable capacity.

Every feedstock belongs to a *kind*: ``biogas`` (anaerobic digestion) or ``solid``
(combustion). The *path* says what is done with it:

* ``biogas_chp`` — the biogas is burnt in a CHP engine at the digester;
* ``biomethane`` — the biogas is upgraded and fed into the gas grid;
* ``boiler`` — straw or wood in a heat-only plant;
* ``solid_chp`` — straw or wood in a solid-biomass CHP.

Sewage gas is always burnt in the CHP of its treatment plant. Fuel energy is the lower
heating value of the methane (biogas) or of the solid fuel, in MWh/a.

Notes
-----
Biogas CHP, with fuel :math:`F`: gross electricity :math:`E^{g} = \eta_{el} F`, net
electricity :math:`E = E^{g}(1 - o)` after the plant's own use :math:`o` (8.8 %, FNR
Messprogramm III), gross heat :math:`Q^{g} = \eta_{th} F`, net heat
:math:`Q = \max(\eta_{th} - h_{d}, 0) F` after the digester's process heat :math:`h_d F`
(DEA: 6.9 % of the gas).
Biomethane: :math:`B = \max(\eta_{up} - h_d, 0) F` (the digester heat is taken from the
biogas; :math:`\eta_{up}` = 0.88 includes the upgrading's own consumption, Fraunhofer
ISE 2020).
Solid boiler: :math:`Q = \eta_{b} F`. Solid CHP: :math:`E = \eta^{s}_{el} F`,
:math:`Q = \eta^{s}_{th} F`.
Installable electrical capacity for :math:`h` full-load hours:
:math:`P = 1000\,E^{g} / h` in kW (``E`` in MWh/a).

References
----------
FNR Faustzahlen Biogas (η_el 0.38); FNR Biogas-Messprogramm III (own use 8.8 %); Danish
Energy Agency, Technology Data for Renewable Fuels, sheet 81 (digester heat); Fraunhofer
ISE (2020), Wege zu einem klimaneutralen Energiesystem (upgrading 88 %); energyscope
wiki, biomass CHP (η_el 0.18, η_th 0.53); flexperten.org and KWS (2025) for full-load
hours. See ``coefficients.toml``.

Examples
--------
>>> round(float(capacity_kw(1956.1, 8000.0)), 1)
244.5
>>> out = convert(100.0, "biogas_chp", {"biogas_chp_eta_el": 0.38, "biogas_chp_eta_th": 0.45,
...     "biogas_own_electricity": 0.1, "digester_heat_share": 0.05})
>>> [round(float(out[k]), 2) for k in OUTPUTS]
[38.0, 45.0, 34.2, 40.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from cityregions._errors import InputError

#: Kind of each feedstock: digested (``biogas``) or burnt (``solid``).
KINDS: dict[str, str] = {
    "silage_maize": "biogas",
    "grass_silage": "biogas",
    "cereal_straw": "solid",
    "cattle_slurry": "biogas",
    "pig_slurry": "biogas",
    "solid_cattle_manure": "biogas",
    "poultry_manure": "biogas",
    "horse_manure": "biogas",
    "forest_residues": "solid",
    "biowaste": "biogas",
    "sewage_gas": "biogas",
}
BIOGAS_PATHS = ("biogas_chp", "biomethane")
SOLID_PATHS = ("boiler", "solid_chp")
PATHS = (*BIOGAS_PATHS, *SOLID_PATHS)
#: Output columns of :func:`convert`.
OUTPUTS = (
    "electricity_gross_mwh",
    "heat_gross_mwh",
    "electricity_mwh",
    "heat_mwh",
    "biomethane_mwh",
)


def path_of(feedstock: str, *, biogas_path: str = "biogas_chp", solid_path: str = "boiler") -> str:
    """Return the conversion path of ``feedstock`` under the chosen paths.

    Raises
    ------
    InputError
        On an unknown path.
    """
    check_paths(biogas_path=biogas_path, solid_path=solid_path)
    if feedstock == "sewage_gas":
        return "biogas_chp"
    return biogas_path if KINDS[feedstock] == "biogas" else solid_path


def check_paths(*, biogas_path: str, solid_path: str) -> None:
    """Raise :class:`InputError` unless both paths are known."""
    if biogas_path not in BIOGAS_PATHS:
        msg = f"unknown biogas path '{biogas_path}' (allowed: {', '.join(BIOGAS_PATHS)})"
        raise InputError(msg, field="biogas_path")
    if solid_path not in SOLID_PATHS:
        msg = f"unknown solid path '{solid_path}' (allowed: {', '.join(SOLID_PATHS)})"
        raise InputError(msg, field="solid_path")


def convert(fuel_mwh: Any, path: str, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Return gross and net outputs (MWh/a) of fuel ``fuel_mwh`` along ``path``.

    Parameters
    ----------
    fuel_mwh
        Fuel energy (MWh/a), a number or an array.
    path
        One of :data:`PATHS`.
    values
        Coefficient values.

    Returns
    -------
    dict
        The arrays of :data:`OUTPUTS`.
    """
    fuel = np.asarray(fuel_mwh, dtype=float)
    zero = np.zeros_like(fuel)
    if path == "biogas_chp":
        gross_el = fuel * values["biogas_chp_eta_el"]
        gross_heat = fuel * values["biogas_chp_eta_th"]
        net_el = gross_el * (1.0 - values["biogas_own_electricity"])
        net_heat = fuel * np.maximum(values["biogas_chp_eta_th"] - values["digester_heat_share"], 0)
        return _outputs(gross_el, gross_heat, net_el, net_heat, zero)
    if path == "biomethane":
        share = np.maximum(values["upgrading_efficiency"] - values["digester_heat_share"], 0.0)
        return _outputs(zero, zero, zero, zero, fuel * share)
    if path == "boiler":
        heat = fuel * values["solid_boiler_eta"]
        return _outputs(zero, heat, zero, heat, zero)
    if path == "solid_chp":
        el, heat = fuel * values["solid_chp_eta_el"], fuel * values["solid_chp_eta_th"]
        return _outputs(el, heat, el, heat, zero)
    msg = f"unknown conversion path '{path}' (allowed: {', '.join(PATHS)})"
    raise InputError(msg, field="path")


def _outputs(*arrays: np.ndarray) -> dict[str, np.ndarray]:
    return dict(zip(OUTPUTS, arrays, strict=True))


def capacity_kw(electricity_mwh: float | np.ndarray, full_load_hours: float) -> np.ndarray:
    """Return installable electrical capacity in kW for annual electricity in MWh.

    Raises
    ------
    InputError
        If ``full_load_hours`` is not in (0, 8760].
    """
    if not 0 < full_load_hours <= 8760:
        msg = f"full-load hours must lie in (0, 8760], got {full_load_hours}"
        raise InputError(msg, field="full_load_hours")
    return np.asarray(electricity_mwh, dtype=float) * 1000.0 / full_load_hours
