"""The registry network and partnership scenario payloads of the dashboard.

The registry network is drawn with fixed node positions (a Fruchterman–Reingold
spring layout of the whole registry, all dates, computed once with a fixed seed) so
that moving the as-of-date slider only adds and removes links and never moves nodes.
The snapshot on a date is :meth:`cityregions.registry.Registry.as_of`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from cityregions.geometry import NODE_COLOURS, network_layout
from cityregions.pipeline import views

if TYPE_CHECKING:
    from cityregions.pipeline.results import CaseResults
    from cityregions.registry import Registry

__all__ = ["network_payload", "network_snapshot", "scenario_payloads"]

logger = logging.getLogger(__name__)


def network_payload(results: CaseResults) -> dict[str, Any]:
    """Return the static part of the network view: nodes with positions and the date range."""
    registry = views.registry(results)
    if registry is None:
        return {"available": False, "nodes": [], "dates": []}
    positions = network_layout(registry)
    nodes = []
    for actor in registry.actors:
        x, y = positions.get(actor.id, (0.5, 0.5))
        nodes.append({"id": actor.id, "label": actor.name, "kind": actor.kind,
                      "type": "actor", "body_level": None, "colour": NODE_COLOURS["actor"],
                      "x": x, "y": y})  # fmt: skip
    for body in registry.bodies:
        x, y = positions.get(body.id, (0.5, 0.5))
        colour = NODE_COLOURS.get(body.body_level, NODE_COLOURS["thematic"])
        nodes.append({"id": body.id, "label": body.name, "kind": body.kind, "type": "body",
                      "body_level": body.body_level, "colour": colour, "x": x, "y": y})  # fmt: skip
    years = _years(registry)
    return {"available": True, "nodes": nodes, "dates": years}


def _years(registry: Registry) -> list[str]:
    """Return 31 December of each year from the earliest date in the registry to today."""
    dates = [m.valid_from for m in registry.memberships if m.valid_from]
    dates += [b.founded for b in registry.bodies if b.founded]
    years = [int(str(d)[:4]) for d in dates if str(d)[:4].isdigit()]  # not "unknown"
    first = min(years, default=dt.date.today().year)
    last = dt.date.today().year
    return [f"{year}-12-31" for year in range(first, last + 1)]


def network_snapshot(
    results: CaseResults, as_of: dt.date, *, include_target: bool = False
) -> dict[str, Any]:
    """Return the links (memberships) and live bodies of the registry on ``as_of``."""
    registry = views.registry(results)
    if registry is None:
        return {"as_of": as_of.isoformat(), "edges": [], "bodies": []}
    snapshot = registry.as_of(as_of, include_target=include_target)
    edges = [
        {
            "source": m.member,
            "target": m.body,
            "role": m.role,
            "status": m.status,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
        }
        for m in snapshot.memberships
    ]
    return {"as_of": as_of.isoformat(), "edges": edges, "bodies": snapshot.body_ids}


def scenario_payloads(results: CaseResults) -> dict[str, dict[str, Any]]:
    """Return the partnership scenarios: title, description, assumptions and tables.

    ``{scenario: {"title", "description", "assumptions", "tables": {"members", "blocs"}}}``
    from the partnership comparison, with the member columns the report shows.
    """
    from cityregions.app.payloads import jsonable

    comparison = results.partnership
    if comparison is None:
        return {}
    from cityregions.partnership.compare import MEMBER_COLUMNS

    members = comparison.member_tables()
    blocs = comparison.bloc_tables()
    out: dict[str, dict[str, Any]] = {}
    for name, table in members.items():
        info = comparison.scenarios.get(name, {})
        shown = [c for c in MEMBER_COLUMNS if c in table.columns] or list(table.columns)
        tables = {"members": jsonable(table[shown].reset_index(drop=True))}
        if name in blocs:
            tables["blocs"] = jsonable(blocs[name].reset_index(drop=True))
        out[name] = {
            "title": str(info.get("title", name)),
            "description": str(info.get("description") or ""),
            "assumptions": [str(a) for a in info.get("assumptions", [])],
            "tables": tables,
        }
        for key in ("title", "description", "assumptions"):  # German texts, where given
            if info.get(f"{key}_de"):
                out[name][f"{key}_de"] = jsonable(info[f"{key}_de"])
    return out
