"""The actor network of a bioenergy activity, analysed with the governance functions.

The bioenergy records live in the case's governance registry (ids with a prefix, by
default ``bio-``; see ``cases/mitteldeutschland/registry/bioenergy-dresden.yaml``).
:func:`bioenergy_subregistry` cuts out the activity's bodies (plants, networks), their
members, and the members' other bodies — so the table shows whether the actors of the
bioenergy activity are tied into the city-regional cooperation bodies.
:func:`actor_network` returns the two-mode centralities of
:func:`cityregions.governance.network.centralities` for that sub-network.

Examples
--------
>>> from cityregions.pipeline.case import bundled_case_path
>>> from cityregions.io.registry_yaml import read_registry
>>> registry = read_registry(bundled_case_path() / "registry")
>>> sub = bioenergy_subregistry(registry)
>>> "bio-klotzsche-biogas" in sub.body_ids and "dresden" in sub.actor_ids
True
"""

from __future__ import annotations

import logging

import pandas as pd

from cityregions.registry import Registry

logger = logging.getLogger(__name__)


def bioenergy_subregistry(
    registry: Registry, *, prefix: str = "bio-", embed: bool = True
) -> Registry:
    """Return the part of ``registry`` that belongs to a bioenergy activity.

    Parameters
    ----------
    registry
        The full governance registry.
    prefix
        Id prefix of the activity's bodies and actors.
    embed
        Also keep the other bodies the activity's actors are members of (their
        governance embedding), with those memberships.

    Returns
    -------
    Registry
        Sources, actors, bodies and memberships of the activity.
    """
    bodies = {b.id for b in registry.bodies if b.id.startswith(prefix)}
    members = {m.member for m in registry.memberships if m.body in bodies}
    actors = members | {a.id for a in registry.actors if a.id.startswith(prefix)}
    if embed:
        bodies |= {m.body for m in registry.memberships if m.member in actors}
    memberships = [m for m in registry.memberships if m.body in bodies and m.member in actors]
    return Registry(
        sources=registry.sources,
        actors=[a for a in registry.actors if a.id in actors],
        bodies=[b for b in registry.bodies if b.id in bodies],
        memberships=memberships,
    )


def actor_network(registry: Registry, *, prefix: str = "bio-") -> pd.DataFrame:
    """Return two-mode centralities of the bioenergy actor network.

    Parameters
    ----------
    registry
        The full governance registry (the activity is cut out with
        :func:`bioenergy_subregistry`).
    prefix
        Id prefix of the activity's records.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id: ``mode`` (actor/body), ``name``, ``degree``,
        ``degree_2mode``, ``betweenness_2mode``, ``closeness_2mode`` (Borgatti & Everett
        1997), ``strength``, ``betweenness_projection`` and ``bioenergy`` (True for the
        activity's own records).
    """
    from cityregions.governance.network import affiliation_graph, centralities

    sub = bioenergy_subregistry(registry, prefix=prefix)
    graph = affiliation_graph(sub)
    table = centralities(graph)
    table["bioenergy"] = [
        str(node).startswith(prefix)
        or any(str(n).startswith(prefix) for n in graph.neighbors(node))
        for node in table.index
    ]
    logger.info(
        "bioenergy actor network: %d actors, %d bodies, %d ties",
        int((table["mode"] == "actor").sum()),
        int((table["mode"] == "body").sum()),
        graph.number_of_edges(),
    )
    return table
