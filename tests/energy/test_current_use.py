"""Current use: plants in operation take their fuel from the potential (hand-worked toys)."""

from __future__ import annotations

from importlib import import_module

import numpy as np
import pandas as pd
import pytest

from cityregions.energy import (
    biomass_potential,
    energy_demand,
    load_coefficients,
    new_supply,
    unit_balance,
)
from cityregions.energy.balance import current_supply
from cityregions.energy.inputs import validate_energy_inputs

use_module = import_module("cityregions.energy.current_use")
LHV = 9.97


def _maize_only(**extra: float) -> pd.DataFrame:
    """One unit whose only feedstock is silage maize: 100 ha x 40 t x 98.9 Nm3/t."""
    row = {
        "unit": "farm",
        "population": 0,
        "arable_ha": 1000,
        "grassland_ha": 0,
        "forest_ha": 0,
        "cereal_ha": 0,
        "cereal_yield_t_per_ha": 0,
        "energy_crop_share": 0.1,
        "sewage_digestion_share": 0.0,
    }
    row.update(extra)
    return validate_energy_inputs(pd.DataFrame([row]))


MAIZE_MWH = 100 * 40 * 98.9 * LHV / 1000  # 3 944.13 MWh of methane


def _kw_using(fuel_mwh: float) -> float:
    """Biogas CHP capacity (kW_el) whose fuel at 5 690 h and η_el 0.38 is ``fuel_mwh``."""
    return fuel_mwh * 0.38 * 1000 / 5690


def _sustainable(table: pd.DataFrame, feedstock: str, column: str) -> float:
    row = table.query("feedstock == @feedstock and potential_level == 'sustainable'")
    return float(row[column].iloc[0])


def test_a_unit_whose_current_use_equals_its_potential_has_no_surplus():
    """Done-when of issue 14: current use = potential -> zero supply and zero surplus,
    for every carrier; with half of it in use, half of the supply is left."""
    full = _maize_only(biogas_chp_kw_el=_kw_using(MAIZE_MWH))
    table = biomass_potential(full)
    assert _sustainable(table, "silage_maize", "used_fuel_mwh") == pytest.approx(MAIZE_MWH)
    assert _sustainable(table, "silage_maize", "unused_fuel_mwh") == pytest.approx(0, abs=1e-6)
    supply = new_supply(table)
    demand = energy_demand(full)
    for carrier in ("electricity", "heat", "biomethane"):
        assert supply.loc["farm", f"supply_{carrier}_mwh"] == pytest.approx(0, abs=1e-6)
        balance = unit_balance(supply, demand, carrier=carrier)
        assert balance.loc["farm", "surplus_mwh"] == pytest.approx(0, abs=1e-6)
    half = _maize_only(biogas_chp_kw_el=_kw_using(MAIZE_MWH / 2))
    supply = new_supply(biomass_potential(half))
    # net electricity of half the maize: 0.38 x (1 - 0.088); net heat (0.45 - 0.069)
    assert supply.loc["farm", "supply_electricity_mwh"] == pytest.approx(
        MAIZE_MWH / 2 * 0.38 * 0.912
    )
    assert supply.loc["farm", "supply_heat_mwh"] == pytest.approx(MAIZE_MWH / 2 * 0.381)


def test_use_is_attributed_in_proportion_to_the_potential():
    """Maize 3 944.13 and cattle slurry of 1 000 cows (0.9 x 289 Nm3 each) share the
    biogas plants' fuel in proportion to their potential; straw is not touched."""
    inputs = _maize_only(dairy_cows=1000, cereal_ha=100, cereal_yield_t_per_ha=7.0)
    slurry = 1000 * 17 * 17 * LHV / 1000 * 0.9
    used = 2000.0
    table = biomass_potential(inputs.assign(biogas_chp_kw_el=_kw_using(used)))
    share = used / (MAIZE_MWH + slurry)
    assert _sustainable(table, "silage_maize", "used_fuel_mwh") == pytest.approx(MAIZE_MWH * share)
    assert _sustainable(table, "cattle_slurry", "used_fuel_mwh") == pytest.approx(slurry * share)
    assert _sustainable(table, "cereal_straw", "used_fuel_mwh") == 0.0
    assert not table["overused"].any()
    total = table.query("feedstock == 'total' and potential_level == 'sustainable'")
    assert float(total["used_fuel_mwh"].iloc[0]) == pytest.approx(used)


