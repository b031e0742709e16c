"""``cityregions delineate``: the unit,region contract, outputs and bad input (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.support.cli import run_cli
from tests.support.extras import needs_extra

# Two clear clusters on a 2 x 4 grid: west (w*) and east (e*).
IDS = ["w0", "w1", "w2", "w3", "e0", "e1", "e2", "e3"]


def write_inputs(folder: Path, *, diagonal: bool = True) -> dict[str, Path]:
    rows = []
    for o in IDS:
        for d in IDS:
            if o == d:
                if diagonal:
                    rows.append((o, d, 100))
            elif o[0] == d[0]:
                rows.append((o, d, 60))
            else:
                rows.append((o, d, 1))
    flows = folder / "flows.csv"
    pd.DataFrame(rows, columns=["origin", "destination", "value"]).to_csv(flows, index=False)
    shapes = [
        box(12 + 0.01 * (i % 2) + 0.02 * (u[0] == "e"), 51 + 0.01 * ((i % 4) // 2),
            12.01 + 0.01 * (i % 2) + 0.02 * (u[0] == "e"), 51.01 + 0.01 * ((i % 4) // 2))
        for i, u in enumerate(IDS)
    ]  # fmt: skip
    units = gpd.GeoDataFrame(
        {"unit": IDS, "name": [f"Unit {u}" for u in IDS], "population": [1000.0] * 8},
        geometry=shapes,
        crs="EPSG:4326",
    )
    gpkg = folder / "units.gpkg"
    units.to_file(gpkg, driver="GPKG")
    table = folder / "units.csv"
    pd.DataFrame(units.drop(columns="geometry")).to_csv(table, index=False)
    return {"flows": flows, "units": gpkg, "table": table}


@needs_extra("leiden")
def test_leiden_writes_labels_summary_and_gpkg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_inputs(tmp_path)
    out, summary, gpkg = tmp_path / "labels.csv", tmp_path / "regions.csv", tmp_path / "o.gpkg"
    code = run_cli(
        "delineate", files["flows"], "--units", files["units"], "--method", "leiden",
        "--out", out, "--summary", summary, "--gpkg", gpkg, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    labels = pd.read_csv(out, dtype=str)
    assert list(labels.columns) == ["unit", "region"]
    assert sorted(labels["unit"]) == sorted(IDS)
    assert labels.groupby("region")["unit"].apply(lambda s: {u[0] for u in s}).map(len).max() == 1
    assert labels["region"].nunique() == 2
    regions = pd.read_csv(summary, dtype={"region": str})
    assert regions["units"].tolist() == [4, 4]
    # residents of a half: 4 x (100 + 3 x 60 + 4 x 1) = 1136; internal 4 x 100 + 12 x 60
    assert regions["residents"].tolist() == [1136.0, 1136.0]
    assert regions["internal"].tolist() == [1120.0, 1120.0]
    assert set(regions["flows_provenance"]) == {"observed"}
    layer = gpd.read_file(gpkg, layer="regions")
    assert len(layer) == 2
    assert set(layer["flows_provenance"]) == {"observed"}
    # dissolved from the unit polygons: same area (equal-area CRS), nothing lost or added
    units_area = gpd.read_file(files["units"]).to_crs("EPSG:3035").area.sum()
    assert layer.to_crs("EPSG:3035").area.sum() == pytest.approx(units_area, rel=1e-9)
    box_m2 = 1113 * 700  # 0.01° x 0.01° at 51° N
    assert layer.to_crs("EPSG:3035").area.sum() == pytest.approx(8 * box_m2, rel=0.05)
    assert set(gpd.read_file(gpkg, layer="units")["region"]) == set(labels["region"])


def test_modeled_flows_are_labelled_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_inputs(tmp_path)
    out, summary = tmp_path / "labels.csv", tmp_path / "regions.csv"
    code = run_cli(
        "delineate", files["flows"], "--method", "lma", "--provenance", "modeled",
        "--out", out, "--summary", summary, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    assert list(pd.read_csv(out).columns) == ["unit", "region"]
    assert set(pd.read_csv(summary)["flows_provenance"]) == {"modeled"}


@needs_extra("leiden")
def test_seed_gives_the_run_of_a_generator_with_that_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from cityregions.delineation import delineate
    from cityregions.io import read_flows

    files = write_inputs(tmp_path)
    out = tmp_path / "labels.csv"
    code = run_cli(
        "delineate", files["flows"], "--method", "leiden", "--runs", "2", "--seed", "3",
        "--resolution", "1.5", "--out", out, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    written = pd.read_csv(out, dtype=str).set_index("unit")["region"]
    expected = delineate(
        read_flows(files["flows"]),
        method="leiden",
        n_runs=2,
        resolution=1.5,
        rng=np.random.default_rng(3),
    )
    assert written.to_dict() == expected.labels.to_dict()
    draws = np.random.default_rng(3)
    assert expected.params["seeds"] == [int(draws.integers(2**31 - 1)) for _ in range(2)]


def test_completed_flows_are_labelled_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_inputs(tmp_path)
    out, summary = tmp_path / "labels.csv", tmp_path / "regions.csv"
    code = run_cli(
        "delineate", files["flows"], "--method", "lma", "--flows-provenance", "completed",
        "--out", out, "--summary", summary, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    assert set(pd.read_csv(summary)["flows_provenance"]) == {"completed"}


def test_layer_of_a_multi_layer_geopackage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_inputs(tmp_path)
    both = tmp_path / "both.gpkg"
    units = gpd.read_file(files["units"])
    units.to_file(both, layer="vg250_krs", driver="GPKG")
    units.head(1).to_file(both, layer="vg250_lan", driver="GPKG")
    args = ["delineate", files["flows"], "--method", "lma", "--out", tmp_path / "l.csv"]
    assert run_cli(*args, "--units", both, monkeypatch=monkeypatch) == 2
    assert "--layer on the command line" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "l.csv").exists()
    gpkg = tmp_path / "o.gpkg"
    code = run_cli(*args, "--units", both, "--layer", "vg250_krs", "--gpkg", gpkg,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    assert len(gpd.read_file(gpkg, layer="units")) == len(IDS)
    (tmp_path / "l.csv").unlink()
    code = run_cli(*args, "--units", files["table"], "--polygons", both, "--layer", "vg250_krs",
                   "--gpkg", gpkg, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    assert len(gpd.read_file(gpkg, layer="regions")) == 2


def test_flows_on_another_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_inputs(tmp_path)
    workbook = tmp_path / "flows.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"Hinweis": ["Quelle"]}).to_excel(writer, sheet_name="Info", index=False)
        pd.read_csv(files["flows"]).to_excel(writer, sheet_name="Daten", index=False)
    out = tmp_path / "l.csv"
    args = ["delineate", workbook, "--method", "lma", "--out", out]
    assert run_cli(*args, monkeypatch=monkeypatch) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "read the first sheet 'Info' of ['Info', 'Daten']" in err
    assert "--sheet" in err
    assert not out.exists()
    for sheet in ("Daten", "1"):
        assert run_cli(*args, "--sheet", sheet, monkeypatch=monkeypatch) == 0, sheet
        assert sorted(pd.read_csv(out)["unit"]) == sorted(IDS)


def test_fua_with_cities_and_zones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_inputs(tmp_path)
    out, summary = tmp_path / "labels.csv", tmp_path / "regions.csv"
    code = run_cli(
        "delineate", files["flows"], "--units", files["units"], "--method", "fua",
        "--cities", "w0", "--out", out, "--summary", summary, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    labels = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("unit")["region"]
    # w1..w3 send 60 of 284 (21 %) to w0 -> commuting zone; e* send 1 of 284 -> outside
    # every FUA: an empty region in the file
    assert labels.to_dict() == {u: "w0" if u[0] == "w" else "" for u in IDS}
    table = pd.read_csv(summary, dtype=str).set_index("region")
    assert list(table.index) == ["w0"]  # one row per region; units outside have none
    assert table.loc["w0", "zone"] == "city"
    assert table.loc["w0", "units"] == "4"


def bad_cases(files: dict[str, Path], tmp: Path) -> list[tuple[list[str | Path], str]]:
    bad_flows = tmp / "bad.csv"
    pd.DataFrame({"origin": ["w0"], "destination": ["w1"], "value": [-3]}).to_csv(
        bad_flows, index=False
    )
    nan_flows = tmp / "nan.csv"
    nan_flows.write_text("origin,destination,value\nw0,w1,\n", encoding="utf-8")
    alien = tmp / "alien.csv"
    frame = pd.read_csv(files["flows"])
    frame.loc[len(frame)] = ["zz", "w0", 5]
    frame.to_csv(alien, index=False)
    fewer = tmp / "fewer.csv"
    frame = pd.read_csv(files["flows"])
    frame[(frame.origin != "e3") & (frame.destination != "e3")].to_csv(fewer, index=False)
    points = tmp / "points.geojson"
    gpd.read_file(files["units"]).assign(
        geometry=lambda g: g.geometry.representative_point()
    ).to_file(points)
    blocker = tmp / "blocker"
    blocker.write_text("a file where a folder is needed", encoding="utf-8")
    f, u, t = files["flows"], files["units"], files["table"]
    return [
        ([f, "--units", t, "--polygons", t], "field 'geometry': no geometry"),
        ([f, "--units", t, "--polygons", points, "--gpkg", tmp / "p.gpkg"], "polygons"),
        ([f, "--method", "fua", "--units", points], "polygons"),
        (
            [f, "--method", "leiden", "--summary", blocker / "s.csv"],
            "blocker' is a file, not a folder",
        ),
        ([f, "--method", "leiden", "--summary", tmp / "out" / "labels.csv"], "two outputs"),
        ([bad_flows, "--units", u], "line 2, field 'value': negative"),
        ([nan_flows, "--units", u], "line 2"),
        ([alien, "--units", u], "zz"),
        ([fewer, "--units", u], "without any flow"),
        ([f, "--min-size", "5000", "--target-size", "1000"], "target"),
        ([f, "--units", u, "--method", "fua", "--commuting-share", "1.5"], "commuting_share"),
        ([f, "--method", "leiden", "--resolution", "-1"], "resolution"),
        ([f, "--method", "bbsr", "--units", t], "polygons"),
        ([f, "--method", "bbsr"], "polygons"),
        ([f, "--method", "fua", "--cities", "w0"], "polygons"),
        ([f, "--method", "leiden", "--units", t, "--gpkg", tmp / "x.gpkg"], "polygons"),
        ([f, "--method", "leiden", "--min-size", "10"], "belongs to method 'lma'"),
        ([f, "--seed", "3"], "option --seed belongs to method 'leiden', not 'lma'"),
        ([f, "--flows-provenance", "guessed"], "'guessed' is not one of"),
        ([f, "--method", "leiden", "--summary", tmp / "s.txt"], "--summary"),
    ]


def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_inputs(tmp_path)
    for args, message in bad_cases(files, tmp_path):
        out = tmp_path / "out" / "labels.csv"
        code = run_cli("delineate", *args, "--out", out, monkeypatch=monkeypatch)
        err = capsys.readouterr().err
        assert code == 2, (args, err)
        assert message in " ".join(err.split()), (args, err)
        assert "Traceback" not in err
        assert not out.exists(), args
        assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_no_diagonal_warns_why(tmp_path: Path) -> None:
    files = write_inputs(tmp_path, diagonal=False)
    done = subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", "delineate", str(files["flows"]),
         "--method", "lma", "--out", str(tmp_path / "l.csv"), "--allow-no-diagonal"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stderr.split())
    assert "no internal (diagonal) flows" in text
    assert "self-containment" in text
    # Said once (the reader and the method both warn), without our source file and line.
    assert text.count("no internal (diagonal) flows") == 1
    assert ".py:" not in text


def test_output_over_an_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_inputs(tmp_path)
    before = files["flows"].read_bytes()
    for target in ("--out", "--summary"):
        args = ["delineate", files["flows"], "--method", "leiden", "--out", tmp_path / "l.csv"]
        code = run_cli(*args, target, files["flows"], monkeypatch=monkeypatch)
        assert code == 2, target
        assert "would overwrite this input file" in capsys.readouterr().err
        assert files["flows"].read_bytes() == before
        assert not (tmp_path / "l.csv").exists()


def test_each_run_starts_with_a_fresh_show_once_filter() -> None:
    import logging

    from cityregions.cli import main as cli_main

    record = logging.LogRecord("py.warnings", logging.WARNING, "", 0, "same text", None, None)
    for _ in range(2):
        cli_main._configure(verbose=0, quiet=False)
        filters = [
            f for f in logging.getLogger("py.warnings").filters if isinstance(f, cli_main._OnlyOnce)
        ]
        assert len(filters) == 1
        assert filters[0].filter(record)  # shown in this run ...
        assert not filters[0].filter(record)  # ... once


def test_outputs_are_written_all_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cityregions.io import geo

    files = write_inputs(tmp_path)
    out, summary, gpkg = tmp_path / "labels.csv", tmp_path / "regions.csv", tmp_path / "o.gpkg"

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo, "write_geopackage", broken)
    args = ["delineate", files["flows"], "--units", files["units"], "--method", "lma"]
    code = run_cli(
        *args, "--out", out, "--summary", summary, "--gpkg", gpkg, monkeypatch=monkeypatch
    )
    assert code == 2
    assert "No space left" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.csv", "units.csv", "units.gpkg"]


def test_help_shows_bracketed_defaults(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert run_cli("delineate", "--help", monkeypatch=monkeypatch) == 0
    text = capsys.readouterr().out
    assert "LMA mode [r]." in text
    assert "Leiden objective [modularity]." in text


@pytest.mark.shared
def test_cli_lma_on_german_districts_equals_r(
    kreise_dir: Path, lma_reference_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cityregions.labels import adjusted_rand_index

    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str})
    flows = pd.read_csv(kreise_dir / "flows.csv", dtype={"origin": str, "destination": str})
    internal = pd.DataFrame(
        {
            "origin": units["ags"],
            "destination": units["ags"],
            "commuters": units["employees_svb"] - units["out_commuters_total"],
        }
    )
    path = tmp_path / "flows.csv"
    pd.concat([flows[["origin", "destination", "commuters"]], internal]).to_csv(path, index=False)
    out, summary = tmp_path / "labels.csv", tmp_path / "regions.csv"
    code = run_cli(
        "delineate", path, "--units", kreise_dir / "units.csv", "--method", "lma",
        "--out", out, "--summary", summary, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0
    ours = pd.read_csv(out, dtype=str).set_index("unit")["region"]
    reference = pd.read_csv(lma_reference_dir / "de_kreise_2016_lma_r.csv")
    theirs = pd.Series(
        reference["cluster"].to_numpy(), index=reference["community"].astype(str).str.zfill(5)
    )
    assert len(ours) == 401
    assert ours.nunique() == 190
    assert adjusted_rand_index(ours, theirs) == 1.0
    regions = pd.read_csv(summary)
    # totals preserved: residents over regions = all flows = sum of R's residents
    assert regions["residents"].sum() == pytest.approx(reference["residents"].sum())
