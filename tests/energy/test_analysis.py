"""The pipeline step on the bundled case, the bundled estimates and the actor network.

The figures of one district (Meißen) are worked out by hand from the shipped inputs and
the defaults of ``coefficients.toml``: potential per feedstock, what the plants in
operation take, the heat balance. The logistics are checked for the distance caps,
conservation of tonnes, heat that never leaves the site's unit, costs and CO₂ recomputed
from the flows. Comparisons with state statistics are labelled sanity checks.
"""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import cityregions.energy
from cityregions.energy.allocation import max_haul_km
from cityregions.energy.coefficients import load_coefficients
from cityregions.energy.potential import DENSITY
from cityregions.energy.uncertainty import monte_carlo
from cityregions.governance.activity import actor_network, bioenergy_subregistry
from cityregions.io.energy_inputs import read_case_estimates, read_energy_inputs
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.results import CaseResults
from cityregions.pipeline.steps import energy_step

CASE = bundled_case_path()
DRESDEN_REGION = ["14612", "14625", "14626", "14627", "14628"]
VALUES = load_coefficients().values()


@pytest.fixture(scope="module")
def step_results(tmp_path_factory):
    case = load_case(CASE)
    results = CaseResults(case=case, out_dir=tmp_path_factory.mktemp("demo"))
    labels = pd.Series({u: u for u in case.territory.ids})
    labels[DRESDEN_REGION] = "dresden-region"
    results.delineation = SimpleNamespace(labels=labels)  # only the labels are read
    energy_step(case, results)
    return results


def test_step_section_keys_and_files(step_results):
    out = step_results.out_dir / "energy"
    for name in (
        "potential.csv",
        "current_use.csv",
        "balance_regions.csv",
        "allocation_flows.csv",
        "allocation_sites.csv",
        "cost_supply.csv",
        "tornado.csv",
        "monte_carlo.csv",
        "summary.csv",
        "actor_network.csv",
        "coefficients.csv",
    ):
        assert (out / name).is_file(), name
    potential = pd.read_csv(out / "potential.csv", dtype={"unit": str})
    maize = potential[
        (potential["unit"] == "14627")
        & (potential["feedstock"] == "silage_maize")
        & (potential["potential_level"] == "sustainable")
    ]
    assert maize["fuel_mwh"].tolist() == pytest.approx([MEISSEN_FUEL_MWH["silage_maize"]])
    flows = pd.read_csv(out / "allocation_flows.csv", dtype={"origin": str, "site_unit": str})
    assert flows["tonnes"].sum() == pytest.approx(
        step_results.energy.allocation_summary["tonnes_hauled"]
    )
    kinds = {(p.item, p.kind) for p in step_results.provenance if p.section == "energy"}
    assert ("inputs", "estimate") in kinds
    assert ("current_use", "estimate") in kinds
    assert ("labels", "modeled") in kinds
    assert ("not_found", "assumption") in kinds
    assert ("logistics", "modeled") in kinds
    draws = pd.read_csv(out / "monte_carlo.csv")
    assert len(draws) == 2000


