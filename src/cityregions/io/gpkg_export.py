"""The GeoPackage export for QGIS: units, regions, flows, cooperation areas, gaps, styles.

:func:`export_geopackage` writes the layers of one pipeline run (:class:`~cityregions.pipeline.
results.CaseResults`)
into one ``.gpkg`` (EPSG:4326) with :func:`cityregions.io.geo.write_geopackage` (atomic),
plus a ``layer_styles`` table in the layout QGIS reads on opening a layer, so each layer
opens with a readable default style (regions coloured as in the report, flows grey,
cooperation areas dashed, gaps red dashed).

Regions are the dissolved unit polygons where the units have polygons; otherwise (seat
points only) they are *schematic* buffered convex hulls of the member seats, flagged in
the ``schematic`` column.

A further unit level of the case (:attr:`~cityregions.pipeline.results.CaseResults.
levels`, e.g. ``municipality``) adds the layers ``<level>_units``, ``<level>_regions``
and ``<level>_areas``. The attribution the case's sources require
(:attr:`~cityregions.pipeline.case.Case.attribution`) is the description of every layer
(``gpkg_contents.description``), the dataset metadata ``ATTRIBUTION`` and the table
``attribution``, together with the provenance of the flows behind each layer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions._errors import ParameterError
from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84
from cityregions.io._timestamp import build_time

if TYPE_CHECKING:
    import geopandas as gpd

    from cityregions.geometry import MapView
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

#: Directed flows written to the ``flows`` layer (the strongest, for a readable map).
MAX_FLOWS = 300


def export_geopackage(
    results: CaseResults, path: str | Path, *, max_flows: int = MAX_FLOWS
) -> Path:
    """Write the QGIS GeoPackage of ``results`` to ``path`` and return the path.

    Parameters
    ----------
    results
        Output of :func:`cityregions.pipeline.steps.run_case`.
    path
        Target ``.gpkg`` (replaced as a whole; nothing is written on error).
    max_flows
        Number of strongest directed flows (no diagonal) in the ``flows`` layer.

    Raises
    ------
    ParameterError
        If ``max_flows`` is negative.

    Returns
    -------
    Path
        The written file. Layers: ``units`` (always), ``regions``, ``flows``,
        ``cooperation_areas``, ``gaps`` (when the results have them), ``layer_styles``.
        Layers and rows come in a fixed order (flows by value, then origin and
        destination id); with ``SOURCE_DATE_EPOCH`` set, its time is the only time
        stamped into the file (``layer_styles.update_time``, ``gpkg_contents.last_change``),
        so two runs on the same results give byte-identical files.
    """
    from cityregions.io.geo import write_geopackage

    if max_flows < 0:
        msg = f"max_flows must be zero or positive, got {max_flows}"
        raise ParameterError(msg)
    layers = gpkg_layers(results, max_flows=max_flows)
    styles = layer_styles(
        layers, colours=_region_colours(layers), extra=_level_renderers(layers, results)
    )
    attribution = results.case.attribution
    text = " · ".join(attribution)
    descriptions = {name: _description(name, results, text) for name in layers}
    table = pd.DataFrame({"attribution": attribution}) if attribution else None
    extra = {"attribution": table} if table is not None else {}
    return write_geopackage(
        path,
        {**layers, "layer_styles": styles, **extra},
        descriptions=descriptions,
        metadata={"ATTRIBUTION": text, "TITLE": results.case.name} if text else None,
    )


def _description(layer: str, results: CaseResults, attribution: str) -> str:
    """What a layer shows, where its flows come from, and the sources' attribution."""
    level = next((n for n in results.levels if layer.startswith(f"{n}_")), None)
    source = results.levels[level] if level is not None else results
    flows = source.territory.flows if source.territory is not None else None
    parts = [f"{source.case.name}: {layer}"]
    if flows is not None and layer not in ("units", f"{level}_units"):
        caveat = source.case.flows_caveat
        parts.append(f"from {flows.flows_provenance} flows" + (f" ({caveat})" if caveat else ""))
    if attribution:
        parts.append(f"Sources: {attribution}")
    return "; ".join(parts)


