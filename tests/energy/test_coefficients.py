"""The coefficient file: completeness, validation and user overrides."""

from __future__ import annotations

import re
import tomllib

import pytest

from cityregions._errors import InputError
from cityregions.energy.coefficients import DEFAULT_FILE, FEEDSTOCKS, load_coefficients


def test_shipped_file_is_complete_and_valid():
    coefficients = load_coefficients()
    table = coefficients.table()
    assert (table["low"] <= table["default"]).all()
    assert (table["default"] <= table["high"]).all()
    assert table["source"].str.len().gt(10).all()
    assert table["unit"].str.len().gt(0).all()
    assert set(FEEDSTOCKS) <= set(table["group"])
    # the note marks these as assumptions (bioenergy.md sections 2 and 8)
    for name in ("grass_yield", "forest_residue_yield", "biowaste_per_inh", "solid_boiler_eta"):
        assert coefficients.entries[name].assumption, name
    assert not coefficients.entries["silage_maize_yield"].assumption


def test_every_coefficient_is_used_by_the_code():
    """Drift test: nothing in the file is dead, nothing the code reads is missing."""
    import inspect

    import cityregions.energy.conversion as conversion
    import cityregions.energy.demand as demand
    import cityregions.energy.potential as potential

    code = "".join(inspect.getsource(m) for m in (potential, conversion, demand))
    names = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8")).keys() - {"meta"}
    unused = [n for n in names if f'"{n}"' not in code]
    assert unused == []


def test_scenario_values():
    coefficients = load_coefficients()
    assert coefficients.value("straw_availability", scenario="low") == 0.20
    assert coefficients.value("straw_availability", scenario="high") == 0.50
    # fixed coefficients do not move with the scenario
    assert coefficients.value("household_heat_per_inh", scenario="high") == 6599.0
    with pytest.raises(InputError, match="unknown scenario"):
        coefficients.value("straw_availability", scenario="extreme")


def test_override_changes_value_and_source(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = 45.0\n', encoding="utf-8")
    coefficients = load_coefficients(path)
    assert coefficients.value("silage_maize_yield") == 45.0
    assert "mine.toml" in coefficients.entries["silage_maize_yield"].source
    assert coefficients.digest() != load_coefficients().digest()


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("[silage_maize_yield]\ndefault = 45.0\n", "unit", "missing unit"),
        ('[silage_maize_yield]\nunit = "t DM/ha"\ndefault = 15.0\n', "unit", "differs"),
        ('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = 70.0\n', None, "outside its range"),
        ('[straw_availability]\nunit = "share"\ndefault = 0.3\nhigh = 1.5\n', None, r"\[0, 1\]"),
        (
            '[miscanthus_yield]\ngroup = "miscanthus"\nunit = "t/ha"\ndefault = 1.0\n',
            "group",
            "unknown feedstock",
        ),
        ('[maize_yeld]\nunit = "t FM/ha"\ndefault = 1.0\n', None, "unknown coefficient"),
        ('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = "forty"\n', "default", "valid number"),
        ("not toml = = 1\n", None, "not valid TOML"),
        (
            '[silage_maize_yield]\nunit = "t FM/ha"\ndefualt = 45.0\n',
            "defualt",
            "unknown field; expected one of group, description, unit, default, low, high",
        ),
    ],
)
def test_bad_override_names_file_entry_and_field(tmp_path, text, field, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_coefficients(path)
    assert info.value.source == str(path)
    if field is not None:
        assert info.value.field == field
    if "TOML" not in message:
        assert info.value.location is not None
        assert info.value.location.startswith("entry ")


def test_full_replacement_file_needs_units(tmp_path):
    text = re.sub(
        r'^unit = "t FM/ha"\n',
        "",
        DEFAULT_FILE.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    path = tmp_path / "full.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="missing unit") as info:
        load_coefficients(base=path)
    assert info.value.location == "entry 'silage_maize_yield'"
