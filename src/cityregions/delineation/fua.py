"""EU-OECD functional urban areas (FUA): cities plus their commuting zones.

The method (Dijkstra, Poelman & Veneri 2019; Eurostat 2019) in five steps, each a pure
function of this module:

1. **Cities** (:func:`find_cities`): given as unit ids (or a mapping unit → city for
   cities made of several units), or, as a unit-level proxy for the grid-based urban
   centre rule, units with density ≥ 1,500 inh./km² and population ≥ 50,000.
2. **Polycentric merging** (:func:`merge_polycentric`): two cities become one
   destination when ≥ 15 % of the employed residents of one work in the other.
3. **Commuting shares** (:func:`commuting_shares`): for every unit, the share of its
   employed residents (row total including internal flows) working in each city.
4. **Commuting zones** (:func:`assign_commuting_zones`): a non-city unit with a share of
   at least 15 % (exactly 15.0 % counts) to some city joins the FUA of the city with the
   largest share (ties: smallest FUA label).
5. **Contiguity** (:func:`drop_exclaves`, :func:`add_enclaves`): pieces of an FUA not
   connected to its city are dropped; groups of non-FUA units whose neighbours all belong
   to one FUA (and which do not touch the outer edge of the territory) are added.

FUAs are not exhaustive. In ``labels_`` a unit outside every FUA is **NaN** (every unit
has one row in ``unit,region``, with an empty region for those outside); ``zones_`` tells
``city``, ``commuting_zone`` or ``outside``. An FUA is labelled by the id of its main
city unit (largest population; ties: smallest id).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from cityregions._errors import InputError
from cityregions.constants import REGION, UNIT
from cityregions.delineation._common import (
    CommuterTotals,
    aligned_units,
    check_positive,
    check_share,
    main_member,
    outer_edge_units,
    region_pieces,
)
from cityregions.flows import FlowTable
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

CITY = "city"
COMMUTING_ZONE = "commuting_zone"
OUTSIDE = "outside"


def find_cities(
    territory: Territory, *, min_density: float = 1500.0, min_population: float = 50_000.0
) -> list[str]:
    """Return the units that qualify as cities by density and population.

    Parameters
    ----------
    territory
        Units with ``population`` and ``area_km2``.
    min_density
        Minimum population per km² (EU-OECD urban centre: 1,500).
    min_population
        Minimum population (EU-OECD urban centre: 50,000).

    Returns
    -------
    list of str
        Ids of units with ``population / area_km2 >= min_density`` and
        ``population >= min_population``, sorted.

    Notes
    -----
    The official rule works on the 1 km² population grid (urban centre: contiguous cells
    ≥ 1,500 inh./km², ≥ 50,000 inhabitants; city: units with ≥ 50 % of their population
    in the centre). Without the grid, unit density is a proxy: it misses cities whose
    unit is large and rural at its edge, which is common for German districts.
    """
    check_positive(min_density, name="min_density")
    check_positive(min_population, name="min_population")
    units = territory.units
    for column in ("population", "area_km2"):
        if units[column].isna().any():
            bad = units.index[units[column].isna().to_numpy()][0]
            msg = "finding cities needs population and area_km2 of every unit"
            raise InputError(msg, source=territory.where, location=f"unit {bad}", field=column)
    density = units["population"] / units["area_km2"].where(units["area_km2"] > 0)
    keep = (density >= min_density) & (units["population"] >= min_population)
    return sorted(units.index[keep.to_numpy()])


def merge_polycentric(
    flows: FlowTable,
    cities: Mapping[str, str],
    *,
    share: float = 0.15,
    weight: pd.Series | None = None,
) -> pd.Series:
    """Merge cities linked by commuting into polycentric groups.

    Parameters
    ----------
    flows
        Commuting flows (rows: residence, columns: work), diagonal = internal.
    cities
        City unit → city name (several units may form one city).
    share
        Two cities are merged when at least this share of the employed residents of
        one works in the other (either direction).
    weight
        Weight (e.g. population) per unit used to name a group by its largest city unit;
        default the employed residents.

    Returns
    -------
    pandas.Series
        City unit → group label (the id of the group's main unit), index sorted.

    Notes
    -----
    With :math:`T_{gh}` the flows from city :math:`g` to city :math:`h` (summed over
    their units) and :math:`R_g` the employed residents of :math:`g` (including
    internal flows), :math:`g` and :math:`h` merge if
    :math:`T_{gh}/R_g \\ge s` or :math:`T_{hg}/R_h \\ge s`. Merging repeats on the
    merged groups until nothing changes.
    """
    check_share(share, name="polycentric share")
    unknown = [unit for unit in cities if unit not in flows.index]
    if unknown:
        msg = f"city units not in the flows: {sorted(unknown)[:5]}"
        raise InputError(msg, source="cities", field=UNIT)
    if weight is None:
        weight = flows.residents()
    group = pd.Series({unit: str(name) for unit, name in cities.items()}).sort_index()
    while True:
        merged = _merge_once(flows, group, share)
        if merged.nunique() == group.nunique():
            break
        group = merged
    return _name_groups(group, weight)


def _merge_once(flows: FlowTable, group: pd.Series, share: float) -> pd.Series:
    names = sorted(group.unique())
    positions = flows.index.get_indexer(group.index)
    code = pd.Index(names).get_indexer(group.to_numpy())
    member = sp.csr_array(
        (np.ones(len(positions)), (positions, code)), shape=(len(flows), len(names))
    )
    between = (member.T @ flows.matrix @ member).toarray()
    residents = member.T @ CommuterTotals.of(flows).residents
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(residents[:, None] > 0, between / residents[:, None], 0.0)
    np.fill_diagonal(shares, 0.0)
    linked = sp.csr_array((np.maximum(shares, shares.T) >= share - 1e-12).astype(np.int8))
    _, component = connected_components(linked, directed=False)
    first = {c: names[i] for i, c in reversed(list(enumerate(component)))}
    return group.map(dict(zip(names, [first[c] for c in component], strict=True)))


def _name_groups(group: pd.Series, weight: pd.Series) -> pd.Series:
    names = {
        name: main_member(sorted(members.index), weight)
        for name, members in group.groupby(group, sort=True)
    }
    return group.map(names).rename(REGION).rename_axis(UNIT)


def commuting_shares(flows: FlowTable, groups: pd.Series) -> pd.DataFrame:
    """Return each unit's share of employed residents working in each city group.

    Parameters
    ----------
    flows
        Commuting flows; the row total of a unit (including internal flows) is its
        number of employed residents.
    groups
        City unit → group label (from :func:`merge_polycentric`).

    Returns
    -------
    pandas.DataFrame
        Index: all units of ``flows``; columns: group labels (sorted); values in [0, 1].
        A unit without employed residents has shares of 0.

    Notes
    -----
    :math:`s_{ig} = \\sum_{j \\in g} T_{ij} / \\sum_j T_{ij}` (supply side, to the city,
    not to the urban centre; Eurostat 2019).
    """
    labels = sorted(groups.unique())
    positions = flows.index.get_indexer(groups.index)
    code = pd.Index(labels).get_indexer(groups.to_numpy())
    member = sp.csr_array(
        (np.ones(len(positions)), (positions, code)), shape=(len(flows), len(labels))
    )
    to_group = np.asarray((flows.matrix @ member).toarray())
    residents = CommuterTotals.of(flows).residents
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(residents[:, None] > 0, to_group / residents[:, None], 0.0)
    return pd.DataFrame(shares, index=flows.index, columns=pd.Index(labels, name=REGION))


def assign_commuting_zones(
    shares: pd.DataFrame, groups: pd.Series, *, threshold: float = 0.15
) -> pd.Series:
    """Assign every city unit to its group and qualifying units to their best city.

    Parameters
    ----------
    shares
        Output of :func:`commuting_shares`.
    groups
        City unit → group label.
    threshold
        Minimum share of employed residents commuting to the city; a share equal to
        the threshold qualifies.

    Returns
    -------
    pandas.Series
        Unit → FUA label, NaN for units outside every FUA. A unit above the threshold for
        several cities joins the one with the largest share (ties: smallest label).
    """
    check_share(threshold, name="commuting share")
    values = shares.to_numpy()
    labels = pd.Series(np.nan, index=shares.index, dtype=object, name=REGION)
    if values.shape[1]:
        best = values.argmax(axis=1)  # first maximum = smallest label (columns sorted)
        best_share = values[np.arange(len(values)), best]
        # tolerance: a share of exactly 15 % computed as 0.15000000000000002 or 0.1499…98
        qualifies = best_share >= threshold - 1e-12
        labels[qualifies] = shares.columns.to_numpy()[best[qualifies]]
    labels.loc[groups.index] = groups.to_numpy()
    return labels


def drop_exclaves(
    labels: pd.Series, adjacency: sp.csr_array, cities: pd.Index
) -> tuple[pd.Series, list[str]]:
    """Remove the units of an FUA that are not connected to its city.

    Parameters
    ----------
    labels
        Unit → FUA label (NaN outside), in the order of ``adjacency``.
    adjacency
        Symmetric contiguity of the units.
    cities
        Ids of the city units (never dropped).

    Returns
    -------
    tuple
        The new labels and the sorted ids of the dropped units.
    """
    pieces, _ = region_pieces(labels, adjacency)
    is_city = labels.index.isin(cities)
    city_pieces = set(pieces[is_city & labels.notna().to_numpy()].tolist())
    exclave = labels.notna().to_numpy() & ~np.isin(pieces, list(city_pieces))
    dropped = sorted(labels.index[exclave])
    new = labels.copy()
    new[exclave] = np.nan
    return new, dropped


def add_enclaves(
    labels: pd.Series, adjacency: sp.csr_array, *, on_edge: np.ndarray | None = None
) -> tuple[pd.Series, list[str]]:
    """Add groups of non-FUA units completely surrounded by a single FUA.

    Parameters
    ----------
    labels
        Unit → FUA label (NaN outside), in the order of ``adjacency``.
    adjacency
        Symmetric contiguity of the units.
    on_edge
        Boolean per unit: touches the outer edge of the territory (its neighbours there
        are unknown, so it is never an enclave). Default: no unit is on the edge.

    Returns
    -------
    tuple
        The new labels and the sorted ids of the added units.

    Notes
    -----
    An enclave is a connected group of non-FUA units with at least one neighbour, all
    of whose neighbours outside the group belong to the same FUA. Islands (no
    neighbours) are never enclaves.
    """
    outside = labels.isna().to_numpy()
    edge = np.zeros(len(labels), dtype=bool) if on_edge is None else np.asarray(on_edge)
    pieces, _ = region_pieces(labels, adjacency)
    coo = adjacency.tocoo()
    border = outside[coo.row] & ~outside[coo.col]
    frame = pd.DataFrame(
        {"piece": pieces[coo.row[border]], "fua": labels.to_numpy()[coo.col[border]]}
    )
    surrounding = frame.groupby("piece")["fua"].agg(lambda s: sorted(set(s)))
    edge_pieces = set(pieces[outside & edge].tolist())
    new = labels.copy()
    added: list[str] = []
    for piece, fuas in surrounding.items():
        if len(fuas) != 1 or piece in edge_pieces:
            continue
        members = outside & (pieces == piece)
        new[members] = fuas[0]
        added += list(labels.index[members])
    return new, sorted(added)


class FunctionalUrbanAreas:
    """EU-OECD functional urban areas: cities plus commuting zones (15 % rule).

    Parameters
    ----------
    cities
        City units, as a list of unit ids (each its own city) or a mapping unit → city
        name (several units forming one city). Default: found by
        :func:`find_cities` from ``min_density`` and ``min_population``.
    min_density, min_population
        Thresholds of :func:`find_cities` (used only without ``cities``).
    commuting_share
        Share of employed residents working in the city that puts a unit into its
        commuting zone (default 0.15; exactly 0.15 qualifies).
    polycentric_share
        Share of one city's employed residents working in another city that merges the
        two (default 0.15).
    contiguity
        Drop exclaves and add enclaves using ``territory.contiguity`` (needs polygons).

    Attributes
    ----------
    labels_ : pandas.Series
        Unit → FUA label (main city id); NaN for a unit outside every FUA.
    zones_ : pandas.Series
        Unit → ``"city"``, ``"commuting_zone"`` or ``"outside"``.
    cities_ : pandas.Series
        City unit → FUA label after polycentric merging.
    shares_ : pandas.DataFrame
        Commuting shares of every unit to every FUA (:func:`commuting_shares`).
    exclaves_, enclaves_ : list of str
        Units dropped as exclaves and added as enclaves.

    References
    ----------
    Dijkstra, L., Poelman, H., & Veneri, P. (2019). The EU-OECD definition of a
    functional urban area. OECD Regional Development Working Papers 2019/11.
    Eurostat (2019). Methodological manual on territorial typologies, ch. 5.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"origin": ["c", "a", "a", "b", "b"],
    ...                      "destination": ["c", "a", "c", "b", "c"],
    ...                      "value": [100, 85, 15, 90, 10]})
    >>> flows = FlowTable.from_long(long)
    >>> fua = FunctionalUrbanAreas(cities=["c"], contiguity=False).fit(flows)
    >>> fua.labels_.to_dict()  # b sends 10 % to c: outside
    {'a': 'c', 'b': nan, 'c': 'c'}
    """

    def __init__(
        self,
        *,
        cities: Sequence[str] | Mapping[str, str] | None = None,
        min_density: float = 1500.0,
        min_population: float = 50_000.0,
        commuting_share: float = 0.15,
        polycentric_share: float = 0.15,
        contiguity: bool = True,
    ) -> None:
        self.cities = cities
        self.min_density = check_positive(min_density, name="min_density")
        self.min_population = check_positive(min_population, name="min_population")
        self.commuting_share = check_share(commuting_share, name="commuting_share")
        self.polycentric_share = check_share(polycentric_share, name="polycentric_share")
        self.contiguity = contiguity

    def fit(self, flows: FlowTable, territory: Territory | None = None) -> FunctionalUrbanAreas:
        """Delineate the FUAs on ``flows`` (units of ``territory`` for cities/contiguity).

        Raises
        ------
        InputError
            If cities must be found or contiguity is used without a territory (with
            polygons), if the units differ from the flows' units, or if no city exists.
        """
        cities = self._city_mapping(flows, territory)
        weight = flows.residents()
        if territory is not None and territory.units["population"].notna().all():
            weight = aligned_units(territory, flows, columns=("population",))["population"]
        groups = merge_polycentric(flows, cities, share=self.polycentric_share, weight=weight)
        shares = commuting_shares(flows, groups)
        labels = assign_commuting_zones(shares, groups, threshold=self.commuting_share)
        self.exclaves_: list[str] = []
        self.enclaves_: list[str] = []
        if self.contiguity:
            labels = self._repair_contiguity(labels, flows, territory, groups.index)
        self.cities_ = groups
        self.shares_ = shares
        self.zones_ = pd.Series(COMMUTING_ZONE, index=flows.index, name="zone")
        self.zones_[labels.isna().to_numpy()] = OUTSIDE
        self.zones_[groups.index] = CITY
        self.labels_ = labels.where(labels.isna(), labels.astype(str)).rename(REGION)
        logger.info("FUA: %d cities, %d FUAs", len(groups), groups.nunique())
        return self

    def _city_mapping(self, flows: FlowTable, territory: Territory | None) -> dict[str, str]:
        if self.cities is None:
            if territory is None:
                msg = "finding cities by density needs the units (population, area_km2)"
                raise InputError(msg, field="population")
            found = find_cities(
                territory.subset(flows.ids),
                min_density=self.min_density,
                min_population=self.min_population,
            )
            mapping = {unit: unit for unit in found}
        elif isinstance(self.cities, Mapping):
            mapping = {str(k): str(v) for k, v in self.cities.items()}
        else:
            mapping = {str(unit): str(unit) for unit in self.cities}
        if not mapping:
            msg = (
                "no city: give city unit ids or lower min_density "
                f"({self.min_density:g}) / min_population ({self.min_population:g})"
            )
            raise InputError(msg, field="cities")
        return mapping

    def _repair_contiguity(
        self, labels: pd.Series, flows: FlowTable, territory: Territory | None, cities: pd.Index
    ) -> pd.Series:
        if territory is None or not territory.has_polygons:
            msg = (
                "FUA contiguity (enclaves, exclaves) needs unit polygons; give units with "
                "polygons or switch contiguity off"
            )
            raise InputError(
                msg, source=territory.where if territory else "units", field="geometry"
            )
        aligned_units(territory, flows, columns=())
        local = territory.subset(flows.ids)
        adjacency = local.contiguity
        labels, self.exclaves_ = drop_exclaves(labels, adjacency, cities)
        labels, self.enclaves_ = add_enclaves(labels, adjacency, on_edge=outer_edge_units(local))
        return labels
