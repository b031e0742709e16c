"""Governance network: brokerage (check 7), Burt constraint and projections (check 8), export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from cityregions.governance.network import (
    ROLES,
    actor_metrics,
    affiliation_graph,
    body_links,
    brokerage,
    centralities,
    ei_index,
    projection,
    structural_holes,
)
from cityregions.io.network_export import (
    dynamic_graph,
    edge_list,
    write_edge_list,
    write_gexf,
    write_graphml,
)
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path
from cityregions.registry import Actor, Body, Membership, Registry

GROUPS = {"L": "SN", "LL": "SN", "IHK": "SN", "H": "ST", "SK": "ST", "J": "TH", "G": "TH"}
TIES = [("LL", "L"), ("L", "H"), ("L", "IHK"), ("H", "SK"), ("H", "J"), ("SK", "J"),
        ("IHK", "J"), ("J", "G")]  # fmt: skip


def roles(frame: pd.DataFrame, node: str) -> dict[str, int]:
    return {r: int(frame.at[node, r]) for r in ROLES if frame.at[node, r]}


def test_brokerage_directed_hand_example() -> None:
    """Check 7 (derived by hand)."""
    frame = brokerage(nx.DiGraph(TIES), GROUPS)
    assert roles(frame, "L") == {"coordinator": 1, "representative": 1}
    assert roles(frame, "IHK") == {"representative": 1}
    assert roles(frame, "H") == {"gatekeeper": 1, "liaison": 1}
    assert roles(frame, "J") == {"gatekeeper": 3}
    for node in ("LL", "SK", "G"):
        assert roles(frame, node) == {}
    assert frame.loc["J", "total"] == 3


def test_brokerage_undirected_is_symmetric() -> None:
    """Check 7, undirected: representative = gatekeeper for every node."""
    frame = brokerage(nx.Graph(TIES), GROUPS)
    assert (frame["representative"] == frame["gatekeeper"]).all()
    assert roles(frame, "L") == {"coordinator": 2, "representative": 2, "gatekeeper": 2}
    assert roles(frame, "H") == {"representative": 1, "gatekeeper": 1, "liaison": 2}
    assert roles(frame, "J") == {"representative": 3, "gatekeeper": 3, "liaison": 4}
    assert roles(frame, "IHK") == {"representative": 1, "gatekeeper": 1}


def test_brokerage_expected_counts_follow_the_null_model() -> None:
    graph = nx.DiGraph(TIES)
    frame = brokerage(graph, GROUPS)
    n, d = 7, 8 / (7 * 6)
    factor = d**2 * (1 - d)
    # L is in SN (3 nodes), others ST (2) and TH (2)
    assert frame.at["L", "expected_coordinator"] == pytest.approx(factor * 2 * 1)
    assert frame.at["L", "expected_itinerant"] == pytest.approx(factor * (2 * 1 + 2 * 1))
    assert frame.at["L", "expected_representative"] == pytest.approx(factor * 4 * 2)
    assert frame.at["L", "expected_liaison"] == pytest.approx(factor * (16 - 8))
    expected = frame[[f"expected_{r}" for r in ROLES]].sum(axis=1)
    np.testing.assert_allclose(expected, factor * (n - 1) * (n - 2))


def test_brokerage_permutation_test_is_seeded_and_bounded() -> None:
    graph = nx.Graph(TIES)
    a = brokerage(graph, GROUPS, n_permutations=99, rng=np.random.default_rng(5))
    b = brokerage(graph, GROUPS, n_permutations=99, rng=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a, b)
    p = a[[f"p_{r}" for r in ROLES]].to_numpy()
    assert (p >= 1 / 100).all()
    assert (p <= 1).all()
    # nodes that broker nothing can never be beaten: p = 1
    assert a.loc["G", "p_liaison"] == 1.0
    with pytest.raises(ValueError, match="rng"):
        brokerage(graph, GROUPS, n_permutations=5)


def test_ei_index_of_the_brokerage_example() -> None:
    # SN: internal LL-L, L-IHK; external L-H, IHK-J → (2 − 2)/4 = 0
    # ST: internal H-SK; external L-H, H-J, SK-J → (3 − 1)/4 = 0.5
    # TH: internal J-G; external H-J, SK-J, IHK-J → (3 − 1)/4 = 0.5
    table = ei_index(nx.Graph(TIES), GROUPS)
    assert table["ei_index"].to_dict() == {"SN": 0.0, "ST": 0.5, "TH": 0.5}
    assert table.loc["SN", ["internal", "external", "nodes"]].tolist() == [2, 2, 3]


def test_burt_constraint_triangle_and_star() -> None:
    """Check 8 (analytic)."""
    triangle = structural_holes(nx.complete_graph(3))
    np.testing.assert_allclose(triangle["constraint"], 1.125)
    np.testing.assert_allclose(triangle["effective_size"], 1.0)
    star = structural_holes(nx.star_graph(4))
    assert star.loc[0, "constraint"] == pytest.approx(0.25)
    assert star.loc[0, "effective_size"] == pytest.approx(4.0)
    np.testing.assert_allclose(star.loc[1:, "constraint"], 1.0)


def affiliation_example() -> Registry:
    """Check 8 affiliation example."""
    spec = {
        "leipzig": ["emmd", "rpv", "grl"],
        "lk-leipzig": ["emmd", "rpv", "grl"],
        "nordsachsen": ["rpv"],
        "halle": ["emmd"],
        "ihk": ["emmd"],
    }
    src = ["https://example.org"]
    return Registry(
        actors=[Actor(id=a, name=a, kind="city", sources=src) for a in spec],
        bodies=[
            Body(id=b, name=b, kind="cooperation", body_level="city_region", sources=src)
            for b in ("emmd", "rpv", "grl")
        ],
        memberships=[
            Membership(member=a, body=b, sources=src) for a, bodies in spec.items() for b in bodies
        ],
    )


def weight(frame: pd.DataFrame, a: str, b: str) -> float:
    u, v = sorted((a, b))
    row = frame[(frame["source"] == u) & (frame["target"] == v)]
    return float(row["weight"].iloc[0])


def test_projection_weights_of_the_affiliation_example() -> None:
    graph = affiliation_graph(affiliation_example())
    assert weight(projection(graph, weighting="count"), "leipzig", "lk-leipzig") == 3
    newman = projection(graph, weighting="newman")
    assert weight(newman, "leipzig", "lk-leipzig") == pytest.approx(1 / 3 + 1 / 2 + 1)
    jaccard = projection(graph, weighting="jaccard")
    assert weight(jaccard, "leipzig", "nordsachsen") == pytest.approx(1 / 3)
    overlap = projection(graph, weighting="overlap")
    assert weight(overlap, "leipzig", "nordsachsen") == pytest.approx(1.0)
    bodies = projection(graph, mode="body", weighting="count")
    assert weight(bodies, "emmd", "rpv") == 2


def test_two_mode_degree_centrality() -> None:
    """Check 8: two-mode degree Leipzig 1.0, EMMD 0.8."""
    table = centralities(affiliation_graph(affiliation_example()))
    assert table.at["leipzig", "degree_2mode"] == pytest.approx(1.0)
    assert table.at["emmd", "degree_2mode"] == pytest.approx(0.8)
    assert table.at["nordsachsen", "degree_2mode"] == pytest.approx(1 / 3)
    assert list(table.index[:5]) == sorted(table.index[:5])


def test_actor_metrics_on_the_bundled_case() -> None:
    reg = read_registry(bundled_case_path() / "registry")
    metrics = actor_metrics(reg.as_of(dt.date(2012, 6, 30)))
    assert metrics.index.is_monotonic_increasing
    assert metrics.at["jena", "state"] == "16"
    # Halle links Saxony-Anhalt to the Saxon members through the network and the forums
    assert metrics.at["halle", "brokerage_total"] > 0
    # its bodies on 30.06.2012, read off the YAML: the network (2005-2014), the forum
    # (undated: assumed), the RPG (first evidence 2008), the commercial-land
    # cooperation (2010), the Stadt-Umland-Verband (evidence 2008-2010, end unknown:
    # assumed) and the A14 planning association (evidence 2011)
    snap = reg.as_of(dt.date(2012, 6, 30))
    assert {m.body for m in snap.memberships if m.member == "halle"} == {
        "mmd-network", "regionalforum-halle", "rpg-halle", "gewerbeflaechen-hl",
        "suv-halle", "pv-a14-halle",
    }  # fmt: skip
    assert metrics.at["halle", "degree"] == 6
    assert (metrics["constraint"].dropna() > 0).all()
    links = body_links(reg)
    assert set(links.loc[links["status"] == "target-model", "member"]) >= {
        "impuls-kag", "regionalforum-halle", "regionalforum-leipzig",
    }  # fmt: skip


def test_gexf_has_dynamic_spells_and_reimports(tmp_path: Path) -> None:
    """Check 10: GEXF export with start/end spells, mode dynamic, re-import unchanged."""
    reg = read_registry(bundled_case_path() / "registry")
    path = write_gexf(reg, tmp_path / "net.gexf")
    text = path.read_text()
    assert 'mode="dynamic"' in text
    assert 'timeformat="date"' in text
    assert '<spell start="2015-01-01"' in text  # Leipzig -> EMMD
    back = nx.read_gexf(path)
    graph = dynamic_graph(reg)
    assert set(back.nodes) == set(graph.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    spells = back.edges["leipzig", "emmd"]["spells"]
    assert spells[0][0] == "2015-01-01"
    jena = sorted(s[0] for s in back.edges["jena", "mmd-network"]["spells"])
    assert jena == ["2007-01-01", "2009-05-27"]
    assert back.edges["impuls-kag", "mmd-network"]["tie"] == "body-body"


def test_graphml_and_edge_list(tmp_path: Path) -> None:
    reg = read_registry(bundled_case_path() / "registry")
    back = nx.read_graphml(write_graphml(reg.as_of(dt.date(2012, 6, 30)), tmp_path / "n.graphml"))
    assert back.edges["erfurt", "mmd-network"]["role"] == "represented"
    table = pd.read_csv(write_edge_list(reg, tmp_path / "e.csv"), dtype=str)
    assert len(table) == len(reg.memberships) == len(edge_list(reg))
    target = table[table["status"] == "target-model"]
    assert (target["tie"] == "body-body").all()


def test_popolo_export_has_the_popolo_shape(tmp_path: Path) -> None:
    """Check 10 (structure): organizations and memberships with Popolo field names."""
    import json
    import re

    from cityregions.io.network_export import write_popolo

    reg = read_registry(bundled_case_path() / "registry")
    data = json.loads(write_popolo(reg, tmp_path / "p.json").read_text())
    orgs = {o["id"]: o for o in data["organizations"]}
    assert len(orgs) == len(reg.actors) + len(reg.bodies)
    assert orgs["leipzig"]["identifiers"] == [{"identifier": "14713000", "scheme": "AGS"}]
    assert orgs["emmd-gmbh"]["parent_id"] == "emmd"
    # the Wirtschaftsinitiative's association of 2000, renamed in March 2014
    assert orgs["emmd"]["founding_date"] == "2000"
    assert orgs["emmd"]["other_names"] == [
        {"name": "Wirtschaftsinitiative für Mitteldeutschland e.V.", "end_date": "2014-03-17"}
    ]
    assert "founding_date" not in orgs["mmd-office"]  # unknown: left out, never "unknown"
    date = re.compile(
        r"^[0-9]{4}((-[0-9]{2}){0,2}|(-[0-9]{2}){2}(T[0-9]{2}(:[0-9]{2}(:[0-9]{2})?)?Z)?)$"
    )
    for m in data["memberships"]:
        assert m["organization_id"] in orgs
        assert m["member"]["id"] in orgs
        for key in ("start_date", "end_date"):
            if key in m:
                assert date.match(m[key]), m
    erfurt = next(
        m
        for m in data["memberships"]
        if m["member"]["id"] == "erfurt" and m["organization_id"] == "mmd-network"
    )
    assert erfurt["on_behalf_of_id"] == "jena"
    assert erfurt["sources"][0]["url"].startswith("http")


def test_a_snapshot_without_memberships_gives_empty_tables() -> None:
    """E.g. an --as-of date before every dated membership: no error, no invented rows."""
    registry = Registry(
        actors=[Actor(id="a", name="A", kind="city", sources=["https://x.org"])],
        bodies=[Body(id="b", name="B", kind="cooperation", body_level="city_region",
                     founded="2010", sources=["https://x.org"])],
        memberships=[Membership(member="a", body="b", valid_from="2010",
                                sources=["https://x.org"])],
    )  # fmt: skip
    metrics = actor_metrics(registry.as_of(dt.date(2005, 6, 30)))
    assert metrics.empty
    assert {"constraint", "brokerage_total", "betweenness_2mode"} <= set(metrics.columns)
    assert structural_holes(nx.Graph()).empty
    single = actor_metrics(registry.as_of(dt.date(2015, 6, 30)))  # one actor, one body
    assert single.index.tolist() == ["a"]
    assert single.at["a", "betweenness_2mode"] == 0.0
    assert single.at["a", "degree"] == 1
