"""German BBSR Großstadtregionen: centre, complement and commuter belts.

The BBSR delineates *Großstadtregionen* (großstadtregionale Einzugsbereiche) from the
commuting of employees subject to social insurance (BA/IAB matrix) between
**municipalities** (Gemeinden / Gemeindeverbände) in four zones. The criteria, as the
GDI-DE metadata record "Großstadtregionale Einzugsbereiche" states them:

====  ==================================  =============================================
code  zone                                criteria (defaults, all parameters)
====  ==================================  =============================================
1     Zentrum (core city)                 population ≥ 100,000 (Großstadt); an
                                          **Oberzentrum**; in-commuter surplus (more
                                          in- than out-commuters); daytime population
                                          > 100,000; the *Hauptpendlerstrom* — its
                                          **largest in-commuter flow** — does not come
                                          from a neighbouring centre
2     Ergänzungsgebiet (complement)       directly adjacent to the centre; daytime
                                          population density > 500 /km²; in-commuter
                                          surplus; **over 50 %** of its out-commuters
                                          work in the centre (> 0.5)
3     engerer Pendlerverflechtungsraum    50 % and more of the out-commuters work in
                                          centre + complement (≥ 0.5)
4     weiterer Pendlerverflechtungsraum   25 % to under 50 % (≥ 0.25 and < 0.5)
0     außerhalb                           everything else
====  ==================================  =============================================

Daytime population (Tagesbevölkerung) = population + in-commuters − out-commuters;
out-commuters exclude internal flows. Each step is a pure function:
:func:`commuter_table`, :func:`central_units`, :func:`find_centres`,
:func:`find_complements`, :func:`assign_belts`; :class:`Stadtregionen` chains them.

Where the official text leaves a choice, a parameter makes it, defaulting to the
conservative reading (docs/delineation.md, "BBSR: choices the text leaves open"):

- ``surplus``: the record's prose says "die Zahl der Einpendler … ist höher als die Zahl
  der Auspendler" (in > out: ``"strict"``, default), its code list "Einpendler/
  Auspendler >= 1" (``"ratio"``: in ≥ out).
- ``ties``: equal flows or shares. ``"exclude"`` (default): a centre candidate whose
  largest in-flow is tied between a neighbouring centre and another sender is
  rejected, and a unit whose largest belt share is tied between two regions joins
  none. ``"smallest_id"``: the tied sender / region with the smallest id counts.
- A "neighbouring centre" is an adjacent unit meeting every other centre criterion
  (one pass, not iterated): two adjacent candidates whose largest in-flows come from
  each other are both rejected, as the text reads; no rule picks one of them.
- A unit in the belts of several regions joins the one receiving the largest share of
  its out-commuters (the research note's reading; the text does not say).
- Belts (zones 3–4) need not be contiguous; no enclave filling (use the generic
  contiguity repair, :mod:`cityregions.delineation.contiguity`, if wanted).

**Districts.** The method is defined on municipalities. On districts (``unit_level``
``district``, or five-digit ids) it runs with a :class:`DataQualityWarning`, and only
district-free cities (kreisfreie Städte) can be centres: a central place given by its
eight-digit municipal key ``DDDDD000`` stands for the district ``DDDDD``; an Oberzentrum
inside a Landkreis (e.g. Plauen, 14523320) cannot be a district centre and is dropped
with the warning.

In ``labels_`` a region is labelled by the id of its centre; a unit outside every region
is NaN (one row per unit in ``unit,region``, the region empty); ``zones_`` holds the zone
codes.

References
----------
BBSR: Großstadtregionale Einzugsbereiche, GDI-DE metadata record
C7526414-1E30-0001-FDEA-E55019101E0A (criteria quoted above). BBSR: Großstadtregionen
2010 (archived BBSR page: "wenn bei aneinandergrenzenden Zentren der Hauptpendlerstrom
nicht aus der Nachbarstadt kommt"). Boustedt, O. (1953/1970): the Stadtregion model.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import DataQualityWarning, InputError, ParameterError
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
Ties = Literal["exclude", "smallest_id"]
Surplus = Literal["strict", "ratio"]
_TOLERANCE = 1e-12  # a share of exactly 50 % computed as 0.49999999999999994 still counts
#: Message of the warning given when the method runs on districts.
DISTRICT_WARNING = (
    "BBSR Großstadtregionen are defined on municipalities (Gemeinden/Gemeindeverbände); "
    "these units are districts, so only district-free cities (kreisfreie Städte) can be "
    "centres and every zone is made of whole districts: a coarse approximation"
)


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

    Raises
    ------
    InputError
        If a unit lacks population or area (the message names the unit and the field).
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


def is_district_level(territory: Territory) -> bool:
    """Return True when the units are districts (``unit_level`` or five-digit AGS ids)."""
    level = territory.units["unit_level"]
    if level.notna().all():
        return bool((level.astype(str) == "district").all())
    return all(len(unit) == 5 and unit.isdigit() for unit in territory.ids)


def central_units(territory: Territory, central_places: Sequence[str]) -> list[str]:
    """Return the units that are central places (Oberzentren), sorted.

    Parameters
    ----------
    territory
        The units of the delineation.
    central_places
        Ids of the Oberzentren: unit ids; on districts also eight-digit municipal keys.

    Returns
    -------
    list of str
        Unit ids. On municipalities the ids themselves. On districts
        (:func:`is_district_level`) only district-free cities: the key ``DDDDD000``
        stands for the district ``DDDDD``, a five-digit id is kept unless a ``type``
        column says the district is no kreisfreie Stadt; other central places (an
        Oberzentrum inside a Landkreis) are dropped with a warning naming them.

    Raises
    ------
    InputError
        A central place that is neither a unit nor (on districts) inside one.
    """
    ids = set(territory.ids)
    places = sorted({str(place).strip() for place in central_places})
    if not is_district_level(territory):
        unknown = [place for place in places if place not in ids]
        if unknown:
            msg = f"central places that are not units of the flows: {unknown[:5]}"
            raise InputError(msg, source="--central-places", field=UNIT)
        return places
    kind = territory.units["type"] if "type" in territory.units.columns else None
    kept, dropped, unknown = set(), [], []
    for place in places:
        district = place[:5] if len(place) == 8 else place
        if district not in ids:
            unknown.append(place)
        elif _in_landkreis(place, district, kind):
            dropped.append(place)
        else:
            kept.add(district)
    if unknown:
        msg = f"central places in no district of the flows: {unknown[:5]}"
        raise InputError(msg, source="--central-places", field=UNIT)
    if dropped:
        warnings.warn(
            "on districts only district-free cities can be BBSR centres; these central "
            f"places lie in a Landkreis and cannot be centres here: {', '.join(dropped)}",
            DataQualityWarning,
            stacklevel=2,
        )
    return sorted(kept)


def _in_landkreis(place: str, district: str, kind: pd.Series | None) -> bool:
    """Whether a central place lies in a district that is no district-free city."""
    if len(place) == 8 and not place.endswith("000"):
        return True
    return kind is not None and not str(kind[district]).lower().startswith("kreisfrei")


def largest_inflow_senders(flows: FlowTable, *, ties: Ties = "exclude") -> list[list[str]]:
    """Return, per unit (flow order), the sender(s) of its largest in-commuter flow.

    Parameters
    ----------
    flows
        Commuting flows (rows: residence, columns: work).
    ties
        ``"exclude"``: every sender of the largest flow is listed (a tie lists several);
        ``"smallest_id"``: only the one with the smallest id.

    Returns
    -------
    list of list of str
        The senders of the *Hauptpendlerstrom* of each unit (internal flows excluded);
        empty when the unit has no in-commuters.
    """
    matrix = sp.csc_array(flows.matrix, copy=True)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    ids = np.asarray(flows.ids, dtype=object)
    senders: list[list[str]] = []
    for j in range(len(ids)):
        rows = matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]]
        values = matrix.data[matrix.indptr[j] : matrix.indptr[j + 1]]
        top = sorted(ids[rows[values == values.max()]]) if len(rows) else []
        senders.append(top[:1] if ties == "smallest_id" else top)
    return senders


def find_centres(
    flows: FlowTable,
    table: pd.DataFrame,
    adjacency: sp.csr_array,
    *,
    central_places: Sequence[str],
    min_population: float = 100_000.0,
    min_day_population: float = 100_000.0,
    surplus: Surplus = "strict",
    ties: Ties = "exclude",
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
        Unit ids of the Oberzentren (:func:`central_units`).
    min_population
        Population ≥ this (Großstadt: 100,000).
    min_day_population
        Daytime population > this.
    surplus
        ``"strict"``: in-commuters > out-commuters; ``"ratio"``: in/out ≥ 1.
    ties
        See :func:`largest_inflow_senders`.

    Notes
    -----
    A *candidate* meets every criterion but the last. A candidate is rejected when a
    sender of its largest in-commuter flow (*Hauptpendlerstrom*,
    :math:`\\max_{i \\ne j} T_{ij}` for centre :math:`j`) is an adjacent candidate.
    """
    candidate = (
        (table["population"] >= min_population)
        & (table["day_population"] > min_day_population)
        & _surplus(table, surplus)
        & table.index.isin([str(c) for c in central_places])
    ).to_numpy(copy=True)
    position = {unit: k for k, unit in enumerate(table.index)}
    senders = largest_inflow_senders(flows, ties=ties)
    keep = candidate.copy()
    for j in np.flatnonzero(candidate):
        for sender in senders[j]:
            i = position[sender]
            if candidate[i] and adjacency[i, j]:
                keep[j] = False
    return sorted(table.index[keep])


