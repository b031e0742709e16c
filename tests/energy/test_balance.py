"""The energy balance: labels, demand, one carrier at a time, core and ring (by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.energy import core_units, energy_demand, region_balance, unit_balance
from cityregions.energy.balance import complete_labels


def test_units_outside_every_region_form_their_own_region() -> None:
    labels = pd.Series({"a": "R1", "b": np.nan, "c": "R1", "x": "R9"})  # x: not an input
    regions = complete_labels(labels, pd.Index(["a", "b", "c", "d"]))
    # b (NaN: outside) and d (no label) are regions of their own, named by their ids;
    # they are not pooled into one region "nan"
    assert regions.to_dict() == {"a": "R1", "b": "b", "c": "R1", "d": "d"}


def test_own_region_of_an_outside_unit_does_not_take_a_region_id() -> None:
    labels = pd.Series({"1": "2", "2": np.nan, "3": "1"})  # unit 2 outside; region "2" exists
    regions = complete_labels(labels, pd.Index(["1", "2", "3"]))
    assert regions.to_dict() == {"1": "2", "2": "outside-2", "3": "1"}


def test_without_labels_every_unit_is_its_own_region() -> None:
    assert complete_labels(None, pd.Index(["a", "b"])).tolist() == ["a", "b"]


# ---------------------------------------------------------------- balance by hand


def _supply(heat: dict[str, float], electricity: float = 0.0) -> pd.DataFrame:
    units = list(heat)
    return pd.DataFrame(
        {
            "supply_electricity_mwh": [electricity] * len(units),
            "supply_heat_mwh": [heat[u] for u in units],
            "supply_biomethane_mwh": [0.0] * len(units),
        },
        index=pd.Index(units, name="unit"),
    )


def _demand(heat: list[float], units: list[str]) -> pd.DataFrame:
    zeros = [0.0] * len(units)
    return pd.DataFrame(
        {"demand_electricity_mwh": zeros, "demand_heat_mwh": heat, "demand_biomethane_mwh": zeros},
        index=units,
    )


def test_demand_per_capita():
    units = pd.DataFrame(
        {"population": [1000.0, 0.0], "employees": [np.nan, 100.0]}, index=["a", "b"]
    )
    demand = energy_demand(units)
    assert demand.loc["a", "demand_electricity_mwh"] == pytest.approx(1664.0)
    assert demand.loc["a", "demand_heat_mwh"] == pytest.approx(6599.0)
    # household natural gas 287 980 GWh / 83 237 124 inhabitants (AGEB 2021) = 3 460 kWh
    assert demand.loc["a", "demand_biomethane_mwh"] == pytest.approx(3460.0)
    assert demand.loc["b", "demand_electricity_mwh"] == pytest.approx(444.7)
    assert demand.loc["b", "demand_heat_mwh"] == pytest.approx(667.0)
    assert demand.loc["b", "demand_biomethane_mwh"] == 0.0


def test_unit_and_region_balance_by_hand():
    # core c: supply 10, demand 100; ring r1: 80 vs 20 (+60); ring r2: 5 vs 15 (-10)
    supply = _supply({"c": 10.0, "r1": 80.0, "r2": 5.0})
    demand = _demand([100.0, 20.0, 15.0], ["c", "r1", "r2"])
    population = pd.Series({"c": 1000.0, "r1": 10.0, "r2": 20.0})
    balance = unit_balance(supply, demand, population=population)
    assert balance["net_mwh"].tolist() == [-90.0, 60.0, -10.0]
    assert balance["deficit_mwh"].tolist() == [90.0, 0.0, 10.0]
    regions = region_balance(balance, pd.Series({"c": "R", "r1": "R", "r2": "R"}))
    row = regions.loc["R"]
    assert row["core"] == "c"
    assert row["core_deficit_mwh"] == 90.0
    assert row["ring_surplus_mwh"] == 50.0  # pooled: 60 - 10
    assert row["ring_cover_share"] == pytest.approx(0.5)
    assert row["ring_cover_share_of_deficit"] == pytest.approx(50 / 90)
    # half the demand to be covered by biomass
    half = unit_balance(supply, demand, cover_share=0.5, population=population)
    assert half["net_mwh"].tolist() == [-40.0, 70.0, -2.5]


def test_carriers_are_balanced_one_at_a_time():
    supply = _supply({"a": 30.0}, electricity=20.0)
    demand = pd.DataFrame(
        {
            "demand_electricity_mwh": [50.0],
            "demand_heat_mwh": [100.0],
            "demand_biomethane_mwh": [40.0],
        },
        index=["a"],
    )
    current = pd.DataFrame(
        {
            "current_electricity_mwh": [10.0],
            "current_heat_mwh": [12.0],
            "current_biomethane_mwh": [0.0],
        },
        index=["a"],
    )
    electricity = unit_balance(supply, demand, carrier="electricity", current=current)
    assert electricity.loc["a", "open_demand_mwh"] == 40.0  # 50 - 10 in operation
    assert electricity.loc["a", "net_mwh"] == -20.0
    heat = unit_balance(supply, demand, carrier="heat", current=current)
    assert heat.loc["a", "open_demand_mwh"] == 100.0  # heat in use is not known: no credit
    assert heat.loc["a", "net_mwh"] == -70.0
    gas = unit_balance(supply, demand, carrier="biomethane", current=current)
    assert gas.loc["a", "net_mwh"] == -40.0
    with pytest.raises(InputError, match="one at a time") as info:
        unit_balance(supply, demand, carrier="final")
    assert info.value.field == "carrier"
    with pytest.raises(InputError, match="unknown carrier"):
        unit_balance(supply, demand, carrier="steam")


def test_core_ties_and_given_cores():
    labels = pd.Series({"b": "R", "a": "R", "c": "S"})
    population = pd.Series({"a": 5.0, "b": 5.0, "c": 1.0})
    assert core_units(labels, population).to_dict() == {"b": False, "a": True, "c": True}
    assert core_units(labels, population, cores=["b"]).to_dict() == {
        "b": True,
        "a": False,
        "c": True,
    }
    with pytest.raises(InputError, match="core id"):
        core_units(labels, population, cores=["zz"])


def test_fair_share_cover_overall_and_regional():
    # supply / open demand: c 10/100, r1 80/20, r2 10/80 -> overall r = 100/200 = 0.5
    supply = _supply({"c": 10.0, "r1": 80.0, "r2": 10.0})
    demand = _demand([100.0, 20.0, 80.0], ["c", "r1", "r2"])
    overall = unit_balance(supply, demand, cover_share="overall")
    assert overall["cover_share"].tolist() == [0.5, 0.5, 0.5]
    assert overall["net_mwh"].tolist() == [-40.0, 70.0, -30.0]
    assert overall["net_mwh"].sum() == pytest.approx(0.0)
    # regions {c, r1} (90/120 = 0.75) and {r2} (10/80 = 0.125)
    labels = pd.Series({"c": "A", "r1": "A", "r2": "B"})
    regional = unit_balance(supply, demand, cover_share="regional", labels=labels)
    assert regional["cover_share"].tolist() == [0.75, 0.75, 0.125]
    assert regional["net_mwh"].tolist() == [-65.0, 65.0, 0.0]
    with pytest.raises(InputError, match="needs region labels"):
        unit_balance(supply, demand, cover_share="regional")
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        unit_balance(supply, demand, cover_share=1.5)
