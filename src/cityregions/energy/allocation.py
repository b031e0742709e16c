r"""Feedstock logistics: which tonnes of which feedstock go to which conversion site.

The allocation is a linear programme over **tonnes of feedstock** (never over MWh of
heat): feedstock :math:`f` available in unit :math:`i` (its supply for new uses,
:math:`a_{fi}` t/a) is hauled to a candidate conversion site :math:`k` — by default the
seat of every unit, or given sites with capacities — and converted there along its path
(:mod:`cityregions.energy.conversion`). Electricity and biomethane go into the grids;
heat is used only within the site's own unit, up to the heat that unit can take
(:math:`H_U`, the cover share times its open heat demand, see
:mod:`cityregions.energy.balance`). So no MWh of heat crosses a unit border.

.. math::

    \min \sum_{fik} (c^{fix}_f + c^{var}_f d_{ik}) x_{fik} + M \sum_{fi} e_f u_{fi}
    \quad\text{s.t.}\quad
    \sum_k x_{fik} + u_{fi} = a_{fi}, \quad
    \sum_{fi} e_f x_{fik} \le C_k, \quad
    \sum_{k \in U} \sum_{f \in solid, i} \eta_b e_f x_{fik} \le H_U, \quad x, u \ge 0,

with energy density :math:`e_f` (MWh/t), transport cost per tonne
:math:`c^{fix}_f + c^{var}_f d` (wet feedstocks: the slurry truck function
7.65 + 0.096 d €/t; straw and wood chips 0.64 €/(t·km), JRC), road distance
:math:`d_{ik}` = road-distance factor (1.3) × great-circle distance between the unit's
seat and the site, and arcs longer than the feedstock's maximum haul left out. Within a
site's own unit the haul is the mean distance of a point of a disc of the unit's area to
its centre, :math:`\tfrac{2}{3}\sqrt{A/\pi}` (× the road factor). The heat constraint
binds only boilers (heat-only plants, ``solid_path = "boiler"``): their fuel is useful
only where heat is used. The penalty :math:`M` per MWh left unused exceeds every
transport cost per MWh, so the programme first uses as much feedstock as the caps allow
and then minimises the cost of hauling it. CHP heat is used after boiler heat, up to
:math:`H_U`; the rest is reported as unused heat.

References
----------
Hitchcock (1941), The distribution of a product from several sources to numerous
localities, J. Math. Phys. 20; SciPy ``linprog`` (HiGHS); transport costs and caps:
``bioenergy-economics.md`` sections 1.1-1.4 (LWK Niedersachsen 2014; JRC EUR 27575;
Wang et al. 2024; Erdmann & Zweifel 2010).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from cityregions._errors import InputError
from cityregions.energy.conversion import KINDS, OUTPUTS, convert, path_of
from cityregions.energy.costs import site_costs
from cityregions.energy.ghg import site_ghg
from cityregions.energy.potential import DENSITY
from cityregions.territory import haversine_km

logger = logging.getLogger(__name__)

#: Feedstocks hauled to conversion sites (sewage gas is converted at its treatment plant).
HAULED = tuple(f for f in DENSITY)
FLOW_COLUMNS = [
    "feedstock",
    "origin",
    "site",
    "site_unit",
    "path",
    "tonnes",
    "fuel_mwh",
    "distance_km",
    "tkm",
    "transport_eur",
    "feedstock_eur",
    "cross_unit",
    "origin_region",
    "site_region",
    "cross_region",
]


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate_feedstock`.

    Attributes
    ----------
    flows
        One row per used arc (:data:`FLOW_COLUMNS`): tonnes and fuel per feedstock,
        origin unit and site, road km, t·km, transport and feedstock cost (€/a).
    sites
        Per site: unit, fuel per path, net electricity, heat produced / used / unused,
        biomethane, tonnes and costs.
    unallocated
        Feedstock left where it is: unit, feedstock, tonnes, fuel and the reason
        (``beyond_distance_cap`` or ``no_heat_use_or_capacity``).
    summary
        Totals: tonnes, t·km, fuel, energy per carrier, transport cost, ….
    """

    flows: pd.DataFrame
    sites: pd.DataFrame
    unallocated: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def seat_sites(seats: pd.DataFrame) -> pd.DataFrame:
    """Return one candidate site per unit at its seat (site id = unit id, no capacity).

    Parameters
    ----------
    seats
        Indexed by unit with ``lon``, ``lat``.
    """
    sites = pd.DataFrame(
        {
            "unit": seats.index.astype(str),
            "lon": seats["lon"].to_numpy(dtype=float),
            "lat": seats["lat"].to_numpy(dtype=float),
            "capacity_mwh": np.nan,
        },
        index=pd.Index(seats.index.astype(str), name="site"),
    )
    return sites


