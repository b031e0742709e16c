"""Biomass potential per territorial unit, feedstock and potential level.

The chain of the research note (``bioenergy.md`` section 7): mass → fuel energy at the
*theoretical* level, then technical and sustainable restrictions, then conversion along
the feedstock's path (:mod:`cityregions.energy.conversion`). All energies are MWh/a of
fuel (lower heating value), electricity or heat.

Notes
-----
With :math:`H_{CH4}` the methane LHV (kWh/Nm³) and fuel in MWh/a:

* silage maize: :math:`F_{theo} = A_{req} Y m H / 1000` with the requested area
  :math:`A_{req} = s_{req} A_{arable}`; technical = theoretical; sustainable uses
  :math:`\\min(s_{req}, s_{cap}) A_{arable}` (a request above the cap is clipped and
  warned about).
* grass silage: :math:`F_{theo} = A_{grass} Y m H / 1000`; technical = theoretical;
  sustainable :math:`\\times s_{grass}`.
* cereal straw: :math:`F_{theo} = A_{cereal} y_{grain} \\, RPR \\, LHV`; technical
  :math:`\\times r_{harvest}`; sustainable :math:`\\times a_{straw}` (of theoretical,
  at most the technical value).
* cattle and pig slurry: :math:`F_{theo} = N V m H / 1000`; technical
  :math:`\\times s_{stable}`; sustainable = technical.
* forest residues: :math:`F_{theo} = A_{forest} r LHV`; technical = theoretical;
  sustainable :math:`\\times s_{forest}`.
* biowaste: :math:`F = P \\, w / 1000 \\; m H / 1000`, equal on all levels.
* sewage gas: :math:`F = P \\, s_{digestion} g / 1000`, equal on all levels.

References
----------
FNR Faustzahlen Biogas; FNR Leitfaden Biogas (2010); LfL Basisdaten (2023); Weiser et al.
(2014); LWF Merkblatt 12. Every coefficient and its source: ``coefficients.toml``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy.coefficients import FEEDSTOCKS, CoefficientSet, load_coefficients
from cityregions.energy.conversion import PATHS, capacity_kw, convert

logger = logging.getLogger(__name__)

#: The tiers of a potential (``potential_level``), from the most to the least.
POTENTIAL_LEVELS: tuple[str, ...] = ("theoretical", "technical", "sustainable")
#: Input columns each feedstock needs.
NEEDS: dict[str, tuple[str, ...]] = {
    "silage_maize": ("arable_ha", "energy_crop_share"),
    "grass_silage": ("grassland_ha",),
    "cereal_straw": ("cereal_ha", "cereal_yield_t_per_ha"),
    "cattle_slurry": ("dairy_cows",),
    "pig_slurry": ("fattening_pigs",),
    "forest_residues": ("forest_ha",),
    "biowaste": ("population",),
    "sewage_gas": ("population", "sewage_digestion_share"),
}
Levels = tuple[np.ndarray, np.ndarray, np.ndarray]


def _col(inputs: pd.DataFrame, column: str) -> np.ndarray:
    return inputs[column].to_numpy(dtype=float)


def silage_maize(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of silage maize at the three levels; see module notes."""
    arable = _col(inputs, "arable_ha")
    requested = _col(inputs, "energy_crop_share")
    requested = np.where(np.isnan(requested), v["energy_crop_share_cap"], requested)
    per_ha = v["silage_maize_yield"] * v["silage_maize_ch4"] * v["ch4_lhv"] / 1000.0
    theoretical = requested * arable * per_ha
    capped = np.minimum(requested, v["energy_crop_share_cap"])
    clipped = np.flatnonzero(requested > v["energy_crop_share_cap"] + 1e-12)
    for row in clipped:
        unit = inputs.index[int(row)]
        warnings.warn(
            f"unit {unit}: energy-crop area {requested[row] * arable[row]:.1f} ha "
            f"(share {requested[row]:g}) clipped to the sustainable cap "
            f"{v['energy_crop_share_cap']:g} x arable = {capped[row] * arable[row]:.1f} ha",
            DataQualityWarning,
            stacklevel=3,
        )
    return theoretical, theoretical.copy(), capped * arable * per_ha


