"""Allocate rural bioenergy surpluses to urban deficits: a transport problem.

Suppliers are units with a surplus :math:`s_i > 0`, sinks the cores with a deficit
:math:`d_j > 0` (or every deficit unit with ``sinks="deficits"``). The flows
:math:`x_{ij} \\ge 0` (MWh/a of the balance carrier; the biomass behind it is what
travels) solve

.. math::

    \\min \\sum_{ij} c_{ij} x_{ij} + M \\sum_j u_j \\quad \\text{s.t.} \\quad
    \\sum_j x_{ij} \\le s_i, \\quad \\sum_i x_{ij} + u_j = d_j, \\quad x, u \\ge 0,

with :math:`c_{ij}` the great-circle distance between the unit seats in km
(:meth:`~cityregions.Territory.seat_distances_km`) and :math:`u_j` the unmet deficit.
The penalty :math:`M = (\\min(n_s, n_d) + 1) \\max c + 1` exceeds the cost of any
augmenting path, so the solution first covers as much deficit as possible and then
minimises MWh·km. Arcs longer than ``max_distance_km`` (e.g. the ~20 km economic radius
for biogas substrates) are left out. ``scope`` restricts arcs to suppliers and sinks of
the same city region (``within``), allows all (``across``) or solves within regions
first and lets the rest cross region borders (``within_first``).

References
----------
Hitchcock (1941), The distribution of a product from several sources to numerous
localities, J. Math. Phys. 20; SciPy ``linprog`` (HiGHS).

Examples
--------
>>> balance = pd.DataFrame(
...     {"surplus_mwh": [0.0, 60.0, 80.0], "deficit_mwh": [100.0, 0.0, 0.0]},
...     index=pd.Index(["A", "B", "C"], name="unit"),
... )
>>> ids = list("ABC")
>>> km = pd.DataFrame([[0, 10, 20], [10, 0, 15], [20, 15, 0]], index=ids, columns=ids)
>>> result = allocate_surplus(balance, km, sinks="deficits")
>>> result.flows[["supplier", "sink", "mwh"]].values.tolist()
[['B', 'A', 60.0], ['C', 'A', 40.0]]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from cityregions._errors import InputError

logger = logging.getLogger(__name__)

SCOPES = ("within_first", "within", "across")
SINKS = ("cores", "deficits")
FLOW_COLUMNS = [
    "supplier",
    "sink",
    "supplier_region",
    "sink_region",
    "mwh",
    "distance_km",
    "mwh_km",
    "cross_region",
]


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate_surplus`.

    Attributes
    ----------
    flows
        One row per used arc: supplier, sink, regions, MWh/a, km, MWh·km, cross_region.
    sinks
        Per sink: deficit, received, share covered.
    suppliers
        Per supplier: surplus, sent, left over.
    summary
        Totals: deficit, supplied, share covered, MWh·km, mean distance.
    """

    flows: pd.DataFrame
    sinks: pd.DataFrame
    suppliers: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def seat_distance_table(territory: Any) -> pd.DataFrame:
    """Return the labelled seat-distance matrix (km) of a :class:`~cityregions.Territory`."""
    ids = territory.ids
    return pd.DataFrame(territory.seat_distances_km(), index=ids, columns=ids)


