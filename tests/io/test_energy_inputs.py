"""Reading per-unit inputs: errors name file, row and column; special signs stay missing."""

from __future__ import annotations

import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy.inputs import validate_energy_inputs
from cityregions.io.energy_inputs import read_case_estimates, read_energy_inputs
from cityregions.io.genesis import SPECIAL_SIGNS, parse_value

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
        (f"{HEADER}\n01,100,ten,5,3,4,7.0\n", "arable_ha", "row 2", "expected a finite decimal"),
        (f"{HEADER}\n01,100,10,5,inf,4,7.0\n", "forest_ha", "row 2", r"got 'inf'"),
        (f"{HEADER}\n01,100,10,5,3,4,nan\n", "cereal_yield_t_per_ha", "row 2", r"got 'nan'"),
        (f"{HEADER}\n01,100,10,5,1e400,4,7.0\n", "forest_ha", "row 2", "finite decimal"),
        (
            f"{HEADER},biogas_chp_kw_el\n01,100,10,5,3,4,7.0,-1\n",
            "biogas_chp_kw_el",
            "row 2",
            "negative value",
        ),
        (
            f"{HEADER},protected_forest_share\n01,100,10,5,3,4,7.0,1.5\n",
            "protected_forest_share",
            "row 2",
            "above 1",
        ),
        (
            f"{HEADER},kind\n01,100,10,5,3,4,7.0,fact\n02,1,1,1,1,1,1,guess\n",
            "kind",
            "row 3",
            "unknown kind 'guess'",
        ),
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
        (".", "unknown_or_secret"),
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
    assert table.loc["01", "dairy_cows_status"] == "nothing"


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


def test_every_genesis_sign_has_the_status_of_the_one_table(tmp_path):
    """The energy reader and the GENESIS reader write the same words for the same sign."""
    rows = "\n".join(
        f"{i:02d},100,10,5,3,4,7.0,{sign.sign}" for i, sign in enumerate(SPECIAL_SIGNS)
    )
    path = _write(tmp_path, f"{HEADER},dairy_cows\n{rows}\n")
    with pytest.warns(DataQualityWarning):
        table = read_energy_inputs(path)
    for i, sign in enumerate(SPECIAL_SIGNS):
        value, status = parse_value(sign.sign, dash_as_zero=True)
        assert table.iloc[i]["dairy_cows_status"] == status == sign.status
        assert table.iloc[i]["dairy_cows"] == value if sign.zero else pd.isna(value)


def test_a_given_status_is_kept_and_read_back(tmp_path):
    """A file written by `energy inputs` carries the status of an empty cell."""
    path = _write(
        tmp_path,
        f"{HEADER},dairy_cows,dairy_cows_status\n01,100,10,5,3,4,7.0,,unreliable\n"
        "02,100,10,5,3,4,7.0,0,nothing\n",
    )
    with pytest.warns(DataQualityWarning, match="row 2, field 'dairy_cows': unreliable"):
        table = read_energy_inputs(path)
    assert table["dairy_cows_status"].tolist() == ["unreliable", "nothing"]
    assert table.loc["02", "dairy_cows"] == 0.0


def test_validation_in_memory_knows_no_special_signs():
    """Only the reader knows the signs: a table in memory holds numbers or NaN."""
    row = {"unit": "01", "population": 100, "arable_ha": ".", "grassland_ha": 5,
           "forest_ha": 3, "cereal_ha": 4, "cereal_yield_t_per_ha": 7.0}  # fmt: skip
    with pytest.raises(InputError, match=r"expected a finite decimal .*, got '\.'") as info:
        validate_energy_inputs(pd.DataFrame([row]), source="memory")
    assert (info.value.field, info.value.location) == ("arable_ha", "row 2")


def test_bundled_estimates_are_read_from_the_case_folder(tmp_path):
    from cityregions.pipeline.case import bundled_case_path

    inputs, provenance = read_case_estimates(bundled_case_path() / "energy")
    assert len(inputs) == 50
    assert set(provenance["kind"]) >= {"fact", "estimate"}
    with pytest.raises(InputError, match=r"no district_facts\.csv in the folder"):
        read_case_estimates(tmp_path)


def test_kinds_name_the_provenance_of_a_row(tmp_path):
    path = _write(
        tmp_path,
        f"{HEADER},kind\n01,100,10,5,3,4,7.0,estimate; observed: dairy_cows\n"
        "02,100,10,5,3,4,7.0,\n",
    )
    table = read_energy_inputs(path)
    assert table.loc["01", "kind"] == "estimate; observed: dairy_cows"


def test_read_sites(tmp_path):
    from cityregions.io.energy_inputs import read_sites

    path = tmp_path / "sites.csv"
    path.write_text(
        "site,unit,lon,lat,capacity_mwh\nplant,14612,13.74,51.05,5000\nfarm,14627,13.5,51.2,\n",
        encoding="utf-8",
    )
    sites = read_sites(path, units=["14612", "14627"])
    assert sites.index.tolist() == ["plant", "farm"]
    assert sites.loc["plant", "capacity_mwh"] == 5000.0
    assert pd.isna(sites.loc["farm", "capacity_mwh"])
    bad = {
        "site,unit,lon,lat\nplant,14612,213.7,51.0\n": ("lon", "line 2"),
        "site,unit,lon,lat,capacity_mwh\nplant,14612,13.7,51.0,-4\n": ("capacity_mwh", "line 2"),
        "site,unit,lon,lat\nplant,14612,13.7,inf\n": ("lat", "line 2"),
        "site,unit,lon,lat\nplant,14612,13.7,51\nplant,14627,13.6,51\n": ("site", "line 3"),
        "site,unit,lat\nplant,14612,51\n": ("lon", None),
    }
    for text, (field, location) in bad.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_sites(path, units=["14612", "14627"])
        assert (info.value.field, info.value.location) == (field, location), text
        assert info.value.source == str(path)
