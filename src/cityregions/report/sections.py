"""One renderer per report section; each turns one typed result of the case into HTML.

A renderer takes the results (and the map layers shared by the sections) and returns the
body HTML of its section, or None when the section is absent. Keys that a renderer does
not know are still shown by :func:`generic_body` (tables for DataFrames and Series, cards
for scalar figures), so a step that adds keys never loses them in the report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.geometry import SIZE_COLUMNS, STATE_FULL_NAMES, MapView, unit_sizes
from cityregions.i18n import tr
from cityregions.pipeline import views
from cityregions.report.maps import legend, region_map
from cityregions.report.tables import html_table, key_figures

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults

logger = logging.getLogger(__name__)

Renderer = Callable[["CaseResults", MapView], str | None]


def figure(body: str, caption: str = "") -> str:
    """Wrap a picture in a ``<figure>`` with an optional caption."""
    cap = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="pic">{body}{cap}</figure>'


def subsection(key_or_html: str, body: str) -> str:
    """Return an ``<h3>`` heading (a label key or ready HTML) followed by ``body``."""
    if not body:
        return ""
    heading = tr(key_or_html) if key_or_html.isidentifier() else key_or_html
    return f"<h3>{heading}</h3>{body}"


def territory_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``territory`` section: key figures, the map (without regions), units."""
    if results.territory is None:
        return None
    parts = [key_figures(dict(results.territory.summary))]
    if views.region_labels(results) is None:
        parts.append(_map_block(layers, "units"))
    table = html_table(unit_table(layers), max_rows=len(layers.units))
    parts.append(f'<details class="screen-only"><summary>{tr("units")}</summary>{table}</details>')
    skip = {"territory", "flows", "summary"}
    found = results.parts("territory")
    parts.append(generic_body(found, skip=skip, names=layers.names, units=layers.units))
    return "".join(parts)


def unit_table(layers: MapView) -> pd.DataFrame:
    """Return the units with name, state, the sizes they give, area and region.

    Population, employed residents and jobs are columns only when some unit gives them
    (own data often has no population: no column of dashes, no zeros); largest first by
    the map's size measure, then by name.
    """
    given = [c for c in SIZE_COLUMNS if c in layers.units and layers.units[c].notna().any()]
    columns = ["name", "state", *given, "area_km2", "region"]
    table = layers.units[[c for c in columns if c in layers.units]].copy()
    if "state" in table:  # "Sachsen", not "14"
        keys = table["state"].astype(str).str.zfill(2)
        table["state"] = [
            STATE_FULL_NAMES.get(k, s) for k, s in zip(keys, table["state"], strict=True)
        ]
    if layers.has_labels:  # the region by its name
        table["region"] = [layers.names.get(str(r), r) for r in table["region"]]
    order = table.assign(_size=unit_sizes(layers.units))
    order = order.sort_values(["_size", "name"], ascending=[False, True])
    return table.loc[order.index]


