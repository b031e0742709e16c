"""``cityregions delineate`` for the methods of issue 17: Infomap, BBSR with central
places, FUA city sources, contiguous regions, LMA profiles and ``--compare``."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.support.cli import run_cli

# a 2 x 3 grid: A (a big centre) with its neighbours, and B, a rural unit far from A
LAYOUT = [["n1", "A", "n2"], ["s1", "s2", "B"]]
POPULATION = {"A": 300_000, "n1": 5_000, "n2": 5_000, "s1": 5_000, "s2": 5_000, "B": 5_000}


def write_case(folder: Path, *, population: bool = True) -> dict[str, Path]:
    ids, shapes = [], []
    for r, row in enumerate(LAYOUT):
        for c, unit in enumerate(row):
            ids.append(unit)
            shapes.append(box(12 + 0.01 * c, 51 - 0.01 * r, 12.01 + 0.01 * c, 51.01 - 0.01 * r))
    frame = {"unit": ids, "name": ids, "area_km2": [1.0] * len(ids)}
    if population:
        frame["population"] = [POPULATION[u] for u in ids]
    units = gpd.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326")
    gpkg = folder / "units.gpkg"
    units.to_file(gpkg, driver="GPKG")
    internal = {"A": 100_000, "n1": 1000, "n2": 1000, "s1": 1000, "s2": 1000, "B": 1000}
    links = {("n1", "A"): 800, ("n2", "A"): 800, ("s1", "A"): 300, ("s2", "A"): 600,
             ("s1", "n1"): 100, ("B", "s2"): 50, ("A", "n1"): 50, ("B", "A"): 10}  # fmt: skip
    rows = [(u, u, v) for u, v in internal.items()] + [(o, d, v) for (o, d), v in links.items()]
    flows = folder / "flows.csv"
    pd.DataFrame(rows, columns=["origin", "destination", "value"]).to_csv(flows, index=False)
    places = folder / "central_places.csv"
    places.write_text("unit,name,source\nA,Centre A,test\n", encoding="utf-8")
    return {"flows": flows, "units": gpkg, "places": places}


def test_bbsr_with_central_places_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_case(tmp_path)
    out, summary = tmp_path / "labels.csv", tmp_path / "regions.csv"
    code = run_cli("delineate", files["flows"], "--units", files["units"], "--method", "bbsr",
                   "--central-places", f"@{files['places']}", "--out", out,
                   "--summary", summary, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    labels = pd.read_csv(out, dtype=str).set_index("unit")["region"]
    table = pd.read_csv(summary, dtype={"region": str})
    assert list(table.columns[:3]) == ["region", "name", "units"]
    for column in ("main_unit", "zone", "residents", "jobs", "internal",
                   "self_containment_supply", "self_containment_demand"):  # fmt: skip
        assert column in table.columns
    assert table["zone"].tolist() == ["Zentrum"]
    # n1, n2 send 800 of 800 out-commuters (100 %) to A: engerer Pendlerverflechtungsraum;
    # s1 300 of 400 (75 %), s2 600 of 600; B sends 10 of 60 (17 %) to A: outside
    assert labels.drop("B").eq("A").all()
    assert pd.isna(labels["B"])


def test_infomap_writes_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("infomap", reason="the infomap extra: pip install 'cityregions[infomap]'")
    files = write_case(tmp_path)
    out = tmp_path / "labels.csv"
    code = run_cli("delineate", files["flows"], "--method", "infomap", "--level", "1",
                   "--seed", "7", "--out", out, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    labels = pd.read_csv(out, dtype=str)
    assert list(labels.columns) == ["unit", "region"]
    assert labels["region"].notna().all()


def test_compare_on_covered_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_case(tmp_path)
    out, comparison = tmp_path / "labels.csv", tmp_path / "comparison.csv"
    code = run_cli("delineate", files["flows"], "--units", files["units"], "--method", "lma",
                   "--min-size", "100", "--target-size", "1000", "--compare", "fua",
                   "--cities", "A", "--comparison", comparison, "--out", out,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    pairs = pd.read_csv(comparison)
    row = pairs.iloc[0]
    fua = pd.read_csv(out, dtype=str)  # the labels are LMA's (--method)
    assert (row["method_a"], row["method_b"]) == ("lma", "fua")
    assert row["covered_a"] == fua["region"].notna().sum()
    # FUA: B sends 10 of 1060 (0.9 %) to A: outside; the 5 others are covered
    assert row["covered_b"] == 5
    assert row["units_compared"] == min(row["covered_a"], 5)
    assert "covered_units" in capsys.readouterr().err


def test_contiguous_lists_every_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_case(tmp_path)
    code = run_cli("delineate", files["flows"], "--units", files["units"], "--method", "fua",
                   "--cities", "A,B", "--contiguous", "--no-contiguity",
                   "--out", tmp_path / "l.csv", monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0
    assert "contiguous: 0 unit(s) moved" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "bbsr", "--central-places", "A"], "needs the population"),
        (["--method", "bbsr"], "give --central-places"),
        (
            ["--method", "fua", "--no-contiguity", "--units", "NOPOP"],
            "FUA needs a way to find cities",
        ),
        (["--method", "infomap", "--flows", "DIAGONAL"], "Infomap needs flows between units"),
        (["--method", "lma", "--compare", "kmeans"], "--compare takes methods"),
        (["--method", "lma", "--comparison", "c.csv"], "--comparison needs --compare"),
        (["--method", "lma", "--level", "2"], "belongs to method 'infomap'"),
        (["--method", "bbsr", "--central-places", "@missing.csv"], "does not exist"),
    ],
)
def test_bad_input_names_what_is_missing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    files = write_case(tmp_path, population="needs the population" not in message)
    if "NOPOP" in args:
        bare = gpd.read_file(files["units"]).drop(columns=["area_km2"])
        bare["population"] = None
        bare.to_file(tmp_path / "bare.gpkg", driver="GPKG")
        args = [a if a != "NOPOP" else str(tmp_path / "bare.gpkg") for a in args]
    flows = files["flows"]
    only_diagonal = "DIAGONAL" in args
    if only_diagonal:
        flows = tmp_path / "diagonal.csv"
        pd.DataFrame({"origin": ["A", "B"], "destination": ["A", "B"], "value": [5, 6]}).to_csv(
            flows, index=False
        )
        args = args[:2]
    units = [] if "--units" in args or only_diagonal else ["--units", files["units"]]
    args = [a.replace("@missing", f"@{tmp_path}/missing") for a in args]
    out = tmp_path / "out" / "labels.csv"
    code = run_cli("delineate", flows, *units, *args, "--out", out, monkeypatch=monkeypatch)
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
