"""Representation rules, fee keys, scenario files, the partnership comparison and its CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from fractions import Fraction as F  # noqa: N817
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError, ParameterError
from cityregions.io.result_tables import write_comparison
from cityregions.io.scenario_files import read_scenario
from cityregions.partnership import representation as rep
from cityregions.partnership.compare import compare_scenarios, evaluate_scenario
from cityregions.partnership.fees import fees
from cityregions.partnership.scenarios import scenario_from_registry
from cityregions.pipeline.case import bundled_case_path, load_case

SCENARIOS = bundled_case_path() / "scenarios"


# ------------------------------------------------------------------ representation rules
def test_apportionment_methods_by_hand():
    votes = {"a": 5, "b": 3, "c": 2}
    assert rep.apportion(votes, 7, method="hamilton").tolist() == [4, 2, 1]
    assert rep.apportion(votes, 7, method="dhondt").tolist() == [4, 2, 1]
    assert rep.apportion(votes, 7, method="sainte_lague").tolist() == [4, 2, 1]
    # 6 seats: Hamilton quotas 3, 1.8, 1.2; Sainte-Laguë ties a (5/5) and b (3/3) -> id order
    assert rep.apportion(votes, 6, method="hamilton").tolist() == [3, 2, 1]
    assert rep.apportion(votes, 6, method="sainte_lague").tolist() == [3, 2, 1]
    assert rep.apportion(votes, 10, method="dhondt", minimum=2).tolist() == [4, 3, 3]
    with pytest.raises(ParameterError, match="cannot give 4"):
        rep.apportion(votes, 10, minimum=4)


def test_penrose_rule_and_optimal_quota():
    pop = {"a": 10_000, "b": 2_500, "c": 400}
    assert rep.penrose_weights(pop).tolist() == [100, 50, 20]
    # q* = (1 + sqrt(12900)/170) / 2
    assert rep.penrose_optimal_quota(pop) == pytest.approx((1 + 12900**0.5 / 170) / 2)
    assert rep.penrose_optimal_quota([1, 1, 1, 1]) == 0.75


def test_cambridge_compromise_and_degressive_check():
    pop = {"a": 900, "b": 90, "c": 10}
    seats = rep.cambridge_compromise(pop, seats=12, base=1)
    assert seats.tolist() == [8, 2, 2]  # d = 129: 1 + ceil(900/129) = 8
    assert rep.degressive_proportionality(pop, seats) == []
    problems = rep.degressive_proportionality(pop, {"a": 2, "b": 5, "c": 1})
    assert problems[0].startswith("(a) 'b'")
    problems = rep.degressive_proportionality(pop, {"a": 30, "b": 1, "c": 1})
    assert problems == ["(b) 'b' has more inhabitants per seat (90) than the larger 'a' (30)"]


def test_representation_rule_dispatch_and_errors():
    pop = pd.Series({"x": 400.0, "y": 100.0})
    assert rep.representation_weights(pop, "equal").tolist() == [1, 1]
    assert rep.representation_weights(pop, "proportional", seats=5).tolist() == [4, 1]
    with pytest.raises(InputError, match="no seats given for 'y'"):
        rep.representation_weights(pop, "fixed", fixed={"x": 3})
    with pytest.raises(InputError, match="member 'y'"):
        rep.equal_weights({"x": 1, "y": -5})


def test_fee_keys():
    pop = {"a": 300, "b": 100}
    assert fees(pop, key="flat", total=1000).tolist() == [500, 500]
    assert fees(pop, key="per_capita", total=1000).tolist() == [750, 250]
    assert fees(pop, key="mixed", total=1000, flat_share=0.5).tolist() == [625, 375]
    wrl = {"leipzig": 1, "ihk": 1, "lk-leipzig": 1, "nordsachsen": 1}
    shares = {"leipzig": 51, "ihk": 19, "lk-leipzig": 15, "nordsachsen": 15}
    assert fees(wrl, key="shares", total=1_700_000, shares=shares)["leipzig"] == 867_000
    with pytest.raises(InputError, match="add up to 99"):
        fees(wrl, key="shares", total=1, shares={**shares, "ihk": 18})


# ------------------------------------------------------------------ worked-case scenarios
def _population(unit_prefix: str) -> float:
    """Population of a unit (or the sum of a district's municipalities) in the bundled
    municipalities.csv, read independently of the scenario reader."""
    table = pd.read_csv(bundled_case_path() / "municipalities.csv", dtype={"unit": str})
    return float(table.loc[table["unit"].str.startswith(unit_prefix), "population"].sum())


def test_network_2012_as_documented():
    result = evaluate_scenario(read_scenario(SCENARIOS / "network-2012.yaml"))
    table = result.members
    # nine voting cities, simple majority: decisive iff exactly 4 of the other 8 say yes
    voting = table.drop(index=["erfurt", "weimar"])
    assert (voting["banzhaf_absolute"] == comb(8, 4) / 2**8).all()
    assert table.loc["erfurt", "banzhaf_absolute"] == 0
    assert result.summary["members_without_power"] == "erfurt, weimar"
    assert result.summary["coleman_act"] == 0.5
    assert result.summary["decision"] == "simple"
    # documented fees (governance-facts §2.1 "Money"), the rest split over the other seven
    assert table.loc["magdeburg", "fee"] == pytest.approx(25_000, abs=1e-3)
    assert table.loc["dresden", "fee"] == pytest.approx(60_000, abs=1e-3)
    assert table.loc["leipzig", "fee"] == pytest.approx(185_000 / 7, abs=1e-3)
    assert table["fee"].sum() == pytest.approx(270_000, abs=1e-3)
    assert table.loc["erfurt", "fee"] == 0
    # one population vintage: Destatis 31.12.2019 in the bundled municipal table
    assert table.loc["leipzig", "population"] == _population("14713000") == 593_145
    assert table.loc["zwickau", "population"] == _population("14524330")
    assert table["source"].str.contains("31.12.2019").all()
    # a priori unions: Jena's bloc has one vote of nine (Owen 1/9), Erfurt none
    assert table.loc["jena", "owen"] == pytest.approx(1 / 9)
    assert table.loc["erfurt", "owen"] == 0
    assert table["owen"].sum() == pytest.approx(1)
    assert not table["can_block_alone"].any()


def test_consensus_variants_give_every_voting_member_the_power_to_block():
    """Consensus = all must agree: a voting city is decisive only when all 8 others say
    yes (β' = 1/2**8) and the body passes anything with probability 1/2**9."""
    result = evaluate_scenario(read_scenario(SCENARIOS / "network-2012-consensus.yaml"))
    table = result.members
    voting = table.drop(index=["erfurt", "weimar"])
    assert (voting["banzhaf_absolute"] == 1 / 2**8).all()
    assert result.summary["coleman_act"] == 1 / 2**9
    assert result.summary["decision"] == "consensus"
    assert result.summary["abstention"] == "does_not_block"
    assert voting["can_block_alone"].all()
    assert not table.loc[["erfurt", "weimar"], "can_block_alone"].any()
    # city regions: the single-city regions block alone, members of larger ones do not
    regions = evaluate_scenario(read_scenario(SCENARIOS / "city-regions-2012-consensus.yaml"))
    blocking = regions.members["can_block_alone"]
    assert blocking["leipzig"]
    assert blocking[["chemnitz", "zwickau"]].all()  # both must agree: each blocks
    assert not blocking[["jena", "erfurt", "weimar"]].any()  # 2 of 3 decide inside
    # passage of the other seven blocs: five single cities and ImPuls 1/2, C-Z 1/4
    assert regions.members.loc["leipzig", "banzhaf_absolute"] == pytest.approx(1 / 2**8)
    assert regions.summary["coleman_act"] == pytest.approx(1 / 2**9)


def test_impuls_region_as_one_bloc_versus_three_cities_versus_through_jena():
    names = [
        "network-2012.yaml",
        "network-2012-impuls-bloc.yaml",
        "network-2012-impuls-cities.yaml",
    ]
    comparison = compare_scenarios([read_scenario(SCENARIOS / n) for n in names])
    wide = comparison.wide
    through, bloc, cities = (f"{n[:-5]}:banzhaf_absolute" for n in names)
    # inside the bloc of three cities (2 of 3) each swings with prob 1/2; the bloc in
    # the body of nine: C(8, 4)/2**8
    assert wide.loc["jena", bloc] == pytest.approx(comb(8, 4) / 2**8 / 2)
    assert wide.loc["jena", through] > wide.loc["jena", bloc]
    assert wide.loc["erfurt", through] == 0 < wide.loc["erfurt", bloc]
    # three members of eleven: decisive iff exactly 5 of the other 10 say yes
    assert wide.loc["erfurt", cities] == pytest.approx(comb(10, 5) / 2**10)
    assert wide.loc["leipzig", cities] == pytest.approx(comb(10, 5) / 2**10)
    blocs = comparison.blocs.set_index(["scenario", "bloc"])
    assert blocs.loc[("network-2012-impuls-bloc", "impuls"), "passage_probability"] == 1 / 2
    assert (comparison.members["kind"] != "district").all()  # cities only


def test_halle_leipzig_variants_two_votes_keep_what_merging_with_one_vote_costs():
    """One vote: Leipzig and Halle lose power. Two votes: each keeps exactly its power
    as a separate city region (with X the yes-votes of the other six blocs and H Halle:
    P(X + H = 4) = ½P(X ∈ {3, 4}) = P(Halle yes)·P(joint bloc decisive)); the others
    lose."""
    names = [
        "city-regions-2012.yaml",
        "city-regions-2012-halle-leipzig-one-vote.yaml",
        "city-regions-2012-halle-leipzig-two-votes.yaml",
        "city-regions-2012-halle-leipzig-districts-one-vote.yaml",
        "city-regions-2012-halle-leipzig-districts-two-votes.yaml",
    ]
    comparison = compare_scenarios([read_scenario(SCENARIOS / n) for n in names])
    power = {r.scenario.name: r.members["banzhaf_absolute"] for r in comparison.results}
    base, one, two, d_one, d_two = (power[n[:-5]] for n in names)
    assert one["leipzig"] < base["leipzig"]
    assert two["leipzig"] == pytest.approx(base["leipzig"], abs=1e-15)
    assert two["halle"] == pytest.approx(base["halle"], abs=1e-15)
    assert two["dresden"] < base["dresden"]
    # with its three districts (3 of 5 decide inside) the joint region grows its members
    assert set(d_one.index) - set(one.index) == {"saalekreis", "lk-leipzig", "nordsachsen"}
    assert d_two["saalekreis"] > d_one["saalekreis"]
    districts = comparison.members[comparison.members["kind"] == "district"]
    assert set(districts["scenario"]) == {n[:-5] for n in names[3:]}
    counts = comparison.summary.set_index("scenario")["blocs"]
    assert counts[names[1][:-5]] == counts[names[2][:-5]] == 7
    # chain rule == enumeration of the flattened body
    from tests.support.brute_force import flat_banzhaf

    for result in comparison.results:
        flat = dict(zip(result.game.members, flat_banzhaf(result.game), strict=True))
        assert {m: F(float(v)) for m, v in flat.items()} == {
            m: F(float(result.members.loc[m, "banzhaf_absolute"])) for m in flat
        }


def test_association_2014_board_split():
    result = evaluate_scenario(read_scenario(SCENARIOS / "association-2014.yaml"))
    table = result.members
    # board [5; 4, 4]: both sides must agree. Public side: 12 members, ≥ 7 needed.
    public = F(comb(11, 6), 2**11) * F(1, 2)
    business = F(sum(comb(12, k) for k in range(7, 13)), 2**12)
    assert table.loc["leipzig", "banzhaf_absolute"] == pytest.approx(float(public))
    assert table.loc["business", "banzhaf_absolute"] == pytest.approx(float(business))
    assert pd.isna(table.loc["business", "power_per_inhabitant"])
    assert table.loc["leipzig", "fee"] == pytest.approx(0.119 * _population("14713000"))
    assert table.loc["lk-leipzig", "population"] == _population("14729")


def test_association_2014_business_side_as_its_members_reverses_the_ratio():
    """60 business members deciding by majority (31 of 60): a company is decisive when
    exactly 30 of the other 59 say yes and the public side says yes (1586/4096); a city
    when exactly 6 of the other 11 say yes and the business side says yes."""
    one = evaluate_scenario(read_scenario(SCENARIOS / "association-2014.yaml")).members
    result = evaluate_scenario(
        read_scenario(SCENARIOS / "association-2014-business-members.yaml"),
        rng=np.random.default_rng(0),
    )
    table = result.members
    public_passes = F(sum(comb(12, k) for k in range(7, 13)), 2**12)
    business_passes = F(sum(comb(60, k) for k in range(31, 61)), 2**60)
    company = F(comb(59, 30), 2**59) * public_passes
    city = F(comb(11, 6), 2**11) * business_passes
    assert table.loc["company-07", "banzhaf_absolute"] == pytest.approx(float(company))
    assert table.loc["leipzig", "banzhaf_absolute"] == pytest.approx(float(city))
    assert round(float(company), 3) == 0.040
    assert round(float(city), 3) == 0.101
    assert one.loc["business", "banzhaf_absolute"] > 3 * one.loc["leipzig", "banzhaf_absolute"]
    assert table.loc["company-07", "banzhaf_absolute"] < table.loc["leipzig", "banzhaf_absolute"]
    # 72 members: Shapley-Shubik of the flattened body is estimated, with intervals
    assert result.summary["shapley_method"].startswith("Monte Carlo")
    assert (table["shapley_shubik_ci_low"] <= table["shapley_shubik_ci_high"]).all()


def test_compare_writes_tables(tmp_path):
    comparison = compare_scenarios([read_scenario(p) for p in sorted(SCENARIOS.glob("*.yaml"))])
    files = write_comparison(comparison, tmp_path)
    assert sorted(p.name for p in files) == [
        "assumptions.csv",
        "blocs.csv",
        "members.csv",
        "summary.csv",
        "wide.csv",
    ]
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) == len(list(SCENARIOS.glob("*.yaml"))) == 17
    assert set(summary["decision"]) == {"simple", "qualified", "consensus"}
    # every scenario states its undocumented rules, in the summary and in their own table
    assumptions = pd.read_csv(tmp_path / "assumptions.csv")
    assert set(assumptions["scenario"]) == set(summary["scenario"])
    network = assumptions[assumptions["scenario"] == "network-2012"]["assumption"]
    assert network.str.contains("Gemeinsamer Ausschuss were NOT FOUND").any()
    counts = assumptions.groupby("scenario").size()
    assert summary.set_index("scenario")["assumptions"].to_dict() == counts.to_dict()
    assert "network-2012:power_per_inhabitant" in pd.read_csv(tmp_path / "wide.csv").columns


def test_registry_composes_the_documented_network():
    from cityregions.io.registry_yaml import read_registry

    registry = read_registry(bundled_case_path() / "registry")
    documented = read_scenario(SCENARIOS / "network-2012.yaml")
    population = {m.id: m.population for m in documented.members}
    scenario = scenario_from_registry(
        registry, "mmd-network", as_of=dt.date(2012, 6, 30), population=population
    )
    ours = evaluate_scenario(scenario).members["banzhaf_absolute"]
    theirs = evaluate_scenario(documented).members["banzhaf_absolute"]
    assert ours.sort_index().equals(theirs.sort_index())


def test_pipeline_step(tmp_path):
    from cityregions.pipeline.results import CaseResults
    from cityregions.pipeline.steps import partnership_step

    case = load_case(bundled_case_path())
    results = CaseResults(case=case, out_dir=tmp_path)
    partnership_step(case, results)
    assert results.partnership is not None
    assert len(results.partnership.results) == len(results.partnership.scenarios) > 1
    assert (tmp_path / "partnership" / "members.csv").is_file()
    assert any(n.kind == "modeled" for n in results.provenance if n.section == "partnership")


# ------------------------------------------------------------------ bad scenario files
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_bloc_without_members(tmp_path):
    path = _write(
        tmp_path / "s.yaml",
        "name: s\nmembers: [{id: a, bloc: x}]\nblocs: [{id: x}, {id: empty}]\n",
    )
    with pytest.raises(InputError, match="bloc 'empty' has no members"):
        read_scenario(path)


def test_scenario_member_twice_and_unknown_keys(tmp_path):
    twice = _write(tmp_path / "t.yaml", "name: t\nmembers: [{id: a, bloc: x}, {id: a, bloc: y}]\n")
    with pytest.raises(InputError, match="member 'a' is listed in bloc 'x' and in bloc 'y'"):
        read_scenario(twice)
    typo = _write(tmp_path / "u.yaml", "name: u\nmembers: [{id: a, bloc: x, popluation: 3}]\n")
    with pytest.raises(InputError, match=r"members\.0, field .popluation.: unknown key"):
        read_scenario(typo)


def test_rule_needing_population_names_member(tmp_path):
    path = _write(
        tmp_path / "p.yaml",
        "name: p\nmembers: [{id: a, bloc: x, population: 5}, {id: b, bloc: y}]\n"
        "top: {representation: proportional}\n",
    )
    with pytest.raises(InputError, match=r"rule 'proportional'.*member 'y'"):
        evaluate_scenario(read_scenario(path))


def test_variant_changes_and_toml(tmp_path):
    _write(
        tmp_path / "base.toml",
        'name = "base"\n[[members]]\nid = "a"\nbloc = "a"\n[[members]]\nid = "b"\nbloc = "b"\n'
        '[[members]]\nid = "c"\nbloc = "c"\n',
    )
    variant = _write(
        tmp_path / "v.yaml",
        "name: v\nbase: base.toml\nchanges:\n  regroup: {b: a}\n  top: {share: 0.9}\n",
    )
    scenario = read_scenario(variant)
    assert scenario.bloc_ids() == ["a", "c"]
    assert (scenario.top.kind, scenario.top.threshold, scenario.top.strict) == (
        "qualified",
        0.9,
        True,
    )  # share: 0.9 of the file = more than 90 %
    with pytest.raises(InputError, match="cannot regroup member 'zz'"):
        read_scenario(
            _write(tmp_path / "w.yaml", "name: w\nbase: base.toml\nchanges: {regroup: {zz: a}}\n")
        )


# ------------------------------------------------------------------ command line
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", "partnership", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_power_and_bad_input(tmp_path):
    weights = _write(tmp_path / "w.csv", "member,weight\nDE,4\nFR,4\nIT,4\nBE,2\nNL,2\nLU,1\n")
    out = tmp_path / "out.csv"
    done = _cli("power", "--weights", str(weights), "--quota", "12", "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table.columns[:5]) == [
        "member",
        "weight",
        "banzhaf",
        "banzhaf_absolute",
        "shapley_shubik",
    ]
    assert table["banzhaf"].tolist()[:4] == pytest.approx([5 / 21] * 3 + [1 / 7])
    assert table.loc[5, "dummy"]

    bad = tmp_path / "bad.csv"
    cases = {
        "member,weight\nA,1\nA,2\n": "listed twice",
        "member,weight\nA,1\nB,-2\n": "'B'",
        "member,weight\nA,1\nB,x\n": "not a number",
    }
    for text, message in cases.items():
        _write(bad, text)
        target = tmp_path / "never.csv"
        done = _cli("power", "--weights", str(bad), "--quota", "2", "--out", str(target))
        assert done.returncode == 2
        assert message in done.stderr
        assert not target.exists()
    target = tmp_path / "never.csv"
    done = _cli(
        "power", "--weights", str(weights), "--quota", "40%", "--strict", "--out", str(target)
    )
    assert done.returncode == 2
    assert "not proper" in done.stderr
    assert not target.exists()


def test_cli_compare(tmp_path):
    out = tmp_path / "cmp"
    done = _cli(
        "compare",
        str(SCENARIOS / "network-2012.yaml"),
        str(SCENARIOS / "association-2014.yaml"),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert (out / "summary.csv").is_file()
    bad = _write(tmp_path / "bad.yaml", "name: b\nmembers: []\nblocs: [{id: x}]\n")
    done = _cli("compare", str(bad), "--out", str(tmp_path / "none"))
    assert done.returncode == 2
    assert "bloc 'x' has no members" in done.stderr
    assert not (tmp_path / "none").exists()


def test_registry_two_stage_target_model_scenario_file():
    result = evaluate_scenario(read_scenario(SCENARIOS / "registry-city-regions-2012.yaml"))
    assert result.summary["blocs"] == 8
    assert result.members.loc["jena", "bloc"] == "impuls-kag"
    # districts sum their municipalities; Zwickau (a town in LK Zwickau) its own
    assert result.members.loc["boerde", "population"] == _population("15083")
    assert result.members.loc["zwickau", "population"] == _population("14524330")
    from tests.support.brute_force import flat_banzhaf

    flat = flat_banzhaf(result.game)
    assert [float(x) for x in flat] == pytest.approx(
        result.members.loc[list(result.game.members), "banzhaf_absolute"].tolist(), abs=1e-15
    )


def test_registry_target_model_by_consensus():
    """All eight city regions must pass: A = product of the blocs' passage chances,
    (5/16)**2 (4 members, 3 needed) · (1/4)**3 (2 members, both) · (1/2)**3 (1 member;
    3 members, 2 needed) = 25/131072; the members of the one- and two-member city
    regions can block alone, those of larger ones cannot."""
    from fractions import Fraction

    result = evaluate_scenario(
        read_scenario(SCENARIOS / "registry-city-regions-2012-consensus.yaml")
    )
    assert result.summary["decision"] == "consensus"
    assert result.summary["coleman_act"] == pytest.approx(float(Fraction(25, 131072)))
    blockers = set(result.members.index[result.members["can_block_alone"]])
    assert blockers == {"leipzig", "gera", "halle", "saalekreis", "dresden", "dohna",
                        "chemnitz", "zwickau"}  # fmt: skip
    from tests.support.brute_force import flat_banzhaf

    flat = flat_banzhaf(result.game)
    assert [float(x) for x in flat] == pytest.approx(
        result.members.loc[list(result.game.members), "banzhaf_absolute"].tolist(), abs=1e-15
    )


def test_absolute_quota_means_at_least_like_the_power_command():
    population = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0})
    from cityregions.partnership.compare import body_game
    from cityregions.partnership.scenarios import ScenarioRule

    at_least, _ = body_game(
        population,
        ScenarioRule.model_validate(
            {"representation": "fixed", "fixed": {"a": 7, "b": 5, "c": 4}, "quota": 9}
        ),
        what="rpv",
    )
    assert str(at_least) == "[9; 7, 5, 4]"
    majority, _ = body_game(population, ScenarioRule(representation="equal"), what="x")
    assert str(majority) == "[2; 1, 1, 1]"  # share 0.5: more than half


