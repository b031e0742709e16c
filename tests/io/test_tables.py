"""Tests of the plain-table readers and writers (:mod:`cityregions.io.tables`)."""

from __future__ import annotations

import csv
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import DataQualityWarning, InputError
from cityregions.io import (
    read_flows,
    read_labels,
    read_provenance,
    read_units,
    write_flows,
    write_table,
)

TOY = "origin,destination,value\n01,01,10\n01,02,5\n02,02,7\n02,01,1\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _sums(path: Path, origin: str, value: str) -> tuple[float, dict[str, float]]:
    """Sum of all values and per origin, computed with the csv module (independently)."""
    per_origin: dict[str, float] = defaultdict(float)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            per_origin[row[origin]] += float(row[value])
    return sum(per_origin.values()), dict(per_origin)


# --- real files ----------------------------------------------------------------------


def test_lma_reference_flows_keep_the_file_totals(lma_reference_dir: Path) -> None:
    path = lma_reference_dir / "de_kreise_2016_flows_with_internal.csv"
    total, per_origin = _sums(path, "community_live", "amount")
    flows = read_flows(path)
    assert flows.total == total == 29136608.0
    assert len(flows) == 401
    assert flows.has_diagonal
    out = flows.residents()
    assert {k: out[k] for k in per_origin} == per_origin


def test_ba_district_flows_with_units_keep_the_file_totals(kreise_dir: Path) -> None:
    units = read_units(kreise_dir / "units.csv")
    assert len(units) == 401
    assert units.ids[0] == "01001"  # leading zero kept
    assert units.units.loc["14713", "name"] == "Leipzig, Stadt"
    total, per_origin = _sums(kreise_dir / "flows.csv", "origin", "commuters")
    with pytest.warns(DataQualityWarning, match="no internal"):
        flows = read_flows(kreise_dir / "flows.csv", units=units)
    assert flows.ids == tuple(units.ids)
    assert flows.total == total
    out = flows.residents()
    assert {k: out[k] for k in per_origin} == per_origin
    assert flows.matrix.nnz == 5006  # one entry per pair in the file
    assert flows.flows_provenance == "observed"


def test_lma_ids_without_leading_zeros_are_padded_to_the_units(
    lma_reference_dir: Path, kreise_dir: Path
) -> None:
    units = read_units(kreise_dir / "units.csv")
    flows = read_flows(lma_reference_dir / "de_kreise_2016_flows_with_internal.csv", units=units)
    assert flows.ids == tuple(units.ids)
    # diagonal of Flensburg = employees_svb - out_commuters_total (data README)
    assert flows.internal()["01001"] == 29516 - 9773


def test_units_with_polygons_and_vector_units(kreise_dir: Path) -> None:
    units = read_units(kreise_dir / "units.csv", polygons=kreise_dir / "kreise.geojson")
    assert units.has_polygons
    assert str(units.geometry.crs) == "EPSG:4326"
    leipzig = units.units.loc["14713"]
    assert 290 < leipzig["area_km2"] < 305  # Leipzig is 297.8 km²
    assert leipzig["lon"] == pytest.approx(12.3, abs=0.2)  # from the file, not the polygon
    geo = read_units(kreise_dir / "kreise.geojson")
    assert len(geo) == 401
    assert geo.units.loc["14713", "name"] == units.units.loc["14713", "name"]


# --- conventions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "origin,destination,value",
        "origin,destination,commuters",
        "community_live,community_work,amount",
        "RES,POW,TotalFlow",
        "Origin,DESTINATION,Flow",
    ],
)
def test_column_conventions_are_detected(tmp_path: Path, header: str) -> None:
    body = TOY.split("\n", 1)[1]
    flows = read_flows(_write(tmp_path / "f.csv", header + "\n" + body))
    assert flows.ids == ("01", "02")
    assert flows.matrix[0, 1] == 5
    assert flows.residents().to_dict() == {"01": 15.0, "02": 8.0}


def test_explicit_columns_semicolon_and_units_order(tmp_path: Path) -> None:
    text = "wo;ao;n;other\n01;02;4;x\n02;02;6;y\n"
    flows = read_flows(
        _write(tmp_path / "f.csv", text),
        origin="wo",
        destination="ao",
        value="n",
        units=["02", "01", "03"],
        flows_provenance="modeled",
    )
    assert flows.ids == ("02", "01", "03")
    assert flows.matrix[1, 0] == 4
    assert flows.matrix[0, 0] == 6
    assert flows.flows_provenance == "modeled"


def test_no_diagonal_warns(tmp_path: Path) -> None:
    with pytest.warns(DataQualityWarning, match="no internal"):
        read_flows(_write(tmp_path / "f.csv", "origin,destination,value\n01,02,4\n"))