# ------------------------------------------------------------------ figures by hand
#: Meißen (14627) as ``energy/inputs.csv`` states it; ``energy_crop_share``,
#: ``sewage_digestion_share``, ``protected_forest_share`` and ``sewage_gas_mwh_el`` are
#: empty, so the cap, the population-based sewage gas, the default protected share and
#: the share of sewage gas in use apply; no horses column (zero).
MEISSEN = {
    "population": 239_344,
    "arable_ha": 71_141,
    "grassland_ha": 19_120,
    "forest_ha": 18_836,
    "cereal_ha": 38_281,
    "cereal_yield_t_per_ha": 6.8,
    "dairy_cows": 17_418.2,
    "other_cattle": 27_540.1,
    "fattening_pigs": 61_737.1,
    "poultry": 554_617,
    "biogas_chp_kw_el": 14_185.6,
    "biomethane_upgrading_kw": 0,
    "solid_biomass_kw_el": 1_488.39,
}
#: The defaults of ``coefficients.toml`` the hand calculation uses.
DEFAULTS = {
    "ch4_lhv": 9.97,  # kWh/Nm3
    "silage_maize_yield": 40.0,  # t FM/ha
    "silage_maize_ch4": 98.9,  # Nm3/t FM
    "energy_crop_share_cap": 0.10,
    "grass_yield": 25.0,  # t FM/ha
    "grass_ch4": 87.0,  # Nm3/t FM
    "grassland_energy_share": 0.12,
    "straw_rpr": 0.8,
    "straw_availability": 0.33,
    "straw_lhv": 4.0,  # MWh/t
    "cattle_slurry_per_cow": 17.0,  # m3/head/a
    "cattle_slurry_ch4": 17.0,  # Nm3/m3
    "cattle_slurry_stable_share": 0.9,
    "pig_slurry_per_place": 1.6,
    "pig_slurry_ch4": 11.875,
    "pig_slurry_stable_share": 0.9,
    "solid_manure_per_head": 2.8,  # t/head/a
    "solid_manure_ch4": 66.0,  # Nm3/t
    "solid_manure_stable_share": 0.9,
    "poultry_manure_per_head": 0.02,
    "poultry_manure_ch4": 82.0,
    "poultry_manure_stable_share": 0.9,
    "forest_residue_yield": 1.0,  # Fm/ha/a
    "forest_residue_lhv": 2.0,  # MWh/Fm
    "protected_forest_share": 0.044,
    "biowaste_per_inh": 60.0,  # kg/inh/a
    "biowaste_ch4": 50.0,  # Nm3/t FM
    "sewage_gas_per_inh_average": 74.0,  # kWh/inh/a
    "sewage_gas_in_use_share": 0.88,
    "biogas_current_full_load_hours": 5690.0,
    "biogas_chp_eta_el": 0.38,
    "biogas_chp_eta_th": 0.45,
    "digester_heat_share": 0.069,
    "solid_boiler_eta": 0.85,
    "household_heat_per_inh": 6599.0,  # kWh/inh/a
}
#: Sustainable fuel of Meißen in MWh/a, worked out from MEISSEN and DEFAULTS:
MEISSEN_FUEL_MWH = {
    # 71 141 ha x 0.10 x 40 t/ha x 98.9 Nm3/t x 9.97 kWh/Nm3 / 1000
    "silage_maize": 280_589.4946,
    # 19 120 ha x 25 t/ha x 87 Nm3/t x 9.97 kWh/Nm3 / 1000 x 0.12
    "grass_silage": 49_753.4904,
    # 38 281 ha x 6.8 t/ha x 0.8 x 4.0 MWh/t x 0.33 (below the technical 70 %)
    "cereal_straw": 274_888.2048,
    # 17 418.2 cows x 17 m3 x 17 Nm3/m3 x 9.97 kWh/Nm3 / 1000 x 0.9
    "cattle_slurry": 45_168.8240,
    # 61 737.1 places x 1.6 m3 x 11.875 Nm3/m3 x 9.97 kWh/Nm3 / 1000 x 0.9
    "pig_slurry": 10_525.3730,
    # 27 540.1 other cattle x 2.8 t x 66 Nm3/t x 9.97 / 1000 x 0.9
    "solid_cattle_manure": 45_667.2802,
    # 554 617 poultry x 0.02 t x 82 Nm3/t x 9.97 / 1000 x 0.9
    "poultry_manure": 8_161.5885,
    "horse_manure": 0.0,
    # 18 836 ha x 1.0 Fm/ha x 2.0 MWh/Fm x (1 - 0.044)
    "forest_residues": 36_014.432,
    # 239 344 inh x 60 kg / 1000 x 50 Nm3/t x 9.97 kWh/Nm3 / 1000
    "biowaste": 7_158.7790,
    # no connected share sourced: 239 344 inh x 74 kWh (national average) / 1000
    "sewage_gas": 17_711.456,
}
SOLID = ("cereal_straw", "forest_residues")
BIOGAS_POOL = [f for f in MEISSEN_FUEL_MWH if f not in (*SOLID, "sewage_gas")]