def test_double_majority_rule_in_a_scenario():
    from cityregions.partnership.compare import body_game
    from cityregions.partnership.scenarios import ScenarioRule

    population = pd.Series({"A": 50.0, "B": 30.0, "C": 15.0, "D": 5.0})
    rule = ScenarioRule.model_validate(
        {"representation": "proportional", "share": 0.65, "more_than": False,
         "members_share": 0.75}
    )  # fmt: skip
    game, _ = body_game(population, rule, what="council")
    from cityregions.partnership.voting import voting_power

    assert voting_power(game).banzhaf_absolute == (F(1, 2), F(1, 4), F(1, 4), F(1, 4))
    absolute = ScenarioRule.model_validate(
        {"representation": "fixed", "fixed": {"A": 7, "B": 5, "C": 4, "D": 0}, "quota": 9,
         "members_share": 0.5}
    )  # fmt: skip
    game, _ = body_game(population, absolute, what="council")
    assert str(game) == "(weight ≥ 9 AND members ≥ 2)"


def test_association_2014_power_to_act_by_hand():
    """Board 4 + 4 with 5 of 8 seats: both sides must agree (governance-facts §2.3)."""
    result = evaluate_scenario(read_scenario(SCENARIOS / "association-2014.yaml"))
    # public side: 12 territorial members, more than half = at least 7 of 12
    public = sum(comb(12, k) for k in range(7, 13)) / 2**12  # 1586/4096
    assert result.summary["coleman_act"] == pytest.approx(public * 0.5, abs=1e-15)
    members = result.members
    # a city is decisive in its side (exactly 6 of the other 11 say yes) and the
    # business side says yes (probability 1/2)
    assert members.loc["leipzig", "banzhaf_absolute"] == pytest.approx(
        comb(11, 6) / 2**11 * 0.5, abs=1e-15
    )
    assert members.loc["business", "banzhaf_absolute"] == pytest.approx(public, abs=1e-15)
    # the public side by consensus: all 12 must agree (1/4096), each can block its side
    consensus = evaluate_scenario(read_scenario(SCENARIOS / "association-2014-consensus.yaml"))
    assert consensus.summary["coleman_act"] == pytest.approx(1 / 2**12 * 0.5, abs=1e-15)
    assert consensus.members.loc["leipzig", "banzhaf_absolute"] == pytest.approx(
        1 / 2**11 * 0.5, abs=1e-15
    )


