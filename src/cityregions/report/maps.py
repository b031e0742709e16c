"""The inline SVG map of the report: units coloured by region, ties, cooperation areas, gaps.

Units with polygons are drawn as areas, and region boundaries are the dissolved unit
polygons. Units without polygons (the bundled case) are drawn as proportional symbols
at their seats: circle area ∝ population, so radius :math:`r_i = r_{max}\\sqrt{P_i/P_{max}}`
(Flannery-free, i.e. unscaled, proportional circles; Dent, Torguson & Hodler 2009,
*Cartography: Thematic Map Design*, ch. 9). Each region is then shown with a light,
schematic hull around its seats, labelled as such in the legend.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from cityregions.geometry import (
    MapView,
    area_shapes,
    diverging,
    map_label,
    region_order,
    region_shapes,
)
from cityregions.i18n import tr
from cityregions.report.svg import (
    GAP_RED,
    INK,
    Frame,
    fit_frame,
    fmt_number,
    path_of,
    place_labels,
    scale_bar,
    svg_open,
)

logger = logging.getLogger(__name__)

R_MAX = 20.0


def region_map(
    layers: MapView,
    *,
    label: str,
    values: Mapping[str, float] | None = None,
    show: tuple[str, ...] = ("ties", "areas", "gaps"),
    width: float = 880,
    allocation: pd.DataFrame | None = None,
) -> str:
    """Return the SVG map.

    Parameters
    ----------
    layers
        The map content.
    label
        Accessible description.
    values
        Optional value per *region* for a diverging fill (e.g. energy balance: surplus
        green, deficit red) instead of the region colours.
    show
        Which overlays to draw: ``ties``, ``areas``, ``gaps``.
    width
        Picture width.
    allocation
        Optional supply links to draw as green lines: columns ``a`` (supplier), ``b``
        (sink) and ``value`` (e.g. MWh).
    """
    units = layers.units
    frame = _frame(layers, width)
    fill = _fills(layers, values)
    parts = [svg_open(frame.width, frame.height, label=label, css_class="map")]
    parts.append(f'<rect width="{frame.width:.0f}" height="{frame.height:.0f}" fill="#f7f9fb"/>')
    if layers.geometry is not None:
        parts.append(_polygons(layers, frame, fill))
    else:
        parts.append(_hulls(layers, frame, fill))
    if "areas" in show:
        parts.append(_areas(layers, frame))
    if "ties" in show:
        parts.append(_ties(layers, frame))
    if "gaps" in show:
        parts.append(_gaps(layers, frame))
    if allocation is not None and not allocation.empty:
        parts.append(_links(layers, frame, allocation, colour="#1a7f45", css="allocation"))
    if layers.geometry is None:
        parts.append(_circles(units, frame, fill))
    parts.append(_labels(units, frame))
    parts.append(scale_bar(frame))
    parts.append("</svg>")
    return "".join(parts)


def legend(
    layers: MapView,
    *,
    values: Mapping[str, float] | None = None,
    show: tuple[str, ...] = ("ties", "areas", "gaps"),
    allocation: bool = False,
    value_unit: str = "",
) -> str:
    """Return the HTML legend of a map (regions with colours, notes on the symbols)."""
    items = []
    fill = _fills(layers, values)
    table = layers.units
    pop = table.groupby("region")["population"].sum()
    for region in region_order(table):
        value = (
            ""
            if values is None
            else f" · {fmt_number(values.get(region, float('nan')))} {escape(value_unit)}".rstrip()
        )
        items.append(
            f'<li><span class="swatch" style="background:{fill[region]}"></span>'
            f"{escape(layers.names.get(region, region))} "
            f'<span class="muted">({fmt_number(float(pop.get(region, 0)))}{value})</span></li>'
        )
    notes = [tr("map_polygons" if layers.geometry is not None else "map_units")]
    if layers.geometry is None:
        notes.append(tr("map_hulls"))
    if not layers.has_labels:
        notes.append(tr("no_regions"))
    if values is not None:
        notes.append(tr("map_balance"))
    if "ties" in show and not layers.ties.empty:
        notes.append(tr("map_flows"))
    if "areas" in show and layers.areas:
        notes.append(tr("map_coop"))
    if "gaps" in show and not layers.gaps.empty:
        notes.append(tr("map_gaps"))
    if allocation:
        notes.append(tr("map_allocation"))
    note_html = "".join(f"<li>{n}</li>" for n in notes)
    return f'<ul class="legend">{"".join(items)}</ul><ul class="map-notes">{note_html}</ul>'


def _frame(layers: MapView, width: float) -> Frame:
    if layers.geometry is not None:
        xmin, ymin, xmax, ymax = layers.geometry.total_bounds
        return fit_frame(np.array([xmin, xmax]), np.array([ymin, ymax]), width=width, margin=0.03)
    return fit_frame(layers.units["x"].to_numpy(), layers.units["y"].to_numpy(), width=width)


def _fills(layers: MapView, values: Mapping[str, float] | None) -> dict[str, str]:
    if values is None:
        return dict(layers.colours)
    finite = [abs(v) for v in values.values() if np.isfinite(v)]
    top = max(finite) if finite else 1.0
    return {r: diverging(values.get(r, float("nan")), top or 1.0) for r in layers.colours}


def _polygons(layers: MapView, frame: Frame, fill: Mapping[str, str]) -> str:
    out = ['<g class="units" stroke="#fff" stroke-width="0.6">']
    for unit, geom in layers.geometry.items():
        row = layers.units.loc[unit]
        out.append(
            f'<path class="unit" data-unit="{escape(str(unit))}" d="{path_of(geom, frame)}" '
            f'fill="{fill[row["region"]]}" fill-opacity="0.85">{_title(unit, row)}</path>'
        )
    out.append('</g><g class="regions" fill="none" stroke="#1f2933" stroke-width="1.6">')
    grouped = layers.geometry.groupby(layers.units["region"].reindex(layers.geometry.index))
    for region, geoms in grouped:
        outline = geoms.union_all()
        out.append(f'<path data-region="{escape(str(region))}" d="{path_of(outline, frame)}"/>')
    out.append("</g>")
    return "".join(out)


def _hulls(layers: MapView, frame: Frame, fill: Mapping[str, str]) -> str:
    out = ['<g class="hulls">']
    for region, shape in region_shapes(layers).items():
        out.append(
            f'<path data-region="{escape(str(region))}" d="{path_of(shape, frame)}" '
            f'fill="{fill[str(region)]}" fill-opacity="0.14" stroke="{fill[str(region)]}" '
            f'stroke-opacity="0.55" stroke-width="1"/>'
        )
    out.append("</g>")
    return "".join(out)


def _circles(units: pd.DataFrame, frame: Frame, fill: Mapping[str, str]) -> str:
    pop = units["population"].fillna(0.0)
    top = float(pop.max()) or 1.0
    px, py = frame.xy(units["x"], units["y"])
    order = np.argsort(-pop.to_numpy(), kind="stable")
    out = ['<g class="units" stroke="#fff" stroke-width="1">']
    for i in order:
        unit = units.index[i]
        row = units.iloc[i]
        radius = max(R_MAX * np.sqrt(float(pop.iloc[i]) / top), 2.0)
        out.append(
            f'<circle class="unit" data-unit="{escape(str(unit))}" cx="{px[i]:.1f}" '
            f'cy="{py[i]:.1f}" r="{radius:.1f}" fill="{fill[row["region"]]}" '
            f'fill-opacity="0.9">{_title(unit, row)}</circle>'
        )
    out.append("</g>")
    return "".join(out)


def _title(unit: Any, row: pd.Series) -> str:
    pop = fmt_number(float(row["population"])) if pd.notna(row["population"]) else "–"
    return f"<title>{escape(str(row['name']))} ({escape(str(unit))}): {pop}</title>"


def _ties(layers: MapView, frame: Frame) -> str:
    return _links(layers, frame, layers.ties, colour="#52606d", css="ties")


def _links(layers: MapView, frame: Frame, ties: pd.DataFrame, *, colour: str, css: str) -> str:
    if ties.empty:
        return ""
    xy = layers.units[["x", "y"]]
    top = float(ties["value"].max()) or 1.0
    out = [f'<g class="{css}" stroke="{colour}" stroke-linecap="round">']
    for a, b, value in zip(
        ties["a"].astype(str), ties["b"].astype(str), ties["value"], strict=True
    ):
        if a not in xy.index or b not in xy.index:
            continue
        (x1, x2), (y1, y2) = frame.xy(xy.loc[[a, b], "x"], xy.loc[[a, b], "y"])
        width = 0.6 + 6.0 * float(value) / top
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{width:.2f}" stroke-opacity="0.5">'
            f"<title>{escape(a)}–{escape(b)}: {fmt_number(float(value))}</title></line>"
        )
    out.append("</g>")
    return "".join(out)


def _areas(layers: MapView, frame: Frame) -> str:
    if not layers.areas:
        return ""
    style = f'fill="none" stroke="{INK}" stroke-width="1.3" stroke-dasharray="5 4"'
    out = [f'<g class="areas" {style}>']
    for body, name, _members, shape in area_shapes(layers):
        out.append(
            f'<path data-body="{escape(body)}" d="{path_of(shape, frame)}">'
            f"<title>{escape(name)}</title></path>"
        )
    out.append("</g>")
    return "".join(out)


def _gaps(layers: MapView, frame: Frame) -> str:
    if layers.gaps.empty:
        return ""
    xy = layers.units[["x", "y"]]
    out = [f'<g class="gaps" stroke="{GAP_RED}" stroke-width="2.5" stroke-dasharray="6 4">']
    for a, b in zip(layers.gaps["a"].astype(str), layers.gaps["b"].astype(str), strict=True):
        if a not in xy.index or b not in xy.index:
            continue
        (x1, x2), (y1, y2) = frame.xy(xy.loc[[a, b], "x"], xy.loc[[a, b], "y"])
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}">'
            f"<title>{escape(a)}–{escape(b)}</title></line>"
        )
    out.append("</g>")
    return "".join(out)


def _labels(units: pd.DataFrame, frame: Frame, *, n: int = 14) -> str:
    top = units.sort_values(["population", "name"], ascending=[False, True]).head(n)
    pop_max = float(units["population"].max()) or 1.0
    px, py = frame.xy(top["x"], top["y"])
    out = [f'<g class="labels" font-size="11" fill="{INK}">']
    candidates = []
    for i, (_, row) in enumerate(top.iterrows()):
        radius = R_MAX * np.sqrt(float(row["population"]) / pop_max)
        candidates.append((px[i], py[i] - radius - 3, map_label(row)))
    for x, y, text in place_labels(candidates):
        out.append(
            f'<text class="halo" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(text)}</text>'
        )
    out.append("</g>")
    return "".join(out)
