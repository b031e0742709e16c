"""Membership over time, yearly coverage of strong ties, and the exit claim next to data."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from cityregions.flows import FlowTable
from cityregions.governance.timeline import (
    centre_degree,
    coverage_timeline,
    exit_evidence,
    latest_year,
    membership_timeline,
    yearly_snapshots,
)
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path
from cityregions.registry import Actor, Body, Fee, Membership, Registry

URL = ["https://x.org"]


def toy() -> Registry:
    """Network 2005-2014: a, b from 2005; c joins 2010 (fee 25,000 2010-2013), b leaves 2012."""
    actors = [Actor(id=i, name=i.upper(), kind="city", units=[u], sources=URL)
              for i, u in (("a", "1"), ("b", "2"), ("c", "3"))]  # fmt: skip
    return Registry(
        actors=actors,
        bodies=[Body(id="net", name="Net", kind="metropolitan_network",
                     body_level="metropolitan", founded="2005", dissolved="2014",
                     other_names=[{"name": "Old net", "valid_to": "2008"}], sources=URL),
                Body(id="coop", name="Coop", kind="cooperation", body_level="city_region",
                     founded="2009", dissolved="2014", sources=URL)],
        memberships=[
            Membership(member="a", body="net", valid_from="2005", valid_to="2014", sources=URL),
            Membership(member="b", body="net", valid_from="2005", valid_to="2011-12-31",
                       sources=URL),
            Membership(member="c", body="net", valid_from="2010", valid_to="2014",
                       fee=Fee(amount=25000, valid_from="2010", valid_to="2013"), sources=URL),
            Membership(member="a", body="coop", valid_from="2009", valid_to="2014", sources=URL),
            Membership(member="c", body="coop", valid_from="2011", valid_to="2014", sources=URL),
        ],
    )  # fmt: skip


def test_membership_timeline_by_hand() -> None:
    reg = toy()
    table = membership_timeline(reg, yearly_snapshots(reg, range(2004, 2016)))
    net = table[table["body"] == "net"].set_index("year")
    assert net["members"].to_dict() == {2005: 2, 2006: 2, 2007: 2, 2008: 2, 2009: 2,
                                        2010: 3, 2011: 3, 2012: 2, 2013: 2, 2014: 2,
                                        2015: 0}  # fmt: skip
    assert net.at[2010, "joined"] == "c"
    assert net.at[2012, "left"] == "b"
    assert net.at[2015, "left"] == "a;c"  # the network ended
    assert net.at[2005, "joined"] == ""  # founding members are not "joins"
    assert net.at[2008, "name"] == "Old net"
    assert net.at[2009, "name"] == "Net"
    assert net.at[2011, "fees_eur"] == 25000
    assert np.isnan(net.at[2014, "fees_eur"])  # fee years 2010-2013 only
    assert (net["fees_undated"] == 0).all()
    assert (net["members_assumed"] == 0).all()


def test_coverage_timeline_holds_the_flows_and_varies_the_bodies() -> None:
    reg = toy()
    rows = [("1", "3", 2000), ("3", "1", 1000), ("1", "2", 1500)]
    rows += [(u, u, 10000) for u in "123"]
    flows = FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))
    table = coverage_timeline(flows, yearly_snapshots(reg, [2009, 2012]), min_flow=1000,
                              min_share=0.05)  # fmt: skip
    assert table["strong_ties"].tolist() == [2, 2]
    # 2009: coop = {1}; 2012: coop = {1, 3} covers the tie 1-3 (3,000 of 4,500 commuters)
    assert table["covered_ties"].tolist() == [0, 1]
    assert table["commuter_share"].tolist() == pytest.approx([0.0, 3000 / 4500])


def test_exit_evidence_is_an_exact_permutation_test() -> None:
    """Four members besides the centre, two leave; compare with all 6 subsets by hand."""
    actors = [Actor(id=i, name=i, kind="city", units=[i], sources=URL) for i in "LABCD"]
    memberships = [Membership(member=i, body="net", valid_from="2005",
                              valid_to="2013-12-31" if i in "AB" else "2014", sources=URL)
                   for i in "LABCD"]  # fmt: skip
    reg = Registry(actors=actors, memberships=memberships,
                   bodies=[Body(id="net", name="Net", kind="metropolitan_network",
                                body_level="metropolitan", founded="2005", dissolved="2014",
                                sources=URL)])  # fmt: skip
    to_centre = {"A": 10, "B": 50, "C": 30, "D": 40}  # out of 1,000 out-commuters each
    rows = [(i, "L", v) for i, v in to_centre.items()]
    rows += [(i, "X", 1000 - v) for i, v in to_centre.items()]
    rows += [(i, i, 5000) for i in "LABCDX"]
    flows = FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))
    members, test = exit_evidence(reg, flows, body="net", centre=["L"], as_of=dt.date(2012, 6, 30))
    assert members.index.tolist() == ["A", "B", "C", "D"]
    assert members["left"].tolist() == [True, True, False, False]
    assert members.at["A", "share_to_centre"] == pytest.approx(0.01)
    shares = [to_centre[i] / 1000 for i in "ABCD"]
    observed = (shares[0] + shares[1]) / 2
    means = [np.mean(c) for c in itertools.combinations(shares, 2)]
    assert test["p_share_to_centre"] == pytest.approx(np.mean([m <= observed for m in means]))
    assert test["smallest_p"] == pytest.approx(1 / 6)
    assert "cannot show why a city left" in test["conclusion"]


def test_the_bundled_exit_claim_and_centre() -> None:
    reg = read_registry(bundled_case_path() / "registry")
    (claim,) = reg.claims
    assert (claim.body, claim.centre, claim.certainty) == ("mmd-network", ["leipzig", "halle"],
                                                            "uncertain")  # fmt: skip
    table = centre_degree(yearly_snapshots(reg, [2012]), body="mmd-network",
                          centre=claim.centre)  # fmt: skip
    assert table["members"].tolist() == [11]  # 9 voting + Erfurt, Weimar represented
    assert latest_year(reg) >= 2025
