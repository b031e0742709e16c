"""Report section ``governance``: registry summary, network picture, fit table, gaps.

The network picture is the registry's affiliation network (actors and bodies, an edge
per membership valid today) laid out with a Fruchterman–Reingold spring layout with a
fixed seed (Fruchterman & Reingold 1991, *Software: Practice and Experience* 21(11)),
so the picture is reproducible; the dashboard uses the same positions.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.geometry import (
    NODE_COLOURS,
    STATE_FULL_NAMES,
    MapView,
    map_labels,
    network_layout,
    short_name,
)
from cityregions.i18n import tr, tr_message
from cityregions.pipeline import views
from cityregions.pipeline.views import registry_names
from cityregions.report.governance_evidence import EVIDENCE_PARTS, evidence_html
from cityregions.report.maps import legend, region_map
from cityregions.report.svg import network_picture
from cityregions.report.tables import html_table, key_figures
from cityregions.vocabulary import NO_STATE, NO_STATE_RECORDED

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults
    from cityregions.registry import Registry

logger = logging.getLogger(__name__)

#: Parts of the governance result drawn by :func:`governance_body` itself.
HANDLED = {
    "registry", "fit_areas", "fit_overall", "gaps", "summary", "areas", "as_of", "warnings",
    "snapshots", *EVIDENCE_PARTS,
}  # fmt: skip


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
    """Return one row per body: name, body_level, kind, founded, dissolved, members."""
    rows = [
        {
            "body": b.id,
            "name": b.name,
            "body_level": b.body_level,
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
    return table.sort_values(["body_level", "name"])


def network_svg(registry: Registry, *, as_of: dt.date | None = None) -> str:
    """Return the SVG picture of the registry network valid on ``as_of`` (default today)."""
    snapshot = registry.as_of(as_of or dt.date.today())
    positions = network_layout(registry)
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
        labelled = body.body_level != "thematic" or degree.get(body.id, 0) >= 3
        nodes.append({"id": body.id, "x": x, "y": y, "label": body.name,
                      "colour": NODE_COLOURS.get(body.body_level, NODE_COLOURS["thematic"]),
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


def governance_body(results: CaseResults, layers: MapView) -> str | None:
    """Render the ``governance`` section."""
    analysis = results.governance
    if analysis is None:
        return None
    registry = analysis.registry
    as_of = analysis.as_of
    weights = views.coverage_names(results)  # "population" that is employed residents
    overall = views.renamed(analysis.fit_overall, weights)
    summary = views.renamed(analysis.summary(), weights)
    unit_names = map_labels(layers.units) if "name" in layers.units else {}
    parts = [key_figures(headline(summary, registry, overall, unit_names=unit_names))]
    warnings = analysis.warnings
    if warnings:
        items = "".join(f"<li>{tr_message(w)}</li>" for w in warnings)
        parts.append(f'<ul class="warnings">{items}</ul>')
    if registry is not None:  # always, in a governance result
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
    fit = views.renamed(analysis.fit_areas, weights)
    fit_html = key_figures(overall)
    if not fit.empty:
        fit_html += html_table(_with_area_names(fit, layers))
    parts.append(subsection_html("fit", fit_html))
    gaps = views.governance_gaps(results)
    if not gaps.empty:
        named = registry_names(gaps, registry)
        parts.append(subsection_html("gaps", gaps_table(named, layers.units)))
    parts.append(evidence_html(analysis))
    from cityregions.report.sections import generic_body

    found = results.parts("governance")
    shown = {
        key: registry_names(views.renamed(value, weights), registry) for key, value in found.items()
    }
    if isinstance(shown.get("state_openness"), pd.DataFrame):
        shown["state_openness"] = state_names(shown["state_openness"])
    metrics = shown.get("actor_metrics")
    if isinstance(metrics, pd.DataFrame) and "state" in metrics.columns:
        metrics = metrics.copy()  # the group without a state by its label, not "?"
        metrics["state"] = [
            NO_STATE_RECORDED if str(s) == NO_STATE else s for s in metrics["state"]
        ]
        shown["actor_metrics"] = metrics
    parts.append(generic_body(shown, skip=HANDLED, names=layers.names, units=layers.units))
    return "".join(parts)


def headline(
    summary: Any,
    registry: Registry | None,
    overall: Any = None,
    *,
    unit_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the governance summary for the headline cards.

    Figures repeated in ``fit_overall`` (shown under "Institutional fit") are left out
    here, and actor ids (``significant_brokers``, ";"-joined) are shown by the actors'
    names; states in ``openness_vs_random`` by their names, units and bodies in
    ``top_action`` by ``unit_names`` and the bodies' names.
    """
    figures = dict(summary) if isinstance(summary, dict) else {}
    if isinstance(overall, dict):
        figures = {k: v for k, v in figures.items() if k not in overall}
    names = {} if registry is None else {a.id: a.name for a in registry.actors}
    for key in ("significant_brokers", "most_central_actor"):
        if key in figures and isinstance(figures[key], str):
            ids = [i for i in figures[key].split(";") if i]
            if ids and all(i in names for i in ids):
                figures[key] = "; ".join(names[i] for i in ids)
    if isinstance(figures.get("openness_vs_random"), str):
        figures["openness_vs_random"] = re.sub(
            r"(?:^|(?<=; ))(\d+)(?= more )",
            lambda m: STATE_FULL_NAMES.get(m[1].zfill(2), m[1]),
            figures["openness_vs_random"],
        )
    if isinstance(figures.get("top_action"), str):
        known = dict(unit_names or {})
        if registry is not None:
            known.update({b.id: b.name for b in registry.bodies})
        figures["top_action"] = re.sub(
            r"\b[\w.-]+\b(?! commuters)",
            lambda m: known.get(m[0], m[0]),
            figures["top_action"],
        )
    return figures


def state_names(table: pd.DataFrame) -> pd.DataFrame:
    """Index a table of states (``14``) by the state's name (``Sachsen``)."""
    shown = table.copy()
    shown.index = pd.Index([views.state_display(i) for i in shown.index], name=shown.index.name)
    return shown


def _with_area_names(fit: pd.DataFrame, layers: MapView) -> pd.DataFrame:
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
