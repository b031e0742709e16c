"""The pipeline step on the bundled case, the bundled estimates and the actor network.

The figures of one district (Meißen) are worked out by hand from the shipped inputs and
the defaults of ``coefficients.toml``; the region balance is checked as the sum of its
units and the allocation for conservation of energy. The comparison with installed
biomass power (MaStR) is only a labelled sanity check.
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
from cityregions.governance.activity import actor_network, bioenergy_subregistry
from cityregions.io.energy_inputs import read_case_estimates, read_energy_inputs
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.results import CaseResults
from cityregions.pipeline.steps import energy_step

CASE = bundled_case_path()
DRESDEN_REGION = ["14612", "14625", "14626", "14627", "14628"]


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
        "balance_regions.csv",
        "allocation_flows.csv",
        "actor_network.csv",
        "coefficients.csv",
    ):
        assert (out / name).is_file(), name
    # the written tables carry the figures worked out by hand below
    potential = pd.read_csv(out / "potential.csv", dtype={"unit": str})
    maize = potential[
        (potential["unit"] == "14627")
        & (potential["feedstock"] == "silage_maize")
        & (potential["potential_level"] == "sustainable")
    ]
    assert maize["fuel_mwh"].tolist() == pytest.approx([MEISSEN_FUEL_MWH["silage_maize"]])
    flows = pd.read_csv(out / "allocation_flows.csv", dtype={"supplier": str, "sink": str})
    assert flows["mwh"].sum() == pytest.approx(
        step_results.energy.allocation_summary["supplied_mwh"]
    )
    kinds = {(p.item, p.kind) for p in step_results.provenance if p.section == "energy"}
    assert ("inputs", "estimate") in kinds
    assert ("labels", "modeled") in kinds


def test_step_balance_of_the_dresden_region(step_results):
    section = step_results.energy
    region = section.balance_regions.loc["dresden-region"]
    assert region["core"] == "14612"
    assert region["units"] == 5
    # the city covers only a few per cent of its household heat from its own biomass,
    # the ring about a third: the fair-share surplus of the ring flows to the core
    assert region["core_self_sufficiency"] < 0.05
    assert 0.2 < region["ring_self_sufficiency"] < 0.5
    flows = section.allocation_flows
    into_dresden = flows[flows["sink"] == "14612"]
    assert not into_dresden.empty
    inside = into_dresden[~into_dresden["cross_region"]]
    assert set(inside["supplier"]) <= set(DRESDEN_REGION)
    assert (into_dresden["distance_km"] > 0).all()
    summary = section.allocation_summary
    assert summary["supplied_mwh"] == pytest.approx(flows["mwh"].sum())
    # the overall fair share balances all units: every deficit can be covered
    assert summary["share_covered"] == pytest.approx(1.0, rel=1e-6)


# ------------------------------------------------------------------ figures by hand
#: Meißen (14627) as ``energy/inputs.csv`` states it; ``energy_crop_share`` is empty, so
#: the sustainable cap of the coefficients applies.
MEISSEN = {
    "population": 239_344,
    "arable_ha": 71_141,
    "grassland_ha": 19_120,
    "forest_ha": 18_836,
    "cereal_ha": 38_281,
    "cereal_yield_t_per_ha": 6.8,
    "dairy_cows": 17_418.2,
    "fattening_pigs": 61_737.1,
    "sewage_digestion_share": 0,
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
    "straw_harvest_ratio": 0.70,
    "straw_availability": 0.33,
    "straw_lhv": 4.0,  # MWh/t
    "cattle_slurry_per_cow": 17.0,  # m3/head/a
    "cattle_slurry_ch4": 17.0,  # Nm3/m3
    "cattle_slurry_stable_share": 0.9,
    "pig_slurry_per_place": 1.6,
    "pig_slurry_ch4": 11.875,
    "pig_slurry_stable_share": 0.9,
    "forest_residue_yield": 1.0,  # Fm/ha/a
    "forest_residue_lhv": 2.0,  # MWh/Fm
    "forest_sustainable_share": 1.0,
    "biowaste_per_inh": 60.0,  # kg/inh/a
    "biowaste_ch4": 50.0,  # Nm3/t FM
    "biogas_chp_eta_el": 0.38,
    "biogas_chp_eta_th": 0.45,
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
    "pig_slurry": 10_525.3729,
    # 18 836 ha x 1.0 Fm/ha x 2.0 MWh/Fm x 1.0
    "forest_residues": 37_672.0,
    # 239 344 inh x 60 kg / 1000 x 50 Nm3/t x 9.97 kWh/Nm3 / 1000
    "biowaste": 7_158.7790,
    # no digesting sewage plant in the district
    "sewage_gas": 0.0,
}


def test_hand_figures_use_the_shipped_inputs_and_coefficients():
    """The numbers written above are those of the shipped files (read with csv/tomllib)."""
    with (CASE / "energy" / "inputs.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["unit"] == "14627")
    assert row["energy_crop_share"] == ""
    assert {k: float(row[k]) for k in MEISSEN} == pytest.approx(MEISSEN)
    toml = Path(cityregions.energy.__file__).with_name("coefficients.toml").read_text("utf-8")
    shipped = {name: table.get("default") for name, table in tomllib.loads(toml).items()}
    assert {k: shipped[k] for k in DEFAULTS} == DEFAULTS


def test_hand_figures_are_the_formulas_of_the_coefficients_file():
    """The literals of MEISSEN_FUEL_MWH follow from the inputs (guards typos above)."""
    m, c = MEISSEN, DEFAULTS
    by_formula = {
        "silage_maize": m["arable_ha"]
        * c["energy_crop_share_cap"]
        * c["silage_maize_yield"]
        * c["silage_maize_ch4"]
        * c["ch4_lhv"]
        / 1000,
        "grass_silage": m["grassland_ha"]
        * c["grass_yield"]
        * c["grass_ch4"]
        * c["ch4_lhv"]
        / 1000
        * c["grassland_energy_share"],
        "cereal_straw": m["cereal_ha"]
        * m["cereal_yield_t_per_ha"]
        * c["straw_rpr"]
        * c["straw_lhv"]
        * c["straw_availability"],
        "cattle_slurry": m["dairy_cows"]
        * c["cattle_slurry_per_cow"]
        * c["cattle_slurry_ch4"]
        * c["ch4_lhv"]
        / 1000
        * c["cattle_slurry_stable_share"],
        "pig_slurry": m["fattening_pigs"]
        * c["pig_slurry_per_place"]
        * c["pig_slurry_ch4"]
        * c["ch4_lhv"]
        / 1000
        * c["pig_slurry_stable_share"],
        "forest_residues": m["forest_ha"]
        * c["forest_residue_yield"]
        * c["forest_residue_lhv"]
        * c["forest_sustainable_share"],
        "biowaste": m["population"]
        * c["biowaste_per_inh"]
        / 1000
        * c["biowaste_ch4"]
        * c["ch4_lhv"]
        / 1000,
        "sewage_gas": 0.0,
    }
    assert by_formula == pytest.approx(MEISSEN_FUEL_MWH, abs=1e-3)


def test_potential_of_meissen_equals_the_hand_calculation(step_results):
    potential = step_results.energy.potential
    rows = potential[
        (potential["unit"] == "14627") & (potential["potential_level"] == "sustainable")
    ].set_index("feedstock")
    fuel = rows["fuel_mwh"].drop("total").to_dict()
    assert fuel == pytest.approx(MEISSEN_FUEL_MWH, rel=1e-8)  # literals to 0.1 Wh
    # conversion: biogas in a CHP (38 % electricity, 45 % heat), solids in a boiler (85 %)
    solid = MEISSEN_FUEL_MWH["cereal_straw"] + MEISSEN_FUEL_MWH["forest_residues"]
    biogas = sum(MEISSEN_FUEL_MWH.values()) - solid  # 393 195.96 MWh
    assert rows.loc["total", "fuel_mwh"] == pytest.approx(705_756.1657, rel=1e-9)
    assert rows.loc["total", "electricity_mwh"] == pytest.approx(biogas * 0.38, rel=1e-9)
    assert rows.loc["total", "heat_mwh"] == pytest.approx(biogas * 0.45 + solid * 0.85, rel=1e-9)
    assert rows.loc["total", "heat_mwh"] == pytest.approx(442_614.3565, rel=1e-9)
    # the straw of the technical level: 70 % of the theoretical 832 994.56 MWh
    technical = potential[
        (potential["unit"] == "14627")
        & (potential["feedstock"] == "cereal_straw")
        & (potential["potential_level"] == "technical")
    ]
    assert technical["fuel_mwh"].iloc[0] == pytest.approx(583_096.192, rel=1e-9)


def test_sewage_gas_of_dresden_by_hand(step_results):
    """Dresden-Kaditz digests the sewage of the whole city: 555 351 inh x 70 kWh / 1000."""
    potential = step_results.energy.potential
    sewage = potential[(potential["unit"] == "14612") & (potential["feedstock"] == "sewage_gas")]
    assert list(sewage["fuel_mwh"]) == pytest.approx([38_874.57] * 3, rel=1e-9)


def test_unit_balance_of_meissen_by_hand(step_results):
    balance = step_results.energy.balance_units
    meissen = balance.loc["14627"]
    # household heat 239 344 inh x 6 599 kWh / 1000 (no employees given)
    assert meissen["full_demand_mwh"] == pytest.approx(1_579_431.056, rel=1e-12)
    assert meissen["supply_mwh"] == pytest.approx(442_614.3565, rel=1e-9)
    # cover share "overall": supply / demand of all 50 units together, the same for all
    overall = balance["supply_mwh"].sum() / balance["full_demand_mwh"].sum()
    assert balance["cover_share"].tolist() == pytest.approx([overall] * 50, rel=1e-12)
    net = meissen["supply_mwh"] - meissen["full_demand_mwh"] * overall
    assert meissen["net_mwh"] == pytest.approx(net, rel=1e-12)
    assert meissen["deficit_mwh"] == pytest.approx(max(-net, 0.0), rel=1e-12)
    assert meissen["surplus_mwh"] == pytest.approx(max(net, 0.0), abs=1e-9)


def test_region_balance_is_the_sum_of_its_units(step_results):
    units = step_results.energy.balance_units.loc[DRESDEN_REGION]
    region = step_results.energy.balance_regions.loc["dresden-region"]
    core, ring = units.loc["14612"], units.drop("14612")
    assert region["core_supply_mwh"] == pytest.approx(core["supply_mwh"], rel=1e-12)
    assert region["core_deficit_mwh"] == pytest.approx(core["deficit_mwh"], rel=1e-12)
    assert region["ring_supply_mwh"] == pytest.approx(ring["supply_mwh"].sum(), rel=1e-12)
    assert region["ring_demand_mwh"] == pytest.approx(ring["demand_mwh"].sum(), rel=1e-12)
    # ring surplus = pooled net of the ring: Bautzen and Görlitz have a surplus, Meißen
    # and Sächsische Schweiz-Osterzgebirge a small deficit that it covers first
    pooled = ring["net_mwh"].sum()
    assert (ring["net_mwh"] > 0).sum() == 2
    assert region["ring_surplus_mwh"] == pytest.approx(pooled, rel=1e-12)
    assert region["ring_surplus_mwh"] < ring["surplus_mwh"].sum()
    assert region["ring_cover_share_of_deficit"] == pytest.approx(
        pooled / core["deficit_mwh"], rel=1e-12
    )
    assert region["region_net_mwh"] == pytest.approx(units["net_mwh"].sum(), rel=1e-12)
    assert region["population"] == 555_351 + 296_290 + 248_273 + 239_344 + 244_009
    assert region["ring_self_sufficiency"] == pytest.approx(
        ring["supply_mwh"].sum() / ring["full_demand_mwh"].sum(), rel=1e-12
    )


def _seat_km(a: pd.Series, b: pd.Series) -> float:
    """Haversine distance of two seats on a sphere of radius 6 371.0088 km."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_allocation_conserves_energy(step_results):
    energy = step_results.energy
    balance, flows = energy.balance_units, energy.allocation_flows
    sent = flows.groupby("supplier")["mwh"].sum()
    received = flows.groupby("sink")["mwh"].sum()
    # nobody sends more than its surplus, no sink gets more than its deficit
    assert (sent <= balance.loc[sent.index, "surplus_mwh"] * (1 + 1e-9)).all()
    assert (received <= balance.loc[received.index, "deficit_mwh"] * (1 + 1e-9)).all()
    suppliers, sinks = energy.allocation_suppliers, energy.allocation_sinks
    assert suppliers.loc[sent.index, "sent_mwh"].tolist() == pytest.approx(sent.tolist())
    left = suppliers["surplus_mwh"] - suppliers["sent_mwh"]
    assert suppliers["left_mwh"].tolist() == pytest.approx(left.tolist(), abs=1e-6)
    # sinks are the cores with a deficit; with the overall fair share all are covered
    cores = balance[balance["core"] & (balance["deficit_mwh"] > 0)]
    assert sorted(sinks.index) == sorted(cores.index)
    assert received.reindex(cores.index).tolist() == pytest.approx(
        cores["deficit_mwh"].tolist(), rel=1e-9
    )
    summary = energy.allocation_summary
    assert summary["total_deficit_mwh"] == pytest.approx(cores["deficit_mwh"].sum())
    assert summary["total_surplus_mwh"] == pytest.approx(balance["surplus_mwh"].sum())
    assert summary["supplied_mwh"] == pytest.approx(sent.sum())
    assert sent.sum() == pytest.approx(received.sum())
    # each arc's length is the seat distance, its transport work mwh x km
    seats = step_results.case.territory.units
    pairs = zip(flows["supplier"], flows["sink"], strict=True)
    by_hand = [_seat_km(seats.loc[s], seats.loc[t]) for s, t in pairs]
    assert flows["distance_km"].tolist() == pytest.approx(by_hand, rel=1e-9)
    assert flows["mwh_km"].tolist() == pytest.approx((flows.mwh * flows.distance_km).tolist())
    assert (flows["cross_region"] == (flows.supplier_region != flows.sink_region)).all()


