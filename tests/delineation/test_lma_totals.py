"""Labour market areas and their statistics with complete totals (flows beyond the table).

A toy worked by hand, and the BA district flows of 2016 (each district's ten largest
links) with the complete totals of its ``units.csv``: the 190 R regions lose 2.9 to
8.5 points of supply-side self-containment and 39 of them their validity.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable
from cityregions.delineation import LabourMarketAreas, validity
from cityregions.delineation.api import region_summary
from cityregions.delineation.quality import region_statistics

SMALL = {"min_size": 100, "min_self_containment": 0.6667, "target_size": 1000,
         "target_self_containment": 0.75}  # fmt: skip


def _toy() -> FlowTable:
    long = pd.DataFrame(
        {
            "origin": ["a", "a", "b", "b"],
            "destination": ["a", "b", "b", "a"],
            "value": [900, 50, 300, 60],
        }
    )
    return FlowTable.from_long(long)


def test_totals_make_a_region_invalid_and_it_joins_its_neighbour() -> None:
    flows = _toy()
    # b alone: R 360, W 350, RW 300: msc 0.833, validity 1.036 -> valid
    assert LabourMarketAreas(**SMALL).fit(flows).labels_.to_dict() == {"a": "1", "b": "2"}
    # b beyond the table: 240 more residents (600), 50 more jobs (400): msc 0.5, invalid;
    # with a: R 950 + 600, W 960 + 400, RW 900 + 300 + 50 + 60 = 1310: msc 0.845, valid
    complete = flows.with_totals(pd.Series({"a": 950, "b": 600}), pd.Series({"a": 960, "b": 400}))
    b_alone = validity(300, 600, 400, **SMALL)[0]
    assert b_alone == pytest.approx(
        0.5 / 0.75 * (1 - (1 - 0.6667 / 0.75) * 400 / 900) * 0.75 / 0.6667
    )
    assert b_alone < 1
    model = LabourMarketAreas(**SMALL).fit(complete)
    assert model.labels_.to_dict() == {"a": "1", "b": "1"}
    stats = region_statistics(complete, model.labels_, **SMALL)
    assert stats.loc["1", ["residents", "jobs", "internal"]].tolist() == [1550, 1360, 1310]
    assert stats.loc["1", "sc_supply"] == pytest.approx(1310 / 1550)


def test_summary_and_statistics_divide_by_complete_totals() -> None:
    complete = _toy().with_totals(pd.Series({"a": 1000, "b": 600}), pd.Series({"a": 960, "b": 400}))
    labels = pd.Series({"a": "1", "b": "2"})
    table = region_summary(complete, labels).set_index("region")
    assert table.loc["2", "residents"] == 600
    assert table.loc["2", "self_containment_supply"] == pytest.approx(300 / 600)
    assert table.loc["2", "self_containment_demand"] == pytest.approx(300 / 400)
    assert table.loc["1", "self_containment_supply"] == pytest.approx(900 / 1000)
    stats = region_statistics(complete, labels, **SMALL)
    assert stats.loc["2", "sc_demand"] == pytest.approx(0.75)


def _district_inputs(kreise_dir: Path) -> tuple[FlowTable, pd.DataFrame]:
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str}).set_index("ags")
    pairs = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    internal = units["employees_svb"] - units["out_commuters_total"]
    long = pd.concat(
        [
            pairs.rename(columns={"commuters": "value"})[["origin", "destination", "value"]],
            pd.DataFrame({"origin": units.index, "destination": units.index, "value": internal}),
        ]
    )
    return FlowTable.from_long(long, ids=list(units.index)), units


def _by_hand(units: pd.DataFrame, pairs: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Residents, jobs and internal flows per region straight from the two CSV files."""
    jobs = units["employees_svb"] - units["out_commuters_total"] + units["in_commuters_total"]
    region_of = labels.to_dict()
    inside = pairs["origin"].map(region_of) == pairs["destination"].map(region_of)
    between = pairs[inside].groupby(pairs["origin"].map(region_of))["commuters"].sum()
    internal = (units["employees_svb"] - units["out_commuters_total"]).groupby(labels).sum()
    return pd.DataFrame(
        {
            "residents": units["employees_svb"].groupby(labels).sum(),
            "jobs": jobs.groupby(labels).sum(),
            "internal": internal.add(between, fill_value=0),
        }
    )


def test_r_regions_of_the_districts_with_complete_totals(
    kreise_dir: Path, lma_reference_dir: Path
) -> None:
    flows, units = _district_inputs(kreise_dir)
    jobs = units["employees_svb"] - units["out_commuters_total"] + units["in_commuters_total"]
    complete = flows.with_totals(units["employees_svb"], jobs, source="units.csv")
    reference = pd.read_csv(lma_reference_dir / "de_kreise_2016_lma_r.csv")
    labels = pd.Series(
        reference["cluster"].astype(str).to_numpy(),
        index=reference["community"].astype(str).str.zfill(5),
    )
    pairs = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    hand = _by_hand(units, pairs, labels)
    ours = region_statistics(complete, labels)
    for column in ("residents", "jobs", "internal"):
        assert np.allclose(ours[column].to_numpy(), hand.loc[ours.index, column].to_numpy())
    truncated = region_statistics(flows, labels)
    drop = (truncated["sc_supply"] - hand.loc[truncated.index, "internal"]
            / hand.loc[truncated.index, "residents"]) * 100  # fmt: skip
    assert (round(drop.min(), 2), round(drop.max(), 2), round(drop.mean(), 2)) == (2.94, 8.54, 5.02)
    assert (truncated["validity"] >= 1).all()  # R's regions are valid on the table alone
    assert int((ours["validity"] < 1).sum()) == 39


def test_districts_rerun_with_totals_every_region_valid_before_the_reserve_list(
    kreise_dir: Path,
) -> None:
    flows, units = _district_inputs(kreise_dir)
    jobs = units["employees_svb"] - units["out_commuters_total"] + units["in_commuters_total"]
    complete = flows.with_totals(units["employees_svb"], jobs)
    model = LabourMarketAreas().fit(complete)
    assert model.n_regions_ == 152
    before = model.labels_before_reserve_.dropna()
    pairs = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    hand = _by_hand(units.loc[before.index], pairs, before)
    values = validity(hand["internal"], hand["residents"], hand["jobs"])
    assert (values >= 1 - 1e-12).all()