def allocate_surplus(
    balance: pd.DataFrame,
    distances_km: pd.DataFrame,
    labels: pd.Series | None = None,
    *,
    sinks: str = "cores",
    scope: str = "within_first",
    max_distance_km: float | None = None,
    is_core: pd.Series | None = None,
) -> Allocation:
    """Allocate surpluses to deficits at least transport distance.

    Parameters
    ----------
    balance
        Per-unit balance with ``surplus_mwh`` and ``deficit_mwh`` (NaN rows are skipped).
    distances_km
        Distances between unit seats, labelled by unit id on both axes.
    labels
        Region per unit (default: every unit its own region).
    sinks
        ``cores`` (default; needs ``is_core``, else every region's deficit units) or
        ``deficits`` (every unit with a deficit).
    scope
        ``within_first``, ``within`` or ``across`` (see module docstring).
    max_distance_km
        Leave out arcs longer than this.
    is_core
        Boolean Series unit → core (:func:`~cityregions.energy.balance.core_units`).

    Returns
    -------
    Allocation
    """
    if scope not in SCOPES:
        msg = f"unknown scope '{scope}' (allowed: {', '.join(SCOPES)})"
        raise InputError(msg, field="scope")
    if sinks not in SINKS:
        msg = f"unknown sinks '{sinks}' (allowed: {', '.join(SINKS)})"
        raise InputError(msg, field="sinks")
    table = balance[["surplus_mwh", "deficit_mwh"]].astype(float).dropna()
    ids = sorted(table.index.astype(str))
    table = table.loc[ids]
    missing = [u for u in ids if u not in distances_km.index or u not in distances_km.columns]
    if missing:
        msg = f"no seat distance for unit(s) {missing[:5]}"
        raise InputError(msg, field="distances_km")
    regions = (labels.reindex(ids) if labels is not None else pd.Series(ids, index=ids)).astype(
        object
    )
    regions = regions.where(regions.notna(), pd.Series(ids, index=ids))
    sink_mask = table["deficit_mwh"] > 0
    if sinks == "cores" and is_core is not None:
        sink_mask &= is_core.reindex(ids).fillna(False).astype(bool)
    supply = table.loc[table["surplus_mwh"] > 0, "surplus_mwh"]
    demand = table.loc[sink_mask, "deficit_mwh"]
    km = distances_km.loc[ids, ids].astype(float)
    stages = {"within_first": ["within", "across"], "within": ["within"], "across": ["across"]}
    flows = []
    for stage in stages[scope]:
        stage_flows = _solve(
            supply, demand, km, regions, within=stage == "within", cap=max_distance_km
        )
        if stage_flows.empty:
            continue
        flows.append(stage_flows)
        supply = supply.sub(stage_flows.groupby("supplier")["mwh"].sum(), fill_value=0.0)
        demand = demand.sub(stage_flows.groupby("sink")["mwh"].sum(), fill_value=0.0)
        supply, demand = supply[supply > 1e-9], demand[demand > 1e-9]
    return _result(flows, table, sink_mask, regions)


