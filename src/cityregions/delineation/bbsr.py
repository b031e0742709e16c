"""German BBSR Stadtregionen / Großstadtregionen: centre, complement and commuter belts.

The BBSR delineates *Großstadtregionen* from the commuting of employees subject to
social insurance (BA/IAB matrix) between municipalities in four zones:

====  ==================================  =============================================
code  zone                                criteria (defaults, all parameters)
====  ==================================  =============================================
1     Zentrum (core city)                 population ≥ 100,000; an Oberzentrum (when a
                                          list is given); in-/out-commuters ≥ 1;
                                          daytime population > 100,000; its largest
                                          out-commuter flow does not go to a
                                          neighbouring centre
2     Ergänzungsgebiet (complement)       adjacent to the centre; daytime population
                                          density > 500 /km²; in-/out-commuters ≥ 1;
                                          ≥ 50 % of its out-commuters work in the centre
3     engerer Pendlerverflechtungsraum    ≥ 50 % of out-commuters work in centre +
                                          complement
4     weiterer Pendlerverflechtungsraum   ≥ 25 % and < 50 % of out-commuters work there
0     outside                             everything else
====  ==================================  =============================================

Daytime population (Tagesbevölkerung) = population + in-commuters − out-commuters;
out-commuters exclude internal flows. Each step is a pure function:
:func:`commuter_table`, :func:`find_centres`, :func:`find_complements`,
:func:`assign_belts`; :class:`Stadtregionen` chains them.

Decisions where the published criteria are silent (BBSR leaves them open):

- A unit qualifying for several regions joins the one receiving the largest share of
  its out-commuters (ties: smallest region label).
- Belts (zones 3–4) need not be contiguous; no enclave filling.
- Two adjacent candidate centres each sending their largest flow to the other: the one
  with the larger daytime population stays a centre.
- Without a list of Oberzentren the central-place criterion is not applied.

In ``labels_`` a region is labelled by the id of its centre; a unit outside every region
is NaN (one row per unit in ``unit,region``, the region empty); ``zones_`` holds the zone
codes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import InputError, ParameterError
from cityregions.constants import REGION, UNIT
from cityregions.delineation._common import (
    CommuterTotals,
    aligned_units,
    check_positive,
    check_share,
)
from cityregions.flows import FlowTable
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

OUTSIDE, CENTRE, COMPLEMENT, INNER_BELT, OUTER_BELT = 0, 1, 2, 3, 4
#: Zone code → BBSR name.
ZONE_NAMES: dict[int, str] = {
    OUTSIDE: "außerhalb",
    CENTRE: "Zentrum",
    COMPLEMENT: "Ergänzungsgebiet",
    INNER_BELT: "engerer Pendlerverflechtungsraum",
    OUTER_BELT: "weiterer Pendlerverflechtungsraum",
}
_TOLERANCE = 1e-12  # a share of exactly 50 % computed as 0.49999999999999994 still counts


def commuter_table(flows: FlowTable, territory: Territory) -> pd.DataFrame:
    """Return per unit: population, area, in-/out-commuters, daytime population and density.

    Parameters
    ----------
    flows
        Commuting flows with internal flows on the diagonal.
    territory
        Units with ``population`` and ``area_km2`` for every unit of the flows.

    Returns
    -------
    pandas.DataFrame
        Index: unit ids in flow order. Columns ``population``, ``area_km2``,
        ``out_commuters`` (row total − internal), ``in_commuters`` (column total −
        internal), ``in_out_ratio`` (∞ without out-commuters), ``day_population``
        (population + in − out) and ``day_density`` (day population / km²).
    """
    table = aligned_units(territory, flows, columns=("population", "area_km2")).copy()
    totals = CommuterTotals.of(flows)
    table["out_commuters"] = totals.out_commuters
    table["in_commuters"] = totals.in_commuters
    with np.errstate(divide="ignore", invalid="ignore"):
        table["in_out_ratio"] = np.where(
            totals.out_commuters > 0, totals.in_commuters / totals.out_commuters, np.inf
        )
    table["day_population"] = table["population"] + table["in_commuters"] - table["out_commuters"]
    area = table["area_km2"].where(table["area_km2"] > 0)
    table["day_density"] = (table["day_population"] / area).fillna(0.0)
    return table


def _largest_outflow(flows: FlowTable) -> np.ndarray:
    """Position of each unit's largest out-commuter flow (−1 if none; ties: smallest id)."""
    matrix = sp.csr_array(flows.matrix, copy=True)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    order = np.argsort(np.asarray(flows.ids), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    target = np.full(len(flows), -1)
    for i in range(len(flows)):
        cols = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
        vals = matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]]
        if len(cols):
            best = cols[vals == vals.max()]
            target[i] = best[np.argmin(rank[best])]
    return target


