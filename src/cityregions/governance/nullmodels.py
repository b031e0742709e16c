"""Null models of the network indicators: what random mixing would give, and how unusual
the observed values are.

Openness of a group and brokerage across groups depend on group sizes: a small group
(Thuringia with few entered actors) is "open" by arithmetic, because most of its
possible partners lie outside. Both indicators are therefore compared with **random
mixing that keeps the group sizes**: the graph stays as it is and the group labels are
shuffled among the nodes (a label permutation, Krackhardt & Stern 1988's random
assignment; the default significance test the governance-methods note §2.4 proposes for
brokerage).

* :func:`ei_test` — Krackhardt–Stern E–I index per group with its expected value under
  random mixing, the permutation mean and one-sided permutation p-values;
* :func:`benjamini_hochberg` — false-discovery-rate adjusted p-values (q-values), used
  when many actors are tested at once (brokerage headlines).

References
----------
Krackhardt, D. & Stern, R. N. (1988). Informal networks and organizational crises: an
experimental simulation. *Social Psychology Quarterly* 51(2), 123–140.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *Journal of
the Royal Statistical Society B* 57(1), 289–300.
Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
*Statistical Applications in Genetics and Molecular Biology* 9(1), 39.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from cityregions._errors import ParameterError

logger = logging.getLogger(__name__)

#: Significance level of the headlines.
ALPHA = 0.05


def _edge_codes(graph: nx.Graph, groups: Mapping[Hashable, Hashable]) -> tuple:
    nodes = sorted(graph.nodes(), key=str)
    position = {n: i for i, n in enumerate(nodes)}
    labels = np.array([str(groups.get(n, "?")) for n in nodes], dtype=object)
    names, codes = np.unique(labels, return_inverse=True)
    pairs = np.array(
        sorted((position[u], position[v]) for u, v in graph.edges() if u != v), dtype=np.int64
    ).reshape(-1, 2)
    return names, codes, pairs


def _counts(codes: np.ndarray, pairs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Internal and external tie counts per group (internal ties once, external per side)."""
    cu, cv = codes[pairs[:, 0]], codes[pairs[:, 1]]
    same = cu == cv
    internal = np.bincount(cu[same], minlength=k)
    external = np.bincount(cu[~same], minlength=k) + np.bincount(cv[~same], minlength=k)
    return internal, external


def _ei(internal: np.ndarray, external: np.ndarray) -> np.ndarray:
    total = internal + external
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (external - internal) / np.where(total > 0, total, 1), np.nan)


def expected_ei(sizes: Mapping[str, int]) -> dict[str, float]:
    """E–I index of each group expected under random mixing with the given group sizes.

    A tie between two random nodes joins two members of group ``g`` with probability
    proportional to the ``n_g (n_g − 1) / 2`` possible internal pairs and leaves ``g``
    with probability proportional to the ``n_g (N − n_g)`` possible external pairs, so

    ``E–I*_g = (n_g (N − n_g) − n_g (n_g − 1)/2) / (n_g (N − n_g) + n_g (n_g − 1)/2)``.

    Internal ties are counted once, as in the observed index (:func:`ei_test`); counting
    both ends of an internal tie would give ``(N − 2 n_g + 1)/(N − 1)`` and must then be
    compared with an index that also counts both ends.

    Examples
    --------
    >>> {k: round(v, 3) for k, v in expected_ei({"A": 2, "B": 2}).items()}
    {'A': 0.6, 'B': 0.6}
    """
    total = sum(sizes.values())
    out = {}
    for group, n in sizes.items():
        internal, external = n * (n - 1) / 2, n * (total - n)
        both = internal + external
        out[group] = (external - internal) / both if both else float("nan")
    return out