def haul_km(seats: pd.DataFrame, sites: pd.DataFrame, *, road_factor: float) -> pd.DataFrame:
    r"""Return road distances (km) from every unit's feedstock to every site.

    Between units: road factor × great-circle distance from the unit's seat to the site.
    To a site in the unit itself: road factor × the mean distance of a point of a disc of
    the unit's area to its centre, :math:`\tfrac{2}{3}\sqrt{A/\pi}` (the seat distance
    to the site when the area is unknown).

    Parameters
    ----------
    seats
        Indexed by unit: ``lon``, ``lat`` and optionally ``area_km2``.
    sites
        Indexed by site: ``unit``, ``lon``, ``lat``.
    road_factor
        Road distance per straight-line distance.

    Examples
    --------
    >>> seats = pd.DataFrame({"lon": [13.0, 13.0], "lat": [51.0, 52.0],
    ...     "area_km2": [math.pi * 9, 1.0]}, index=["a", "b"])
    >>> km = haul_km(seats, seat_sites(seats), road_factor=1.0)
    >>> round(float(km.loc["a", "a"]), 6), round(float(km.loc["a", "b"]), 1)
    (2.0, 111.2)
    """
    lon1, lat1 = (
        np.radians(seats["lon"].to_numpy(dtype=float)),
        np.radians(seats["lat"].to_numpy(dtype=float)),
    )
    lon2, lat2 = (
        np.radians(sites["lon"].to_numpy(dtype=float)),
        np.radians(sites["lat"].to_numpy(dtype=float)),
    )
    km = haversine_km(lon1[:, None], lat1[:, None], lon2[None, :], lat2[None, :])
    area = (
        seats["area_km2"].to_numpy(dtype=float)
        if "area_km2" in seats
        else np.full(len(seats), np.nan)
    )
    disc = 2.0 / 3.0 * np.sqrt(area / math.pi)
    own = np.equal.outer(seats.index.astype(str).to_numpy(), sites["unit"].astype(str).to_numpy())
    km = np.where(own & ~np.isnan(disc)[:, None], disc[:, None], km)
    return pd.DataFrame(km * road_factor, index=seats.index.astype(str), columns=sites.index)


def transport_cost(feedstock: str, km: Any, values: Mapping[str, float]) -> Any:
    """Return the cost (€/t) of hauling one tonne of ``feedstock`` over ``km`` of road."""
    kind = "solid" if KINDS[feedstock] == "solid" else "wet"
    return values[f"{kind}_transport_fixed"] + values[f"{kind}_transport_variable"] * km


def max_haul_km(feedstock: str, values: Mapping[str, float]) -> float:
    """Return the maximum haul of ``feedstock`` (km; infinite when NOT FOUND)."""
    cap = values.get(f"max_distance_{feedstock}", math.nan)
    return math.inf if math.isnan(cap) else float(cap)


