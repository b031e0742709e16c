"""Contiguous regions: move each detached part of a region to the neighbour it commutes to.

Functional delineations follow commuting, not geography, so a region can fall into
several pieces on the map (an *exclave*). Official regionalisations that must be
contiguous repair this afterwards: the BBSR Stadt-Land-Regionen are "flächendeckend,
disjunkt … ohne Exklaven", and the ONS travel-to-work areas are contiguous. This module
applies one repair to the labels of any method:

1. Split every region into its connected pieces (queen contiguity of the unit polygons).
   The *main piece* is the one holding the unit the region is named after (the city or
   centre of an FUA or a Stadtregion, the member with the most jobs of a Leiden or
   Infomap region), else the one with the most employed residents (ties: the piece
   holding the smallest unit id); every other piece is detached.
2. Move each detached piece, whole, to the **adjacent region it sends most commuters
   to**: :math:`\\arg\\max_r \\sum_{i \\in P} \\sum_{j \\in r} T_{ij}` over the regions
   :math:`r \\ne` its own that touch the piece (ties: the smallest region id). A piece
   touching no other region (an island, or only units outside every region) stays and
   is reported as such.
3. Repeat until no piece moves (a piece can become the main piece's neighbour only
   after another move).

Units outside every region (NaN) are not a region and are never moved. Every move is
reported (:class:`ContiguityRepair`).

This is a post-processing step of the project, not part of any method's official
definition; results that use it say so (``contiguous=True`` in the parameters).

References
----------
BBSR: Stadt-Land-Regionen (regionalisation without exclaves). Coombes, M., & Bond, S.
(2008). *Travel-to-Work Areas: the 2007 review*. ONS.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> from cityregions.flows import FlowTable
>>> from cityregions.territory import Territory
>>> shapes = gpd.GeoSeries([box(i, 0, i + 1, 1) for i in range(3)], crs="EPSG:4326")
>>> territory = Territory.from_frame(pd.DataFrame({"unit": ["a", "b", "c"]}),
...                                  geometry=shapes)
>>> long = pd.DataFrame({"origin": ["a", "b", "c", "c"], "destination": ["a", "b", "c", "b"],
...                      "value": [20, 10, 10, 5]})
>>> repair = make_contiguous(pd.Series({"a": "1", "b": "2", "c": "1"}),
...                          FlowTable.from_long(long), territory)
>>> repair.labels.to_dict()
{'a': '1', 'b': '2', 'c': '2'}
>>> repair.moves[["unit", "from_region", "to_region", "commuters"]].to_dict("records")
[{'unit': 'c', 'from_region': '1', 'to_region': '2', 'commuters': 5.0}]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions.constants import REGION, UNIT
from cityregions.delineation._common import CommuterTotals, aligned_units, region_pieces
from cityregions.flows import FlowTable
from cityregions.labels import normalize_labels
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: Columns of :attr:`ContiguityRepair.moves`.
MOVE_COLUMNS = ("unit", "piece", "from_region", "to_region", "commuters", "round")


@dataclass(frozen=True)
class ContiguityRepair:
    """Outcome of :func:`make_contiguous`.

    Attributes
    ----------
    labels
        The repaired labels (same index as the input; NaN stays NaN).
    moves
        One row per moved unit: ``unit``, ``piece`` (smallest unit id of its piece),
        ``from_region``, ``to_region``, ``commuters`` (from the piece to the new region)
        and ``round``.
    stuck
        Units of detached pieces that touch no other region (left in place), sorted.
    """

    labels: pd.Series
    moves: pd.DataFrame
    stuck: list[str]


def make_contiguous(
    labels: pd.Series, flows: FlowTable, territory: Territory, *, max_rounds: int = 100
) -> ContiguityRepair:
    """Move every detached piece of a region to the adjacent region it commutes to most.

    Parameters
    ----------
    labels
        Unit → region for the units of ``flows`` (NaN = outside every region).
    flows
        Commuting flows (rows: residence, columns: work).
    territory
        The same units with polygons (queen contiguity).
    max_rounds
        Safety bound on the rounds of step 3 (module notes).

    Returns
    -------
    ContiguityRepair
        New labels, the moves and the pieces that could not move.

    Raises
    ------
    InputError
        If the territory has no polygons or covers other units than the flows.
    """
    aligned_units(territory, flows, columns=())
    local = territory.subset(flows.ids)
    adjacency = sp.csr_array(local.contiguity)
    current = normalize_labels(labels).reindex(pd.Index(flows.ids, name=UNIT)).astype(object)
    residents = CommuterTotals.of(flows).residents
    moves: list[dict[str, object]] = []
    stuck: list[str] = []
    for round_number in range(1, max_rounds + 1):
        moved, stuck = _one_round(current, flows, adjacency, residents, round_number)
        moves += moved
        if not moved:
            break
    table = pd.DataFrame(moves, columns=list(MOVE_COLUMNS))
    for move in moves:
        logger.info(
            "contiguity: unit %s moves from region %s to %s (%g commuters)",
            move["unit"],
            move["from_region"],
            move["to_region"],
            move["commuters"],
        )
    result = current.reindex(labels.index).rename(REGION)
    return ContiguityRepair(result, table, sorted(stuck))


def _one_round(
    current: pd.Series,
    flows: FlowTable,
    adjacency: sp.csr_array,
    residents: np.ndarray,
    round_number: int,
) -> tuple[list[dict[str, object]], list[str]]:
    """Move the detached pieces once (in place); return the moves and the stuck units."""
    ids = np.asarray(flows.ids, dtype=object)
    pieces, _ = region_pieces(current, adjacency)
    inside = current.notna().to_numpy()
    frame = pd.DataFrame(
        {"unit": ids, "region": current.to_numpy(), "piece": pieces, "r": residents}
    )[inside]
    frame["named"] = frame["unit"] == frame["region"]
    weight = frame.groupby("piece").agg(
        named=("named", "any"), r=("r", "sum"), first=("unit", "min"), region=("region", "first")
    )
    ranked = weight.sort_values(
        ["region", "named", "r", "first"], ascending=[True, False, False, True]
    )
    detached = ranked[ranked.duplicated("region")].sort_values("first")
    moves: list[dict[str, object]] = []
    stuck: list[str] = []
    labels = current.to_numpy(copy=True)
    for piece, row in detached.iterrows():
        members = np.flatnonzero(pieces == piece)
        target, commuters = _best_neighbour(members, labels, row["region"], flows, adjacency)
        names = sorted(ids[members])
        if target is None:
            stuck += names
            continue
        labels[members] = target
        moves += [
            {"unit": unit, "piece": names[0], "from_region": row["region"], "to_region": target,
             "commuters": commuters, "round": round_number}
            for unit in names
        ]  # fmt: skip
        pieces[members] = -1  # a moved piece is not a neighbour candidate of later pieces
    current[:] = labels
    return moves, stuck


def _best_neighbour(
    members: np.ndarray,
    labels: np.ndarray,
    own: str,
    flows: FlowTable,
    adjacency: sp.csr_array,
) -> tuple[str | None, float]:
    """The adjacent region (≠ own) receiving most commuters from the piece, and that flow."""
    touching = np.unique(adjacency[members].indices)
    regions = sorted({str(r) for r in labels[touching] if pd.notna(r) and str(r) != own})
    if not regions:
        return None, 0.0
    row = np.asarray(flows.matrix[members].sum(axis=0)).ravel()
    totals = {region: float(row[labels == region].sum()) for region in regions}
    top = max(totals.values())
    best = min(region for region in regions if totals[region] == top)
    return best, totals[best]
