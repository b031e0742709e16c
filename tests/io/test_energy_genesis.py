"""Check 6: GENESIS exports feed the inputs; special values keep their status."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning, InputError
from cityregions.energy import biomass_potential
from cityregions.energy.inputs import validate_energy_inputs
from cityregions.io.energy_genesis import genesis_column, inputs_from_genesis

CATTLE = """GENESIS-Tabelle: 41312-01-01-4
Rinderbestand: Kreise, Stichtag
Regionale Tiefe: Kreise und krfr. Städte
Rinder (Anzahl)
;;;Rinder;Milchkühe;Andere Kühe
;;;Anzahl;Anzahl;Anzahl
03.11.2021;02;Hamburg;1200;.;3
03.11.2021;14612;Dresden, Stadt;10;-;3
03.11.2021;14625;Bautzen;50500;/;3
03.11.2021;14626;Görlitz;42200;x;3
03.11.2021;14627;Meißen;40000;...;3
03.11.2021;14628;Sächsische Schweiz-Osterzgebirge;43400;1234,5;3
__________
Erläuterungen: Stichtag jeweils Anfang November.
__________
(C)opyright Statistische Ämter des Bundes und der Länder, Deutschland, 2023
Stand: 01.02.2023 / 12:00:00
"""


@pytest.fixture
def cattle_csv(tmp_path):
    path = tmp_path / "41312-01-01-4.csv"
    path.write_bytes(CATTLE.replace("\n", "\r\n").encode("cp1252"))
    return path


def test_check6_special_values_and_keys(cattle_csv):
    with pytest.warns(DataQualityWarning, match="kept missing"):
        column = genesis_column(cattle_csv, "dairy_cows")
    assert column.loc["14628", "dairy_cows"] == 1234.5
    assert column.loc["14612", "dairy_cows"] == 0.0
    assert column.loc["14612", "dairy_cows_status"] == "nothing"
    expected = {
        "02000": "unknown_or_secret",
        "14627": "not_yet_available",
        "14625": "unreliable",
        "14626": "locked",
    }
    for key, status in expected.items():
        assert np.isnan(column.loc[key, "dairy_cows"]), key
        assert column.loc[key, "dairy_cows_status"] == status
    assert all(isinstance(k, str) for k in column.index)
    assert "Milchkühe" in column["dairy_cows_source"].iloc[0]
    assert "41312-01-01-4" in column["dairy_cows_source"].iloc[0]


def test_check6_names_decode_and_footer_is_ignored(cattle_csv):
    from cityregions.io.genesis import read_genesis

    table = read_genesis(cattle_csv)
    names = set(table.data["name"])
    assert "Sächsische Schweiz-Osterzgebirge" in names
    assert not any("Copyright" in n or "Stand" in n for n in names)
    assert set(table.data["key"]) == {"02", "14612", "14625", "14626", "14627", "14628"}


def test_genesis_replaces_base_columns_and_suppressed_stays_missing(cattle_csv):
    base = pd.DataFrame(
        {
            "unit": ["14627", "14628"],
            "population": [239_344, 244_009],
            "arable_ha": [71_000.0, 61_000.0],
            "grassland_ha": [19_000.0, 16_000.0],
            "forest_ha": [18_836, 58_723],
            "cereal_ha": [38_000.0, 33_000.0],
            "cereal_yield_t_per_ha": [6.8, 6.8],
            "dairy_cows": [17_000.0, 15_000.0],
            "source": ["dairy_cows: estimate", "dairy_cows: estimate"],
        }
    ).set_index("unit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        table = inputs_from_genesis({"dairy_cows": cattle_csv}, base=base)
    assert table.loc["14628", "dairy_cows"] == 1234.5
    assert np.isnan(table.loc["14627", "dairy_cows"])
    assert table.loc["14627", "dairy_cows_status"] == "not_yet_available"
    assert "41312-01-01-4" in table.loc["14628", "source"]
    assert "estimate" not in table.loc["14628", "source"]
    with pytest.warns(DataQualityWarning, match=r"row 2, field 'dairy_cows'.*not_yet_available"):
        inputs = validate_energy_inputs(table.reset_index(), source="genesis")
    potential = biomass_potential(inputs)
    slurry = potential[(potential["unit"] == "14627") & (potential["feedstock"] == "cattle_slurry")]
    assert slurry["fuel_mwh"].isna().all()
    assert (slurry["status"] == "dairy_cows:not_yet_available").all()


def test_unknown_label_names_the_columns_of_the_file(cattle_csv):
    with pytest.raises(InputError, match="Milchkühe") as info:
        genesis_column(cattle_csv, "fattening_pigs")
    assert info.value.field == "fattening_pigs"


@pytest.mark.parametrize("year", ["2012-13-01", "1990"])
def test_a_year_the_export_lacks_names_the_dates_it_has(cattle_csv, year):
    with pytest.raises(InputError, match=f"no values for year '{year}'") as info:
        genesis_column(cattle_csv, "dairy_cows", year=year)
    assert "the export has the dates 03.11.2021" in str(info.value)
    assert (info.value.source, info.value.field) == (str(cattle_csv), "time")


def test_the_year_picks_the_dates_of_that_year(cattle_csv):
    with pytest.warns(DataQualityWarning, match="kept missing"):
        column = genesis_column(cattle_csv, "dairy_cows", year="2021")
    assert column.loc["14628", "dairy_cows"] == 1234.5