def _solve(
    supply: pd.Series,
    demand: pd.Series,
    km: pd.DataFrame,
    regions: pd.Series,
    *,
    within: bool,
    cap: float | None,
) -> pd.DataFrame:
    block = km.loc[list(supply.index), list(demand.index)].to_numpy(dtype=float)
    allowed = np.not_equal.outer(supply.index.to_numpy(), demand.index.to_numpy())
    if within:
        allowed &= np.equal.outer(
            regions.reindex(supply.index).to_numpy(), regions.reindex(demand.index).to_numpy()
        )
    if cap is not None:
        allowed &= block <= cap
    rows, cols = np.nonzero(allowed)  # row-major: ordered by supplier, then sink
    arcs = [
        (supply.index[int(r)], demand.index[int(c)], float(block[r, c]))
        for r, c in zip(rows, cols, strict=True)
    ]
    if not arcs:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    sup_pos = {u: k for k, u in enumerate(supply.index)}
    dem_pos = {u: k for k, u in enumerate(demand.index)}
    n_arcs, n_sinks = len(arcs), len(demand)
    cost = np.array([c for _, _, c in arcs])
    penalty = (min(len(supply), n_sinks) + 1) * max(cost.max(), 1.0) + 1.0
    c = np.concatenate([cost, np.full(n_sinks, penalty)])
    rows_ub = [sup_pos[i] for i, _, _ in arcs]
    a_ub = sp.csr_array(
        (np.ones(n_arcs), (rows_ub, np.arange(n_arcs))), shape=(len(supply), n_arcs + n_sinks)
    )
    rows_eq = [dem_pos[j] for _, j, _ in arcs] + list(range(n_sinks))
    cols_eq = list(range(n_arcs)) + list(range(n_arcs, n_arcs + n_sinks))
    a_eq = sp.csr_array(
        (np.ones(len(rows_eq)), (rows_eq, cols_eq)), shape=(n_sinks, n_arcs + n_sinks)
    )
    solver: Any = linprog
    result = solver(
        c,
        A_ub=a_ub,
        b_ub=supply.to_numpy(),
        A_eq=a_eq,
        b_eq=demand.to_numpy(),
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        msg = f"transport problem not solved: {result.message}"
        raise InputError(msg, field="allocation")
    x = result.x[:n_arcs]
    used = x > 1e-6 * max(1.0, float(demand.max()))
    flows = pd.DataFrame(
        {
            "supplier": [arcs[k][0] for k in np.flatnonzero(used)],
            "sink": [arcs[k][1] for k in np.flatnonzero(used)],
            "mwh": x[used],
            "distance_km": cost[used],
        }
    )
    flows["supplier_region"] = flows["supplier"].map(regions)
    flows["sink_region"] = flows["sink"].map(regions)
    flows["mwh_km"] = flows["mwh"] * flows["distance_km"]
    flows["cross_region"] = flows["supplier_region"] != flows["sink_region"]
    return flows[FLOW_COLUMNS]


def _result(
    flows: list[pd.DataFrame], table: pd.DataFrame, sink_mask: pd.Series, regions: pd.Series
) -> Allocation:
    all_flows = pd.concat(flows, ignore_index=True) if flows else pd.DataFrame(columns=FLOW_COLUMNS)
    if not all_flows.empty:
        all_flows = (
            all_flows.groupby(["supplier", "sink"], as_index=False, sort=True)
            .agg(
                supplier_region=("supplier_region", "first"),
                sink_region=("sink_region", "first"),
                mwh=("mwh", "sum"),
                distance_km=("distance_km", "first"),
                cross_region=("cross_region", "first"),
            )
            .assign(mwh_km=lambda f: f["mwh"] * f["distance_km"])[FLOW_COLUMNS]
        )
    received = all_flows.groupby("sink")["mwh"].sum() if len(all_flows) else pd.Series(dtype=float)
    sent = all_flows.groupby("supplier")["mwh"].sum() if len(all_flows) else pd.Series(dtype=float)
    sinks = table.loc[sink_mask, ["deficit_mwh"]].copy()
    sinks["region"] = regions.reindex(sinks.index)
    sinks["received_mwh"] = received.reindex(sinks.index).fillna(0.0)
    sinks["share_covered"] = sinks["received_mwh"] / sinks["deficit_mwh"]
    suppliers = table.loc[table["surplus_mwh"] > 0, ["surplus_mwh"]].copy()
    suppliers["region"] = regions.reindex(suppliers.index)
    suppliers["sent_mwh"] = sent.reindex(suppliers.index).fillna(0.0)
    suppliers["left_mwh"] = suppliers["surplus_mwh"] - suppliers["sent_mwh"]
    total_deficit = float(sinks["deficit_mwh"].sum())
    supplied = float(all_flows["mwh"].sum()) if len(all_flows) else 0.0
    mwh_km = float(all_flows["mwh_km"].sum()) if len(all_flows) else 0.0
    summary = {
        "sinks": len(sinks),
        "suppliers": len(suppliers),
        "total_deficit_mwh": total_deficit,
        "total_surplus_mwh": float(suppliers["surplus_mwh"].sum()),
        "supplied_mwh": supplied,
        "share_covered": supplied / total_deficit if total_deficit > 0 else np.nan,
        "mwh_km": mwh_km,
        "mean_distance_km": mwh_km / supplied if supplied > 0 else np.nan,
        "cross_region_mwh": float(all_flows.loc[all_flows["cross_region"], "mwh"].sum())
        if len(all_flows)
        else 0.0,
    }
    return Allocation(flows=all_flows, sinks=sinks, suppliers=suppliers, summary=summary)
