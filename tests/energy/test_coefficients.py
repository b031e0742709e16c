"""The coefficient file: completeness, validation, NOT FOUND parameters, user overrides."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest

from cityregions._errors import InputError
from cityregions.energy.coefficients import DEFAULT_FILE, FEEDSTOCKS, load_coefficients


def test_shipped_file_is_complete_and_valid():
    coefficients = load_coefficients()
    table = coefficients.table()
    given = table[~table["not_found"]]
    assert (given["low"] <= given["default"]).all()
    assert (given["default"] <= given["high"]).all()
    assert np.isfinite(given[["low", "default", "high"]].to_numpy()).all()
    assert table["source"].str.len().gt(10).all()
    assert table["unit"].str.len().gt(0).all()
    assert set(FEEDSTOCKS) <= set(table["group"])
    # the notes mark these as assumptions (bioenergy.md sections 2 and 8)
    for name in (
        "grass_yield",
        "forest_residue_yield",
        "biowaste_per_inh",
        "solid_boiler_eta",
        "horse_manure_availability",
        "discount_rate",
    ):
        assert coefficients.entries[name].assumption, name
    assert not coefficients.entries["silage_maize_yield"].assumption
    # NOT FOUND in the notes: documented parameters without a value, never invented
    missing = table[table["not_found"]]
    assert missing[["low", "default", "high"]].isna().all().all()
    assert missing["source"].str.contains("NOT FOUND").all()
    assert {
        "boiler_full_load_hours",
        "solid_biomass_full_load_hours",
        "ghg_pathway_solid",
        "grass_silage_price",
    } <= set(missing.index)
    # prices carry their currency year
    assert table.loc["straw_price", "currency_year"] == 2021


class _Recorder(Mapping[str, Any]):
    def __init__(self, values: Mapping[str, float]) -> None:
        self._values = values
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return self._values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def test_every_coefficient_is_read_by_the_code():
    """Drift test: run every part of the chain with a recording mapping; every entry of
    the file must be read somewhere, and nothing read may be missing from the file."""
    import inspect
    from importlib import import_module

    import pandas as pd

    from cityregions.energy import analysis, demand, potential
    from cityregions.energy.allocation import feedstock_cost, max_haul_km, transport_cost
    from cityregions.energy.conversion import PATHS, convert
    from cityregions.energy.costs import plant_cost
    from cityregions.energy.ghg import site_ghg

    use = import_module("cityregions.energy.current_use")

    values = _Recorder(load_coefficients().values())
    columns = {c: np.ones(1) for needs in potential.NEEDS.values() for c in needs}
    for calculator in potential.CALCULATORS.values():
        calculator(columns, values)
    for density in potential.DENSITY.values():
        density(values)
    row = {
        "fuel_mwh": 10.0,
        "electricity_gross_mwh": 4.0,
        "electricity_mwh": 3.0,
        "heat_mwh": 4.0,
        "biomethane_mwh": 8.0,
    }
    for path in PATHS:
        convert(1.0, path, values)
        plant_cost(row, path, values)
    for feedstock in potential.DENSITY:  # the feedstocks that are hauled
        max_haul_km(feedstock, values)
        transport_cost(feedstock, 1.0, values)
        feedstock_cost(feedstock, 1.0, 1.0, values)
    size = pd.Series([1.0], index=["a"])
    use.biogas_chp_use(size, values)
    use.upgrading_use(size, values)
    use.solid_use(size, values)
    use.sewage_use(size * np.nan, size, values)
    sites = pd.DataFrame(
        {
            "path": ["biogas_chp", "boiler"],
            "fuel_mwh": [1.0, 1.0],
            "electricity_mwh": [0.3, 0.0],
            "heat_used_mwh": [0.3, 0.8],
            "biomethane_mwh": [0.0, 0.0],
        }
    )
    site_ghg(sites, values)
    # the analysis hauls over road distances (cityregions.energy.analysis._allocation)
    assert 'values["road_distance_factor"]' in inspect.getsource(analysis)
    values.read.add("road_distance_factor")
    units = pd.DataFrame(
        {"population": [1.0], "employees": [1.0], "dairy_cows": [1.0], "fattening_pigs": [1.0]},
        index=["a"],
    )
    recorded = type("Recorded", (), {"values": lambda self: values})()
    demand.energy_demand(units, recorded)
    potential.livestock_units(units, recorded)
    shipped = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8")).keys() - {"meta"}
    assert sorted(shipped - values.read) == []
    assert sorted(values.read - shipped) == []


def test_values_bounds_and_not_found():
    coefficients = load_coefficients()
    assert coefficients.bounds("straw_availability") == (0.20, 0.33, 0.50)
    assert coefficients.value("household_heat_per_inh") == 6599.0
    assert math.isnan(coefficients.value("solid_biomass_full_load_hours"))
    assert "boiler_full_load_hours" in coefficients.not_found()
    assert "straw_availability" in coefficients.varying(("cereal_straw",))
    assert "straw_harvest_ratio" not in coefficients.varying()  # low == high


def test_override_changes_value_and_source(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = 45.0\n', encoding="utf-8")
    coefficients = load_coefficients(path)
    assert coefficients.value("silage_maize_yield") == 45.0
    assert "mine.toml" in coefficients.entries["silage_maize_yield"].source
    assert coefficients.digest() != load_coefficients().digest()


def test_a_not_found_parameter_is_set_by_an_override(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(
        '[boiler_full_load_hours]\nunit = "h/a"\ndefault = 3000.0\nsource = "our plan"\n'
        '[solid_biomass_full_load_hours]\nunit = "h/a"\ndefault = 6000.0\nlow = 5000.0\n'
        "high = 7000.0\n",
        encoding="utf-8",
    )
    coefficients = load_coefficients(path)
    assert coefficients.bounds("boiler_full_load_hours") == (3000.0, 3000.0, 3000.0)
    assert coefficients.entries["boiler_full_load_hours"].source == "our plan"
    assert coefficients.bounds("solid_biomass_full_load_hours") == (5000.0, 6000.0, 7000.0)
    assert "boiler_full_load_hours" not in coefficients.not_found()


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("[silage_maize_yield]\ndefault = 45.0\n", "unit", "missing unit"),
        ('[silage_maize_yield]\nunit = "t DM/ha"\ndefault = 15.0\n', "unit", "differs"),
        ('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = 70.0\n', None, "outside its range"),
        ('[straw_availability]\nunit = "share"\ndefault = 0.3\nhigh = 1.5\n', None, r"\[0, 1\]"),
        ('[silage_maize_yield]\nunit = "t FM/ha"\nhigh = inf\n', "high", "not a finite number"),
        ('[silage_maize_yield]\nunit = "t FM/ha"\ndefault = nan\n', "default", "not a finite"),
        (
            '[biowaste_gate_fee]\nunit = "EUR/t FM"\ndefault = -34.0\nlow = -34.0\n',
            "default",
            "must not be negative",
        ),
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
        ('[scenario_thing]\nunit = "share"\nscenario = false\n', None, "unknown coefficient"),
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


def test_docs_set_every_coefficient_beside_its_source():
    """docs/energy.md lists each coefficient with its value and source (drift test)."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "energy.md"
    text = docs.read_text(encoding="utf-8").split("## Coefficients", 1)[1]
    coefficients = load_coefficients()
    for name, entry in coefficients.entries.items():
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{name}` |")), None)
        assert line is not None, name
        assert entry.source.replace("|", "/")[:40] in line, name
        if entry.not_found:
            assert "NOT FOUND" in line, name
