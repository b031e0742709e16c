"""Bad input to ``cityregions partnership power`` and ``compare``, run in-process.

Every case must end with one message naming the file (and member, rule, line or field),
exit code 2, no traceback and nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning
from cityregions.cli.main import main

SCENARIOS = Path(__file__).parents[2] / "src/cityregions/cases/mitteldeutschland/scenarios"
EEC = "member,weight\nDE,4\nFR,4\nIT,4\nBE,2\nNL,2\nLU,1\n"


def _run(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["cityregions", "partnership", *args])
    try:
        main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, " ".join(err.split())  # rich wraps long lines


def _power(monkeypatch, capsys, weights: Path, quota: str, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    args = ("--weights", str(weights), "--quota", quota, "--out", str(out), *extra)
    return _run(monkeypatch, capsys, "power", *args)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "quota", "expected"),
    [
        (None, "12", "weights.csv: file does not exist"),
        ("", "12", "weights.csv: the file is empty"),
        ("name,votes\nA,1\n", "1", "field 'member': column 'member' is missing"),
        ("member,weight\n", "1", "weights.csv: the table has a header but no data rows"),
        ("member,weight\nA,4\nB,-1\n", "3", "line 3, field 'weight': weight of member 'B'"),
        ("member,weight\nA,4\nB,four\n", "3", "line 3, field 'weight': weight of member 'B'"),
        ("member,weight\nA,4\nB,3\nA,2\n", "5", "line 4, field 'member': member 'A' is listed"),
        (EEC, "18", "field 'quota': quota 18.0 is above the total weight 17"),
        (EEC, "0.5", "write it with a percent sign, e.g. '50%'"),
        (EEC, "150%", "neither a positive number nor a percentage"),
    ],
)
def test_power_bad_input(tmp_path, monkeypatch, capsys, text, quota, expected):
    weights = tmp_path / "weights.csv"
    if text is not None:
        _write(weights, text)
    out = tmp_path / "out.csv"
    code, err = _power(monkeypatch, capsys, weights, quota, out)
    assert code == 2
    assert expected in err
    assert not out.exists()


def test_power_reads_german_and_excel_style_tables(tmp_path, monkeypatch, capsys):
    # ';'-separated with a decimal comma and a byte-order mark; column names in any case
    weights = tmp_path / "w.csv"
    weights.write_bytes("\ufeffMember;Weight\nA;4,5\nB;4\nC;4\n".encode())
    out = tmp_path / "out.csv"
    code, err = _power(monkeypatch, capsys, weights, "60%", out)
    assert code == 0, err
    # 60 % of 12.5 = 7.5: any two members pass -> [15; 9, 8, 8] after exact scaling
    assert "[15; 9, 8, 8]" in err
    table = pd.read_csv(out)
    assert table["weight"].tolist() == [4.5, 4, 4]
    assert table["banzhaf_absolute"].tolist() == [0.5, 0.5, 0.5]


def test_power_quota_forms(tmp_path, monkeypatch, capsys):
    weights = _write(tmp_path / "w.csv", EEC)
    out = tmp_path / "out.csv"
    # 66.7 % of 17 = 11.339 -> at least 12: the EEC game
    code, err = _power(monkeypatch, capsys, weights, "66.7%", out)
    assert code == 0, err
    assert "[12; 4, 4, 4, 2, 2, 1]" in err
    assert pd.read_csv(out)["banzhaf"].tolist()[0] == pytest.approx(5 / 21)
    # below half: a warning without --strict, an error with it
    low = tmp_path / "low.csv"
    with pytest.warns(DataQualityWarning, match=r"w\.csv: quota 5\.0 is not above half"):
        code, err = _power(monkeypatch, capsys, weights, "5", low)
    assert code == 0
    low.unlink()
    code, err = _power(monkeypatch, capsys, weights, "5", low, "--strict")
    assert code == 2
    assert "w.csv, field 'quota'" in err
    assert not low.exists()


def test_power_output_blocked_or_onto_input(tmp_path, monkeypatch, capsys):
    weights = _write(tmp_path / "w.csv", EEC)
    blocker = _write(tmp_path / "blocker", "")
    code, err = _power(monkeypatch, capsys, weights, "12", blocker / "x.csv")
    assert code == 2
    assert "blocker' is a file, not a folder" in err
    code, err = _power(monkeypatch, capsys, weights, "12", weights)
    assert code == 2
    assert "would overwrite this input file" in err
    assert weights.read_text(encoding="utf-8") == EEC


# the bundled scenario, its population table named by an absolute path (a copy elsewhere)
NETWORK = (
    (SCENARIOS / "network-2012.yaml")
    .read_text(encoding="utf-8")
    .replace("../municipalities.csv", str(SCENARIOS.parent / "municipalities.csv"))
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("missing.yaml", None, "missing.yaml: the scenario file does not exist"),
        ("list.yaml", "- a\n- b\n", "must hold a mapping"),
        ("empty.yaml", "", "must hold a mapping"),
        ("bad.yaml", "name: [open\n", "bad.yaml, line 2, column 1: not valid YAML"),
        ("keys.yaml", "name: k\nmembers: []\ncolour: red\n", "field 'colour': unknown key"),
        (
            "nobase.yaml",
            "name: v\nbase: gone.yaml\n",
            "field 'base': the base scenario 'gone.yaml'",
        ),
        (
            "ghost.yaml",
            "name: g\nmembers: [{id: a, bloc: x}]\nblocs: [{id: x}, {id: ghost}]\n",
            "bloc 'ghost' has no members",
        ),
        (
            "two.yaml",
            "name: t\nmembers: [{id: a, bloc: x}, {id: a, bloc: y}]\n",
            "member 'a' is listed in bloc 'x' and in bloc 'y'",
        ),
        (
            "high.yaml",
            "name: h\nmembers: [{id: a, bloc: a}, {id: b, bloc: b}]\ntop: {quota: 3}\n",
            "high.yaml, top 'metropolitan body', field 'quota': quota 3.0 is above the total",
        ),
        (
            "fixed.yaml",
            "name: f\nmembers: [{id: a, bloc: x}, {id: b, bloc: x}]\n"
            "blocs: [{id: x, rule: {representation: fixed, fixed: {a: 1, b: 1, c: 2}}}]\n",
            "fixed.yaml, bloc 'x', field 'fixed': fixed seats name 'c', which is not a member",
        ),
        (
            "short.yaml",
            "name: s\nmembers: [{id: a, bloc: x}, {id: b, bloc: x}]\n"
            "blocs: [{id: x, rule: {representation: fixed, fixed: {a: 1}}}]\n",
            "short.yaml, bloc 'x', b, field 'seats': fixed seats: no seats given for 'b'",
        ),
        (
            "fees.yaml",
            "name: f\nmembers: [{id: a, bloc: a}, {id: b, bloc: b}]\n"
            "fees: {key: shares, total: 100, shares: {a: 60, b: 30}}\n",
            "fees.yaml, fees, field 'share': cost shares add up to 90 %",
        ),
        (
            "negative.yaml",
            "name: n\nmembers: [{id: a, bloc: x}]\n"
            "blocs: [{id: x, rule: {representation: fixed, fixed: {a: -1}}}]\n",
            "field 'blocs.0.rule.fixed.a': Input should be greater than or equal to 0",
        ),
        (
            "pop.yaml",
            "name: p\nmembers: [{id: a, bloc: x, population: many}]\n",
            "field 'members.0.population'",
        ),
    ],
)
def test_compare_bad_scenario(tmp_path, monkeypatch, capsys, name, text, expected):
    path = tmp_path / name
    if text is not None:
        _write(path, text)
    out = tmp_path / "out"
    code, err = _run(monkeypatch, capsys, "compare", str(path), "--out", str(out))
    assert code == 2
    assert expected in err
    assert not out.exists()


def test_compare_variant_errors(tmp_path, monkeypatch, capsys):
    _write(tmp_path / "network-2012.yaml", NETWORK)
    cases = {
        "add: {add_members: [{id: leipzig, bloc: halle}]}": "cannot add member 'leipzig'",
        "regroup: {regroup: {nobody: x}}": "cannot regroup member 'nobody'",
        "drop: {remove_blocs: [nowhere]}": "cannot remove bloc 'nowhere'",
        "typo: {colour: red}": "field 'colour': unknown key",
    }
    for change, expected in cases.items():
        label, body = change.split(": ", 1)
        path = _write(
            tmp_path / f"{label}.yaml", f"name: {label}\nbase: network-2012.yaml\nchanges: {body}\n"
        )
        code, err = _run(monkeypatch, capsys, "compare", str(path), "--out", str(tmp_path / "o"))
        assert code == 2, change
        assert f"{label}.yaml" in err
        assert expected in err
    assert not (tmp_path / "o").exists()


def test_compare_strict_quota_and_percent_share(tmp_path, monkeypatch, capsys):
    low = _write(tmp_path / "low.yaml", NETWORK.replace("  share: 0.5\n", "  share: 30%\n"))
    out = tmp_path / "out"
    code, err = _run(monkeypatch, capsys, "compare", str(low), "--strict", "--out", str(out))
    assert code == 2
    assert "low.yaml, top 'Gemeinsamer Ausschuss', field 'quota'" in err
    assert not out.exists()
    with pytest.warns(DataQualityWarning, match="low.yaml, top 'Gemeinsamer Ausschuss'"):
        code, err = _run(monkeypatch, capsys, "compare", str(low), "--out", str(out))
    assert code == 0
    # 30 % of 9 votes, more than that: 3 of 9 cities pass a motion
    summary = pd.read_csv(out / "summary.csv")
    assert summary.loc[0, "metropolitan_rule"] == "[3; 1, 1, 1, 1, 1, 1, 1, 1, 1]"


def test_compare_output_blocked_and_no_scenario(tmp_path, monkeypatch, capsys):
    blocker = _write(tmp_path / "blocker", "")
    path = str(SCENARIOS / "network-2012.yaml")
    for target in (blocker, blocker / "sub"):
        code, err = _run(monkeypatch, capsys, "compare", path, "--out", str(target))
        assert code == 2
        assert "blocker' is a file, not a folder" in err
    code, err = _run(monkeypatch, capsys, "compare", "--out", str(tmp_path / "none"))
    assert code == 2
    assert "give at least one scenario file" in err
    assert not (tmp_path / "none").exists()


def test_compare_writes_all_or_nothing(tmp_path, monkeypatch):
    """A failure while writing the third table leaves no table behind."""
    from cityregions.io.result_tables import write_comparison
    from cityregions.io.scenario_files import read_scenario
    from cityregions.partnership.compare import compare_scenarios

    comparison = compare_scenarios([read_scenario(SCENARIOS / "network-2012.yaml")])
    calls = {"n": 0}
    original = pd.DataFrame.to_csv

    def failing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError, match="disk full"):
        write_comparison(comparison, tmp_path / "out")
    assert not list((tmp_path / "out").glob("*"))


def test_compare_registry_member_in_two_city_regions(tmp_path, monkeypatch, capsys):
    import shutil

    case = SCENARIOS.parent
    shutil.copytree(case / "registry", tmp_path / "registry")
    shutil.copy(case / "municipalities.csv", tmp_path / "municipalities.csv")
    with (tmp_path / "registry" / "30_city_regions.yaml").open("a", encoding="utf-8") as f:
        f.write("  - {member: halle, body: regionalforum-leipzig, role: full, sources: [S48]}\n")
    (tmp_path / "scenarios").mkdir()
    scenario = (SCENARIOS / "registry-city-regions-2012.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path / "scenarios" / "overlap.yaml", scenario)
    out = tmp_path / "out"
    code, err = _run(monkeypatch, capsys, "compare", str(path), "--out", str(out))
    assert code == 2
    assert "overlap.yaml, registry ../registry on 2012-06-30, actor 'halle'" in err
    assert "member of both 'regionalforum-halle' and 'regionalforum-leipzig'" in err
    assert not out.exists()


# ------------------------------------------------------------------ power: auto, unions
def test_power_auto_estimates_a_large_body_with_intervals(tmp_path, monkeypatch, capsys):
    """1,240 members with population-like weights: auto answers (no refusal), names the
    method and gives the intervals of every estimate."""
    import numpy as np

    rng = np.random.default_rng(1)
    rows = "\n".join(f"m{i},{w}" for i, w in enumerate(rng.integers(100, 600_000, 1240)))
    weights = _write(tmp_path / "w.csv", "member,weight\n" + rows + "\n")
    out = tmp_path / "p.csv"
    code, err = _power(monkeypatch, capsys, weights, "50%", out, "--more-than", "--samples", "2000")
    assert code == 0, err
    frame = pd.read_csv(out)
    assert len(frame) == 1240
    assert frame["method"].str.contains("Monte Carlo").all()
    for index in ("banzhaf_absolute", "shapley_shubik"):
        assert (frame[f"{index}_ci_low"] <= frame[index]).all()
        assert (frame[index] <= frame[f"{index}_ci_high"]).all()
    assert "Monte Carlo" in err
    assert frame["dummy"].isna().all()


def test_power_with_a_priori_unions(tmp_path, monkeypatch, capsys):
    weights = _write(tmp_path / "w.csv", EEC)
    unions = _write(
        tmp_path / "u.csv", "member,union\nDE,DE\nFR,FR\nIT,IT\nBE,BNL\nNL,BNL\nLU,BNL\n"
    )
    out = tmp_path / "p.csv"
    code, err = _power(monkeypatch, capsys, weights, "12", out, "--unions", str(unions))
    assert code == 0, err
    frame = pd.read_csv(out).set_index("member")
    # the Benelux union: DE 1/4 (Owen), 3/8 (Banzhaf–Owen); BE 1/8, 3/16; LU 0
    assert frame.loc["DE", "owen"] == pytest.approx(0.25)
    assert frame.loc["BE", "banzhaf_owen"] == pytest.approx(3 / 16)
    assert frame.loc["LU", "owen"] == 0
    assert "a priori unions: exact" in err
    missing = _write(tmp_path / "m.csv", "member,union\nDE,DE\nFR,FR\n")
    code, err = _power(
        monkeypatch, capsys, weights, "12", tmp_path / "x.csv", "--unions", str(missing)
    )
    assert code == 2
    assert "m.csv" in err
    assert "member 'IT' has no union" in err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--method", "fastest"), "field '--method': 'fastest' is not a method"),
        (("--samples", "0"), "field '--samples'"),
        (("--samples", "-3"), "field '--samples'"),
        (("--scheduler", "not an address"), "is not a Dask scheduler address"),
    ],
)
def test_power_bad_options_exit_2_before_any_work(tmp_path, monkeypatch, capsys, extra, expected):
    weights = _write(tmp_path / "w.csv", EEC)
    out = tmp_path / "p.csv"
    code, err = _power(monkeypatch, capsys, weights, "12", out, *extra)
    assert code == 2
    assert expected in err
    assert not out.exists()


@pytest.mark.parametrize("quota", ["nan", "inf", "-inf", "1e400", "nan%"])
def test_power_non_finite_quota_exits_2(tmp_path, monkeypatch, capsys, quota):
    weights = _write(tmp_path / "w.csv", EEC)
    code, err = _power(monkeypatch, capsys, weights, quota, tmp_path / "p.csv")
    assert code == 2
    assert "field '--quota'" in err


# ------------------------------------------------------------------ design
CITY_REGIONS = (
    "member,population\nanhalt,80103\nchemnitz-zwickau,335024\ndresden,556780\n"
    "gera,93125\nhalle,238762\nimpuls,390552\nleipzig,593145\nmagdeburg,237565\n"
)


def test_design_writes_a_rule_close_to_the_target(tmp_path, monkeypatch, capsys):
    members = _write(tmp_path / "m.csv", CITY_REGIONS)
    out = tmp_path / "design"
    args = ("--members", str(members), "--target", "penrose", "--method", "heuristic")
    code, err = _run(monkeypatch, capsys, "design", *args, "--out", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["design.csv", "notes.txt", "summary.csv"]
    summary = pd.read_csv(out / "summary.csv").iloc[0]
    assert summary["max_deviation"] < 0.01
    table = pd.read_csv(out / "design.csv")
    assert table["deviation"].abs().max() == pytest.approx(summary["max_deviation"])
    assert "majority" in (out / "notes.txt").read_text(encoding="utf-8")
    assert "note: A square-root (Penrose) target" in err


def test_design_with_a_target_file(tmp_path, monkeypatch, capsys):
    members = _write(tmp_path / "m.csv", "member,population\na,10\nb,10\nc,10\n")
    target = _write(tmp_path / "t.csv", "member,target\na,2\nb,1\nc,1\n")
    out = tmp_path / "d"
    code, err = _run(
        monkeypatch, capsys, "design", "--members", str(members), "--target", str(target),
        "--out", str(out), "--quota-range", "50%:100%",
    )  # fmt: skip
    assert code == 0, err
    table = pd.read_csv(out / "design.csv").set_index("member")
    assert table.loc["a", "target"] == 0.5
    # [3; 2, 1, 1]: a swings in 3 coalitions, b and c in 1 each -> 3/5, 1/5, 1/5
    assert table.loc["a", "power"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("members", "options", "expected"),
    [
        ("member,population\na,1\nb,x\n", (), "line 3, field 'population'"),
        ("member,population\na,1\na,2\n", (), "member 'a' is listed twice"),
        ("member,population\na,1\nb,2\n", ("--quota-range", "40%:60%"), "field '--quota-range'"),
        ("member,population\na,1\nb,2\n", ("--quota-range", "half"), "not LOW:HIGH"),
        ("member,population\na,1\nb,2\n", ("--target", "nowhere.csv"), "nowhere.csv"),
        ("member,population\na,1\nb,2\n", ("--index", "gini"), "field '--index'"),
        ("member,population\na,inf\nb,2\n", (), "field 'population'"),
        ("member,population\na,1\nb,2\n", ("--min-power-to-act", "100%"), "[0, 0.5]"),
        ("member,population\na,1\nb,2\n", ("--min-power-to-act", "nan"), "--min-power"),
    ],
)
def test_design_bad_input_exits_2_and_writes_nothing(
    tmp_path, monkeypatch, capsys, members, options, expected
):
    path = _write(tmp_path / "m.csv", members)
    out = tmp_path / "d"
    code, err = _run(
        monkeypatch, capsys, "design", "--members", str(path), *options, "--out", str(out)
    )
    assert code == 2
    assert expected in err
    assert not out.exists()