def test_sanity_installed_biomass_power_same_order_as_mastr(step_results):
    """SANITY CHECK ONLY (real data, not a proof of any formula).

    Installed biomass power in the Dresden region (MaStR, research facts S5): 105 457 kW
    end 2024, at 8 000 h about 844 GWh_el. The sustainable biogas electricity of the
    module (solid fuel goes to boilers) is 618 GWh_el (ratio 0.73); a factor of two
    either way would mean a wrong unit or coefficient.
    """
    potential = step_results.energy.potential
    rows = potential[
        potential["unit"].isin(DRESDEN_REGION)
        & (potential["feedstock"] == "total")
        & (potential["potential_level"] == "sustainable")
    ]
    ratio = rows["electricity_mwh"].sum() / (105_457 * 8_000 / 1000)
    assert 0.5 < ratio < 2


def test_bundled_inputs_are_reproducible_and_labelled():
    folder = CASE / "energy"
    estimated, provenance = read_case_estimates(folder)
    shipped = read_energy_inputs(folder / "inputs.csv")
    numeric = ["population", "arable_ha", "grassland_ha", "forest_ha", "cereal_ha", "dairy_cows"]
    np.testing.assert_allclose(
        shipped[numeric].to_numpy(), estimated.set_index("unit")[numeric].to_numpy(), rtol=1e-5
    )
    assert (shipped["kind"] == "estimate").all()
    # district facts win over estimates (Görlitz, area-aid data 2016)
    assert shipped.loc["14626", "arable_ha"] == 65_446
    goerlitz = provenance[(provenance["unit"] == "14626") & (provenance["column"] == "arable_ha")]
    assert goerlitz["kind"].iloc[0] == "fact"
    meissen = provenance[(provenance["unit"] == "14627") & (provenance["column"] == "arable_ha")]
    assert meissen["kind"].iloc[0] == "estimate"
    assert shipped.loc["14612", "forest_ha"] == 7_224  # ALKIS 2021
    assert shipped.loc["14612", "sewage_digestion_share"] == 1.0  # Kaditz


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
