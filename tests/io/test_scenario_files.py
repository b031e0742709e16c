"""Scenario files: populations from one unit table (``population_from`` + member ``units``),
with one message naming file, member and field for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityregions._errors import InputError
from cityregions.io.scenario_files import member_population, read_scenario

TABLE = """unit,name,population
14713000,Leipzig,600
14729010,Borna,20
14729020,Geithain,10
15002000,Halle,240
"""
PROVENANCE = """field,source,year,licence
population,"Statistics office, 31.12.2019",2019,CC-BY
"""


def _scenario(folder: Path, members: str, *, population_from: str = "units.csv") -> Path:
    (folder / "units.csv").write_text(TABLE, encoding="utf-8")
    (folder / "units-provenance.csv").write_text(PROVENANCE, encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(
        f"name: s\npopulation_from: {population_from}\nmembers:\n{members}", encoding="utf-8"
    )
    return path


def test_members_take_their_population_from_the_unit_table(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        "  - {id: leipzig, units: ['14713000'], bloc: a}\n"
        "  - {id: lk, units: ['14729'], bloc: a}\n"
        "  - {id: both, units: ['14713000', '15002000'], bloc: b}\n",
    )
    members = {m.id: m for m in read_scenario(path).members}
    assert members["leipzig"].population == 600
    assert members["lk"].population == 30  # a district key sums its municipalities
    assert members["both"].population == 840
    assert members["leipzig"].source == "units.csv: Statistics office, 31.12.2019"
    assert members["lk"].source == "units.csv: Statistics office, 31.12.2019 (sum of 2 units)"


def test_a_variant_adds_members_from_its_base_table(tmp_path: Path) -> None:
    _scenario(tmp_path, "  - {id: leipzig, units: ['14713000'], bloc: a}\n")
    variant = tmp_path / "v.yaml"
    variant.write_text(
        "name: v\nbase: s.yaml\nchanges:\n  add_members:\n"
        "    - {id: halle, units: ['15002000'], bloc: b}\n",
        encoding="utf-8",
    )
    members = {m.id: m.population for m in read_scenario(variant).members}
    assert members == {"leipzig": 600, "halle": 240}


@pytest.mark.parametrize(
    ("members", "population_from", "field", "expected"),
    [
        (
            "  - {id: x, units: ['99999'], bloc: a}\n",
            "units.csv",
            "units",
            "member 'x': units 99999 are not (all) in units.csv",
        ),
        (
            "  - {id: x, units: ['14713000'], population: 5, bloc: a}\n",
            "units.csv",
            "population",
            "member 'x' gives both units and population",
        ),
        (
            "  - {id: x, units: ['14713000'], bloc: a}\n",
            "nowhere.csv",
            "population_from",
            "'nowhere.csv' does not exist",
        ),
        (
            "  - {id: x, population: .inf, bloc: a}\n",
            "units.csv",
            "members.0.population",
            "finite",
        ),
    ],
)
def test_population_mistakes_name_file_member_and_field(
    tmp_path: Path, members: str, population_from: str, field: str, expected: str
) -> None:
    path = _scenario(tmp_path, members, population_from=population_from)
    with pytest.raises(InputError) as error:
        read_scenario(path)
    assert error.value.field == field
    assert expected in str(error.value)
    assert "s.yaml" in str(error.value)


def test_units_without_a_population_table_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nmembers:\n  - {id: x, units: ['1'], bloc: a}\n", encoding="utf-8")
    with pytest.raises(InputError, match="names units but the scenario has no population_from"):
        read_scenario(path)


def test_member_population_by_hand() -> None:
    import pandas as pd

    table = pd.Series({"14729010": 20.0, "14729020": 10.0, "14713000": 600.0})
    assert member_population(table, ["14729"]) == (30.0, 2)
    assert member_population(table, ["14713000", "14729020"]) == (610.0, 2)
    assert member_population(table, ["15"]) is None
