"""Null models: E–I index against random mixing, brokerage permutations, FDR control."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

from cityregions.governance.network import brokerage
from cityregions.governance.nullmodels import benjamini_hochberg, ei_test, expected_ei


def ei(graph: nx.Graph, groups: dict[str, str], group: str) -> float:
    """E–I of one group by hand: internal ties once, external ties once."""
    internal = sum(groups[u] == groups[v] == group for u, v in graph.edges())
    external = sum((groups[u] == group) != (groups[v] == group) for u, v in graph.edges())
    return (external - internal) / (external + internal)


def test_expected_ei_by_hand() -> None:
    """N = 39 nodes; a group of 6: I* = 15 internal pairs, E* = 6 * 33 = 198 external."""
    out = expected_ei({"TH": 6, "SN": 19, "ST": 13, "?": 1})
    assert out["TH"] == pytest.approx((198 - 15) / (198 + 15))  # 0.859
    assert out["SN"] == pytest.approx((19 * 20 - 171) / (19 * 20 + 171))  # 0.379
    assert out["?"] == pytest.approx(1.0)


def test_permutation_mean_equals_the_exact_mean_over_all_labelings() -> None:
    """Six nodes, groups of 2 and 4: enumerate all 15 labelings (an independent mean)."""
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("a", "f"),
                      ("a", "c")])  # fmt: skip
    groups = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y", "f": "Y"}
    nodes = sorted(graph)
    exact = []
    for pair in itertools.combinations(nodes, 2):
        labels = {n: "X" if n in pair else "Y" for n in nodes}
        exact.append(ei(graph, labels, "X"))
    table = ei_test(graph, groups, n_permutations=4000, rng=np.random.default_rng(1))
    assert table.at["X", "ei_index"] == pytest.approx(ei(graph, groups, "X"))
    assert table.at["X", "permutation_mean"] == pytest.approx(np.mean(exact), abs=0.02)
    # the observed labeling ranks: share of labelings at least as open
    share = np.mean([v >= table.at["X", "ei_index"] - 1e-12 for v in exact])
    assert table.at["X", "p_more_open"] == pytest.approx(share, abs=0.02)


def test_ei_test_is_seeded_and_two_sided() -> None:
    graph = nx.barbell_graph(5, 0)  # two cliques joined by one tie
    groups = {n: "L" if n < 5 else "R" for n in graph}
    first = ei_test(graph, groups, n_permutations=199, rng=np.random.default_rng(3))
    again = ei_test(graph, groups, n_permutations=199, rng=np.random.default_rng(3))
    pd.testing.assert_frame_equal(first, again)
    # each clique is one group: far more closed than random mixing
    assert first.at["L", "ei_index"] == pytest.approx((1 - 10) / 11)
    # only 2 of the C(10, 5) = 252 labelings are as closed (the two cliques as groups)
    assert first.at["L", "p_more_closed"] <= (1 + 199 * 0.05) / 200
    assert first.at["L", "p_more_open"] == pytest.approx(1.0)
    assert first.at["L", "p_value"] == pytest.approx(2 * first.at["L", "p_more_closed"])
    assert bool(first.at["L", "significant"])


def test_benjamini_hochberg_equals_scipy() -> None:
    p = pd.Series([0.001, 0.2, 0.03, np.nan, 0.04, 0.5], index=list("abcdef"))
    ours = benjamini_hochberg(p)
    theirs = false_discovery_control(p.dropna().to_numpy(), method="bh")
    assert ours.dropna().to_numpy() == pytest.approx(theirs)
    assert math.isnan(ours["d"])


def test_cross_group_brokerage_against_label_permutations() -> None:
    """A star: the centre brokers every pair of leaves; across groups only with mixed ends."""
    graph = nx.star_graph(4)  # 0 centre, leaves 1..4
    groups = {0: "A", 1: "A", 2: "A", 3: "B", 4: "B"}
    table = brokerage(graph, groups, n_permutations=300, rng=np.random.default_rng(0))
    # ordered leaf pairs through 0: 12 in all; coordinator when both leaves are in A (2)
    assert table.at[0, "total"] == 12
    assert table.at[0, "coordinator"] == 2
    assert table.at[0, "cross_group"] == 10
    # expected under label permutation, by enumerating the 10 labelings of 2 B's
    exact = []
    for pair in itertools.combinations(range(5), 2):
        labels = {n: "B" if n in pair else "A" for n in range(5)}
        leaves = [labels[n] for n in range(1, 5)]
        same = sum(a == b == labels[0] for a, b in itertools.permutations(leaves, 2))
        exact.append(12 - same)
    assert table.at[0, "expected_cross_group"] == pytest.approx(np.mean(exact), abs=0.35)
    assert 0 < table.at[0, "p_cross_group"] <= 1