def test_variant_keeps_base_assumptions():
    base = read_scenario(SCENARIOS / "city-regions-2012.yaml")
    variant = read_scenario(SCENARIOS / "city-regions-2012-penrose.yaml")
    assert variant.assumptions[: len(base.assumptions)] == base.assumptions
    assert variant.assumptions[-1].startswith("Variant")


def test_city_regions_2012_power_to_act_by_hand():
    """8 blocs, at least 5 must pass: six one-city blocs and ImPuls (2 of 3) pass with
    probability 1/2, Chemnitz-Zwickau (both must agree) with 1/4."""
    from fractions import Fraction
    from itertools import product

    passage = [Fraction(1, 2)] * 7 + [Fraction(1, 4)]
    act = Fraction(0)
    for votes in product((0, 1), repeat=8):
        if sum(votes) >= 5:
            chance = Fraction(1)
            for yes, p in zip(votes, passage, strict=True):
                chance *= p if yes else 1 - p
            act += chance
    assert act == Fraction(151, 512)
    result = evaluate_scenario(read_scenario(SCENARIOS / "city-regions-2012.yaml"))
    assert result.summary["coleman_act"] == float(act)
    # a priori unions: Owen = φ(bloc in the body)·φ(member in the bloc) = 1/8 · 1/2
    assert result.members.loc["chemnitz", "owen"] == pytest.approx(1 / 16)
    assert result.members.loc["jena", "owen"] == pytest.approx(1 / 24)
    # Banzhaf–Owen = β'(bloc; others at ½) · β'(member in bloc) = C(7,4)/2**7 · 1/2
    assert result.members.loc["chemnitz", "banzhaf_owen"] == pytest.approx(35 / 128 / 2)
