"""``cityregions delineate --totals``: complete totals in the summary; a missing diagonal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import run_cli

SMALL = ["--min-size", "100", "--target-size", "1000"]


def _inputs(folder: Path, *, diagonal: bool = True) -> tuple[Path, Path]:
    rows = [("a", "a", 900), ("a", "b", 50), ("b", "b", 300), ("b", "a", 60)]
    if not diagonal:
        rows = [row for row in rows if row[0] != row[1]]
    flows = folder / "flows.csv"
    pd.DataFrame(rows, columns=["origin", "destination", "value"]).to_csv(flows, index=False)
    totals = folder / "totals.csv"
    totals.write_text("unit,residents,jobs\na,950,960\nb,600,400\n", encoding="utf-8")
    return flows, totals


def test_totals_change_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flows, totals = _inputs(tmp_path)
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    args = ["delineate", flows, *SMALL, "--out", tmp_path / "l.csv"]
    assert run_cli(*args, "--summary", plain, monkeypatch=monkeypatch) == 0
    assert run_cli(*args, "--summary", full, "--totals", totals, monkeypatch=monkeypatch) == 0
    before = pd.read_csv(plain, dtype={"region": str}).set_index("main_unit")
    after = pd.read_csv(full, dtype={"region": str}).set_index("main_unit")
    # b alone (R 360, W 350, RW 300) is a region on the table alone; with b's totals
    # (600, 400) it is not, and joins a: R 1550, W 1360, RW 1310.
    assert before.loc["b", "self_containment_supply"] == pytest.approx(300 / 360)
    assert len(after) == 1
    row = after.loc["a"]
    assert (row["residents"], row["jobs"], row["internal"]) == (1550, 1360, 1310)
    assert row["self_containment_supply"] == pytest.approx(1310 / 1550)
    assert row["self_containment_demand"] == pytest.approx(1310 / 1360)


@pytest.mark.parametrize(
    ("totals_text", "expected"),
    [
        ("unit,residents,jobs\na,949,960\nb,600,400\n", "unit a, field 'residents'"),
        ("unit,residents,jobs\na,950,960\n", "unit b, field 'unit': no totals for 1 unit"),
        ("unit,residents,jobs\na,950,960\nb,600,400\nb,600,400\n", "duplicate unit id 'b'"),
        ("unit,residents,jobs\na,950,inf\nb,600,400\n", "line 2, field 'jobs'"),
        ("unit,residents\na,950\nb,600\n", "no jobs column"),
    ],
)
def test_bad_totals_exit_2_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    totals_text: str,
    expected: str,
) -> None:
    flows, totals = _inputs(tmp_path)
    totals.write_text(totals_text, encoding="utf-8")
    out = tmp_path / "out" / "labels.csv"
    code = run_cli(
        "delineate", flows, *SMALL, "--totals", totals, "--out", out,
        "--summary", tmp_path / "out" / "s.csv", monkeypatch=monkeypatch,
    )  # fmt: skip
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2, err
    assert expected in err
    assert "totals.csv" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_missing_diagonal_is_an_error_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows, _ = _inputs(tmp_path, diagonal=False)
    out = tmp_path / "labels.csv"
    assert run_cli("delineate", flows, "--out", out, monkeypatch=monkeypatch) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "no internal (diagonal) flows" in err
    assert "cityregions flows complete" in err
    assert "--allow-no-diagonal" in err
    assert err.count("no internal (diagonal) flows") == 1  # one message, not a warning too
    assert not out.exists()
    args = ["delineate", flows, "--out", out, "--allow-no-diagonal", *SMALL]
    assert run_cli(*args, monkeypatch=monkeypatch) == 0
    assert out.exists()