def allocate_feedstock(
    supply: pd.DataFrame,
    sites: pd.DataFrame,
    km: pd.DataFrame,
    heat_room: pd.Series,
    values: Mapping[str, float],
    *,
    biogas_path: str = "biogas_chp",
    solid_path: str = "boiler",
    labels: pd.Series | None = None,
) -> Allocation:
    """Allocate the feedstock supply for new uses to conversion sites at least cost.

    Parameters
    ----------
    supply
        Long table ``unit, feedstock, fuel_mwh`` (the supply for new uses, e.g. the
        ``unused_fuel_mwh`` of the potential); sewage gas is converted at its unit.
    sites
        Candidate sites indexed by site: ``unit``, ``lon``, ``lat``, ``capacity_mwh``
        (fuel per year; NaN = unbounded).
    km
        Road distances unit × site (:func:`haul_km`).
    heat_room
        Heat (MWh/a) each unit can use (cover share × open heat demand).
    values
        Coefficient values.
    biogas_path, solid_path
        Conversion paths (:mod:`cityregions.energy.conversion`).
    labels
        Region per unit, to mark flows across region borders.

    Returns
    -------
    Allocation

    Raises
    ------
    InputError
        If a site's unit or a unit's distances are unknown, or the programme fails.
    """
    regions = labels if labels is not None else pd.Series(dtype=object)
    supply = supply[supply["fuel_mwh"].fillna(0.0) > 0].copy()
    hauled = supply[supply["feedstock"].isin(HAULED)].reset_index(drop=True)
    hauled["tonnes"] = [
        fuel / DENSITY[f](values)
        for f, fuel in zip(hauled["feedstock"], hauled["fuel_mwh"], strict=True)
    ]
    unknown = sorted(set(hauled["unit"]) - set(km.index))
    if unknown:
        msg = f"no haul distances for unit(s) {unknown[:5]}"
        raise InputError(msg, field="units")
    arcs = _arcs(hauled, sites, km, values)
    x, left = _solve(hauled, arcs, sites, heat_room, values, solid_path=solid_path)
    flows = _flows(hauled, arcs, x, sites, values, biogas_path, solid_path, regions)
    flows = pd.concat([flows, _sewage_flows(supply, sites, regions)], ignore_index=True)
    unallocated = _unallocated(hauled, arcs, left)
    site_table = site_ghg(
        site_costs(_sites(flows, sites, heat_room, values, regions), values), values
    )
    return Allocation(
        flows=flows,
        sites=site_table,
        unallocated=unallocated,
        summary=_summary(flows, site_table, hauled, unallocated),
    )


def _arcs(
    hauled: pd.DataFrame, sites: pd.DataFrame, km: pd.DataFrame, values: Mapping[str, float]
) -> pd.DataFrame:
    """All allowed (supply row, site) pairs within the feedstock's maximum haul."""
    site_ids = sites.index.to_numpy()
    block = km.reindex(columns=site_ids).to_numpy(dtype=float)
    position = {u: k for k, u in enumerate(km.index)}
    rows, cols, dist = [], [], []
    for r, (unit, feedstock) in enumerate(zip(hauled["unit"], hauled["feedstock"], strict=True)):
        d = block[position[unit]]
        ok = np.flatnonzero(d <= max_haul_km(feedstock, values) + 1e-9)
        rows.extend([r] * len(ok))
        cols.extend(ok.tolist())
        dist.extend(d[ok].tolist())
    return pd.DataFrame(
        {
            "row": np.asarray(rows, dtype=np.int64),
            "col": np.asarray(cols, dtype=np.int64),
            "distance_km": np.asarray(dist, dtype=float),
        }
    )


