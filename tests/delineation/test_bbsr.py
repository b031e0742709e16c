"""BBSR Stadtregionen on hand-made toy cases (fixtures F of the note, §7)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import FlowTable, InputError, ParameterError, Territory
from cityregions.delineation.bbsr import ZONE_NAMES, Stadtregionen

#: 3 x 4 cells; Z in the middle of the left 3 x 3 block touches the eight around it.
LAYOUT = [
    ["c_ok", "c_low", "c_deficit", "c_far"],
    ["u50", "Z", "u4999", "s"],
    ["u25", "u2499", "w", "x2"],
]
POPULATION = {
    "Z": 200_000, "c_ok": 60_000, "c_low": 40_000, "c_deficit": 60_000, "c_far": 60_000,
    "u50": 1_000, "u4999": 20_000, "u25": 1_000, "u2499": 1_000, "w": 1_000, "s": 50_000,
    "x2": 500,
}  # fmt: skip


def territory_from_layout(layout: list[list[str]], population: dict[str, float]) -> Territory:
    ids, shapes = [], []
    for r, row in enumerate(layout):
        for c, unit in enumerate(row):
            ids.append(unit)
            shapes.append(box(12 + 0.01 * c, 51 - 0.01 * r, 12.01 + 0.01 * c, 51.01 - 0.01 * r))
    frame = pd.DataFrame(
        {"unit": ids, "population": [population[i] for i in ids], "area_km2": 100.0}
    )
    return Territory.from_frame(frame, geometry=gpd.GeoSeries(shapes, crs="EPSG:4326"))


def flows_from(internal: dict[str, float], links: dict[tuple[str, str], float]) -> FlowTable:
    rows = [(u, u, v) for u, v in internal.items()] + [(o, d, v) for (o, d), v in links.items()]
    frame = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(frame, ids=sorted(internal), source="toy")


@pytest.fixture
def region() -> Stadtregionen:
    internal = dict.fromkeys(POPULATION, 1000.0)
    internal.update({"Z": 100_000.0, "c_ok": 20_000.0, "x2": 100.0})
    links = {("Z", "w"): 10.0}
    for unit in ("c_ok", "c_low", "c_deficit", "c_far"):
        links[unit, "Z"] = 600.0  # 60 % of 1000 out-commuters
        links[unit, "w"] = 400.0
        links["s", unit] = 1000.0  # in-commuters = out-commuters: ratio 1
    links["s", "c_deficit"] = 999.0  # ratio 0.999: no in-commuter surplus
    links["s", "x2"] = 20_000.0  # s: 1000 of 23,999 out-commuters to c_ok (4 %): outside
    links.update(
        {
            ("u50", "Z"): 50.0, ("u50", "w"): 50.0,  # 50.0 %
            ("u4999", "Z"): 4999.0, ("u4999", "w"): 5001.0,  # 49.99 %
            ("u25", "Z"): 25.0, ("u25", "w"): 75.0,  # 25.0 %
            ("u2499", "Z"): 2499.0, ("u2499", "w"): 7501.0,  # 24.99 %
        }
    )  # fmt: skip
    flows = flows_from(internal, links)
    return Stadtregionen().fit(flows, territory_from_layout(LAYOUT, POPULATION))


def test_belt_thresholds(region: Stadtregionen) -> None:
    zones = region.zones_
    assert zones["u50"] == 3  # 50.0 % -> engerer Verflechtungsraum
    assert zones["u4999"] == 4  # 49.99 % -> weiterer
    assert zones["u25"] == 4  # 25.0 % -> weiterer
    assert zones["u2499"] == 0  # 24.99 % -> none
    assert region.labels_["u50"] == "Z"
    assert pd.isna(region.labels_["u2499"])  # outside every region
    assert region.table_.loc["u4999", "share"] == pytest.approx(0.4999)
    assert region.table_.loc["u50", "zone_name"] == ZONE_NAMES[3]


def test_centre_and_complement_criteria(region: Stadtregionen) -> None:
    zones = region.zones_
    assert region.centres_ == ["Z"]
    assert zones["Z"] == 1
    # adjacent, day density 600 > 500, in/out = 1, 60 % to Z -> Ergänzungsgebiet
    assert zones["c_ok"] == 2
    # same but day density 400 -> not a complement; 60 % to the core -> engerer
    assert zones["c_low"] == 3
    # in/out = 0.999 -> no in-commuter surplus -> engerer
    assert zones["c_deficit"] == 3
    # not adjacent to Z -> engerer
    assert zones["c_far"] == 3
    assert zones[["w", "s", "x2"]].tolist() == [0, 0, 0]
    assert set(region.labels_[zones > 0]) == {"Z"}
    assert region.table_.loc["c_ok", "day_density"] == pytest.approx(600.0)


def test_belt_share_counts_flows_to_complement() -> None:
    # v sends 30 % to Z and 30 % to its complement k -> 60 % to the core area: engerer
    layout = [["Z", "k", "v", "w"]]
    population = {"Z": 200_000, "k": 60_000, "v": 1_000, "w": 1_000}
    internal = {"Z": 100_000.0, "k": 10_000.0, "v": 1000.0, "w": 1000.0}
    links = {("k", "Z"): 600.0, ("k", "w"): 400.0, ("w", "k"): 1000.0,
             ("v", "Z"): 30.0, ("v", "k"): 30.0, ("v", "w"): 40.0}  # fmt: skip
    fit = Stadtregionen().fit(
        flows_from(internal, links), territory_from_layout(layout, population)
    )
    # w sends all its out-commuters to k: engerer as well
    assert fit.zones_.to_dict() == {"Z": 1, "k": 2, "v": 3, "w": 3}
    assert fit.table_.loc["v", "share"] == pytest.approx(0.6)


def centre_case(*, mutual: bool) -> Stadtregionen:
    # line A - B - w - C. A's largest out-flow goes to its neighbour centre B -> A is no
    # centre. C's largest goes to B too, but C does not touch B -> C stays a centre.
    layout = [["A", "B", "w", "C"]]
    population = {"A": 150_000, "B": 300_000, "w": 50_000, "C": 150_000}
    internal = {"A": 100_000.0, "B": 200_000.0, "w": 10_000.0, "C": 100_000.0}
    links = {
        ("A", "B"): 3000.0, ("A", "w"): 1000.0, ("B", "w"): 2000.0,
        ("C", "B"): 3000.0, ("C", "w"): 1000.0, ("w", "A"): 5000.0, ("w", "C"): 5000.0,
    }  # fmt: skip
    if mutual:
        links["B", "A"] = 2500.0  # B's largest flow now goes to A: B has more day population
    return Stadtregionen().fit(
        flows_from(internal, links), territory_from_layout(layout, population)
    )


def test_centre_rejected_when_main_flow_goes_to_neighbouring_centre() -> None:
    fit = centre_case(mutual=False)
    assert fit.centres_ == ["B", "C"]
    # A: adjacent to B, day density 1510, in/out 1.25, 75 % of out-commuters to B
    assert fit.zones_["A"] == 2
    assert fit.labels_["A"] == "B"


def test_mutual_main_flows_keep_the_larger_centre() -> None:
    fit = centre_case(mutual=True)
    assert fit.centres_ == ["B", "C"]


def test_central_place_list_and_parameter_errors() -> None:
    fit = Stadtregionen(central_places=["C"])
    assert fit.central_places == ["C"]
    assert centre_case(mutual=False).labels_.index.tolist() == ["A", "B", "C", "w"]
    with pytest.raises(ParameterError, match="outer_share"):
        Stadtregionen(inner_share=0.3, outer_share=0.4)
    with pytest.raises(ParameterError, match="inner_share"):
        Stadtregionen(inner_share=0.0)
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [1, 1], "area_km2": [1, 1]})
    flows = flows_from({"a": 1.0, "b": 1.0}, {("a", "b"): 1.0})
    with pytest.raises(InputError, match="need unit polygons"):
        Stadtregionen().fit(flows, Territory.from_frame(frame))


def test_oberzentrum_criterion() -> None:
    layout = [["A", "B", "w", "C"]]
    population = {"A": 150_000, "B": 300_000, "w": 50_000, "C": 150_000}
    internal = {"A": 100_000.0, "B": 200_000.0, "w": 10_000.0, "C": 100_000.0}
    links = {("A", "w"): 1000.0, ("w", "A"): 5000.0, ("w", "C"): 5000.0, ("C", "w"): 10.0}
    flows = flows_from(internal, links)
    territory = territory_from_layout(layout, population)
    assert Stadtregionen().fit(flows, territory).centres_ == ["A", "B", "C"]
    assert Stadtregionen(central_places=["C"]).fit(flows, territory).centres_ == ["C"]
    with pytest.raises(InputError, match=r"central places not in the flows: \['Z'\]"):
        Stadtregionen(central_places=["C", "Z"]).fit(flows, territory)