def find_centres(
    flows: FlowTable,
    table: pd.DataFrame,
    adjacency: sp.csr_array,
    *,
    central_places: Sequence[str] | None = None,
    min_population: float = 100_000.0,
    min_day_population: float = 100_000.0,
    min_in_out_ratio: float = 1.0,
) -> list[str]:
    """Return the ids of the centres (zone 1), sorted.

    Parameters
    ----------
    flows
        Commuting flows.
    table
        Output of :func:`commuter_table`.
    adjacency
        Symmetric contiguity of the units (flow order).
    central_places
        Ids of the Oberzentren; ``None`` skips this criterion.
    min_population
        Population ≥ this (Großstadt: 100,000).
    min_day_population
        Daytime population > this.
    min_in_out_ratio
        In-commuters / out-commuters ≥ this.

    Raises
    ------
    InputError
        If a central place is not a unit of the flows.

    Notes
    -----
    A candidate whose largest out-commuter flow (Hauptpendlerstrom) goes to an adjacent
    candidate is not a centre, unless that neighbour's largest flow comes back and the
    candidate has the larger daytime population.
    """
    candidate = (
        (table["population"] >= min_population)
        & (table["day_population"] > min_day_population)
        & (table["in_out_ratio"] >= min_in_out_ratio)
    ).to_numpy(copy=True)
    if central_places is not None:
        places = [str(c) for c in central_places]
        unknown = sorted(set(places) - set(table.index))
        if unknown:
            msg = f"central places not in the flows: {unknown[:5]}"
            raise InputError(msg, source="central_places", field=UNIT)
        candidate &= table.index.isin(places)
    target = _largest_outflow(flows)
    day = table["day_population"].to_numpy()
    keep = candidate.copy()
    for i in np.flatnonzero(candidate):
        j = target[i]
        if j < 0 or not candidate[j] or not adjacency[i, j]:
            continue
        mutual = target[j] == i
        if not (mutual and day[i] > day[j]):
            keep[i] = False
    return sorted(table.index[keep])