def _solve(
    hauled: pd.DataFrame,
    arcs: pd.DataFrame,
    sites: pd.DataFrame,
    heat_room: pd.Series,
    values: Mapping[str, float],
    *,
    solid_path: str,
) -> tuple[np.ndarray, np.ndarray]:
    n_rows, n_arcs = len(hauled), len(arcs)
    if n_rows == 0:
        return np.zeros(0), np.zeros(0)
    feed = hauled["feedstock"].to_numpy()
    density = np.array([DENSITY[f](values) for f in feed])
    arc_feed = feed[arcs["row"].to_numpy()] if n_arcs else np.array([], dtype=object)
    cost = np.array(
        [transport_cost(f, d, values) for f, d in zip(arc_feed, arcs["distance_km"], strict=True)]
    )
    per_mwh = cost / density[arcs["row"].to_numpy()] if n_arcs else np.zeros(0)
    penalty = 10.0 * (float(per_mwh.max()) if n_arcs else 1.0) + 10.0
    c = np.concatenate([cost, penalty * density])
    a_eq = sp.csr_array(
        (
            np.ones(n_arcs + n_rows),
            (
                np.concatenate([arcs["row"].to_numpy(), np.arange(n_rows)]),
                np.arange(n_arcs + n_rows),
            ),
        ),
        shape=(n_rows, n_arcs + n_rows),
    )
    a_ub, b_ub = _inequalities(hauled, arcs, sites, heat_room, values, density, solid_path)
    solver: Any = linprog
    result = solver(
        c,
        A_ub=a_ub if a_ub is not None else None,
        b_ub=b_ub if a_ub is not None else None,
        A_eq=a_eq,
        b_eq=hauled["tonnes"].to_numpy(dtype=float),
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        msg = f"feedstock allocation not solved: {result.message}"
        raise InputError(msg, field="allocation")
    return np.asarray(result.x[:n_arcs]), np.asarray(result.x[n_arcs:])


def _inequalities(
    hauled: pd.DataFrame,
    arcs: pd.DataFrame,
    sites: pd.DataFrame,
    heat_room: pd.Series,
    values: Mapping[str, float],
    density: np.ndarray,
    solid_path: str,
) -> tuple[Any, np.ndarray]:
    """Site capacities (MWh fuel) and, for boilers, the heat each unit can use."""
    n_cols = len(arcs) + len(hauled)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    data: list[np.ndarray] = []
    bounds: list[float] = []
    energy = density[arcs["row"].to_numpy()]
    capacity = sites["capacity_mwh"].to_numpy(dtype=float)
    for k in np.flatnonzero(~np.isnan(capacity)):
        mine = np.flatnonzero(arcs["col"].to_numpy() == k)
        rows.append(np.full(len(mine), len(bounds)))
        cols.append(mine)
        data.append(energy[mine])
        bounds.append(float(capacity[k]))
    if solid_path == "boiler":
        solid = np.array([KINDS[f] == "solid" for f in hauled["feedstock"]])[arcs["row"].to_numpy()]
        site_unit = sites["unit"].astype(str).to_numpy()[arcs["col"].to_numpy()]
        for unit in sorted(set(site_unit[solid])):
            mine = np.flatnonzero(solid & (site_unit == unit))
            rows.append(np.full(len(mine), len(bounds)))
            cols.append(mine)
            data.append(energy[mine] * values["solid_boiler_eta"])
            bounds.append(max(float(heat_room.get(unit, 0.0)), 0.0))
    if not bounds:
        return None, np.zeros(0)
    matrix = sp.csr_array(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(bounds), n_cols),
    )
    return matrix, np.array(bounds)


def _flows(
    hauled: pd.DataFrame,
    arcs: pd.DataFrame,
    x: np.ndarray,
    sites: pd.DataFrame,
    values: Mapping[str, float],
    biogas_path: str,
    solid_path: str,
    regions: pd.Series,
) -> pd.DataFrame:
    used = x > 1e-9 * max(1.0, float(hauled["tonnes"].max()) if len(hauled) else 1.0)
    picked = arcs[used].assign(tonnes=x[used])
    if picked.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    source = hauled.iloc[picked["row"].to_numpy()].reset_index(drop=True)
    flows = pd.DataFrame(
        {
            "feedstock": source["feedstock"].to_numpy(),
            "origin": source["unit"].astype(str).to_numpy(),
            "site": sites.index.to_numpy()[picked["col"].to_numpy()],
            "site_unit": sites["unit"].astype(str).to_numpy()[picked["col"].to_numpy()],
            "tonnes": picked["tonnes"].to_numpy(),
            "distance_km": picked["distance_km"].to_numpy(),
        }
    )
    flows["path"] = [
        path_of(f, biogas_path=biogas_path, solid_path=solid_path) for f in flows["feedstock"]
    ]
    flows["fuel_mwh"] = [
        t * DENSITY[f](values) for f, t in zip(flows["feedstock"], flows["tonnes"], strict=True)
    ]
    flows["tkm"] = flows["tonnes"] * flows["distance_km"]
    flows["transport_eur"] = [
        t * transport_cost(f, d, values)
        for f, t, d in zip(flows["feedstock"], flows["tonnes"], flows["distance_km"], strict=True)
    ]
    flows["feedstock_eur"] = [
        feedstock_cost(f, t, m, values)
        for f, t, m in zip(flows["feedstock"], flows["tonnes"], flows["fuel_mwh"], strict=True)
    ]
    return _with_regions(flows, regions)