def gpkg_layers(results: CaseResults, *, max_flows: int = MAX_FLOWS) -> dict[str, gpd.GeoDataFrame]:
    """Return the spatial layers of the export (see :func:`export_geopackage`)."""
    from cityregions.geometry import flows_layer, units_layer
    from cityregions.pipeline import views

    view = views.case_map(results, n_ties=0, n_gaps=1000)
    terr = views.territory(results)
    units = units_layer(terr)
    units["region"] = units["unit"].map(view.units["region"]).astype("string")
    units["region_name"] = units["region"].map(view.names).astype("string")
    layers: dict[str, gpd.GeoDataFrame] = {"units": units}
    layers["regions"] = _regions(view)
    flows = views.flows(results)
    if flows is not None:
        long = flows.to_long()
        off = long[long["origin"] != long["destination"]]
        threshold = float(off["value"].nlargest(max_flows).min()) if len(off) else 0.0
        layer = flows_layer(flows, terr, min_value=threshold - 1e-9)
        layers["flows"] = layer.sort_values(
            ["value", "origin", "destination"], ascending=[False, True, True], kind="stable"
        )
    if view.areas:
        layers["cooperation_areas"] = _areas(view)
    if not view.gaps.empty:
        layers["gaps"] = _gaps(view, terr.units)
    if flows is not None:
        # Regions and gaps are derived from the flows: they are as observed or modeled as those.
        for name in ("units", "regions", "gaps"):
            if name in layers:
                layers[name]["flows_provenance"] = flows.flows_provenance
    for level_name, level in results.levels.items():
        layers |= _level_layers(level_name, level)
    return {name: frame.reset_index(drop=True) for name, frame in layers.items()}


def _level_layers(name: str, level: CaseResults) -> dict[str, gpd.GeoDataFrame]:
    """Units, regions and cooperation areas of a further unit level of the case."""
    from cityregions.geometry import units_layer
    from cityregions.pipeline import views

    view = views.case_map(level, n_ties=0, n_gaps=0)
    units = units_layer(views.territory(level))
    units["region"] = units["unit"].map(view.units["region"]).astype("string")
    units["region_name"] = units["region"].map(view.names).astype("string")
    layers = {f"{name}_units": units, f"{name}_regions": _regions(view)}
    if view.areas:
        layers[f"{name}_areas"] = _areas(view)
    flows = views.flows(level)
    if flows is not None:
        for key in (f"{name}_units", f"{name}_regions"):
            layers[key]["flows_provenance"] = flows.flows_provenance
    return layers


def _regions(view: MapView) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from cityregions.geometry import region_shapes

    shapes = region_shapes(view)
    rows = [
        {
            "region": str(region),
            "name": view.names.get(str(region), str(region)),
            "units": len(group),
            "population": float(group["population"].sum(min_count=1)),  # NaN: not given
            "schematic": view.geometry is None,
        }
        for region, group in view.units.groupby("region", sort=True)
    ]
    geometry = [shapes[str(row["region"])] for row in rows]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS_EQUAL_AREA)
    return frame.to_crs(CRS_WGS84)


def _areas(view: MapView) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from cityregions.geometry import area_shapes

    areas = area_shapes(view)
    rows = [
        {"body": body, "name": name, "units": ";".join(members)} for body, name, members, _ in areas
    ]
    geometry = [shape for *_, shape in areas]
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS_EQUAL_AREA).to_crs(CRS_WGS84)


def _gaps(view: MapView, units: pd.DataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd
    from shapely.geometry import LineString

    gaps = view.gaps[view.gaps["a"].isin(units.index) & view.gaps["b"].isin(units.index)]
    lines = [
        LineString(
            [units.loc[a, ["lon", "lat"]].astype(float), units.loc[b, ["lon", "lat"]].astype(float)]
        )
        for a, b in zip(gaps["a"], gaps["b"], strict=True)
    ]
    table = gaps.copy()
    table["a_name"] = table["a"].map(units["name"])
    table["b_name"] = table["b"].map(units["name"])
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].astype("string")
    return gpd.GeoDataFrame(table.reset_index(drop=True), geometry=lines, crs=CRS_WGS84)


def _level_renderers(layers: Mapping[str, Any], results: CaseResults) -> dict[str, str]:
    """QGIS renderers of the layers of further unit levels (regions coloured as above)."""
    renderers: dict[str, str] = {}
    for name in results.levels:
        key = f"{name}_regions"
        if key not in layers:
            continue
        colours = _region_colours({"regions": layers[key]})
        labels = dict(zip(layers[key]["region"], layers[key]["name"], strict=True))
        renderers[key] = _categorized("region", "fill", colours, labels)
        renderers[f"{name}_units"] = _categorized("region", "fill", colours, labels)
        renderers[f"{name}_areas"] = _single("fill", AREA_STYLE)
    return renderers


