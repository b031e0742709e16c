"""Demand, balance per unit and region, and the transport allocation (hand-checked toys)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.energy import (
    allocate_surplus,
    core_units,
    energy_demand,
    region_balance,
    unit_balance,
)

KM = pd.DataFrame(
    [[0.0, 10.0, 20.0], [10.0, 0.0, 15.0], [20.0, 15.0, 0.0]],
    index=["A", "B", "C"],
    columns=["A", "B", "C"],
)


def _balance(surplus, deficit, ids=("A", "B", "C")):
    return pd.DataFrame({"surplus_mwh": surplus, "deficit_mwh": deficit}, index=list(ids))


def test_three_unit_toy_transport():
    """Core A lacks 100; B (10 km) has 60, C (20 km) has 80.

    By hand: B sends all 60 (nearest), C the remaining 40; 60*10 + 40*20 = 1400 MWh km;
    the deficit is fully covered and C keeps 40.
    """
    result = allocate_surplus(_balance([0, 60, 80], [100, 0, 0]), KM, sinks="deficits")
    flows = result.flows.set_index("supplier")
    assert flows.loc["B", "mwh"] == pytest.approx(60.0)
    assert flows.loc["C", "mwh"] == pytest.approx(40.0)
    assert (flows["sink"] == "A").all()
    assert result.summary["mwh_km"] == pytest.approx(1400.0)
    assert result.summary["share_covered"] == pytest.approx(1.0)
    assert result.suppliers.loc["C", "left_mwh"] == pytest.approx(40.0)


def test_three_unit_toy_shortage_and_radius():
    # only 30 + 20 available for a deficit of 100: share covered 0.5
    result = allocate_surplus(_balance([0, 30, 20], [100, 0, 0]), KM, sinks="deficits")
    assert result.summary["share_covered"] == pytest.approx(0.5)
    assert result.summary["mwh_km"] == pytest.approx(30 * 10 + 20 * 20)
    # a 12 km radius leaves C out
    result = allocate_surplus(
        _balance([0, 30, 20], [100, 0, 0]), KM, sinks="deficits", max_distance_km=12
    )
    assert result.flows["supplier"].tolist() == ["B"]
    assert result.summary["share_covered"] == pytest.approx(0.3)


def test_scope_within_first_then_across():
    # regions: R1 = {A, B}, R2 = {C}; A lacks 100, B has 60, C has 80
    labels = pd.Series({"A": "R1", "B": "R1", "C": "R2"})
    within = allocate_surplus(
        _balance([0, 60, 80], [100, 0, 0]), KM, labels, scope="within", sinks="deficits"
    )
    assert within.summary["supplied_mwh"] == pytest.approx(60.0)
    both = allocate_surplus(_balance([0, 60, 80], [100, 0, 0]), KM, labels, sinks="deficits")
    assert both.summary["supplied_mwh"] == pytest.approx(100.0)
    assert both.summary["cross_region_mwh"] == pytest.approx(40.0)
    assert both.flows.set_index("supplier").loc["C", "cross_region"]


def test_nearest_supplier_wins_when_two_cores_compete():
    # A and C both lack 50; B (between) has 50 and is nearer to A (10) than to C (15);
    # a second supplier D next to C (2 km) has 50 -> B->A, D->C
    km = pd.DataFrame(
        [[0, 10, 20, 22], [10, 0, 15, 16], [20, 15, 0, 2], [22, 16, 2, 0]],
        index=list("ABCD"),
        columns=list("ABCD"),
        dtype=float,
    )
    balance = _balance([0, 50, 0, 50], [50, 0, 50, 0], ids="ABCD")
    result = allocate_surplus(balance, km, sinks="deficits")
    pairs = set(zip(result.flows["supplier"], result.flows["sink"], strict=True))
    assert pairs == {("B", "A"), ("D", "C")}
    assert result.summary["mwh_km"] == pytest.approx(50 * 10 + 50 * 2)


def test_bad_scope_is_an_error():
    with pytest.raises(InputError, match="unknown scope"):
        allocate_surplus(_balance([0, 1, 1], [1, 0, 0]), KM, scope="everywhere")


def test_demand_per_capita():
    units = pd.DataFrame(
        {"population": [1000.0, 0.0], "employees": [np.nan, 100.0]}, index=["a", "b"]
    )
    demand = energy_demand(units)
    assert demand.loc["a", "demand_electricity_mwh"] == pytest.approx(1664.0)
    assert demand.loc["a", "demand_heat_mwh"] == pytest.approx(6599.0)
    assert demand.loc["b", "demand_electricity_mwh"] == pytest.approx(444.7)
    assert demand.loc["b", "demand_heat_mwh"] == pytest.approx(667.0)


def _potential(supply_heat: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit": u,
                "feedstock": "total",
                "potential_level": "sustainable",
                "fuel_mwh": h,
                "electricity_mwh": 0.0,
                "heat_mwh": h,
            }
            for u, h in supply_heat.items()
        ]
    )


def test_unit_and_region_balance_by_hand():
    # core c: supply 10, demand 100; ring r1: 80 vs 20 (+60); ring r2: 5 vs 15 (-10)
    potential = _potential({"c": 10.0, "r1": 80.0, "r2": 5.0})
    demand = pd.DataFrame(
        {"demand_electricity_mwh": [0.0, 0.0, 0.0], "demand_heat_mwh": [100.0, 20.0, 15.0]},
        index=["c", "r1", "r2"],
    )
    population = pd.Series({"c": 1000.0, "r1": 10.0, "r2": 20.0})
    balance = unit_balance(potential, demand, population=population)
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
    half = unit_balance(potential, demand, cover_share=0.5, population=population)
    assert half["net_mwh"].tolist() == [-40.0, 70.0, -2.5]


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
    # supply / demand: c 10/100, r1 80/20, r2 10/80 -> overall r = 100/200 = 0.5
    potential = _potential({"c": 10.0, "r1": 80.0, "r2": 10.0})
    demand = pd.DataFrame(
        {"demand_electricity_mwh": [0.0, 0.0, 0.0], "demand_heat_mwh": [100.0, 20.0, 80.0]},
        index=["c", "r1", "r2"],
    )
    overall = unit_balance(potential, demand, cover_share="overall")
    assert overall["cover_share"].tolist() == [0.5, 0.5, 0.5]
    assert overall["net_mwh"].tolist() == [-40.0, 70.0, -30.0]
    assert overall["net_mwh"].sum() == pytest.approx(0.0)
    # regions {c, r1} (90/120 = 0.75) and {r2} (10/80 = 0.125)
    labels = pd.Series({"c": "A", "r1": "A", "r2": "B"})
    regional = unit_balance(potential, demand, cover_share="regional", labels=labels)
    assert regional["cover_share"].tolist() == [0.75, 0.75, 0.125]
    assert regional["net_mwh"].tolist() == [-65.0, 65.0, 0.0]
    with pytest.raises(InputError, match="needs region labels"):
        unit_balance(potential, demand, cover_share="regional")
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        unit_balance(potential, demand, cover_share=1.5)
