"""Quality statistics of functional regions, contiguity checks and fine-tuning.

All functions take ``flows`` (:class:`~cityregions.FlowTable`, diagonal = internal
flows) and ``labels`` (pandas Series ``unit → region``; NaN = outside every region) and
return pandas objects indexed by region or unit. A unit outside every region is in no
row, but its flows count where R counts the flows of its reserve list: a region's
residents include the people working in such units, its jobs those coming from them;
for the modularity each such unit is a community of its own (a partition of the whole
network is needed). They score any partition — labour market areas, Leiden
communities, official regions — in the same way as R LabourMarketAreas 3.4
(``StatClusterData``, ``Qmodularity``, ``FineTuning``), re-implemented from the
project's research note (``delineation.md`` §1.7–1.8).

- :func:`region_statistics` — per region: residents, jobs, internal flows, supply-
  and demand-side self-containment, validity, commuter share, cohesion indices;
- :func:`quality_summary` — partition-level summary (R's ``StatQuality``);
- :func:`q_modularity` — directed modularity of the region-to-region flow matrix;
- :func:`cohesion` — Smart's cohesion between linked regions;
- :func:`reserve_list_summary` — counts of the reserve-list events of a run;
- :func:`region_adjacency`, :func:`region_contiguity`, :func:`exclaves` — regions
  against unit polygons (:attr:`Territory.contiguity`);
- :func:`fine_tuning` — move listed units to the best of listed regions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from cityregions._errors import InputError
from cityregions.constants import REGION, UNIT
from cityregions.delineation._lma_steps import validity_array
from cityregions.delineation.lma import ISTAT_2011, _check_params
from cityregions.flows import FlowTable
from cityregions.labels import sort_regions
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

__all__ = [
    "FineTuningResult",
    "cohesion",
    "exclaves",
    "fine_tuning",
    "q_modularity",
    "quality_summary",
    "region_adjacency",
    "region_contiguity",
    "region_statistics",
    "reserve_list_summary",
]


def _codes(flows: FlowTable, labels: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Region code per flows unit (−1 outside every region) and the sorted region ids."""
    return _aligned_codes(labels, flows.index, what="flows")


def _aligned_codes(labels: pd.Series, ids: pd.Index, *, what: str) -> tuple[np.ndarray, pd.Index]:
    if not isinstance(labels, pd.Series):
        msg = f"labels must be a pandas Series unit → region, got {type(labels).__name__}"
        raise InputError(msg, source="labels")
    index = labels.index.astype(str)
    absent = ids.difference(index)
    if len(absent):
        msg = (
            f"no entry for units {list(absent[:5])} of the {what} in the labels (give "
            "every unit a row; NaN marks a unit outside every region)"
        )
        raise InputError(msg, source="labels", field=REGION)
    aligned = pd.Series(labels.to_numpy(), index=index).reindex(ids)
    inside = aligned.notna().to_numpy()
    regions = _sorted_regions(aligned[inside].to_numpy())
    codes = np.full(len(aligned), -1, dtype=np.int64)
    codes[inside] = regions.get_indexer(pd.Index(aligned[inside].to_numpy()))
    return codes, regions


def _sorted_regions(values: np.ndarray) -> pd.Index:
    """Distinct region ids, sorted (by text for mixed types): the order of computation."""
    distinct = set(values.tolist())
    try:
        return pd.Index(sorted(distinct), name=REGION)
    except TypeError:
        return pd.Index(sorted(distinct, key=str), name=REGION)


def _natural_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in natural region order (:func:`~cityregions.labels.sort_regions`: R's
    numbered LMA clusters ``"3"`` before ``"10"``)."""
    return frame.reindex(pd.Index(sort_regions(frame.index), name=REGION))


def _membership(codes: np.ndarray, k: int) -> sp.csr_array:
    """Unit × region 0/1 matrix; units outside every region (code −1) have no 1."""
    rows = np.flatnonzero(codes >= 0)
    return sp.csr_array((np.ones(len(rows)), (rows, codes[rows])), shape=(len(codes), k))


def _region_totals(flows: FlowTable, codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Residents and jobs per region, flows to and from units outside included."""
    member = _membership(codes, k)
    return (
        np.asarray(member.T @ flows.residents().to_numpy(), dtype=float),
        np.asarray(member.T @ flows.jobs().to_numpy(), dtype=float),
    )