def grass_silage(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of grass silage at the three levels."""
    per_ha = v["grass_yield"] * v["grass_ch4"] * v["ch4_lhv"] / 1000.0
    theoretical = _col(inputs, "grassland_ha") * per_ha
    return theoretical, theoretical.copy(), theoretical * v["grassland_energy_share"]


def cereal_straw(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of cereal straw at the three levels."""
    grain_t = _col(inputs, "cereal_ha") * _col(inputs, "cereal_yield_t_per_ha")
    theoretical = grain_t * v["straw_rpr"] * v["straw_lhv"]
    technical = theoretical * v["straw_harvest_ratio"]
    return theoretical, technical, np.minimum(theoretical * v["straw_availability"], technical)


def _slurry(heads: np.ndarray, volume: float, ch4: float, stable: float, lhv: float) -> Levels:
    theoretical = heads * volume * ch4 * lhv / 1000.0
    technical = theoretical * stable
    return theoretical, technical, technical.copy()


def cattle_slurry(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of cattle slurry at the three levels."""
    return _slurry(
        _col(inputs, "dairy_cows"),
        v["cattle_slurry_per_cow"],
        v["cattle_slurry_ch4"],
        v["cattle_slurry_stable_share"],
        v["ch4_lhv"],
    )


def pig_slurry(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of pig slurry at the three levels."""
    return _slurry(
        _col(inputs, "fattening_pigs"),
        v["pig_slurry_per_place"],
        v["pig_slurry_ch4"],
        v["pig_slurry_stable_share"],
        v["ch4_lhv"],
    )


def forest_residues(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of forest residues at the three levels."""
    theoretical = _col(inputs, "forest_ha") * v["forest_residue_yield"] * v["forest_residue_lhv"]
    return theoretical, theoretical.copy(), theoretical * v["forest_sustainable_share"]


def biowaste(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of collected biowaste (equal on all levels)."""
    tonnes = _col(inputs, "population") * v["biowaste_per_inh"] / 1000.0
    fuel = tonnes * v["biowaste_ch4"] * v["ch4_lhv"] / 1000.0
    return fuel, fuel.copy(), fuel.copy()


def sewage_gas(inputs: pd.DataFrame, v: Mapping[str, float]) -> Levels:
    """Return fuel (MWh/a) of sewage gas where a digesting WWTP exists (equal on all levels)."""
    connected = _col(inputs, "population") * _col(inputs, "sewage_digestion_share")
    fuel = connected * v["sewage_gas_per_inh"] / 1000.0
    return fuel, fuel.copy(), fuel.copy()


CALCULATORS: dict[str, Callable[[pd.DataFrame, Mapping[str, float]], Levels]] = {
    "silage_maize": silage_maize,
    "grass_silage": grass_silage,
    "cereal_straw": cereal_straw,
    "cattle_slurry": cattle_slurry,
    "pig_slurry": pig_slurry,
    "forest_residues": forest_residues,
    "biowaste": biowaste,
    "sewage_gas": sewage_gas,
}


def inputs_kind(inputs: pd.DataFrame) -> pd.Series:
    """Return the ``kind`` of each unit's inputs (``estimate``, ``fact``, …).

    Units without a ``kind`` (or inputs without the column) are ``unstated``.
    """
    if "kind" not in inputs.columns:
        return pd.Series("unstated", index=inputs.index, name="inputs_kind")
    kinds = inputs["kind"].astype(object).where(inputs["kind"].notna() & (inputs["kind"] != ""))
    return kinds.fillna("unstated").astype(str).rename("inputs_kind")


def biomass_potential(
    inputs: pd.DataFrame,
    coefficients: CoefficientSet | None = None,
    *,
    scenario: str = "default",
    solid_path: str = "boiler",
    full_load_hours: Sequence[float] | None = None,
    feedstocks: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compute the potential per unit, feedstock and potential level as a long table.

    Parameters
    ----------
    inputs
        Validated per-unit inputs (:func:`~cityregions.io.energy_inputs.read_energy_inputs`).
    coefficients
        Coefficient set (default: the shipped one).
    scenario
        ``low``, ``default`` or ``high``.
    solid_path
        ``boiler`` (heat only) or ``chp`` for straw and forest residues.
    full_load_hours
        Full-load hours for installable capacity; the first gives ``capacity_kw_el``,
        each gives a column ``capacity_kw_el_<h>h`` (default: the coefficient
        ``chp_full_load_hours``).
    feedstocks
        Subset of :data:`~cityregions.energy.coefficients.FEEDSTOCKS` (default all).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit, feedstock, potential_level, path, fuel_mwh, electricity_mwh, heat_mwh,
        status, assumptions, used_fuel_mwh, unused_fuel_mwh, overused,
        full_load_hours, capacity_kw_el, capacity_kw_el_<h>h..., scenario,
        inputs_kind`` (the inputs' ``kind`` per unit, e.g. ``estimate``, so that
        estimates stay labelled in every output; ``unstated`` without it); one row
        per unit × feedstock × potential level plus ``feedstock = "total"`` rows (NaN where any
        feedstock of the unit is missing; status says which). The used/unused columns
        are filled on total rows when ``installed_kw_el`` is given.

    Raises
    ------
    InputError
        On an unknown feedstock, scenario or solid path.
    """
    coefficients = coefficients or load_coefficients()
    chosen = list(feedstocks or FEEDSTOCKS)
    unknown = [f for f in chosen if f not in FEEDSTOCKS]
    if unknown:
        msg = f"unknown feedstock(s) {unknown} (known: {', '.join(FEEDSTOCKS)})"
        raise InputError(msg, field="feedstock")
    values = coefficients.values(scenario)
    hours = list(full_load_hours or [values["chp_full_load_hours"]])
    frames = [
        _feedstock_rows(inputs, f, values, coefficients, solid_path=solid_path) for f in chosen
    ]
    long = pd.concat(frames, ignore_index=True)
    long = pd.concat([long, _totals(long)], ignore_index=True)
    long = _used(long, inputs, values)
    long["full_load_hours"] = hours[0]
    long["capacity_kw_el"] = capacity_kw(long["electricity_mwh"].to_numpy(), hours[0])
    for h in hours:
        long[f"capacity_kw_el_{h:g}h"] = capacity_kw(long["electricity_mwh"].to_numpy(), h)
    long["scenario"] = scenario
    long["inputs_kind"] = inputs_kind(inputs).reindex(long["unit"]).to_numpy()
    order = {u: i for i, u in enumerate(inputs.index)}
    long["_u"] = long["unit"].map(order)
    long["_f"] = long["feedstock"].map({f: i for i, f in enumerate([*chosen, "total"])})
    long["_l"] = long["potential_level"].map({lv: i for i, lv in enumerate(POTENTIAL_LEVELS)})
    long = long.sort_values(["_u", "_f", "_l"], kind="stable").drop(columns=["_u", "_f", "_l"])
    return long.reset_index(drop=True)


def _feedstock_rows(
    inputs: pd.DataFrame,
    feedstock: str,
    values: Mapping[str, float],
    coefficients: CoefficientSet,
    *,
    solid_path: str,
) -> pd.DataFrame:
    levels = CALCULATORS[feedstock](inputs, values)
    status = _status(inputs, NEEDS[feedstock])
    assumptions = ";".join(
        name
        for name in coefficients.assumptions()
        if coefficients.entries[name].group in (feedstock, "conversion")
        and _uses(name, feedstock, solid_path)
    )
    rows = []
    for level, fuel in zip(POTENTIAL_LEVELS, levels, strict=True):
        electricity, heat = convert(fuel, PATHS[feedstock], values, solid_path=solid_path)
        rows.append(
            pd.DataFrame(
                {
                    "unit": inputs.index.to_numpy(),
                    "feedstock": feedstock,
                    "potential_level": level,
                    "path": PATHS[feedstock] if PATHS[feedstock] == "biogas" else solid_path,
                    "fuel_mwh": fuel,
                    "electricity_mwh": electricity,
                    "heat_mwh": heat,
                    "status": status,
                    "assumptions": assumptions,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _used(long: pd.DataFrame, inputs: pd.DataFrame, v: Mapping[str, float]) -> pd.DataFrame:
    r"""Add used and unused fuel to the total rows where installed capacity is given.

    :math:`F_{used} = P_{inst} h_{used} / 1000 / \eta_{el}` (MWh/a) and
    :math:`F_{unused} = \max(F - F_{used}, 0)`; ``overused`` flags
    :math:`F < F_{used}`.
    """
    long["used_fuel_mwh"] = np.nan
    long["unused_fuel_mwh"] = np.nan
    long["overused"] = pd.Series(pd.NA, index=long.index, dtype="boolean")
    if "installed_kw_el" not in inputs or inputs["installed_kw_el"].isna().all():
        return long
    used = (
        inputs["installed_kw_el"].astype(float)
        * v["used_full_load_hours"]
        / 1000.0
        / v["biogas_chp_eta_el"]
    )
    totals = long["feedstock"] == "total"
    long.loc[totals, "used_fuel_mwh"] = long.loc[totals, "unit"].map(used).to_numpy()
    difference = long.loc[totals, "fuel_mwh"] - long.loc[totals, "used_fuel_mwh"]
    long.loc[totals, "unused_fuel_mwh"] = difference.clip(lower=0)
    long.loc[totals, "overused"] = (difference < 0).where(difference.notna())
    return long


def _uses(name: str, feedstock: str, solid_path: str) -> bool:
    if name.startswith("solid_boiler"):
        return PATHS[feedstock] == "solid" and solid_path == "boiler"
    if name.startswith("solid_chp"):
        return PATHS[feedstock] == "solid" and solid_path == "chp"
    return not name.startswith("biogas") or PATHS[feedstock] == "biogas"


def _status(inputs: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    result = np.full(len(inputs), "ok", dtype=object)
    for column in columns:
        values = inputs[column].to_numpy(dtype=float)
        if column == "energy_crop_share":  # absent share means "use the cap"
            continue
        status_column = f"{column}_status"
        states = (
            inputs[status_column].to_numpy()
            if status_column in inputs
            else np.full(len(inputs), "missing", dtype=object)
        )
        for row in np.flatnonzero(np.isnan(values)):
            note = f"{column}:{states[row]}"
            result[row] = note if result[row] == "ok" else f"{result[row]};{note}"
    return result


def _totals(long: pd.DataFrame) -> pd.DataFrame:
    grouped = long.groupby(["unit", "potential_level"], sort=False)
    sums = grouped[["fuel_mwh", "electricity_mwh", "heat_mwh"]].sum(min_count=1)
    any_missing = grouped["fuel_mwh"].apply(lambda s: bool(s.isna().any()))
    sums.loc[any_missing.to_numpy(), :] = np.nan
    missing = [
        ";".join(sorted(set(group.loc[group["fuel_mwh"].isna(), "feedstock"])))
        for _, group in grouped
    ]
    sums = sums.reset_index()
    sums["feedstock"] = "total"
    sums["path"] = "all"
    sums["status"] = [f"incomplete:{m}" if m else "ok" for m in missing]
    sums["assumptions"] = [
        ";".join(
            sorted({a for text in group["assumptions"].dropna() for a in text.split(";") if a})
        )
        for _, group in grouped
    ]
    return sums


def wide_summary(potential: pd.DataFrame, *, potential_level: str = "sustainable") -> pd.DataFrame:
    """Return unit × feedstock fuel (MWh/a) at one potential level, plus totals by carrier."""
    rows = potential[potential["potential_level"] == potential_level]
    table = rows.pivot(index="unit", columns="feedstock", values="fuel_mwh")
    totals = rows[rows["feedstock"] == "total"].set_index("unit")
    table["electricity_mwh"] = totals["electricity_mwh"]
    table["heat_mwh"] = totals["heat_mwh"]
    return table.loc[list(dict.fromkeys(rows["unit"]))]


def livestock_units(inputs: pd.DataFrame, coefficients: CoefficientSet | None = None) -> pd.Series:
    """Return livestock units (EU key) per unit, an indicator for manure-based plants.

    Notes
    -----
    :math:`LU = 1.0 N_{cows} + 0.3 N_{pigs}` (EU Reg. 1200/2009). The rule of thumb of
    C.A.R.M.E.N. is 8–12 LU of manure per kW_el of biogas CHP.
    """
    values = (coefficients or load_coefficients()).values()
    lu = (
        inputs["dairy_cows"].astype(float) * values["lu_dairy_cow"]
        + inputs["fattening_pigs"].astype(float) * values["lu_fattening_pig"]
    )
    return lu.rename("livestock_units")
