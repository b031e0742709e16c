"""Reference checks 1-4 and 8 of bioenergy.md section 9 (hand-computed values)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy import biomass_potential, livestock_units, load_coefficients
from cityregions.energy.conversion import capacity_kw
from cityregions.energy.inputs import validate_energy_inputs

REL = 1e-6


def _inputs(**overrides: float) -> pd.DataFrame:
    """The toy municipality 'Musterdorf' of check 2."""
    row = {
        "unit": "musterdorf",
        "population": 5000,
        "arable_ha": 1000,
        "grassland_ha": 0,
        "forest_ha": 500,
        "cereal_ha": 500,
        "cereal_yield_t_per_ha": 7.0,
        "energy_crop_share": 0.10,
        "dairy_cows": 300,
        "fattening_pigs": 1000,
    }
    row.update(overrides)
    return validate_energy_inputs(pd.DataFrame([row]))


def _value(table: pd.DataFrame, feedstock: str, level: str, column: str = "fuel_mwh") -> float:
    rows = table[(table["feedstock"] == feedstock) & (table["potential_level"] == level)]
    assert len(rows) == 1
    return float(rows[column].iloc[0])


def _override(tmp_path, text: str):
    path = tmp_path / "override.toml"
    path.write_text(text, encoding="utf-8")
    return load_coefficients(path)


def test_check1_fnr_per_hectare_and_per_cow():
    one_ha = _inputs(
        arable_ha=1,
        energy_crop_share=1.0,
        cereal_ha=0,
        forest_ha=0,
        population=0,
        dairy_cows=0,
        fattening_pigs=0,
    )
    with pytest.warns(DataQualityWarning, match="clipped"):
        table = biomass_potential(one_ha)
    fuel = _value(table, "silage_maize", "theoretical")
    assert fuel == pytest.approx(40 * 98.9 * 9.97 / 1000, rel=REL)  # 3956 Nm3 CH4
    electricity = _value(table, "silage_maize", "theoretical", "electricity_mwh")
    assert electricity * 1000 == pytest.approx(14_987.7, abs=0.05)
    assert electricity * 1000 == pytest.approx(14_985, rel=1e-3)  # FNR, +-0.1 %
    cow = _inputs(
        arable_ha=0, cereal_ha=0, forest_ha=0, population=0, dairy_cows=1, fattening_pigs=0
    )
    table = biomass_potential(cow)
    assert _value(table, "cattle_slurry", "theoretical") * 1000 / 9.97 == pytest.approx(289.0)
    assert _value(table, "cattle_slurry", "theoretical", "electricity_mwh") * 1000 == (
        pytest.approx(1094.9, abs=0.05)
    )


def test_check2_musterdorf(tmp_path):
    table = biomass_potential(_inputs())
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(3944.1, abs=0.05)
    manure = _value(table, "cattle_slurry", "theoretical") + _value(
        table, "pig_slurry", "theoretical"
    )
    assert manure == pytest.approx(1053.8, abs=0.05)
    # the shipped default collects 90 % of slurry in stables (technical = sustainable)
    manure_sus = _value(table, "cattle_slurry", "sustainable") + _value(
        table, "pig_slurry", "sustainable"
    )
    assert manure_sus == pytest.approx(0.9 * 1053.83, abs=0.05)
    assert _value(table, "biowaste", "sustainable") == pytest.approx(149.6, abs=0.05)
    assert _value(table, "cereal_straw", "theoretical") == pytest.approx(11_200.0, rel=REL)
    assert _value(table, "cereal_straw", "sustainable") == pytest.approx(3_696.0, rel=REL)
    assert _value(table, "forest_residues", "sustainable") == pytest.approx(1_000.0, rel=REL)
    assert _value(table, "sewage_gas", "sustainable") == 0.0
    # the note's toy counts manure in full: stable share 1.0
    full = _override(
        tmp_path,
        '[cattle_slurry_stable_share]\nunit = "share"\ndefault = 1.0\n'
        '[pig_slurry_stable_share]\nunit = "share"\ndefault = 1.0\n',
    )
    table = biomass_potential(_inputs(), full)
    biogas = table[(table["potential_level"] == "sustainable") & (table["path"] == "biogas")]
    assert biogas["fuel_mwh"].sum() == pytest.approx(5_147.5, abs=0.05)
    assert biogas["electricity_mwh"].sum() == pytest.approx(1_956.1, abs=0.05)
    assert biogas["heat_mwh"].sum() == pytest.approx(2_316.4, abs=0.05)
    solid = table[(table["potential_level"] == "sustainable") & (table["path"] == "boiler")]
    assert solid["fuel_mwh"].sum() == pytest.approx(4_696.0, rel=REL)
    assert solid["heat_mwh"].sum() == pytest.approx(3_991.6, rel=REL)
    total = table[(table["feedstock"] == "total") & (table["potential_level"] == "sustainable")]
    assert float(total["electricity_mwh"].iloc[0]) == pytest.approx(1_956.1, abs=0.05)
    assert float(total["heat_mwh"].iloc[0]) == pytest.approx(2_316.4 + 3_991.6, abs=0.1)


def test_check3_capacity_from_full_load_hours():
    expected = {8000: 244.5, 3950: 495.2, 4000: 489.0, 2920: 669.9}
    for hours, kw in expected.items():
        assert float(capacity_kw(1956.1, hours)) == pytest.approx(kw, abs=0.05)
    table = biomass_potential(_inputs(), full_load_hours=[8000, 2920])
    theo = table[(table["feedstock"] == "total") & (table["potential_level"] == "theoretical")]
    assert float(theo["capacity_kw_el"].iloc[0]) == pytest.approx(244.5, abs=0.05)
    assert float(theo["capacity_kw_el_2920h"].iloc[0]) == pytest.approx(669.9, abs=0.05)
    # manure only: 600 LU -> 50.1 kW_el at 8000 h -> 12 LU per kW (rule of thumb 8-12)
    manure = table[
        table["feedstock"].isin(["cattle_slurry", "pig_slurry"])
        & (table["potential_level"] == "theoretical")
    ]
    kw = float(capacity_kw(manure["electricity_mwh"].sum(), 8000))
    assert kw == pytest.approx(50.1, abs=0.05)
    lu = float(livestock_units(_inputs()).iloc[0])
    assert lu == 600.0
    assert 8 <= lu / kw <= 12.01


def test_check4_invariants_and_energy_crop_cap(tmp_path):
    for scenario in ("low", "default", "high"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)  # the low cap clips
            table = biomass_potential(_inputs(), scenario=scenario)
        wide = table.pivot_table(
            index=["unit", "feedstock"], columns="potential_level", values="fuel_mwh"
        )
        assert (wide["theoretical"] >= wide["technical"] - 1e-9).all()
        assert (wide["technical"] >= wide["sustainable"] - 1e-9).all()
        assert (wide["sustainable"] >= 0).all()
    with pytest.warns(DataQualityWarning, match=r"150\.0 ha .* clipped .* 100\.0 ha"):
        table = biomass_potential(_inputs(energy_crop_share=0.15))
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(3944.1, abs=0.05)
    assert _value(table, "silage_maize", "theoretical") == pytest.approx(1.5 * 3944.13, abs=0.1)
    low_cap = _override(tmp_path, '[energy_crop_share_cap]\nunit = "share"\ndefault = 0.05\n')
    with pytest.warns(DataQualityWarning):
        table = biomass_potential(_inputs(), low_cap)
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(1972.1, abs=0.05)
    # the low scenario uses the low cap 0.05 as well
    with pytest.warns(DataQualityWarning):
        table = biomass_potential(_inputs(), scenario="low")
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(
        0.05 * 1000 * 35 * 92.0 * 9.97 / 1000, rel=REL
    )


def test_scenarios_are_ordered():
    totals = {}
    for scenario in ("low", "default", "high"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            table = biomass_potential(_inputs(energy_crop_share=0.3), scenario=scenario)
        totals[scenario] = _value(table, "total", "sustainable")
    assert totals["low"] < totals["default"] < totals["high"]


def test_check8_plausibility_against_dresden_plants():
    coefficients = load_coefficients()
    lhv = coefficients.value("ch4_lhv")
    # SachsenEnergie Klotzsche: 27 t/d silage at 106 Nm3/t + 14 t/d slurry at 17 Nm3/t
    ch4 = 27 * coefficients.entries["silage_maize_ch4"].high + 14 * coefficients.value(
        "cattle_slurry_ch4"
    )
    assert ch4 == pytest.approx(3_100, abs=1)
    mwh_per_day = ch4 * lhv / 1000
    assert mwh_per_day == pytest.approx(30.9, abs=0.05)
    assert abs(mwh_per_day - 32) / 32 <= 0.10
    # Dresden biowaste: 24 000 t/a; via the module: population giving 24 000 t at 60 kg
    inputs = _inputs(
        population=24_000 / 0.060,
        arable_ha=0,
        cereal_ha=0,
        forest_ha=0,
        dairy_cows=0,
        fattening_pigs=0,
    )
    table = biomass_potential(inputs)
    gwh_el = _value(table, "biowaste", "sustainable", "electricity_mwh") / 1000
    assert gwh_el == pytest.approx(4.55, abs=0.005)
    assert abs(gwh_el - 3.8) / 3.8 <= 0.25
    assert 24_000 * 42 * lhv * 0.38 / 1e6 == pytest.approx(3.82, abs=0.005)


def test_missing_input_stays_missing_not_zero():
    frame = pd.DataFrame(
        [
            {
                "unit": "a",
                "population": 10,
                "arable_ha": float("nan"),  # a '.' in the file, read by io.energy_inputs
                "arable_ha_status": "unknown_or_secret",
                "grassland_ha": 5,
                "forest_ha": 1,
                "cereal_ha": 1,
                "cereal_yield_t_per_ha": 7,
                "dairy_cows": 0.0,  # a '-' in the file
                "dairy_cows_status": "nothing",
            },
        ]
    )
    with pytest.warns(DataQualityWarning, match=r"row 2, field 'arable_ha'.*unknown_or_secret"):
        inputs = validate_energy_inputs(frame, source="u.csv")
    assert inputs.loc["a", "dairy_cows"] == 0.0
    assert inputs.loc["a", "dairy_cows_status"] == "nothing"
    table = biomass_potential(inputs)
    maize = table[(table["feedstock"] == "silage_maize")]
    assert maize["fuel_mwh"].isna().all()
    assert (maize["status"] == "arable_ha:unknown_or_secret").all()
    total = table[table["feedstock"] == "total"]
    assert total["fuel_mwh"].isna().all()
    assert (total["status"] == "incomplete:silage_maize").all()
    assert _value(table, "grass_silage", "theoretical") > 0


def test_unknown_feedstock_is_an_error():
    with pytest.raises(InputError, match="unknown feedstock"):
        biomass_potential(_inputs(), feedstocks=["miscanthus"])


def test_assumptions_are_marked_in_outputs():
    table = biomass_potential(_inputs())
    grass = table[table["feedstock"] == "grass_silage"]
    assert (grass["assumptions"].str.contains("grass_yield")).all()
    straw = table[table["feedstock"] == "cereal_straw"]
    assert (straw["assumptions"].str.contains("solid_boiler_eta")).all()
    maize = table[table["feedstock"] == "silage_maize"]
    assert (maize["assumptions"] == "").all()
    # a total rests on every assumption of its feedstocks
    total = table[table["feedstock"] == "total"]
    expected = "biowaste_per_inh;forest_residue_yield;grass_yield;solid_boiler_eta"
    assert (total["assumptions"] == expected).all()
    assert (
        biomass_potential(_inputs(), feedstocks=["silage_maize"])
        .query("feedstock == 'total'")["assumptions"]
        .eq("")
        .all()
    )


def test_check4_unused_is_sustainable_minus_used_clipped():
    inputs = pd.concat(
        [
            _inputs(),
            _inputs(installed_kw_el=500.0).rename(index={"musterdorf": "busy"}),
        ]
    )
    inputs.loc["musterdorf", "installed_kw_el"] = 100.0
    table = biomass_potential(inputs)
    total = table[(table["feedstock"] == "total") & (table["potential_level"] == "sustainable")]
    total = total.set_index("unit")
    used_small = 100.0 * 8000 / 1000 / 0.38  # kW x h / eta_el = fuel MWh
    assert total.loc["musterdorf", "used_fuel_mwh"] == pytest.approx(used_small)
    assert total.loc["musterdorf", "unused_fuel_mwh"] == pytest.approx(
        total.loc["musterdorf", "fuel_mwh"] - used_small
    )
    assert not total.loc["musterdorf", "overused"]
    used_big = 500.0 * 8000 / 1000 / 0.38
    assert used_big > total.loc["busy", "fuel_mwh"]
    assert total.loc["busy", "unused_fuel_mwh"] == 0.0
    assert total.loc["busy", "overused"]
    feedstock_rows = table[table["feedstock"] != "total"]
    assert feedstock_rows["used_fuel_mwh"].isna().all()