def _region_colours(layers: Mapping[str, Any]) -> dict[str, str]:
    """Colour the regions as the report's map does: neighbours never share a colour."""
    from cityregions.geometry import NEIGHBOUR_M, colour_regions, region_adjacency, region_order

    regions = layers["regions"]
    table = pd.DataFrame({"region": regions["region"], "population": regions["population"]})
    projected = regions.to_crs(CRS_EQUAL_AREA)
    shapes = dict(zip(regions["region"].astype(str), projected.geometry, strict=True))
    kind = "hulls" if bool(regions["schematic"].any()) else "polygons"
    neighbours = region_adjacency(shapes, tolerance_m=NEIGHBOUR_M[kind])
    return colour_regions(region_order(table), neighbours)


# --------------------------------------------------------------------- QGIS styles
def _rgba(colour: str, alpha: int = 255) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


def _symbol(kind: str, name: str, options: Mapping[str, str]) -> str:
    cls = {"fill": "SimpleFill", "line": "SimpleLine", "marker": "SimpleMarker"}[kind]
    opts = "".join(
        f'<Option type="QString" name="{escape(k)}" value="{escape(v)}"/>'
        for k, v in options.items()
    )
    return (
        f'<symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{cls}" enabled="1" pass="0" locked="0"><Option type="Map">{opts}</Option>'
        f"</layer></symbol>"
    )


def _qml(renderer: str) -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.28.0" styleCategories="Symbology">{renderer}</qgis>'
    )


def _categorized(
    attr: str, kind: str, colours: Mapping[str, str], labels: Mapping[str, str]
) -> str:
    categories, symbols = [], []
    for i, (value, colour) in enumerate(colours.items()):
        categories.append(
            f'<category value="{escape(value)}" symbol="{i}" '
            f'label="{escape(labels.get(value, value))}" render="true"/>'
        )
        if kind == "fill":
            options = {"color": _rgba(colour, 90), "outline_color": _rgba(colour),
                       "outline_width": "0.5", "style": "solid"}  # fmt: skip
        else:
            options = {"name": "circle", "color": _rgba(colour), "size": "3",
                       "outline_color": "255,255,255,255", "outline_width": "0.3"}  # fmt: skip
        symbols.append(_symbol(kind, str(i), options))
    return (
        f'<renderer-v2 type="categorizedSymbol" attr="{escape(attr)}" symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{"".join(categories)}</categories>'
        f"<symbols>{''.join(symbols)}</symbols></renderer-v2>"
    )


def _single(kind: str, options: Mapping[str, str]) -> str:
    return (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol(kind, '0', options)}</symbols></renderer-v2>"
    )


#: Cooperation areas: dashed outlines, no fill.
AREA_STYLE = {
    "color": "0,0,0,0",
    "outline_color": "31,41,51,255",
    "outline_width": "0.6",
    "outline_style": "dash",
    "style": "no",
}


def layer_styles(
    layers: Mapping[str, Any],
    *,
    colours: Mapping[str, str],
    extra: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return the ``layer_styles`` table (QGIS layout) with a default QML style per layer.

    ``extra`` adds renderers (QGIS ``renderer-v2`` XML) of further layers by name.
    """
    regions = layers["regions"]
    names = dict(zip(regions["region"], regions["name"], strict=True))
    unit_kind = "fill" if layers["units"].geom_type.iloc[0] != "Point" else "marker"
    renderers = {
        "units": _categorized("region", unit_kind, colours, names),
        "regions": _categorized("region", "fill", colours, names),
        "flows": _single("line", {"line_color": "82,96,109,140", "line_width": "0.4"}),
        "cooperation_areas": _single("fill", AREA_STYLE),
        "gaps": _single(
            "line", {"line_color": "192,57,43,255", "line_width": "0.9", "line_style": "dash"}
        ),
        **(extra or {}),
    }
    now = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")  # SOURCE_DATE_EPOCH when set
    rows = [
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": name,
            "f_geometry_column": "geom",  # the GPKG driver default name
            "styleName": f"cityregions {name}",
            "styleQML": _qml(renderer),
            "styleSLD": "",
            "useAsDefault": True,
            "description": "default style written by cityregions",
            "owner": "",
            "ui": "",
            "update_time": now,
        }
        for name, renderer in renderers.items()
        if name in layers
    ]
    return pd.DataFrame(rows)
