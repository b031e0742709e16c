"""BBSR Großstadtregionen on hand-made toy cases (fixtures F of the note, §7).

Each rule has a case that passes only under the official reading (GDI-DE record
"Großstadtregionale Einzugsbereiche"): the Hauptpendlerstrom is the largest *in*-flow,
"über 50 %" is > 0.5, centres must be Oberzentren, and no tie rule is invented.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import FlowTable, InputError, ParameterError, Territory
from cityregions._errors import DataQualityWarning
from cityregions.delineation.bbsr import ZONE_NAMES, Stadtregionen, largest_inflow_senders

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
        links["s", unit] = 1001.0  # in-commuters 1001 > out-commuters 1000: surplus
    links["s", "c_deficit"] = 1000.0  # in = out: no in-commuter surplus ("höher als")
    links["s", "x2"] = 20_000.0  # s: 1001 of 24,004 out-commuters to c_ok (4 %): outside
    links.update(
        {
            ("u50", "Z"): 50.0, ("u50", "w"): 50.0,  # 50.0 %
            ("u4999", "Z"): 4999.0, ("u4999", "w"): 5001.0,  # 49.99 %
            ("u25", "Z"): 25.0, ("u25", "w"): 75.0,  # 25.0 %
            ("u2499", "Z"): 2499.0, ("u2499", "w"): 7501.0,  # 24.99 %
        }
    )  # fmt: skip
    flows = flows_from(internal, links)
    return Stadtregionen(central_places=["Z"]).fit(flows, territory_from_layout(LAYOUT, POPULATION))


def test_belt_thresholds(region: Stadtregionen) -> None:
    zones = region.zones_
    assert zones["u50"] == 3  # 50.0 % -> engerer Verflechtungsraum ("50 % und mehr")
    assert zones["u4999"] == 4  # 49.99 % -> weiterer ("25 % bis unter 50 %")
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
    # adjacent, day density 600.01 > 500, in 1001 > out 1000, 60 % to Z -> Ergänzungsgebiet
    assert zones["c_ok"] == 2
    # same but day density 400 -> not a complement; 60 % to the core -> engerer
    assert zones["c_low"] == 3
    # in = out -> no in-commuter surplus -> engerer
    assert zones["c_deficit"] == 3
    # not adjacent to Z -> engerer
    assert zones["c_far"] == 3
    assert zones[["w", "s", "x2"]].tolist() == [0, 0, 0]
    assert set(region.labels_[zones > 0]) == {"Z"}
    assert region.table_.loc["c_ok", "day_density"] == pytest.approx(600.01)


def complement_case(share_to_centre: float, *, surplus: str = "strict") -> int:
    """Zone of k (adjacent to centre Z, dense, in 1001 > out 1000) sending the share to Z."""
    layout = [["Z", "k", "w"]]
    population = {"Z": 200_000, "k": 60_000, "w": 1_000}
    internal = {"Z": 100_000.0, "k": 10_000.0, "w": 1000.0}
    to_z = 1000.0 * share_to_centre
    links = {("k", "Z"): to_z, ("k", "w"): 1000.0 - to_z, ("w", "k"): 1001.0, ("w", "Z"): 5.0}
    fit = Stadtregionen(central_places=["Z"], surplus=surplus).fit(  # type: ignore[arg-type]
        flows_from(internal, links), territory_from_layout(layout, population)
    )
    return int(fit.zones_["k"])


def test_complement_needs_over_half_of_out_commuters() -> None:
    # "mit einem Anteil von über 50 % der Auspendler ins Zentrum": 50.0 % is not over half
    assert complement_case(0.5) == 3  # engerer Verflechtungsraum (50 % und mehr), not 2
    assert complement_case(0.501) == 2


def test_in_commuter_surplus_strict_by_default_ratio_on_request() -> None:
    layout = [["Z", "k", "w"]]
    population = {"Z": 200_000, "k": 60_000, "w": 1_000}
    internal = {"Z": 100_000.0, "k": 10_000.0, "w": 1000.0}
    links = {("k", "Z"): 600.0, ("k", "w"): 400.0, ("w", "k"): 1000.0, ("w", "Z"): 5.0}
    flows = flows_from(internal, links)
    territory = territory_from_layout(layout, population)
    strict = Stadtregionen(central_places=["Z"]).fit(flows, territory)
    ratio = Stadtregionen(central_places=["Z"], surplus="ratio").fit(flows, territory)
    assert strict.zones_["k"] == 3  # in = out: "höher als" fails
    assert ratio.zones_["k"] == 2  # "Einpendler/Auspendler >= 1" holds


def line_case(links: dict[tuple[str, str], float], **options: object) -> Stadtregionen:
    """Line A - B - w - C: A and B touch, C touches only w; all three Oberzentren."""
    layout = [["A", "B", "w", "C"]]
    population = {"A": 150_000, "B": 300_000, "w": 50_000, "C": 150_000}
    internal = {"A": 100_000.0, "B": 200_000.0, "w": 10_000.0, "C": 100_000.0}
    return Stadtregionen(central_places=["A", "B", "C"], **options).fit(  # type: ignore[arg-type]
        flows_from(internal, links), territory_from_layout(layout, population)
    )


def test_centre_rejected_when_largest_inflow_comes_from_neighbouring_centre() -> None:
    # A's largest IN-flow comes from its neighbour B -> A is no centre. B's largest OUT-flow
    # goes to A, but its largest in-flow comes from w -> B stays a centre. The old out-flow
    # reading gives the opposite (A kept, B rejected). C's largest in-flow comes from B,
    # but C does not touch B -> C stays.
    links = {
        ("B", "A"): 7000.0, ("w", "A"): 2000.0, ("A", "w"): 1000.0, ("A", "B"): 500.0,
        ("w", "B"): 14_000.0, ("B", "C"): 6000.0, ("B", "w"): 100.0,
        ("w", "C"): 5000.0, ("C", "w"): 1000.0,
    }  # fmt: skip
    fit = line_case(links)
    assert fit.centres_ == ["B", "C"]
    # A: adjacent to B, in 9000 > out 1500, 500 of 1500 out-commuters (33 %) to B
    assert fit.zones_["A"] == 4
    assert fit.labels_["A"] == "B"


def test_mutual_main_flows_reject_both_centres() -> None:
    # A's and B's largest in-flows come from each other: the text rejects both; no rule
    # (e.g. "larger daytime population wins") is invented to keep one.
    links = {
        ("B", "A"): 3000.0, ("w", "A"): 2000.0, ("A", "B"): 4000.0, ("w", "B"): 3000.0,
        ("A", "w"): 10.0, ("B", "w"): 10.0, ("w", "C"): 5000.0, ("C", "w"): 10.0,
    }  # fmt: skip
    fit = line_case(links)
    assert fit.centres_ == ["C"]


def test_tied_largest_inflow_is_excluded_unless_asked_otherwise() -> None:
    # A's in-flows from B (a neighbouring centre) and from w are equal: a tie.
    links = {
        ("B", "A"): 3000.0, ("w", "A"): 3000.0, ("A", "w"): 10.0,
        ("w", "B"): 9000.0, ("B", "w"): 10.0, ("w", "C"): 5000.0, ("C", "w"): 10.0,
    }  # fmt: skip
    assert line_case(links).centres_ == ["B", "C"]  # ties="exclude": the tie rejects A
    flows = flows_from({"A": 1.0, "B": 1.0, "w": 1.0, "C": 1.0}, links)
    assert largest_inflow_senders(flows)[0] == ["B", "w"]
    assert largest_inflow_senders(flows, ties="smallest_id")[0] == ["B"]


def test_belt_tie_between_two_regions() -> None:
    # v sends 30 % to each of two centres: with ties="exclude" it joins neither.
    links = {
        ("w", "A"): 9000.0, ("w", "C"): 9000.0, ("A", "w"): 10.0, ("C", "w"): 10.0,
        ("B", "A"): 10.0, ("A", "B"): 10.0,
    }  # fmt: skip
    layout = [["A", "v", "C"], ["B", "w", "x"]]
    population = {"A": 150_000, "v": 1000, "C": 150_000, "B": 1000, "w": 50_000, "x": 10}
    internal = dict.fromkeys(population, 1000.0) | {"A": 100_000.0, "C": 100_000.0}
    links |= {("v", "A"): 300.0, ("v", "C"): 300.0, ("v", "x"): 400.0}
    flows = flows_from(internal, links)
    territory = territory_from_layout(layout, population)
    exclude = Stadtregionen(central_places=["A", "C"]).fit(flows, territory)
    smallest = Stadtregionen(central_places=["A", "C"], ties="smallest_id").fit(flows, territory)
    assert exclude.centres_ == ["A", "C"]
    assert exclude.zones_["v"] == 0
    assert pd.isna(exclude.labels_["v"])
    assert smallest.zones_["v"] == 4
    assert smallest.labels_["v"] == "A"


def test_oberzentrum_is_required() -> None:
    links = {("A", "w"): 1000.0, ("w", "A"): 5000.0, ("w", "C"): 5000.0, ("C", "w"): 10.0}
    layout = [["A", "B", "w", "C"]]
    population = {"A": 150_000, "B": 300_000, "w": 50_000, "C": 150_000}
    internal = {"A": 100_000.0, "B": 200_000.0, "w": 10_000.0, "C": 100_000.0}
    flows = flows_from(internal, links)
    territory = territory_from_layout(layout, population)
    # B is a Großstadt with 300,000 inhabitants but no Oberzentrum
    assert Stadtregionen(central_places=["A", "C"]).fit(flows, territory).centres_ == ["A", "C"]
    with pytest.raises(InputError, match="--central-places"):
        Stadtregionen().fit(flows, territory)
    with pytest.raises(InputError, match=r"not units of the flows: \['Z'\]"):
        Stadtregionen(central_places=["C", "Z"]).fit(flows, territory)


def test_population_and_polygons_are_required() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [1, None], "area_km2": [1, 1]})
    flows = flows_from({"a": 1.0, "b": 1.0}, {("a", "b"): 1.0})
    with pytest.raises(InputError, match="population") as error:
        Stadtregionen(central_places=["a"]).fit(flows, Territory.from_frame(frame))
    assert "--units" in str(error.value)
    assert "unit b" in str(error.value)
    frame["population"] = [1, 1]
    with pytest.raises(InputError, match="need unit polygons"):
        Stadtregionen(central_places=["a"]).fit(flows, Territory.from_frame(frame))


def test_parameter_errors() -> None:
    with pytest.raises(ParameterError, match="outer_share"):
        Stadtregionen(inner_share=0.3, outer_share=0.4)
    with pytest.raises(ParameterError, match="inner_share"):
        Stadtregionen(inner_share=0.0)
    with pytest.raises(ParameterError, match="ties"):
        Stadtregionen(ties="larger_day_population")  # type: ignore[arg-type]


def test_districts_warn_and_only_district_free_cities_are_centres() -> None:
    # 14713 Leipzig (kreisfrei) and 14523 Vogtlandkreis (a Landkreis with Oberzentrum
    # Plauen 14523320) and a rural district between them.
    layout = [["14713", "14729", "14523"]]
    population = {"14713": 600_000, "14729": 100_000, "14523": 300_000}
    internal = {"14713": 200_000.0, "14729": 10_000.0, "14523": 100_000.0}
    links = {
        ("14729", "14713"): 6000.0, ("14713", "14729"): 1000.0,
        ("14729", "14523"): 5000.0, ("14523", "14729"): 10.0,
    }  # fmt: skip
    flows = flows_from(internal, links)
    territory = territory_from_layout(layout, population)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = Stadtregionen(central_places=["14713000", "14523320"]).fit(flows, territory)
    messages = [str(w.message) for w in caught if w.category is DataQualityWarning]
    assert any("defined on municipalities" in m for m in messages)
    assert any(m.endswith("cannot be centres here: 14523320") for m in messages)
    assert fit.district_level_
    assert fit.centres_ == ["14713"]  # Plauen's district is no kreisfreie Stadt
    kinds = {"14713": "Kreisfreie Stadt", "14729": "Landkreis", "14523": "Landkreis"}
    typed = Territory.from_frame(
        territory.units.reset_index().assign(type=lambda t: t["unit"].map(kinds)),
        geometry=territory.geometry.reset_index(drop=True),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        fit = Stadtregionen(central_places=["14713", "14523"]).fit(flows, typed)
    assert fit.centres_ == ["14713"]
