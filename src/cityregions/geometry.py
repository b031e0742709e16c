"""What every map draws: unit, flow and region layers, region colours, network positions.

The report (inline SVG), the dashboard (GeoJSON) and the GeoPackage export all draw the
same things; they are computed here once, from core objects and plain data (labels, a
``{body: units}`` mapping of cooperation areas, a table of gaps), so that none of the
three imports another:

* :func:`units_layer`, :func:`flows_layer` — the units (polygons or seat points) and
  the flows (straight lines between seats) as GeoDataFrames in EPSG:4326;
* :func:`region_layers` — units with their region and the dissolved regions;
* :class:`MapView` / :func:`map_view` — units coloured by region, projected to the
  equal-area grid, with the strongest ties, cooperation areas and gaps;
  :func:`region_shapes` and :func:`area_shapes` give one shape per region and per
  cooperation area (dissolved polygons, or a schematic hull of the seats);
* :func:`network_layout` — fixed positions of the registry's actors and bodies.

Coordinates are projected to ETRS89-LAEA (EPSG:3035), so distances and buffers are in
metres.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84, REGION, UNIT

if TYPE_CHECKING:
    import geopandas as gpd

    from cityregions.flows import FlowTable
    from cityregions.registry import Registry
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: Buffer (m) of the schematic hull drawn around the seats of a region without polygons.
HULL_BUFFER_M = 9000.0

# ------------------------------------------------------------------ colours and names
#: Colour-blind-safe qualitative palette (Okabe & Ito 2008, extended with Tol's muted).
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#332288", "#88CCEE", "#44AA99", "#999933", "#AA4499", "#882255", "#117733",
)  # fmt: skip


#: The ``region`` shown for a unit outside every region (NaN labels), and its colour.
OUTSIDE_REGION = "–"
OUTSIDE_COLOUR = "#cbd2d9"


def colour_for(index: int) -> str:
    """Return the palette colour number ``index`` (cycling)."""
    return PALETTE[index % len(PALETTE)]


#: Colours of the region maps (the first eight of :data:`PALETTE`): few enough to stay
#: distinct from one another, enough to spread a colouring of neighbours evenly.
MAP_PALETTE = PALETTE[:8]


#: Size measures of a unit, in order of preference: the first one the units give sizes
#: symbols, orders regions (largest first) and picks the units that get a map label.
SIZE_COLUMNS = ("population", "residents", "jobs")


def size_column(table: pd.DataFrame) -> str | None:
    """Return the first of :data:`SIZE_COLUMNS` with a positive value in ``table``, or None.

    Own data often has no population (e.g. BA commuter data only): the map then sizes and
    orders by the employed residents, and every legend says which measure it shows.

    Examples
    --------
    >>> import pandas as pd
    >>> size_column(pd.DataFrame({"population": [float("nan")], "residents": [5.0]}))
    'residents'
    """
    for column in SIZE_COLUMNS:
        if column in table.columns:
            values = pd.to_numeric(table[column], errors="coerce")
            if bool((values > 0).any()):
                return column
    return None


def unit_sizes(table: pd.DataFrame) -> pd.Series:
    """Return the size of every unit by :func:`size_column` (0 where not given or unknown)."""
    column = size_column(table)
    if column is None:
        return pd.Series(0.0, index=table.index)
    return pd.to_numeric(table[column], errors="coerce").fillna(0.0).astype(float)


def region_adjacency(shapes: Mapping[str, Any], *, tolerance_m: float) -> dict[str, set[str]]:
    """Return the neighbours of every region: shapes closer than ``tolerance_m`` metres.

    Dissolved polygons of touching units touch (a small tolerance bridges slivers of
    generalised boundaries); schematic seat hulls are neighbours when they come closer
    than the tolerance, i.e. when the eye reads them as side by side.
    """
    import shapely

    ids = sorted(shapes)
    geoms = [shapes[i] for i in ids]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
    neighbours: dict[str, set[str]] = {i: set() for i in ids}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            neighbours[ids[a]].add(ids[b])
    return neighbours


def colour_regions(
    order: list[str],
    neighbours: Mapping[str, set[str]],
    *,
    palette: tuple[str, ...] | None = None,
) -> dict[str, str]:
    """Return a colour per region such that neighbouring regions never share a colour.

    The regions are coloured by DSATUR (Brélaz 1979): the next region is the one whose
    neighbours already use the most distinct colours (ties: more neighbours, then
    earlier in ``order``, i.e. the larger region). It takes, of the palette colours none
    of its neighbours uses, the one used least so far (ties: palette order), so the
    colours spread evenly over the :data:`MAP_PALETTE`. Maps of touching regions are
    planar, so a handful of colours suffices (four in theory; DSATUR rarely needs more
    than five or six), whatever the number of regions; the region keys and the legend
    tell regions of the same colour apart.

    Parameters
    ----------
    order
        Region ids, most important first (largest first).
    neighbours
        Region id -> ids of its neighbours (:func:`region_adjacency`).
    palette
        Colours in order of preference (default :data:`MAP_PALETTE`).

    References
    ----------
    Brélaz, D. (1979). New methods to color the vertices of a graph. *Communications of
    the ACM* 22(4), 251–256.

    Examples
    --------
    >>> colour_regions(["a", "b", "c"], {"a": {"b"}, "b": {"a", "c"}, "c": {"b"}},
    ...                palette=("red", "blue", "green"))
    {'a': 'blue', 'b': 'red', 'c': 'green'}
    """
    colours = palette or MAP_PALETTE
    rank = {region: i for i, region in enumerate(order)}
    chosen: dict[str, int] = {}
    count = [0] * (len(colours) + len(order))
    while len(chosen) < len(order):
        left = [r for r in order if r not in chosen]
        taken = {r: {chosen[n] for n in neighbours.get(r, ()) if n in chosen} for r in left}
        degree = {r: sum(1 for n in neighbours.get(r, ()) if n in rank) for r in left}
        region = min(left, key=lambda r: (-len(taken[r]), -degree[r], rank[r]))
        free = [i for i in range(len(colours)) if i not in taken[region]]
        if not free:  # more colours needed than the palette has: a new one
            free = [next(i for i in range(len(count)) if i not in taken[region])]
            logger.warning("region colouring needs more than %d colours", len(colours))
        chosen[region] = min(free, key=lambda i: (count[i], i))
        count[chosen[region]] += 1
    return {region: colours[chosen[region] % len(colours)] for region in order}


def label_point(shape: Any, *, tolerance_m: float = 200.0) -> tuple[float, float]:
    """Return a point well inside ``shape`` to put its label on (projected metres).

    The pole of inaccessibility of its largest part (Garcia-Castellanos & Lombardo 2007,
    "polylabel"), so a label sits inside even a concave or multi-part shape. An empty
    shape (a unit without coordinates) has no such point: ``(nan, nan)``, which callers
    leave out.
    """
    from shapely.ops import polylabel

    if shape is None or shape.is_empty:
        return float("nan"), float("nan")
    parts = list(getattr(shape, "geoms", [shape]))
    largest = max(parts, key=lambda g: g.area)
    if largest.area <= 0:
        point = largest.representative_point()
    else:
        point = polylabel(largest, tolerance=tolerance_m)
    return float(point.x), float(point.y)


def diverging(value: float, top: float) -> str:
    """Return a green (positive) to red (negative) colour for ``value`` in [-top, top]."""
    if not np.isfinite(value):
        return "#cbd2d9"
    t = min(abs(value) / top, 1.0) ** 0.6
    base = (26, 152, 80) if value >= 0 else (215, 48, 39)
    light = (247, 247, 247)
    rgb = [round(light[i] + (base[i] - light[i]) * (0.25 + 0.75 * t)) for i in range(3)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


#: Classes of a unit's stability (share of runs that agree with the consensus region,
#: :mod:`cityregions.delineation.sweep`): lower bound and colour, from ColorBrewer YlOrRd
#: with 5 classes (Brewer, Hatchard & Harrower 2003), the least stable darkest.
STABILITY_CLASSES: tuple[tuple[float, str], ...] = (
    (1.0, "#ffffb2"),
    (0.9, "#fecc5c"),
    (0.75, "#fd8d3c"),
    (0.5, "#f03b20"),
    (0.0, "#bd0026"),
)


def stability_colour(value: float) -> str:
    """Return the colour of a stability share (its class of :data:`STABILITY_CLASSES`).

    Examples
    --------
    >>> stability_colour(1.0), stability_colour(0.95), stability_colour(0.3)
    ('#ffffb2', '#fecc5c', '#bd0026')
    """
    if not np.isfinite(value):
        return OUTSIDE_COLOUR
    return next(colour for low, colour in STABILITY_CLASSES if value >= low)


#: Node colours by record kind (bodies by level).
NODE_COLOURS = {
    "metropolitan": "#0b5cad",
    "city_region": "#2f855a",
    "thematic": "#805ad5",
    "actor": "#9aa5b1",
}


#: German state keys (first two digits of the AGS) to short names.
STATE_NAMES = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP",
    "08": "BW", "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN",
    "15": "ST", "16": "TH",
}  # fmt: skip

#: German state keys to full names (state tables, e.g. the openness per state).
STATE_FULL_NAMES = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg", "09": "Bayern", "10": "Saarland", "11": "Berlin",
    "12": "Brandenburg", "13": "Mecklenburg-Vorpommern", "14": "Sachsen",
    "15": "Sachsen-Anhalt", "16": "Thüringen",
}  # fmt: skip


def map_label(row: pd.Series) -> str:
    """Return the map label of a unit: short city names, "Lkr." before rural districts.

    ``Leipzig, Stadt`` becomes ``Leipzig`` and the district ``Leipzig`` (``type``
    Landkreis) becomes ``Lkr. Leipzig``, so the two stay apart.
    """
    name = short_name(str(row["name"]))
    kind = str(row.get("type", "") or "")
    return f"Lkr. {name}" if kind.lower() == "landkreis" else name


def map_labels(table: pd.DataFrame) -> dict[str, str]:
    """Return the map label of every unit, two units never under the same label.

    :func:`map_label` tells districts by their ``type``; data without it (BA commuter
    data: ``Leipzig, Stadt`` and ``Leipzig``) would show "Leipzig" twice: of two units
    with the same short name, the one whose name has no suffix (the district) reads
    ``Lkr. Leipzig``.
    """
    labels = {str(u): map_label(row) for u, row in table.iterrows()}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    for unit, label in labels.items():
        name = str(table.at[unit, "name"])
        if counts[label] > 1 and "," not in name and not label.startswith("Lkr. "):
            labels[unit] = f"Lkr. {label}"
    return labels


def short_name(name: str) -> str:
    """Return a district name without its administrative suffix (``Leipzig, Stadt``)."""
    return name.split(",")[0].strip()


# ------------------------------------------------------------------ projection
@functools.lru_cache(maxsize=4)
def transformer(source: str, target: str) -> Any:
    """Return a (cached) pyproj transformer with longitude/latitude axis order."""
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def project(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 longitude/latitude to ETRS89-LAEA metres (EPSG:3035)."""
    forward = transformer(CRS_WGS84, CRS_EQUAL_AREA)
    x, y = forward.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


