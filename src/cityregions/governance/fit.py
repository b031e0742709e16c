"""Institutional fit: do cooperation areas match functional city regions?

Inputs are plain data: a :class:`~cityregions.FlowTable` (rows = residence, columns =
workplace, diagonal = people working where they live), functional ``labels`` (a Series
unit → region, NaN for a unit outside every functional region) and cooperation
``areas`` (body id → unit ids, possibly overlapping, e.g.
``registry.as_of(date).areas()``). With flows ``f_ij`` and a unit-to-group assignment:

* **internal flow share** ``Q_int = Σ_{i≠j, same group} f_ij / Σ_{i≠j} f_ij`` (commuting
  between units only). For overlapping areas "same group" means: some area contains both;
* **supply-side self-containment** of area ``A``: ``Σ_{i∈A, j∈A} f_ij / Σ_{i∈A, j} f_ij``
  and **demand-side** ``Σ_{i∈A, j∈A} f_ij / Σ_{i, j∈A} f_ij`` (diagonal included);
* **population coverage** of the functional region ``F`` best matching ``A``:
  ``pop(A ∩ F) / pop(F)``, precision ``pop(A ∩ F) / pop(A)`` and Jaccard;
* **ARI** and **variation of information** between the functional partition and the
  partition induced by the areas (:func:`area_partition`; the treatment of overlaps and
  of units outside every area is a parameter and is reported);
* **modularity** of both partitions on the symmetrised flows without the diagonal.

**Governance gaps** (:func:`governance_gaps`) are unit pairs with strong commuting ties
(flow ≥ ``min_flow`` commuters *and* ≥ ``min_share`` of the origin's out-commuters, in at
least one direction) that share no cooperation area, ranked by the flow between them;
ties crossing a state border are flagged.

References
----------
Young, O. R. (2002). *The Institutional Dimensions of Environmental Change: Fit,
Interplay, and Scale*. MIT Press.
Hubert, L. & Arabie, P. (1985). Comparing partitions. *Journal of Classification* 2,
193–218. Meilă, M. (2007). Comparing clusterings – an information based distance.
*Journal of Multivariate Analysis* 98, 873–895.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import InputError, ParameterError
from cityregions.flows import FlowTable
from cityregions.labels import (
    adjusted_rand_index,
    normalize_labels,
    units_in_both,
    variation_of_information,
)

logger = logging.getLogger(__name__)

Areas = Mapping[str, Iterable[str]]


def _clean_areas(areas: Areas, ids: Iterable[str]) -> dict[str, list[str]]:
    known = set(ids)
    out: dict[str, list[str]] = {}
    for area, units in sorted(areas.items()):
        inside = sorted({str(u) for u in units} & known)
        dropped = {str(u) for u in units} - known
        if dropped:
            logger.info("area %s: units %s are not in the flows and are ignored", area, dropped)
        if inside:
            out[str(area)] = inside
    return out


def area_membership(areas: Areas, ids: Iterable[str]) -> pd.DataFrame:
    """Boolean table unit × area (rows in ``ids`` order, columns sorted by area id)."""
    index = pd.Index([str(i) for i in ids], name="unit")
    clean = _clean_areas(areas, index)
    table = pd.DataFrame(False, index=index, columns=pd.Index(list(clean), name="area"))
    for area, units in clean.items():
        table.loc[units, area] = True
    return table


def area_partition(
    areas: Areas,
    ids: Iterable[str],
    *,
    overlap: Literal["largest", "smallest"] = "largest",
    outside: Literal["singleton", "none"] = "singleton",
) -> pd.Series:
    """Turn (possibly overlapping) areas into a partition ``unit → area``.

    Parameters
    ----------
    areas
        Area id → unit ids.
    ids
        All unit ids.
    overlap
        A unit in several areas goes to the ``largest`` (or ``smallest``) of them by
        number of units; ties by area id.
    outside
        Units in no area become their own region (``singleton``, label ``"-" + unit``)
        or are left out of the returned Series (``none``).
    """
    table = area_membership(areas, ids)
    sizes = table.sum(axis=0)
    ranked = sorted(
        table.columns, key=lambda a: ((-1 if overlap == "largest" else 1) * sizes[a], a)
    )
    labels: dict[str, str] = {}
    for area in reversed(ranked):  # best-ranked area written last
        for unit in table.index[table[area].to_numpy()]:
            labels[unit] = area
    out = pd.Series(labels, dtype=object).reindex(table.index)
    if outside == "singleton":
        filled = [label if isinstance(label, str) else "-" + unit for unit, label in out.items()]
        return pd.Series(filled, index=table.index, name="region", dtype=object)
    return out.dropna().rename("region")


def _off_diagonal(flows: FlowTable) -> sp.csr_array:
    matrix = sp.csr_array(flows.matrix, copy=True)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    return matrix


def internal_flow_share(flows: FlowTable, groups: pd.Series | Areas) -> float:
    """Share of commuting between units that stays inside a group (``Q_int``).

    Parameters
    ----------
    flows
        Commuter flows; the diagonal is left out.
    groups
        A partition (Series unit → group) or overlapping areas (mapping area → units);
        for areas a flow counts as inside if any area contains both ends.

    Returns
    -------
    float
        ``Q_int`` in [0, 1]; NaN when there is no commuting between units.

    Notes
    -----
    ``Q_int = Σ_{i≠j, C(i)=C(j)} f_ij / Σ_{i≠j} f_ij``

    with ``C(i) = C(j)`` read as "some area contains both ``i`` and ``j``" for areas
    (governance-methods note, section 3.3; its worked example gives 175/190 = 0.9211
    for the functional and 145/190 = 0.7632 for the institutional partition).
    """
    matrix = _off_diagonal(flows).tocoo()
    total = float(matrix.sum())
    if total == 0:
        return math.nan
    same = _same_group(flows, groups)
    inside = same[matrix.row, matrix.col]
    return float(matrix.data[np.asarray(inside).ravel()].sum() / total)


def _same_group(flows: FlowTable, groups: pd.Series | Areas) -> sp.csr_array:
    """Sparse boolean unit × unit: True if both units share a group/area."""
    n = len(flows.ids)
    if isinstance(groups, pd.Series):
        aligned = groups.reindex(pd.Index(flows.ids)).astype(object)
        codes = pd.Series(pd.factorize(aligned, use_na_sentinel=True)[0])
        rows = np.arange(n)[codes.to_numpy() >= 0]
        member = sp.csr_array(
            (np.ones(len(rows)), (rows, codes.to_numpy()[rows])), shape=(n, max(codes.max() + 1, 1))
        )
    else:
        table = area_membership(groups, flows.ids)
        member = (
            sp.csr_array(table.to_numpy(dtype=float)) if table.shape[1] else sp.csr_array((n, 1))
        )
    return sp.csr_array((member @ member.T) > 0)


def self_containment(flows: FlowTable, units: Iterable[str]) -> tuple[float, float]:
    """Supply- and demand-side self-containment of the area ``units`` (diagonal included).

    Returns
    -------
    tuple of float
        ``(SC_supply, SC_demand)``; NaN where the denominator is zero.

    Raises
    ------
    InputError
        If ``units`` names a unit that is not in ``flows``.

    Notes
    -----
    ``SC_supply(A) = Σ_{i∈A, j∈A} f_ij / Σ_{i∈A} R_i`` and
    ``SC_demand(A) = Σ_{i∈A, j∈A} f_ij / Σ_{j∈A} W_j``

    with ``R_i`` and ``W_j`` the complete residents and jobs
    (:meth:`~cityregions.flows.FlowTable.residents`: the row and column sums plus the
    flows beyond the table when the table knows them)

    (residents who work inside; jobs filled from inside), as in the travel-to-work-area
    criteria of Coombes & Bond (2008) and the governance-methods note, section 3.3.
    """
    codes = flows.index.get_indexer(pd.Index([str(u) for u in units]))
    if (codes < 0).any():
        msg = "area names units that are not in the flows"
        raise InputError(msg, source=flows.source or "flows", field="unit")
    inside = float(flows.matrix[codes][:, codes].sum())
    # complete totals: flows beyond the table count (FlowTable.residents / jobs)
    supply = float(flows.residents().to_numpy()[codes].sum())
    demand = float(flows.jobs().to_numpy()[codes].sum())
    return (
        inside / supply if supply else math.nan,
        inside / demand if demand else math.nan,
    )


def modularity(flows: FlowTable, labels: pd.Series) -> float:
    """Newman modularity of ``labels`` on the symmetrised flows without the diagonal.

    ``Q = (1/2m) Σ_ij [A_ij − k_i k_j / (2m)] δ(C(i), C(j))`` with ``A = F + Fᵀ``.
    """
    matrix = _off_diagonal(flows)
    sym = sp.coo_array(matrix + matrix.T)
    graph = nx.Graph()
    graph.add_nodes_from(flows.ids)
    for i, j, w in zip(sym.row, sym.col, sym.data, strict=True):
        if i < j:
            graph.add_edge(flows.ids[i], flows.ids[j], weight=float(w))
    aligned = labels.reindex(pd.Index(flows.ids))
    communities: dict[str, list[str]] = {}
    for unit, label in aligned.items():
        key = str(label) if pd.notna(label) else "-" + str(unit)
        communities.setdefault(key, []).append(str(unit))
    return _modularity(graph, list(communities.values()))


def _modularity(graph: nx.Graph, communities: list[list[str]]) -> float:
    """``networkx.community.modularity`` with every sum taken in the order of the units.

    networkx sums the weights of each community in the order of a set of unit ids, so
    with non-integer flows the last digits would follow ``PYTHONHASHSEED``. Each
    internal tie is counted once, as networkx counts it.
    """
    degree = dict(graph.degree(weight="weight"))
    deg_sum = sum(degree.values())
    m, norm = deg_sum / 2, 1 / deg_sum**2
    total = 0.0
    for community in communities:
        position = {u: i for i, u in enumerate(community)}
        internal = sum(  # each tie once: from the unit that comes first
            data.get("weight", 1)
            for i, u in enumerate(community)
            for v, data in graph[u].items()
            if position.get(v, -1) >= i
        )
        strength = sum(degree[u] for u in community)
        total += internal / m - strength * strength * norm
    return float(total)


def _population(flows: FlowTable, population: pd.Series | None) -> pd.Series:
    if population is None:
        return flows.residents().astype(float)
    return population.reindex(flows.index).astype(float).fillna(0.0)


def area_fit(
    flows: FlowTable,
    areas: Areas,
    labels: pd.Series | None = None,
    *,
    population: pd.Series | None = None,
) -> pd.DataFrame:
    """Fit indicators per cooperation area.

    Columns: ``units``, ``population``, ``self_containment_supply``,
    ``self_containment_demand``, ``internal_share`` (share of the area's out-commuting
    between units that stays in the area) and, with ``labels``, the best-matching
    functional ``region`` (largest population overlap, ties by region id) with
    ``coverage`` = pop(A ∩ F)/pop(F), ``precision`` = pop(A ∩ F)/pop(A) and ``jaccard``.

    ``population`` defaults to the employed residents (the flows' row totals).
    """
    pop = _population(flows, population)
    clean = _clean_areas(areas, flows.ids)
    off = _off_diagonal(flows)
    rows = []
    for area, units in clean.items():
        supply, demand = self_containment(flows, units)
        codes = flows.index.get_indexer(pd.Index(units))
        out_between = float(off[codes].sum())
        row = {
            "area": area,
            "units": len(units),
            "population": float(pop.loc[units].sum()),
            "self_containment_supply": supply,
            "self_containment_demand": demand,
            "internal_share": float(off[codes][:, codes].sum()) / out_between
            if out_between
            else math.nan,
        }
        if labels is not None:
            row.update(_best_region(units, labels, pop))
        rows.append(row)
    return pd.DataFrame(rows).set_index("area") if rows else pd.DataFrame()


def _best_region(units: list[str], labels: pd.Series, pop: pd.Series) -> dict[str, object]:
    aligned = normalize_labels(labels).reindex(pop.index)
    in_area = pop.loc[units].groupby(aligned.loc[units].dropna()).sum()
    if in_area.empty:
        return {"region": None, "coverage": math.nan, "precision": math.nan, "jaccard": math.nan}
    best = sorted(in_area.index, key=lambda r: (-in_area[r], r))[0]
    region_units = aligned.index[aligned.astype(str) == best]
    pop_f = float(pop.loc[region_units].sum())
    pop_a = float(pop.loc[units].sum())
    both = float(in_area[best])
    union = pop_a + pop_f - both
    return {
        "region": best,
        "coverage": both / pop_f if pop_f else math.nan,
        "precision": both / pop_a if pop_a else math.nan,
        "jaccard": both / union if union else math.nan,
    }


def overall_fit(
    flows: FlowTable,
    areas: Areas,
    labels: pd.Series,
    *,
    population: pd.Series | None = None,
    overlap: Literal["largest", "smallest"] = "largest",
    outside: Literal["singleton", "none"] = "singleton",
) -> dict[str, float | str]:
    """Overall fit between the functional partition ``labels`` and the cooperation areas.

    Returns a dict with ``internal_share_functional`` and ``internal_share_areas``
    (``Q_int``), ``modularity_functional`` and ``modularity_areas``, ``ari``, ``vi``
    (nats), ``vi_normalized`` (``VI / ln n``), ``population_covered`` (share of the
    population in at least one area), ``mean_areas_per_unit`` and the ``overlap`` and
    ``outside`` rules used to build the area partition, and ``units_compared``. ARI and
    VI are computed on the units in a functional region and in the area partition:
    units outside every functional region (NaN labels) are left out, and with
    ``outside="none"`` so are the units in no area. For the internal share and the
    modularity a unit outside every functional region is in a group of its own.
    """
    ids = list(flows.ids)
    given = normalize_labels(labels)
    absent = pd.Index(ids).difference(given.index)
    if len(absent):
        msg = (
            f"no entry for units {list(absent[:5])} in the labels (NaN marks a unit "
            "outside every functional region)"
        )
        raise InputError(msg, source="labels", field="region")
    labels = given.reindex(pd.Index(ids))
    partition = area_partition(areas, ids, overlap=overlap, outside=outside)
    functional = labels.loc[partition.index]
    pop = _population(flows, population)
    membership = area_membership(areas, ids)
    covered = membership.any(axis=1)
    vi = variation_of_information(functional, partition)
    n = len(units_in_both(functional, partition))
    return {
        "internal_share_functional": internal_flow_share(flows, labels),
        "internal_share_areas": internal_flow_share(flows, areas),
        "modularity_functional": modularity(flows, labels),
        "modularity_areas": modularity(flows, partition),
        "ari": adjusted_rand_index(functional, partition),
        "vi": vi,
        "vi_normalized": vi / math.log(n) if n > 1 else math.nan,
        "units_compared": n,
        "population_covered": float(pop[covered].sum() / pop.sum()) if pop.sum() else math.nan,
        "mean_areas_per_unit": float(membership.sum(axis=1).mean()) if len(ids) else math.nan,
        "overlap": overlap,
        "outside": outside,
    }


def region_fit(
    flows: FlowTable,
    labels: pd.Series,
    areas: Areas,
    *,
    population: pd.Series | None = None,
) -> pd.DataFrame:
    """How well the cooperation areas cover each functional region.

    Columns per region: ``units``, ``population``, ``areas`` (";"-joined ids of the
    areas that contain at least one of its units), ``best_area`` (largest population
    overlap, ties by id), ``coverage`` = pop(region ∩ best area)/pop(region),
    ``covered_share`` = share of the region's commuting between its units that stays
    inside some area, and ``units_outside`` (units of the region in no area). Units
    outside every functional region (NaN labels) belong to no row.
    """
    pop = _population(flows, population)
    aligned = normalize_labels(labels).reindex(flows.index).dropna()
    membership = area_membership(areas, flows.ids)
    off = _off_diagonal(flows)
    same_area = _same_group(flows, areas)
    rows = []
    for region in sorted(aligned.unique()):
        units = list(aligned.index[aligned == region])
        codes = flows.index.get_indexer(pd.Index(units))
        inside = membership.loc[units]
        touching = [a for a in inside.columns if inside[a].any()]
        overlap = {a: float(pop.loc[inside.index[inside[a]]].sum()) for a in touching}
        best = sorted(overlap, key=lambda a: (-overlap[a], a))[0] if overlap else None
        block = sp.csr_array(off[codes][:, codes])
        total = float(block.sum())
        covered = float((block.multiply(same_area[codes][:, codes])).sum())
        pop_region = float(pop.loc[units].sum())
        rows.append(
            {
                "region": region,
                "units": len(units),
                "population": pop_region,
                "areas": ";".join(touching),
                "best_area": best,
                "coverage": overlap[best] / pop_region if best and pop_region else 0.0,
                "covered_share": covered / total if total else math.nan,
                "units_outside": int((~inside.any(axis=1)).sum()),
            }
        )
    columns = ["region", "units", "population", "areas", "best_area", "coverage"]
    columns += ["covered_share", "units_outside"]
    return pd.DataFrame(rows, columns=columns).set_index("region")


def _states(ids: Iterable[str], states: Mapping[str, str] | pd.Series | None) -> pd.Series:
    index = pd.Index([str(i) for i in ids])
    if states is None:
        return pd.Series(index.str[:2], index=index)
    given = pd.Series(states).astype(str).reindex(index)
    return given.fillna(pd.Series(index.str[:2], index=index))


def check_tie_thresholds(*, min_flow: float, min_share: float) -> None:
    """Raise a :class:`~cityregions.ParameterError` unless both thresholds are valid."""
    if not min_flow >= 0:
        msg = f"min_flow must be 0 or more (commuters), got {min_flow}"
        raise ParameterError(msg)
    if not 0 <= min_share <= 1:
        msg = f"min_share must lie in [0, 1] (a share of out-commuters), got {min_share}"
        raise ParameterError(msg)


def governance_gaps(
    flows: FlowTable,
    areas: Areas,
    *,
    min_flow: float = 1000,
    min_share: float = 0.05,
    states: Mapping[str, str] | pd.Series | None = None,
    other_areas: Areas | None = None,
    out_commuters: pd.Series | None = None,
    include_covered: bool = True,
) -> pd.DataFrame:
    """Strong commuting ties between units, with whether a cooperation area covers them.

    A tie between units ``i`` and ``j`` is *strong* if in at least one direction the
    flow is ≥ ``min_flow`` and ≥ ``min_share`` of the origin's out-commuters (row total
    without the diagonal). It is a *gap* if no area contains both units.

    Parameters
    ----------
    flows
        Observed (or modeled) flows with the diagonal.
    areas
        Cooperation areas that count as covering (e.g. city-regional bodies as of a date).
    min_flow, min_share
        Thresholds (commuters; share of the origin's out-commuters).
    states
        Unit → state key; default the first two digits of the unit id (German AGS).
    other_areas
        Further areas (e.g. thematic or metropolitan bodies) listed in ``other_bodies``
        but not counted as covering.
    out_commuters
        Out-commuters per unit for the share threshold; default the complete
        residents minus the diagonal (:meth:`~cityregions.flows.FlowTable.residents`:
        with :meth:`~cityregions.flows.FlowTable.with_totals` the official totals of a
        truncated table, such as the BA district table of each district's ten largest
        links, count; without, the row totals).
    include_covered
        Also list strong ties that are covered (``gap`` = False).

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``unit_a < unit_b``), ranked by ``flow_total``
        (descending, ties by ids): ``flow_ab``, ``flow_ba``, ``flow_total``,
        ``share_ab`` (of ``a``'s out-commuters), ``share_ba``, ``state_a``, ``state_b``,
        ``cross_state``, ``shared_bodies``, ``other_bodies`` (";"-joined ids), ``gap``.

    Raises
    ------
    ParameterError
        If ``min_flow`` is negative or ``min_share`` is outside [0, 1].
    """
    check_tie_thresholds(min_flow=min_flow, min_share=min_share)
    ids = list(flows.ids)
    off = _off_diagonal(flows)
    # out-commuters incl. the flows beyond the table when the table knows them
    out = flows.residents().to_numpy(dtype=float) - flows.internal().to_numpy(dtype=float)
    if out_commuters is not None:
        given = out_commuters.reindex(pd.Index(ids)).astype(float).to_numpy()
        out = np.where(np.isnan(given), out, given)
    coo = off.tocoo()
    share = np.divide(coo.data, out[coo.row], out=np.zeros_like(coo.data), where=out[coo.row] > 0)
    strong = (coo.data >= min_flow) & (share >= min_share)
    pairs = sorted(
        {(min(i, j), max(i, j)) for i, j in zip(coo.row[strong], coo.col[strong], strict=True)}
    )
    member = area_membership(areas, ids)
    others = area_membership(other_areas or {}, ids)
    inside, names = member.to_numpy(dtype=bool), np.asarray(member.columns, dtype=object)
    inside_other = others.to_numpy(dtype=bool)
    other_names = np.asarray(others.columns, dtype=object)
    state = _states(ids, states)
    dense = off.tocsr()
    rows = []
    for i, j in pairs:
        a, b = ids[i], ids[j]
        shared = list(names[inside[i] & inside[j]])
        if shared and not include_covered:
            continue
        other = list(other_names[inside_other[i] & inside_other[j]])
        f_ab, f_ba = float(dense[i, j]), float(dense[j, i])
        rows.append(
            {
                "unit_a": a,
                "unit_b": b,
                "flow_ab": f_ab,
                "flow_ba": f_ba,
                "flow_total": f_ab + f_ba,
                "share_ab": f_ab / out[i] if out[i] else math.nan,
                "share_ba": f_ba / out[j] if out[j] else math.nan,
                "state_a": state[a],
                "state_b": state[b],
                "cross_state": state[a] != state[b],
                "shared_bodies": ";".join(shared),
                "other_bodies": ";".join(o for o in other if o not in shared),
                "gap": not shared,
            }
        )
    columns = [
        "unit_a", "unit_b", "flow_ab", "flow_ba", "flow_total", "share_ab", "share_ba",
        "state_a", "state_b", "cross_state", "shared_bodies", "other_bodies", "gap",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(["flow_total", "unit_a", "unit_b"], ascending=[False, True, True])
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def region_gaps(
    flows: FlowTable,
    labels: pd.Series,
    areas: Areas,
    *,
    min_flow: float = 1000,
    min_share: float = 0.05,
) -> pd.DataFrame:
    """Strong commuting ties between functional regions that no cooperation area spans.

    Flows are aggregated to the regions of ``labels``; a region pair is covered if some
    area contains units of both regions. Columns as in :func:`governance_gaps` with
    ``region_a``/``region_b`` instead of units (``cross_state`` is not computed). Units
    outside every functional region (NaN) form no region: ties to them are not listed,
    but their flows count in the regions' out-commuters (the share threshold).
    """
    aligned = normalize_labels(labels).reindex(pd.Index(flows.ids))
    aggregated = flows.aggregate(aligned.fillna(_OUTSIDE))
    region_areas = {
        area: sorted(set(aligned.loc[[u for u in units if u in aligned.index]].dropna()))
        for area, units in areas.items()
    }
    gaps = governance_gaps(aggregated, region_areas, min_flow=min_flow, min_share=min_share)
    inside = (gaps["unit_a"] != _OUTSIDE) & (gaps["unit_b"] != _OUTSIDE)
    gaps = gaps[inside.to_numpy()].reset_index(drop=True)
    gaps["rank"] = np.arange(1, len(gaps) + 1)
    gaps = gaps.drop(columns=["state_a", "state_b", "cross_state"])
    return gaps.rename(columns={"unit_a": "region_a", "unit_b": "region_b"})


#: Group of the units outside every functional region while flows are summed by
#: region; text no region id can be (CSV cells cannot hold a NUL).
_OUTSIDE = "\x00outside"