def test_overuse_is_flagged_and_clipped():
    table = biomass_potential(_maize_only(biogas_chp_kw_el=_kw_using(3 * MAIZE_MWH)))
    assert _sustainable(table, "silage_maize", "unused_fuel_mwh") == 0.0
    rows = table.query("feedstock == 'silage_maize'")
    assert rows["overused"].all()
    assert bool(table.query("feedstock == 'total'")["overused"].all())


def test_unknown_current_use_leaves_the_supply_unknown():
    frame = pd.DataFrame(
        [
            {
                "unit": "farm",
                "population": 0,
                "arable_ha": 1000,
                "grassland_ha": 0,
                "forest_ha": 0,
                "cereal_ha": 0,
                "cereal_yield_t_per_ha": 0,
                "biogas_chp_kw_el": None,
            }
        ]
    )
    with pytest.warns(match="biogas_chp_kw_el"):
        inputs = validate_energy_inputs(frame)
    table = biomass_potential(inputs)
    assert np.isnan(_sustainable(table, "silage_maize", "unused_fuel_mwh"))
    assert np.isnan(new_supply(table).loc["farm", "supply_electricity_mwh"])


def test_each_technology_by_hand():
    values = load_coefficients().values()
    size = pd.Series({"a": 1000.0})
    biogas = use_module.biogas_chp_use(size, values).iloc[0]
    assert biogas["fuel_mwh"] == pytest.approx(1000 * 5690 / 1000 / 0.38)
    assert biogas["electricity_mwh"] == pytest.approx(5690 * 0.912)
    upgrading = use_module.upgrading_use(size, values).iloc[0]
    assert upgrading["biomethane_mwh"] == pytest.approx(6894.0)
    assert upgrading["fuel_mwh"] == pytest.approx(6894 / (0.88 - 0.069))
    # solid biomass: full-load hours NOT FOUND -> energy unknown, nothing drawn (share 0)
    solid = use_module.solid_use(size, values).iloc[0]
    assert np.isnan(solid["electricity_mwh"])
    assert solid["feedstock_fuel_mwh"] == 0.0
    assert "not found" in solid["status"]
    # sewage gas: from its electricity, else 88 % of the potential in use (Destatis)
    sewage = use_module.sewage_use(
        pd.Series({"a": 17_000.0, "b": np.nan}), pd.Series({"a": 0.0, "b": 100.0}), values
    )
    assert sewage["fuel_mwh"].tolist() == pytest.approx([17_000 / 0.38, 88.0])
    assert sewage["status"].tolist() == ["ok", "share_in_use"]


def test_solid_plants_draw_straw_and_wood_only_when_told(tmp_path):
    path = tmp_path / "plants.toml"
    path.write_text(
        '[solid_biomass_full_load_hours]\nunit = "h/a"\ndefault = 5000.0\n'
        '[solid_plant_feedstock_share]\nunit = "share"\ndefault = 1.0\n',
        encoding="utf-8",
    )
    inputs = _maize_only(forest_ha=1000, protected_forest_share=0.0, solid_biomass_kw_el=36.0)
    table = biomass_potential(inputs, load_coefficients(path))
    # 36 kW x 5 000 h / 0.18 = 1 000 MWh of wood = 1 000 ha x 1 Fm x 2 MWh/Fm / 2
    assert _sustainable(table, "forest_residues", "used_fuel_mwh") == pytest.approx(1000.0)
    assert _sustainable(table, "forest_residues", "unused_fuel_mwh") == pytest.approx(1000.0)
    assert _sustainable(table, "silage_maize", "used_fuel_mwh") == 0.0
    # with the shipped default share 0 the solid plants take nothing from the potential
    shipped = biomass_potential(inputs)
    assert _sustainable(shipped, "forest_residues", "used_fuel_mwh") == 0.0


def test_current_supply_credits_electricity_and_biomethane_not_heat():
    inputs = _maize_only(biogas_chp_kw_el=_kw_using(1000.0), population=1000)
    table = biomass_potential(inputs)
    from cityregions.energy.potential import potential_and_use

    _, use = potential_and_use(inputs)
    current = current_supply(use, inputs.index)
    assert current.loc["farm", "current_electricity_mwh"] == pytest.approx(1000 * 0.38 * 0.912)
    demand = energy_demand(inputs)
    supply = new_supply(table)
    electricity = unit_balance(supply, demand, carrier="electricity", current=current)
    assert electricity.loc["farm", "open_demand_mwh"] == pytest.approx(1664.0 - 1000 * 0.38 * 0.912)
    heat = unit_balance(supply, demand, carrier="heat", current=current)
    assert heat.loc["farm", "current_supply_mwh"] == pytest.approx(1000 * 0.381)
    assert heat.loc["farm", "open_demand_mwh"] == pytest.approx(6599.0)  # not credited
