"""Shapes and colours every map draws: region colouring, keys, sizes, natural order."""

from __future__ import annotations

import itertools

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions.geometry import (
    MAP_PALETTE,
    colour_regions,
    map_view,
    natural_key,
    region_order,
    size_column,
)
from cityregions.territory import Territory


def grid_territory(rows: int, cols: int, *, population: bool = True) -> Territory:
    """``rows`` × ``cols`` touching 0.05° squares near Leipzig; unit ``r{i}c{j}``.

    Units are numbered row by row; the population falls with the number, so the region
    order (largest first) is the numbering (a unit is its own region in these tests).
    """
    ids, shapes = [], []
    for i, j in itertools.product(range(rows), range(cols)):
        ids.append(f"r{i}c{j}")
        shapes.append(box(12 + 0.05 * j, 51 - 0.05 * i, 12.05 + 0.05 * j, 51.05 - 0.05 * i))
    n = len(ids)
    frame = pd.DataFrame({"unit": ids, "name": ids})
    if population:
        frame["population"] = [float(1000 * (n - k)) for k in range(n)]
    else:
        frame["residents"] = [float(100 * (n - k)) for k in range(n)]
    return Territory.from_frame(frame, geometry=gpd.GeoSeries(shapes, crs="EPSG:4326"))


def touching_pairs(rows: int, cols: int) -> list[tuple[str, str]]:
    """Pairs of squares sharing an edge or a corner (brute force on the grid indices)."""
    cells = list(itertools.product(range(rows), range(cols)))
    return [
        (f"r{a[0]}c{a[1]}", f"r{b[0]}c{b[1]}")
        for a, b in itertools.combinations(cells, 2)
        if max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1
    ]


def test_touching_regions_never_share_a_colour_with_28_regions() -> None:
    """Two rows of 14: with the palette cycled by size (before), region k and region
    k + 14 right below it had the same colour."""
    territory = grid_territory(2, 14)
    labels = pd.Series(territory.units.index, index=territory.units.index)
    view = map_view(territory, labels=labels)
    clashes = [(a, b) for a, b in touching_pairs(2, 14) if view.colours[a] == view.colours[b]]
    assert clashes == []
    assert set(view.colours.values()) <= set(MAP_PALETTE)


def test_161_regions_keep_apart_with_a_small_palette_and_numbered_keys() -> None:
    territory = grid_territory(7, 23)
    labels = pd.Series(territory.units.index, index=territory.units.index)
    view = map_view(territory, labels=labels)
    assert len(view.colours) == 161
    assert all(view.colours[a] != view.colours[b] for a, b in touching_pairs(7, 23))
    assert 4 <= len(set(view.colours.values())) <= len(MAP_PALETTE)  # king's graph: 4
    assert sorted(view.keys.values()) == list(range(1, 162))
    assert view.keys["r0c0"] == 1  # the largest region is number 1


def test_colour_regions_hand_made_path_and_triangle() -> None:
    # a path a-b-c: b (most neighbours) first, then a and c take the least used colour
    path = colour_regions(["a", "b", "c"], {"a": {"b"}, "b": {"a", "c"}, "c": {"b"}},
                          palette=("red", "blue", "green"))  # fmt: skip
    assert path == {"a": "blue", "b": "red", "c": "green"}
    triangle = {"x": {"y", "z"}, "y": {"x", "z"}, "z": {"x", "y"}}
    assert len(set(colour_regions(["x", "y", "z"], triangle).values())) == 3


def test_size_falls_back_to_employed_residents_without_population() -> None:
    territory = grid_territory(1, 3, population=False)
    labels = pd.Series(["B", "B", "A"], index=territory.units.index)
    view = map_view(territory, labels=labels)
    assert view.size == "residents"
    assert region_order(view.units) == ["B", "A"]  # 300 + 200 residents before 100
    assert size_column(pd.DataFrame({"population": [float("nan")], "jobs": [3.0]})) == "jobs"
    assert size_column(pd.DataFrame({"population": [0.0]})) is None


@pytest.mark.parametrize(
    ("ids", "expected"),
    [(["12", "2", "16", "11"], ["2", "11", "12", "16"]), (["R10", "R9", "A"], ["A", "R9", "R10"])],
)
def test_natural_key_orders_numbers_as_numbers(ids: list[str], expected: list[str]) -> None:
    assert sorted(ids, key=natural_key) == expected


def test_map_labels_never_show_two_units_under_one_name() -> None:
    """BA data has no ``type``: ``Leipzig, Stadt`` and the district ``Leipzig``."""
    from cityregions.geometry import map_labels

    table = pd.DataFrame(
        {"name": ["Leipzig, Stadt", "Leipzig", "Halle (Saale), Stadt", "Saalekreis"]},
        index=["14713", "14729", "15002", "15088"],
    )
    assert map_labels(table) == {
        "14713": "Leipzig", "14729": "Lkr. Leipzig", "15002": "Halle (Saale)",
        "15088": "Saalekreis",
    }  # fmt: skip