def _with_singletons(codes: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """Codes where each unit outside every region is a community of its own."""
    outside = np.flatnonzero(codes < 0)
    full = codes.copy()
    full[outside] = k + np.arange(len(outside))
    return full, k + len(outside)


def _region_matrix(flows: FlowTable, codes: np.ndarray, k: int) -> np.ndarray:
    member = _membership(codes, k)
    return np.asarray((member.T @ flows.matrix @ member).toarray(), dtype=float)


def region_statistics(
    flows: FlowTable,
    labels: pd.Series,
    *,
    min_size: float = ISTAT_2011.min_size,
    min_self_containment: float = ISTAT_2011.min_self_containment,
    target_size: float = ISTAT_2011.target_size,
    target_self_containment: float = ISTAT_2011.target_self_containment,
) -> pd.DataFrame:
    """Return per-region statistics of a partition (R's ``StatClusterData`` marginals).

    Parameters
    ----------
    flows
        Commuting flows with internal flows on the diagonal.
    labels
        Region per unit; every unit of ``flows`` needs an entry, NaN for a unit outside
        every region (its flows count in the regions' :math:`L` and :math:`W`).
    min_size, min_self_containment, target_size, target_self_containment
        Thresholds of the validity function (:func:`~cityregions.delineation.validity`).

    Returns
    -------
    pandas.DataFrame
        Indexed by region (in natural order: ``"3"`` before ``"10"``), columns:

        - ``residents`` :math:`L` (employed residents, flows leaving incl. internal),
          ``jobs`` :math:`W`, ``internal`` :math:`LW`;
        - ``sc_supply`` = :math:`LW/L`, ``sc_demand`` = :math:`LW/W`, ``validity``;
        - ``commuter_percent`` = :math:`((L-LW)+(W-LW))/(2LW)`;
        - ``home_work_ratio`` = :math:`((L-LW)-(W-LW))/LW`;
        - ``n_units``;
        - ``internal_cohesion_link`` = ordered pairs of distinct members with a flow
          / :math:`n(n-1)` (NaN for one unit);
        - ``internal_cohesion_flows`` = 100 × flows between distinct members / internal
          flows (NaN without such flows);
        - ``n_central_units``: members with :math:`(W_i-T_{ii})/(R_i-T_{ii}) > 1` and
          :math:`W_i > 100`;
        - ``n_links_in``, ``n_links_out``: regions (itself included) with flows into /
          out of the region.

    References
    ----------
    Franconi, L., Ichim, D., D'Alò, M. (2023). LabourMarketAreas 3.4, ``StatClusterData``.
    """
    params = _check_params(
        min_size, min_self_containment, target_size, target_self_containment, "r"
    )
    codes, regions = _codes(flows, labels)
    k = len(regions)
    a = _region_matrix(flows, codes, k)
    big_l, big_w = _region_totals(flows, codes, k)
    lw = np.diag(a).copy()
    inside = codes >= 0
    n_units = np.bincount(codes[inside], minlength=k)
    coo = flows.matrix.tocoo()
    same = (codes[coo.row] == codes[coo.col]) & inside[coo.row]
    same &= (coo.row != coo.col) & (coo.data > 0)
    pair_links = np.bincount(codes[coo.row[same]], minlength=k).astype(float)
    pair_flows = np.bincount(codes[coo.row[same]], coo.data[same], minlength=k)
    res, jobs, diag = (
        flows.residents().to_numpy(),
        flows.jobs().to_numpy(),
        flows.internal().to_numpy(),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        central = ((jobs - diag) / (res - diag) > 1) & (jobs > 100) & inside
        frame = pd.DataFrame(
            {
                "residents": big_l,
                "jobs": big_w,
                "internal": lw,
                "sc_supply": lw / big_l,
                "sc_demand": lw / big_w,
                "validity": validity_array(lw, big_l, big_w, params),
                "commuter_percent": ((big_l - lw) + (big_w - lw)) / (2 * lw),
                "home_work_ratio": ((big_l - lw) - (big_w - lw)) / lw,
                "n_units": n_units,
                "internal_cohesion_link": pair_links / (n_units * (n_units - 1)),
                "internal_cohesion_flows": np.where(pair_links > 0, pair_flows / lw * 100, np.nan),
                "n_central_units": np.bincount(codes[central], minlength=k),
                "n_links_in": (a > 0).sum(axis=0),
                "n_links_out": (a > 0).sum(axis=1),
            },
            index=regions,
        )
    return _natural_order(frame)


def q_modularity(flows: FlowTable, labels: pd.Series) -> float:
    """Return the directed modularity of a partition of the flow network.

    Notes
    -----
    With :math:`A` the region-to-region flow matrix (internal flows on the diagonal),
    :math:`m = \\sum A`, out-totals :math:`o_c` and in-totals :math:`i_c`:

    .. math:: Q = \\frac{1}{m}\\sum_c \\left(A_{cc} - \\frac{o_c\\, i_c}{m}\\right)

    A unit outside every region (NaN) is a community :math:`c` of its own, so that
    :math:`m` is the total flow whatever the labels leave out.

    References
    ----------
    Leicht, E. A., & Newman, M. E. J. (2008). Community structure in directed networks.
    *Physical Review Letters*, 100, 118703.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b"], "destination": ["a", "b", "b"],
    ...                      "value": [3.0, 1.0, 4.0]})
    >>> flows = FlowTable.from_long(long)
    >>> q_modularity(flows, pd.Series({"a": 1, "b": 2}))  # (3 - 4*3/8 + 4 - 4*5/8) / 8
    0.375
    """
    codes, regions = _codes(flows, labels)
    full, k = _with_singletons(codes, len(regions))
    a = _region_matrix(flows, full, k)
    m = a.sum()
    if m == 0:
        return float("nan")
    return float((np.diag(a) - a.sum(axis=1) * a.sum(axis=0) / m).sum() / m)


def cohesion(flows: FlowTable, labels: pd.Series) -> pd.DataFrame:
    """Return Smart's cohesion between every pair of linked regions.

    Notes
    -----
    For regions :math:`a \\ne b` with flows :math:`T`, residents :math:`R` and jobs
    :math:`W` (totals including internal flows):

    .. math:: C_{ab} = \\frac{T_{ab}^2}{R_a W_b} + \\frac{T_{ba}^2}{R_b W_a}

    A term with a zero denominator counts as 0. This is the measure by which the LMA
    algorithm chooses where a unit goes. Units outside every region form no pair; their
    flows count in :math:`R` and :math:`W`.

    References
    ----------
    Smart, M. W. (1974). Labour market areas: uses and definition. *Progress in
    Planning*, 2, 239–353.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_a``, ``region_b`` (``region_a < region_b``), ``flow_ab``,
        ``flow_ba``, ``cohesion``; sorted by cohesion descending.
    """
    codes, regions = _codes(flows, labels)
    a = _region_matrix(flows, codes, len(regions))
    r, w = _region_totals(flows, codes, len(regions))
    i, j = np.nonzero(np.triu(a + a.T, k=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        one = np.where(r[i] * w[j] > 0, a[i, j] ** 2 / (r[i] * w[j]), 0.0)
        two = np.where(r[j] * w[i] > 0, a[j, i] ** 2 / (r[j] * w[i]), 0.0)
    frame = pd.DataFrame(
        {
            "region_a": regions[i],
            "region_b": regions[j],
            "flow_ab": a[i, j],
            "flow_ba": a[j, i],
            "cohesion": one + two,
        }
    )
    return frame.sort_values(
        ["cohesion", "region_a", "region_b"], ascending=[False, True, True]
    ).reset_index(drop=True)


def quality_summary(
    flows: FlowTable,
    labels: pd.Series,
    *,
    min_size: float = ISTAT_2011.min_size,
    min_self_containment: float = ISTAT_2011.min_self_containment,
    target_size: float = ISTAT_2011.target_size,
    target_self_containment: float = ISTAT_2011.target_self_containment,
) -> pd.Series:
    """Return partition-level quality figures (R's ``StatQuality``).

    Standard deviations are sample ones (ddof 1) and quartiles R's type 7, as in R.

    Returns
    -------
    pandas.Series
        ``n_regions``, ``n_single_unit_regions``, ``n_invalid_regions`` (validity < 1),
        ``n_regions_without_central_unit``, means and standard deviations of both
        self-containments, quartiles of the cohesion indices and of residents/jobs/
        internal flows, min/max, mean/std of commuter percent and home–work ratio, and
        ``q_modularity``.
    """
    stats = region_statistics(
        flows,
        labels,
        min_size=min_size,
        min_self_containment=min_self_containment,
        target_size=target_size,
        target_self_containment=target_self_containment,
    )
    out: dict[str, float] = {
        "n_regions": len(stats),
        "n_single_unit_regions": int((stats["n_units"] == 1).sum()),
        "n_invalid_regions": int((stats["validity"] < 1).sum()),
        "n_regions_without_central_unit": int((stats["n_central_units"] == 0).sum()),
    }
    for column in ("sc_demand", "sc_supply"):
        out[f"mean_{column}"] = float(stats[column].mean())
        out[f"std_{column}"] = float(stats[column].std(ddof=1))
    for column in (
        "internal_cohesion_flows",
        "internal_cohesion_link",
        "residents",
        "jobs",
        "internal",
    ):
        for q in (1, 2, 3):
            out[f"q{q}_{column}"] = float(stats[column].quantile(q / 4))
    for column in ("residents", "jobs", "internal"):
        if column != "internal":
            out[f"mean_{column}"] = float(stats[column].mean())
            out[f"std_{column}"] = float(stats[column].std(ddof=1))
        out[f"min_{column}"] = float(stats[column].min())
        out[f"max_{column}"] = float(stats[column].max())
    for column in ("commuter_percent", "home_work_ratio"):
        out[f"mean_{column}"] = float(stats[column].mean())
        out[f"std_{column}"] = float(stats[column].std(ddof=1))
    out["q_modularity"] = q_modularity(flows, labels)
    return pd.Series(out, name="quality")


def reserve_list_summary(events: pd.DataFrame) -> pd.Series:
    """Summarise reserve-list events (``LabourMarketAreas.reserve_events_``).

    Returns
    -------
    pandas.Series
        ``n_events``, ``n_units`` and ``n_regions`` involved, ``n_regions_once``
        (regions with a single event), events per type ``type_A`` … ``type_F``, and the
        minimum, median and maximum validity at the events.
    """
    per_region = events.groupby("region").size() if len(events) else pd.Series(dtype=int)
    out: dict[str, float] = {
        "n_events": len(events),
        "n_units": int(events[UNIT].nunique()) if len(events) else 0,
        "n_regions": int(events["region"].nunique()) if len(events) else 0,
        "n_regions_once": int((per_region == 1).sum()),
    }
    for kind in "ABCDEF":
        out[f"type_{kind}"] = int((events["type"] == kind).sum()) if len(events) else 0
    validity = events["validity"] if len(events) else pd.Series([np.nan])
    out["min_validity"] = float(validity.min())
    out["median_validity"] = float(validity.median())
    out["max_validity"] = float(validity.max())
    return pd.Series(out, name="reserve_list")


# ------------------------------------------------------------------------ contiguity
def _territory_codes(territory: Territory, labels: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Region code per unit of the territory (−1 outside every region), region ids."""
    return _aligned_codes(labels, pd.Index(territory.ids), what="territory")


def region_adjacency(territory: Territory, labels: pd.Series) -> pd.DataFrame:
    """Return the pairs of regions whose unit polygons touch (queen contiguity).

    Returns
    -------
    pandas.DataFrame
        Columns ``region_a < region_b`` and ``shared_links`` (touching unit pairs).
        Units outside every region touch no region.
    """
    codes, regions = _territory_codes(territory, labels)
    adjacency = sp.coo_array(territory.contiguity)
    i, j = codes[adjacency.row], codes[adjacency.col]
    keep = (i < j) & (i >= 0)
    pairs = pd.DataFrame({"region_a": regions[i[keep]], "region_b": regions[j[keep]]})
    out = pairs.groupby(["region_a", "region_b"]).size().rename("shared_links")
    return out.reset_index()


def _parts(territory: Territory, codes: np.ndarray) -> np.ndarray:
    """Connected component id per unit, using only links inside the same region."""
    adjacency = sp.coo_array(territory.contiguity)
    keep = (codes[adjacency.row] == codes[adjacency.col]) & (codes[adjacency.row] >= 0)
    n = len(codes)
    inside = sp.csr_array(
        (np.ones(int(keep.sum())), (adjacency.row[keep], adjacency.col[keep])), shape=(n, n)
    )
    return connected_components(inside, directed=False)[1]


def region_contiguity(territory: Territory, labels: pd.Series) -> pd.DataFrame:
    """Return, per region, whether its unit polygons form one connected piece.

    Returns
    -------
    pandas.DataFrame
        Indexed by region (natural order): ``n_units``, ``n_parts`` (connected pieces
        under queen contiguity) and ``contiguous`` (``n_parts == 1``). Islands count as
        a piece.
        Units outside every region are in no row.
    """
    codes, regions = _territory_codes(territory, labels)
    parts = _parts(territory, codes)
    frame = pd.DataFrame({"code": codes, "part": parts})[codes >= 0]
    n_parts = frame.groupby("code")["part"].nunique().reindex(range(len(regions)))
    n_units = np.bincount(codes[codes >= 0], minlength=len(regions))
    table = pd.DataFrame(
        {"n_units": n_units, "n_parts": n_parts.to_numpy(), "contiguous": n_parts.to_numpy() == 1},
        index=regions,
    )
    return _natural_order(table)


def exclaves(
    territory: Territory, labels: pd.Series, *, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Return the units lying outside the main piece of their region.

    The main piece of a region is the connected piece with the largest weight (default:
    number of units; ties to the piece holding the smallest unit id).

    Returns
    -------
    pandas.DataFrame
        One row per exclave unit: ``unit``, ``region``, ``piece_units`` (units in its
        piece) and ``neighbour_regions`` (regions touching the unit, ``;``-separated),
        which are the candidates for :func:`fine_tuning`. Units outside every region
        are no exclaves.
    """
    codes, regions = _territory_codes(territory, labels)
    ids = np.asarray(territory.ids, dtype=object)
    parts = _parts(territory, codes)
    w = (
        np.ones(len(ids))
        if weights is None
        else (
            pd.Series(weights.to_numpy(), index=weights.index.astype(str))
            .reindex(territory.ids)
            .fillna(0)
            .to_numpy(dtype=float)
        )
    )
    frame = pd.DataFrame({"unit": ids, "code": codes, "part": parts, "w": w})
    frame = frame[frame["code"] >= 0]
    pieces = (
        frame.groupby(["code", "part"])
        .agg(weight=("w", "sum"), first=("unit", "min"), size=("unit", "size"))
        .reset_index()
    )
    pieces = pieces.sort_values(["code", "weight", "first"], ascending=[True, False, True])
    main = pieces.drop_duplicates("code").set_index("code")["part"]
    outside = frame[frame["part"].to_numpy() != main.reindex(frame["code"]).to_numpy()]
    size = pieces.set_index("part")["size"]
    adjacency = sp.csr_array(territory.contiguity)
    neighbours = []
    for position in outside.index:
        touching = adjacency.indices[adjacency.indptr[position] : adjacency.indptr[position + 1]]
        other = sorted({regions[c] for c in codes[touching] if c not in (codes[position], -1)})
        neighbours.append(";".join(str(r) for r in other))
    return (
        pd.DataFrame(
            {
                UNIT: outside["unit"].to_numpy(),
                REGION: regions[outside["code"].to_numpy()],
                "piece_units": size.reindex(outside["part"]).to_numpy(),
                "neighbour_regions": neighbours,
            }
        )
        .sort_values([REGION, UNIT])
        .reset_index(drop=True)
    )


# ----------------------------------------------------------------------- fine-tuning
class FineTuningResult(NamedTuple):
    """Outcome of :func:`fine_tuning`."""

    labels: pd.Series
    not_tuned: list[str]
    statistics: pd.DataFrame


def fine_tuning(
    flows: FlowTable,
    labels: pd.Series,
    moves: Mapping[str, Sequence[Any]],
    **validity_params: float,
) -> FineTuningResult:
    """Move listed units to the best of listed regions, one after another (R's ``FineTuning``).

    For each unit (in the order of ``moves``) the flows are restricted to the unit and
    the current members of its candidate regions; residents and jobs are recomputed on
    that restricted set and the unit goes to the candidate of maximum Smart cohesion
    (ties: last among regions sending flow to the unit by ascending id, then regions
    only receiving). Without any flow to a candidate the unit stays and is reported in
    ``not_tuned``. There is no validity test.

    Parameters
    ----------
    flows
        Commuting flows with internal flows.
    labels
        The partition to tune (e.g. ``LabourMarketAreas.labels_``); NaN = outside every
        region.
    moves
        ``unit → candidate regions``, e.g. from :func:`exclaves` or single-unit regions;
        a unit outside every region may be listed too, to place it. Candidates are
        compared with the labels as text when the labels are text (``12`` → ``"12"``).
    **validity_params
        Thresholds passed to :func:`region_statistics`.

    Returns
    -------
    FineTuningResult
        New labels, units not moved for lack of links, and the updated
        :func:`region_statistics`.
    """
    current = pd.Series(labels.to_numpy(), index=labels.index.astype(str), name=REGION)
    _codes(flows, current)  # validates coverage
    index = flows.index
    matrix = sp.csr_array(flows.matrix)
    not_tuned: list[str] = []
    for unit, candidates in moves.items():
        unit = str(unit)
        if unit not in current.index:
            msg = f"unit {unit!r} to fine-tune is not in the labels"
            raise InputError(msg, source="moves", field=UNIT)
        wanted = _like_labels(list(candidates), current)
        target = _best_candidate(matrix, index, current, unit, wanted)
        if target is None:
            not_tuned.append(unit)
        else:
            current.loc[unit] = target
    stats = region_statistics(flows, current, **validity_params)
    return FineTuningResult(current, not_tuned, stats)


def _like_labels(candidates: list[Any], labels: pd.Series) -> list[Any]:
    """Candidate regions converted to the labels' type where possible (12 → "12")."""
    present = labels.dropna()
    if len(present) and all(isinstance(value, str) for value in present):
        return [str(candidate) for candidate in candidates]
    try:
        return pd.Series(candidates, dtype=object).astype(labels.dtype).tolist()
    except (TypeError, ValueError):
        return candidates


def _best_candidate(
    matrix: sp.csr_array, index: pd.Index, labels: pd.Series, unit: str, candidates: list[Any]
) -> Any:
    """Candidate region of maximum cohesion on the restricted flows, or None."""
    lab = labels.reindex(index).to_numpy()
    position = index.get_loc(unit)
    keep = np.isin(lab, candidates)
    keep[position] = True
    rows = np.flatnonzero(keep)
    sub = sp.csr_array(matrix[rows][:, rows]).tocoo()
    region = lab[rows].astype(object)
    me = int(np.flatnonzero(rows == position)[0])
    is_me = np.arange(len(rows)) == me
    r_live = np.bincount(sub.row, sub.data, minlength=len(rows))
    w_work = np.bincount(sub.col, sub.data, minlength=len(rows))
    frame = pd.DataFrame(
        {
            "live": np.where(is_me[sub.row], "__unit__", region[sub.row]),
            "work": np.where(is_me[sub.col], "__unit__", region[sub.col]),
            "amount": sub.data,
        }
    )
    totals_live = pd.Series(r_live).groupby(np.where(is_me, "__unit__", region)).sum()
    totals_work = pd.Series(w_work).groupby(np.where(is_me, "__unit__", region)).sum()
    out = frame[(frame["live"] == "__unit__") & (frame["work"] != "__unit__")]
    inn = frame[(frame["work"] == "__unit__") & (frame["live"] != "__unit__")]
    t_out = out.groupby("work")["amount"].sum()
    t_in = inn.groupby("live")["amount"].sum()
    if t_out.empty and t_in.empty:
        return None
    senders = sorted(t_in.index)
    order = senders + sorted(set(t_out.index) - set(senders))
    best, best_value = None, -np.inf
    for region_id in order:
        s = 0.0
        if region_id in t_in.index:
            denominator = totals_live[region_id] * totals_work["__unit__"]
            s += (
                t_in[region_id] / totals_live[region_id] * t_in[region_id] / totals_work["__unit__"]
                if denominator
                else 0.0
            )
        if region_id in t_out.index:
            denominator = totals_live["__unit__"] * totals_work[region_id]
            s += (
                t_out[region_id]
                / totals_live["__unit__"]
                * t_out[region_id]
                / totals_work[region_id]
                if denominator
                else 0.0
            )
        if s >= best_value:
            best, best_value = region_id, s
    return best