def test_xlsx_and_parquet(tmp_path: Path) -> None:
    frame = pd.read_csv(_write(tmp_path / "f.csv", TOY), dtype=str)
    xlsx = tmp_path / "f.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="Flows", index=False)
    from_xlsx = read_flows(xlsx, sheet="Flows")
    parquet = tmp_path / "f.parquet"
    frame.to_parquet(parquet)
    from_parquet = read_flows(parquet)
    for flows in (from_xlsx, from_parquet):
        assert flows.ids == ("01", "02")
        assert flows.total == 23


def test_unit_table_that_lost_leading_zeros_is_named(tmp_path: Path) -> None:
    units = read_units(_write(tmp_path / "u.csv", "unit,population\n1001,5\n1002,7\n"))
    flows = _write(tmp_path / "f.csv", "origin,destination,value\n01001,01002,3\n")
    with pytest.raises(InputError, match=r"the unit table has '1001'.*leading zeros") as error:
        read_flows(flows, units=units)
    assert error.value.location == "line 2"
    assert error.value.field == "origin"


def test_xlsx_is_closed_after_reading(tmp_path: Path) -> None:
    import gc

    xlsx = tmp_path / "f.xlsx"
    pd.read_csv(_write(tmp_path / "f.csv", TOY), dtype=str).to_excel(xlsx, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_flows(xlsx).total == 23
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_cp1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    text = "unit,name,population\n01,Lübeck,10\n02,Görlitz,5\n"
    path = _write(tmp_path / "u.csv", text, encoding="cp1252")
    with pytest.warns(DataQualityWarning, match="not UTF-8.*line 2.*cp1252"):
        units = read_units(path)
    assert units.units.loc["01", "name"] == "Lübeck"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("jobs", "jobs"),
        ("employees", "jobs"),  # the name older tables used
        ("SvB am Arbeitsort", "jobs"),
        ("Erwerbstätige", "jobs"),
        ("residents", "residents"),
        ("employees_svb", "residents"),  # residence count of the BA district table
        ("SvB am Wohnort", "residents"),
    ],
)
def test_read_units_reads_residents_and_jobs_columns(
    tmp_path: Path, header: str, field: str
) -> None:
    path = _write(tmp_path / "u.csv", f"unit;level;{header}\n01;district;1.234\n02;district;5\n")
    units = read_units(path).units
    assert units[field].tolist() == [1234.0, 5.0]  # dot thousands separator, as counts
    other = "jobs" if field == "residents" else "residents"
    assert units[other].isna().all()
    assert units["unit_level"].tolist() == ["district", "district"]


def test_read_units_explicit_column_wins_over_the_default_names(tmp_path: Path) -> None:
    path = _write(tmp_path / "u.csv", "unit,employees,jobs\n01,7,3\n")
    units = read_units(path, columns={"residents": "employees"}).units
    assert (units.loc["01", "residents"], units.loc["01", "jobs"]) == (7.0, 3.0)


def test_read_labels_empty_region_is_nan_and_ids_stay_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "labels.csv", "unit,region\n01001,07\n01002,\n01003,07\n")
    labels = read_labels(path)
    assert labels.index.tolist() == ["01001", "01002", "01003"]
    assert labels[["01001", "01003"]].tolist() == ["07", "07"]
    assert pd.isna(labels["01002"])  # outside every region
    assert (labels.index.name, labels.name) == ("unit", "region")


def test_labels_written_with_nan_read_back_the_same(tmp_path: Path) -> None:
    labels = pd.Series(["1", np.nan, "3"], index=pd.Index(["a", "b", "c"], name="unit"))
    path = write_table(labels.rename("region").reset_index(), tmp_path / "l.csv", index=False)
    assert path.read_text(encoding="utf-8").splitlines() == ["unit,region", "a,1", "b,", "c,3"]
    pd.testing.assert_series_equal(
        read_labels(path), labels.rename("region"), check_index_type=False
    )


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("unit,cluster\na,1\n", "missing column 'region'", None),
        ("unit,region\na,1\na,2\n", "duplicate unit id 'a'", "line 3"),
        ("unit,region\n,1\n", "empty unit id", "line 2"),
    ],
)
def test_read_labels_bad_input(
    tmp_path: Path, text: str, message: str, location: str | None
) -> None:
    error = _error(read_labels, _write(tmp_path / "labels.csv", text))
    assert message in str(error)
    assert error.location == location


