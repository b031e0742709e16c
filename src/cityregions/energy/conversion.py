"""Conversion of fuel energy into electricity, heat and installable capacity.

Every feedstock follows one *path*: ``biogas`` (anaerobic digestion, gas burnt in a CHP
unit) or ``solid`` (combustion in a heat-only boiler or a solid-biomass CHP). Fuel energy
is the lower heating value of the methane (biogas) or of the solid fuel, in MWh/a.

Notes
-----
Biogas CHP: :math:`E_{el} = \\eta_{el} F`, :math:`Q = \\eta_{th} F`.
Solid boiler: :math:`Q = \\eta_{boiler} F`, :math:`E_{el} = 0`.
Solid CHP: :math:`E_{el} = \\eta_{el}^{s} F`, :math:`Q = \\eta_{th}^{s} F`.
Installable electrical capacity for :math:`h` full-load hours:
:math:`P = 1000\\,E_{el} / h` in kW (``E_el`` in MWh/a).

References
----------
FNR Faustzahlen Biogas (η_el 0.38); energyscope wiki, biomass CHP (η_el 0.18, η_th 0.53);
flexperten.org and KWS (2025) for full-load hours. See ``coefficients.toml``.

Examples
--------
>>> round(float(capacity_kw(1956.1, 8000.0)), 1)
244.5
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from cityregions._errors import InputError

SolidPath = Literal["boiler", "chp"]
#: Conversion path of each feedstock.
PATHS: dict[str, str] = {
    "silage_maize": "biogas",
    "grass_silage": "biogas",
    "cereal_straw": "solid",
    "cattle_slurry": "biogas",
    "pig_slurry": "biogas",
    "forest_residues": "solid",
    "biowaste": "biogas",
    "sewage_gas": "biogas",
}


def efficiencies(
    path: str, values: Mapping[str, float], *, solid_path: str = "boiler"
) -> tuple[float, float]:
    """Return (electrical, thermal) efficiency of a conversion path.

    Parameters
    ----------
    path
        ``"biogas"`` or ``"solid"``.
    values
        Coefficient values of one scenario.
    solid_path
        ``"boiler"`` (heat only) or ``"chp"`` for solid fuels.
    """
    if path == "biogas":
        return values["biogas_chp_eta_el"], values["biogas_chp_eta_th"]
    if solid_path == "boiler":
        return 0.0, values["solid_boiler_eta"]
    if solid_path == "chp":
        return values["solid_chp_eta_el"], values["solid_chp_eta_th"]
    msg = f"unknown solid path '{solid_path}' (allowed: boiler, chp)"
    raise InputError(msg, field="solid_path")


def convert(
    fuel_mwh: np.ndarray, path: str, values: Mapping[str, float], *, solid_path: str = "boiler"
) -> tuple[np.ndarray, np.ndarray]:
    """Return (electricity, heat) in MWh/a for fuel energy ``fuel_mwh`` along ``path``."""
    eta_el, eta_th = efficiencies(path, values, solid_path=solid_path)
    fuel = np.asarray(fuel_mwh, dtype=float)
    return fuel * eta_el, fuel * eta_th


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
