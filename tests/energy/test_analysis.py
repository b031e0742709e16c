"""The pipeline step on the bundled case, the bundled estimates and the actor network."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cityregions.energy.estimates import read_case_estimates
from cityregions.energy.inputs import read_energy_inputs
from cityregions.governance.activity import actor_network, bioenergy_subregistry
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


def test_step_potential_plausible_against_mastr(step_results):
    """Installed biomass power (MaStR, facts S5) vs. the sustainable potential.

    Dresden region: 105 457 kW installed end 2024. At 8 000 h that is ~844 GWh_el; the
    module's sustainable electricity (biogas only; solid fuel to boilers) must be of the
    same order, not ten times off either way.
    """
    potential = step_results.energy.potential
    rows = potential[
        potential["unit"].isin(DRESDEN_REGION)
        & (potential["feedstock"] == "total")
        & (potential["potential_level"] == "sustainable")
    ]
    gwh_el = rows["electricity_mwh"].sum() / 1000
    assert 105_457 * 8_000 / 1e6 / 10 < gwh_el < 105_457 * 8_000 / 1e6 * 10


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