# ------------------------------------------------------------------ layers
def units_layer(territory: Territory) -> gpd.GeoDataFrame:
    """Return the ``units`` layer: unit fields with polygons (or seat points)."""
    frame = territory.to_geodataframe()
    for column in frame.columns:
        if frame[column].dtype == object and column != frame.geometry.name:
            frame[column] = frame[column].astype("string")
    return frame


def flows_layer(
    flows: FlowTable,
    territory: Territory,
    *,
    min_value: float = 0.0,
    include_internal: bool = False,
) -> gpd.GeoDataFrame:
    """Return the ``flows`` layer: one straight line per flow between unit seats.

    Parameters
    ----------
    flows
        The flows; their ``flows_provenance`` (observed, completed or modeled) and
        ``source`` become columns.
    territory
        Units with seats (``lon``, ``lat``) for every id of ``flows``.
    min_value
        Only flows strictly above this value are drawn.
    include_internal
        Also write the diagonal (as zero-length lines); off by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``origin, destination, value, flows_provenance, source`` and LineString
        geometry in EPSG:4326, sorted by origin and destination.
    """
    import geopandas as gpd
    import shapely

    long = flows.to_long()
    long = long[long["value"] > min_value]
    if not include_internal:
        long = long[long["origin"] != long["destination"]]
    seats = territory.units[["lon", "lat"]]
    used = set(long["origin"]) | set(long["destination"])
    missing = sorted(used - set(seats.index))
    missing += sorted(u for u in used - set(missing) if seats.loc[u].isna().any())
    if missing:
        msg = f"units without a seat point (lon, lat) for the flows layer, e.g. {missing[:5]}"
        raise InputError(msg, source=territory.where, field="lon")
    start = seats.loc[long["origin"]].to_numpy(dtype=float)
    end = seats.loc[long["destination"]].to_numpy(dtype=float)
    coords = np.stack([start, end], axis=1)
    lines = shapely.linestrings(coords)
    frame = long.reset_index(drop=True).assign(source=flows.source)
    return gpd.GeoDataFrame(frame, geometry=lines, crs=CRS_WGS84)


