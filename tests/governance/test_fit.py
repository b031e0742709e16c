"""Institutional fit (check 9) and governance gaps, on a toy and on observed district flows."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions.flows import FlowTable
from cityregions.governance.fit import (
    area_fit,
    area_partition,
    governance_gaps,
    internal_flow_share,
    overall_fit,
    region_fit,
    region_gaps,
    self_containment,
)
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path

IDS = list("ABCDEF")
CROSS = {("A", "B"): 30, ("A", "C"): 10, ("B", "A"): 20, ("B", "C"): 10, ("C", "A"): 15,
         ("C", "B"): 10, ("C", "D"): 5, ("D", "C"): 10, ("D", "E"): 15, ("D", "F"): 5,
         ("E", "D"): 10, ("E", "F"): 25, ("F", "D"): 5, ("F", "E"): 20}  # fmt: skip
INTERNAL = dict(zip(IDS, [100, 80, 60, 70, 90, 50], strict=True))
FUNCTIONAL = pd.Series(["f1", "f1", "f1", "f2", "f2", "f2"], index=IDS)
INSTITUTIONAL = {"x": ["A", "B"], "y": ["C", "D", "E", "F"]}


@pytest.fixture
def toy() -> FlowTable:
    rows = [(o, d, v) for (o, d), v in CROSS.items()] + [(u, u, v) for u, v in INTERNAL.items()]
    table = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(table, ids=IDS, source="worked example")


def test_worked_example_of_section_3_4(toy: FlowTable) -> None:
    """Check 9: Q_int, ARI, VI, modularity, self-containment."""
    fit = overall_fit(toy, INSTITUTIONAL, FUNCTIONAL)
    assert fit["internal_share_functional"] == pytest.approx(175 / 190)
    assert fit["internal_share_areas"] == pytest.approx(145 / 190)
    assert fit["ari"] == pytest.approx(12 / 37)
    assert fit["vi"] == pytest.approx(math.log(2))
    assert fit["vi_normalized"] == pytest.approx(0.3869, abs=1e-4)
    assert fit["modularity_functional"] == pytest.approx(0.4179, abs=1e-4)
    assert fit["modularity_areas"] == pytest.approx(0.2351, abs=1e-4)
    supply, demand = self_containment(toy, ["A", "B"])
    assert supply == pytest.approx(230 / 250)
    assert demand == pytest.approx(230 / 255)


def test_area_table_of_the_worked_example(toy: FlowTable) -> None:
    table = area_fit(toy, INSTITUTIONAL, FUNCTIONAL)
    assert table.at["x", "self_containment_supply"] == pytest.approx(0.92)
    assert table.at["x", "internal_share"] == pytest.approx(50 / 70)
    # population defaults to employed residents: A 140, B 110, C 90 → f1 = 340
    assert table.at["x", "region"] == "f1"
    assert table.at["x", "coverage"] == pytest.approx(250 / 340)
    assert table.at["x", "precision"] == pytest.approx(1.0)
    population = pd.Series([10, 10, 10, 10, 10, 50], index=IDS)
    weighted = area_fit(toy, INSTITUTIONAL, FUNCTIONAL, population=population)
    assert weighted.at["y", "region"] == "f2"
    assert weighted.at["y", "coverage"] == pytest.approx(1.0)
    assert weighted.at["y", "precision"] == pytest.approx(70 / 80)
    assert weighted.at["y", "jaccard"] == pytest.approx(70 / 80)


def test_overlapping_areas_and_outside_units(toy: FlowTable) -> None:
    areas = {"big": ["A", "B", "C"], "small": ["C", "D"]}
    partition = area_partition(areas, IDS)
    assert partition.to_dict() == {"A": "big", "B": "big", "C": "big", "D": "small",
                                   "E": "-E", "F": "-F"}  # fmt: skip
    assert area_partition(areas, IDS, overlap="smallest")["C"] == "small"
    assert list(area_partition(areas, IDS, outside="none").index) == list("ABCD")
    # a flow counts as inside if any area holds both ends: the 95 commuters among A, B, C
    # plus C→D (5) and D→C (10)
    assert internal_flow_share(toy, areas) == pytest.approx((95 + 15) / 190)
    fit = overall_fit(toy, areas, FUNCTIONAL)
    assert fit["mean_areas_per_unit"] == pytest.approx(5 / 6)


def test_gaps_on_the_toy(toy: FlowTable) -> None:
    gaps = governance_gaps(toy, INSTITUTIONAL, min_flow=15, min_share=0.2, states={"A": "1"})
    pairs = [(a, b) for a, b in zip(gaps["unit_a"], gaps["unit_b"], strict=True)]
    # strong: A→B 30 (30/40), B→A 20 (20/30), C→A 15 (15/30), D→E 15 (15/30), E→F 25, F→E 20
    assert pairs == [("A", "B"), ("E", "F"), ("A", "C"), ("D", "E")]
    assert gaps["gap"].tolist() == [False, False, True, False]
    row = gaps.iloc[2]
    assert (row["flow_ab"], row["flow_ba"], row["share_ba"]) == (10, 15, pytest.approx(0.5))
    assert bool(row["cross_state"])  # A in state "1", C in default state "C"
    uncovered = governance_gaps(toy, INSTITUTIONAL, min_flow=15, min_share=0.2,
                                include_covered=False)  # fmt: skip
    assert len(uncovered) == 1


def test_region_gaps_on_the_toy(toy: FlowTable) -> None:
    gaps = region_gaps(toy, FUNCTIONAL, {"x": ["A", "B"]}, min_flow=10, min_share=0.0)
    assert gaps[["region_a", "region_b"]].to_numpy().tolist() == [["f1", "f2"]]
    assert gaps.loc[0, "flow_ab"] == 5
    assert gaps.loc[0, "flow_ba"] == 10
    spanning = region_gaps(toy, FUNCTIONAL, {"x": ["C", "D"]}, min_flow=10, min_share=0.0)
    assert not spanning.loc[0, "gap"]


def test_region_fit_on_the_toy(toy: FlowTable) -> None:
    table = region_fit(toy, FUNCTIONAL, {"x": ["A", "B"], "z": ["D", "E"]})
    # f1: between-unit commuting A↔B 50, A↔C 25, B↔C 20; x covers A↔B
    assert table.at["f1", "covered_share"] == pytest.approx(50 / 95)
    assert table.at["f1", "best_area"] == "x"
    assert table.at["f1", "units_outside"] == 1
    # f2: employed residents D 100, E 125, F 75; z holds D and E
    assert table.at["f2", "coverage"] == pytest.approx(225 / 300)
    assert table.at["f2", "covered_share"] == pytest.approx(25 / 80)


def test_units_outside_every_functional_region(toy: FlowTable) -> None:
    """F outside every functional region (NaN): fit, region table and gaps leave it out."""
    labels = pd.Series(["f1", "f1", "f1", "f2", "f2", np.nan], index=IDS)
    fit = overall_fit(toy, INSTITUTIONAL, labels)
    # compared: A..E. f1 = ABC, f2 = DE; x = AB, y = CDE: cells 2, 1, 2 -> sum C = 2;
    # rows 3, 2 -> 4; columns 2, 3 -> 4; C(5, 2) = 10; E = 1.6; ARI = 0.4 / 2.4
    assert fit["units_compared"] == 5
    assert fit["ari"] == pytest.approx(1 / 6)
    table = region_fit(toy, labels, INSTITUTIONAL)
    assert table.index.tolist() == ["f1", "f2"]
    assert table.at["f2", "units"] == 2
    gaps = region_gaps(toy, labels, {"x": ["A", "B"]}, min_flow=10, min_share=0.0)
    # f2 <-> F (E->F 25, F->E 20) is no tie between regions; f1 <-> f2 is (C->D 5, D->C 10)
    assert gaps[["rank", "region_a", "region_b"]].to_numpy().tolist() == [[1, "f1", "f2"]]
    # out-commuters of f2 include those working in F: D->C 10, D->F 5, E->F 25
    assert gaps.loc[0, "share_ba"] == pytest.approx(10 / 40)


# ---------------------------------------------------------------- observed district flows
def kreise_flows(folder: Path) -> tuple[FlowTable, pd.DataFrame]:
    """Observed BA district flows 2016 with diagonal = employees_svb − out_commuters_total."""
    units = pd.read_csv(folder / "units.csv", dtype={"ags": str, "state": str})
    flows = pd.read_csv(folder / "flows.csv", dtype={"origin": str, "destination": str})
    diagonal = pd.DataFrame({
        "origin": units["ags"], "destination": units["ags"],
        "commuters": units["employees_svb"] - units["out_commuters_total"],
    })  # fmt: skip
    long = pd.concat([flows[["origin", "destination", "commuters"]], diagonal])
    table = FlowTable.from_long(long, value="commuters", ids=list(units["ags"]), source="BA 2016")
    return table, units.set_index("ags")


@pytest.mark.shared
def test_halle_leipzig_ties_are_cross_border_gaps(kreise_dir: Path) -> None:
    """Halle/Saalekreis (ST) – Leipzig/Nordsachsen (SN) on the observed 2016 flows."""
    flows, units = kreise_flows(kreise_dir)
    registry = read_registry(bundled_case_path() / "registry").as_of(dt.date(2016, 6, 30))
    gaps = governance_gaps(
        flows,
        registry.areas(),
        states=units["state"],
        out_commuters=units["out_commuters_total"],
        other_areas=registry.areas(body_levels=("thematic", "metropolitan")),
    )
    rows = gaps.set_index(["unit_a", "unit_b"])
    # the numbers behind the ties, straight from flows.csv / units.csv
    expected = {
        ("14713", "15002"): (3698, 4817, 58909, 29226),  # Leipzig – Halle
        ("14713", "15088"): (3060, 5212, 58909, 40472),  # Leipzig – Saalekreis
        ("14730", "15002"): (914, 1600, 36204, 29226),  # Nordsachsen – Halle
    }
    for pair, (f_ab, f_ba, out_a, out_b) in expected.items():
        row = rows.loc[pair]
        assert (row["flow_ab"], row["flow_ba"]) == (f_ab, f_ba)
        assert row["share_ab"] == pytest.approx(f_ab / out_a)
        assert row["share_ba"] == pytest.approx(f_ba / out_b)
        assert bool(row["cross_state"])
        assert (row["state_a"], row["state_b"]) == ("14", "15")
        # no city-regional body spans the border; only thematic/metropolitan ones
        assert bool(row["gap"])
        assert row["shared_bodies"] == ""
        assert "gewerbeflaechen-hl" in row["other_bodies"]
    assert rows.loc[("14713", "15002"), "other_bodies"] == "emmd;gewerbeflaechen-hl"
    # Saalekreis → Nordsachsen: 1969 of 40472 out-commuters = 4.9 % < 5 %: not strong
    assert ("14730", "15088") not in rows.index
    looser = governance_gaps(flows, registry.areas(), min_share=0.04,
                             out_commuters=units["out_commuters_total"])  # fmt: skip
    row = looser.set_index(["unit_a", "unit_b"]).loc[("14730", "15088")]
    assert (row["flow_ab"], row["flow_ba"]) == (1044, 1969)
    assert bool(row["gap"])
    # within each state the ties are covered
    assert not rows.loc[("15002", "15088"), "gap"]
    assert "regionalforum-halle" in rows.loc[("15002", "15088"), "shared_bodies"]
    assert not rows.loc[("14713", "14730"), "gap"]
    # ranked by total flow
    assert np.all(np.diff(gaps["flow_total"].to_numpy()) <= 0)


@pytest.mark.shared
def test_cross_border_gap_disappears_when_a_body_spans_it(kreise_dir: Path) -> None:
    flows, units = kreise_flows(kreise_dir)
    registry = read_registry(bundled_case_path() / "registry").as_of(dt.date(2016, 6, 30))
    areas = registry.areas(body_levels=("city_region", "thematic"))
    gaps = governance_gaps(flows, areas, out_commuters=units["out_commuters_total"])
    row = gaps.set_index(["unit_a", "unit_b"]).loc[("14713", "15002")]
    assert not row["gap"]
    assert row["shared_bodies"] == "gewerbeflaechen-hl"
