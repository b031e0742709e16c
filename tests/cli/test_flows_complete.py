"""``cityregions flows complete``: the diagonal and the totals from a BA-style unit table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import run_cli


def _inputs(folder: Path) -> tuple[Path, Path]:
    flows = folder / "flows.csv"
    flows.write_text(
        "origin,destination,commuters\n01,02,30\n01,03,4\n02,01,5\n03,01,7\n", encoding="utf-8"
    )
    units = folder / "units.csv"  # the layout of ../shared/data/de-ba-pendler-kreise-2016
    units.write_text(
        "ags,name,employees_svb,out_commuters_total,in_commuters_total\n"
        "01,A,100,40,15\n02,B,50,5,35\n03,C,20,7,4\n99,Z,10,1,1\n",
        encoding="utf-8",
    )
    return flows, units


def test_complete_writes_diagonal_and_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flows, units = _inputs(tmp_path)
    out, totals = tmp_path / "done.csv", tmp_path / "totals.csv"
    code = run_cli(
        "flows", "complete", flows, "--totals", units, "--out", out, "--totals-out", totals,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    done = pd.read_csv(out, dtype={"origin": str, "destination": str})
    diagonal = done[done["origin"] == done["destination"]].set_index("origin")["value"]
    assert diagonal.to_dict() == {"01": 60, "02": 45, "03": 13}
    assert set(done["flows_provenance"]) == {"observed"}
    table = pd.read_csv(totals, dtype={"unit": str}).set_index("unit")
    assert table.to_dict("index") == {
        "01": {"residents": 100, "jobs": 75},  # 60 internal + 15 in-commuters
        "02": {"residents": 50, "jobs": 80},
        "03": {"residents": 20, "jobs": 17},
    }
    labels = tmp_path / "labels.csv"
    args = ["delineate", out, "--totals", totals, "--out", labels, "--min-size", "10"]
    assert run_cli(*args, "--target-size", "100", monkeypatch=monkeypatch) == 0


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        (
            "01,A,100,40,15",
            "01,A,100,33,15",
            "unit 01, field 'out_commuters': the listed out-flows",
        ),
        ("02,B,50,5,35", "02,B,50,5,29", "unit 02, field 'in_commuters': the listed in-flows"),
        ("03,C,20,7,4\n", "", "unit 03, field 'ags': no totals for 1 unit"),
        ("02,B,50,5,35", "02,B,50,5,x", "line 3, field 'in_commuters_total'"),
    ],
)
def test_inconsistent_totals_exit_2_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
    replacement: str,
    expected: str,
) -> None:
    flows, units = _inputs(tmp_path)
    units.write_text(units.read_text(encoding="utf-8").replace(line, replacement), "utf-8")
    out, totals = tmp_path / "out" / "done.csv", tmp_path / "out" / "totals.csv"
    code = run_cli(
        "flows", "complete", flows, "--totals", units, "--out", out, "--totals-out", totals,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2, err
    assert expected in err
    assert "units.csv" in err
    assert not out.exists()
    assert not totals.exists()


def test_units_keep_the_study_area_and_the_rest_goes_beyond(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows, units = _inputs(tmp_path)
    area = tmp_path / "area.csv"
    area.write_text("unit,name\n01,A\n02,B\n", encoding="utf-8")
    out, totals = tmp_path / "done.csv", tmp_path / "totals.csv"
    code = run_cli(
        "flows", "complete", flows, "--totals", units, "--units", area, "--out", out,
        "--totals-out", totals, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    done = pd.read_csv(out, dtype={"origin": str, "destination": str})
    assert set(done["origin"]) | set(done["destination"]) == {"01", "02"}
    table = pd.read_csv(totals, dtype={"unit": str}).set_index("unit")
    # the complete totals do not change: 01 -> 03 (4) now counts beyond the table
    assert table.to_dict("index") == {
        "01": {"residents": 100, "jobs": 75},
        "02": {"residents": 50, "jobs": 80},
    }
    area.write_text("unit,name\n01,A\n77,Nowhere\n", encoding="utf-8")
    code = run_cli(
        "flows", "complete", flows, "--totals", units, "--units", area, "--out", out,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2
    assert "area.csv, unit 77" in " ".join(capsys.readouterr().err.split())