def region_layers(
    units: Territory, labels: pd.Series, summary: pd.DataFrame, *, zones: pd.Series | None = None
) -> dict[str, Any]:
    """Return the GeoPackage layers ``units`` (with region, zone) and ``regions`` (dissolved).

    Parameters
    ----------
    units
        Territory with polygons.
    labels
        Unit → region.
    summary
        Per-region table with a ``region`` column (e.g.
        :func:`cityregions.delineation.api.region_summary`); its columns become
        attributes of ``regions``.
    zones
        Optional unit → zone, added to the ``units`` layer.

    Raises
    ------
    InputError
        If the territory has no polygons.
    """
    import geopandas as gpd

    if not units.has_polygons:
        msg = "a GeoPackage of regions needs unit polygons; give --units as GeoPackage/GeoJSON"
        raise InputError(msg, source=units.where, field="geometry")
    layer = units_layer(units)
    layer[REGION] = labels.reindex(layer[UNIT]).astype("string").to_numpy()
    if zones is not None:
        layer["zone"] = zones.reindex(layer[UNIT]).astype("string").to_numpy()
    pieces = layer[[REGION, "geometry"]].copy()
    pieces["geometry"] = pieces.geometry.make_valid()
    dissolved = pieces.dissolve(by=REGION, as_index=False)
    attributes = summary.copy()
    attributes[REGION] = attributes[REGION].astype(str)
    for column in attributes.columns:
        if attributes[column].dtype == object:
            attributes[column] = attributes[column].astype("string")
    regions = gpd.GeoDataFrame(
        attributes.merge(dissolved, on=REGION, how="left"), geometry="geometry", crs=layer.crs
    )
    return {"units": layer, "regions": regions}