def test_read_units_detects_columns_and_provenance(tmp_path: Path) -> None:
    path = _write(tmp_path / "u.csv", "AGS,GEN,EWZ,Land\n14713,Leipzig,600000,14\n")
    prov = _write(
        tmp_path / "p.csv",
        "field,source,year\npopulation,Destatis,2018\nname,BKG VG250,\n",
    )
    units = read_units(path, provenance_file=prov, unit_level="district")
    row = units.units.loc["14713"]
    assert (row["name"], row["population"], row["state"], row["unit_level"]) == (
        "Leipzig",
        600000.0,
        "14",
        "district",
    )
    assert units.provenance == {"population": "Destatis, 2018", "name": "BKG VG250"}
    assert read_provenance(prov)["population"] == "Destatis, 2018"


# --- writers ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_write_table_round_trip_keeps_leading_zeros(tmp_path: Path, suffix: str) -> None:
    units = read_units(_write(tmp_path / "u.csv", "unit,name\n01001,A\n02000,B\n"))
    path = write_table(units.units, tmp_path / f"out{suffix}")
    again = read_units(path)
    assert again.ids == ["01001", "02000"]
    assert list(path.parent.glob(".out*")) == []  # no temporary file left


def test_write_flows_round_trip(tmp_path: Path) -> None:
    flows = read_flows(_write(tmp_path / "f.csv", TOY))
    path = write_flows(flows, tmp_path / "flows.csv")
    long = pd.read_csv(path, dtype=str)
    assert list(long.columns) == ["origin", "destination", "value", "flows_provenance"]
    again = read_flows(path)
    assert np.array_equal(again.matrix.toarray(), flows.matrix.toarray())


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    bad = pd.DataFrame({"a": [object()]})  # pyarrow cannot store a bare object
    with pytest.raises(Exception):  # noqa: B017 - any pyarrow error
        write_table(bad, tmp_path / "x.parquet")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="unsupported"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.json")


# --- bad input -------------------------------------------------------------------------


def _error(call, *args, **kwargs) -> InputError:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(InputError) as info:
            call(*args, **kwargs)
    return info.value


def test_missing_and_empty_files(tmp_path: Path) -> None:
    error = _error(read_flows, tmp_path / "nope.csv")
    assert "does not exist" in str(error)
    assert "nope.csv" in str(error)
    error = _error(read_flows, _write(tmp_path / "empty.csv", ""))
    assert "empty" in str(error)
    assert "empty.csv" in str(error)
    error = _error(read_flows, _write(tmp_path / "blank.csv", "\n\n  \n"))
    assert "empty" in str(error)
    error = _error(read_flows, _write(tmp_path / "head.csv", "origin,destination,value\n"))
    assert "no data rows" in str(error)


def test_missing_column_names_expected_ones(tmp_path: Path) -> None:
    error = _error(read_flows, _write(tmp_path / "f.csv", "origin,destination,women\n1,2,3\n"))
    assert error.field == "value"
    assert "commuters" in str(error)
    assert "amount" in str(error)
    assert "women" in str(error)
    error = _error(read_flows, tmp_path / "f.csv", value="total")
    assert error.field == "total"
    assert "missing column 'total'" in str(error)
    error = _error(read_units, _write(tmp_path / "u.csv", "name,population\nA,1\n"))
    assert "unit id" in str(error)
    assert "ags" in str(error)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("abc", "expected a number"), ("-3", "negative"), ("", "empty value"), ("inf", "expected")],
)
def test_bad_flow_values_name_file_line_and_field(tmp_path: Path, cell: str, expected: str) -> None:
    text = f"origin,destination,commuters\n01,01,5\n01,02,{cell}\n"
    error = _error(read_flows, _write(tmp_path / "f.csv", text))
    assert expected in str(error)
    assert error.source is not None
    assert error.source.endswith("f.csv")
    assert error.location == "line 3"
    assert error.field == "commuters"


def test_unknown_unit_id_names_line_and_column(tmp_path: Path) -> None:
    text = "origin,destination,value\n01,01,5\n01,02,1\n02,99,3\n"
    error = _error(read_flows, _write(tmp_path / "f.csv", text), units=["01", "02"])
    assert "'99'" in str(error)
    assert "not in the unit table" in str(error)
    assert (error.location, error.field) == ("line 4", "destination")


def test_empty_id_is_an_error(tmp_path: Path) -> None:
    error = _error(read_flows, _write(tmp_path / "f.csv", "origin,destination,value\n,01,5\n"))
    assert (error.location, error.field) == ("line 2", "origin")


def test_duplicate_unit_id_names_both_lines(tmp_path: Path) -> None:
    text = "unit,name\n01001,A\n01002,B\n01001,C\n"
    error = _error(read_units, _write(tmp_path / "u.csv", text))
    assert "duplicate unit id '01001'" in str(error)
    assert "first at line 2" in str(error)
    assert (error.location, error.field) == ("line 4", "unit")