def find_complements(
    flows: FlowTable,
    table: pd.DataFrame,
    adjacency: sp.csr_array,
    centres: Sequence[str],
    *,
    min_day_density: float = 500.0,
    min_in_out_ratio: float = 1.0,
    min_share: float = 0.5,
) -> pd.Series:
    """Return the complement units (zone 2) and their centre.

    Parameters
    ----------
    flows
        Commuting flows.
    table
        Output of :func:`commuter_table`.
    adjacency
        Symmetric contiguity of the units (flow order).
    centres
        Centre ids from :func:`find_centres`.
    min_day_density
        Daytime population per km² > this.
    min_in_out_ratio
        In-commuters / out-commuters ≥ this (in-commuter surplus).
    min_share
        Share of the unit's out-commuters working in the adjacent centre, ≥ this.

    Returns
    -------
    pandas.Series
        Complement unit → centre id (the adjacent centre with the largest share; ties:
        smallest id), sorted by unit.
    """
    ids = list(flows.ids)
    centre_pos = np.sort(flows.index.get_indexer(pd.Index(list(centres))))
    out = table["out_commuters"].to_numpy()
    to_centre = (
        flows.matrix[:, centre_pos].toarray() if len(centre_pos) else np.zeros((len(ids), 0))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(out[:, None] > 0, to_centre / out[:, None], 0.0)
    touching = adjacency[:, centre_pos].toarray() > 0 if len(centre_pos) else shares > 1
    shares = np.where(touching, shares, -1.0)
    eligible = (
        (table["day_density"] > min_day_density) & (table["in_out_ratio"] >= min_in_out_ratio)
    ).to_numpy(copy=True)
    eligible[centre_pos] = False
    result: dict[str, str] = {}
    for i in np.flatnonzero(eligible):
        if not len(centre_pos):
            break
        row = shares[i]
        best = _first_max([ids[c] for c in centre_pos], row)
        if row[best] >= min_share - _TOLERANCE:
            result[ids[i]] = ids[centre_pos[best]]
    return pd.Series(result, dtype=object, name=REGION).rename_axis(UNIT).sort_index()


def _first_max(keys: list[str], values: np.ndarray) -> int:
    """Position of the largest value; ties go to the smallest key."""
    top = values.max()
    return int(min(np.flatnonzero(values == top), key=lambda k: keys[int(k)]))


def assign_belts(
    flows: FlowTable,
    table: pd.DataFrame,
    cores: pd.Series,
    *,
    inner_share: float = 0.5,
    outer_share: float = 0.25,
) -> pd.DataFrame:
    """Assign the remaining units to the inner (3) or outer (4) commuter belt, or none.

    Parameters
    ----------
    flows
        Commuting flows.
    table
        Output of :func:`commuter_table`.
    cores
        Unit → region for centres and complements (the core areas).
    inner_share
        Share of out-commuters to a core area for the engerer Verflechtungsraum (≥).
    outer_share
        Share for the weiterer Verflechtungsraum (≥, and below ``inner_share``).

    Returns
    -------
    pandas.DataFrame
        Index: all units. Columns ``region`` (NaN outside), ``zone`` (0, 3 or 4 here;
        cores keep NaN zone for the caller to fill) and ``share`` (the largest share of
        out-commuters going to one core area).
    """
    regions = sorted(cores.unique())
    positions = flows.index.get_indexer(cores.index)
    code = pd.Index(regions).get_indexer(cores.to_numpy())
    member = sp.csr_array(
        (np.ones(len(positions)), (positions, code)), shape=(len(flows), len(regions))
    )
    matrix = sp.csr_array(flows.matrix, copy=True)
    matrix.setdiag(0)
    to_core = np.asarray((matrix @ member).toarray())
    out = table["out_commuters"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(out[:, None] > 0, to_core / out[:, None], 0.0)
    result = pd.DataFrame(
        {"region": pd.Series(np.nan, index=flows.index, dtype=object), "zone": np.nan, "share": 0.0}
    )
    if not regions:
        result["zone"] = OUTSIDE
        return result
    best = shares.argmax(axis=1)  # first maximum = smallest label
    best_share = shares[np.arange(len(shares)), best]
    zone = np.where(
        best_share >= inner_share - _TOLERANCE,
        INNER_BELT,
        np.where(best_share >= outer_share - _TOLERANCE, OUTER_BELT, OUTSIDE),
    )
    result["share"] = best_share
    result["zone"] = zone.astype(float)
    inside = zone != OUTSIDE
    result.loc[inside, "region"] = np.asarray(regions, dtype=object)[best[inside]]
    result.loc[cores.index, ["region", "zone"]] = [np.nan, np.nan]
    return result


class Stadtregionen:
    """BBSR Großstadtregionen: centres, complements and commuter belts.

    Parameters
    ----------
    central_places
        Ids of the Oberzentren (None: criterion not applied).
    min_population, min_day_population, min_in_out_ratio
        Centre criteria (100,000; > 100,000; ≥ 1).
    complement_min_day_density, complement_min_in_out_ratio, complement_share
        Ergänzungsgebiet criteria (> 500 /km²; ≥ 1; ≥ 0.5 of out-commuters to the centre).
    inner_share, outer_share
        Belt thresholds on the share of out-commuters to centre + complement (0.5, 0.25).

    Attributes
    ----------
    labels_ : pandas.Series
        Unit → region (centre id); NaN for a unit outside every region.
    zones_ : pandas.Series
        Unit → zone code (0 outside, 1 Zentrum, 2 Ergänzungsgebiet, 3 engerer, 4 weiterer
        Pendlerverflechtungsraum); names in :data:`ZONE_NAMES`.
    table_ : pandas.DataFrame
        Per unit: region, zone, zone_name, share (largest share of out-commuters to a
        core area), and the columns of :func:`commuter_table`.
    centres_ : list of str
        The centres.

    References
    ----------
    BBSR: Großstadtregionale Einzugsbereiche (GDI-DE metadata record); Großstadtregionen
    2010 (archived BBSR page). Boustedt, O. (1953/1970): the Stadtregion model.
    """

    def __init__(
        self,
        *,
        central_places: Sequence[str] | None = None,
        min_population: float = 100_000.0,
        min_day_population: float = 100_000.0,
        min_in_out_ratio: float = 1.0,
        complement_min_day_density: float = 500.0,
        complement_min_in_out_ratio: float = 1.0,
        complement_share: float = 0.5,
        inner_share: float = 0.5,
        outer_share: float = 0.25,
    ) -> None:
        self.central_places = None if central_places is None else [str(c) for c in central_places]
        self.min_population = check_positive(min_population, name="min_population")
        self.min_day_population = check_positive(min_day_population, name="min_day_population")
        self.min_in_out_ratio = check_positive(min_in_out_ratio, name="min_in_out_ratio")
        self.complement_min_day_density = check_positive(
            complement_min_day_density, name="complement_min_day_density"
        )
        self.complement_min_in_out_ratio = check_positive(
            complement_min_in_out_ratio, name="complement_min_in_out_ratio"
        )
        self.complement_share = check_share(complement_share, name="complement_share")
        self.inner_share = check_share(inner_share, name="inner_share")
        self.outer_share = check_share(outer_share, name="outer_share")
        if self.outer_share >= self.inner_share:
            msg = f"outer_share ({outer_share}) must be below inner_share ({inner_share})"
            raise ParameterError(msg)

    def fit(self, flows: FlowTable, territory: Territory) -> Stadtregionen:
        """Delineate the Stadtregionen of ``flows`` on the units (with polygons) of ``territory``.

        Raises
        ------
        InputError
            If the territory has no polygons (adjacency is needed), lacks population or
            area for a unit of the flows, or a central place is not a unit of the flows.
        """
        if not territory.has_polygons:
            msg = "BBSR Stadtregionen need unit polygons (adjacency of centres and complements)"
            raise InputError(msg, source=territory.where, field="geometry")
        table = commuter_table(flows, territory)
        adjacency = territory.subset(flows.ids).contiguity
        centres = find_centres(
            flows,
            table,
            adjacency,
            central_places=self.central_places,
            min_population=self.min_population,
            min_day_population=self.min_day_population,
            min_in_out_ratio=self.min_in_out_ratio,
        )
        complements = find_complements(
            flows,
            table,
            adjacency,
            centres,
            min_day_density=self.complement_min_day_density,
            min_in_out_ratio=self.complement_min_in_out_ratio,
            min_share=self.complement_share,
        )
        cores = pd.concat([pd.Series(centres, index=centres, dtype=object), complements])
        belts = assign_belts(
            flows, table, cores, inner_share=self.inner_share, outer_share=self.outer_share
        )
        if centres:
            belts.loc[centres, "region"] = centres
            belts.loc[centres, "zone"] = CENTRE
        if len(complements):
            belts.loc[complements.index, "region"] = complements.to_numpy()
            belts.loc[complements.index, "zone"] = COMPLEMENT
        self.centres_ = centres
        self.zones_ = belts["zone"].astype(int).rename("zone").rename_axis(UNIT)
        regions = belts["region"]
        self.labels_ = regions.where(regions.isna(), regions.astype(str)).astype(object)
        self.labels_ = self.labels_.rename(REGION).rename_axis(UNIT)
        self.table_ = pd.concat(
            [
                self.labels_,
                self.zones_,
                self.zones_.map(ZONE_NAMES).rename("zone_name"),
                belts["share"],
                table,
            ],
            axis=1,
        )
        logger.info("BBSR: %d centres, %d complements", len(centres), len(complements))
        return self