def ei_test(
    graph: nx.Graph,
    groups: Mapping[Hashable, Hashable],
    *,
    n_permutations: int = 999,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """E–I index per group against random mixing that keeps the group sizes.

    Parameters
    ----------
    graph
        Undirected one-mode network (e.g. the Newman actor projection).
    groups
        Node → group (e.g. the actor's state); nodes missing here form the group ``"?"``.
    n_permutations
        Label permutations of the test.
    rng
        Random generator of the permutations.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted): ``nodes``, ``internal``, ``external``, ``ei_index``
        (``(E − I)/(E + I)``, internal ties counted once, Krackhardt & Stern 1988),
        ``expected`` (:func:`expected_ei`), ``permutation_mean``, ``p_more_open``
        (share of permutations with an index at least as high, ``(1 + #)/(1 + n)``),
        ``p_more_closed`` (at least as low), ``p_value`` (two-sided:
        ``min(1, 2 min(p_more_open, p_more_closed))``) and ``significant``
        (``p_value ≤ ALPHA``).

    Raises
    ------
    ParameterError
        If ``n_permutations`` is below 1.

    Examples
    --------
    Two groups of two nodes, each pair tied internally: E–I = −1 for both; under random
    mixing it is +0.6, and a label permutation gives −1 only when the pairs stay intact.

    >>> g = nx.Graph([("a", "b"), ("c", "d")])
    >>> t = ei_test(g, {"a": "X", "b": "X", "c": "Y", "d": "Y"}, n_permutations=99,
    ...             rng=np.random.default_rng(0))
    >>> t["ei_index"].tolist(), t["expected"].round(1).tolist()
    ([-1.0, -1.0], [0.6, 0.6])
    """
    if n_permutations < 1:
        msg = f"n_permutations must be at least 1, got {n_permutations}"
        raise ParameterError(msg)
    names, codes, pairs = _edge_codes(graph, groups)
    k = len(names)
    internal, external = _counts(codes, pairs, k)
    observed = _ei(internal, external)
    higher = np.zeros(k, dtype=np.int64)
    lower = np.zeros(k, dtype=np.int64)
    total = np.zeros(k, dtype=float)
    counted = np.zeros(k, dtype=np.int64)
    for _ in range(n_permutations):
        perm = _ei(*_counts(rng.permutation(codes), pairs, k))
        valid = ~np.isnan(perm)
        higher += valid & (perm >= observed - 1e-12)
        lower += valid & (perm <= observed + 1e-12)
        total += np.where(valid, perm, 0.0)
        counted += valid
    sizes = {str(n): int(c) for n, c in zip(names, np.bincount(codes, minlength=k), strict=True)}
    expected = expected_ei(sizes)
    frame = pd.DataFrame(
        {
            "nodes": [sizes[str(n)] for n in names],
            "internal": internal,
            "external": external,
            "ei_index": observed,
            "expected": [expected[str(n)] for n in names],
            "permutation_mean": np.divide(
                total, counted, out=np.full(k, np.nan), where=counted > 0
            ),
            "p_more_open": (1 + higher) / (1 + n_permutations),
            "p_more_closed": (1 + lower) / (1 + n_permutations),
        },
        index=pd.Index([str(n) for n in names], name="group"),
    )
    frame["p_value"] = np.minimum(1.0, 2 * frame[["p_more_open", "p_more_closed"]].min(axis=1))
    frame.loc[frame["ei_index"].isna(), "p_value"] = np.nan
    frame["significant"] = frame["p_value"] <= ALPHA
    return frame


def benjamini_hochberg(p_values: pd.Series) -> pd.Series:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN.

    ``q_(i) = min_{j ≥ i} (m / j) p_(j)`` for the p-values sorted ascending, capped at 1.

    Examples
    --------
    >>> benjamini_hochberg(pd.Series([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    valid = p_values.dropna().astype(float)
    m = len(valid)
    if m == 0:
        return p_values.astype(float)
    order = np.argsort(valid.to_numpy(), kind="mergesort")
    ranked = valid.to_numpy()[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = pd.Series(np.nan, index=p_values.index, dtype=float)
    out.loc[valid.index[order]] = np.minimum(adjusted, 1.0)
    return out


__all__ = ["ALPHA", "benjamini_hochberg", "ei_test", "expected_ei"]