def test_wrong_encoding(tmp_path: Path) -> None:
    utf16 = tmp_path / "u16.csv"
    utf16.write_text(TOY, encoding="utf-16")
    error = _error(read_flows, utf16)
    assert "encoding" in str(error)
    assert "u16.csv" in str(error)
    latin = _write(tmp_path / "latin.csv", "unit,name\n01,Görlitz\n", encoding="cp1252")
    error = _error(read_units, latin, encoding="utf-8")
    assert "wrong encoding" in str(error)
    assert error.location == "line 2"


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    pd.read_csv(_write(tmp_path / "f.csv", TOY)).to_excel(path, sheet_name="Flows", index=False)
    error = _error(read_flows, path, sheet="Pendler")
    assert "no sheet 'Pendler'" in str(error)
    assert "Flows" in str(error)
    assert error.location == "sheet 'Pendler'"


def test_not_a_workbook(tmp_path: Path) -> None:
    error = _error(read_flows, _write(tmp_path / "f.xlsx", "origin,destination\n"))
    assert "Excel" in str(error)


def test_polygons_missing_for_a_unit(tmp_path: Path, kreise_dir: Path) -> None:
    path = _write(tmp_path / "u.csv", "unit,name\n01001,A\n99999,B\n")
    error = _error(read_units, path, polygons=kreise_dir / "kreise.geojson")
    assert "99999" in str(error)
    assert "no polygon" in str(error)


def test_bad_provenance_file(tmp_path: Path) -> None:
    units = _write(tmp_path / "u.csv", "unit\n01\n")
    prov = _write(tmp_path / "p.csv", "field,source\npopulation,Destatis\npopulation,BKG\n")
    error = _error(read_units, units, provenance_file=prov)
    assert "listed twice" in str(error)
    assert error.location == "line 3"
    prov = _write(tmp_path / "p2.csv", "field,where\npopulation,Destatis\n")
    error = _error(read_units, units, provenance_file=prov)
    assert error.field == "source"


def test_german_spreadsheet_export_with_decimal_comma(tmp_path: Path) -> None:
    flows = read_flows(
        _write(tmp_path / "f.csv", "origin;destination;value\n01;01;1.234,5\n01;02;2,5\n")
    )
    assert flows.residents()["01"] == 1237.0
    units = read_units(
        _write(tmp_path / "u.csv", "unit;name;population;lon;lat\n01;A;1.234;12,37;51,34\n")
    )
    row = units.units.loc["01"]
    assert (row["population"], row["lon"], row["lat"]) == (1234.0, 12.37, 51.34)
    # a comma-separated file keeps the dot as decimal point
    units = read_units(_write(tmp_path / "v.csv", "unit,lat\n01,51.340\n"))
    assert units.units.loc["01", "lat"] == 51.34


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    text = "\norigin,destination,value\n01,01,5\n\n\n01,02,x\n"
    error = _error(read_flows, _write(tmp_path / "f.csv", text))
    assert error.location == "line 6"
    xlsx = tmp_path / "f.xlsx"
    frame = pd.DataFrame({"origin": ["01", None, "01"], "destination": ["01", None, "02"]})
    frame.assign(value=[5, None, -1]).to_excel(xlsx, index=False)
    error = _error(read_flows, xlsx)
    assert error.location == "row 4"


def test_key_history_traps_are_named(kreise_dir: Path, tmp_path: Path) -> None:
    """Old keys (Göttingen 03152 before Nov 2016) against the 2016 units: a clear error;
    the 2016 units still have Eisenach 16056 (merged into 16063 in 2021)."""
    units = read_units(kreise_dir / "units.csv")
    assert {"03159", "16056", "16063"} <= set(units.ids)
    assert "03152" not in units.ids
    text = "origin,destination,value\n03159,03159,5\n03152,03159,7\n"
    error = _error(read_flows, _write(tmp_path / "old.csv", text), units=units)
    assert "'03152'" in str(error)
    assert (error.location, error.field) == ("line 3", "origin")


def test_geodataframe_csv_round_trip(tmp_path: Path, kreise_dir: Path) -> None:
    from cityregions.geometry import units_layer

    units = read_units(kreise_dir / "units.csv", polygons=kreise_dir / "kreise.geojson")
    small = units.subset(["14713", "14729", "14730"])
    path = write_table(units_layer(small), tmp_path / "units.csv")
    again = read_units(path)
    assert again.has_polygons
    assert again.ids == small.ids
    assert again.neighbours() == small.neighbours()
    assert again.neighbours()["14713"] == ["14729", "14730"]
    assert again.units["area_km2"].tolist() == pytest.approx(small.units["area_km2"].tolist())
    text = path.read_text(encoding="utf-8").replace("POLYGON", "POLYGONE", 1)
    error = _error(read_units, _write(tmp_path / "bad.csv", text))
    assert error.field == "geometry_wkt"
