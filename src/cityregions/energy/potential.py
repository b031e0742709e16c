r"""Biomass potential per territorial unit, feedstock and potential level.

The chain of the research note (``bioenergy.md`` section 7): mass → fuel energy at the
*theoretical* level, then technical and sustainable restrictions, then conversion along
the feedstock's path (:mod:`cityregions.energy.conversion`), minus what the plants in
operation already use (:mod:`cityregions.energy.current_use`). All energies are MWh/a of
fuel (lower heating value), electricity, heat or biomethane; masses are t FM/a.

Notes
-----
With :math:`H` the methane LHV (kWh/Nm³), :math:`m` a methane yield and fuel in MWh/a:

* silage maize: :math:`F_{theo} = A_{req} Y m H / 1000` with the requested area
  :math:`A_{req} = s_{req} A_{arable}`; technical = theoretical; sustainable uses
  :math:`\min(s_{req}, s_{cap}) A_{arable}` (a request above the cap is clipped and
  warned about).
* grass silage: :math:`F_{theo} = A_{grass} Y m H / 1000`; technical = theoretical;
  sustainable :math:`\times s_{grass}`.
* cereal straw: :math:`F_{theo} = A_{cereal} y_{grain} \, RPR \, LHV`; technical
  :math:`\times r_{harvest}`; sustainable :math:`\times a_{straw}` (of theoretical, at
  most the technical value).
* manure — cattle slurry (dairy cows), pig slurry (pigs), solid cattle manure (other
  cattle), poultry manure, horse manure: :math:`F_{theo} = N V m H / 1000` with head
  count :math:`N` and manure :math:`V` per head; technical :math:`\times s_{stable}`
  (horses: availability); sustainable = technical.
* forest residues: :math:`F_{theo} = A_{forest} r LHV`; technical = theoretical;
  sustainable :math:`\times (1 - p)` with the protected share :math:`p` (input per unit,
  else the coefficient).
* biowaste: :math:`F = P \, w / 1000 \; m H / 1000`, equal on all levels.
* sewage gas: :math:`F = P \, s_{digestion} g / 1000` where the connected share is given,
  else :math:`F = P \bar g / 1000` with the national average per inhabitant (flagged
  ``population_based``); equal on all levels.

The mass of a feedstock is :math:`F / e` with its energy density :math:`e` (MWh/t FM,
:data:`DENSITY`): methane yield × :math:`H` for digestible feedstocks (per m³ of slurry
divided by its density), the LHV for straw and wood chips.

References
----------
FNR Faustzahlen Biogas; FNR Leitfaden Biogas (2010); LfL Basisdaten (2023); Weiser et al.
(2014); LWF Merkblatt 12; Destatis table 43381-0001. Every coefficient and its source:
``coefficients.toml``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy.coefficients import FEEDSTOCKS, CoefficientSet, load_coefficients
from cityregions.energy.conversion import OUTPUTS, capacity_kw, check_paths, convert, path_of
from cityregions.energy.current_use import attribute, current_use

logger = logging.getLogger(__name__)

#: The tiers of a potential (``potential_level``), from the most to the least.
POTENTIAL_LEVELS: tuple[str, ...] = ("theoretical", "technical", "sustainable")
#: Input columns each feedstock needs (a missing value makes the feedstock missing).
NEEDS: dict[str, tuple[str, ...]] = {
    "silage_maize": ("arable_ha", "energy_crop_share"),
    "grass_silage": ("grassland_ha",),
    "cereal_straw": ("cereal_ha", "cereal_yield_t_per_ha"),
    "cattle_slurry": ("dairy_cows",),
    "pig_slurry": ("fattening_pigs",),
    "solid_cattle_manure": ("other_cattle",),
    "poultry_manure": ("poultry",),
    "horse_manure": ("horses",),
    "forest_residues": ("forest_ha", "protected_forest_share"),
    "biowaste": ("population",),
    "sewage_gas": ("population", "sewage_digestion_share"),
}
Values = Mapping[str, Any]  # numbers, or arrays of shape (samples, 1) for the Monte Carlo
Levels = tuple[np.ndarray, np.ndarray, np.ndarray]
Columns = Mapping[str, np.ndarray]


def _mwh_per_t(ch4: Any, v: Values) -> Any:
    return ch4 * v["ch4_lhv"] / 1000.0


#: Energy density (MWh fuel per t FM) of each feedstock that can be hauled.
DENSITY: dict[str, Callable[[Values], Any]] = {
    "silage_maize": lambda v: _mwh_per_t(v["silage_maize_ch4"], v),
    "grass_silage": lambda v: _mwh_per_t(v["grass_ch4"], v),
    "cereal_straw": lambda v: v["straw_lhv"],
    "cattle_slurry": lambda v: _mwh_per_t(v["cattle_slurry_ch4"], v) / v["slurry_density"],
    "pig_slurry": lambda v: _mwh_per_t(v["pig_slurry_ch4"], v) / v["slurry_density"],
    "solid_cattle_manure": lambda v: _mwh_per_t(v["solid_manure_ch4"], v),
    "poultry_manure": lambda v: _mwh_per_t(v["poultry_manure_ch4"], v),
    "horse_manure": lambda v: _mwh_per_t(v["horse_manure_ch4"], v),
    "forest_residues": lambda v: v["forest_chips_energy_density"],
    "biowaste": lambda v: _mwh_per_t(v["biowaste_ch4"], v),
}


def silage_maize(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of silage maize at the three levels; see module notes."""
    requested = np.where(
        np.isnan(c["energy_crop_share"]), v["energy_crop_share_cap"], c["energy_crop_share"]
    )
    per_ha = v["silage_maize_yield"] * _mwh_per_t(v["silage_maize_ch4"], v)
    theoretical = requested * c["arable_ha"] * per_ha
    capped = np.minimum(requested, v["energy_crop_share_cap"])
    return theoretical, theoretical, capped * c["arable_ha"] * per_ha