def _surplus(table: pd.DataFrame, surplus: Surplus) -> pd.Series:
    """In-commuter surplus per unit: in > out (``strict``) or in/out ≥ 1 (``ratio``)."""
    if surplus == "strict":
        return table["in_commuters"] > table["out_commuters"]
    return table["in_out_ratio"] >= 1.0


def find_complements(
    flows: FlowTable,
    table: pd.DataFrame,
    adjacency: sp.csr_array,
    centres: Sequence[str],
    *,
    min_day_density: float = 500.0,
    surplus: Surplus = "strict",
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
    surplus
        In-commuter surplus as for the centres.
    min_share
        Share of the unit's out-commuters working in the adjacent centre, **above** this
        ("über 50 %": exactly 50 % does not qualify).

    Returns
    -------
    pandas.Series
        Complement unit → centre id, sorted by unit. Over half of the out-commuters
        can go to one centre only, so no unit qualifies for two.
    """
    ids = list(flows.ids)
    centre_pos = np.sort(flows.index.get_indexer(pd.Index(list(centres))))
    if not len(centre_pos):
        return pd.Series({}, dtype=object, name=REGION).rename_axis(UNIT)
    out = table["out_commuters"].to_numpy()
    to_centre = flows.matrix[:, centre_pos].toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(out[:, None] > 0, to_centre / out[:, None], 0.0)
    touching = adjacency[:, centre_pos].toarray() > 0
    shares = np.where(touching, shares, -1.0)
    eligible = ((table["day_density"] > min_day_density) & _surplus(table, surplus)).to_numpy(
        copy=True
    )
    eligible[centre_pos] = False
    result: dict[str, str] = {}
    for i in np.flatnonzero(eligible):
        best = int(shares[i].argmax())
        if shares[i, best] > min_share + _TOLERANCE:
            result[ids[i]] = ids[centre_pos[best]]
    return pd.Series(result, dtype=object, name=REGION).rename_axis(UNIT).sort_index()


def assign_belts(
    flows: FlowTable,
    table: pd.DataFrame,
    cores: pd.Series,
    *,
    inner_share: float = 0.5,
    outer_share: float = 0.25,
    ties: Ties = "exclude",
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
        Share of out-commuters to a core area for the engerer Verflechtungsraum (≥,
        "50 % und mehr").
    outer_share
        Share for the weiterer Verflechtungsraum (≥, and below ``inner_share``: "25 %
        bis unter 50 %").
    ties
        A unit whose largest share is reached by two core areas: ``"exclude"`` puts it in
        no region, ``"smallest_id"`` in the one with the smallest id.

    Returns
    -------
    pandas.DataFrame
        Index: all units. Columns ``region`` (NaN outside), ``zone`` (0, 3 or 4 here;
        cores keep NaN zone for the caller to fill) and ``share`` (the largest share of
        out-commuters going to one core area).
    """
    regions = sorted(cores.unique())
    result = pd.DataFrame(
        {"region": pd.Series(np.nan, index=flows.index, dtype=object), "zone": np.nan, "share": 0.0}
    )
    if not regions:
        result["zone"] = float(OUTSIDE)
        return result
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
    best = shares.argmax(axis=1)  # first maximum = smallest label
    best_share = shares[np.arange(len(shares)), best]
    zone = np.where(
        best_share >= inner_share - _TOLERANCE,
        INNER_BELT,
        np.where(best_share >= outer_share - _TOLERANCE, OUTER_BELT, OUTSIDE),
    )
    if ties == "exclude":
        tied = (shares == best_share[:, None]).sum(axis=1) > 1
        zone = np.where(tied, OUTSIDE, zone)
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
        Ids of the Oberzentren (required: being an Oberzentrum is part of the centre
        definition). Municipal keys; on districts see :func:`central_units`.
    min_population, min_day_population
        Centre criteria (≥ 100,000; > 100,000).
    complement_min_day_density, complement_share
        Ergänzungsgebiet criteria (> 500 /km²; > 0.5 of out-commuters to the centre).
    inner_share, outer_share
        Belt thresholds on the share of out-commuters to centre + complement (≥ 0.5;
        ≥ 0.25 and < 0.5).
    surplus
        In-commuter surplus: ``"strict"`` in > out (default) or ``"ratio"`` in/out ≥ 1.
    ties
        ``"exclude"`` (default) or ``"smallest_id"``; see the module notes.

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
    district_level_ : bool
        Whether the units were districts (the warned approximation).

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
        complement_min_day_density: float = 500.0,
        complement_share: float = 0.5,
        inner_share: float = 0.5,
        outer_share: float = 0.25,
        surplus: Surplus = "strict",
        ties: Ties = "exclude",
    ) -> None:
        self.central_places = None if central_places is None else [str(c) for c in central_places]
        self.min_population = check_positive(min_population, name="min_population")
        self.min_day_population = check_positive(min_day_population, name="min_day_population")
        self.complement_min_day_density = check_positive(
            complement_min_day_density, name="complement_min_day_density"
        )
        self.complement_share = check_share(complement_share, name="complement_share")
        self.inner_share = check_share(inner_share, name="inner_share")
        self.outer_share = check_share(outer_share, name="outer_share")
        if self.outer_share >= self.inner_share:
            msg = f"outer_share ({outer_share}) must be below inner_share ({inner_share})"
            raise ParameterError(msg)
        if surplus not in ("strict", "ratio"):
            msg = f"surplus must be 'strict' or 'ratio', got {surplus!r}"
            raise ParameterError(msg)
        if ties not in ("exclude", "smallest_id"):
            msg = f"ties must be 'exclude' or 'smallest_id', got {ties!r}"
            raise ParameterError(msg)
        self.surplus: Surplus = surplus
        self.ties: Ties = ties

    def fit(self, flows: FlowTable, territory: Territory) -> Stadtregionen:
        """Delineate the Stadtregionen of ``flows`` on the units (with polygons) of ``territory``.

        Raises
        ------
        InputError
            Without central places (``--central-places``), without population or area of
            a unit (``--units``), without polygons (adjacency), or when a central place
            is not a unit of the flows.
        """
        _check_inputs(territory, self.central_places)
        assert self.central_places is not None
        self.district_level_ = is_district_level(territory)
        if self.district_level_:
            warnings.warn(DISTRICT_WARNING, DataQualityWarning, stacklevel=2)
        table = commuter_table(flows, territory)
        places = central_units(territory.subset(flows.ids), self.central_places)
        adjacency = territory.subset(flows.ids).contiguity
        centres = find_centres(
            flows,
            table,
            adjacency,
            central_places=places,
            min_population=self.min_population,
            min_day_population=self.min_day_population,
            surplus=self.surplus,
            ties=self.ties,
        )
        complements = find_complements(
            flows,
            table,
            adjacency,
            centres,
            min_day_density=self.complement_min_day_density,
            surplus=self.surplus,
            min_share=self.complement_share,
        )
        self._set_result(flows, table, centres, complements)
        logger.info("BBSR: %d centres, %d complements", len(centres), len(complements))
        return self

    def _set_result(
        self, flows: FlowTable, table: pd.DataFrame, centres: list[str], complements: pd.Series
    ) -> None:
        cores = pd.concat([pd.Series(centres, index=centres, dtype=object), complements])
        belts = assign_belts(
            flows,
            table,
            cores,
            inner_share=self.inner_share,
            outer_share=self.outer_share,
            ties=self.ties,
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
        labels = regions.where(regions.isna(), regions.astype(str)).astype(object)
        self.labels_ = labels.rename(REGION).rename_axis(UNIT)
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


def _check_inputs(territory: Territory, central_places: list[str] | None) -> None:
    """Raise an :class:`InputError` naming what is missing and the option that gives it."""
    population = territory.units["population"]
    if population.isna().any():
        bad = territory.units.index[population.isna().to_numpy()][0]
        msg = (
            "BBSR needs the population of every unit (centres ≥ 100,000, daytime "
            "population); give --units with a population column"
        )
        raise InputError(msg, source=territory.where, location=f"unit {bad}", field="population")
    if not territory.has_polygons:
        msg = (
            "BBSR Stadtregionen need unit polygons (adjacency of centres and "
            "Ergänzungsgebiete); give --units as GeoPackage/GeoJSON or --polygons"
        )
        raise InputError(msg, source=territory.where, field="geometry")
    if not central_places:
        msg = (
            "BBSR centres must be Oberzentren, and no central places were given: give "
            "--central-places (ids, or @file such as the bundled case's central_places.csv)"
        )
        raise InputError(msg, source="--central-places", field="central_places")
