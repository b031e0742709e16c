"""Contiguity repair on hand-made strips: every detached piece moves to the neighbour it
sends most commuters to, and every move is reported."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import FlowTable, InputError, Territory
from cityregions.delineation.api import delineate
from cityregions.delineation.contiguity import make_contiguous


def strip(layout: list[list[str]]) -> Territory:
    """Squares of 0.01° laid out in rows near Leipzig; queen contiguity."""
    ids, shapes = [], []
    for r, row in enumerate(layout):
        for c, unit in enumerate(row):
            ids.append(unit)
            shapes.append(box(12 + 0.01 * c, 51 - 0.01 * r, 12.01 + 0.01 * c, 51.01 - 0.01 * r))
    return Territory.from_frame(
        pd.DataFrame({"unit": ids}), geometry=gpd.GeoSeries(shapes, crs="EPSG:4326")
    )


def flows_of(internal: dict[str, float], links: dict[tuple[str, str], float]) -> FlowTable:
    rows = [(u, u, v) for u, v in internal.items()] + [(o, d, v) for (o, d), v in links.items()]
    frame = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(frame, ids=sorted(internal), source="toy")


def test_detached_piece_moves_to_the_neighbour_it_commutes_to_most() -> None:
    # row: a1 a2 | b | x | c ; x belongs to A but sits between B and C.
    # x sends 30 to B and 40 to C: it moves to C, not to B (smaller) nor stays in A.
    territory = strip([["a1", "a2", "b", "x", "c"]])
    labels = pd.Series({"a1": "A", "a2": "A", "b": "B", "x": "A", "c": "C"})
    flows = flows_of(
        {"a1": 100, "a2": 100, "b": 100, "x": 50, "c": 100},
        {("x", "b"): 30, ("x", "c"): 40, ("x", "a1"): 45},
    )
    repair = make_contiguous(labels, flows, territory)
    assert repair.labels.to_dict() == {"a1": "A", "a2": "A", "b": "B", "x": "C", "c": "C"}
    assert repair.moves.to_dict("records") == [
        {"unit": "x", "piece": "x", "from_region": "A", "to_region": "C",
         "commuters": 40.0, "round": 1}
    ]  # fmt: skip
    assert repair.stuck == []


def test_main_piece_is_the_one_with_most_employed_residents() -> None:
    # A = {a} + {x1, x2}; the two-unit piece has more residents (2 x 80 > 100)? no:
    # a has 300, so {x1, x2} is detached and moves whole to B (its only neighbour region)
    territory = strip([["a", "b", "x1", "x2"]])
    labels = pd.Series({"a": "A", "b": "B", "x1": "A", "x2": "A"})
    flows = flows_of({"a": 300, "b": 100, "x1": 80, "x2": 80}, {("x2", "b"): 1})
    repair = make_contiguous(labels, flows, territory)
    assert repair.labels[["x1", "x2"]].tolist() == ["B", "B"]
    assert repair.moves["piece"].tolist() == ["x1", "x1"]
    assert repair.moves["commuters"].tolist() == [1.0, 1.0]
    # with x1 + x2 heavier than a, a is the detached piece instead
    heavy = flows_of({"a": 100, "b": 100, "x1": 80, "x2": 80}, {})
    assert make_contiguous(labels, heavy, territory).labels["a"] == "B"


def test_piece_touching_no_other_region_stays_and_outside_units_never_move() -> None:
    # a | o (outside) | x : x is A's detached piece, its only neighbour is outside
    territory = strip([["a", "o", "x"]])
    labels = pd.Series({"a": "A", "o": None, "x": "A"})
    flows = flows_of({"a": 100, "o": 100, "x": 10}, {("x", "o"): 5})
    repair = make_contiguous(labels, flows, territory)
    assert repair.labels["x"] == "A"
    assert pd.isna(repair.labels["o"])
    assert repair.stuck == ["x"]
    assert repair.moves.empty


def test_delineate_contiguous_option_reports_moves_and_needs_polygons() -> None:
    territory = strip([["a1", "a2", "b", "x", "c"]])
    flows = flows_of(
        {"a1": 100, "a2": 100, "b": 100, "x": 50, "c": 100},
        {("x", "b"): 30, ("x", "c"): 40, ("x", "a1"): 45},
    )
    result = delineate(flows, method="fua", units=territory, cities=["a1", "b", "c"],
                       contiguity=False, contiguous=True)  # fmt: skip
    # FUA: x sends 45/165 = 27 % to a1 -> commuting zone of a1, detached from it. x has
    # more residents (165) than a1 (100), but the piece holding the city a1 stays main.
    assert result.labels["x"] == "c"
    assert result.moves is not None
    assert result.moves["to_region"].tolist() == ["c"]
    assert result.params["contiguous"] is True
    with pytest.raises(InputError, match="polygons"):
        delineate(flows, method="lma", contiguous=True)
