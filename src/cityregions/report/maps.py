"""The inline SVG map of the report: units coloured by region, ties, cooperation areas, gaps.

Units with polygons are drawn as areas, and region boundaries are the dissolved unit
polygons. Units without polygons (the bundled case) are drawn as proportional symbols
at their seats: circle area ∝ size, so radius :math:`r_i = r_{max}\\sqrt{S_i/S_{max}}`
(unscaled proportional circles; Dent, Torguson & Hodler 2009, *Cartography: Thematic
Map Design*, ch. 9), where the size :math:`S` is the population, else the employed
residents, else the jobs (:func:`~cityregions.geometry.size_column`; the legend names
it). Each region is then shown with a light, schematic hull around its seats, labelled
as such in the legend.

Colours: neighbouring regions never share one (a DSATUR colouring with a small palette,
:func:`~cityregions.geometry.colour_regions`), so 27 or 161 regions stay apart; every
region carries its number, and the legend lists every region under its number.
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
    label_point,
    map_labels,
    region_shapes,
    unit_sizes,
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
    svg_title,
)
from cityregions.report.tables import localised

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
    unit_fills: Mapping[str, str] | None = None,
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
    unit_fills
        Optional colour per *unit* (e.g. its stability) instead of its region's colour;
        the regions keep their boundaries (polygons) or light hulls (seats).
    """
    frame = _frame(layers, width)
    fill = _fills(layers, values)
    units_fill = _unit_fills(layers, fill, unit_fills)
    parts = [svg_open(frame.width, frame.height, label=label, css_class="map")]
    parts.append(f'<rect width="{frame.width:.0f}" height="{frame.height:.0f}" fill="#f7f9fb"/>')
    if layers.geometry is not None:
        parts.append(_polygons(layers, frame, units_fill))
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
        parts.append(_circles(layers, frame, units_fill))
    parts.append(_labels(layers, frame))
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
    """Return the HTML legend of a map: every region with its key, colour and size.

    Regions are listed in key order (largest first), each with the number the map shows
    on it; the figure in brackets is the region's size by :attr:`MapView.size`
    (population, else employed residents, else jobs), named in a note, and left out
    when the units give none of them.
    """
    items = []
    fill = _fills(layers, values)
    sizes = unit_sizes(layers.units).groupby(layers.units["region"].astype(str)).sum()
    for region, key in layers.keys.items():
        figures = [_number(float(sizes.get(region, 0.0)))] if layers.size else []
        if values is not None:
            value = _number(values.get(region, float("nan")))
            figures.append(f"{value} {escape(value_unit)}".rstrip())
        shown = f' <span class="muted">({" · ".join(figures)})</span>' if figures else ""
        items.append(
            f'<li><span class="swatch" style="background:{fill[region]}"></span>'
            f'<span class="key">{key}</span> {escape(layers.names.get(region, region))}'
            f"{shown}</li>"
        )
    return f'<ul class="legend">{"".join(items)}</ul>{_map_notes(layers, values, show, allocation)}'


def _number(value: float) -> str:
    """A legend figure in both languages (German: decimal comma, minus sign U+2212)."""
    return localised(fmt_number(value))


def _map_notes(
    layers: MapView,
    values: Mapping[str, float] | None,
    show: tuple[str, ...],
    allocation: bool,
) -> str:
    """Return the notes below a legend: symbols, colours, the size measure, overlays."""
    notes = [tr("map_polygons" if layers.geometry is not None else _circle_note(layers))]
    if layers.geometry is None:
        notes.append(tr("map_hulls"))
    if layers.keys:
        notes.append(tr("map_keys"))
    notes.append(tr(f"legend_size_{layers.size}" if layers.size else "legend_size_none"))
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
    return '<ul class="map-notes">' + "".join(f"<li>{n}</li>" for n in notes) + "</ul>"


def _circle_note(layers: MapView) -> str:
    """Label key of the circle note: area proportional to the size measure, or equal."""
    return f"map_units_{layers.size}" if layers.size else "map_units_equal"


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


def _unit_fills(
    layers: MapView, fill: Mapping[str, str], given: Mapping[str, str] | None
) -> dict[str, str]:
    """Fill of every unit: ``given`` where it has one, else its region's colour."""
    regions = layers.units["region"].astype(str)
    return {str(u): (given or {}).get(str(u), fill[r]) for u, r in regions.items()}