def delineation_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``delineation`` section: the city-region map and the quality table."""
    result = results.delineation
    if result is None:
        return None
    parts = [key_figures(dict(result.summary))]
    parts.append(_map_block(layers, "regions"))
    parts.append(subsection("quality", html_table(result.quality)))
    skip = {"labels", "quality", "summary", "region_names", "params", "flows_source"}
    found = dict(results.parts("delineation"))
    found["labels_by_method"] = views.named_partitions(result)
    parts.append(generic_body(found, skip=skip, names=layers.names, units=layers.units))
    params = result.params
    if params:
        rows = pd.DataFrame({"parameters": [str(v) for v in params.values()]},
                            index=pd.Index([str(k) for k in params], name="method"))  # fmt: skip
        parts.append(
            f'<details class="settings"><summary>{tr("settings")}: {tr("params")}</summary>'
            f"{html_table(rows)}</details>"
        )
    return "".join(parts)


def _map_block(layers: MapView, key: str) -> str:
    svg = region_map(layers, label=f"{key} map", show=("ties",))
    return figure(svg, legend(layers, show=("ties",)))


def generic_body(
    found: Mapping[str, Any],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
    names: Mapping[str, str] | None = None,
    units: pd.DataFrame | None = None,
) -> str:
    """Render the keys of a section that no specific renderer handled.

    DataFrames and Series become tables (tables indexed by region get the region's
    name from ``names``, tables indexed by unit the unit's name from ``units``), a dict
    of scalars becomes key-figure cards; other objects (core objects, graphs) and the
    flows provenance (shown in the banner) are left out.
    """
    parts = []
    scalars = {}
    for key, value in found.items():
        if key in skip or key in ("provenance", "flows_provenance"):
            continue
        if isinstance(value, pd.DataFrame) and units is not None and value.index.name == "unit":
            unit_names = {str(k): str(v) for k, v in units["name"].items()}
            value = with_region_names(value, unit_names, index="unit")
        elif isinstance(value, pd.DataFrame) and names:
            value = with_region_names(value, names)
        if isinstance(value, pd.DataFrame) and units is not None and "unit" in value.columns:
            value = with_unit_names(value, {str(k): str(v) for k, v in units["name"].items()})
        if isinstance(value, pd.Series) and not value.empty:
            value = value.to_frame()
        if isinstance(value, pd.DataFrame) and not value.empty:
            parts.append(_table_block(key, value))
        elif isinstance(value, Mapping) and value and all(_is_scalar(v) for v in value.values()):
            parts.append(subsection(key, key_figures(value)))
        elif _is_scalar(value):
            scalars[key] = value
    if scalars:
        parts.insert(0, key_figures(scalars))
    return "".join(parts)


def with_region_names(
    table: pd.DataFrame, names: Mapping[str, str], *, index: str = "region"
) -> pd.DataFrame:
    """Put a ``name`` column in front of a table indexed by region (or unit) ids."""
    if "name" in table.columns or table.empty or table.index.name not in (index, None):
        return table
    ids = table.index.astype(str)
    if not ids.isin(list(names)).all():
        return table
    named = table.copy()
    named.insert(0, "name", [names[i] for i in ids])
    return named


def with_unit_names(table: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Put a ``name`` column after the ``unit`` column of ids (``14626`` -> Bautzen)."""
    if "name" in table.columns or table.empty:
        return table
    ids = table["unit"].astype(str)
    if not ids.isin(list(names)).all():
        return table
    named = table.copy()
    named.insert(list(table.columns).index("unit") + 1, "name", [names[i] for i in ids])
    return named


def _table_block(key: str, table: pd.DataFrame, *, open_rows: int = 15) -> str:
    """Return a table under a heading; long tables are collapsed (opened for printing)."""
    if len(table) <= open_rows:
        return subsection(key, html_table(table))
    heading = tr(key) if key.isidentifier() else key
    return (
        f'<details class="table-details"><summary>{heading} '
        f'<span class="muted">({len(table)})</span></summary>{html_table(table)}</details>'
    )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _renderers() -> dict[str, Renderer]:
    from cityregions.report.energy_view import energy_body
    from cityregions.report.governance_view import governance_body
    from cityregions.report.partnership_view import partnership_body
    from cityregions.report.stability_view import stability_body

    return {
        "territory": territory_body,
        "delineation": delineation_body,
        "stability": stability_body,
        "governance": governance_body,
        "partnership": partnership_body,
        "energy": energy_body,
    }


#: Section name -> renderer; sections not listed use :func:`generic_body`.
RENDERERS: dict[str, Renderer] = _renderers()


def render_body(name: str, results: CaseResults, layers: MapView) -> str | None:
    """Return the body HTML of section ``name`` or None when it is absent."""
    renderer = RENDERERS.get(name)
    if renderer is not None:
        return renderer(results, layers)
    found = results.parts(name)
    return generic_body(found) if found else None
