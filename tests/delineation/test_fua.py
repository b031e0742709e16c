"""EU-OECD functional urban areas on hand-made toy cases (fixtures F of the note, §7)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import FlowTable, InputError, ParameterError, Territory
from cityregions._errors import DataQualityWarning
from cityregions.delineation.fua import (
    FunctionalUrbanAreas,
    add_enclaves,
    assign_commuting_zones,
    city_mapping,
    commuting_shares,
    find_cities,
    merge_polycentric,
)


def make_flows(internal: dict[str, float], links: dict[tuple[str, str], float]) -> FlowTable:
    rows = [(u, u, v) for u, v in internal.items()] + [(o, d, v) for (o, d), v in links.items()]
    long = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(long, ids=sorted(internal), source="toy")


def grid_territory(rows: int, cols: int, population: dict[str, float] | None = None) -> Territory:
    """Square cells 'r{row}c{col}' of 0.01° near Leipzig; queen contiguity."""
    ids, shapes = [], []
    for r in range(rows):
        for c in range(cols):
            ids.append(f"r{r}c{c}")
            shapes.append(box(12 + 0.01 * c, 51 + 0.01 * r, 12.01 + 0.01 * c, 51.01 + 0.01 * r))
    frame = pd.DataFrame({"unit": ids})
    frame["population"] = [float((population or {}).get(i, 1000.0)) for i in ids]
    geometry = gpd.GeoSeries(shapes, crs="EPSG:4326")
    return Territory.from_frame(frame, geometry=geometry, name="grid")


def test_exactly_fifteen_percent_is_in_the_commuting_zone() -> None:
    # a: 15 of 100 employed residents work in the city -> 15.0 % -> in
    # b: 1499 of 10000 -> 14.99 % -> out; d: 3 of 20 (0.15 again, other rounding) -> in
    flows = make_flows(
        {"c": 1000, "a": 85, "b": 8501, "d": 17},
        {("a", "c"): 15, ("b", "c"): 1499, ("d", "c"): 3},
    )
    fua = FunctionalUrbanAreas(cities=["c"], contiguity=False).fit(flows)
    assert fua.labels_.dropna().to_dict() == {"a": "c", "c": "c", "d": "c"}
    assert pd.isna(fua.labels_["b"])  # below 15 %: outside every FUA (NaN, not its own id)
    assert fua.zones_.to_dict() == {
        "a": "commuting_zone",
        "b": "outside",
        "c": "city",
        "d": "commuting_zone",
    }
    assert fua.shares_.loc["b", "c"] == pytest.approx(0.1499)


def test_assignment_to_the_city_with_the_largest_share() -> None:
    # x: 20 % to c1, 30 % to c2 -> c2 ; y: 20 % to each -> tie -> smallest label c1
    flows = make_flows(
        {"c1": 1000, "c2": 1000, "x": 50, "y": 60},
        {("x", "c1"): 20, ("x", "c2"): 30, ("y", "c1"): 20, ("y", "c2"): 20},
    )
    shares = commuting_shares(flows, pd.Series({"c1": "c1", "c2": "c2"}))
    assert shares.loc["x"].tolist() == [0.2, 0.3]
    labels = assign_commuting_zones(shares, pd.Series({"c1": "c1", "c2": "c2"}))
    assert labels["x"] == "c2"
    assert labels["y"] == "c1"


def test_polycentric_cities_merged_at_fifteen_percent() -> None:
    # c2 sends 150 of its 1000 employed residents (15.0 %) to c1 -> merged;
    # c3 sends 149 of 1000 (14.9 %) to c1 and receives nothing -> separate.
    flows = make_flows(
        {"c1": 2000, "c2": 850, "c3": 851, "z": 80},
        {("c2", "c1"): 150, ("c3", "c1"): 149, ("z", "c2"): 10, ("z", "c1"): 10},
    )
    population = pd.Series({"c1": 500.0, "c2": 900.0, "c3": 100.0, "z": 10.0})
    groups = merge_polycentric(flows, {"c1": "c1", "c2": "c2", "c3": "c3"}, weight=population)
    # the merged group is named after its most populous city c2
    assert groups.to_dict() == {"c1": "c2", "c2": "c2", "c3": "c3"}
    # z sends 10 % to c1 and 10 % to c2: together 20 % to the merged FUA
    fua = FunctionalUrbanAreas(cities=["c1", "c2", "c3"], contiguity=False).fit(flows)
    assert fua.labels_["z"] == fua.labels_["c1"] == fua.labels_["c2"]
    assert fua.labels_["c3"] == "c3"


def test_city_passing_fifteen_percent_only_cumulatively_is_not_merged() -> None:
    # a-b: a sends 200 of 1000 (20 %) to b -> merged pairwise. c sends 80 (8 %) to a and
    # 80 (8 %) to b: 16 % to the merged a+b, but under 15 % to each city -> not merged.
    flows = make_flows(
        {"a": 800, "b": 1000, "c": 840},
        {("a", "b"): 200, ("b", "c"): 0.5, ("c", "a"): 80, ("c", "b"): 80},
    )
    groups = merge_polycentric(flows, {"a": "a", "b": "b", "c": "c"})
    assert groups.to_dict() == {"a": "b", "b": "b", "c": "c"}


def test_pairwise_links_chain_into_one_fua() -> None:
    # a -> b 20 % and c -> b 15 %: both join b's FUA; a and c are not linked to each other
    flows = make_flows(
        {"a": 800, "b": 1000, "c": 850},
        {("a", "b"): 200, ("c", "b"): 150},
    )
    groups = merge_polycentric(flows, {"a": "a", "b": "b", "c": "c"})
    assert groups.nunique() == 1


def test_enclave_added_and_exclave_dropped() -> None:
    # 6x6 grid. City r2c1; the ring around r2c2 commutes 20 % to the city; r2c2 (inside
    # the ring) commutes 0 % -> enclave, added. r5c5 commutes 20 % but touches no FUA
    # unit -> exclave, dropped.
    ring = ["r1c1", "r1c2", "r1c3", "r2c3", "r3c1", "r3c2", "r3c3"]
    territory = grid_territory(6, 6)
    internal = dict.fromkeys(territory.ids, 100.0)
    links = {}
    for unit in [*ring, "r5c5"]:
        internal[unit] = 80.0
        links[unit, "r2c1"] = 20.0
    flows = make_flows(internal, links)
    fua = FunctionalUrbanAreas(cities=["r2c1"]).fit(flows, territory)
    members = sorted(fua.labels_.index[fua.labels_ == "r2c1"])
    assert members == sorted([*ring, "r2c1", "r2c2"])
    assert fua.enclaves_ == ["r2c2"]
    assert fua.exclaves_ == ["r5c5"]
    assert pd.isna(fua.labels_["r5c5"])  # outside every FUA
    assert fua.zones_["r5c5"] == "outside"
    assert fua.zones_["r2c2"] == "commuting_zone"


def test_edge_unit_and_two_fua_gap_are_not_enclaves() -> None:
    # line a-b-c-d-e (path adjacency). b between FUAs X (a) and Y (c): not an enclave.
    # e touches only d (FUA Y) but lies on the territory edge: not added.
    import scipy.sparse as sp

    ids = ["a", "b", "c", "d", "e"]
    edges = [(0, 1), (1, 2), (2, 3), (3, 4)]
    rows = [i for i, j in edges] + [j for i, j in edges]
    cols = [j for i, j in edges] + [i for i, j in edges]
    adjacency = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(5, 5))
    labels = pd.Series(["X", np.nan, "Y", "Y", np.nan], index=ids, dtype=object)
    on_edge = np.array([False, False, False, False, True])
    new, added = add_enclaves(labels, adjacency, on_edge=on_edge)
    assert added == []
    assert new.isna().tolist() == [False, True, False, False, True]
    # without the edge flag, e is an enclave of Y
    new, added = add_enclaves(labels, adjacency)
    assert added == ["e"]
    assert new["e"] == "Y"


def test_density_stand_in_clusters_touching_dense_units() -> None:
    # a 1 x 4 strip: d1, d2 dense (30,000 each, touching: 60,000 together -> one city);
    # s sparse; d3 dense but alone with 40,000 -> no urban centre
    population = {"r0c0": 30_000, "r0c1": 30_000, "r0c2": 500, "r0c3": 40_000}
    territory = grid_territory(1, 4, population)
    area = {"r0c0": 10.0, "r0c1": 20.0, "r0c2": 100.0, "r0c3": 10.0}
    frame = territory.units.reset_index().assign(area_km2=lambda t: t["unit"].map(area))
    territory = Territory.from_frame(frame, geometry=territory.geometry.reset_index(drop=True))
    found = find_cities(territory, territory.contiguity)
    assert found == {"r0c0": "r0c0", "r0c1": "r0c0"}  # one city; ties -> smallest id
    assert find_cities(territory) == {}  # without adjacency each unit alone: none ≥ 50,000
    exact = Territory.from_frame(
        pd.DataFrame({"unit": ["e"], "population": [50_000], "area_km2": [50_000 / 1500]})
    )
    assert find_cities(exact) == {"e": "e"}  # exactly 1,500 /km² and 50,000


def test_city_sources_in_order_of_preference() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["a", "b", "c"],
            "population": [600_000, 90_000, 2_000],
            "area_km2": [300.0, 30.0, 20.0],
            "degurba": ["01", "02", "03"],
            "urban_centre_share": [0.9, 0.5, 0.0],
        }
    )
    territory = Territory.from_frame(frame)
    assert city_mapping(territory) == ({"a": "a"}, "degurba")  # Destatis class 01 only
    assert city_mapping(territory, cities=["c"]) == ({"c": "c"}, "given")
    shares = city_mapping(territory, source="urban_centre_share")
    assert shares == ({"a": "a", "b": "b"}, "urban_centre_share")  # 0.5 counts (≥ 50 %)
    with pytest.warns(DataQualityWarning, match="unit density"):
        dense = city_mapping(
            Territory.from_frame(frame.drop(columns=["degurba", "urban_centre_share"]))
        )
    assert dense == ({"a": "a", "b": "b"}, "density")  # 2,000 and 3,000 /km²
    bare = Territory.from_frame(pd.DataFrame({"unit": ["a", "b"]}))
    with pytest.raises(InputError, match="FUA needs a way to find cities: give --cities"):
        city_mapping(bare)


def test_fua_errors() -> None:
    flows = make_flows({"a": 10, "b": 10}, {("a", "b"): 5})
    with pytest.raises(ParameterError, match="commuting_share"):
        FunctionalUrbanAreas(commuting_share=1.5)
    with pytest.raises(InputError, match="needs unit polygons"):
        FunctionalUrbanAreas(cities=["a"]).fit(flows)
    with pytest.raises(InputError, match="not in the flows"):
        FunctionalUrbanAreas(cities=["zz"], contiguity=False).fit(flows)
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [10, 10], "area_km2": [1, 1]})
    with pytest.raises(InputError, match="no city"), pytest.warns(DataQualityWarning):
        FunctionalUrbanAreas(contiguity=False).fit(flows, Territory.from_frame(frame))
    with pytest.raises(InputError, match="--cities"):
        FunctionalUrbanAreas(contiguity=False).fit(flows)
    with pytest.raises(ParameterError, match="city_source"):
        FunctionalUrbanAreas(city_source="grid")  # type: ignore[arg-type]


def test_city_of_several_units_and_tie_to_smallest_label() -> None:
    # city "L" = units l1 + l2 (a mapping); z sends 10 % to l1 and 10 % to l2 -> 20 % to L
    flows = make_flows(
        {"l1": 1000, "l2": 1000, "z": 80, "q": 70},
        {("z", "l1"): 10, ("z", "l2"): 10, ("q", "l1"): 14, ("q", "l2"): 16},
    )
    fua = FunctionalUrbanAreas(cities={"l1": "L", "l2": "L"}, contiguity=False).fit(flows)
    # the FUA is named after its main unit: equal weight (employed residents) -> smallest id
    assert fua.labels_.to_dict() == {"l1": "l1", "l2": "l1", "q": "l1", "z": "l1"}
    assert fua.zones_[["l1", "l2"]].tolist() == ["city", "city"]
