"""Candidate actions that would close governance gaps, by hand and on observed flows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import InputError
from cityregions.flows import FlowTable
from cityregions.governance.analysis import recommend_actions
from cityregions.governance.fit import governance_gaps
from cityregions.governance.recommend import BodyLimits, candidate_actions
from cityregions.governance.study_area import units_study_area
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path

#: L (SN) and H (ST) commute across the border; N (SN) and S (ST) are their hinterlands.
STATES = {"L": "14", "N": "14", "H": "15", "S": "15"}
FLOWS = {("L", "H"): 3700, ("H", "L"): 4800, ("N", "L"): 17800, ("L", "N"): 10900,
         ("S", "H"): 18500, ("H", "S"): 10500, ("S", "L"): 5200, ("L", "S"): 3100,
         ("N", "H"): 900}  # fmt: skip
INTERNAL = {"L": 160000, "N": 43000, "H": 54000, "S": 35000}


def toy_flows() -> FlowTable:
    rows = [(o, d, v) for (o, d), v in FLOWS.items()] + [(u, u, v) for u, v in INTERNAL.items()]
    return FlowTable.from_long(pd.DataFrame(rows, columns=["origin", "destination", "value"]))


def toy_gaps(areas: dict[str, list[str]]) -> pd.DataFrame:
    return governance_gaps(toy_flows(), areas, min_flow=1000, min_share=0.05, states=STATES)


def test_ranking_by_hand() -> None:
    """Saxon body {L, N}, Saxony-Anhalt body {H, S}: gaps L–H (8500) and L–S (8300)."""
    areas = {"sn": ["L", "N"], "st": ["H", "S"]}
    gaps = toy_gaps(areas)
    assert sorted(zip(gaps.loc[gaps["gap"], "unit_a"], gaps.loc[gaps["gap"], "unit_b"],
                      strict=True)) == [("H", "L"), ("L", "S")]  # fmt: skip
    table = candidate_actions(gaps, areas, STATES)
    rows = {(r.action, r.body, r.units): r.covered_commuters for r in table.itertuples()}
    assert rows[("cooperate", "sn+st", "")] == 8500 + 8300
    assert rows[("join", "st", "L")] == 8500 + 8300  # L joins the Saxony-Anhalt body
    assert rows[("join", "sn", "H")] == 8500
    assert rows[("join", "sn", "S")] == 8300
    # new body around L–H: L, H and every unit strongly tied to both (S; N only to L
    # strongly, N–H = 900 is weak) -> covers L–H and L–S
    assert rows[("new_body", "", "H;L;S")] == 8500 + 8300
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["covered_commuters"].is_monotonic_decreasing
    assert table.iloc[0]["cross_state"]


def test_alternatives_closing_the_same_ties_are_marked() -> None:
    """L joins st, sn and st cooperate, a new body {H, L, S}: each closes L–H and L–S.

    The join ranks first (same commuters, kinds in the order join, cooperate, new body);
    the other two name it. H joining sn (only L–H) and S joining sn (only L–S) close
    other tie sets and name nobody.
    """
    areas = {"sn": ["L", "N"], "st": ["H", "S"]}
    table = candidate_actions(toy_gaps(areas), areas, STATES).set_index("rank")
    assert (table.loc[1, "action"], table.loc[1, "body"], table.loc[1, "units"]) == (
        "join", "st", "L")  # fmt: skip
    assert "same ties" not in table.loc[1, "note"]
    assert table.loc[2, "action"] == "cooperate"
    assert table.loc[2, "note"].endswith("; same ties as rank 1")
    assert table.loc[3, "action"] == "new_body"
    assert table.loc[3, "note"].endswith("; same ties as rank 1")
    rest = table.loc[4:]
    assert not rest["note"].str.contains("same ties").any()
    assert sorted(rest["covered_commuters"]) == [8300, 8500]


def test_legal_limits_are_respected() -> None:
    areas = {"sn": ["L", "N"], "st": ["H", "S"]}
    limits = {"sn": BodyLimits(member_states=("14",)), "st": BodyLimits(membership_fixed=True)}
    table = candidate_actions(toy_gaps(areas), areas, STATES, limits=limits)
    joins = table[table["action"] == "join"]
    assert joins.empty  # H and S are not Saxon; nobody joins the statutory body
    assert table.attrs["blocked_by_law"] == 3
    assert "cooperate" in set(table["action"])  # cooperation changes no membership


def test_only_the_bodies_asked_for() -> None:
    areas = {"sn": ["L", "N"], "st": ["H", "S"], "other": ["N"]}
    table = candidate_actions(toy_gaps(areas), areas, STATES, bodies=["other"])
    assert set(table.loc[table["action"] != "new_body", "body"]) <= {"other", "other+sn",
                                                                    "other+st"}  # fmt: skip


def test_recommend_actions_refuses_a_study_area_without_commuting() -> None:
    registry = read_registry(bundled_case_path() / "registry")
    flows = FlowTable.from_long(pd.DataFrame({"origin": ["14713", "15002"],
                                              "destination": ["14713", "15002"],
                                              "value": [10.0, 20.0]}))  # fmt: skip
    area = units_study_area(["14713", "15002"], flows.ids)
    with pytest.raises(InputError, match="no commuting between any two units of the study area"):
        recommend_actions(registry, flows, study_area=area, as_of=dt.date(2016, 6, 30))
    with pytest.raises(InputError, match="unknown body id 'nope'"):
        recommend_actions(registry, toy_flows(), bodies=("nope",))


@pytest.mark.shared
def test_halle_leipzig_is_among_the_top_actions_on_observed_flows(kreise_dir: Path) -> None:
    """BA 2016 district flows with the diagonal from units.csv, the bundled registry."""
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str})
    flows = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    diagonal = pd.DataFrame(
        {
            "origin": units["ags"],
            "destination": units["ags"],
            "value": units["employees_svb"] - units["out_commuters_total"],
        }
    )
    long = pd.concat([flows.rename(columns={"commuters": "value"}), diagonal])
    table = FlowTable.from_long(long[["origin", "destination", "value"]])
    index = units.set_index("ags")
    table = table.with_totals(index["employees_svb"].astype(float),
                              (index["employees_svb"] - index["out_commuters_total"]
                               + index["in_commuters_total"]).astype(float))  # fmt: skip
    registry = read_registry(bundled_case_path() / "registry")
    actions, info = recommend_actions(registry, table, as_of=dt.date(2016, 6, 30))
    assert info["units"] == 50  # the registry's reach: Saxony, Saxony-Anhalt, Thuringia
    assert info["ties_outside"] > 500  # the rest of Germany is left out, and counted
    top = actions.head(5)
    halle_leipzig = top["note"].str.contains("14713–15002")
    assert halle_leipzig.any()
    first = top[halle_leipzig].iloc[0]
    assert bool(first["cross_state"])
    assert first["covered_commuters"] >= 3698 + 4817  # at least the Leipzig–Halle tie
    assert np.all(np.diff(actions["covered_commuters"]) <= 0)
    # no action makes a district a member of another state's planning region
    joins = actions[actions["action"] == "join"]
    planning = {b.id: b for b in registry.bodies if b.kind == "planning_association"}
    assert not joins["body"].isin(list(planning)).any()
