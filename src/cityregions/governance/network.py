"""The governance network: who sits with whom in which body, and who brokers across borders.

The registry is an **affiliation (two-mode) network**: actors on one side, bodies on the
other, an edge per membership. Everything here is computed on that bipartite graph first
(two-mode degree, betweenness and closeness with the Borgatti & Everett normalisation);
one-mode projections (actor × actor, body × body) are offered as views with the
weightings of Newman (2001) and Jaccard, and feed the Gould–Fernandez brokerage roles
(groups = federal states) and Burt's structural-hole measures.

Body–body ties (a cooperation as member of the metropolitan body, a planning
association in a steering group) are kept as a separate tie type (``tie = "body-body"``)
and are not mixed into the actor × body graph; :func:`body_links` lists them.

All results are pandas objects indexed by actor (or body) id, sorted by id.

References
----------
Borgatti, S. P. & Everett, M. G. (1997). Network analysis of 2-mode data. *Social
Networks* 19, 243–269.
Newman, M. E. J. (2001). Scientific collaboration networks II. *Physical Review E* 64,
016132.
Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
brokerage in transaction networks. *Sociological Methodology* 19, 89–126.
Burt, R. S. (1992). *Structural Holes*. Harvard University Press.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from networkx.algorithms import bipartite

from cityregions._errors import ParameterError
from cityregions.registry import Membership, Registry, date_end, date_start

logger = logging.getLogger(__name__)

Weighting = Literal["simple", "count", "newman", "jaccard", "overlap"]
WEIGHTINGS: tuple[str, ...] = ("simple", "count", "newman", "jaccard", "overlap")
ROLES: tuple[str, ...] = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


# ---------------------------------------------------------------------- graphs
def affiliation_graph(registry: Registry, *, include_isolates: bool = False) -> nx.Graph:
    """Build the actor × body affiliation graph of ``registry``.

    Nodes carry ``mode`` (``actor`` | ``body``), ``bipartite`` (0 | 1), ``name``,
    ``kind``, ``level`` (bodies), ``state`` (actors) and, for bodies, the lifetime as
    ``start``/``end`` ISO dates. One edge per actor–body pair carries the membership
    attributes (``role``, ``voting``, ``weight``, ``status``, ``certainty``) and its
    validity ``spells`` (a list of ``(start, end)`` ISO dates, one per membership
    record). Take a snapshot with :meth:`Registry.as_of` first for a network on a date.

    Parameters
    ----------
    registry
        The registry (or a snapshot of it).
    include_isolates
        Keep actors and bodies without any actor–body membership.
    """
    graph = nx.Graph(name="affiliation")
    states = registry.actor_states()
    for actor in registry.actors:
        graph.add_node(
            actor.id,
            mode="actor",
            bipartite=0,
            name=actor.name,
            kind=actor.kind,
            state=states[actor.id] or "",
        )
    for body in registry.bodies:
        attrs = {"mode": "body", "bipartite": 1, "name": body.name, "kind": body.kind}
        attrs["body_level"] = body.body_level
        life = _lifetime(body.founded, body.dissolved, body.first_evidence)
        graph.add_node(body.id, **attrs, **life)
    actor_ids = set(registry.actor_ids)
    for membership in registry.memberships:
        if membership.member in actor_ids and graph.has_node(membership.body):
            _add_membership_edge(graph, membership)
    if not include_isolates:
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def _lifetime(
    start: str | None, end: str | None, first_evidence: str | None = None
) -> dict[str, str]:
    """``start``/``end`` ISO dates of a lifetime; an unknown start opens at the first evidence."""
    out = {}
    first = date_start(start) or date_start(first_evidence)
    last = date_end(end)
    if first is not None:
        out["start"] = str(first)
    if last is not None:
        out["end"] = str(last)
    return out


def _spell(membership: Membership) -> tuple[str | None, str | None]:
    """Validity spell; an unknown start opens at the first evidence (as snapshots count it)."""
    life = _lifetime(membership.valid_from, membership.valid_to, membership.first_evidence)
    return life.get("start"), life.get("end")


def _add_membership_edge(graph: nx.Graph, membership: Membership) -> None:
    u, v = membership.member, membership.body
    if graph.has_edge(u, v):
        data = graph.edges[u, v]
        data["spells"].append(_spell(membership))
        data["records"] += 1
        data["voting"] = data["voting"] or membership.has_vote
        return
    graph.add_edge(
        u,
        v,
        tie="actor-body",
        role=membership.role,
        voting=membership.has_vote,
        weight=float(membership.weight if membership.weight is not None else 1.0),
        status=membership.status,
        certainty=membership.certainty,
        spells=[_spell(membership)],
        records=1,
    )


def body_links(registry: Registry) -> pd.DataFrame:
    """Body–body ties (a body as member of another), one row per membership record.

    Columns: ``member``, ``body``, ``role``, ``represented_by``, ``status``,
    ``valid_from``, ``valid_to``, ``certainty``.
    """
    bodies = set(registry.body_ids)
    rows = [
        {
            "member": m.member,
            "body": m.body,
            "role": m.role,
            "represented_by": m.represented_by,
            "status": m.status,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "certainty": m.certainty,
        }
        for m in registry.memberships
        if m.member in bodies
    ]
    columns = ["member", "body", "role", "represented_by", "status", "valid_from", "valid_to"]
    return pd.DataFrame(rows, columns=[*columns, "certainty"])


def _modes(graph: nx.Graph) -> tuple[list[str], list[str]]:
    actors = sorted(n for n, d in graph.nodes(data=True) if d.get("mode") == "actor")
    bodies = sorted(n for n, d in graph.nodes(data=True) if d.get("mode") == "body")
    return actors, bodies


# ---------------------------------------------------------------------- projections
def projected_graph(
    graph: nx.Graph, *, mode: Literal["actor", "body"] = "actor", weighting: Weighting = "newman"
) -> nx.Graph:
    """Project the affiliation graph onto actors (or bodies) with a tie weighting.

    Weights of the tie between ``u`` and ``v`` with affiliation sets ``B(u)``, ``B(v)``:

    * ``simple``: 1 if ``|B(u) ∩ B(v)| ≥ 1``;
    * ``count``: ``|B(u) ∩ B(v)|``;
    * ``newman``: ``Σ_{b ∈ B(u) ∩ B(v)} 1 / (k_b − 1)``, ``k_b`` = size of ``b``
      (large plenary bodies count less);
    * ``jaccard``: ``|B(u) ∩ B(v)| / |B(u) ∪ B(v)|``;
    * ``overlap``: ``|B(u) ∩ B(v)| / min(|B(u)|, |B(v)|)``.

    Nodes, each node's ties and the bodies of the Newman sum are taken in id order, so
    the weights and everything computed on the projection (strength, betweenness, Burt
    constraint, brokerage) are the same whatever ``PYTHONHASHSEED`` is and whatever the
    order of the registry's records (networkx's own projections iterate sets of ids).

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_nodes_from(["a", "b"], mode="actor")
    >>> g.add_nodes_from(["X", "Y"], mode="body")
    >>> g.add_edges_from([("a", "X"), ("b", "X"), ("a", "Y"), ("b", "Y")])
    >>> projected_graph(g, weighting="count")["a"]["b"]["weight"]
    2
    """
    if weighting not in WEIGHTINGS:
        msg = f"unknown weighting {weighting!r}; expected one of {', '.join(WEIGHTINGS)}"
        raise ParameterError(msg)
    actors, bodies = _modes(graph)
    nodes = actors if mode == "actor" else bodies
    simple = nx.Graph(graph.edges())
    simple.add_nodes_from(graph.nodes())
    projected = nx.Graph()
    projected.add_nodes_from((n, graph.nodes[n]) for n in nodes)
    for u in nodes:
        mine = sorted(simple[u])
        for v in sorted({w for b in mine for w in simple[b]} - {u}):
            if v > u:
                common = [b for b in mine if b in simple[v]]
                weight = _tie_weight(weighting, common, simple, len(mine), len(simple[v]))
                projected.add_edge(u, v, weight=weight)
    return projected


def _tie_weight(
    weighting: str, common: list[str], simple: nx.Graph, n_u: int, n_v: int
) -> float | int:
    """Weight of a projected tie with shared affiliations ``common`` (sorted by id).

    The Newman sum runs over ``common`` in id order: a float sum in the order of a set
    of strings would change in the last digits with ``PYTHONHASHSEED``.
    """
    if weighting == "simple":
        return 1
    if weighting == "count":
        return len(common)
    if weighting == "newman":
        return sum(1.0 / (len(simple[b]) - 1) for b in common if len(simple[b]) > 1)
    if weighting == "jaccard":
        return len(common) / (n_u + n_v - len(common))
    return len(common) / min(n_u, n_v)  # overlap


def projection(
    graph: nx.Graph, *, mode: Literal["actor", "body"] = "actor", weighting: Weighting = "newman"
) -> pd.DataFrame:
    """Edge list of :func:`projected_graph`: columns ``source``, ``target``, ``weight``.

    Rows are sorted by ``source, target`` with ``source < target``.
    """
    projected = projected_graph(graph, mode=mode, weighting=weighting)
    rows = [
        (min(u, v), max(u, v), float(d.get("weight", 1.0)))
        for u, v, d in projected.edges(data=True)
    ]
    frame = pd.DataFrame(rows, columns=["source", "target", "weight"])
    return frame.sort_values(["source", "target"], ignore_index=True)


# ---------------------------------------------------------------------- centrality
def centralities(graph: nx.Graph) -> pd.DataFrame:
    """Two-mode centralities of every node of the affiliation graph.

    Columns: ``mode``, ``name``, ``degree`` (number of affiliations), ``degree_2mode``
    (degree divided by the size of the other mode), ``betweenness_2mode`` and
    ``closeness_2mode`` (bipartite normalisations of Borgatti & Everett 1997, as in
    :mod:`networkx.algorithms.bipartite.centrality`), and, for actors, ``strength``
    (sum of Newman weights in the actor projection) and ``betweenness_projection``
    (on the projection, distance = 1 / Newman weight).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id (actors first, then bodies, each sorted).
    """
    actors, bodies = _modes(graph)
    if not actors or not bodies:
        return pd.DataFrame(columns=["mode", "name", "degree", "degree_2mode", "betweenness_2mode"])
    simple = nx.Graph(graph.edges())
    simple.add_nodes_from(graph.nodes())
    degree = bipartite.degree_centrality(simple, actors)
    try:
        betweenness = bipartite.betweenness_centrality(simple, actors)
    except ZeroDivisionError:  # one actor and one body: the maximum is 0, so is every value
        betweenness = dict.fromkeys(simple.nodes, 0.0)
    closeness = bipartite.closeness_centrality(simple, actors)
    order = actors + bodies
    frame = pd.DataFrame(
        {
            "mode": [graph.nodes[n]["mode"] for n in order],
            "name": [graph.nodes[n].get("name", n) for n in order],
            "degree": [simple.degree(n) for n in order],
            "degree_2mode": [degree[n] for n in order],
            "betweenness_2mode": [betweenness[n] for n in order],
            "closeness_2mode": [closeness[n] for n in order],
        },
        index=pd.Index(order, name="id"),
    )
    projected = projected_graph(graph, weighting="newman")
    strength = dict(projected.degree(weight="weight"))
    for _, _, data in projected.edges(data=True):
        data["distance"] = 1.0 / data["weight"] if data["weight"] > 0 else np.inf
    between = nx.betweenness_centrality(projected, weight="distance", normalized=True)
    frame["strength"] = pd.Series(strength, dtype=float)
    frame["betweenness_projection"] = pd.Series(between, dtype=float)
    return frame


# ---------------------------------------------------------------------- brokerage
def _brokerage_paths(graph: nx.Graph | nx.DiGraph) -> np.ndarray:
    """All brokerage two-paths ``a → v → b`` (``a ≠ b``, no tie ``a → b``) as index triples."""
    directed = graph if graph.is_directed() else graph.to_directed()
    nodes = sorted(directed.nodes())
    position = {n: i for i, n in enumerate(nodes)}
    triples = []
    for v in nodes:
        for a in sorted(directed.predecessors(v)):
            for b in sorted(directed.successors(v)):
                if a != b and a != v and b != v and not directed.has_edge(a, b):
                    triples.append((position[a], position[v], position[b]))
    return np.asarray(triples, dtype=np.int64).reshape(-1, 3)


def _role_counts(triples: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Counts per node (rows) and role (columns in :data:`ROLES` order)."""
    out = np.zeros((n, len(ROLES)), dtype=np.int64)
    if len(triples) == 0:
        return out
    ga, gv, gb = codes[triples[:, 0]], codes[triples[:, 1]], codes[triples[:, 2]]
    role = np.full(len(triples), 4)  # liaison: all different
    role[(ga == gb) & (ga != gv)] = 1  # itinerant
    role[(ga == gv) & (gv != gb)] = 2  # representative
    role[(ga != gv) & (gv == gb)] = 3  # gatekeeper
    role[(ga == gv) & (gv == gb)] = 0  # coordinator
    np.add.at(out, (triples[:, 1], role), 1)
    return out


