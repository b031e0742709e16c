"""Quality statistics, contiguity and fine-tuning against R's reference values (§7 B1, E3, E4)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import FlowTable, InputError, Territory
from cityregions.delineation import LabourMarketAreas
from cityregions.delineation.quality import (
    cohesion,
    exclaves,
    fine_tuning,
    q_modularity,
    quality_summary,
    region_adjacency,
    region_contiguity,
    region_statistics,
    reserve_list_summary,
)


@pytest.fixture(scope="module")
def brindisi(lma_reference_dir: Path) -> tuple[FlowTable, pd.Series]:
    table = pd.read_csv(
        lma_reference_dir / "brindisi_flows.csv",
        dtype={"community_live": str, "community_work": str},
    )
    flows = FlowTable.from_long(
        table, origin="community_live", destination="community_work", value="amount"
    )
    return flows, LabourMarketAreas().fit(flows).labels_


def test_brindisi_marginals_and_validities(
    brindisi: tuple[FlowTable, pd.Series], lma_reference_dir: Path
) -> None:
    flows, labels = brindisi
    stats = region_statistics(flows, labels)
    assert list(stats.index) == ["1", "3", "5", "7", "8", "10", "12", "16", "20"]  # R's ids
    assert stats.loc["1", ["residents", "jobs"]].tolist() == [28895, 34742]
    assert stats.loc["12", ["residents", "jobs"]].tolist() == [11072, 10626]
    assert stats.loc["20", ["residents", "jobs"]].tolist() == [1293, 1114]
    expected = [
        1.124944,
        1.041773,
        1.012692,
        1.124944,
        1.124944,
        1.058751,
        1.124944,
        1.022540,
        1.004068,
    ]  # A5
    np.testing.assert_allclose(stats["validity"], expected, atol=5e-7)
    assert stats["residents"].sum() == 89192  # totals preserved
    # internal flows per region from the raw reference rows (live and work in one region)
    raw = pd.read_csv(lma_reference_dir / "brindisi_flows.csv", dtype=str)
    region_of = {str(u): r for u, r in labels.items()}
    live, work = raw["community_live"].map(region_of), raw["community_work"].map(region_of)
    amounts = raw["amount"].astype(int)
    internal = amounts[(live == work).to_numpy()].groupby(live[live == work]).sum()
    assert stats["internal"].to_dict() == internal.to_dict()
    share = internal.reindex(stats.index) / stats["residents"]
    assert stats["sc_supply"].tolist() == pytest.approx(share.tolist())


def test_brindisi_quality_summary(brindisi: tuple[FlowTable, pd.Series]) -> None:  # B1
    flows, labels = brindisi
    summary = quality_summary(flows, labels)
    assert summary["n_regions"] == 9
    assert summary["n_single_unit_regions"] == 4
    assert summary["n_invalid_regions"] == 0
    assert summary["mean_sc_demand"] == pytest.approx(0.8632172, abs=5e-8)
    assert summary["mean_sc_supply"] == pytest.approx(0.8015223, abs=5e-8)
    assert summary["q_modularity"] == pytest.approx(0.6455998, abs=5e-8)


def test_brindisi_fine_tuning(brindisi: tuple[FlowTable, pd.Series]) -> None:  # E3, E4
    flows, labels = brindisi
    moves = {"74007": [12, 5], "74003": [1, 12, 20, 8], "74005": [12, 7], "74020": [3, 8]}
    tuned = fine_tuning(flows, labels, moves)
    stats = tuned.statistics
    assert list(stats.index) == ["1", "5", "8", "10", "12", "16"]
    assert stats[["residents", "jobs"]].to_numpy().tolist() == [
        [28895, 34742],
        [10162, 10055],
        [12066, 11490],
        [13596, 10960],
        [17638, 16717],
        [6835, 5228],
    ]
    assert q_modularity(flows, tuned.labels) == pytest.approx(0.6341678, abs=5e-8)
    assert tuned.not_tuned == []
    assert fine_tuning(flows, labels, {"74015": [10, 16]}).labels["74015"] == "10"


def test_fine_tuning_without_link_reports_unit(brindisi: tuple[FlowTable, pd.Series]) -> None:
    flows, labels = brindisi
    tuned = fine_tuning(flows, labels, {"74015": [999]})
    assert tuned.not_tuned == ["74015"]
    assert tuned.labels["74015"] == labels["74015"]


def test_toy_statistics_by_hand() -> None:
    long = pd.DataFrame(
        {
            "origin": ["a", "a", "b", "b", "c", "c"],
            "destination": ["a", "b", "b", "c", "c", "a"],
            "value": [60.0, 20.0, 30.0, 10.0, 40.0, 200.0],
        }
    )
    flows = FlowTable.from_long(long)
    labels = pd.Series({"a": "X", "b": "X", "c": "Y"})
    stats = region_statistics(
        flows,
        labels,
        min_size=10,
        min_self_containment=0.5,
        target_size=100,
        target_self_containment=0.6,
    )
    x = stats.loc["X"]
    # X: L = 60+20+30+10 = 120, W = 60+20+30+200 = 310, LW = 110
    assert (x["residents"], x["jobs"], x["internal"]) == (120, 310, 110)
    assert x["sc_supply"] == pytest.approx(110 / 120)
    assert x["commuter_percent"] == pytest.approx((10 + 200) / 220)
    assert x["home_work_ratio"] == pytest.approx((10 - 200) / 110)
    assert x["internal_cohesion_link"] == pytest.approx(1 / 2)
    assert x["internal_cohesion_flows"] == pytest.approx(100 * 20 / 110)
    # central: a: (W-T)/(R-T) = 200/20 > 1 and W = 260 > 100; b: 20/10 > 1 but W = 50
    assert x["n_central_units"] == 1
    assert (x["n_links_in"], x["n_links_out"]) == (2, 2)
    assert np.isnan(stats.loc["Y", "internal_cohesion_link"])
    pair = cohesion(flows, labels).iloc[0]
    assert pair["cohesion"] == pytest.approx(10**2 / (120 * 50) + 200**2 / (240 * 310))


def test_unit_outside_every_region_has_no_row_but_its_flows_count() -> None:
    # The toy of test_toy_statistics_by_hand with c outside every region (NaN): X keeps
    # L = 120 (b -> c counts), W = 310 (c -> a counts), LW = 110; there is no row for c,
    # and X has links with itself only.
    long = pd.DataFrame(
        {
            "origin": ["a", "a", "b", "b", "c", "c"],
            "destination": ["a", "b", "b", "c", "c", "a"],
            "value": [60.0, 20.0, 30.0, 10.0, 40.0, 200.0],
        }
    )
    flows = FlowTable.from_long(long)
    labels = pd.Series({"a": "X", "b": "X", "c": np.nan})
    stats = region_statistics(flows, labels, min_size=10, target_size=100)
    assert list(stats.index) == ["X"]
    assert stats.loc["X", ["residents", "jobs", "internal"]].tolist() == [120, 310, 110]
    assert stats.loc["X", ["n_units", "n_links_in", "n_links_out"]].tolist() == [2, 1, 1]
    assert cohesion(flows, labels).empty  # one region: no pair
    # c is a community of its own: m = 360, Q = (110 - 120·310/360 + 40 - 240·50/360) / 360
    assert q_modularity(flows, labels) == pytest.approx(1 / 27, abs=1e-15)
    assert quality_summary(flows, labels, min_size=10, target_size=100)["n_regions"] == 1
    with pytest.raises(InputError, match=r"no entry for units \['c'\]"):
        region_statistics(flows, labels.drop("c"))


def test_fine_tuning_places_a_unit_outside_every_region() -> None:
    long = pd.DataFrame(
        {"origin": ["a", "b", "c", "c"], "destination": ["a", "b", "c", "a"], "value": [5, 5, 5, 3]}
    )
    flows = FlowTable.from_long(long)
    labels = pd.Series({"a": "1", "b": "2", "c": np.nan})
    tuned = fine_tuning(flows, labels, {"c": [1, 2]})  # candidates given as numbers
    assert tuned.labels.to_dict() == {"a": "1", "b": "2", "c": "1"}


def test_reserve_list_summary_counts() -> None:
    events = pd.DataFrame(
        {
            "type": ["A", "A", "C"],
            "iteration": [1, 2, 3],
            "region": [4, 4, 7],
            "validity": [0.2, 0.5, 0.9],
            "unit": ["u1", "u2", "u3"],
            "unit2": [None, None, "u4"],
        }
    )
    summary = reserve_list_summary(events)
    assert summary["n_events"] == 3
    assert summary["type_A"] == 2
    assert summary["n_regions_once"] == 1
    assert summary["median_validity"] == 0.5


def grid_territory() -> Territory:
    """3×3 unit squares a1..c3 (row letter, column digit)."""
    ids, shapes = [], []
    for r, row in enumerate("abc"):
        for c in range(3):
            ids.append(f"{row}{c + 1}")
            shapes.append(box(c, r, c + 1, r + 1))
    geometry = gpd.GeoSeries(shapes, crs="EPSG:4326")
    return Territory.from_frame(pd.DataFrame({"unit": ids}), geometry=geometry)


def test_contiguity_on_toy_grid() -> None:
    territory = grid_territory()
    # region 1: a1, a2, c3 (c3 detached); region 2: everything else
    labels = pd.Series({u: (1 if u in {"a1", "a2", "c3"} else 2) for u in territory.ids})
    contiguity = region_contiguity(territory, labels)
    assert contiguity.loc[1, "n_parts"] == 2
    assert not contiguity.loc[1, "contiguous"]
    assert contiguity.loc[2, "contiguous"]
    found = exclaves(territory, labels)
    assert found["unit"].tolist() == ["c3"]
    assert found["neighbour_regions"].tolist() == ["2"]
    assert region_adjacency(territory, labels)[["region_a", "region_b"]].values.tolist() == [[1, 2]]


def test_contiguity_ignores_units_outside_every_region() -> None:
    territory = grid_territory()
    # region 1: a1, a2; b2 outside every region; region 2: everything else
    labels = pd.Series(
        {u: (np.nan if u == "b2" else "1" if u in {"a1", "a2"} else "2") for u in territory.ids}
    )
    contiguity = region_contiguity(territory, labels)
    assert contiguity["n_units"].to_dict() == {"1": 2, "2": 6}
    assert contiguity["contiguous"].all()  # region 2 is a ring around b2: one piece
    assert exclaves(territory, labels).empty
    pairs = region_adjacency(territory, labels)
    assert pairs[["region_a", "region_b"]].values.tolist() == [["1", "2"]]


def test_kreise_regions_against_district_polygons(
    kreise_dir: Path, lma_reference_dir: Path
) -> None:
    polygons = gpd.read_file(kreise_dir / "kreise.geojson")
    ids = polygons["ags"].str.lstrip("0")  # the reference flows use integer AGS
    territory = Territory.from_frame(
        pd.DataFrame({"unit": ids}), geometry=polygons.geometry.reset_index(drop=True)
    )
    table = pd.read_csv(
        lma_reference_dir / "de_kreise_2016_flows_with_internal.csv",
        dtype={"community_live": str, "community_work": str},
    )
    flows = FlowTable.from_long(
        table, origin="community_live", destination="community_work", value="amount"
    )
    labels = LabourMarketAreas().fit(flows).labels_
    contiguity = region_contiguity(territory, labels)
    assert len(contiguity) == 190
    assert contiguity["n_units"].sum() == 401
    found = exclaves(territory, labels)
    broken = contiguity.index[~contiguity["contiguous"]]
    assert set(found["region"]) == set(broken)
    adjacency = region_adjacency(territory, labels)
    assert (adjacency["region_a"] < adjacency["region_b"]).all()
    # Flensburg (1001) moved into Munich's region is an exclave touching Schleswig-Flensburg
    broken_labels = labels.copy()
    broken_labels["1001"] = labels["9162"]
    found = exclaves(territory, broken_labels)
    row = found.set_index("unit").loc["1001"]
    assert row["region"] == labels["9162"]
    assert str(labels["1059"]) in row["neighbour_regions"].split(";")
    assert not region_contiguity(territory, broken_labels).loc[labels["9162"], "contiguous"]
    tuned = fine_tuning(flows, broken_labels, {"1001": [labels["1059"], labels["9162"]]})
    assert tuned.labels["1001"] == labels["1059"]


def test_fine_tuning_accepts_region_ids_as_text(brindisi: tuple[FlowTable, pd.Series]) -> None:
    flows, labels = brindisi
    assert fine_tuning(flows, labels, {"74015": ["10", "16"]}).labels["74015"] == "10"


def test_statistics_reject_labels_missing_units(brindisi: tuple[FlowTable, pd.Series]) -> None:
    flows, labels = brindisi
    with pytest.raises(InputError, match="74020"):
        region_statistics(flows, labels.drop("74020"))
