"""Bad per-unit inputs: clear errors naming file, row and column; suppressed cells kept."""

from __future__ import annotations

import pytest

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy.inputs import read_energy_inputs

HEADER = "unit,population,arable_ha,grassland_ha,forest_ha,cereal_ha,cereal_yield_t_per_ha"


def _write(tmp_path, text: str):
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_table_reads_with_optional_columns_absent(tmp_path):
    path = _write(tmp_path, f"{HEADER}\n01,100,10,5,3,4,7.0\n02,50,0,0,0,0,6.5\n")
    table = read_energy_inputs(path)
    assert list(table.index) == ["01", "02"]
    assert (table["dairy_cows"] == 0).all()
    assert (table["fattening_pigs"] == 0).all()
    assert table["energy_crop_share"].isna().all()


def test_extra_columns_are_ignored_with_a_note(tmp_path, caplog):
    path = _write(tmp_path, f"{HEADER},comment\n01,100,10,5,3,4,7.0,hello\n")
    with caplog.at_level("WARNING"):
        table = read_energy_inputs(path)
    assert "comment" not in table.columns
    assert "extra column(s) ignored: comment" in caplog.text


@pytest.mark.parametrize(
    ("text", "field", "location", "message"),
    [
        (
            f"{HEADER},laying_hens\n01,100,10,5,3,4,7.0,30\n",
            "laying_hens",
            None,
            "unknown livestock column",
        ),
        (
            f"{HEADER},miscanthus_ha\n01,100,10,5,3,4,7.0,30\n",
            "miscanthus_ha",
            None,
            "unknown land-use or feedstock column",
        ),
        (
            f"{HEADER}\n01,100,10,5,3,4,7.0\n02,100,-10,5,3,4,7.0\n",
            "arable_ha",
            "row 3",
            "negative value",
        ),
        (
            f"{HEADER},energy_crop_share\n01,100,10,5,3,4,7.0,10\n",
            "energy_crop_share",
            "row 2",
            "above 1",
        ),
        (f"{HEADER}\n01,100,ten,5,3,4,7.0\n", "arable_ha", "row 2", "expected a number"),
        (f"{HEADER}\n01,100,10,5,3,4,7.0\n01,1,1,1,1,1,1\n", "unit", "row 3", "duplicate"),
        ("unit,population\n01,100\n", "arable_ha", None, "missing required column"),
    ],
)
def test_bad_input_names_file_row_and_column(tmp_path, text, field, location, message):
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=message) as info:
        read_energy_inputs(path)
    assert info.value.source == str(path)
    assert info.value.field == field
    if location is not None:
        assert info.value.location == location


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        (".", "suppressed"),
        ("...", "not_yet_available"),
        ("/", "unreliable"),
        ("x", "locked"),
        ("", "missing"),
    ],
)
def test_special_values_stay_missing_with_status(tmp_path, cell, status):
    path = _write(tmp_path, f"{HEADER},dairy_cows\n01,100,10,5,3,4,7.0,{cell}\n")
    with pytest.warns(DataQualityWarning, match=rf"units.csv, row 2, field 'dairy_cows'.*{status}"):
        table = read_energy_inputs(path)
    assert table["dairy_cows"].isna().all()
    assert table.loc["01", "dairy_cows_status"] == status


def test_dash_is_zero(tmp_path):
    path = _write(tmp_path, f"{HEADER},dairy_cows\n01,100,10,5,3,4,7.0,-\n")
    table = read_energy_inputs(path)
    assert table.loc["01", "dairy_cows"] == 0.0
    assert table.loc["01", "dairy_cows_status"] == "zero"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (f"{HEADER}\n01,100,10,5,3,4,7.0\n".replace(",", ";").encode(), "separated by ';'"),
        (f"{HEADER},name\n01,100,10,5,3,4,7.0,G\xf6rlitz\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_say_what_is_expected(tmp_path, content, message):
    path = tmp_path / "units.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_energy_inputs(path)
    assert str(path) in str(info.value)


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(f"{HEADER}\n01,100,10,5,3,4,7.0\n".encode("utf-8-sig"))
    assert list(read_energy_inputs(path).index) == ["01"]
