"""Report section ``governance``: registry summary, network picture, fit table, gaps.

The network picture is the registry's affiliation network (actors and bodies, an edge
per membership valid today) laid out with a Fruchterman–Reingold spring layout with a
fixed seed (Fruchterman & Reingold 1991, *Software: Practice and Experience* 21(11)),
so the picture is reproducible; the dashboard uses the same positions.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.report import data
from cityregions.report.data import short_name
from cityregions.report.i18n import tr, tr_message
from cityregions.report.maps import MapLayers, legend, region_map
from cityregions.report.svg import network_picture
from cityregions.report.tables import html_table, key_figures

if TYPE_CHECKING:
    from cityregions.registry import Registry
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

#: Node colours by record kind (bodies by level).
NODE_COLOURS = {
    "metropolitan": "#0b5cad",
    "city_region": "#2f855a",
    "thematic": "#805ad5",
    "actor": "#9aa5b1",
}

HANDLED = {
    "registry", "fit", "fit_areas", "fit_overall", "gaps", "summary", "areas", "body_names",
    "network", "as_of", "warnings", "snapshots",
}  # fmt: skip


def registry_of(results: CaseResults) -> Registry | None:
    """Return the governance registry of the results (section ``governance``), or None."""
    found = data.section(results, "governance") or {}
    registry = found.get("registry")
    return registry if registry is not None and hasattr(registry, "as_of") else None


def layout(registry: Registry, *, seed: int = 7) -> dict[str, tuple[float, float]]:
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
    positions = _fit(_spring(graph.subgraph(main), seed), (0.0, 0.0, 1.0, 0.8 if others else 1.0))
    for i, part in enumerate(others):
        box = (i / len(others), 0.88, (i + 0.8) / len(others), 1.0)
        positions.update(_fit(_spring(graph.subgraph(part), seed), box))
    return positions


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


def registry_summary(registry: Registry) -> dict[str, Any]:
    """Return counts of actors, bodies and memberships (documented / target model)."""
    documented = sum(m.status == "documented" for m in registry.memberships)
    return {
        "actors": len(registry.actors),
        "bodies": len(registry.bodies),
        "memberships": documented,
        "target_model_links": len(registry.memberships) - documented,
    }


def bodies_table(registry: Registry) -> pd.DataFrame:
    """Return one row per body: name, level, kind, founded, dissolved, members."""
    rows = [
        {
            "body": b.id,
            "name": b.name,
            "level": b.level,
            "kind": b.kind,
            "founded": b.founded or "",
            "dissolved": b.dissolved or "",
            "members": len(registry.members_of(b.id)),
        }
        for b in registry.bodies
    ]
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows).set_index("body")
    return table.sort_values(["level", "name"])


def network_svg(registry: Registry, *, as_of: dt.date | None = None) -> str:
    """Return the SVG picture of the registry network valid on ``as_of`` (default today)."""
    snapshot = registry.as_of(as_of or dt.date.today())
    positions = layout(registry)
    degree: dict[str, int] = {}
    edges = []
    for m in snapshot.memberships:
        degree[m.member] = degree.get(m.member, 0) + 1
        degree[m.body] = degree.get(m.body, 0) + 1
        edges.append((m.member, m.body, 1.0))
    nodes = []
    for actor in registry.actors:
        if actor.id in degree:
            x, y = positions[actor.id]
            nodes.append({"id": actor.id, "x": x, "y": y, "label": actor.name,
                          "colour": NODE_COLOURS["actor"], "size": 3 + degree[actor.id] ** 0.5,
                          "show_label": degree[actor.id] >= 3})  # fmt: skip
    for body in snapshot.bodies:
        x, y = positions[body.id]
        labelled = body.level != "thematic" or degree.get(body.id, 0) >= 3
        nodes.append({"id": body.id, "x": x, "y": y, "label": body.name,
                      "colour": NODE_COLOURS.get(body.level, NODE_COLOURS["thematic"]),
                      "size": 6 + degree.get(body.id, 0) ** 0.5,
                      "show_label": labelled})  # fmt: skip
    return network_picture(nodes, edges, label="governance network")


def _network_legend() -> str:
    items = [
        ("metropolitan", "metropolitan body"),
        ("city_region", "city-regional body"),
        ("thematic", "thematic body"),
        ("actor", "actor"),
    ]
    return (
        '<ul class="legend">'
        + "".join(
            f'<li><span class="swatch" style="background:{NODE_COLOURS[k]}"></span>{tr(k)}</li>'
            for k, _ in items
        )
        + "</ul>"
    )


def governance_body(results: CaseResults, layers: MapLayers) -> str | None:
    """Render the ``governance`` section."""
    found = data.section(results, "governance")
    if found is None:
        return None
    registry = registry_of(results)
    as_of = _as_of(found.get("as_of"))
    overall = found.get("fit_overall")
    parts = [key_figures(headline(found.get("summary", {}), registry, overall))]
    warnings = found.get("warnings") or []
    if warnings:
        items = "".join(f"<li>{tr_message(w)}</li>" for w in warnings)
        parts.append(f'<ul class="warnings">{items}</ul>')
    if registry is not None:
        parts.append(subsection_html("registry", key_figures(registry_summary(registry))))
        parts.append(
            f"<details><summary>{tr('bodies')}</summary>"
            f"{html_table(bodies_table(registry), max_rows=80)}</details>"
        )
        parts.append(
            subsection_html(
                "network",
                f'<figure class="pic">{network_svg(registry, as_of=as_of)}'
                f"<figcaption>{_network_legend()}</figcaption></figure>",
            )
        )
    if layers.areas or not layers.gaps.empty:
        svg = region_map(layers, label="cooperation areas and gaps", show=("areas", "gaps"))
        caption = f"<figcaption>{legend(layers, show=('areas', 'gaps'))}</figcaption>"
        parts.append(subsection_html("map", f'<figure class="pic">{svg}{caption}</figure>'))
    fit = found.get("fit_areas", found.get("fit"))
    fit_html = key_figures(overall) if isinstance(overall, dict) else ""
    if isinstance(fit, pd.DataFrame) and not fit.empty:
        fit_html += html_table(_with_area_names(fit, layers))
    parts.append(subsection_html("fit", fit_html))
    gaps = data.governance_gaps(results)
    if not gaps.empty:
        parts.append(subsection_html("gaps", gaps_table(gaps, layers.units)))
    from cityregions.report.sections import generic_body

    shown = {key: registry_names(value, registry) for key, value in found.items()}
    if isinstance(shown.get("state_openness"), pd.DataFrame):
        shown["state_openness"] = state_names(shown["state_openness"])
    parts.append(generic_body(shown, skip=HANDLED, names=layers.names, units=layers.units))
    return "".join(parts)


def headline(summary: Any, registry: Registry | None, overall: Any = None) -> dict[str, Any]:
    """Return the governance summary for the headline cards.

    Figures repeated in ``fit_overall`` (shown under "Institutional fit") are left out
    here, and actor ids (``most_central_actor``) are shown by the actor's name.
    """
    figures = dict(summary) if isinstance(summary, dict) else {}
    if isinstance(overall, dict):
        figures = {k: v for k, v in figures.items() if k not in overall}
    names = {} if registry is None else {a.id: a.name for a in registry.actors}
    for key in ("most_central_actor",):
        if key in figures and str(figures[key]) in names:
            figures[key] = names[str(figures[key])]
    return figures


#: Columns of governance tables that hold actor or body ids.
ID_COLUMNS = ("member", "body", "represented_by", "actor", "best_area")


def registry_names(table: Any, registry: Registry | None) -> Any:
    """Show actor and body ids in the id columns of ``table`` by their registry names."""
    if not isinstance(table, pd.DataFrame) or registry is None:
        return table
    columns = [c for c in ID_COLUMNS if c in table.columns]
    if not columns:
        return table
    names = {a.id: a.name for a in registry.actors} | {b.id: b.name for b in registry.bodies}
    shown = table.copy()
    for column in columns:
        shown[column] = [names.get(str(v), v) if isinstance(v, str) else v for v in shown[column]]
    return shown


def state_names(table: pd.DataFrame) -> pd.DataFrame:
    """Index a table of states (``14``) by the state's name (``Sachsen``)."""
    shown = table.copy()
    shown.index = pd.Index(
        [
            data.STATE_FULL_NAMES.get(str(i).zfill(2), "–" if str(i) == "?" else str(i))
            for i in shown.index
        ],
        name=shown.index.name,
    )
    return shown