def _polygons(layers: MapView, frame: Frame, fill: Mapping[str, str]) -> str:
    out = ['<g class="units" stroke="#fff" stroke-width="0.6">']
    for unit, geom in layers.geometry.items():
        row = layers.units.loc[unit]
        out.append(
            f'<path class="unit" data-unit="{escape(str(unit))}" d="{path_of(geom, frame)}" '
            f'fill="{fill[str(unit)]}" fill-opacity="0.85">{_title(unit, row)}</path>'
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


def _circles(layers: MapView, frame: Frame, fill: Mapping[str, str]) -> str:
    units = layers.units
    size = unit_sizes(units)
    top = float(size.max()) or 1.0
    px, py = frame.xy(units["x"], units["y"])
    order = np.argsort(-size.to_numpy(), kind="stable")
    out = ['<g class="units" stroke="#fff" stroke-width="1">']
    for i in order:
        if not (np.isfinite(px[i]) and np.isfinite(py[i])):
            continue  # a unit without coordinates (own data) is not drawn
        unit = units.index[i]
        row = units.iloc[i]
        out.append(
            f'<circle class="unit" data-unit="{escape(str(unit))}" cx="{px[i]:.1f}" '
            f'cy="{py[i]:.1f}" r="{_radius(float(size.iloc[i]), top, layers):.1f}" '
            f'fill="{fill[str(unit)]}" fill-opacity="0.9">{_title(unit, row, layers)}</circle>'
        )
    out.append("</g>")
    return "".join(out)


#: Radius of the unit circles when the units give no size (equal circles).
R_EQUAL = 6.0


def _radius(size: float, top: float, layers: MapView) -> float:
    """Circle radius: area proportional to the size measure, at least 2; equal without one."""
    if layers.size is None:
        return R_EQUAL
    return max(R_MAX * float(np.sqrt(max(size, 0.0) / top)), 2.0)


def _title(unit: Any, row: pd.Series, layers: MapView | None = None) -> str:
    column = layers.size if layers is not None else "population"
    value = row.get(column) if column else None
    shown = float(value) if value is not None and pd.notna(value) else "–"
    return svg_title(f"{row['name']} ({unit}): ", shown)


def _ties(layers: MapView, frame: Frame) -> str:
    return _links(layers, frame, layers.ties, colour="#52606d", css="ties")


def _links(layers: MapView, frame: Frame, ties: pd.DataFrame, *, colour: str, css: str) -> str:
    if ties.empty:
        return ""
    xy = layers.units[["x", "y"]].dropna()  # units without coordinates draw no tie
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
            f"{svg_title(f'{a}–{b}: ', float(value))}</line>"
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
    xy = layers.units[["x", "y"]].dropna()  # units without coordinates draw no gap
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


def _labels(layers: MapView, frame: Frame, *, n: int = 14) -> str:
    """Return the region keys and the names of the ``n`` largest units, never overlapping.

    Every region gets its key (its number in the legend) at a point well inside it
    (:func:`~cityregions.geometry.label_point`); unit names follow, largest first, each
    inside its polygon, or above its circle when the units have no polygons. A name that
    would overlap a key or another name is left out.
    """
    keys = _key_badges(layers, frame)
    candidates = []
    for x, y, text in _unit_label_points(layers, frame, n=n):
        candidates.append((x, y, text))
    boxes = [(x - 8.0, y - 8.0, x + 8.0, y + 8.0) for x, y, _ in keys]
    out = [f'<g class="labels" font-size="11" fill="{INK}">']
    for x, y, text in place_labels(candidates, blocked=boxes):
        out.append(
            f'<text class="halo" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(text)}</text>'
        )
    out.append('</g><g class="keys" font-size="9.5" font-weight="600" text-anchor="middle">')
    for x, y, key in keys:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7.5" fill="#fff" stroke="{INK}" '
            f'stroke-width="0.8"/><text x="{x:.1f}" y="{y + 3.3:.1f}" fill="{INK}">{key}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _key_badges(layers: MapView, frame: Frame) -> list[tuple[float, float, str]]:
    """Return ``(x, y, key)`` in picture coordinates of every region's key."""
    if not layers.keys:
        return []
    shapes = region_shapes(layers)
    found = []
    for region, key in layers.keys.items():
        if region not in shapes:
            continue
        x, y = label_point(shapes[region])
        px, py = frame.xy([x], [y])
        found.append((float(px[0]), float(py[0]), str(key)))
    return found


def _unit_label_points(layers: MapView, frame: Frame, *, n: int) -> list[tuple[float, float, str]]:
    """Return ``(x, baseline y, name)`` of the ``n`` largest units, largest first."""
    units = layers.units.assign(_size=unit_sizes(layers.units))
    top = units.sort_values(["_size", "name"], ascending=[False, True]).head(n)
    size_max = float(units["_size"].max()) or 1.0
    names = map_labels(layers.units)
    points = []
    for unit, row in top.iterrows():
        if layers.geometry is not None and unit in layers.geometry.index:
            x, y = label_point(layers.geometry.loc[unit])
            px, py = frame.xy([x], [y])
            points.append((float(px[0]), float(py[0]) + 4.0, names[str(unit)]))
        else:
            px, py = frame.xy([row["x"]], [row["y"]])
            radius = _radius(float(row["_size"]), size_max, layers)
            points.append((float(px[0]), float(py[0]) - radius - 3.0, names[str(unit)]))
    return [(x, y, t) for x, y, t in points if np.isfinite(x) and np.isfinite(y)]