# ------------------------------------------------------------------ map view
@dataclass
class MapView:
    """What one map shows; built by :func:`map_view`.

    Attributes
    ----------
    units
        The unit table with ``region`` and projected ``x``, ``y`` (EPSG:3035).
    colours, names
        Colour and display name per region.
    geometry
        Projected GeoSeries of unit polygons, or None (then seats and hulls are drawn).
    ties
        Strongest unit pairs (``a``, ``b``, ``value``).
    areas
        Cooperation areas ``{body: {"name": ..., "units": [...]}}``.
    gaps
        Governance gaps (``a``, ``b`` and further columns).
    has_labels
        Whether ``region`` holds functional regions (else states).
    keys
        Region -> its number on the map and in the legend (1 = the largest region).
    size
        The column that sizes and orders the units (:func:`size_column`), or None.
    """

    units: pd.DataFrame
    colours: dict[str, str]
    names: dict[str, str]
    geometry: Any = None
    ties: pd.DataFrame = field(default_factory=pd.DataFrame)
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    has_labels: bool = False
    keys: dict[str, int] = field(default_factory=dict)
    size: str | None = None


def units_frame(territory: Territory, labels: pd.Series | None = None) -> pd.DataFrame:
    """Return the unit table with a ``region`` column (the state when no labels are given).

    Units outside every region (NaN labels) get :data:`OUTSIDE_REGION` (``–``).
    """
    table = territory.units.copy()
    if labels is not None:
        aligned = labels.reindex(table.index)
        table[REGION] = aligned.where(aligned.isna(), aligned.astype(str)).fillna(OUTSIDE_REGION)
    else:
        state = table["state"].astype(str).str.zfill(2)
        table[REGION] = state.map(STATE_NAMES).fillna(state)
    return table


