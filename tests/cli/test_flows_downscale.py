"""``cityregions flows downscale``: the contract, and bad input (exit 2, nothing written)."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.support.cli import run_cli

DISTRICTS = "origin,destination,value\nA,A,500\nA,B,120\nB,B,300\nB,A,80\n"
TOWNS = (
    "unit,name,district,population,lon,lat,area_km2\n"
    "a1,A one,A,3000,12.00,51.00,60\na2,A two,A,1000,12.08,51.03,35\n"
    "b1,B one,B,2000,12.30,51.00,50\nb2,B two,B,700,12.38,51.05,30\n"
    "x1,Elsewhere,X,900,13.00,52.00,10\n"
)


def test_beta_is_not_fitted_on_too_few_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows, units, _ = _inputs(tmp_path)
    args = ["flows", "downscale", "--flows", flows, "--units", units, "--out", tmp_path / "f.csv"]
    assert run_cli(*args, "--parent-column", "district", monkeypatch=monkeypatch) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "field 'beta': β cannot be fitted on these 2 observed pairs" in err


def _inputs(folder: Path) -> tuple[Path, Path, Path]:
    flows, units, totals = folder / "districts.csv", folder / "towns.csv", folder / "t.csv"
    flows.write_text(DISTRICTS, encoding="utf-8")
    units.write_text(TOWNS, encoding="utf-8")
    totals.write_text("unit,residents,jobs\nA,700,600\nB,400,450\n", encoding="utf-8")
    return flows, units, totals


def test_downscale_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows, units, totals = _inputs(tmp_path)
    out, out_totals = tmp_path / "towns_flows.csv", tmp_path / "towns_totals.csv"
    code = run_cli(
        "flows", "downscale", "--flows", flows, "--units", units, "--parent-column", "district",
        "--out", out, "--totals", totals, "--totals-out", out_totals, "--beta", "2",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    err = " ".join(capsys.readouterr().err.split())
    assert code == 0, err
    assert "1 municipalities of other districts left out" in err
    table = pd.read_csv(out)
    assert set(table["flows_provenance"]) == {"modeled"}
    parent = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    summed = table.groupby([table["origin"].map(parent), table["destination"].map(parent)])
    back = summed["value"].sum().to_dict()
    assert back == {("A", "A"): 500, ("A", "B"): 120, ("B", "A"): 80, ("B", "B"): 300}
    municipal = pd.read_csv(out_totals).set_index("unit")
    assert municipal["residents"].sum() == pytest.approx(1100)
    assert municipal.loc["a1", "residents"] == pytest.approx(
        table.loc[table["origin"] == "a1", "value"].sum() + 80 * 3000 / 4000
    )


def _crs_less(folder: Path) -> Path:
    shapes = [box(4500000 + 1000 * i, 5600000, 4500900 + 1000 * i, 5600900) for i in range(4)]
    frame = gpd.GeoDataFrame(
        {"AGS": ["a1", "a2", "b1", "b2"], "district": ["A", "A", "B", "B"],
         "population": [3000, 1000, 2000, 700]},
        geometry=shapes,
    )  # fmt: skip
    path = folder / "towns.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # writing without a CRS, on purpose
        frame.to_file(path, driver="GPKG")
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no_parent", "towns.csv, unit b2, field 'parent': municipality without a parent"),
        ("pair", "towns.csv, district pair A → B, field 'parent': the municipal table cannot"),
        ("crs", "towns.gpkg, field 'crs': no coordinate reference system"),
        ("totals", "t.csv, unit B, field 'residents': residents 300 is smaller"),
        ("no_diagonal", "districts.csv, field 'diagonal'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
    expected: str,
) -> None:
    flows, units, totals = _inputs(tmp_path)
    if case == "no_parent":
        units.write_text(TOWNS.replace("b2,B two,B,", "b2,B two,,"), encoding="utf-8")
    elif case == "pair":
        units.write_text(TOWNS.replace(",B,", ",Y,"), encoding="utf-8")
    elif case == "crs":
        units = _crs_less(tmp_path)
    elif case == "totals":
        totals.write_text("unit,residents,jobs\nA,700,600\nB,300,450\n", encoding="utf-8")
    elif case == "no_diagonal":
        flows.write_text("origin,destination,value\nA,B,120\nB,A,80\n", encoding="utf-8")
    out, out_totals = tmp_path / "out" / "f.csv", tmp_path / "out" / "t.csv"
    code = run_cli(
        "flows", "downscale", "--flows", flows, "--units", units, "--parent-column", "district",
        "--out", out, "--totals", totals, "--totals-out", out_totals, monkeypatch=monkeypatch,
    )  # fmt: skip
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2, err
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not out_totals.exists()