def grass_silage(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of grass silage at the three levels."""
    theoretical = c["grassland_ha"] * v["grass_yield"] * _mwh_per_t(v["grass_ch4"], v)
    return theoretical, theoretical, theoretical * v["grassland_energy_share"]


def cereal_straw(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of cereal straw at the three levels."""
    grain_t = c["cereal_ha"] * c["cereal_yield_t_per_ha"]
    theoretical = grain_t * v["straw_rpr"] * v["straw_lhv"]
    technical = theoretical * v["straw_harvest_ratio"]
    return theoretical, technical, np.minimum(theoretical * v["straw_availability"], technical)


#: Manure feedstocks: the input column of heads and the coefficients per head, of the
#: methane yield and of the share collected (in stables, or available for horses).
MANURE: dict[str, tuple[str, str, str, str]] = {
    "cattle_slurry": (
        "dairy_cows", "cattle_slurry_per_cow", "cattle_slurry_ch4", "cattle_slurry_stable_share",
    ),
    "pig_slurry": (
        "fattening_pigs", "pig_slurry_per_place", "pig_slurry_ch4", "pig_slurry_stable_share",
    ),
    "solid_cattle_manure": (
        "other_cattle", "solid_manure_per_head", "solid_manure_ch4", "solid_manure_stable_share",
    ),
    "poultry_manure": (
        "poultry", "poultry_manure_per_head", "poultry_manure_ch4", "poultry_manure_stable_share",
    ),
    "horse_manure": (
        "horses", "horse_manure_per_head", "horse_manure_ch4", "horse_manure_availability",
    ),
}  # fmt: skip


def manure(feedstock: str) -> Callable[[Columns, Values], Levels]:
    """Return the calculator of a :data:`MANURE` feedstock.

    Theoretical = heads × mass per head × CH₄ yield × LHV(CH₄); technical = sustainable
    = theoretical × the share collected.
    """
    heads, per_head, ch4, collected = MANURE[feedstock]

    def levels(c: Columns, v: Values) -> Levels:
        theoretical = c[heads] * v[per_head] * _mwh_per_t(v[ch4], v)
        technical = theoretical * v[collected]
        return theoretical, technical, technical

    levels.__doc__ = f"Return fuel (MWh/a) of {feedstock.replace('_', ' ')} at the three levels."
    return levels


def forest_residues(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of forest residues at the three levels."""
    theoretical = c["forest_ha"] * v["forest_residue_yield"] * v["forest_residue_lhv"]
    protected = np.where(
        np.isnan(c["protected_forest_share"]),
        v["protected_forest_share"],
        c["protected_forest_share"],
    )
    return theoretical, theoretical, theoretical * (1.0 - protected)


def biowaste(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of collected biowaste (equal on all levels)."""
    tonnes = c["population"] * v["biowaste_per_inh"] / 1000.0
    fuel = tonnes * _mwh_per_t(v["biowaste_ch4"], v)
    return fuel, fuel, fuel


def sewage_gas(c: Columns, v: Values) -> Levels:
    """Return fuel (MWh/a) of sewage gas: connected share, else population-based."""
    share = c["sewage_digestion_share"]
    connected = c["population"] * np.nan_to_num(share) * v["sewage_gas_per_inh"]
    average = c["population"] * v["sewage_gas_per_inh_average"]
    fuel = np.where(np.isnan(share), average, connected) / 1000.0
    return fuel, fuel, fuel


CALCULATORS: dict[str, Callable[[Columns, Values], Levels]] = {
    "silage_maize": silage_maize,
    "grass_silage": grass_silage,
    "cereal_straw": cereal_straw,
    **{feedstock: manure(feedstock) for feedstock in MANURE},
    "forest_residues": forest_residues,
    "biowaste": biowaste,
    "sewage_gas": sewage_gas,
}
#: Input columns whose empty cell selects a rule instead of making a feedstock missing.
RULE_COLUMNS = ("energy_crop_share", "sewage_digestion_share", "protected_forest_share")


def input_columns(inputs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return the numeric input columns the calculators read, as float arrays."""
    columns = {c for needs in NEEDS.values() for c in needs}
    return {c: inputs[c].to_numpy(dtype=float) for c in sorted(columns)}


def sustainable_fuel(columns: Columns, values: Values, feedstocks: Sequence[str]) -> np.ndarray:
    """Return the sustainable fuel (MWh/a) summed over ``feedstocks``, per unit.

    Vectorised: with coefficient values of shape ``(samples, 1)`` the result has shape
    ``(samples, units)`` (used by :mod:`cityregions.energy.uncertainty`).
    """
    total: Any = 0.0
    for feedstock in feedstocks:
        total = total + CALCULATORS[feedstock](columns, values)[2]
    return np.asarray(total, dtype=float)


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
    biogas_path: str = "biogas_chp",
    solid_path: str = "boiler",
    full_load_hours: Sequence[float] | None = None,
    feedstocks: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compute the potential per unit, feedstock and potential level as a long table.

    See :func:`potential_and_use` (this returns its first part).

    Examples
    --------
    >>> import pandas as pd
    >>> from cityregions.energy.inputs import validate_energy_inputs
    >>> inputs = validate_energy_inputs(pd.DataFrame([{"unit": "a", "population": 0,
    ...     "arable_ha": 0, "grassland_ha": 0, "forest_ha": 0, "cereal_ha": 0,
    ...     "cereal_yield_t_per_ha": 0, "dairy_cows": 1}]))
    >>> table = biomass_potential(inputs, feedstocks=["cattle_slurry"])
    >>> row = table.query("feedstock == 'cattle_slurry' and potential_level == 'theoretical'")
    >>> round(float(row["fuel_mwh"].iloc[0]) * 1000 / 9.97, 1)  # Nm3 CH4 (FNR: 289)
    289.0
    """
    return potential_and_use(
        inputs,
        coefficients,
        biogas_path=biogas_path,
        solid_path=solid_path,
        full_load_hours=full_load_hours,
        feedstocks=feedstocks,
    )[0]


def potential_and_use(
    inputs: pd.DataFrame,
    coefficients: CoefficientSet | None = None,
    *,
    biogas_path: str = "biogas_chp",
    solid_path: str = "boiler",
    full_load_hours: Sequence[float] | None = None,
    feedstocks: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute the potential per unit, feedstock and level, and the current use.

    Parameters
    ----------
    inputs
        Validated per-unit inputs (:func:`~cityregions.io.energy_inputs.read_energy_inputs`).
    coefficients
        Coefficient set (default: the shipped one).
    biogas_path
        ``biogas_chp`` (CHP at the digester) or ``biomethane`` (upgrading, gas grid).
    solid_path
        ``boiler`` (heat only) or ``solid_chp`` for straw and forest residues.
    full_load_hours
        Full-load hours for installable capacity; the first gives ``capacity_kw_el``,
        each gives a column ``capacity_kw_el_<h>h`` (default: the coefficient
        ``chp_full_load_hours``).
    feedstocks
        Subset of :data:`~cityregions.energy.coefficients.FEEDSTOCKS` (default all).

    Returns
    -------
    tuple of pandas.DataFrame
        The potential and the current use per unit and technology
        (:func:`~cityregions.energy.current_use.current_use`). The potential has the
        columns ``unit, feedstock, potential_level, path, mass_t, fuel_mwh,
        electricity_gross_mwh, heat_gross_mwh, electricity_mwh, heat_mwh,
        biomethane_mwh, used_fuel_mwh, unused_fuel_mwh, overused, status, flags,
        assumptions, full_load_hours, capacity_kw_el, capacity_kw_el_<h>h...,
        inputs_kind``; one row per unit × feedstock × potential level plus
        ``feedstock = "total"`` rows. ``electricity_mwh``, ``heat_mwh`` and
        ``biomethane_mwh`` are net outputs of the whole potential; ``used_fuel_mwh`` is
        what the plants in operation take (:mod:`~cityregions.energy.current_use`) and
        ``unused_fuel_mwh`` = max(potential − used, 0), the supply for new uses. A
        feedstock whose input is missing is NaN (``status`` says which), and so is its
        unit's total. ``flags`` names the rules applied to empty cells
        (``population_based`` sewage gas, the default protected forest share, the
        energy-crop cap) and input columns the inputs do not have at all, counted as
        zero (``horses:absent``).

    Raises
    ------
    InputError
        On an unknown feedstock or path.
    """
    coefficients = coefficients or load_coefficients()
    chosen = list(feedstocks or FEEDSTOCKS)
    unknown = [f for f in chosen if f not in FEEDSTOCKS]
    if unknown:
        msg = f"unknown feedstock(s) {unknown} (known: {', '.join(FEEDSTOCKS)})"
        raise InputError(msg, field="feedstock")
    check_paths(biogas_path=biogas_path, solid_path=solid_path)
    values = coefficients.values()
    hours = list(full_load_hours or [values["chp_full_load_hours"]])
    columns = input_columns(inputs)
    _warn_clipped(inputs, columns, values)
    frames = [
        _feedstock_rows(
            inputs,
            columns,
            f,
            values,
            coefficients,
            path_of(f, biogas_path=biogas_path, solid_path=solid_path),
        )
        for f in chosen
    ]
    long = pd.concat(frames, ignore_index=True)
    long, use = _with_current_use(long, inputs, values)
    long = pd.concat([long, _totals(long)], ignore_index=True)
    long["full_load_hours"] = hours[0]
    long["capacity_kw_el"] = capacity_kw(long["electricity_gross_mwh"].to_numpy(), hours[0])
    for h in hours:
        long[f"capacity_kw_el_{h:g}h"] = capacity_kw(long["electricity_gross_mwh"].to_numpy(), h)
    long["inputs_kind"] = inputs_kind(inputs).reindex(long["unit"]).to_numpy()
    order = {u: i for i, u in enumerate(inputs.index)}
    long["_u"] = long["unit"].map(order)
    long["_f"] = long["feedstock"].map({f: i for i, f in enumerate([*chosen, "total"])})
    long["_l"] = long["potential_level"].map({lv: i for i, lv in enumerate(POTENTIAL_LEVELS)})
    long = long.sort_values(["_u", "_f", "_l"], kind="stable").drop(columns=["_u", "_f", "_l"])
    return long.reset_index(drop=True), use


def _warn_clipped(inputs: pd.DataFrame, columns: Columns, v: Values) -> None:
    requested, arable = columns["energy_crop_share"], columns["arable_ha"]
    for row in np.flatnonzero(requested > v["energy_crop_share_cap"] + 1e-12):
        warnings.warn(
            f"unit {inputs.index[int(row)]}: energy-crop area {requested[row] * arable[row]:.1f} "
            f"ha (share {requested[row]:g}) clipped to the sustainable cap "
            f"{v['energy_crop_share_cap']:g} x arable = "
            f"{v['energy_crop_share_cap'] * arable[row]:.1f} ha",
            DataQualityWarning,
            stacklevel=4,
        )


def _feedstock_rows(
    inputs: pd.DataFrame,
    columns: Columns,
    feedstock: str,
    values: Mapping[str, float],
    coefficients: CoefficientSet,
    path: str,
) -> pd.DataFrame:
    levels = CALCULATORS[feedstock](columns, values)
    density = DENSITY[feedstock](values) if feedstock in DENSITY else np.nan
    status, flags = _status(inputs, NEEDS[feedstock])
    assumptions = ";".join(
        name
        for name in coefficients.assumptions()
        if coefficients.entries[name].group in (feedstock, "conversion") and _uses(name, path)
    )
    rows = []
    for level, fuel in zip(POTENTIAL_LEVELS, levels, strict=True):
        fuel = np.broadcast_to(np.asarray(fuel, dtype=float), (len(inputs),))
        rows.append(
            pd.DataFrame(
                {
                    "unit": inputs.index.to_numpy(),
                    "feedstock": feedstock,
                    "potential_level": level,
                    "path": path,
                    "mass_t": fuel / density,
                    "fuel_mwh": fuel,
                    **convert(fuel, path, values),
                    "status": status,
                    "flags": flags,
                    "assumptions": assumptions,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _with_current_use(
    long: pd.DataFrame, inputs: pd.DataFrame, v: Mapping[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Add ``used_fuel_mwh``, ``unused_fuel_mwh`` and ``overused`` per feedstock and level."""
    sewage = long[(long["feedstock"] == "sewage_gas") & (long["potential_level"] == "sustainable")]
    sewage_fuel = sewage.set_index("unit")["fuel_mwh"].reindex(inputs.index).fillna(0.0)
    use = current_use(inputs, v, sewage_fuel)
    long["used_fuel_mwh"] = np.nan
    long["overused"] = pd.Series(pd.NA, index=long.index, dtype="boolean")
    for level in POTENTIAL_LEVELS:
        rows = long["potential_level"] == level
        fuel = long[rows].pivot(index="unit", columns="feedstock", values="fuel_mwh")
        fuel = fuel.reindex(inputs.index)
        used, over = attribute(fuel, use)
        keys = pd.MultiIndex.from_arrays([long.loc[rows, "unit"], long.loc[rows, "feedstock"]])
        mask = rows.to_numpy()
        long.loc[mask, "used_fuel_mwh"] = used.stack(future_stack=True).reindex(keys).to_numpy()
        long.loc[mask, "overused"] = over.stack(future_stack=True).reindex(keys).to_numpy(bool)
    long["unused_fuel_mwh"] = (long["fuel_mwh"] - long["used_fuel_mwh"]).clip(lower=0)
    return long, use


def _uses(name: str, path: str) -> bool:
    prefixes = {
        "biogas_chp": ("biogas",),
        "biomethane": ("upgrading", "digester"),
        "boiler": ("solid_boiler",),
        "solid_chp": ("solid_chp",),
    }
    if name.startswith(("biogas", "upgrading", "digester", "solid_boiler", "solid_chp")):
        return name.startswith(prefixes[path])
    return True


def _status(inputs: pd.DataFrame, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: missing inputs (``column:status``) and rules applied to empty cells."""
    status = np.full(len(inputs), "ok", dtype=object)
    flags = np.full(len(inputs), "", dtype=object)
    for column in columns:
        values = inputs[column].to_numpy(dtype=float)
        states = (
            inputs[f"{column}_status"].to_numpy()
            if f"{column}_status" in inputs
            else np.full(len(inputs), "missing", dtype=object)
        )
        for row in np.flatnonzero(np.isnan(values)):
            note = f"{column}:{states[row]}"
            if column in RULE_COLUMNS:
                flags[row] = note if not flags[row] else f"{flags[row]};{note}"
            else:
                status[row] = note if status[row] == "ok" else f"{status[row]};{note}"
        # a column the inputs do not have at all, counted as zero (e.g. horses)
        for row in np.flatnonzero(~np.isnan(values) & (states == "absent")):
            note = f"{column}:absent"
            flags[row] = note if not flags[row] else f"{flags[row]};{note}"
    return status, flags


def _totals(long: pd.DataFrame) -> pd.DataFrame:
    keys = [long["unit"], long["potential_level"]]
    grouped = long.groupby(keys, sort=False)
    numbers = ["mass_t", "fuel_mwh", *OUTPUTS, "used_fuel_mwh", "unused_fuel_mwh"]
    sums = grouped[numbers].sum(min_count=1)
    missing_fuel = long["fuel_mwh"].isna()
    any_missing = missing_fuel.groupby(keys, sort=False).any().reindex(sums.index)
    sums.loc[any_missing.to_numpy(), ["mass_t", "fuel_mwh", *OUTPUTS]] = np.nan
    unknown_use = long["used_fuel_mwh"].isna().groupby(keys, sort=False).any()
    unknown = (any_missing | unknown_use.reindex(sums.index)).to_numpy()
    sums.loc[unknown, ["used_fuel_mwh", "unused_fuel_mwh"]] = np.nan
    gaps = long[missing_fuel]
    names = gaps.groupby([gaps["unit"], gaps["potential_level"]], sort=False)["feedstock"].agg(
        lambda s: ";".join(sorted(set(s)))
    )
    missing = names.reindex(sums.index).fillna("")
    overused = long["overused"].astype(bool).groupby(keys, sort=False).any()
    sums = sums.reset_index()
    sums["feedstock"] = "total"
    sums["path"] = "all"
    pairs = pd.MultiIndex.from_frame(sums[["unit", "potential_level"]])
    sums["overused"] = overused.reindex(pairs).to_numpy(bool)
    sums["status"] = [f"incomplete:{m}" if m else "ok" for m in missing]
    flags = long.groupby("unit", sort=False)["flags"].agg(_joined)  # equal on every level
    sums["flags"] = sums["unit"].map(flags)
    sums["assumptions"] = _joined(pd.Series(long["assumptions"].unique()))
    return sums


def _joined(texts: pd.Series) -> str:
    return ";".join(sorted({a for text in texts.dropna() for a in str(text).split(";") if a}))


def wide_summary(potential: pd.DataFrame, *, potential_level: str = "sustainable") -> pd.DataFrame:
    """Return unit × feedstock fuel (MWh/a) at one potential level, plus net outputs."""
    rows = potential[potential["potential_level"] == potential_level]
    table = rows.pivot(index="unit", columns="feedstock", values="fuel_mwh")
    totals = rows[rows["feedstock"] == "total"].set_index("unit")
    for column in (
        "electricity_mwh",
        "heat_mwh",
        "biomethane_mwh",
        "used_fuel_mwh",
        "unused_fuel_mwh",
    ):
        table[column] = totals[column]
    return table.loc[list(dict.fromkeys(rows["unit"]))]


def livestock_units(inputs: pd.DataFrame, coefficients: CoefficientSet | None = None) -> pd.Series:
    """Return livestock units (EU key) of dairy cows and pigs, an indicator for manure plants.

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