def region_names(
    table: pd.DataFrame, names: Mapping[str, str] | None = None, *, labelled: bool = True
) -> dict[str, str]:
    """Return a display name per region: ``names`` if given, else the largest unit's.

    ``table`` is the output of :func:`units_frame`; without functional labels
    (``labelled=False``) the region ids (states) are their own names.
    """
    if names is not None:
        return {str(k): str(v) for k, v in names.items()}
    if not labelled:
        return {r: r for r in table[REGION].unique()}
    ranked = table.assign(_size=unit_sizes(table))
    largest = ranked.sort_values(["_size", "name"], ascending=[False, True])
    first = largest.groupby(REGION, sort=False)["name"].first()
    names = {str(r): short_name(str(n)) for r, n in first.items()}
    if OUTSIDE_REGION in names:
        names[OUTSIDE_REGION] = OUTSIDE_REGION  # not a region: no name of a unit
    return names


def map_view(
    territory: Territory,
    *,
    labels: pd.Series | None = None,
    names: Mapping[str, str] | None = None,
    flows: FlowTable | None = None,
    areas: Mapping[str, Mapping[str, Any]] | None = None,
    gaps: pd.DataFrame | None = None,
    n_ties: int = 30,
    n_gaps: int = 10,
) -> MapView:
    """Collect what the city-region map shows.

    Parameters
    ----------
    territory
        The units (seats; polygons when present).
    labels
        Unit → region; without them units are grouped by state.
    names
        Display name per region (default: the largest unit's short name).
    flows
        Flows whose ``n_ties`` strongest pairs are drawn.
    areas
        Cooperation areas ``{body: {"name": ..., "units": [...]}}``.
    gaps
        Governance gaps with unit columns ``a`` and ``b``; the first ``n_gaps`` are drawn.
    """
    table = units_frame(territory, labels)
    x, y = project(table["lon"], table["lat"])
    table["x"], table["y"] = x, y
    geometry = None
    if territory.geometry is not None:
        geometry = territory.geometry.to_crs(CRS_EQUAL_AREA)
    ties = strongest_ties(flows, n=n_ties) if flows is not None else pd.DataFrame()
    shown_gaps = gaps.head(n_gaps) if gaps is not None else pd.DataFrame(columns=["a", "b"])
    view = MapView(
        units=table,
        colours={},
        names=region_names(table, names, labelled=labels is not None),
        geometry=geometry,
        ties=ties,
        areas={str(k): dict(v) for k, v in (areas or {}).items()},
        gaps=shown_gaps,
        has_labels=labels is not None,
        size=size_column(table),
    )
    order = [r for r in region_order(table) if r != OUTSIDE_REGION or not view.has_labels]
    view.keys = {region: i + 1 for i, region in enumerate(order)}
    view.colours = region_colours(view, order)
    if OUTSIDE_REGION in set(table[REGION]) and view.has_labels:
        view.colours[OUTSIDE_REGION] = OUTSIDE_COLOUR  # outside every region: grey
    return view


