"""Export the governance network for Gephi, visone/yEd/Cytoscape and spreadsheets.

* :func:`write_gexf` — GEXF 1.2 with ``mode="dynamic"`` and ``timeformat="date"``: bodies
  carry their lifetime (``start``/``end``), membership edges their validity ``spells``,
  so that Gephi's timeline shows the network on any date. Body–body ties (a cooperation
  as member of the metropolitan body, target-model links) are included as edges with
  ``tie = "body-body"``.
* :func:`write_graphml` — GraphML of the same graph (first and last date of the spells
  as ``start``/``end`` attributes; GraphML has no spells).
* :func:`write_edge_list` — CSV, one row per membership record (actor or body → body),
  with role, dates, status, certainty and sources (Kumu/Graph Commons style
  ``from``/``to`` columns).
* :func:`write_popolo` — Popolo-shaped JSON (``organizations``, ``memberships``) with
  extension fields for voting weight, fee, status and certainty.
* :func:`write_dl` — UCINET DL of the affiliation network (two-mode full matrix,
  actors × bodies, ``NR``/``NC`` with row and column labels) and
  :func:`write_dl_projection` — the Newman-weighted actor projection as a one-mode
  ``EDGELIST1`` with embedded labels (read by UCINET, Gephi and igraph).

Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from cityregions.governance.network import (
    _add_membership_edge,
    _lifetime,
    _modes,
    affiliation_graph,
    projected_graph,
)
from cityregions.io._atomic import atomic_path
from cityregions.io._timestamp import build_date
from cityregions.registry import Registry, is_known

logger = logging.getLogger(__name__)


def dynamic_graph(registry: Registry) -> nx.Graph:
    """The affiliation graph plus body–body ties, with spells for every membership.

    Use the full registry (not a snapshot): the spells carry the time.
    """
    graph = affiliation_graph(registry, include_isolates=True)
    bodies = set(registry.body_ids)
    for membership in registry.memberships:
        if membership.member in bodies:
            _add_membership_edge(graph, membership)
            graph.edges[membership.member, membership.body]["tie"] = "body-body"
    for node in [n for n in list(graph) if graph.degree(n) == 0]:
        graph.remove_node(node)
    for _, data in graph.nodes(data=True):
        data.setdefault("body_level", "")
    return graph


def _gexf_ready(graph: nx.Graph) -> nx.Graph:
    out = graph.copy()
    for _, data in out.nodes(data=True):
        start, end = data.pop("start", None), data.pop("end", None)
        if start or end:
            data["spells"] = [(start, end)]
    for _, _, data in out.edges(data=True):
        data["label"] = data.get("role", "")
        spells = data.get("spells", [])
        if not spells or any(start is None and end is None for start, end in spells):
            data.pop("spells", None)  # valid at all times: no spell
    return out


def write_gexf(registry: Registry, path: str | Path) -> Path:
    """Write the dynamic governance network as GEXF (Gephi timeline ready).

    The file's ``lastmodifieddate`` is today, or the day of ``SOURCE_DATE_EPOCH`` when
    that environment variable is set (reproducible builds).
    """
    from networkx.readwrite.gexf import GEXFWriter

    graph = _gexf_ready(dynamic_graph(registry))
    writer = GEXFWriter(version="1.2draft")  # what nx.write_gexf does, with our date
    for meta in writer.xml.iter("meta"):
        meta.set("lastmodifieddate", build_date().isoformat())
    writer.add_graph(graph)
    with atomic_path(path) as tmp:
        writer.write(tmp)
    return Path(path)


def _scalar_graph(graph: nx.Graph) -> nx.Graph:
    out = graph.copy()
    for _, _, data in out.edges(data=True):
        spells = data.pop("spells", [])
        starts = [s for s, _ in spells if s]
        ends = [e for _, e in spells]
        data["start"] = min(starts) if len(starts) == len(spells) and starts else ""
        data["end"] = "" if any(e is None for e in ends) or not ends else max(ends)  # type: ignore[type-var]
    for _, data in out.nodes(data=True):
        for key, value in list(data.items()):
            if value is None:
                data[key] = ""
    return out


def write_graphml(registry: Registry, path: str | Path) -> Path:
    """Write the governance network (full registry or a snapshot) as GraphML."""
    graph = _scalar_graph(dynamic_graph(registry))
    with atomic_path(path) as tmp:
        nx.write_graphml(graph, tmp)
    return Path(path)


def edge_list(registry: Registry) -> pd.DataFrame:
    """One row per membership record: ``from`` (member), ``to`` (body) and attributes."""
    actors = set(registry.actor_ids)
    rows: list[dict[str, Any]] = []
    for m in registry.memberships:
        rows.append(
            {
                "from": m.member,
                "to": m.body,
                "tie": "actor-body" if m.member in actors else "body-body",
                "role": m.role,
                "represented_by": m.represented_by or "",
                "voting": m.has_vote,
                "weight": m.weight,
                "seats": m.seats,
                "fee_amount": m.fee.amount if m.fee else None,
                "fee_basis": m.fee.basis if m.fee else "",
                "share": m.share,
                "valid_from": m.valid_from or "",
                "valid_to": m.valid_to or "",
                "status": m.status,
                "certainty": m.certainty,
                "sources": ";".join(m.sources),
            }
        )
    return pd.DataFrame(rows)


def node_list(registry: Registry) -> pd.DataFrame:
    """One row per actor and body: ``id``, ``mode``, ``name``, ``kind``, ``body_level``, …"""
    states = registry.actor_states()
    rows: list[dict[str, Any]] = [
        {"id": a.id, "mode": "actor", "name": a.name, "kind": a.kind, "body_level": "",
         "state": states[a.id] or "", "units": ";".join(a.units), "start": "", "end": "",
         "certainty": a.certainty, "sources": ";".join(a.sources)}
        for a in registry.actors
    ]  # fmt: skip
    for b in registry.bodies:
        life = _lifetime(b.founded, b.dissolved, b.first_evidence)
        rows.append(
            {"id": b.id, "mode": "body", "name": b.name, "kind": b.kind, "body_level": b.body_level,
             "state": "", "units": ";".join(registry.body_units(b.id)),
             "start": life.get("start", ""), "end": life.get("end", ""),
             "certainty": b.certainty, "sources": ";".join(b.sources)}
        )  # fmt: skip
    return pd.DataFrame(rows)


def write_edge_list(registry: Registry, path: str | Path) -> Path:
    """Write :func:`edge_list` as CSV (UTF-8)."""
    with atomic_path(path) as tmp:
        edge_list(registry).to_csv(tmp, index=False)
    return Path(path)


def write_node_list(registry: Registry, path: str | Path) -> Path:
    """Write :func:`node_list` as CSV (UTF-8)."""
    with atomic_path(path) as tmp:
        node_list(registry).to_csv(tmp, index=False)
    return Path(path)


def write_frame(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    """Write a result table as CSV atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=index)
    return Path(path)


