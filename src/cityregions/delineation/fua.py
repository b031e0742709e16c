"""EU-OECD functional urban areas (FUA): cities plus their commuting zones.

The method (Dijkstra, Poelman & Veneri 2019; Eurostat 2019) in five steps, each a pure
function of this module:

1. **Cities** (:func:`city_mapping`). A city is one or more local administrative units
   (LAU) in which at least half of the population lives in an urban centre (a cluster
   of contiguous 1 km² grid cells of ≥ 1,500 inh./km² with ≥ 50,000 inhabitants). In
   order of preference the cities come from

   a. a list (or a mapping unit → city for cities made of several units);
   b. the degree of urbanisation of the units, column ``degurba`` (1 = *city*: the
      Destatis directory's ``verstaedterungschluessel`` 01 is Eurostat's class 1);
   c. the share of each unit's population living in an urban centre, column
      ``urban_centre_share`` (from grid data): a unit with a share ≥ 0.5 is a city;
   d. only without any of these: a unit-level stand-in for the grid, with a
      :class:`~cityregions._errors.DataQualityWarning`: contiguous units of density ≥
      1,500 inh./km² form a stand-in urban centre if together they have ≥ 50,000
      inhabitants, and its units are one city (at unit resolution a unit is either
      wholly in the stand-in centre or not, so the ≥ 50 % population rule reduces to
      that).
2. **Polycentric merging** (:func:`merge_polycentric`): a city joins another city's FUA
   when ≥ 15 % of its employed residents work in that city — tested **pairwise**, city
   by city, never on the flows of an already merged group.
3. **Commuting shares** (:func:`commuting_shares`): for every unit, the share of its
   employed residents (row total including internal flows) working in each FUA's cities.
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
import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from cityregions._errors import DataQualityWarning, InputError, ParameterError
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
#: Where the cities come from (:func:`city_mapping`).
CitySource = Literal["auto", "given", "degurba", "urban_centre_share", "density"]
CITY_SOURCES: tuple[str, ...] = ("auto", "given", "degurba", "urban_centre_share", "density")
#: Message of the warning given when cities are found by unit density.
DENSITY_WARNING = (
    "FUA cities found by unit density (a stand-in for the 1 km² grid urban centre): "
    "give --cities, or units with a degurba column (Destatis verstaedterungschluessel) "
    "for the official city rule"
)


def find_cities(
    territory: Territory,
    adjacency: sp.csr_array | None = None,
    *,
    min_density: float = 1500.0,
    min_population: float = 50_000.0,
) -> dict[str, str]:
    """Return the cities of a unit-level stand-in for the grid urban centres.

    Parameters
    ----------
    territory
        Units with ``population`` and ``area_km2``.
    adjacency
        Symmetric contiguity of the units (territory order); None: every unit alone.
    min_density
        Minimum population per km² of a unit in a stand-in centre (grid rule: 1,500).
    min_population
        Minimum population of a stand-in centre (grid rule: 50,000).

    Returns
    -------
    dict
        City unit → city (the id of the centre's most populous unit; ties: smallest
        id), sorted by unit.

    Notes
    -----
    The official urban centre is a cluster of contiguous 1 km² cells with ≥ 1,500
    inh./km² and ≥ 50,000 inhabitants; a unit is a city when ≥ 50 % of its population
    lives in one. Here the units are the cells: units of density ≥ ``min_density``
    that touch form clusters, a cluster of ≥ ``min_population`` is a stand-in centre,
    and all its units (wholly inside it) are one city. A unit that is large and rural
    at its edge is missed, which is common for German districts.
    """
    check_positive(min_density, name="min_density")
    check_positive(min_population, name="min_population")
    units = territory.units
    for column in ("population", "area_km2"):
        if units[column].isna().any():
            bad = units.index[units[column].isna().to_numpy()][0]
            msg = "finding cities by density needs population and area_km2 of every unit"
            raise InputError(msg, source=territory.where, location=f"unit {bad}", field=column)
    density = units["population"] / units["area_km2"].where(units["area_km2"] > 0)
    dense = (density >= min_density).to_numpy()
    n = len(units)
    links = sp.csr_array((n, n)) if adjacency is None else sp.csr_array(adjacency)
    keep = sp.diags_array(dense.astype(float))
    _, cluster = connected_components(keep @ links @ keep, directed=False)
    population = units["population"].to_numpy(dtype=float)
    mapping: dict[str, str] = {}
    for code in np.unique(cluster[dense]):
        members = sorted(units.index[dense & (cluster == code)])
        if population[dense & (cluster == code)].sum() >= min_population:
            name = main_member(members, units["population"])
            mapping.update(dict.fromkeys(members, name))
    return dict(sorted(mapping.items()))


def city_mapping(
    territory: Territory | None,
    *,
    cities: Sequence[str] | Mapping[str, str] | None = None,
    source: CitySource = "auto",
    min_density: float = 1500.0,
    min_population: float = 50_000.0,
) -> tuple[dict[str, str], str]:
    """Return the cities (unit → city) and where they came from.

    Parameters
    ----------
    territory
        The units (needed unless ``cities`` are given).
    cities
        City unit ids, or a mapping unit → city for cities of several units.
    source
        ``"auto"``: the first available of ``given`` (``cities``), ``degurba`` (a
        ``degurba`` column without gaps), ``urban_centre_share`` (such a column) and
        ``density`` (population and area; warns). Or one of them by name.
    min_density, min_population
        Thresholds of the density stand-in (:func:`find_cities`).

    Returns
    -------
    tuple
        The mapping (sorted by unit) and the source used.

    Raises
    ------
    InputError
        No way to find cities (the message names the options that give one), or a
        named source whose data are missing.
    """
    available = _city_sources(territory, cities)
    if source == "auto":
        source = next((s for s in ("given", "degurba", "urban_centre_share", "density")
                       if s in available), "auto")  # fmt: skip
    if source not in available:
        msg = (
            "FUA needs a way to find cities: give --cities (unit ids or @file), or "
            "--units with a degurba column (1 = city; Destatis verstaedterungschluessel "
            "01), an urban_centre_share column, or population and area_km2 (density "
            f"stand-in); {'nothing' if source == 'auto' else repr(source)} is available"
        )
        raise InputError(msg, source="--cities", field="cities")
    if source == "given":
        assert cities is not None
        if isinstance(cities, Mapping):
            return {str(k): str(v) for k, v in sorted(cities.items())}, source
        return {str(unit): str(unit) for unit in sorted(cities)}, source
    assert territory is not None
    units = territory.units
    if source == "degurba":
        city = pd.to_numeric(units["degurba"], errors="coerce") == 1
        return {unit: unit for unit in sorted(units.index[city.to_numpy()])}, source
    if source == "urban_centre_share":
        city = units["urban_centre_share"].astype(float) >= 0.5
        return {unit: unit for unit in sorted(units.index[city.to_numpy()])}, source
    warnings.warn(DENSITY_WARNING, DataQualityWarning, stacklevel=2)
    adjacency = territory.contiguity if territory.has_polygons else None
    found = find_cities(
        territory, adjacency, min_density=min_density, min_population=min_population
    )
    return found, source


def _city_sources(
    territory: Territory | None, cities: Sequence[str] | Mapping[str, str] | None
) -> set[str]:
    """The city sources whose data are present."""
    found = {"given"} if cities is not None else set()
    if territory is None:
        return found
    units = territory.units
    for column in ("degurba", "urban_centre_share"):
        if column in units.columns and units[column].notna().all():
            found.add(column)
    if units[["population", "area_km2"]].notna().all().all():
        found.add("density")
    return found


def merge_polycentric(
    flows: FlowTable,
    cities: Mapping[str, str],
    *,
    share: float = 0.15,
    weight: pd.Series | None = None,
) -> pd.Series:
    """Merge cities linked by commuting into polycentric groups, pair by pair.

    Parameters
    ----------
    flows
        Commuting flows (rows: residence, columns: work), diagonal = internal.
    cities
        City unit → city name (several units may form one city).
    share
        A city joins another city's FUA when at least this share of its employed
        residents works in that city.
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
    internal flows), :math:`g` joins :math:`h` if :math:`T_{gh}/R_g \\ge s`. The test is
    made for every ordered pair of the *original* cities; groups are the connected
    components of these pairwise links (a city joining a city that joined a third one
    ends in the same FUA). Flows of merged groups are never summed for the test, so a
    city sending 10 % to each of two merged cities does not join them.
    """
    check_share(share, name="polycentric share")
    unknown = [unit for unit in cities if unit not in flows.index]
    if unknown:
        msg = f"city units not in the flows: {sorted(unknown)[:5]}"
        raise InputError(msg, source="cities", field=UNIT)
    if weight is None:
        weight = flows.residents()
    group = pd.Series({unit: str(name) for unit, name in cities.items()}).sort_index()
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
    linked = sp.csr_array((shares >= share - 1e-12).astype(np.int8))
    _, component = connected_components(linked, directed=False)
    first = {c: names[i] for i, c in reversed(list(enumerate(component)))}
    merged = group.map(dict(zip(names, [first[c] for c in component], strict=True)))
    return _name_groups(merged, weight)


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
        name (several units forming one city). Default: found from the units
        (:func:`city_mapping`).
    city_source
        ``"auto"`` (default: the list, else the ``degurba`` column, else
        ``urban_centre_share``, else the density stand-in with a warning) or one of
        ``"given"``, ``"degurba"``, ``"urban_centre_share"``, ``"density"``.
    min_density, min_population
        Thresholds of the density stand-in (:func:`find_cities`).
    commuting_share
        Share of employed residents working in the city that puts a unit into its
        commuting zone (default 0.15; exactly 0.15 qualifies).
    polycentric_share
        Share of one city's employed residents working in another city that merges the
        two, tested pairwise (default 0.15).
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
    city_source_ : str
        Where the cities came from (``given``, ``degurba``, ``urban_centre_share``,
        ``density``).

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
        city_source: CitySource = "auto",
        min_density: float = 1500.0,
        min_population: float = 50_000.0,
        commuting_share: float = 0.15,
        polycentric_share: float = 0.15,
        contiguity: bool = True,
    ) -> None:
        if city_source not in CITY_SOURCES:
            msg = f"city_source must be one of {', '.join(CITY_SOURCES)}, got {city_source!r}"
            raise ParameterError(msg)
        self.cities = cities
        self.city_source: CitySource = city_source
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
        local = territory.subset(flows.ids) if territory is not None else None
        mapping, self.city_source_ = city_mapping(
            local,
            cities=self.cities,
            source=self.city_source,
            min_density=self.min_density,
            min_population=self.min_population,
        )
        if not mapping:
            msg = (
                f"no city found ({self.city_source_}): give --cities, or lower "
                f"--min-density ({self.min_density:g}) / --min-population "
                f"({self.min_population:g}) of the density stand-in"
            )
            raise InputError(msg, source="--cities", field="cities")
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