def test_hand_figures_use_the_shipped_inputs_and_coefficients():
    """The numbers written above are those of the shipped files (read with csv/tomllib)."""
    with (CASE / "energy" / "inputs.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["unit"] == "14627")
    for empty in (
        "energy_crop_share",
        "sewage_digestion_share",
        "protected_forest_share",
        "sewage_gas_mwh_el",
    ):
        assert row[empty] == "", empty
    assert "horses" not in row
    assert {k: float(row[k]) for k in MEISSEN} == pytest.approx(MEISSEN)
    toml = Path(cityregions.energy.__file__).with_name("coefficients.toml").read_text("utf-8")
    shipped = {name: table.get("default") for name, table in tomllib.loads(toml).items()}
    assert {k: shipped[k] for k in DEFAULTS} == DEFAULTS


def test_hand_figures_are_the_formulas_of_the_coefficients_file():
    """The literals of MEISSEN_FUEL_MWH follow from the inputs (guards typos above)."""
    m, c = MEISSEN, DEFAULTS
    per_t = c["ch4_lhv"] / 1000
    by_formula = {
        "silage_maize": m["arable_ha"]
        * c["energy_crop_share_cap"]
        * c["silage_maize_yield"]
        * c["silage_maize_ch4"]
        * per_t,
        "grass_silage": m["grassland_ha"]
        * c["grass_yield"]
        * c["grass_ch4"]
        * per_t
        * c["grassland_energy_share"],
        "cereal_straw": m["cereal_ha"]
        * m["cereal_yield_t_per_ha"]
        * c["straw_rpr"]
        * c["straw_lhv"]
        * c["straw_availability"],
        "cattle_slurry": m["dairy_cows"]
        * c["cattle_slurry_per_cow"]
        * c["cattle_slurry_ch4"]
        * per_t
        * c["cattle_slurry_stable_share"],
        "pig_slurry": m["fattening_pigs"]
        * c["pig_slurry_per_place"]
        * c["pig_slurry_ch4"]
        * per_t
        * c["pig_slurry_stable_share"],
        "solid_cattle_manure": m["other_cattle"]
        * c["solid_manure_per_head"]
        * c["solid_manure_ch4"]
        * per_t
        * c["solid_manure_stable_share"],
        "poultry_manure": m["poultry"]
        * c["poultry_manure_per_head"]
        * c["poultry_manure_ch4"]
        * per_t
        * c["poultry_manure_stable_share"],
        "horse_manure": 0.0,
        "forest_residues": m["forest_ha"]
        * c["forest_residue_yield"]
        * c["forest_residue_lhv"]
        * (1 - c["protected_forest_share"]),
        "biowaste": m["population"] * c["biowaste_per_inh"] / 1000 * c["biowaste_ch4"] * per_t,
        "sewage_gas": m["population"] * c["sewage_gas_per_inh_average"] / 1000,
    }
    assert by_formula == pytest.approx(MEISSEN_FUEL_MWH, abs=1e-3)


def _meissen(step_results, level: str = "sustainable") -> pd.DataFrame:
    potential = step_results.energy.potential
    rows = potential[(potential["unit"] == "14627") & (potential["potential_level"] == level)]
    return rows.set_index("feedstock")


def test_potential_of_meissen_equals_the_hand_calculation(step_results):
    rows = _meissen(step_results)
    fuel = rows["fuel_mwh"].drop("total").to_dict()
    assert fuel == pytest.approx(MEISSEN_FUEL_MWH, rel=1e-8)  # literals to 0.1 Wh
    assert rows.loc["total", "fuel_mwh"] == pytest.approx(sum(MEISSEN_FUEL_MWH.values()))
    assert rows.loc["sewage_gas", "flags"] == "sewage_digestion_share:population_based"
    assert rows.loc["forest_residues", "flags"] == "protected_forest_share:default"
    # net conversion: biogas CHP 0.38 x (1 - 0.088) electricity, 0.45 - 0.069 heat;
    # straw and wood in boilers at 0.85
    biogas = sum(v for k, v in MEISSEN_FUEL_MWH.items() if k not in SOLID)
    solid = sum(MEISSEN_FUEL_MWH[k] for k in SOLID)
    assert rows.loc["total", "electricity_mwh"] == pytest.approx(biogas * 0.38 * 0.912)
    assert rows.loc["total", "heat_mwh"] == pytest.approx(biogas * 0.381 + solid * 0.85)


def test_current_use_of_meissen_by_hand(step_results):
    """Biogas CHP in operation: 14 185.6 kW (estimate) x 5 690 h / 0.38 = 212 410.69 MWh of
    gas, attributed to the biogas feedstocks in proportion to their potential; sewage gas:
    88 % in use; solid plants take nothing from straw and wood (share 0)."""
    rows = _meissen(step_results)
    gas = MEISSEN["biogas_chp_kw_el"] * 5690 / 1000 / 0.38
    assert gas == pytest.approx(212_410.6947, rel=1e-9)
    pool = sum(MEISSEN_FUEL_MWH[f] for f in BIOGAS_POOL)
    for feedstock in BIOGAS_POOL:
        used = MEISSEN_FUEL_MWH[feedstock] * gas / pool
        assert rows.loc[feedstock, "used_fuel_mwh"] == pytest.approx(used, rel=1e-7)
        assert rows.loc[feedstock, "unused_fuel_mwh"] == pytest.approx(
            MEISSEN_FUEL_MWH[feedstock] - used,
            abs=1e-3,  # literals to 0.1 Wh
        )
    assert rows.loc["sewage_gas", "used_fuel_mwh"] == pytest.approx(0.88 * 17_711.456)
    for feedstock in SOLID:
        assert rows.loc[feedstock, "used_fuel_mwh"] == 0.0
    use = step_results.energy.current_use
    solid = use[(use["unit"] == "14627") & (use["technology"] == "solid_biomass")].iloc[0]
    assert math.isnan(solid["electricity_mwh"])  # full-load hours NOT FOUND
    assert "not found" in solid["status"]


def _unused(feedstock: str) -> float:
    gas = MEISSEN["biogas_chp_kw_el"] * 5690 / 1000 / 0.38
    pool = sum(MEISSEN_FUEL_MWH[f] for f in BIOGAS_POOL)
    if feedstock in BIOGAS_POOL:
        return MEISSEN_FUEL_MWH[feedstock] * (1 - gas / pool)
    if feedstock == "sewage_gas":
        return MEISSEN_FUEL_MWH[feedstock] * (1 - 0.88)
    return MEISSEN_FUEL_MWH[feedstock]


def _carrier(table: pd.DataFrame, carrier: str, key: str) -> pd.DataFrame:
    return table[table["carrier"] == carrier].set_index(key)


def test_heat_balance_of_meissen_by_hand(step_results):
    energy = step_results.energy
    heat = _carrier(energy.carrier_units, "heat", "unit")
    # the headline carrier of the case (heat) is also the balance_units table
    pd.testing.assert_frame_equal(energy.balance_units, heat)
    meissen = heat.loc["14627"]
    supply = (
        sum(_unused(f) for f in MEISSEN_FUEL_MWH if f not in SOLID) * (0.45 - 0.069)
        + sum(_unused(f) for f in SOLID) * 0.85
    )
    assert meissen["supply_mwh"] == pytest.approx(supply, rel=1e-9)
    # household heat 239 344 inh x 6 599 kWh / 1000; the heat of plants in operation is
    # not subtracted (its use is not known)
    assert meissen["open_demand_mwh"] == pytest.approx(1_579_431.056, rel=1e-12)
    overall = heat["supply_mwh"].sum() / heat["open_demand_mwh"].sum()
    assert heat["cover_share"].tolist() == pytest.approx([overall] * 50, rel=1e-12)
    net = meissen["supply_mwh"] - meissen["open_demand_mwh"] * overall
    assert meissen["net_mwh"] == pytest.approx(net, rel=1e-12)
    # electricity: the plants in operation deliver 212 410.69 x 0.38 x 0.912 MWh (+ sewage)
    electricity = _carrier(energy.carrier_units, "electricity", "unit").loc["14627"]
    gas = MEISSEN["biogas_chp_kw_el"] * 5690 / 1000 / 0.38
    current = (gas + 0.88 * MEISSEN_FUEL_MWH["sewage_gas"]) * 0.38 * 0.912
    assert electricity["current_supply_mwh"] == pytest.approx(current, rel=1e-9)
    assert electricity["open_demand_mwh"] == pytest.approx(
        max(239_344 * 1.664 - current, 0.0), rel=1e-9
    )


def test_region_balance_is_the_sum_of_its_units(step_results):
    energy = step_results.energy
    for carrier in ("electricity", "heat", "biomethane"):
        units = _carrier(energy.carrier_units, carrier, "unit").loc[DRESDEN_REGION]
        region = _carrier(energy.carrier_regions, carrier, "region").loc["dresden-region"]
        core, ring = units.loc["14612"], units.drop("14612")
        assert region["core"] == "14612"
        assert region["core_supply_mwh"] == pytest.approx(core["supply_mwh"], rel=1e-12)
        assert region["ring_supply_mwh"] == pytest.approx(ring["supply_mwh"].sum(), rel=1e-12)
        assert region["ring_surplus_mwh"] == pytest.approx(max(ring["net_mwh"].sum(), 0.0))
        assert region["region_net_mwh"] == pytest.approx(units["net_mwh"].sum(), rel=1e-12)
        assert region["population"] == 555_351 + 296_290 + 248_273 + 239_344 + 244_009


def test_logistics_move_tonnes_within_the_caps(step_results):
    """Done-when of issue 14: the demo's allocation moves tonnes within the distance caps
    and reports cost and CO₂."""
    energy = step_results.energy
    flows = energy.allocation_flows
    hauled = flows[flows["feedstock"] != "sewage_gas"]
    assert hauled["tonnes"].sum() > 1e6
    for feedstock, rows in hauled.groupby("feedstock"):
        assert rows["distance_km"].max() <= max_haul_km(feedstock, VALUES) + 1e-9, feedstock
    assert hauled[hauled["feedstock"] == "silage_maize"]["distance_km"].max() <= 20.0
    # fuel = tonnes x energy density; transport cost = tonnes x (fixed + per km x km)
    density = hauled["feedstock"].map(lambda f: DENSITY[f](VALUES))
    assert hauled["fuel_mwh"].tolist() == pytest.approx((hauled["tonnes"] * density).tolist())
    wet = ~hauled["feedstock"].isin(SOLID)
    per_t = np.where(wet, 7.65 + 0.096 * hauled["distance_km"], 0.64 * hauled["distance_km"])
    assert hauled["transport_eur"].tolist() == pytest.approx((hauled["tonnes"] * per_t).tolist())
    summary = energy.allocation_summary
    assert summary["transport_eur"] == pytest.approx(hauled["transport_eur"].sum())
    assert summary["transport_eur"] > 0
    # CO2: delivered energy x RED II comparators, recomputed from the sites
    sites = energy.allocation_sites
    fossil = (
        (
            sites["electricity_mwh"] * 183
            + sites["heat_used_mwh"] * 80
            + sites["biomethane_mwh"] * 80
        ).sum()
        * 3600
        / 1e6
    )
    assert summary["ghg_fossil_avoided_t"] == pytest.approx(fossil)
    assert summary["ghg_fossil_avoided_t"] > 0
    biogas_sites = sites[(sites["path"] == "biogas_chp") & (sites["cost_status"] == "ok")]
    assert (biogas_sites["cost_eur_per_mwh"] > 0).all()


def test_tonnes_are_conserved_and_heat_stays_in_the_unit(step_results):
    energy = step_results.energy
    potential = energy.potential
    unused = potential[
        (potential["potential_level"] == "sustainable")
        & ~potential["feedstock"].isin(["total", "sewage_gas"])
    ]
    available = unused.set_index(["unit", "feedstock"])["unused_fuel_mwh"]
    available = available[available > 0]
    moved = energy.allocation_flows.groupby(["origin", "feedstock"])["fuel_mwh"].sum()
    moved.index.names = ["unit", "feedstock"]
    left = energy.allocation_unallocated.groupby(["unit", "feedstock"])["fuel_mwh"].sum()
    total = moved.add(left, fill_value=0.0)
    assert total.reindex(available.index).tolist() == pytest.approx(available.tolist(), rel=1e-6)
    # heat: used only at sites of the unit, at most what the unit can use
    heat = _carrier(energy.carrier_units, "heat", "unit")
    used = energy.allocation_sites.groupby("unit")["heat_used_mwh"].sum()
    assert (used <= heat["demand_mwh"].reindex(used.index) * (1 + 1e-9) + 1e-6).all()
    sites = energy.allocation_sites
    assert (sites["heat_used_mwh"] <= sites["heat_mwh"] + 1e-9).all()
    assert sites["heat_unused_mwh"].tolist() == pytest.approx(
        (sites["heat_mwh"] - sites["heat_used_mwh"]).tolist()
    )


def test_cost_supply_curve_of_the_dresden_region(step_results):
    energy = step_results.energy
    curve = energy.cost_supply
    assert curve["cost_eur_per_mwh"].is_monotonic_increasing
    assert curve["cumulative_gwh"].tolist() == pytest.approx(curve["fuel_gwh"].cumsum().tolist())
    flows = energy.allocation_flows
    into = flows[flows["site_unit"].isin(DRESDEN_REGION) & (flows["feedstock"] != "sewage_gas")]
    assert curve["fuel_gwh"].sum() == pytest.approx(into["fuel_mwh"].sum() / 1000)
    # grass silage has no sourced price: its steps show transport only and are flagged
    grass = curve[curve["feedstock"] == "grass_silage"]
    assert not grass.empty
    assert not grass["price_known"].any()


def test_uncertainty_of_the_dresden_region(step_results):
    energy = step_results.energy
    potential = energy.potential
    totals = potential[
        (potential["feedstock"] == "total") & (potential["potential_level"] == "sustainable")
    ]
    base = totals[totals["unit"].isin(DRESDEN_REGION)]["fuel_mwh"].sum()
    assert energy.tornado.attrs["base_mwh"] == pytest.approx(base)
    mc = energy.monte_carlo
    assert mc["samples"] == 2000
    assert mc["p05_mwh"] < mc["median_mwh"] < mc["p95_mwh"]
    # the run is reproduced by its seed ([energy] seed = 0 in case.toml)
    _, draws = monte_carlo(
        energy.inputs,
        load_coefficients(),
        ["14612", *DRESDEN_REGION[1:]],
        samples=2000,
        rng=np.random.default_rng(0),
    )
    assert np.array_equal(draws, mc["draws_mwh"])
    assert energy.tornado.index[0] == "energy_crop_share_cap"


def test_sanity_biogas_in_operation_against_energy_crops_digested(step_results):
    """SANITY CHECK ONLY (state statistics, not a proof of any formula).

    Saxony's estimated biogas CHP in operation (140 MW_el, LfULG) burns
    140 000 kW x 5 690 h / 0.38 = 2.10 TWh of gas; the Thünen inventory says Saxon plants
    digested 662 735 t DM of energy crops in 2021, i.e. 2.13 TWh at the FNR maize yield of
    33 % DM, 95 % oDM and 340 Nm3 CH4/t oDM (323 Nm3/t DM). Manure adds to the input,
    so the capacity estimate must not lie far below the crops (ratio within 0.5-2)."""
    use = step_results.energy.current_use
    saxony = use[use["unit"].str.startswith("14") & (use["technology"] == "biogas_chp")]
    gas_twh = saxony["fuel_mwh"].sum() / 1e6
    crops_twh = 662_735 * 0.95 * 340 * 9.97 / 1e9
    assert crops_twh == pytest.approx(2.13, abs=0.01)
    assert 0.5 < gas_twh / crops_twh < 2


def test_bundled_inputs_are_reproducible_and_labelled():
    folder = CASE / "energy"
    estimated, provenance = read_case_estimates(folder)
    shipped = read_energy_inputs(folder / "inputs.csv")
    numeric = [
        "population",
        "arable_ha",
        "grassland_ha",
        "forest_ha",
        "cereal_ha",
        "dairy_cows",
        "other_cattle",
        "poultry",
        "biogas_chp_kw_el",
        "solid_biomass_kw_el",
    ]
    np.testing.assert_allclose(
        shipped[numeric].to_numpy(), estimated.set_index("unit")[numeric].to_numpy(), rtol=1e-5
    )
    assert (shipped["kind"] == "estimate").all()
    # district facts win over estimates (Görlitz, area-aid data 2016)
    assert shipped.loc["14626", "arable_ha"] == 65_446
    assert shipped.loc["14626", "other_cattle"] == 42_336 - 18_708
    goerlitz = provenance[(provenance["unit"] == "14626") & (provenance["column"] == "arable_ha")]
    assert goerlitz["kind"].iloc[0] == "fact"
    meissen = provenance[(provenance["unit"] == "14627") & (provenance["column"] == "arable_ha")]
    assert meissen["kind"].iloc[0] == "estimate"
    assert shipped.loc["14612", "forest_ha"] == 7_224  # ALKIS 2021
    # Dresden-Kaditz: 530 000 of 555 351 inhabitants connected; 17 000 MWh_el a year
    assert shipped.loc["14612", "sewage_digestion_share"] == pytest.approx(
        530_000 / 555_351, abs=5e-4
    )
    assert shipped.loc["14612", "sewage_gas_mwh_el"] == 17_000
    # Nationalpark Sächsische Schweiz: ~8 600 ha of forest of 58 723 ha in the district
    assert shipped.loc["14628", "protected_forest_share"] == pytest.approx(8_600 / 58_723, abs=5e-4)
    # the capacity split never exceeds the MaStR sum of a district
    split = shipped["biogas_chp_kw_el"] + shipped["solid_biomass_kw_el"]
    assert (split <= shipped["installed_kw_el"] * (1 + 1e-5)).all()  # 6 digits in the file
    kinds = provenance[provenance["column"] == "biomethane_upgrading_kw"].set_index("unit")["kind"]
    assert kinds["15090"] == "estimate"  # Saxony-Anhalt: 1.9 TWh/a of injection
    assert kinds["14612"] == "assumption"  # Saxony: NOT FOUND, counted as zero


def test_energy_inputs_are_keyed_by_the_units_of_the_case():
    units = pd.read_csv(CASE / "districts.csv", dtype={"unit": str})["unit"]
    inputs = read_energy_inputs(CASE / "energy" / "inputs.csv")
    assert sorted(inputs.index) == sorted(units)


def test_actor_network_of_the_dresden_activity():
    registry = read_registry(CASE / "registry")
    sub = bioenergy_subregistry(registry)
    assert {"bio-klotzsche-biogas", "bio-netzwerk-sso"} <= set(sub.body_ids)
    for record in [*sub.actors, *sub.bodies, *sub.memberships]:
        assert record.sources, record
    table = actor_network(registry)
    assert table.loc["bio-sachsenenergie", "degree"] == 1
    # Dresden links the biowaste plant with the city-regional bodies: the broker
    actors = table[table["mode"] == "actor"]
    assert actors["betweenness_2mode"].idxmax() == "dresden"
    assert table.loc["saechsische-schweiz", "bioenergy"]


def test_step_is_skipped_without_energy_inputs(tmp_path):
    (tmp_path / "case.toml").write_text('name = "x"\n[units]\nfile = "u.csv"\n', encoding="utf-8")
    case = load_case(tmp_path)
    results = CaseResults(case=case, out_dir=tmp_path / "out")
    energy_step(case, results)
    assert results.energy is None
    assert not (tmp_path / "out" / "energy").exists()


@pytest.mark.parametrize(
    ("setting", "field", "message"),
    [
        ('samples = "many"', "samples", "whole number of at least 100"),
        ("samples = 50", "samples", "whole number of at least 100"),
        ("seed = -1", "seed", "whole number of at least 0"),
        ('focus = "99999"', "focus", "not a unit of the energy inputs"),
    ],
)
def test_bad_energy_settings_name_case_toml_and_key(tmp_path, setting, field, message):
    import shutil

    from cityregions._errors import InputError

    shutil.copy(CASE / "districts.csv", tmp_path / "districts.csv")
    (tmp_path / "energy").mkdir()
    shutil.copy(CASE / "energy" / "inputs.csv", tmp_path / "energy" / "inputs.csv")
    (tmp_path / "case.toml").write_text(
        'name = "x"\n[units]\nfile = "districts.csv"\nid_column = "unit"\n'
        f'[energy]\ninputs = "energy/inputs.csv"\n{setting}\n',
        encoding="utf-8",
    )
    case = load_case(tmp_path)
    results = CaseResults(case=case, out_dir=tmp_path / "out")
    with pytest.raises(InputError, match=message) as info:
        energy_step(case, results)
    assert info.value.field == field
    assert info.value.source == str(tmp_path / "case.toml")
    assert not (tmp_path / "out" / "energy").exists()