def _source_list(registry: Registry, ids: list[str]) -> list[dict[str, str]]:
    out = []
    for source in ids:
        entry = registry.sources.get(source)
        out.append({"url": entry.url, "note": source} if entry else {"url": source})
    return out


def _known(value: str | None) -> str | None:
    """A date for Popolo (ISO 8601), or None for a missing or ``unknown`` date."""
    return value if is_known(value) else None


def to_popolo(registry: Registry) -> dict[str, list[dict[str, Any]]]:
    """The registry as Popolo ``organizations`` and ``memberships`` (JSON-ready dicts).

    Actors and bodies are Popolo Organizations (``classification`` = kind, ``parent_id``,
    ``founding_date``/``dissolution_date`` (a date the sources do not give is left
    out, never written as ``unknown``), ``other_names`` (former names with
    ``start_date``/``end_date``), ``identifiers`` with the official key,
    ``area_id`` = units joined by ``;``); memberships have ``member`` = an organization
    reference, ``organization_id``, ``role``, ``on_behalf_of_id`` (who represents the
    member), ``start_date``/``end_date`` and the extensions ``voting``, ``voting_weight``,
    ``seats``, ``fee``, ``share``, ``status`` and ``certainty``.
    """
    organizations: list[dict[str, Any]] = []
    for actor in registry.actors:
        org: dict[str, Any] = {"id": actor.id, "name": actor.name, "classification": actor.kind}
        if actor.key:
            org["identifiers"] = [{"identifier": actor.key, "scheme": actor.key_scheme or ""}]
        if actor.units:
            org["area_id"] = ";".join(actor.units)
        org["sources"] = _source_list(registry, actor.sources)
        organizations.append(org)
    for body in registry.bodies:
        org = {"id": body.id, "name": body.name, "classification": body.kind}
        dates = {"parent_id": body.parent, "founding_date": _known(body.founded),
                 "dissolution_date": _known(body.dissolved)}  # fmt: skip
        org.update({k: v for k, v in dates.items() if v})
        if body.other_names:
            org["other_names"] = [
                {"name": o.name}
                | ({"start_date": o.valid_from} if o.valid_from else {})
                | ({"end_date": o.valid_to} if o.valid_to else {})
                for o in body.other_names
            ]
        org["sources"] = _source_list(registry, body.sources)
        organizations.append(org)
    memberships = []
    for number, m in enumerate(registry.memberships, start=1):
        record: dict[str, Any] = {
            "id": m.id or f"membership-{number}",
            "member": {"@type": "Organization", "id": m.member},
            "organization_id": m.body,
            "role": m.role,
        }
        optional: dict[str, Any] = {
            "on_behalf_of_id": m.represented_by,
            "start_date": _known(m.valid_from),
            "end_date": _known(m.valid_to),
            "voting_weight": m.weight,
            "seats": m.seats,
            "share": m.share,
            "fee": m.fee.model_dump() if m.fee else None,
        }
        record.update({k: v for k, v in optional.items() if v is not None})
        record.update({"voting": m.has_vote, "status": m.status, "certainty": m.certainty})
        record["sources"] = _source_list(registry, m.sources)
        memberships.append(record)
    return {"organizations": organizations, "memberships": memberships}


