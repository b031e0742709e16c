"""Tests of vector units (incl. BKG VG250) and the atomic GeoPackage writer.

The VG250 fixture follows ``../shared/research/official-formats.md`` section 3: a
GeoPackage ``DE_VG250.gpkg`` in ETRS89/UTM 32N (EPSG:25832) with lower-case layers,
upper-case attributes of both generations (``ARS``/``ARS_0`` in ``vg250_krs``, the older
``RS``/``RS_0`` in ``vg250_gem``), a Kreis split into a land part (``GF`` 4) and a sea
part (``GF`` 2, ``EWZ`` 0), and a Kondominium. Geometries are boxes; numbers invented.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box

from cityregions import DataQualityWarning, FlowTable, InputError
from cityregions.geometry import flows_layer, units_layer
from cityregions.io import read_units
from cityregions.io.geo import write_geopackage


def _frame(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return frame.to_crs("EPSG:25832")


def _krs() -> gpd.GeoDataFrame:
    common = {"ADE": 4, "BSG": 1, "BEZ": "Landkreis", "IBZ": 43, "NBD": "ja", "FK_S3": "K"}
    return _frame(
        [
            {
                **common,
                "GF": 4,
                "ARS": "14713",
                "AGS": "14713",
                "GEN": "Leipzig",
                "BEZ": "Kreisfreie Stadt",
                "SN_L": "14",
                "ARS_0": "147130000000",
                "AGS_0": "14713000",
                "EWZ": 616093,
                "KFL": 297.8,
                "geometry": box(12.2, 51.25, 12.55, 51.45),
            },
            {
                **common,
                "GF": 4,
                "ARS": "14729",
                "AGS": "14729",
                "GEN": "Leipzig",
                "SN_L": "14",
                "ARS_0": "147290000000",
                "AGS_0": "14729000",
                "EWZ": 260400,
                "KFL": 1651.3,
                "geometry": box(12.55, 51.0, 13.0, 51.45),
            },
            {
                **common,
                "GF": 4,
                "ARS": "13073",
                "AGS": "13073",
                "GEN": "Vorpommern-Rügen",
                "SN_L": "13",
                "ARS_0": "130730000000",
                "AGS_0": "13073000",
                "EWZ": 224000,
                "KFL": 3215.6,
                "geometry": box(12.5, 54.0, 13.5, 54.5),
            },
            {
                **common,
                "GF": 2,
                "ARS": "13073",
                "AGS": "13073",
                "GEN": "Vorpommern-Rügen",
                "SN_L": "13",
                "ARS_0": "130730000000",
                "AGS_0": "13073000",
                "EWZ": 0,
                "KFL": 0.0,
                "geometry": box(12.5, 54.5, 13.5, 55.0),
            },
        ]
    )


def _gem() -> gpd.GeoDataFrame:
    common = {"ADE": 6, "GF": 4, "BSG": 1, "IBZ": 60, "SN_L": "14"}
    return _frame(
        [
            {
                **common,
                "RS": "147290140140",
                "AGS": "14729140",
                "GEN": "Markkleeberg",
                "BEZ": "Stadt",
                "RS_0": "147290140140",
                "geometry": box(12.3, 51.25, 12.45, 51.3),
            },
            {
                **common,
                "RS": "147130000000",
                "AGS": "14713000",
                "GEN": "Leipzig",
                "BEZ": "Kreisfreie Stadt",
                "RS_0": "147130000000",
                "geometry": box(12.2, 51.3, 12.55, 51.45),
            },
            {
                **common,
                "RS": "072350000000",
                "AGS": "07235000",
                "GEN": "Deutsch-Luxemburgisches Hoheitsgebiet",
                "BEZ": "Kondominium",
                "RS_0": "072350000000",
                "geometry": box(6.4, 49.6, 6.5, 49.9),
            },
        ]
    )


@pytest.fixture
def vg250(tmp_path: Path) -> Path:
    path = tmp_path / "vg250_ebenen_0101" / "DE_VG250.gpkg"
    path.parent.mkdir()
    for layer, frame in (("vg250_krs", _krs()), ("vg250_gem", _gem())):
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    return path


def test_vg250_kreise_land_parts_only(vg250: Path) -> None:
    units = read_units(vg250, layer="vg250_krs")
    assert units.ids == ["14713", "14729", "13073"]
    assert str(units.geometry.crs) == "EPSG:4326"
    vorpommern = units.units.loc["13073"]
    assert vorpommern["population"] == 224000  # the sea part (EWZ 0) is dropped
    assert vorpommern["area_km2"] == pytest.approx(3215.6)  # KFL, not the polygon area
    assert units.geometry.loc["13073"].bounds[3] == pytest.approx(54.5, abs=1e-6)  # no sea
    leipzig = units.units.loc["14713"]
    expected = ("Leipzig", "14", "district")
    assert (leipzig["name"], leipzig["state"], leipzig["unit_level"]) == expected
    assert leipzig["lon"] == pytest.approx(12.375, abs=0.01)  # inside the box
    assert units.neighbours()["14713"] == ["14729"]


def test_vg250_gemeinden_old_attributes_without_kondominium(vg250: Path) -> None:
    units = read_units(vg250, layer="vg250_gem")
    assert units.ids == ["14729140", "14713000"]  # AGS-8, Kondominium dropped
    assert units.units.loc["14729140", "parent"] == "14729"
    assert units.units.loc["14729140", "unit_level"] == "municipality"
    by_ars = read_units(vg250, layer="vg250_gem", id_column="RS")
    assert by_ars.ids == ["147290140140", "147130000000"]


def test_shapefile_and_geojson(tmp_path: Path) -> None:
    shp = tmp_path / "VG250_KRS.shp"
    _krs().to_file(shp)
    units = read_units(shp)
    assert units.ids == ["14713", "14729", "13073"]
    geojson = tmp_path / "k.geojson"
    _krs().to_crs("EPSG:4326").to_file(geojson, driver="GeoJSON")
    assert read_units(geojson).ids == units.ids


def test_vector_bad_input(vg250: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_units(vg250)
    assert "several layers" in str(info.value)
    assert "vg250_krs" in str(info.value)
    with pytest.raises(InputError, match="no layer 'vg250_lan'"):
        read_units(vg250, layer="vg250_lan")
    with pytest.raises(InputError, match="no unit id column"):
        read_units(vg250, layer="vg250_krs", id_column="KEY")
    broken = tmp_path / "broken.gpkg"
    broken.write_text("not a geopackage")
    with pytest.raises(InputError, match="not a readable vector file"):
        read_units(broken)


def test_vector_without_geometry_names_file_and_field(tmp_path: Path) -> None:
    from cityregions.io.geo import read_vector

    table = tmp_path / "units.csv"
    table.write_text("unit,name\n01,A\n02,B\n", encoding="utf-8")
    with pytest.raises(InputError, match="no geometry") as info:
        read_vector(table)
    assert info.value.field == "geometry"
    assert "units.csv" in str(info.value)


def _toy() -> tuple[FlowTable, object]:
    units = pd.DataFrame(
        {"unit": ["01", "02", "03"], "lon": [12.0, 12.5, 13.0], "lat": [51.0, 51.0, 51.5]}
    )
    from cityregions import Territory

    territory = Territory.from_frame(units, name="toy")
    long = pd.DataFrame(
        {"origin": ["01", "01", "02", "03"], "destination": ["01", "02", "01", "02"]}
    ).assign(value=[10, 4, 2, 1])
    flows = FlowTable.from_long(
        long, ids=territory.ids, flows_provenance="modeled", source="radiation"
    )
    return flows, territory


def test_write_geopackage_units_flows_and_table(tmp_path: Path) -> None:
    flows, territory = _toy()
    lines = flows_layer(flows, territory)  # type: ignore[arg-type]
    assert lines[["origin", "destination", "value"]].values.tolist() == [
        ["01", "02", 4.0],
        ["02", "01", 2.0],
        ["03", "02", 1.0],
    ]
    assert set(lines["flows_provenance"]) == {"modeled"}
    assert list(lines.geometry.iloc[0].coords) == [(12.0, 51.0), (12.5, 51.0)]
    path = write_geopackage(
        tmp_path / "out" / "case.gpkg",
        {
            "units": units_layer(territory),  # type: ignore[arg-type]
            "flows": lines,
            "summary": pd.DataFrame({"item": ["flows"], "value": [7]}),
        },
    )
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"units": "Point", "flows": "LineString", "summary": None}
    back = pyogrio.read_dataframe(path, layer="flows")
    assert back["value"].sum() == 7
    assert list(back["source"].unique()) == ["radiation"]
    units_back = read_units(path)  # the 'units' layer is picked among several
    assert units_back.ids == ["01", "02", "03"]


def test_write_geopackage_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, territory = _toy()
    target = tmp_path / "case.gpkg"
    write_geopackage(target, {"units": units_layer(territory)})  # type: ignore[arg-type]
    before = target.read_bytes()
    bad = gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    real_write = pyogrio.write_dataframe

    def fail_on_bad(frame: object, path: object, *, layer: str, **kwargs: object) -> None:
        if layer == "bad":
            raise OSError("disk full")
        real_write(frame, path, layer=layer, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on_bad)
    with pytest.raises(OSError, match="disk full"):
        write_geopackage(target, {"units": units_layer(territory), "bad": bad})  # type: ignore[arg-type]
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["case.gpkg"]
    with pytest.raises(InputError, match="invalid layer name"):
        write_geopackage(target, {"bad name": bad})
    with pytest.raises(InputError, match="no layers"):
        write_geopackage(target, {})


def test_flows_layer_needs_seats() -> None:
    flows, territory = _toy()
    units = territory.units.copy()  # type: ignore[attr-defined]
    units.loc["03", "lon"] = float("nan")
    from cityregions import Territory

    no_seat = Territory(units, name="toy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(InputError, match="without a seat"):
            flows_layer(flows, no_seat)


def test_bkg_zip_with_shapefiles_in_a_folder(tmp_path: Path) -> None:
    """``vg250_01-01.utm32s.shape.ebenen.zip``: upper-case shapefiles in a sub-folder."""
    import zipfile

    folder = tmp_path / "src"
    folder.mkdir()
    _krs().to_file(folder / "VG250_KRS.shp")
    _gem().to_file(folder / "VG250_GEM.shp")
    archive = tmp_path / "vg250_01-01.utm32s.shape.ebenen.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for member in folder.iterdir():
            zipped.write(member, f"vg250_01-01.utm32s.shape.ebenen/vg250_ebenen_0101/{member.name}")
        zipped.writestr("vg250_01-01.utm32s.shape.ebenen/dokumentation/aktualitaet.txt", "01.01.")
    units = read_units(archive, layer="vg250_krs")  # any case
    assert units.ids == ["14713", "14729", "13073"]
    assert units.units.loc["13073", "population"] == 224000
    with pytest.raises(InputError, match="several layers"):
        read_units(archive)
