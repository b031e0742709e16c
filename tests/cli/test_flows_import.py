"""``cityregions flows import``: BA workbooks → one flow table with the diagonal.

The workbooks are the fixtures of ``test_io_ba_pendler`` (Kreis workbook of Sachsen,
Gemeinde workbook, Gemeindedaten) plus a Sachsen-Anhalt Kreis workbook written here
with the same helpers. Expected values are counted by hand from the fixture rows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from cityregions import DataQualityWarning
from cityregions.io import read_flows
from cityregions.io.ba_import import combine_ba_pendler, read_ba_pendler_files
from tests.support.cli import run_cli
from tests.support.official_files import (
    make_gemeinde_workbook,
    make_gemeindedaten,
    make_kreis_workbook,
    partner_row,
    sheet_with_header,
    write_blocks,
)

# Sachsen-Anhalt: Halle's Auspendler block and the Einpendler blocks of Halle and Saalekreis.
SA_OUT = [
    (
        "15002",
        "Halle (Saale), Stadt",
        [
            partner_row("14713", "Leipzig, Stadt", 3000),  # also in Sachsen's Einpendler sheet
            partner_row("14729", "Leipzig", "*"),
            partner_row("15088", "Saalekreis", "*"),  # secondary suppression, shown below
            partner_row("ZZ", "Auspendler in das Bundesgebiet", 20000),
            partner_row("Z", "Auspendler insgesamt", 20000),
        ],
    )
]
SA_IN = [
    (
        "15002",
        "Halle (Saale), Stadt",
        [
            partner_row("14713", "Leipzig, Stadt", 7000),  # = Sachsen Auspendler 14713 → 15002
            partner_row("14729", "Leipzig", 800),  # = Sachsen Auspendler 14729 → 15002
            partner_row("14730", "Nordsachsen", 450),  # no Auspendler sheet of 14730 given
            partner_row("15088", "Saalekreis", 12000),
            partner_row("16053", "Jena, Stadt", "*"),
            partner_row("Z", "Einpendler insgesamt", 30000),
        ],
    ),
    ("15088", "Saalekreis", [partner_row("15002", "Halle (Saale), Stadt", 25)]),
]
#: Every pair once (Auspendler count, else Einpendler count), by hand.
PAIRS = {
    ("14713", "03159"): 12,
    ("14713", "14612"): 6000,
    ("14713", "14729"): 25000,
    ("14713", "14730"): 9000,
    ("14713", "15002"): 7000,
    ("14713", "15088"): 5000,
    ("14729", "14713"): 40000,
    ("14729", "14730"): 3000,
    ("14729", "15002"): 800,
    ("14730", "14713"): 6000,  # Einpendler (Sachsen)
    ("14730", "15002"): 450,  # Einpendler (Sachsen-Anhalt)
    ("15002", "14713"): 3000,
    ("15002", "15088"): 25,  # '*' on the Auspendler sheet, 25 on the Einpendler sheet
    ("15088", "15002"): 12000,  # Einpendler
}


def make_sachsen_anhalt(path: Path, *, halle_leipzig: int = 3000) -> Path:
    workbook = Workbook()
    workbook.active.title = "Deckblatt"
    out = sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "S-A")
    blocks = [(key, name, [list(row) for row in rows]) for key, name, rows in SA_OUT]
    blocks[0][2][0][4] = halle_leipzig
    write_blocks(out, blocks)
    into = sheet_with_header(workbook, "Einpendler Kreise", ("Arbeitsort", "Wohnort"), "S-A")
    write_blocks(into, SA_IN)
    workbook.save(path)
    return path


@pytest.fixture
def downloads(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return {
        "sn": make_kreis_workbook(folder / "krpend-14-0-202306-xlsx.xlsx"),
        "st": make_sachsen_anhalt(folder / "krpend-15-0-202306-xlsx.xlsx"),
        "gemband": make_gemeindedaten(folder / "gemband-dlk-0-202306-xlsx.xlsx"),
    }


def _units(path: Path, rows: dict[str, dict[str, object]]) -> Path:
    pd.DataFrame.from_dict(rows, orient="index").rename_axis("unit").to_csv(path)
    return path


def _pairs(path: Path) -> dict[tuple[str, str], float]:
    table = pd.read_csv(path, dtype={"origin": str, "destination": str})
    return {(o, d): v for o, d, v in table[["origin", "destination", "value"]].to_numpy()}


def test_rule_auspendler_first_then_einpendler(downloads: dict[str, Path]) -> None:
    combined = combine_ba_pendler(read_ba_pendler_files([downloads["sn"], downloads["st"]]))
    pairs = combined.flows.set_index(["origin", "destination"])
    assert pairs["value"].to_dict() == PAIRS
    assert pairs.loc[("15002", "15088"), "side"] == "in"
    assert pairs.loc[("14729", "14713"), "side"] == "out"
    assert (combined.from_in, combined.both_sides, combined.conflicts) == (4, 5, 0)
    left_out = set(
        zip(combined.suppressed["origin"], combined.suppressed["destination"], strict=True)
    )
    assert left_out == {("14713", "16053"), ("15002", "14729"), ("16053", "15002")}
    assert combined.out_totals.to_dict() == {"14713": 57914, "14729": 43800, "15002": 20000}
    assert combined.described == ("14713", "14729", "15002", "15088")


def test_differing_sides_warn_and_keep_auspendler(downloads: dict[str, Path]) -> None:
    other = make_sachsen_anhalt(downloads["st"].with_name("st2.xlsx"), halle_leipzig=3100)
    with pytest.warns(DataQualityWarning, match=r"1 pair\(s\) have different counts"):
        combined = combine_ba_pendler(read_ba_pendler_files([downloads["sn"], other]))
    pairs = combined.flows.set_index(["origin", "destination"])["value"]
    assert pairs[("15002", "14713")] == 3100
    assert combined.conflicts == 1


def test_two_laender_with_units_table_diagonal(
    downloads: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = ["14713", "14729", "14730", "15002", "15088"]
    units = _units(
        tmp_path / "units.csv",
        {
            "14713": {"residents": 250000, "out_commuters": 57914},
            "14729": {"residents": 110000, "out_commuters": 43800},
            "14730": {"residents": 80000, "out_commuters": 20000},
            "15002": {"residents": 60000, "out_commuters": 20000},
            "15088": {"residents": 70000, "out_commuters": 30000},
        },
    )
    out, aggregates = tmp_path / "out" / "flows.csv", tmp_path / "out" / "aggregates.csv"
    code = run_cli(
        "flows", "import", downloads["sn"], downloads["st"], "--internal", units,
        "--units", units, "--out", out, "--aggregates", aggregates, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    expected = {k: v for k, v in PAIRS.items() if k[0] in study and k[1] in study}
    diagonal = {"14713": 192086, "14729": 66200, "14730": 60000, "15002": 40000, "15088": 40000}
    expected |= {(u, u): v for u, v in diagonal.items()}
    assert _pairs(out) == expected
    table = pd.read_csv(out, dtype={"origin": str, "destination": str})
    assert list(table.columns[:4]) == ["origin", "destination", "value", "flows_provenance"]
    assert set(table["flows_provenance"]) == {"observed"}
    assert (
        table.loc[table["origin"].eq("14713") & table["destination"].eq("14729"), "men"].item()
        == 13750
    )
    flows = read_flows(out)
    assert flows.total == sum(expected.values())
    assert flows.internal()["14729"] == 66200
    extra = pd.read_csv(aggregates, dtype=str)
    kinds = extra["kind"].value_counts().to_dict()
    assert kinds["suppressed"] == 3
    assert kinds["country"] == 2  # PL, CZ of Leipzig's Einpendler block
    assert {"remainder", "subtotal", "total"} <= set(kinds)


def test_kreis_diagonal_from_gemeindedaten(
    downloads: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = _units(tmp_path / "units.csv", {"14713": {"name": "L"}, "14729": {"name": "LK"}})
    out = tmp_path / "flows.parquet"
    code = run_cli(
        "flows", "import", downloads["sn"], "--internal", downloads["gemband"],
        "--units", units, "--level", "kreise", "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    table = pd.read_parquet(out)
    values = {(o, d): v for o, d, v in table[["origin", "destination", "value"]].to_numpy()}
    # residents (Gemeindedaten) − Auspendler insgesamt (Z row): 250000 − 57914, 110000 − 43800
    assert values == {
        ("14713", "14713"): 192086,
        ("14713", "14729"): 25000,
        ("14729", "14713"): 40000,
        ("14729", "14729"): 66200,
    }


def test_gemeinde_level_with_gemeindedaten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = make_gemeinde_workbook(tmp_path / "pendler_gemeinden_14.xlsx")
    gemband = make_gemeindedaten(tmp_path / "gemband.xlsx")
    out = tmp_path / "flows.csv"
    with pytest.warns(DataQualityWarning, match=r"1 unit\(s\) appear only as partners"):
        code = run_cli(
            "flows",
            "import",
            workbook,
            "--internal",
            gemband,
            "--out",
            out,
            monkeypatch=monkeypatch,
        )
    assert code == 0
    # Wohnort gleich Arbeitsort of the Gemeinden; Torgau (14730300) has no Gemeindedaten row
    assert _pairs(out) == {
        ("14713000", "14713000"): 192086,
        ("14729140", "14713000"): 8000,
        ("14729140", "14729140"): 2500,
        ("14729140", "14729270"): 300,
        ("14729140", "14730300"): 11,
        ("14729270", "14713000"): 3100,
        ("14729270", "14729270"): 1500,
    }


def test_no_internal_warns_and_reports_suppressed(
    downloads: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "flows.csv"
    done = subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", "flows", "import", str(downloads["sn"]),
         str(downloads["st"]), "--no-internal", "--out", str(out)],
        capture_output=True, text=True, check=False, env={"COLUMNS": "250", **_env()},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no internal (diagonal) flows" in done.stderr
    assert "delineation collapses" in done.stderr
    assert "3 pair(s) anonymised" in done.stderr
    assert "14 pairs with a count (10 from Auspendler, 4 from Einpendler" in done.stderr
    assert _pairs(out) == PAIRS


def _env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "COLUMNS"}


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not_ba", "not a BA Pendler workbook"),
        ("missing_sheet", "no sheet 'Auspendler Gemeinden'"),
        ("bad_count", "row 10, column E"),
        ("units_missing_ids", "no diagonal"),
        ("no_diagonal_choice", "give --internal FILE"),
        ("level", "no Auspendler/Einpendler Gemeinden sheet for level gemeinden"),
        ("editions", "listed with different counts"),
        ("out_blocked", "is a file, not a folder"),
        ("negative", "negative diagonal"),
    ],
)
def test_bad_input_exit_2_nothing_written(
    case: str,
    expected: str,
    downloads: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, aggregates = tmp_path / "res" / "flows.csv", tmp_path / "res" / "agg.csv"
    files: list[Path] = [downloads["sn"]]
    options: list[str | Path] = ["--no-internal"]
    if case == "not_ba":
        files = [downloads["gemband"]]
    elif case == "missing_sheet":
        options += ["--sheet", "Auspendler Gemeinden"]
    elif case == "bad_count":
        workbook = Workbook()
        sheet = sheet_with_header(workbook, "Auspendler Kreise", ("Wohnort", "Arbeitsort"), "X")
        rows = [partner_row("14729", "Leipzig", "viele")]
        write_blocks(sheet, [("14713", "Leipzig, Stadt", rows)])
        workbook.save(files[0])
    elif case == "units_missing_ids":
        units = _units(tmp_path / "u.csv", {"14713": {"name": "L"}, "14729": {"name": "LK"}})
        internal = _units(tmp_path / "i.csv", {"14713": {"internal": 5}, "14730": {"internal": 7}})
        options = ["--internal", internal, "--units", units]
    elif case == "no_diagonal_choice":
        options = []
    elif case == "level":
        options += ["--level", "gemeinden"]
    elif case == "editions":
        files = [downloads["st"], make_sachsen_anhalt(tmp_path / "old.xlsx", halle_leipzig=10)]
    elif case == "out_blocked":
        (tmp_path / "res").write_text("a file where the output folder should be")
    elif case == "negative":  # 'employees' is the old name of 'residents': still read
        units = _units(
            tmp_path / "u.csv", {"14713": {"employees": 50000}, "14729": {"employees": 1}}
        )
        options = ["--internal", units]
    code = run_cli(
        "flows", "import", *files, *options, "--out", out, "--aggregates", aggregates,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2
    message = capsys.readouterr().err
    assert expected in " ".join(message.split())
    assert not out.exists()
    assert not aggregates.exists()
    if case == "bad_count":
        assert "Auspendler Kreise" in message
        assert "field 'value'" in message
    if case == "units_missing_ids":
        assert "['14729']" in message
        assert "i.csv" in message
    if case == "negative":
        assert "unit 14713" in message


def test_interactive_csv_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.official_files import CSV_EXPORT

    export = tmp_path / "statistik_pendler_2024071523642.csv"
    export.write_text(CSV_EXPORT, encoding="utf-8-sig")
    out = tmp_path / "flows.csv"
    with pytest.warns(DataQualityWarning, match="no internal"):
        code = run_cli(
            "flows", "import", export, "--no-internal", "--out", out, monkeypatch=monkeypatch
        )
    assert code == 0
    # Einpendler of Leipzig: only the two Kreis rows; 010xx (Übrige), 0 (total), PL dropped
    assert _pairs(out) == {("15002", "14713"): 11870, ("14729", "14713"): 40000}
