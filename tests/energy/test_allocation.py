"""Feedstock logistics: tonnes to conversion sites, heat within the site's unit, costs, CO₂.

Every toy is worked out by hand from the shipped coefficients (read here by name, so a
changed default changes the expectation, not the arithmetic).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cityregions.energy import allocate_feedstock, haul_km, load_coefficients, seat_sites
from cityregions.energy.costs import annuity_factor
from cityregions.energy.ghg import chp_allocation

V = load_coefficients().values()


def _sites(units: list[str], capacity: dict[str, float] | None = None) -> pd.DataFrame:
    capacity = capacity or {}
    return pd.DataFrame(
        {
            "unit": units,
            "lon": 13.0,
            "lat": 51.0,
            "capacity_mwh": [capacity.get(u, np.nan) for u in units],
        },
        index=pd.Index(units, name="site"),
    )


def _km(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows).T


def test_straw_goes_where_its_heat_is_used_and_heat_stays_there():
    """A has 1 000 MWh of straw (250 t at 4.0 MWh/t) and uses no heat; B (10 km) can use
    425 MWh of heat, C (20 km) 1 000 MWh. At η 0.85 B takes 500 MWh of fuel (125 t) and C
    the other 125 t: transport 125 x 0.64 x 10 + 125 x 0.64 x 20 = 2 400 EUR."""
    supply = pd.DataFrame({"unit": ["A"], "feedstock": ["cereal_straw"], "fuel_mwh": [1000.0]})
    km = _km(
        {
            "A": {"A": 5.0, "B": 10.0, "C": 20.0},
            "B": {"A": 10.0, "B": 3.0, "C": 10.0},
            "C": {"A": 20.0, "B": 10.0, "C": 4.0},
        }
    )
    room = pd.Series({"A": 0.0, "B": 425.0, "C": 1000.0})
    result = allocate_feedstock(supply, _sites(["A", "B", "C"]), km, room, V)
    flows = result.flows.set_index("site")
    assert flows["tonnes"].to_dict() == pytest.approx({"B": 125.0, "C": 125.0})
    assert flows["transport_eur"].sum() == pytest.approx(125 * 0.64 * 10 + 125 * 0.64 * 20)
    assert flows["tkm"].sum() == pytest.approx(125 * 10 + 125 * 20)
    assert flows.loc["B", "feedstock_eur"] == pytest.approx(125 * 90.0)  # 90 EUR/t bales
    sites = result.sites.set_index("site")
    assert sites["heat_used_mwh"].to_dict() == pytest.approx({"B": 425.0, "C": 425.0})
    # heat is used only in the site's own unit, never more than that unit can take
    for site, row in sites.iterrows():
        assert row["unit"] == site
        assert row["heat_used_mwh"] <= room[row["unit"]] + 1e-9
    assert "heat_mwh" not in result.flows.columns  # flows carry tonnes of feedstock only
    # RED II: 850 MWh of heat x 3 600 MJ x 80 g/MJ; pathway emissions of straw NOT FOUND
    assert result.summary["ghg_fossil_avoided_t"] == pytest.approx(850 * 3600 * 80 / 1e6)
    assert math.isnan(result.summary["ghg_saving_t"])
    # a boiler's cost per MWh needs its full-load hours, which are NOT FOUND
    assert (sites["cost_status"] == "not computed: boiler_full_load_hours not found").all()


def test_silage_stays_within_its_20_km():
    maize = 1000 * 98.9 * 9.97 / 1000  # 1 000 t of silage maize
    supply = pd.DataFrame({"unit": ["A"], "feedstock": ["silage_maize"], "fuel_mwh": [maize]})
    room = pd.Series({"A": 0.0, "B": 0.0})
    near = _km({"A": {"A": 25.0, "B": 15.0}, "B": {"A": 15.0, "B": 2.0}})
    result = allocate_feedstock(supply, _sites(["A", "B"]), near, room, V)
    row = result.flows.iloc[0]
    assert (row["site"], row["tonnes"]) == ("B", pytest.approx(1000.0))
    assert row["transport_eur"] == pytest.approx(1000 * (7.65 + 0.096 * 15))
    assert result.unallocated.empty
    far = _km({"A": {"A": 25.0, "B": 30.0}, "B": {"A": 30.0, "B": 2.0}})
    result = allocate_feedstock(supply, _sites(["A", "B"]), far, room, V)
    assert result.flows.empty
    left = result.unallocated.iloc[0]
    assert (left["feedstock"], left["reason"]) == ("silage_maize", "beyond_distance_cap")
    assert left["tonnes"] == pytest.approx(1000.0)
    assert result.summary["fuel_beyond_cap_mwh"] == pytest.approx(maize)


def test_lcoe_and_ghg_of_a_biogas_site_by_hand():
    """1 000 t of maize converted at B: digester sized on 8 760 h, CHP on 4 000 h,
    annuity at 5 % (20 a digester, 25 a CHP), DEA/ISE costs, 24.33 EUR/t, 15 km."""
    fuel = 1000 * 98.9 * 9.97 / 1000
    supply = pd.DataFrame({"unit": ["A"], "feedstock": ["silage_maize"], "fuel_mwh": [fuel]})
    km = _km({"A": {"A": 25.0, "B": 15.0}, "B": {"A": 15.0, "B": 2.0}})
    site = allocate_feedstock(supply, _sites(["A", "B"]), km, pd.Series({"B": 0.0}), V).sites
    row = site.set_index("site").loc["B"]
    gross = 0.38 * fuel
    net = gross * (1 - 0.088)
    digester_kw = 1000 * fuel / 8760
    chp_kw = 1000 * gross / 4000
    capital = 965 * digester_kw * annuity_factor(0.05, 20) + 950 * chp_kw * annuity_factor(0.05, 25)
    om = 48.25 * digester_kw + 9.75 * chp_kw + 7.5 * gross
    haul = 1000 * (7.65 + 0.096 * 15) + 1000 * 24.33
    assert row["capacity_kw"] == pytest.approx(chp_kw)
    assert row["annual_cost_eur"] == pytest.approx(capital + om + haul)
    assert row["cost_basis"] == "electricity"
    assert row["cost_eur_per_mwh"] == pytest.approx((capital + om + haul) / net)
    assert row["cost_status"] == "ok"
    # no heat use at B: all pathway emissions go to electricity (RED II exergy split)
    pathway = fuel * 3600 * 16.78 / 1e6
    fossil = net * 3600 * 183 / 1e6
    assert row["ghg_saving_t"] == pytest.approx(fossil - pathway)
    intensity = pathway * 1e6 / (net * 3600)
    assert row["ghg_saving_share_electricity"] == pytest.approx((183 - intensity) / 183)
    assert row["heat_unused_mwh"] == pytest.approx(fuel * (0.45 - 0.069))


def test_annuity_and_red2_exergy_split():
    # a = i (1+i)^n / ((1+i)^n - 1): 5 %, 20 years
    assert annuity_factor(0.05, 20) == pytest.approx(0.05 * 1.05**20 / (1.05**20 - 1))
    assert annuity_factor(0.05, 20) == pytest.approx(0.080243, abs=1e-6)
    el, heat = chp_allocation(0.35, 0.40, 0.3546)
    assert el == pytest.approx(0.35 / (0.35 + 0.3546 * 0.40))
    assert el + heat == pytest.approx(1.0)
    assert chp_allocation(0.0, 0.85, 0.3546) == (0.0, 1.0)


def test_site_capacity_and_least_cost_choice():
    """Two units of slurry compete for one site of 30 MWh of fuel; the nearer unit fills
    it (cheaper per tonne), the rest stays where it is."""
    slurry = 17 * 9.97 / 1000  # MWh per t (17 Nm3 per m3, 1 t/m3)
    supply = pd.DataFrame(
        {
            "unit": ["A", "B"],
            "feedstock": ["cattle_slurry"] * 2,
            "fuel_mwh": [100 * slurry, 100 * slurry],
        }
    )
    km = _km({"A": {"S": 5.0}, "B": {"S": 40.0}})
    sites = pd.DataFrame(
        {"unit": ["A"], "lon": [13.0], "lat": [51.0], "capacity_mwh": [30.0]},
        index=pd.Index(["S"], name="site"),
    )
    result = allocate_feedstock(supply, sites, km.reindex(["A", "B"]), pd.Series(dtype=float), V)
    flows = result.flows.set_index("origin")
    assert flows.loc["A", "tonnes"] == pytest.approx(100.0)
    assert flows.loc["B", "tonnes"] == pytest.approx(30 / slurry - 100)
    left = result.unallocated.set_index("unit")
    assert left.loc["B", "reason"] == "no_heat_use_or_capacity"
    assert result.sites["fuel_mwh"].sum() == pytest.approx(30.0)


def test_haul_distance_within_a_unit_is_the_mean_of_a_disc():
    """Mean distance of a point of a disc of radius R to its centre: 2R/3."""
    seats = pd.DataFrame(
        {"lon": [13.0, 14.0], "lat": [51.0, 51.0], "area_km2": [math.pi * 30**2, np.nan]},
        index=["a", "b"],
    )
    km = haul_km(seats, seat_sites(seats), road_factor=1.3)
    assert km.loc["a", "a"] == pytest.approx(1.3 * 20.0)
    assert km.loc["b", "b"] == 0.0  # area unknown: the seat itself
    east = 2 * 6371.0088 * math.asin(math.cos(math.radians(51)) * math.sin(math.radians(0.5)))
    assert km.loc["a", "b"] == pytest.approx(1.3 * east)
