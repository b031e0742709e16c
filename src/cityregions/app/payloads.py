"""JSON payloads of the dashboard, built once from the typed results of a case.

Everything the dashboard shows is computed here at startup (GeoJSON layers, unit and
region figures, the registry network with fixed node positions, the partnership
scenario tables) and held in memory; the API only looks values up.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84
from cityregions.geometry import (
    SIZE_COLUMNS,
    STABILITY_CLASSES,
    MapView,
    area_shapes,
    diverging,
    label_point,
    region_shapes,
    stability_colour,
    transformer,
    unit_sizes,
)
from cityregions.i18n import LABELS, NUMBER_FORMATS, coefficient_pair
from cityregions.pipeline import views
from cityregions.pipeline.views import strip_paths

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

LAYERS = (
    "units",
    "regions",
    "areas",
    "flows",
    "gaps",
    "energy",
    "municipalities",
    "municipal_areas",
    "stability",
)
#: The unit level drawn by the ``municipalities`` and ``municipal_areas`` layers.
MUNICIPAL_LEVEL = "municipality"


def jsonable(value: Any) -> Any:
    """Return ``value`` as plain JSON data (NaN -> None, numpy -> Python, frames -> rows)."""
    if isinstance(value, pd.DataFrame):
        frame = value.reset_index() if not isinstance(value.index, pd.RangeIndex) else value
        return [jsonable(row) for row in frame.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": jsonable(properties)}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


@dataclass
class DashboardData:
    """All dashboard payloads of one case (read-only after construction)."""

    case: dict[str, Any]
    layers: dict[str, dict[str, Any]]
    units: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, Any]]
    network: dict[str, Any]
    scenarios: dict[str, dict[str, Any]]
    sections: dict[str, dict[str, Any]]
    files: dict[str, Any] = field(default_factory=dict)


def build_dashboard_data(results: CaseResults) -> DashboardData:
    """Compute every payload of the dashboard from ``results``."""
    layers = views.case_map(results, n_ties=60, n_gaps=15)
    table = layers.units
    units = _unit_figures(results, table, layers.names)
    regions = _region_figures(results, table, layers.names)
    for region, key in layers.keys.items():
        if region in regions:
            regions[region]["key"] = key
    geo = {
        "units": _units_layer(table, layers.colours, units),
        "regions": _regions_layer(results, layers, regions),
        "areas": _areas_layer(layers),
        "flows": _lines_layer(table, layers.ties, kind="flow"),
        "gaps": _lines_layer(table, layers.gaps, kind="gap"),
        "energy": _energy_layer(results, layers, regions),
        **_level_layers(results),
        "stability": _stability_layer(results),
    }
    descriptions = _coefficient_descriptions(results)
    case = {
        "name": results.case.name,
        "language": results.case.language,
        "sections": results.sections(),
        "layers": [name for name in LAYERS if geo[name]["features"]],
        "summary": jsonable(results.territory.summary if results.territory else {}),
        "size": layers.size,
        "attribution": results.case.attribution,
        "provenance": [
            {
                "section": n.section,
                "item": n.item,
                "kind": n.kind,
                "source": strip_paths(n.source),
                **_item_labels(n.item, descriptions),
            }
            for n in results.provenance
        ],
        "numbers": NUMBER_FORMATS,
    }
    from cityregions.app.network import network_payload, scenario_payloads

    return DashboardData(
        case=case,
        layers=geo,
        units=units,
        regions=regions,
        network=network_payload(results),
        scenarios=scenario_payloads(results),
        sections={name: _section_tables(shown_parts(results, name)) for name in results.sections()},
        files={
            path.relative_to(results.out_dir).as_posix(): path
            for path in results.files
            if path.is_file() and path.is_relative_to(results.out_dir)
        },
    )


#: A provenance note on an energy coefficient: ``coefficient straw_rpr``.
COEFFICIENT_NOTE = "coefficient "


def _coefficient_descriptions(results: CaseResults) -> dict[str, str]:
    """English description of each energy coefficient (the coefficient file's column)."""
    table = results.energy.coefficients if results.energy is not None else None
    if table is None or "description" not in table.columns:
        return {}
    return {str(k): str(v) for k, v in table["description"].items() if isinstance(v, str) and v}


def _item_labels(item: str, descriptions: dict[str, str]) -> dict[str, str]:
    """``item_de`` / ``item_en`` of a provenance note on a coefficient, else nothing.

    The dashboard names a coefficient as the report's tornado does: German from
    :data:`~cityregions.vocabulary.COEFFICIENTS_DE`, English by its description.
    """
    if not item.startswith(COEFFICIENT_NOTE):
        return {}
    name = item.removeprefix(COEFFICIENT_NOTE).strip()
    german, english = coefficient_pair(name, descriptions.get(name))
    word_de, word_en = LABELS["coefficient"]
    return {"item_de": f"{word_de}: {german}", "item_en": f"{word_en}: {english}"}


def _unit_figures(
    results: CaseResults, table: pd.DataFrame, names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    columns = ["name", "state", *_given(table), "area_km2"]
    figures = {str(u): {"id": str(u), **row.to_dict()} for u, row in table[columns].iterrows()}
    for unit, row in table.iterrows():
        figures[str(unit)]["state"] = _state_name(row["state"])
        figures[str(unit)]["region"] = str(row["region"])
        figures[str(unit)]["region_name"] = names.get(str(row["region"]), str(row["region"]))
    for name in results.sections():
        for key, value in shown_parts(results, name).items():
            if isinstance(value, pd.DataFrame) and _indexed_by_units(value, table):
                for unit, row in value.iterrows():
                    if str(unit) in figures:
                        figures[str(unit)].setdefault(f"{name}:{key}", {}).update(row.to_dict())
    return {u: jsonable(v) for u, v in figures.items()}


def _given(table: pd.DataFrame) -> list[str]:
    """The population always (None where not given); residents and jobs where given."""
    return [c for c in SIZE_COLUMNS if c == "population" or table[c].notna().any()]


def _state_name(state: Any) -> Any:
    """``14`` -> ``Sachsen`` (:func:`~cityregions.pipeline.views.state_display`; missing
    values unchanged)."""
    return views.state_display(state) if pd.notna(state) else state


def shown_parts(results: CaseResults, name: str) -> dict[str, Any]:
    """Return the parts of section ``name`` under the names they are shown by.

    A governance ``population`` that weighs employed residents is shown as
    ``residents`` (:func:`~cityregions.pipeline.views.coverage_names`), and the energy
    inputs' own population as ``inputs_population``: never three "Population" values
    of different meaning side by side.
    """
    parts = results.parts(name)
    if name == "governance":
        names = views.coverage_names(results)
        registry = views.registry(results)
        shown = {
            key: views.registry_names(views.renamed(value, names), registry)  # by name
            for key, value in parts.items()
        }
        openness = shown.get("state_openness")
        if isinstance(openness, pd.DataFrame):  # states by name, "?" by its label
            openness = openness.copy()
            openness.index = pd.Index(
                [views.state_display(g) for g in openness.index], name=openness.index.name
            )
            shown["state_openness"] = openness
        return shown
    if name == "energy":
        units = views.territory(results).units["name"]
        shown = {}
        for key, value in parts.items():
            value = views.renamed(value, {"population": "inputs_population"})
            if isinstance(value, pd.DataFrame) and "core" in value.columns:  # a unit id
                value = value.assign(core=[units.get(c, c) for c in value["core"]])
            shown[key] = value
        return shown
    if name == "delineation" and results.delineation is not None:
        return {**parts, "labels_by_method": views.named_partitions(results.delineation)}
    if name == "stability":  # every run's labels are in the files (labels/*.parquet)
        return {("unit_stability" if k == "stability" else k): v
                for k, v in parts.items() if k != "labels"}  # fmt: skip
    return dict(parts)


#: Tables per unit wider than this are left out of the unit details (the energy inputs,
#: 43 columns with their statuses, are shown).
MAX_COLUMNS = 60


def _indexed_by_units(frame: pd.DataFrame, table: pd.DataFrame) -> bool:
    if frame.empty or len(frame) > 4 * len(table):
        return False
    index = frame.index.astype(str)
    return bool(index.isin(table.index).mean() > 0.9) and frame.shape[1] <= MAX_COLUMNS


def _region_figures(
    results: CaseResults, table: pd.DataFrame, names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    grouped = table.groupby("region")
    given = _given(table)
    out: dict[str, dict[str, Any]] = {}
    for region, group in grouped:
        key = str(region)
        out[key] = {
            "id": key,
            "name": names.get(key, key),
            "units": sorted(map(str, group.index)),
            **{c: float(group[c].sum(min_count=1)) for c in given},  # NaN: not given
            "area_km2": float(group["area_km2"].sum()),
        }
    for name in results.sections():
        for key, value in shown_parts(results, name).items():
            if isinstance(value, pd.DataFrame) and not value.empty:
                index = value.index.astype(str)
                if index.isin(list(out)).mean() > 0.9 and len(value) <= len(out) * 2:
                    for label, row in value.iterrows():
                        if str(label) in out:
                            out[str(label)].setdefault(f"{name}:{key}", {}).update(row.to_dict())
    return {r: jsonable(v) for r, v in out.items()}


def _units_layer(
    table: pd.DataFrame, colours: dict[str, str], units: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    features = []
    sizes = unit_sizes(table).to_dict()
    for unit, row in table.iterrows():
        props = {
            "id": str(unit),
            "name": row["name"],
            "region": str(row["region"]),
            "population": row["population"],
            "size": float(sizes[unit]),  # the map's size measure (population, else residents)
            "colour": colours.get(str(row["region"]), "#888"),
        }
        point = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        features.append(_feature(point, props))
    return _collection(features)


def _to_wgs84(shape: Any) -> dict[str, Any]:
    """Return a projected (EPSG:3035) shapely geometry as a GeoJSON dict in EPSG:4326."""
    import shapely

    inverse = transformer(CRS_EQUAL_AREA, CRS_WGS84)
    lonlat = shapely.transform(
        shape, lambda xy: np.column_stack(inverse.transform(xy[:, 0], xy[:, 1]))
    )
    return dict(shapely.geometry.mapping(shapely.set_precision(lonlat, 1e-5)))


def _regions_layer(
    results: CaseResults, layers: MapView, regions: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    features = []
    shapes = region_shapes(layers)
    inverse = None
    for region, key in layers.keys.items():
        if region not in shapes:
            continue
        shape = shapes[region]
        x, y = label_point(shape)
        inverse = inverse or transformer(CRS_EQUAL_AREA, CRS_WGS84)
        lon, lat = inverse.transform(x, y)
        props = {
            "id": region,
            "key": key,
            "name": regions[region]["name"],
            "population": regions[region].get("population"),
            "colour": layers.colours.get(region, "#888"),
            "schematic": layers.geometry is None,
            "label_point": [round(float(lon), 5), round(float(lat), 5)],
        }
        features.append(_feature(_to_wgs84(shape), props))
    return _collection(features)


def _level_layers(results: CaseResults) -> dict[str, dict[str, Any]]:
    """The municipal level: unit polygons coloured by its city regions, its areas.

    Empty layers when the case has no municipal level (``[levels.municipality]``).
    """
    level = results.levels.get(MUNICIPAL_LEVEL)
    if level is None or level.territory is None:
        return {"municipalities": _collection([]), "municipal_areas": _collection([])}
    layers = views.case_map(level, n_ties=0, n_gaps=0)
    features = []
    if layers.geometry is not None:
        for unit, row in layers.units.iterrows():
            props = {
                "id": str(unit),
                "name": row["name"],
                "region": str(row["region"]),
                "region_name": layers.names.get(str(row["region"]), str(row["region"])),
                "population": row["population"],
                "colour": layers.colours.get(str(row["region"]), "#888"),
            }
            features.append(_feature(_to_wgs84(layers.geometry.loc[unit]), props))
    collection = _collection(features)
    if features:
        collection["regions"] = _level_region_keys(layers)
    return {"municipalities": collection, "municipal_areas": _areas_layer(layers)}


def _level_region_keys(layers: MapView) -> list[dict[str, Any]]:
    """The level's regions by number, for the legend and the numbers on the map.

    A foreign member ``regions`` of the ``municipalities`` collection: ``id``, ``key``
    (1 = the largest, as in the report's level map), ``name``, ``colour`` and
    ``label_point`` (inside the dissolved region, EPSG:4326).
    """
    shapes = region_shapes(layers)
    inverse = transformer(CRS_EQUAL_AREA, CRS_WGS84)
    keys = []
    for region, key in layers.keys.items():
        if region not in shapes:
            continue
        lon, lat = inverse.transform(*label_point(shapes[region]))
        keys.append({
            "id": region, "key": key, "name": layers.names.get(region, region),
            "colour": layers.colours.get(region, "#888"),
            "label_point": [round(float(lon), 5), round(float(lat), 5)],
        })  # fmt: skip
    return keys


def _stability_layer(results: CaseResults) -> dict[str, Any]:
    """Units shaded by stability and the consensus regions' outlines (stability step).

    Unit features (``kind`` ``unit``: polygon, else the seat point) carry ``stability``
    (share of runs agreeing with the consensus), ``colour``
    (:func:`cityregions.geometry.stability_colour`) and the consensus region; region
    features (``kind`` ``consensus``) its outline. Empty without the stability step.
    """
    view = views.stability_map(results)
    if view is None:
        return _collection([])
    table = views.stability_table(results, view)
    shares = table["stability"].astype(float).to_dict()
    features = []
    for unit, row in view.units.iterrows():
        share = shares[unit]
        props = {
            "kind": "unit",
            "id": str(unit),
            "name": row["name"],
            "region": str(row["region"]),
            "region_name": table.at[unit, "region_name"],
            "stability": share,
            "colour": stability_colour(share),
        }
        if view.geometry is not None:
            geometry = _to_wgs84(view.geometry.loc[unit])
        else:
            geometry = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        features.append(_feature(geometry, props))
    for region, shape in region_shapes(view).items():
        props = {"kind": "consensus", "id": region, "name": view.names.get(region, region)}
        features.append(_feature(_to_wgs84(shape), props))
    legend = [{"low": low, "colour": colour} for low, colour in STABILITY_CLASSES]
    return {**_collection(features), "legend": legend}


def _areas_layer(layers: MapView) -> dict[str, Any]:
    features = []
    for body, name, members, shape in area_shapes(layers):
        props = {"id": body, "name": name, "units": members}
        features.append(_feature(_to_wgs84(shape), props))
    return _collection(features)


def _lines_layer(table: pd.DataFrame, pairs: pd.DataFrame, *, kind: str) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    if pairs.empty:
        return _collection(features)
    extra = [c for c in pairs.columns if c not in ("a", "b")]
    seats = {
        str(u): [float(x), float(y)]
        for u, x, y in zip(table.index, table["lon"], table["lat"], strict=True)
    }
    for _, row in pairs.iterrows():
        a, b = str(row["a"]), str(row["b"])
        if a not in table.index or b not in table.index:
            continue
        line = {
            "type": "LineString",
            "coordinates": [
                seats[a],
                seats[b],
            ],
        }
        props = {"kind": kind, "a": a, "b": b, "a_name": table.at[a, "name"],
                 "b_name": table.at[b, "name"], **{c: row[c] for c in extra}}  # fmt: skip
        features.append(_feature(line, props))
    return _collection(features)


def _energy_layer(
    results: CaseResults, layers: MapView, regions: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    balance = views.energy_region_balance(results)
    if balance is None:
        return _collection([])
    finite = [abs(v) for v in balance.values() if math.isfinite(v)]
    top = max(finite) if finite else 1.0
    features = []
    for region, shape in region_shapes(layers).items():
        value = balance.get(region, float("nan"))
        props = {
            "id": region,
            "name": regions[region]["name"],
            "balance": value,
            "colour": diverging(value, top or 1.0),
        }
        features.append(_feature(_to_wgs84(shape), props))
    return _collection(features)


#: Values shown as figures (dates, e.g. a governance ``as_of``, as ``YYYY-MM-DD``).
SCALARS = (str, int, float, bool, dt.date)


def _section_tables(body: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON-able parts of one section: tables as rows, scalar dicts as figures."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, pd.DataFrame | pd.Series):
            out[key] = jsonable(value.head(500))
        elif (
            isinstance(value, dict)
            and all(isinstance(v, SCALARS) or v is None for v in value.values())
        ) or isinstance(value, SCALARS):
            out[key] = jsonable(value)
    return out


__all__ = ["LAYERS", "DashboardData", "build_dashboard_data", "jsonable"]