def _as_of(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _with_area_names(fit: pd.DataFrame, layers: MapLayers) -> pd.DataFrame:
    """Index a table of areas by the area (body) name and name its best-matching region."""
    names = {body: area["name"] for body, area in layers.areas.items()}
    table = fit.copy()
    if "region" in table.columns:
        table["region"] = [
            short_name(layers.names.get(str(r), str(r))) if pd.notna(r) else r
            for r in table["region"]
        ]
    if "name" in table.columns or not table.index.isin(list(names)).any():
        return table
    table.index = pd.Index([names.get(str(i), str(i)) for i in table.index], name="area")
    return table


def gaps_table(gaps: pd.DataFrame, units: pd.DataFrame, *, n: int = 25) -> str:
    """Return the ranked gaps with unit names; cross-border rows are marked."""
    table = gaps.head(n).copy()
    table.insert(0, "b_name", table["b"].map(units["name"]))
    table.insert(0, "a_name", table["a"].map(units["name"]))
    table.index = pd.RangeIndex(1, len(table) + 1, name="#")
    if "rank" in table.columns:
        table.index = pd.Index(table.pop("rank").to_numpy(), name="rank")
    cross = table["cross_border"].astype(bool) if "cross_border" in table else None
    marks = {} if cross is None else dict.fromkeys(table.index[cross.to_numpy()], "cross-border")
    dropped = ("a", "b", "gap", "state_a", "state_b", "flow_ab", "flow_ba", "shared_bodies")
    keep = [c for c in table.columns if c not in dropped]
    return html_table(table[keep], row_class=marks, index=True)


def subsection_html(key: str, body: str) -> str:
    """Return an ``<h3>`` with the label ``key`` and ``body`` (nothing if body is empty)."""
    return f"<h3>{tr(key)}</h3>{body}" if body else ""