def _sewage_flows(supply: pd.DataFrame, sites: pd.DataFrame, regions: pd.Series) -> pd.DataFrame:
    """Sewage gas not yet used, converted at its unit's treatment plant (site ``wwtp-<unit>``)."""
    sewage = supply[supply["feedstock"] == "sewage_gas"]
    if sewage.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    flows = pd.DataFrame(
        {
            "feedstock": "sewage_gas",
            "origin": sewage["unit"].astype(str).to_numpy(),
            "site": [f"wwtp-{u}" for u in sewage["unit"]],
            "site_unit": sewage["unit"].astype(str).to_numpy(),
            "path": "biogas_chp",
            "tonnes": np.nan,
            "fuel_mwh": sewage["fuel_mwh"].to_numpy(dtype=float),
            "distance_km": 0.0,
            "tkm": 0.0,
            "transport_eur": 0.0,
            "feedstock_eur": 0.0,
        }
    )
    return _with_regions(flows, regions)


def _with_regions(flows: pd.DataFrame, regions: pd.Series) -> pd.DataFrame:
    flows["cross_unit"] = flows["origin"] != flows["site_unit"]
    flows["origin_region"] = flows["origin"].map(regions)
    flows["site_region"] = flows["site_unit"].map(regions)
    flows["cross_region"] = flows["cross_unit"] & (
        flows["origin_region"].astype(object) != flows["site_region"].astype(object)
    )
    return flows[FLOW_COLUMNS]


#: Feedstock → (price coefficient, sign, per ``t`` or per ``mwh``).
PRICES: dict[str, tuple[str, float, str]] = {
    "silage_maize": ("silage_maize_price", 1.0, "t"),
    "grass_silage": ("grass_silage_price", 1.0, "t"),
    "cereal_straw": ("straw_price", 1.0, "t"),
    "cattle_slurry": ("manure_price", 1.0, "mwh"),
    "pig_slurry": ("manure_price", 1.0, "mwh"),
    "solid_cattle_manure": ("manure_price", 1.0, "mwh"),
    "poultry_manure": ("manure_price", 1.0, "mwh"),
    "horse_manure": ("manure_price", 1.0, "mwh"),
    "forest_residues": ("forest_chips_price", 1.0, "mwh"),
    "biowaste": ("biowaste_gate_fee", -1.0, "t"),
}


def feedstock_cost(
    feedstock: str, tonnes: float, fuel_mwh: float, values: Mapping[str, float]
) -> float:
    """Return what ``tonnes`` (or ``fuel_mwh``) of ``feedstock`` cost (€/a; NaN if no price)."""
    if feedstock not in PRICES:
        return 0.0
    name, sign, basis = PRICES[feedstock]
    amount = tonnes if basis == "t" else fuel_mwh
    return sign * values[name] * amount


def _unallocated(hauled: pd.DataFrame, arcs: pd.DataFrame, left: np.ndarray) -> pd.DataFrame:
    reachable = set(arcs["row"].tolist())
    table = hauled.assign(tonnes_left=left)
    table = table[table["tonnes_left"] > 1e-6 * table["tonnes"].clip(lower=1.0)]
    out = pd.DataFrame(
        {
            "unit": table["unit"].astype(str).to_numpy(),
            "feedstock": table["feedstock"].to_numpy(),
            "tonnes": table["tonnes_left"].to_numpy(),
            "fuel_mwh": (table["tonnes_left"] / table["tonnes"] * table["fuel_mwh"]).to_numpy(),
            "reason": [
                "no_heat_use_or_capacity" if r in reachable else "beyond_distance_cap"
                for r in table.index
            ],
        }
    )
    return out.sort_values(["unit", "feedstock"], kind="stable").reset_index(drop=True)


