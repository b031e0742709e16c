"""Tests of the Territory core object."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from cityregions import InputError, Territory


def test_from_frame_fills_defaults_and_keeps_string_ids() -> None:
    territory = Territory.from_frame(
        pd.DataFrame({"unit": ["01001", "01002"], "population": ["10", 20]}), name="t"
    )
    assert territory.ids == ["01001", "01002"]
    assert territory.units["population"].tolist() == [10.0, 20.0]
    assert np.isnan(territory.units.loc["01001", "jobs"])
    assert np.isnan(territory.units.loc["01001", "residents"])
    assert territory.units.loc["01001", "unit_level"] is None


def test_old_column_names_level_and_employees_are_read_as_unit_level_and_jobs() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "level": ["district"] * 2, "employees": [3, 4]})
    territory = Territory.from_frame(frame, provenance={"level": "GV", "employees": "BA"})
    assert territory.units["unit_level"].tolist() == ["district", "district"]
    assert territory.units["jobs"].tolist() == [3.0, 4.0]
    assert "level" not in territory.units
    assert "employees" not in territory.units
    assert territory.provenance == {"unit_level": "GV", "jobs": "BA"}


def test_new_column_name_wins_over_the_old_one() -> None:
    frame = pd.DataFrame({"unit": ["a"], "jobs": [5], "employees": [9]})
    territory = Territory.from_frame(frame)
    assert territory.units.loc["a", "jobs"] == 5.0
    assert territory.units.loc["a", "employees"] == 9  # kept as an extra column


def test_negative_jobs_name_unit_and_field() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "jobs": [1, -2]})
    with pytest.raises(InputError, match="zero or positive") as error:
        Territory.from_frame(frame)
    assert (error.value.location, error.value.field) == ("unit b", "jobs")


def test_duplicate_id_names_row() -> None:
    frame = pd.DataFrame({"unit": ["a", "b", "a"], "population": [1, 2, 3]})
    with pytest.raises(InputError, match="duplicate unit id 'a'") as error:
        Territory.from_frame(frame, source="units.csv")
    assert error.value.location == "row 3"
    assert "units.csv" in str(error.value)


def test_non_numeric_population_names_unit() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [1, "many"]})
    with pytest.raises(InputError, match="expected a number, got 'many'") as error:
        Territory.from_frame(frame)
    assert error.value.field == "population"


def _grid() -> Territory:
    # Three squares in a row plus one far away: a-b-c touch in a chain, d is an island.
    polygons = gpd.GeoSeries(
        [box(0, 0, 0.1, 0.1), box(0.1, 0, 0.2, 0.1), box(0.2, 0, 0.3, 0.1), box(1, 1, 1.1, 1.1)],
        crs="EPSG:4326",
    )
    frame = pd.DataFrame({"unit": ["a", "b", "c", "d"], "population": [1, 2, 3, 4]})
    return Territory.from_frame(frame, geometry=polygons)


def test_contiguity_from_polygons() -> None:
    territory = _grid()
    assert territory.neighbours() == {"a": ["b"], "b": ["a", "c"], "c": ["b"], "d": []}
    # areas are filled from polygons: 0.1 degree squares near the equator are ~123 km2
    assert territory.units.loc["a", "area_km2"] == pytest.approx(123.6, rel=0.01)
    assert territory.units.loc["a", "lon"] == pytest.approx(0.05)


def test_contiguity_needs_polygons() -> None:
    territory = Territory.from_frame(pd.DataFrame({"unit": ["a"]}))
    with pytest.raises(InputError, match="contiguity needs unit polygons"):
        _ = territory.contiguity


def test_seat_distances_km() -> None:
    territory = Territory.from_frame(
        pd.DataFrame(
            {"unit": ["leipzig", "halle"], "lon": [12.3747, 11.9688], "lat": [51.3397, 51.4828]}
        )
    )
    distance = territory.seat_distances_km()
    # Leipzig–Halle great-circle distance is about 32 km.
    assert distance[0, 1] == pytest.approx(32.0, abs=1.0)
    assert distance[0, 0] == 0


@pytest.mark.parametrize(
    ("column", "value", "allowed"),
    [
        ("population", -5, "zero or positive"),
        ("area_km2", -1, "zero or positive"),
        ("lat", 95, "between -90 and 90"),
        ("lon", -181, "between -180 and 180"),
    ],
)
def test_out_of_range_fields_name_unit_and_field(column: str, value: float, allowed: str) -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "lon": [12.0, 13.0], "lat": [51.0, 52.0]})
    frame[column] = [1.0, value] if column not in ("lon", "lat") else [frame[column][0], value]
    with pytest.raises(InputError, match=allowed) as error:
        Territory.from_frame(frame, source="units.csv")
    assert error.value.location == "unit b"
    assert error.value.field == column


def test_points_are_not_polygons() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [1, 2]})
    points = gpd.GeoSeries.from_xy([12.0, 13.0], [51.0, 52.0], crs="EPSG:4326")
    territory = Territory.from_frame(frame, geometry=points)
    assert not territory.has_polygons
    assert territory.units["area_km2"].isna().all()  # no area from points
    assert territory.units["lon"].tolist() == [12.0, 13.0]
    squares = gpd.GeoSeries([box(12, 51, 12.1, 51.1), box(13, 52, 13.1, 52.1)], crs="EPSG:4326")
    assert Territory.from_frame(frame, geometry=squares).has_polygons


def test_messages_name_the_file_the_units_came_from() -> None:
    frame = pd.DataFrame({"unit": ["a", "b"], "population": [1, 2]})
    territory = Territory.from_frame(frame, name="t", source="units.csv")
    assert territory.where == "units.csv"
    assert territory.subset(["b"]).where == "units.csv"
    with pytest.raises(InputError, match=r"^units\.csv, unit a: seat coordinates"):
        territory.seat_distances_km()
    assert Territory.from_frame(frame, name="t").where == "t"
    assert Territory.from_frame(frame).where == "units"
