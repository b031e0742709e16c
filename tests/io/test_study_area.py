"""Reading a study area: state keys, unit lists, polygon files, and bad specs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cityregions import InputError
from cityregions.io.study_area import read_study_area
from cityregions.territory import Territory


def territory() -> Territory:
    return Territory.from_frame(
        pd.DataFrame({
            "unit": ["14713", "15002", "09162"],
            "state": ["14", "15", "09"],
            "lon": [12.37, 11.97, 11.58],
            "lat": [51.34, 51.48, 48.14],
        })
    )  # fmt: skip


def test_state_keys() -> None:
    area = read_study_area("14, 15", territory())
    assert area.units == ("14713", "15002")
    assert area.description == "states 14, 15"


def test_unit_lists(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("unit,name\n15002,Halle\n")
    (tmp_path / "u.txt").write_text("# my area\n14713\n\n09162\n")
    assert read_study_area(str(tmp_path / "u.csv"), territory()).units == ("15002",)
    assert read_study_area(str(tmp_path / "u.txt"), territory()).units == ("09162", "14713")


def test_polygons_take_the_units_whose_seat_lies_inside(tmp_path: Path) -> None:
    """A box around Leipzig and Halle (WGS 84) leaves Munich out."""
    box = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
           "geometry": {"type": "Polygon", "coordinates": [[[11.5, 51.0], [13.0, 51.0],
                        [13.0, 52.0], [11.5, 52.0], [11.5, 51.0]]]}}]}  # fmt: skip
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(box))
    area = read_study_area(str(path), territory())
    assert (area.units, area.how) == (("14713", "15002"), "polygons")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("nowhere.csv", "neither state keys (e.g. 14,15,16) nor an existing file"),
        ("01", "no unit lies in the states 01"),
        ("list.csv", "99999"),
        ("shape.xyz", "unknown kind of file '.xyz'"),
        ("empty.geojson", "the file holds no polygons"),
    ],
)
def test_bad_specs_name_the_problem(tmp_path: Path, spec: str, expected: str) -> None:
    (tmp_path / "list.csv").write_text("unit\n99999\n")
    (tmp_path / "shape.xyz").write_text("x")
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    given = spec if spec in ("01",) else str(tmp_path / spec)
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        read_study_area(given, territory())