#: Distance (m) under which two regions count as neighbours for the colouring: a sliver
#: between generalised polygons, or seat hulls that the eye reads as side by side.
NEIGHBOUR_M = {"polygons": 500.0, "hulls": 2 * HULL_BUFFER_M}


def region_colours(view: MapView, order: list[str]) -> dict[str, str]:
    """Return the colour of every region of ``view``: neighbours never share a colour.

    Neighbours are regions whose shapes (:func:`region_shapes`) come closer than
    :data:`NEIGHBOUR_M`; the colouring is :func:`colour_regions` in ``order``.
    """
    shapes = {r: s for r, s in region_shapes(view).items() if r in set(order)}
    tolerance = NEIGHBOUR_M["polygons" if view.geometry is not None else "hulls"]
    return colour_regions(order, region_adjacency(shapes, tolerance_m=tolerance))


def region_order(table: pd.DataFrame) -> list[str]:
    """Return region ids ordered by size (largest first, ties by id).

    The size is the sum of :func:`unit_sizes` (population, else employed residents,
    else jobs); ids that are numbers sort as numbers (``2`` before ``10``).
    """
    size = unit_sizes(table).groupby(table["region"].astype(str)).sum()
    return sorted(size.index, key=lambda r: (-float(size[r]), natural_key(r)))


def natural_key(text: str) -> tuple[Any, ...]:
    """Return a sort key that orders the numbers inside ``text`` as numbers.

    Region and unit ids are text (``"2"``, ``"12"``, ``"14612"``); sorted as text they
    read ``12, 15, 2``. Keys are tuples alternating text and numbers.

    Examples
    --------
    >>> sorted(["12", "2", "R10", "R9"], key=natural_key)
    ['2', '12', 'R9', 'R10']
    """
    import re

    parts = re.split(r"(\d+)", str(text))
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts if p != "")


def strongest_ties(table: FlowTable, *, n: int = 40) -> pd.DataFrame:
    """Return the ``n`` strongest unit pairs by flows in both directions (no diagonal).

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (unit ids, ``a < b``) and ``value`` = flows a→b + b→a,
        sorted by value (descending, ties by ids).
    """
    matrix = table.matrix.tocoo()
    ids = np.asarray(table.ids)
    off = matrix.row != matrix.col
    rows, cols, vals = matrix.row[off], matrix.col[off], matrix.data[off]
    a = np.where(ids[rows] < ids[cols], ids[rows], ids[cols])
    b = np.where(ids[rows] < ids[cols], ids[cols], ids[rows])
    pairs = pd.DataFrame({"a": a, "b": b, "value": vals})
    summed = pairs.groupby(["a", "b"], as_index=False).agg(value=("value", "sum"))
    summed = summed.sort_values(["value", "a", "b"], ascending=[False, True, True])
    return summed.head(n).reset_index(drop=True)


def region_shapes(layers: MapView) -> dict[str, Any]:
    """Return one shape per region (EPSG:3035): dissolved unit polygons where the units
    have polygons, otherwise a schematic hull of the unit seats (not a boundary).

    Units outside every region (:data:`OUTSIDE_REGION`) get no shape, nor does a region
    whose units have neither polygons nor coordinates.
    """
    shapes = {}
    for region, group in layers.units.groupby("region", sort=True):
        if region == OUTSIDE_REGION and layers.has_labels:
            continue  # units outside every region form no region
        if layers.geometry is not None:
            shape = layers.geometry.loc[group.index].union_all()
        else:
            shape = _seat_hull(group, HULL_BUFFER_M)
        if not shape.is_empty:
            shapes[str(region)] = shape
    return shapes


