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

from cityregions.geometry import (
    MapView,
    area_shapes,
    diverging,
    region_order,
    region_shapes,
    transformer,
)
from cityregions.pipeline import views
from cityregions.pipeline.views import strip_paths

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

LAYERS = ("units", "regions", "areas", "flows", "gaps", "energy")


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
    geo = {
        "units": _units_layer(table, layers.colours, units),
        "regions": _regions_layer(results, layers, regions),
        "areas": _areas_layer(layers),
        "flows": _lines_layer(table, layers.ties, kind="flow"),
        "gaps": _lines_layer(table, layers.gaps, kind="gap"),
        "energy": _energy_layer(results, layers, regions),
    }
    case = {
        "name": results.case.name,
        "language": results.case.language,
        "sections": results.sections(),
        "layers": [name for name in LAYERS if geo[name]["features"]],
        "summary": jsonable(results.territory.summary if results.territory else {}),
        "provenance": [
            {"section": n.section, "item": n.item, "kind": n.kind, "source": strip_paths(n.source)}
            for n in results.provenance
        ],
    }
    from cityregions.app.network import network_payload, scenario_payloads

    return DashboardData(
        case=case,
        layers=geo,
        units=units,
        regions=regions,
        network=network_payload(results),
        scenarios=scenario_payloads(results),
        sections={name: _section_tables(results.parts(name)) for name in results.sections()},
        files={
            path.relative_to(results.out_dir).as_posix(): path
            for path in results.files
            if path.is_file() and path.is_relative_to(results.out_dir)
        },
    )


def _unit_figures(
    results: CaseResults, table: pd.DataFrame, names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    wanted = ("name", "state", "population", "residents", "jobs", "area_km2")
    columns = [c for c in wanted if c in table]
    figures = {str(u): {"id": str(u), **row.to_dict()} for u, row in table[columns].iterrows()}
    for unit, row in table.iterrows():
        figures[str(unit)]["region"] = str(row["region"])
        figures[str(unit)]["region_name"] = names.get(str(row["region"]), str(row["region"]))
    for name in results.sections():
        for key, value in results.parts(name).items():
            if isinstance(value, pd.DataFrame) and _indexed_by_units(value, table):
                for unit, row in value.iterrows():
                    if str(unit) in figures:
                        figures[str(unit)].setdefault(f"{name}:{key}", {}).update(row.to_dict())
    return {u: jsonable(v) for u, v in figures.items()}


def _indexed_by_units(frame: pd.DataFrame, table: pd.DataFrame) -> bool:
    if frame.empty or len(frame) > 4 * len(table):
        return False
    index = frame.index.astype(str)
    return bool(index.isin(table.index).mean() > 0.9) and frame.shape[1] <= 30


def _region_figures(
    results: CaseResults, table: pd.DataFrame, names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    grouped = table.groupby("region")
    out: dict[str, dict[str, Any]] = {}
    for region, group in grouped:
        key = str(region)
        out[key] = {
            "id": key,
            "name": names.get(key, key),
            "units": sorted(map(str, group.index)),
            "population": float(group["population"].sum()),
            "area_km2": float(group["area_km2"].sum()),
        }
    for name in results.sections():
        for key, value in results.parts(name).items():
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
    for unit, row in table.iterrows():
        props = {
            "id": str(unit),
            "name": row["name"],
            "region": str(row["region"]),
            "population": row["population"],
            "colour": colours.get(str(row["region"]), "#888"),
        }
        point = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        features.append(_feature(point, props))
    return _collection(features)


def _to_wgs84(shape: Any) -> dict[str, Any]:
    """Return a projected (EPSG:3035) shapely geometry as a GeoJSON dict in EPSG:4326."""
    import shapely

    from cityregions.constants import CRS_EQUAL_AREA, CRS_WGS84

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
    for region in region_order(layers.units):
        shape = shapes[str(region)]
        props = {
            "id": region,
            "name": regions[region]["name"],
            "population": regions[region]["population"],
            "colour": layers.colours.get(region, "#888"),
            "schematic": layers.geometry is None,
        }
        features.append(_feature(_to_wgs84(shape), props))
    return _collection(features)


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
