"""Time stamps of written files: now, or SOURCE_DATE_EPOCH (reproducible builds)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from cityregions._errors import InputError
from cityregions.io._timestamp import build_date, build_time, gdal_build_time, source_date

EPOCH = 1700000000  # 2023-11-14 22:13:20 UTC


def test_source_date_epoch_fixes_the_time_and_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert build_time() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    assert build_date() == dt.date(2023, 11, 14)  # the UTC day, whatever the local zone


def test_without_source_date_epoch_it_is_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date() is None
    before = dt.datetime.now(dt.UTC)
    stamped = build_time()
    assert before <= stamped <= dt.datetime.now(dt.UTC)
    assert build_date() == dt.date.today()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "  ")  # empty counts as not set
    assert source_date() is None


def test_a_malformed_source_date_epoch_is_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2023-11-14")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH='2023-11-14' is not a number"):
        build_time()


def write_points(path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from cityregions.io.geo import write_geopackage

    frame = gpd.GeoDataFrame({"unit": ["a", "b"]}, geometry=[Point(12, 51), Point(13, 51)])
    write_geopackage(path, {"units": frame.set_crs(4326)})


def test_geopackage_is_byte_identical_with_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    write_points(tmp_path / "first.gpkg")
    write_points(tmp_path / "second.gpkg")
    first = (tmp_path / "first.gpkg").read_bytes()
    assert first == (tmp_path / "second.gpkg").read_bytes()
    with sqlite3.connect(tmp_path / "first.gpkg") as db:
        stamps = db.execute("SELECT last_change FROM gpkg_contents").fetchall()
    assert stamps == [("2023-11-14T22:13:20.000Z",)]
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None  # restored


def test_gdal_build_time_restores_a_previous_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyogrio

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
    try:
        with gdal_build_time():
            stamp = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        assert stamp == "2023-11-14T22:13:20.000Z"
        assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") == "2000-01-01T00:00:00.000Z"
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