def area_shapes(layers: MapView) -> list[tuple[str, str, list[str], Any]]:
    """Return ``(body, name, member units, shape)`` per cooperation area with known units.

    The shape is the union of the members' polygons, or a schematic seat hull drawn a
    little wider than the region hulls so that both stay visible.
    """
    xy = layers.units[["x", "y"]]
    shapes = []
    for body, area in sorted(layers.areas.items()):
        members = [u for u in area["units"] if u in xy.index]
        if not members:
            continue
        if layers.geometry is not None:
            shape = layers.geometry.loc[members].union_all()
        else:
            shape = _seat_hull(xy.loc[members], HULL_BUFFER_M * 1.6)
        shapes.append((body, str(area["name"]), members, shape))
    return shapes


def _seat_hull(points: pd.DataFrame, buffer_m: float) -> Any:
    from shapely.geometry import MultiPoint

    points = points[points[["x", "y"]].notna().all(axis=1)]  # seats without coordinates
    hull = MultiPoint(list(zip(points["x"], points["y"], strict=True))).convex_hull
    return hull.buffer(buffer_m, quad_segs=6)


# ------------------------------------------------------------------ network
def network_layout(registry: Registry, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Return node positions in [0, 1]² for every actor and body of ``registry``.

    The largest connected part is laid out in the upper 80 % of the picture; smaller
    parts (and isolated records) sit side by side in a band below it. The layout uses
    all memberships of all dates, so a snapshot on any date keeps the same positions.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted([*registry.actor_ids, *registry.body_ids]))
    graph.add_edges_from(sorted({(m.member, m.body) for m in registry.memberships}))
    if graph.number_of_nodes() == 0:
        return {}
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    main, others = parts[0], [p for p in parts[1:] if len(p) > 0]
    positions = _fit(_spring(_part(graph, main), seed), (0.0, 0.0, 1.0, 0.8 if others else 1.0))
    for i, part in enumerate(others):
        box = (i / len(others), 0.88, (i + 0.8) / len(others), 1.0)
        positions.update(_fit(_spring(_part(graph, part), seed), box))
    return positions


def _part(graph: Any, nodes: set[str]) -> Any:
    """Return the part of ``graph`` on ``nodes`` as a new graph with nodes in id order.

    ``graph.subgraph(nodes)`` iterates a *set* of ids when the part is less than half
    the graph, so the order in which the spring layout draws its seeded start positions
    (and hence the picture) would follow ``PYTHONHASHSEED``.
    """
    import networkx as nx

    part = nx.Graph()
    part.add_nodes_from(sorted(nodes))
    part.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.subgraph(nodes).edges()))
    return part


def _spring(graph: Any, seed: int) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if graph.number_of_nodes() == 1:
        return {str(n): (0.5, 0.5) for n in graph.nodes}
    k = 2.0 / graph.number_of_nodes() ** 0.5
    found = nx.spring_layout(graph, seed=seed, k=k, iterations=200)
    return {str(n): (float(p[0]), float(p[1])) for n, p in found.items()}


def _fit(
    positions: dict[str, tuple[float, float]], box: tuple[float, float, float, float]
) -> dict[str, tuple[float, float]]:
    """Scale positions into ``box`` = (x0, y0, x1, y1), keeping single points centred."""
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    x0, y0, x1, y1 = box
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    return {
        n: (
            x0 + (x1 - x0) * ((p[0] - min(xs)) / span_x if span_x else 0.5),
            y0 + (y1 - y0) * ((p[1] - min(ys)) / span_y if span_y else 0.5),
        )
        for n, p in positions.items()
    }