def _sites(
    flows: pd.DataFrame,
    sites: pd.DataFrame,
    heat_room: pd.Series,
    values: Mapping[str, float],
    regions: pd.Series,
) -> pd.DataFrame:
    """Per site: fuel per path, outputs, heat used within the site's unit, costs of haul."""
    columns = [
        "site",
        "unit",
        "path",
        "fuel_mwh",
        "tonnes",
        "transport_eur",
        "feedstock_eur",
        "price_not_found",
        *OUTPUTS,
        "heat_used_mwh",
        "heat_unused_mwh",
    ]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    flows = flows.assign(price_not_found=flows["feedstock_eur"].isna())
    grouped = flows.groupby(["site", "site_unit", "path"], sort=True)
    table = (
        grouped.agg(
            fuel_mwh=("fuel_mwh", "sum"),
            tonnes=("tonnes", "sum"),
            transport_eur=("transport_eur", "sum"),
            feedstock_eur=("feedstock_eur", lambda s: float(s.sum())),
            price_not_found=("price_not_found", "any"),
        )
        .reset_index()
        .rename(columns={"site_unit": "unit"})
    )
    for output in OUTPUTS:
        table[output] = [
            float(convert(fuel, path, values)[output])
            for fuel, path in zip(table["fuel_mwh"], table["path"], strict=True)
        ]
    table["heat_used_mwh"] = 0.0
    for unit, rows in table.groupby("unit", sort=True):
        room = max(float(heat_room.get(unit, 0.0)), 0.0)
        boiler = rows["path"] == "boiler"
        table.loc[rows.index[boiler], "heat_used_mwh"] = rows.loc[boiler, "heat_mwh"]
        room = max(room - float(rows.loc[boiler, "heat_mwh"].sum()), 0.0)
        chp_heat = rows.loc[~boiler, "heat_mwh"]
        total = float(chp_heat.sum())
        if total > 0:
            table.loc[chp_heat.index, "heat_used_mwh"] = chp_heat * min(room / total, 1.0)
    table["heat_unused_mwh"] = table["heat_mwh"] - table["heat_used_mwh"]
    table["region"] = table["unit"].map(regions)
    return table


def _summary(
    flows: pd.DataFrame, sites: pd.DataFrame, hauled: pd.DataFrame, unallocated: pd.DataFrame
) -> dict[str, Any]:
    """Totals of an allocation (energies MWh/a, costs €/a, emissions t CO₂eq/a)."""
    moved = flows[flows["feedstock"] != "sewage_gas"]
    available = float(hauled["fuel_mwh"].sum())
    delivered = float(moved["fuel_mwh"].sum())
    costs = sites["annual_cost_eur"] if "annual_cost_eur" in sites else pd.Series(dtype=float)
    return {
        "tonnes_hauled": float(moved["tonnes"].sum()),
        "tkm": float(moved["tkm"].sum()),
        "mean_haul_km": float(moved["tkm"].sum() / moved["tonnes"].sum())
        if float(moved["tonnes"].sum()) > 0
        else float("nan"),
        "fuel_available_mwh": available,
        "fuel_hauled_mwh": delivered,
        "share_allocated": delivered / available if available > 0 else float("nan"),
        "fuel_beyond_cap_mwh": float(
            unallocated.loc[unallocated["reason"] == "beyond_distance_cap", "fuel_mwh"].sum()
        ),
        "fuel_without_heat_use_mwh": float(
            unallocated.loc[unallocated["reason"] == "no_heat_use_or_capacity", "fuel_mwh"].sum()
        ),
        "tonnes_across_units": float(moved.loc[moved["cross_unit"], "tonnes"].sum()),
        "tonnes_across_regions": float(
            moved.loc[moved["cross_region"].astype(bool), "tonnes"].sum()
        ),
        "electricity_mwh": float(sites["electricity_mwh"].sum()) if len(sites) else 0.0,
        "heat_used_mwh": float(sites["heat_used_mwh"].sum()) if len(sites) else 0.0,
        "heat_unused_mwh": float(sites["heat_unused_mwh"].sum()) if len(sites) else 0.0,
        "biomethane_mwh": float(sites["biomethane_mwh"].sum()) if len(sites) else 0.0,
        "transport_eur": float(moved["transport_eur"].sum()),
        "feedstock_eur": float(moved["feedstock_eur"].sum()),
        "annual_cost_eur": float(costs.sum(skipna=False)) if len(costs) else float("nan"),
        "annual_cost_known_eur": float(costs.sum()) if len(costs) else 0.0,
        "cost_complete": bool(
            len(sites) and (sites["cost_status"].isin(["ok", "existing plant"])).all()
        ),
        "ghg_fossil_avoided_t": float(sites["ghg_fossil_avoided_t"].sum()) if len(sites) else 0.0,
        "ghg_saving_t": float(sites["ghg_saving_t"].sum(skipna=False)) if len(sites) else 0.0,
        "ghg_saving_known_t": float(sites["ghg_saving_t"].sum()) if len(sites) else 0.0,
    }
