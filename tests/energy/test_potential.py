"""Reference checks 1-4 and 8 of bioenergy.md section 9, and the feedstocks added since.

Every check states the assumptions under which the note's numbers hold; the shipped
coefficients are never overridden to make a check pass.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy import biomass_potential, livestock_units, load_coefficients
from cityregions.energy.conversion import capacity_kw
from cityregions.energy.inputs import validate_energy_inputs

REL = 1e-6
LHV = 9.97  # kWh per Nm3 of methane (FNR)


def _inputs(**overrides: float) -> pd.DataFrame:
    """The toy municipality 'Musterdorf' of check 2.

    The note's toy has no protected forest and no digesting sewage plant: both are stated
    as inputs (``protected_forest_share = 0``, ``sewage_digestion_share = 0``).
    """
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
        "protected_forest_share": 0.0,
        "sewage_digestion_share": 0.0,
    }
    row.update(overrides)
    return validate_energy_inputs(pd.DataFrame([row]))


def _value(table: pd.DataFrame, feedstock: str, level: str, column: str = "fuel_mwh") -> float:
    rows = table[(table["feedstock"] == feedstock) & (table["potential_level"] == level)]
    assert len(rows) == 1
    return float(rows[column].iloc[0])


def test_check1_fnr_per_hectare_and_per_cow():
    """Check 1 is about gross CHP electricity (η_el 0.38, before the plant's own use)."""
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
    assert fuel == pytest.approx(40 * 98.9 * LHV / 1000, rel=REL)  # 3956 Nm3 CH4
    gross = _value(table, "silage_maize", "theoretical", "electricity_gross_mwh")
    assert gross * 1000 == pytest.approx(14_987.7, abs=0.05)
    assert gross * 1000 == pytest.approx(14_985, rel=1e-3)  # FNR, +-0.1 %
    # net of the own electricity use of 8.8 % (FNR Messprogramm III)
    net = _value(table, "silage_maize", "theoretical", "electricity_mwh")
    assert net == pytest.approx(gross * (1 - 0.088), rel=REL)
    cow = _inputs(
        arable_ha=0, cereal_ha=0, forest_ha=0, population=0, dairy_cows=1, fattening_pigs=0
    )
    table = biomass_potential(cow)
    assert _value(table, "cattle_slurry", "theoretical") * 1000 / LHV == pytest.approx(289.0)
    assert _value(table, "cattle_slurry", "theoretical", "electricity_gross_mwh") * 1000 == (
        pytest.approx(1094.9, abs=0.05)
    )


def test_check2_musterdorf():
    """Check 2 with the shipped coefficients; its assumptions made explicit:

    * manure: the note counts the slurry of all animals, i.e. the *theoretical* level;
      the shipped stable share 0.9 applies at the technical level (0.9 x 1 053.8);
    * forest: no protected forest in the toy (input ``protected_forest_share = 0``);
    * CHP output: gross electricity and heat (η 0.38 / 0.45), before own use and the
      digester's process heat, which the module subtracts in the net columns.
    """
    table = biomass_potential(_inputs())
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(3944.1, abs=0.05)
    manure = _value(table, "cattle_slurry", "theoretical") + _value(
        table, "pig_slurry", "theoretical"
    )
    assert manure == pytest.approx(1053.8, abs=0.05)
    manure_technical = _value(table, "cattle_slurry", "technical") + _value(
        table, "pig_slurry", "technical"
    )
    assert manure_technical == pytest.approx(0.9 * 1053.83, abs=0.05)
    assert _value(table, "biowaste", "sustainable") == pytest.approx(149.6, abs=0.05)
    assert _value(table, "cereal_straw", "theoretical") == pytest.approx(11_200.0, rel=REL)
    assert _value(table, "cereal_straw", "sustainable") == pytest.approx(3_696.0, rel=REL)
    assert _value(table, "forest_residues", "sustainable") == pytest.approx(1_000.0, rel=REL)
    assert _value(table, "sewage_gas", "sustainable") == 0.0
    biogas_fuel = (
        _value(table, "silage_maize", "theoretical")
        + manure
        + _value(table, "biowaste", "theoretical")
    )
    assert biogas_fuel == pytest.approx(5_147.5, abs=0.05)
    theoretical = table[
        (table["potential_level"] == "theoretical") & (table["path"] == "biogas_chp")
    ]
    assert theoretical["electricity_gross_mwh"].sum() == pytest.approx(1_956.1, abs=0.05)
    assert theoretical["heat_gross_mwh"].sum() == pytest.approx(2_316.4, abs=0.05)
    # net: own use 8.8 % of the electricity, process heat 6.9 % of the gas
    assert theoretical["electricity_mwh"].sum() == pytest.approx(1_956.1 * 0.912, abs=0.05)
    assert theoretical["heat_mwh"].sum() == pytest.approx(5_147.5 * (0.45 - 0.069), abs=0.05)
    solid = table[(table["potential_level"] == "sustainable") & (table["path"] == "boiler")]
    assert solid["fuel_mwh"].sum() == pytest.approx(4_696.0, rel=REL)
    assert solid["heat_mwh"].sum() == pytest.approx(3_991.6, rel=REL)


def test_check3_capacity_from_full_load_hours():
    """Capacity from gross electricity (check 3 uses the note's 1 956.1 MWh_el)."""
    expected = {8000: 244.5, 3950: 495.2, 4000: 489.0, 2920: 669.9}
    for hours, kw in expected.items():
        assert float(capacity_kw(1956.1, hours)) == pytest.approx(kw, abs=0.05)
    table = biomass_potential(_inputs(), full_load_hours=[8000, 2920])
    biogas = table[(table["potential_level"] == "theoretical") & (table["path"] == "biogas_chp")]
    assert biogas["capacity_kw_el"].sum() == pytest.approx(244.5, abs=0.05)
    assert biogas["capacity_kw_el_2920h"].sum() == pytest.approx(669.9, abs=0.05)
    # manure only: 600 LU -> 50.1 kW_el at 8000 h -> 12 LU per kW (rule of thumb 8-12)
    manure = table[
        table["feedstock"].isin(["cattle_slurry", "pig_slurry"])
        & (table["potential_level"] == "theoretical")
    ]
    kw = float(capacity_kw(manure["electricity_gross_mwh"].sum(), 8000))
    assert kw == pytest.approx(50.1, abs=0.05)
    lu = float(livestock_units(_inputs()).iloc[0])
    assert lu == 600.0
    assert 8 <= lu / kw <= 12.01


def test_check4_invariants_and_energy_crop_cap(tmp_path):
    table = biomass_potential(_inputs(other_cattle=50, poultry=2000, horses=10))
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
    path = tmp_path / "cap.toml"
    path.write_text('[energy_crop_share_cap]\nunit = "share"\ndefault = 0.05\n', "utf-8")
    with pytest.warns(DataQualityWarning):
        table = biomass_potential(_inputs(), load_coefficients(path))
    assert _value(table, "silage_maize", "sustainable") == pytest.approx(1972.1, abs=0.05)


def test_manure_of_other_cattle_poultry_and_horses_by_hand():
    """Bioenergy.md section 8: bull place 2.8 t x 66 Nm3; 100 hens 2 t litter -> 164 Nm3;
    horse place 11.1 t -> 388 Nm3, half available (an assumption of the note)."""
    only = _inputs(
        arable_ha=0,
        cereal_ha=0,
        forest_ha=0,
        population=0,
        dairy_cows=0,
        fattening_pigs=0,
        other_cattle=1,
        poultry=100,
        horses=1,
    )
    table = biomass_potential(only)
    cattle = _value(table, "solid_cattle_manure", "theoretical") * 1000 / LHV
    assert cattle == pytest.approx(2.8 * 66, rel=REL)  # 184.8 Nm3 (FNR: 185)
    assert _value(table, "solid_cattle_manure", "technical") == pytest.approx(
        0.9 * 2.8 * 66 * LHV / 1000, rel=REL
    )
    assert _value(table, "poultry_manure", "theoretical") * 1000 / LHV == pytest.approx(164.0)
    assert _value(table, "poultry_manure", "theoretical", "mass_t") == pytest.approx(2.0)
    horse = _value(table, "horse_manure", "theoretical") * 1000 / LHV
    assert horse == pytest.approx(388.0, rel=1e-4)  # 11.1 t x 34.95 Nm3/t
    assert _value(table, "horse_manure", "sustainable") == pytest.approx(
        0.5 * 388.0 * LHV / 1000, rel=1e-4
    )


def test_masses_are_fuel_over_energy_density():
    table = biomass_potential(_inputs())
    # 100 ha x 40 t/ha of maize; 300 cows x 17 m3 = 5 100 t of slurry (1 t/m3, assumed)
    assert _value(table, "silage_maize", "sustainable", "mass_t") == pytest.approx(4000.0)
    assert _value(table, "cattle_slurry", "theoretical", "mass_t") == pytest.approx(5100.0)
    # straw: 500 ha x 7 t x 0.8 x 0.33 available; wood chips at 3.44 MWh/t
    assert _value(table, "cereal_straw", "sustainable", "mass_t") == pytest.approx(924.0)
    assert _value(table, "forest_residues", "sustainable", "mass_t") == pytest.approx(1000 / 3.44)


def test_forest_after_the_protected_share():
    """Input per unit wins; an empty cell takes the sourced default (Saxony: 4.4 %)."""
    table = biomass_potential(_inputs(protected_forest_share=0.25))
    assert _value(table, "forest_residues", "sustainable") == pytest.approx(750.0)
    assert _value(table, "forest_residues", "technical") == pytest.approx(1000.0)
    table = biomass_potential(_inputs(protected_forest_share=float("nan")))
    row = table.query("feedstock == 'forest_residues' and potential_level == 'sustainable'")
    assert float(row["fuel_mwh"].iloc[0]) == pytest.approx(1000 * (1 - 0.044))
    assert row["flags"].iloc[0] == "protected_forest_share:default"
    assert row["status"].iloc[0] == "ok"


def test_sewage_gas_connected_share_or_population_based_with_a_flag():
    table = biomass_potential(_inputs(sewage_digestion_share=0.5))
    assert _value(table, "sewage_gas", "sustainable") == pytest.approx(5000 * 0.5 * 70 / 1000)
    table = biomass_potential(_inputs(sewage_digestion_share=float("nan")))
    row = table.query("feedstock == 'sewage_gas' and potential_level == 'sustainable'")
    assert float(row["fuel_mwh"].iloc[0]) == pytest.approx(5000 * 74 / 1000)
    assert row["flags"].iloc[0] == "sewage_digestion_share:population_based"


def test_check8_plausibility_against_dresden_plants():
    coefficients = load_coefficients()
    # SachsenEnergie Klotzsche: 27 t/d silage at 106 Nm3/t + 14 t/d slurry at 17 Nm3/t
    ch4 = 27 * coefficients.bounds("silage_maize_ch4")[2] + 14 * coefficients.value(
        "cattle_slurry_ch4"
    )
    assert ch4 == pytest.approx(3_100, abs=1)
    mwh_per_day = ch4 * LHV / 1000
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
    gwh_el = _value(table, "biowaste", "sustainable", "electricity_gross_mwh") / 1000
    assert gwh_el == pytest.approx(4.55, abs=0.005)
    assert abs(gwh_el - 3.8) / 3.8 <= 0.25
    at_42 = 24_000 * 42 * LHV * 0.38 / 1e6  # 42 Nm3/t reproduces the plant's 3.8 GWh_el
    assert at_42 == pytest.approx(3.82, abs=0.005)


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


def test_unknown_feedstock_or_path_is_an_error():
    with pytest.raises(InputError, match="unknown feedstock"):
        biomass_potential(_inputs(), feedstocks=["miscanthus"])
    with pytest.raises(InputError, match="unknown solid path 'chp'") as info:
        biomass_potential(_inputs(), solid_path="chp")
    assert info.value.field == "solid_path"


def test_assumptions_are_marked_in_outputs():
    table = biomass_potential(_inputs())
    grass = table[table["feedstock"] == "grass_silage"]
    assert (grass["assumptions"].str.contains("grass_yield")).all()
    straw = table[table["feedstock"] == "cereal_straw"]
    assert (straw["assumptions"].str.contains("solid_boiler_eta")).all()
    maize = table[table["feedstock"] == "silage_maize"]
    assert (maize["assumptions"] == "").all()
    horses = table[table["feedstock"] == "horse_manure"]
    assert (horses["assumptions"] == "horse_manure_availability").all()
    total = table[table["feedstock"] == "total"]
    expected = {
        "biowaste_per_inh",
        "forest_residue_yield",
        "grass_yield",
        "horse_manure_availability",
        "solid_boiler_eta",
    }
    assert all(set(t.split(";")) == expected for t in total["assumptions"])


def test_biomethane_path_turns_biogas_into_grid_gas():
    """Upgrading: 0.88 of the gas (Fraunhofer ISE) less the digester's 6.9 % heat."""
    table = biomass_potential(_inputs(), biogas_path="biomethane")
    maize = table.query("feedstock == 'silage_maize' and potential_level == 'sustainable'")
    fuel = float(maize["fuel_mwh"].iloc[0])
    assert float(maize["biomethane_mwh"].iloc[0]) == pytest.approx(fuel * (0.88 - 0.069))
    assert float(maize["electricity_mwh"].iloc[0]) == 0.0
    assert float(maize["heat_mwh"].iloc[0]) == 0.0
    sewage = table.query("feedstock == 'sewage_gas'")
    assert (sewage["path"] == "biogas_chp").all()  # burnt at the treatment plant


def test_no_scenarios_any_more():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError):
            biomass_potential(_inputs(), scenario="low")  # type: ignore[call-arg]


def test_an_input_column_the_inputs_lack_is_flagged_as_absent_not_a_finding():
    """No horses column: horse manure is zero (the documented rule) and says why."""
    table = biomass_potential(_inputs())
    horse = table[table["feedstock"] == "horse_manure"]
    assert (horse["fuel_mwh"] == 0).all()
    assert (horse["status"] == "ok").all()
    assert horse["flags"].str.contains("horses:absent").all()
    # a given zero is a finding: no flag
    given = biomass_potential(_inputs(horses=0))
    assert not given[given["feedstock"] == "horse_manure"]["flags"].str.contains("absent").any()
    # the cattle columns are given: their feedstocks carry no such flag
    cattle = table[table["feedstock"] == "cattle_slurry"]
    assert not cattle["flags"].fillna("").str.contains("absent").any()