def write_popolo(registry: Registry, path: str | Path) -> Path:
    """Write :func:`to_popolo` as UTF-8 JSON."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(to_popolo(registry), ensure_ascii=False, indent=1), "utf-8")
    return Path(path)


def _dl_label(node: object) -> str:
    """A DL label: the id, in double quotes when it holds a blank, comma or quote."""
    text = str(node)
    if any(c in text for c in ' ,"\t'):
        return '"' + text.replace('"', "'") + '"'
    return text


def to_dl(registry: Registry) -> str:
    """The affiliation network as a UCINET DL two-mode full matrix (actors × bodies).

    Rows are the actors, columns the bodies (both sorted by id), a cell is 1 when the
    actor is a member of the body in ``registry`` (take a snapshot with
    :meth:`~cityregions.registry.Registry.as_of` first). Labels are the registry ids.

    Examples
    --------
    >>> from cityregions.registry import Actor, Body, Membership, Registry
    >>> reg = Registry(actors=[Actor(id="a", name="A", kind="city", sources=["x"])],
    ...                bodies=[Body(id="b", name="B", kind="cooperation",
    ...                             body_level="city_region", sources=["x"])],
    ...                memberships=[Membership(member="a", body="b", sources=["x"])])
    >>> print(to_dl(reg), end="")
    DL NR=1, NC=1
    FORMAT = FULLMATRIX
    ROW LABELS:
    a
    COLUMN LABELS:
    b
    DATA:
    1
    """
    graph = affiliation_graph(registry)
    actors, bodies = _modes(graph)
    lines = [f"DL NR={len(actors)}, NC={len(bodies)}", "FORMAT = FULLMATRIX", "ROW LABELS:"]
    lines += [_dl_label(a) for a in actors]
    lines += ["COLUMN LABELS:", *(_dl_label(b) for b in bodies), "DATA:"]
    for actor in actors:
        lines.append(" ".join("1" if graph.has_edge(actor, b) else "0" for b in bodies))
    return "\n".join(lines) + "\n"


def to_dl_projection(registry: Registry) -> str:
    """The Newman-weighted actor projection as a UCINET DL one-mode ``EDGELIST1``.

    ``DL N=<actors with a tie>``, labels embedded, one line ``source target weight`` per
    tie (each undirected tie once, sorted), weights with 10 significant digits; actors
    without any tie cannot appear in an edge list.
    """
    graph = affiliation_graph(registry)
    projected = projected_graph(graph, weighting="newman")
    ties = sorted(
        (min(u, v), max(u, v), float(d["weight"])) for u, v, d in projected.edges(data=True)
    )
    listed = sorted({n for u, v, _ in ties for n in (u, v)}, key=str)
    if len(listed) < projected.number_of_nodes():  # an edge list cannot show isolates
        logger.info(
            "UCINET DL edge list: %d actors without ties are not listed",
            projected.number_of_nodes() - len(listed),
        )
    lines = [f"DL N={len(listed)}", "FORMAT = EDGELIST1", "LABELS EMBEDDED:", "DATA:"]
    lines += [f"{_dl_label(u)} {_dl_label(v)} {w:.10g}" for u, v, w in ties]
    return "\n".join(lines) + "\n"


def write_dl(registry: Registry, path: str | Path) -> Path:
    """Write :func:`to_dl` (UCINET DL two-mode) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(to_dl(registry), encoding="utf-8")
    return Path(path)


def write_dl_projection(registry: Registry, path: str | Path) -> Path:
    """Write :func:`to_dl_projection` (UCINET DL one-mode edge list) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(to_dl_projection(registry), encoding="utf-8")
    return Path(path)
