"""Community detection on the commuting network: Leiden (modularity or CPM) and Infomap.

Community detection is an exploratory check beside the rule-based methods: it finds
groups of units that commute more among themselves than a null model expects, but gives
no self-containment or size guarantee. Reported quality is the directed flow
modularity of :func:`flow_modularity` (the same Q as for labour market areas), so that
every method is scored alike.

**Self-loops (internal flows).** Commuting matrices are dominated by their diagonal, and
libraries treat self-loops differently, so the handling is explicit:

``self_loops=True`` (default)
    Each unit's internal flow :math:`T_{ii}` is a self-loop edge. In the directed graph
    it counts once in the unit's out-strength (employed residents :math:`R_i`) and once
    in its in-strength (jobs :math:`W_i`); the modularity is then exactly
    :func:`flow_modularity`. In the symmetrised graph (``directed=False``) the edge
    weight between :math:`i \\ne j` is :math:`T_{ij} + T_{ji}` and the self-loop weight
    :math:`T_{ii}`; igraph counts a self-loop twice in a node's strength, so the
    symmetric adjacency is :math:`A + A^\\top` and the strength is :math:`R_i + W_i`.
``self_loops=False``
    The diagonal is dropped before building the graph (as Nelson & Rae 2016 did with
    intra-tract flows): only between-unit commuting links units, and strengths exclude
    internal flows. Units without any between-unit flow stay singletons.

With self-loops, strengths include the large internal flows, so the expected flow
between two units, :math:`\\gamma (R_a W_b + R_b W_a)/m`, is large too: at
:math:`\\gamma = 1` strongly self-contained units on a small territory may stay alone.
Lower the resolution (or drop self-loops) to get larger regions.

``directed=True`` (default) uses the directed modularity of Leicht & Newman (2008),
which leidenalg applies to directed graphs.

Leiden needs the ``leiden`` extra (igraph, leidenalg: ``pip install
"cityregions[leiden]"``); without it :class:`LeidenRegions` raises
:class:`~cityregions._optional.OptionalDependencyError`, which says so.
:func:`flow_modularity` needs neither.

**Infomap** (:class:`InfomapRegions`, the ``infomap`` extra) minimises the map equation
of a random walker on the flows (Rosvall & Bergstrom 2008): regions are groups of units
in which commuting flow stays long. Following its authors for directed networks, the
walker's flow is computed on the **directed** links with teleportation probability
0.15 to links, and the teleportation steps are not encoded ("unrecorded"
teleportation, Lambiotte & Rosvall 2012; Infomap's ``--flow-model directed``
default). Infomap finds a hierarchy of modules; ``level`` picks one: 1 the top
(coarsest) modules, 2 their sub-modules, …, -1 the finest. Internal flows are
self-links (Infomap's default since 2.0); ``self_loops=False`` drops them.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions._errors import InputError, ParameterError
from cityregions._optional import import_optional
from cityregions.constants import REGION, UNIT
from cityregions.delineation._common import check_positive
from cityregions.flows import FlowTable

logger = logging.getLogger(__name__)

Objective = Literal["modularity", "cpm"]


def flow_modularity(flows: FlowTable, labels: pd.Series) -> float:
    """Return the directed modularity of a partition of the flow network.

    Parameters
    ----------
    flows
        Commuting flows, diagonal (internal flows) included.
    labels
        Unit → region for every unit of ``flows``.

    Returns
    -------
    float
        :math:`Q = \\frac{1}{m}\\sum_c \\left[A_{cc} - \\frac{O_c I_c}{m}\\right]`, with
        :math:`A_{cc}` the flows within region :math:`c` (diagonals included),
        :math:`O_c`, :math:`I_c` its out- and in-flows (internal included) and
        :math:`m` the total flow.

    References
    ----------
    Leicht, E. A., & Newman, M. E. J. (2008). Community structure in directed networks.
    *Physical Review Letters*, 100, 118703. Same as ``Qmodularity`` of the R package
    LabourMarketAreas. Computed by
    :func:`cityregions.delineation.quality.q_modularity` (the LMA quality module).

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b", "c", "c"],
    ...                      "destination": ["a", "b", "b", "c", "b"],
    ...                      "value": [6, 2, 8, 5, 1]})
    >>> flows = FlowTable.from_long(long)
    >>> round(flow_modularity(flows, pd.Series({"a": 1, "b": 1, "c": 2})), 6)
    0.330579
    """
    from cityregions.delineation.quality import q_modularity

    return q_modularity(flows, labels)


def flow_graph(flows: FlowTable, *, directed: bool = True, self_loops: bool = True) -> Any:
    """Return the weighted igraph graph of the flows, vertices in sorted id order.

    Parameters
    ----------
    flows
        Commuting flows.
    directed
        Keep the direction of commuting; otherwise edge weight :math:`T_{ij} + T_{ji}`.
    self_loops
        Keep internal flows as self-loop edges (see the module notes).

    Returns
    -------
    igraph.Graph
        Vertex attribute ``name`` (unit id), edge attribute ``weight``.
    """
    ig = import_optional("igraph", extra="leiden", purpose="Leiden communities")
    order = np.argsort(np.asarray(flows.ids), kind="stable")
    matrix = sp.csr_array(flows.matrix[order][:, order])
    if not self_loops:
        matrix.setdiag(0)
    if not directed:
        upper = sp.triu(matrix + matrix.T, k=1)
        matrix = sp.csr_array(upper + sp.diags(matrix.diagonal()))
    matrix.eliminate_zeros()
    coo = matrix.tocoo()
    graph = ig.Graph(
        n=len(order),
        edges=list(zip(coo.row.tolist(), coo.col.tolist(), strict=True)),
        directed=directed,
    )
    graph.vs["name"] = [flows.ids[i] for i in order]
    graph.es["weight"] = coo.data.astype(float).tolist()
    return graph


def leiden_labels(
    graph: Any,
    *,
    objective: Objective = "modularity",
    resolution: float = 1.0,
    seed: int = 0,
    n_iterations: int = -1,
) -> tuple[np.ndarray, float]:
    """Run Leiden once on ``graph`` and return the membership and its quality.

    Parameters
    ----------
    graph
        Weighted igraph graph (:func:`flow_graph`).
    objective
        ``"modularity"`` (RB configuration model with ``resolution``; 1 is plain
        modularity) or ``"cpm"`` (constant Potts model: ``resolution`` is the flow per
        ordered pair of units above which a group is denser than expected).
    resolution
        Resolution parameter γ; larger gives more, smaller regions.
    seed
        leidenalg's own integer seed (this wraps one call of
        ``leidenalg.find_partition``; :class:`LeidenRegions` draws it from an ``rng``).
    n_iterations
        Leiden iterations; negative runs until the partition is stable.
    """
    leidenalg = import_optional("leidenalg", extra="leiden", purpose="Leiden communities")
    partition_type = (
        leidenalg.RBConfigurationVertexPartition
        if objective == "modularity"
        else leidenalg.CPMVertexPartition
    )
    partition = leidenalg.find_partition(
        graph,
        partition_type,
        weights="weight",
        resolution_parameter=resolution,
        n_iterations=n_iterations,
        seed=seed,
    )
    return np.asarray(partition.membership), float(partition.quality())


def name_regions(membership: np.ndarray, ids: list[str], jobs: pd.Series) -> pd.Series:
    """Label each community by its member with the most jobs (ties: smallest id)."""
    frame = pd.DataFrame({UNIT: ids, "community": membership})
    frame["jobs"] = jobs.reindex(ids).to_numpy()
    frame = frame.sort_values(["community", "jobs", UNIT], ascending=[True, False, True])
    head = frame.drop_duplicates("community").set_index("community")[UNIT]
    labels = pd.Series(frame["community"].map(head).to_numpy(), index=frame[UNIT].to_numpy())
    return labels.rename(REGION).rename_axis(UNIT).sort_index()


class LeidenRegions:
    """Regions as Leiden communities of the commuting network.

    Parameters
    ----------
    objective
        ``"modularity"`` (default) or ``"cpm"``.
    resolution
        Resolution γ (> 0); for modularity 1.0 is the standard value.
    directed
        Use the directed flow graph (default) or the symmetrised one.
    self_loops
        Keep internal flows as self-loops (default; see the module notes).
    n_runs
        Number of Leiden runs with different seeds; the one with the highest quality
        is kept (ties: the first).
    rng
        Where the randomness comes from. ``None`` (default) runs leidenalg with the
        seeds ``0, 1, …, n_runs − 1``, so results never change between calls; a numpy
        ``Generator`` gives each run the seed ``int(rng.integers(2**31 - 1))``, drawn in
        run order (the command line makes it from ``--seed``).

    Attributes
    ----------
    labels_ : pandas.Series
        Unit → region, named after the member with the most jobs.
    quality_ : float
        Leiden's objective value of the kept run.
    modularity_ : float
        :func:`flow_modularity` of ``labels_`` (directed, diagonal included).
    seeds_ : list of int
        leidenalg seeds of the runs.

    References
    ----------
    Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to Leiden:
    guaranteeing well-connected communities. *Scientific Reports*, 9, 5233.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "b", "a", "c", "d", "c"],
    ...                      "destination": ["a", "b", "b", "c", "d", "d"],
    ...                      "value": [50, 50, 40, 50, 50, 40]})
    >>> LeidenRegions().fit(FlowTable.from_long(long)).labels_.tolist()
    ['b', 'b', 'd', 'd']
    >>> LeidenRegions(rng=np.random.default_rng(1)).fit(FlowTable.from_long(long)).seeds_
    [1016164991]
    """

    def __init__(
        self,
        *,
        objective: Objective = "modularity",
        resolution: float = 1.0,
        directed: bool = True,
        self_loops: bool = True,
        n_runs: int = 1,
        rng: np.random.Generator | None = None,
    ) -> None:
        if objective not in ("modularity", "cpm"):
            msg = f"objective must be 'modularity' or 'cpm', got {objective!r}"
            raise ParameterError(msg)
        self.objective: Objective = objective
        self.resolution = check_positive(resolution, name="resolution")
        self.directed = directed
        self.self_loops = self_loops
        if n_runs < 1:
            msg = f"n_runs must be at least 1, got {n_runs}"
            raise ParameterError(msg)
        self.n_runs = int(n_runs)
        if rng is not None and not isinstance(rng, np.random.Generator):
            msg = f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}"
            raise ParameterError(msg)
        self.rng = rng

    def fit(self, flows: FlowTable) -> LeidenRegions:
        """Find the communities of ``flows``."""
        graph = flow_graph(flows, directed=self.directed, self_loops=self.self_loops)
        if self.rng is None:
            seeds = list(range(self.n_runs))
        else:
            seeds = [int(self.rng.integers(2**31 - 1)) for _ in range(self.n_runs)]
        best: tuple[np.ndarray, float] | None = None
        for seed in seeds:
            membership, quality = leiden_labels(
                graph, objective=self.objective, resolution=self.resolution, seed=seed
            )
            if best is None or quality > best[1]:
                best = (membership, quality)
        assert best is not None
        self.seeds_ = seeds
        self.quality_ = best[1]
        self.labels_ = name_regions(best[0], list(graph.vs["name"]), flows.jobs())
        self.modularity_ = flow_modularity(flows, self.labels_)
        logger.info("Leiden: %d regions, modularity %.4f", self.labels_.nunique(), self.modularity_)
        return self


def infomap_graph_links(
    flows: FlowTable, *, self_loops: bool = True
) -> list[tuple[int, int, float]]:
    """Return the weighted directed links (source, target, flow) in sorted id order.

    Raises
    ------
    InputError
        If the flows have no flow between two different units (Infomap would have
        nothing to group).
    """
    order = np.argsort(np.asarray(flows.ids), kind="stable")
    matrix = sp.csr_array(flows.matrix[order][:, order])
    between = matrix.copy()
    between.setdiag(0)
    between.eliminate_zeros()
    if between.nnz == 0:
        msg = (
            "Infomap needs flows between units, but the flow table has only internal "
            "flows (origin = destination); give FLOWS with rows whose origin and "
            "destination differ"
        )
        raise InputError(msg, source=flows.source or "FLOWS", field="destination")
    if not self_loops:
        matrix = between
    coo = matrix.tocoo()
    keep = coo.data > 0
    return list(
        zip(coo.row[keep].tolist(), coo.col[keep].tolist(), coo.data[keep].astype(float).tolist(),
            strict=True)
    )  # fmt: skip


class InfomapRegions:
    """Regions as Infomap modules of the directed commuting network.

    Parameters
    ----------
    level
        Module level of the hierarchy: 1 (default) the top modules, 2 their sub-modules,
        …; -1 the finest modules.
    teleportation_probability
        Probability that the random walker jumps to a random link (Infomap default
        0.15); teleportation is not recorded.
    self_loops
        Keep internal flows as self-links (default, as Infomap does).
    n_trials
        Infomap trials; the best (shortest code) is kept.
    rng
        ``None`` (default) runs Infomap with its own default seed 123; a numpy
        ``Generator`` gives the seed ``int(rng.integers(1, 2**31 - 1))`` (``--seed``).

    Attributes
    ----------
    labels_ : pandas.Series
        Unit → region, named after the member with the most jobs (ties: smallest id).
    codelength_ : float
        Map-equation code length of the hierarchy (bits).
    levels_ : int
        Number of module levels found (``level`` may be 1 … ``levels_`` or -1).
    seed_ : int
        Infomap seed used.
    modularity_ : float
        :func:`flow_modularity` of ``labels_``.

    References
    ----------
    Rosvall, M., & Bergstrom, C. T. (2008). Maps of random walks on complex networks
    reveal community structure. *PNAS*, 105(4), 1118–1123. Rosvall, M., & Bergstrom,
    C. T. (2011). Multilevel compression of random walks on networks reveals
    hierarchical organization in large integrated systems. *PLoS ONE* 6(4), e18209.
    Lambiotte, R., & Rosvall, M. (2012). Ranking and clustering of nodes in networks
    with smart teleportation. *Phys. Rev. E* 85, 056107.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "b", "a", "b", "c", "d", "c", "d", "b"],
    ...                      "destination": ["b", "a", "a", "b", "d", "c", "c", "d", "c"],
    ...                      "value": [40, 40, 50, 50, 40, 40, 50, 50, 1]})
    >>> InfomapRegions().fit(FlowTable.from_long(long)).labels_.tolist()
    ['a', 'a', 'c', 'c']
    """

    def __init__(
        self,
        *,
        level: int = 1,
        teleportation_probability: float = 0.15,
        self_loops: bool = True,
        n_trials: int = 1,
        rng: np.random.Generator | None = None,
    ) -> None:
        if not isinstance(level, int) or isinstance(level, bool) or not (level >= 1 or level == -1):
            msg = f"level must be 1, 2, … (1 = top modules) or -1 (finest), got {level!r}"
            raise ParameterError(msg)
        if not 0 < teleportation_probability < 1:
            msg = f"teleportation_probability must be in (0, 1), got {teleportation_probability!r}"
            raise ParameterError(msg)
        if n_trials < 1:
            msg = f"n_trials must be at least 1, got {n_trials}"
            raise ParameterError(msg)
        if rng is not None and not isinstance(rng, np.random.Generator):
            msg = f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}"
            raise ParameterError(msg)
        self.level = level
        self.teleportation_probability = float(teleportation_probability)
        self.self_loops = self_loops
        self.n_trials = int(n_trials)
        self.rng = rng

    def fit(self, flows: FlowTable) -> InfomapRegions:
        """Find the Infomap modules of ``flows`` at ``level``."""
        links = infomap_graph_links(flows, self_loops=self.self_loops)
        infomap = import_optional("infomap", extra="infomap", purpose="Infomap regions")
        self.seed_ = 123 if self.rng is None else int(self.rng.integers(1, 2**31 - 1))
        options = infomap.Options(
            flow_model="directed",
            teleportation_probability=self.teleportation_probability,
            num_trials=self.n_trials,
            seed=self.seed_,
            silent=True,
        )
        network = infomap.Infomap(silent=True)
        ids = sorted(flows.ids)
        network.add_nodes(range(len(ids)))
        for source, target, weight in links:
            network.add_link(source, target, weight)
        result = infomap.run(network, options=options)
        self.levels_ = int(result.num_levels) - 1
        if self.level > self.levels_:
            msg = (
                f"--level {self.level}: Infomap found {self.levels_} module level(s); "
                f"choose 1 to {self.levels_}, or -1 for the finest"
            )
            raise ParameterError(msg)
        modules = result.modules(self.level)
        membership = np.asarray([modules[k] for k in range(len(ids))])
        self.codelength_ = float(result.codelength)
        self.labels_ = name_regions(membership, ids, flows.jobs())
        self.modularity_ = flow_modularity(flows, self.labels_)
        logger.info(
            "Infomap: %d regions at level %d of %d, code length %.4f bits",
            self.labels_.nunique(),
            self.level,
            self.levels_,
            self.codelength_,
        )
        return self
