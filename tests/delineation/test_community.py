"""Leiden community detection: recovery, determinism, self-loop handling, modularity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable, InputError, ParameterError
from cityregions.delineation.community import (
    InfomapRegions,
    LeidenRegions,
    flow_graph,
    flow_modularity,
)
from cityregions.labels import adjusted_rand_index
from tests.support.extras import needs_extra, require_extra


def two_clusters(*, seed: int = 3, noise: float = 1.0) -> FlowTable:
    """Units w0..w5 and e0..e5: dense commuting within each half, little across."""
    rng = np.random.default_rng(seed)
    ids = [f"w{i}" for i in range(6)] + [f"e{i}" for i in range(6)]
    rows = []
    for i, o in enumerate(ids):
        for j, d in enumerate(ids):
            same = (i < 6) == (j < 6)
            if i == j:
                value = 150.0
            elif same:
                value = 40.0 + rng.integers(0, 20)
            else:
                value = noise
            rows.append((o, d, value))
    return FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))


@needs_extra("leiden")
def test_recovers_two_obvious_clusters() -> None:
    flows = two_clusters()
    fit = LeidenRegions().fit(flows)
    truth = pd.Series([i[0] for i in flows.ids], index=list(flows.ids))
    assert adjusted_rand_index(fit.labels_, truth) == 1.0
    # region named after the member with the most jobs
    jobs = flows.jobs()
    west = [u for u in flows.ids if u.startswith("w")]
    assert fit.labels_["w0"] == jobs[west].idxmax()
    # symmetrised and without self-loops the split is the same
    for kwargs in (
        {"directed": False},
        {"self_loops": False},
        {"objective": "cpm", "resolution": 5},
    ):
        other = LeidenRegions(**kwargs).fit(flows)  # type: ignore[arg-type]
        assert adjusted_rand_index(other.labels_, truth) == 1.0, kwargs


@needs_extra("leiden")
def test_heavy_self_loops_keep_units_alone_at_resolution_one() -> None:
    # 12 units, internal 150, 5 x ~50 to their own half: a pair's expected flow
    # 2 * R_a * W_b / m is below the observed ~100, so the halves are found. With an
    # internal flow of 2000 the expected flow exceeds the observed one: singletons. A
    # lower resolution recovers the halves again (documented in the module notes).
    rows = []
    ids = [f"w{i}" for i in range(6)] + [f"e{i}" for i in range(6)]
    for i, o in enumerate(ids):
        for j, d in enumerate(ids):
            if i == j:
                rows.append((o, d, 2000.0))
            elif (i < 6) == (j < 6):
                rows.append((o, d, 50.0))
    flows = FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))
    assert LeidenRegions().fit(flows).labels_.nunique() == 12
    assert LeidenRegions(resolution=0.2).fit(flows).labels_.nunique() == 2


@needs_extra("leiden")
def test_deterministic_and_independent_of_input_order() -> None:
    flows = two_clusters(noise=15.0)
    first = LeidenRegions(n_runs=3, rng=np.random.default_rng(7)).fit(flows)
    again = LeidenRegions(n_runs=3, rng=np.random.default_rng(7)).fit(flows)
    pd.testing.assert_series_equal(first.labels_, again.labels_)
    draws = np.random.default_rng(7)
    assert first.seeds_ == [int(draws.integers(2**31 - 1)) for _ in range(3)]
    long = flows.to_long().sample(frac=1.0, random_state=5)
    shuffled = FlowTable.from_long(long, ids=list(reversed(flows.ids)))
    other = LeidenRegions(n_runs=3, rng=np.random.default_rng(7)).fit(shuffled)
    pd.testing.assert_series_equal(first.labels_, other.labels_)
    assert LeidenRegions(n_runs=3).fit(flows).seeds_ == [0, 1, 2]  # without rng: fixed


def test_seed_is_not_a_parameter_and_rng_must_be_a_generator() -> None:
    from cityregions.delineation import delineate

    flows = two_clusters()
    with pytest.raises(TypeError, match="seed"):
        LeidenRegions(seed=3)  # type: ignore[call-arg]
    with pytest.raises(ParameterError, match=r"rng must be a numpy\.random\.Generator"):
        LeidenRegions(rng=3)  # type: ignore[arg-type]
    require_extra("leiden")  # the checks above run without it; delineate runs Leiden
    with pytest.raises(ParameterError, match=r"rng=numpy\.random\.default_rng"):
        delineate(flows, method="leiden", seed=3)
    result = delineate(flows, method="leiden", rng=np.random.default_rng(7))
    draws = np.random.default_rng(7)
    assert result.params["seeds"] == [int(draws.integers(2**31 - 1))]
    assert delineate(flows, method="leiden").params["seeds"] == [0]


def test_flow_modularity_matches_hand_value_and_leidenalg() -> None:
    # a->a 6, a->b 2, b->b 8, c->c 5, c->b 1; m = 22
    # {a,b}: internal 16, out 16, in 17 ; {c}: internal 5, out 6, in 5
    # Q = (21 - (16*17 + 6*5)/22) / 22
    long = pd.DataFrame(
        {
            "origin": ["a", "a", "b", "c", "c"],
            "destination": ["a", "b", "b", "c", "b"],
            "value": [6, 2, 8, 5, 1],
        }
    )
    flows = FlowTable.from_long(long)
    labels = pd.Series({"a": "x", "b": "x", "c": "y"})
    expected = (21 - (16 * 17 + 6 * 5) / 22) / 22
    assert flow_modularity(flows, labels) == pytest.approx(expected, abs=1e-12)
    require_extra("leiden")  # the hand value above needs no extra; leidenalg's does
    import leidenalg

    graph = flow_graph(flows)
    partition = leidenalg.ModularityVertexPartition(
        graph, initial_membership=[0, 0, 1], weights="weight"
    )
    assert partition.quality() == pytest.approx(expected, abs=1e-12)


@needs_extra("leiden")
def test_graph_self_loop_and_symmetrisation() -> None:
    long = pd.DataFrame(
        {"origin": ["a", "a", "b", "b"], "destination": ["a", "b", "a", "b"], "value": [5, 2, 3, 7]}
    )
    flows = FlowTable.from_long(long)
    directed = flow_graph(flows)
    assert directed.is_directed()
    assert sorted(directed.es["weight"]) == [2, 3, 5, 7]
    undirected = flow_graph(flows, directed=False)
    weights = {
        tuple(sorted(e.tuple)): w
        for e, w in zip(undirected.es, undirected.es["weight"], strict=True)
    }
    assert weights == {(0, 0): 5, (0, 1): 5, (1, 1): 7}
    # igraph counts the self-loop twice: strength = residents + jobs
    assert undirected.strength(weights="weight") == [5 * 2 + 5, 7 * 2 + 5]
    no_loops = flow_graph(flows, self_loops=False)
    assert sorted(no_loops.es["weight"]) == [2, 3]


def test_parameter_errors() -> None:
    with pytest.raises(ParameterError, match="resolution"):
        LeidenRegions(resolution=0)
    with pytest.raises(ParameterError, match="objective"):
        LeidenRegions(objective="louvain")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="n_runs"):
        LeidenRegions(n_runs=0)


# ---------------------------------------------------------------------------- Infomap
def hierarchical_flows() -> FlowTable:
    """3 groups x 3 subgroups x 4 units: dense within subgroups, weaker between
    subgroups of a group, a trickle between groups; internal flows on the diagonal."""
    rows = []
    units = [f"g{g}s{s}u{u}" for g in range(3) for s in range(3) for u in range(4)]
    for a in units:
        for b in units:
            if a == b:
                rows.append((a, b, 20.0))
            elif a[:4] == b[:4]:
                rows.append((a, b, 10.0))
            elif a[:2] == b[:2] and a[-1] == b[-1] == "0":
                rows.append((a, b, 3.0))
            elif a.endswith("s0u0") and b.endswith("s0u0") and int(b[1]) == (int(a[1]) + 1) % 3:
                rows.append((a, b, 1.0))
    return FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))


def test_infomap_levels_give_groups_then_subgroups() -> None:
    pytest.importorskip("infomap", reason="the infomap extra: pip install 'cityregions[infomap]'")
    flows = hierarchical_flows()
    top = InfomapRegions().fit(flows)
    assert top.levels_ == 2
    groups = top.labels_.groupby(top.labels_.index.str[:2]).nunique()
    assert top.labels_.nunique() == 3
    assert groups.tolist() == [1, 1, 1]  # one region per group
    sub = InfomapRegions(level=2).fit(flows)
    assert sub.labels_.nunique() == 9
    assert (sub.labels_.groupby(sub.labels_.index.str[:4]).nunique() == 1).all()
    assert InfomapRegions(level=-1).fit(flows).labels_.nunique() == 9
    with pytest.raises(ParameterError, match="--level 3: Infomap found 2 module level"):
        InfomapRegions(level=3).fit(flows)


def test_infomap_is_deterministic_and_needs_between_unit_flows() -> None:
    pytest.importorskip("infomap", reason="the infomap extra: pip install 'cityregions[infomap]'")
    flows = hierarchical_flows()
    first = InfomapRegions(rng=np.random.default_rng(5)).fit(flows)
    again = InfomapRegions(rng=np.random.default_rng(5)).fit(flows)
    assert first.seed_ == again.seed_ == int(np.random.default_rng(5).integers(1, 2**31 - 1))
    assert first.labels_.equals(again.labels_)
    assert InfomapRegions().fit(flows).seed_ == 123
    only_internal = FlowTable.from_long(
        pd.DataFrame({"origin": ["a", "b"], "destination": ["a", "b"], "value": [5, 7]})
    )
    with pytest.raises(InputError, match="Infomap needs flows between units"):
        InfomapRegions().fit(only_internal)
    with pytest.raises(ParameterError, match="level"):
        InfomapRegions(level=0)
