"""``cityregions governance check|analyze`` and the pipeline step."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from cityregions.cli.main import main
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path, load_case

CASE = bundled_case_path()


def run_cli(*args: str | Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["cityregions", *map(str, args)])
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_check_accepts_the_bundled_registry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("governance", "check", CASE / "registry", monkeypatch=monkeypatch) == 0
    assert "actors" in capsys.readouterr().err


def test_check_lists_every_problem_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(
        "actors:\n"
        "  - {id: x, name: X, kind: city, sources: [https://x.org]}\n"
        "  - {id: x, name: X2, kind: city, sources: [https://x.org]}\n"
        "bodies:\n"
        "  - {id: b, name: B, kind: cooperation, body_level: city_region, sources: [https://x.org]}\n"
        "memberships:\n"
        "  - {id: m1, member: ghost, body: b, sources: [https://x.org]}\n"
        "  - {id: m2, member: x, body: b, valid_from: '2012-13-01', sources: [https://x.org]}\n"
        "  - {id: m3, member: x, body: b, valid_from: '2015', valid_to: '2014',"
        " sources: [https://x.org]}\n"
    )
    (tmp_path / "b.yaml").write_text("- not a mapping\n")
    code = run_cli("governance", "check", tmp_path, monkeypatch=monkeypatch)
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    for expected in ("duplicate actor/body id 'x'", "unknown member id 'ghost'",
                     "month 13 does not exist", "valid_to 2014 is before valid_from 2015",
                     "expected a mapping", "5 problem(s)"):  # fmt: skip
        assert expected in err, expected


def write_toy_inputs(folder: Path) -> dict[str, Path]:
    units = pd.DataFrame({
        "unit": ["14713", "14730", "15002", "15088"],
        "name": ["Leipzig", "Nordsachsen", "Halle", "Saalekreis"],
        "state": ["14", "14", "15", "15"],
        "population": [587857, 197673, 239257, 184582],
    })  # fmt: skip
    flows = pd.DataFrame(
        [("14713", "14713", 159280), ("14730", "14730", 43185), ("15002", "15002", 53947),
         ("15088", "15088", 35102), ("14730", "14713", 17752), ("14713", "14730", 10912),
         ("15088", "15002", 18520), ("15002", "15088", 10539), ("15002", "14713", 4817),
         ("14713", "15002", 3698), ("15088", "14713", 5212), ("14713", "15088", 3060)],
        columns=["origin", "destination", "value"],
    )  # fmt: skip
    registry = folder / "registry.yaml"
    registry.write_text(
        "actors:\n"
        "  - {id: leipzig, name: Leipzig, kind: city, units: ['14713'], sources: [https://x.org]}\n"
        "  - {id: ns, name: Nordsachsen, kind: district, units: ['14730'], sources: [https://x.org]}\n"
        "  - {id: halle, name: Halle, kind: city, units: ['15002'], sources: [https://x.org]}\n"
        "  - {id: sk, name: Saalekreis, kind: district, units: ['15088'], sources: [https://x.org]}\n"
        "bodies:\n"
        "  - {id: rpv, name: RPV, kind: planning_association, body_level: city_region,"
        " sources: [https://x.org]}\n"
        "  - {id: rpg, name: RPG, kind: planning_association, body_level: city_region,"
        " sources: [https://x.org]}\n"
        "memberships:\n"
        "  - {member: leipzig, body: rpv, sources: [https://x.org]}\n"
        "  - {member: ns, body: rpv, sources: [https://x.org]}\n"
        "  - {member: halle, body: rpg, sources: [https://x.org]}\n"
        "  - {member: sk, body: rpg, sources: [https://x.org]}\n"
    )
    labels = folder / "labels.csv"
    pd.DataFrame({"unit": units["unit"], "region": ["L", "L", "L", "L"]}).to_csv(
        labels, index=False
    )
    units.to_csv(folder / "units.csv", index=False)
    flows.to_csv(folder / "flows.csv", index=False)
    return {"registry": registry, "units": folder / "units.csv",
            "flows": folder / "flows.csv", "labels": labels}  # fmt: skip


def test_analyze_writes_metrics_fit_gaps_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_toy_inputs(tmp_path)
    out = tmp_path / "out"
    code = run_cli(
        "governance", "analyze", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--labels", files["labels"], "--as-of", "2016-06-30",
        "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    gaps = pd.read_csv(out / "gaps.csv", dtype={"unit_a": str, "unit_b": str})
    first = gaps.iloc[0]
    assert (first["unit_a"], first["unit_b"], first["flow_total"]) == ("15002", "15088", 29059)
    cross = gaps[gaps["cross_state"]].set_index(["unit_a", "unit_b"])
    assert cross.loc[("14713", "15002"), "flow_total"] == 8515
    assert cross["gap"].all()
    fit = pd.read_csv(out / "fit_overall.csv", index_col=0)["value"]
    assert float(fit["internal_share_areas"]) == pytest.approx(
        (17752 + 10912 + 18520 + 10539)
        / (17752 + 10912 + 18520 + 10539 + 4817 + 3698 + 5212 + 3060)
    )
    assert nx.read_gexf(out / "network.gexf").number_of_nodes() == 6
    for name in ("actor_metrics.csv", "body_metrics.csv", "fit_areas.csv", "areas.csv",
                 "edges.csv", "nodes.csv", "network.graphml", "region_gaps.csv",
                 "fit_regions.csv", "popolo.json"):  # fmt: skip
        assert (out / name).is_file(), name


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("registry", "unknown member id"),
        ("as_of", "field '--as-of': expected an ISO date YYYY, YYYY-MM or YYYY-MM-DD"),
        ("units_in_registry", "unknown unit '99999'"),
        ("labels", "missing column 'region'"),
        ("labels_other_units", "labels.csv, field 'unit': 3 of 4 units have no region"),
        ("min_share", "min_share must lie in [0, 1]"),
        ("min_flow", "min_flow must be 0 or more"),
        ("out_is_file", "is a file, not a folder"),
        ("flows_empty", "flows.csv: the file is empty"),
        ("out_commuters", "unit 15002, field 'oc': out-commuters must be a number >= 0, got 'n/a'"),
    ],
)
def test_analyze_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: str,
    expected: str,
) -> None:
    files = write_toy_inputs(tmp_path)
    as_of = "2016-06-30"
    text = files["registry"].read_text()
    if change == "registry":
        files["registry"].write_text(text + "  - {member: ghost, body: rpv, sources: [x]}\n")
    elif change == "as_of":
        as_of = "2012-13-01"
    elif change == "units_in_registry":
        files["registry"].write_text(text.replace("units: ['14713']", "units: ['99999']"))
    elif change == "labels":
        files["labels"].write_text("unit,cluster\n14713,1\n")
    elif change == "labels_other_units":
        files["labels"].write_text("unit,region\n14713,L\n99999,X\n")
    elif change == "flows_empty":
        files["flows"].write_text("")
    elif change == "out_commuters":
        units = pd.read_csv(files["units"], dtype=str)
        units["oc"] = ["30000", "40000", "n/a", ""]
        units.to_csv(files["units"], index=False)
    out = tmp_path / "out"
    options = {
        "min_share": ["--min-share", "1.5"],
        "min_flow": ["--min-flow", "-1"],
        "out_commuters": ["--out-commuters", "oc"],
    }
    if change == "out_is_file":
        out.write_text("not a folder")
    code = run_cli(
        "governance", "analyze", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--labels", files["labels"], "--as-of", as_of,
        "--out", out, *options.get(change, []), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2
    assert expected in " ".join(capsys.readouterr().err.split())
    assert out.is_file() if change == "out_is_file" else not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_analyze_writes_nothing_when_an_export_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cityregions.io.result_tables as writers

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writers, "write_graphml", broken)
    files = write_toy_inputs(tmp_path)
    out = tmp_path / "out"
    code = run_cli(
        "governance", "analyze", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2
    assert "disk full" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []  # no file, no temporary left
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pipeline_step_on_the_bundled_case(tmp_path: Path) -> None:
    from cityregions.pipeline.results import CaseResults
    from cityregions.pipeline.steps import governance_step

    case = load_case(CASE)
    results = CaseResults(case=case, out_dir=tmp_path)
    governance_step(case, results)
    section = results.governance
    assert section.as_of == dt.date(2016, 6, 30)  # case.toml: the flows' reference date
    assert set(section.snapshots) == {dt.date(2012, 6, 30), dt.date(2015, 6, 30)}
    assert {"actor_metrics_2012-06-30.csv", "actor_metrics_2015-06-30.csv"} <= {
        path.name for path in results.files
    }  # files still name the dates as YYYY-MM-DD
    gaps = section.gaps.set_index(["unit_a", "unit_b"])
    assert gaps.loc[("14713", "15002"), "gap"]  # Halle–Leipzig across the border
    assert section.summary()["cross_state_gaps"] >= 1
    kind = case.flows.flows_provenance  # the bundled flows say what they are
    assert any(kind in w for w in section.warnings) == (kind != "observed")
    assert all(path.is_file() for path in results.files)
    written = {path.name: path for path in results.files}
    assert set(pd.read_csv(written["gaps.csv"])["flows"]) == {kind}
    overall = pd.read_csv(written["fit_overall.csv"], index_col=0)["value"]
    assert overall["flows"] == kind
    kinds = {(n.item, n.kind) for n in results.provenance if n.section == "governance"}
    assert ("registry", "fact") in kinds
    assert ("flows", kind) in kinds
    # the study area is the registry's reach, the series and recommendations are there
    assert section.study_area is not None
    assert len(section.study_area) == 50
    assert {"timeline.csv", "recommendations.csv", "network.dl", "assumptions.csv",
            "exit_members.csv"} <= set(written)  # fmt: skip
    assert read_registry(CASE / "registry") == section.registry


@pytest.mark.shared
def test_analyze_on_observed_district_flows(
    kreise_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str, "state": str})
    flows = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    diagonal = pd.DataFrame({
        "origin": units["ags"], "destination": units["ags"],
        "value": units["employees_svb"] - units["out_commuters_total"],
    })  # fmt: skip
    flows = flows.rename(columns={"commuters": "value"})[["origin", "destination", "value"]]
    pd.concat([flows, diagonal]).to_csv(tmp_path / "flows.csv", index=False)
    units.rename(columns={"ags": "unit"}).to_csv(tmp_path / "units.csv", index=False)
    out = tmp_path / "out"
    code = run_cli(
        "governance", "analyze", CASE / "registry", "--units", tmp_path / "units.csv",
        "--flows", tmp_path / "flows.csv", "--as-of", "2016-06-30", "--states", "14,15,16",
        "--out-commuters", "out_commuters_total", "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    gaps = pd.read_csv(out / "gaps.csv", dtype={"unit_a": str, "unit_b": str})
    gaps = gaps.set_index(["unit_a", "unit_b"])
    assert set(gaps.index.get_level_values(0).str[:2]) <= {"14", "15", "16"}
    row = gaps.loc[("14713", "15002")]
    assert (row["flow_ab"], row["flow_ba"]) == (3698, 4817)
    assert row["share_ba"] == pytest.approx(4817 / 29226)
    assert bool(row["gap"])
    assert bool(row["cross_state"])
    assert row["flows"] == "observed"
    # the summary names states and units (the files keep the keys)
    printed = " ".join(capsys.readouterr().err.split())
    assert "openness Sachsen more closed than random mixing" in printed
    assert "strongest action: a new cross-border body of 6 units: Leipzig," in printed


def test_pipeline_step_names_the_case_field_of_a_bad_date(tmp_path: Path) -> None:
    from cityregions import InputError
    from cityregions.pipeline.results import CaseResults
    from cityregions.pipeline.steps import governance_step

    case = load_case(CASE)
    case.config["registry"] = {**case.config["registry"], "as_of": "2015-13-01"}
    with pytest.raises(InputError) as caught:
        governance_step(case, CaseResults(case=case, out_dir=tmp_path))
    assert str(caught.value).startswith(
        f"{CASE / 'case.toml'}, [registry], field 'as_of': expected an ISO date"
    )
    assert not list(tmp_path.iterdir())  # nothing written


def test_recommend_ranks_the_actions_into_a_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Toy: RPV {Leipzig, Nordsachsen}, RPG {Halle, Saalekreis}; gaps Leipzig–Halle and
    Leipzig–Saalekreis (8,515 + 8,272 commuters)."""
    files = write_toy_inputs(tmp_path)
    out = tmp_path / "rec.csv"
    code = run_cli(
        "governance", "recommend", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--as-of", "2016-06-30", "--out", out,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, dtype={"units": str}, keep_default_na=False)
    assert list(table.columns) == ["rank", "action", "body", "units", "covered_commuters",
                                   "cross_state", "note"]  # fmt: skip
    rows = {(r.action, r.body, r.units): r.covered_commuters for r in table.itertuples()}
    assert rows[("cooperate", "rpg+rpv", "")] == 8515 + 8272
    assert rows[("join", "rpg", "14713")] == 8515 + 8272  # no legal limit in this registry
    assert rows[("new_body", "", "14713;15002;15088")] == 8515 + 8272
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["cross_state"].head(3).all()
    # join, cooperation and new body close the same two ties: alternatives of rank 1
    assert table["note"].head(3).str.contains("same ties as rank 1").tolist() == [
        False, True, True]  # fmt: skip
    printed = " ".join(capsys.readouterr().err.split())
    # bodies and units by name on the screen (the CSV keeps the ids)
    assert "1. Leipzig joins RPG: 16787 commuters" in printed
    assert "2. two bodies cooperate: RPG, RPV: 16787 commuters (same ties as rank 1)" in printed
    assert "3. new cross-border body: Leipzig, Halle, Saalekreis: 16787 commuters" in printed


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--study-area", "01"], "field '--study-area': no unit lies in the states 01"),
        (["--study-area", "LIST"], "no commuting between any two units of the study area"),
        (["--body", "ghost"], "field 'body': unknown body id 'ghost'"),
        (["--study-area", "nowhere.csv"], "neither state keys"),
        (["--min-share", "2"], "min_share must lie in [0, 1]"),
    ],
)
def test_recommend_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    expected: str,
) -> None:
    files = write_toy_inputs(tmp_path)
    (tmp_path / "list.txt").write_text("14713\n")  # one unit: no commuting between two
    options = [str(tmp_path / "list.txt") if o == "LIST" else o for o in options]
    out = tmp_path / "rec.csv"
    code = run_cli(
        "governance", "recommend", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--as-of", "2016-06-30", "--out", out, *options,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2
    assert expected in " ".join(capsys.readouterr().err.split())
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_analyze_with_a_study_area_and_the_ucinet_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_toy_inputs(tmp_path)
    out = tmp_path / "out"
    code = run_cli(
        "governance", "analyze", files["registry"], "--units", files["units"],
        "--flows", files["flows"], "--as-of", "2016-06-30", "--study-area", "14",
        "--permutations", "19", "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    gaps = pd.read_csv(out / "gaps.csv", dtype={"unit_a": str, "unit_b": str})
    assert set(gaps["unit_a"]) | set(gaps["unit_b"]) == {"14713", "14730"}
    err = " ".join(capsys.readouterr().err.split())
    assert "study area states 14 (2 units; 3 strong ties outside it left out)" in err
    assert "19 permutations, seed 0" in err
    assert "strongest action: none (recommendations.csv)" in err  # RPV covers its two units
    assert (out / "network.dl").read_text().startswith("DL NR=2, NC=1")
    assert (out / "study_area.csv").read_text().splitlines() == [
        "unit,how", "14713,states", "14730,states"
    ]  # fmt: skip