def brokerage(
    graph: nx.Graph | nx.DiGraph,
    groups: Mapping[Hashable, Hashable],
    *,
    n_permutations: int = 0,
    rng: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Gould–Fernandez brokerage roles of every node, defined by path pattern.

    A brokerage two-path is ``a → v → b`` with ``a ≠ b`` and no tie ``a → b``; ``v`` is
    the broker. With ``g(·)`` the group (e.g. the federal state):

    * coordinator: ``g(a) = g(v) = g(b)``;
    * itinerant: ``g(a) = g(b) ≠ g(v)``;
    * representative: ``g(a) = g(v) ≠ g(b)``;
    * gatekeeper: ``g(a) ≠ g(v) = g(b)``;
    * liaison: all three different.

    An undirected graph is used in both directions, so representative = gatekeeper.

    Parameters
    ----------
    graph
        Directed or undirected one-mode network (e.g. the actor projection).
    groups
        Node → group; nodes missing here form a group ``"?"``.
    n_permutations
        If > 0, add permutation p-values (shuffle group labels, keep the graph):
        columns ``p_<role>`` = ``(1 + #{perm ≥ observed}) / (1 + n_permutations)``.
    rng
        Random generator for the permutations (required when ``n_permutations > 0``).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id (sorted): ``group``, one count column per role, ``total``,
        the expected counts ``expected_<role>`` under the random-tie null model of
        ``sna::brokerage`` (density ``d = m / (N (N − 1))``, a brokerage two-path with
        probability ``d² (1 − d)``: coordinator ``(n_g − 1)(n_g − 2)``, itinerant
        ``Σ_{h≠g} n_h (n_h − 1)``, representative = gatekeeper ``(N − n_g)(n_g − 1)``,
        liaison ``(Σ_{h≠g} n_h)² − Σ_{h≠g} n_h²``, each times ``d² (1 − d)``),
        ``cross_group`` (all roles but coordinator: two-paths whose ends are not both in
        the broker's group) and, with permutations, the p-values ``p_<role>``,
        ``expected_cross_group`` (its mean under random mixing that keeps the group
        sizes: the group labels shuffled, the graph kept) and ``p_cross_group``. The
        total does not depend on the labels, so it has no p-value.

    References
    ----------
    Gould & Fernandez (1989); Butts, C. T., R package ``sna``, function ``brokerage``.
    """
    nodes = sorted(graph.nodes())
    labels = np.array([str(groups.get(n, "?")) for n in nodes], dtype=object)
    _, codes = np.unique(labels, return_inverse=True)
    triples = _brokerage_paths(graph)
    counts = _role_counts(triples, codes, len(nodes))
    frame = pd.DataFrame(counts, index=pd.Index(nodes, name="id"), columns=list(ROLES))
    frame.insert(0, "group", labels)
    frame["total"] = counts.sum(axis=1)
    expected = _expected_roles(graph, labels)
    for role in ROLES:
        frame[f"expected_{role}"] = expected[role].to_numpy()
    frame["cross_group"] = frame["total"] - frame["coordinator"]
    if n_permutations > 0:
        if rng is None:
            msg = "n_permutations > 0 needs rng (a numpy.random.Generator)"
            raise ParameterError(msg)
        cross = counts[:, 1:].sum(axis=1)
        exceed = np.zeros_like(counts)
        exceed_cross = np.zeros(len(nodes), dtype=np.int64)
        cross_sum = np.zeros(len(nodes), dtype=float)
        for _ in range(n_permutations):
            perm = _role_counts(triples, rng.permutation(codes), len(nodes))
            exceed += perm >= counts
            perm_cross = perm[:, 1:].sum(axis=1)
            exceed_cross += perm_cross >= cross
            cross_sum += perm_cross
        for j, role in enumerate(ROLES):
            frame[f"p_{role}"] = (1 + exceed[:, j]) / (1 + n_permutations)
        frame["expected_cross_group"] = cross_sum / n_permutations
        frame["p_cross_group"] = (1 + exceed_cross) / (1 + n_permutations)
    return frame


def _expected_roles(graph: nx.Graph | nx.DiGraph, labels: np.ndarray) -> pd.DataFrame:
    n = len(labels)
    arcs = graph.number_of_edges() * (1 if graph.is_directed() else 2)
    density = arcs / (n * (n - 1)) if n > 1 else 0.0
    factor = density**2 * (1 - density)
    sizes = pd.Series(labels).value_counts()
    rows = []
    for label in labels:
        n_g = int(sizes[label])
        others = sizes.drop(label)
        rows.append(
            {
                "coordinator": (n_g - 1) * (n_g - 2),
                "itinerant": float((others * (others - 1)).sum()),
                "representative": (n - n_g) * (n_g - 1),
                "gatekeeper": (n - n_g) * (n_g - 1),
                "liaison": float(others.sum() ** 2 - (others**2).sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(ROLES)).astype(float) * factor


# ---------------------------------------------------------------------- structural holes
def structural_holes(graph: nx.Graph, *, weight: str | None = None) -> pd.DataFrame:
    """Burt's constraint, effective size and efficiency of every node.

    ``p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki)``; constraint
    ``c_i = Σ_{j≠i} (p_ij + Σ_{q≠i,j} p_iq p_qj)²``; effective size
    ``n_i − 2 t_i / n_i`` (binary: ``n_i`` alters, ``t_i`` ties among them);
    efficiency = effective size / ``n_i``. Isolates get NaN.

    Examples
    --------
    >>> structural_holes(nx.complete_graph(3))["constraint"].round(3).tolist()
    [1.125, 1.125, 1.125]
    """
    nodes = sorted(graph.nodes())
    empty = graph.number_of_nodes() == 0
    constraint = {} if empty else nx.constraint(graph, weight=weight)
    effective = {} if empty else nx.effective_size(graph, weight=weight)
    frame = pd.DataFrame(
        {
            "constraint": [constraint.get(n, np.nan) for n in nodes],
            "effective_size": [effective.get(n, np.nan) for n in nodes],
            "degree": [graph.degree(n) for n in nodes],
        },
        index=pd.Index(nodes, name="id"),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["efficiency"] = frame["effective_size"] / frame["degree"].replace(0, np.nan)
    return frame


def ei_index(graph: nx.Graph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Krackhardt–Stern E–I index of each group: ``(E − I) / (E + I)``.

    ``E`` counts ties from members of the group to other groups, ``I`` ties inside the
    group (each undirected tie once; weights ignored). −1 = closed, +1 = fully open.
    Nodes missing from ``groups`` form the group ``"?"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted): ``nodes``, ``internal``, ``external``, ``ei_index``.

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> ei_index(g, {"a": "X", "b": "X", "c": "Y"})["ei_index"].tolist()
    [0.0, 1.0]
    """
    label = {n: str(groups.get(n, "?")) for n in graph.nodes}
    names = sorted(set(label.values()))
    internal = dict.fromkeys(names, 0)
    external = dict.fromkeys(names, 0)
    for u, v in graph.edges():
        if u == v:
            continue
        if label[u] == label[v]:
            internal[label[u]] += 1
        else:
            external[label[u]] += 1
            external[label[v]] += 1
    frame = pd.DataFrame(
        {
            "nodes": [sum(1 for x in label.values() if x == g) for g in names],
            "internal": [internal[g] for g in names],
            "external": [external[g] for g in names],
        },
        index=pd.Index(names, name="group"),
    )
    ties = frame["internal"] + frame["external"]
    frame["ei_index"] = (frame["external"] - frame["internal"]) / ties.replace(0, np.nan)
    return frame


def actor_metrics(
    registry: Registry,
    *,
    n_permutations: int = 0,
    rng: np.random.Generator | None = None,
) -> pd.DataFrame:
    """One table per actor: centralities, brokerage across states and Burt constraint.

    Built on the affiliation graph of ``registry`` (take a snapshot with
    :meth:`Registry.as_of` first), the actor projection with Newman weights, groups =
    the actors' federal states (``state`` or the first two digits of the key). With
    permutations, ``q_cross_group`` holds the Benjamini–Hochberg adjusted
    ``p_cross_group`` over the actors that broker across states at all, and
    ``significant_broker`` marks actors whose cross-state brokerage exceeds random
    mixing at ``q ≤ 0.05`` (:mod:`cityregions.governance.nullmodels`).
    """
    from cityregions.governance.nullmodels import ALPHA, benjamini_hochberg

    graph = affiliation_graph(registry)
    actors, _ = _modes(graph)
    central = centralities(graph).loc[actors].drop(columns="mode")
    projected = projected_graph(graph, weighting="newman")
    states: dict[Hashable, Hashable] = {n: graph.nodes[n].get("state") or "?" for n in actors}
    roles = brokerage(projected, states, n_permutations=n_permutations, rng=rng)
    roles = roles.rename(columns={"group": "state", "total": "brokerage_total"})
    if "p_cross_group" in roles.columns:
        tested = roles["cross_group"] > 0
        roles["q_cross_group"] = benjamini_hochberg(roles["p_cross_group"].where(tested))
        roles["significant_broker"] = (roles["q_cross_group"] <= ALPHA) & (
            roles["cross_group"] > roles["expected_cross_group"]
        )
    holes = structural_holes(projected, weight="weight").drop(columns="degree")
    return central.join(roles).join(holes).rename_axis("actor")
