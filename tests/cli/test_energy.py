"""``cityregions energy potential|balance|allocate|uncertainty|inputs``: outputs, exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from cityregions._errors import DataQualityWarning
from cityregions.cli.main import main
from cityregions.pipeline.case import bundled_case_path

CASE = bundled_case_path()
INPUTS = CASE / "energy" / "inputs.csv"
HEADER = "unit,population,arable_ha,grassland_ha,forest_ha,cereal_ha,cereal_yield_t_per_ha"


def run_cli(*args: str | Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["cityregions", *map(str, args)])
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def test_potential_contract(tmp_path, monkeypatch):
    inputs = tmp_path / "u.csv"
    inputs.write_text(
        f"{HEADER},energy_crop_share,dairy_cows,fattening_pigs,sewage_digestion_share,comment\n"
        "musterdorf,5000,1000,0,500,500,7.0,0.10,300,1000,0,toy\n",
        encoding="utf-8",
    )
    out = tmp_path / "p.csv"
    code = run_cli(
        "energy",
        "potential",
        "--inputs",
        inputs,
        "--out",
        out,
        "--full-load-hours",
        "8000",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    table = pd.read_csv(out, dtype={"unit": str})
    for column in (
        "unit",
        "feedstock",
        "potential_level",
        "fuel_mwh",
        "electricity_mwh",
        "heat_mwh",
    ):
        assert column in table.columns
    assert set(table["feedstock"]) == {
        "silage_maize",
        "grass_silage",
        "cereal_straw",
        "cattle_slurry",
        "pig_slurry",
        "solid_cattle_manure",
        "poultry_manure",
        "horse_manure",
        "forest_residues",
        "biowaste",
        "sewage_gas",
        "total",
    }
    assert set(table["potential_level"]) == {"theoretical", "technical", "sustainable"}
    total = table[(table["feedstock"] == "total") & (table["potential_level"] == "theoretical")]
    assert len(total) == 1
    # check 3: the gross CHP electricity of the toy (1 956.1 MWh) at 8 000 h
    assert float(total["capacity_kw_el"].iloc[0]) == pytest.approx(244.5, abs=0.05)
    assert set(table["used_fuel_mwh"].dropna()) == {0.0}  # no plants in operation given


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (f"{HEADER},laying_hens\n1,1,1,1,1,1,1,5\n", "laying_hens"),
        (f"{HEADER}\n1,1,-5,1,1,1,1\n", "row 2, field 'arable_ha'"),
    ],
)
def test_potential_bad_input_exit_2_nothing_written(tmp_path, monkeypatch, capsys, text, needle):
    inputs = tmp_path / "u.csv"
    inputs.write_text(text, encoding="utf-8")
    out = tmp_path / "p.csv"
    code = run_cli("energy", "potential", "--inputs", inputs, "--out", out, monkeypatch=monkeypatch)
    assert code == 2
    assert needle in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [inputs]


def test_bad_coefficient_file_exit_2(tmp_path, monkeypatch, capsys):
    coefficients = tmp_path / "c.toml"
    coefficients.write_text("[straw_availability]\ndefault = 0.9\n", encoding="utf-8")
    out = tmp_path / "p.csv"
    code = run_cli(
        "energy",
        "potential",
        "--inputs",
        INPUTS,
        "--coefficients",
        coefficients,
        "--out",
        out,
        monkeypatch=monkeypatch,
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "c.toml" in err
    assert "entry 'straw_availability'" in err
    assert "unit" in err
    assert not out.exists()


def test_balance_allocate_and_uncertainty_on_the_bundled_inputs(tmp_path, monkeypatch):
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "unit,region\n14612,DD\n14625,DD\n14627,DD\n14628,DD\n14626,GR\n", encoding="utf-8"
    )
    subset = pd.read_csv(INPUTS, dtype={"unit": str})
    subset = subset[subset["unit"].isin(["14612", "14625", "14626", "14627", "14628"])]
    inputs = tmp_path / "u.csv"
    subset.to_csv(inputs, index=False)
    code = run_cli(
        "energy",
        "balance",
        "--inputs",
        inputs,
        "--labels",
        labels,
        "--out",
        tmp_path / "b",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    regions = pd.read_csv(tmp_path / "b" / "carrier_regions.csv", dtype={"core": str})
    dd = regions[regions["region"] == "DD"].set_index("carrier")
    headline = pd.read_csv(tmp_path / "b" / "balance_regions.csv", dtype={"core": str})
    assert headline.set_index("region").loc["DD", "carrier"] == "heat"
    assert sorted(dd.index) == ["biomethane", "electricity", "heat"]  # never added up
    assert set(dd["core"]) == {"14612"}
    code = run_cli(
        "energy",
        "allocate",
        "--inputs",
        inputs,
        "--units",
        CASE / "districts.csv",
        "--labels",
        labels,
        "--out",
        tmp_path / "a",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    flows = pd.read_csv(
        tmp_path / "a" / "allocation_flows.csv", dtype={"origin": str, "site_unit": str}
    )
    assert flows["tonnes"].dropna().gt(0).all()
    silage = flows[flows["feedstock"].isin(["silage_maize", "grass_silage"])]
    assert silage["distance_km"].max() <= 20.0
    sites = pd.read_csv(tmp_path / "a" / "allocation_sites.csv", dtype={"unit": str})
    assert set(sites["unit"]) <= set(subset["unit"])
    assert (tmp_path / "a" / "cost_supply.csv").is_file()
    code = run_cli(
        "energy",
        "uncertainty",
        "--inputs",
        inputs,
        "--region",
        "14612,14627",
        "--samples",
        "200",
        "--seed",
        "5",
        "--out",
        tmp_path / "u",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    draws = pd.read_csv(tmp_path / "u" / "monte_carlo.csv")
    assert len(draws) == 200
    tornado = pd.read_csv(tmp_path / "u" / "tornado.csv")
    assert tornado["swing_mwh"].is_monotonic_decreasing
    code = run_cli(
        "energy",
        "uncertainty",
        "--inputs",
        inputs,
        "--region",
        "14612,14627",
        "--samples",
        "200",
        "--seed",
        "5",
        "--out",
        tmp_path / "v",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    assert (tmp_path / "u" / "monte_carlo.csv").read_bytes() == (
        tmp_path / "v" / "monte_carlo.csv"
    ).read_bytes()


def test_allocate_without_seats_exit_2(tmp_path, monkeypatch, capsys):
    code = run_cli(
        "energy", "allocate", "--inputs", INPUTS, "--out", tmp_path / "a", monkeypatch=monkeypatch
    )
    assert code == 2
    assert "seat coordinates" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


def test_inputs_from_genesis_replaces_the_estimate(tmp_path, monkeypatch):
    cattle = tmp_path / "41312.csv"
    cattle.write_bytes(
        (
            "GENESIS-Tabelle: 41312-01-01-4\r\nRinderbestand\r\nRinder (Anzahl)\r\n"
            ";;;Rinder;Milchkühe\r\n;;;Anzahl;Anzahl\r\n"
            "03.11.2021;14628;Sächsische Schweiz-Osterzgebirge;43400;15123\r\n"
            "03.11.2021;14627;Meißen;40000;.\r\n"
            "__________\r\n(C)opyright Statistische Ämter\r\n"
        ).encode("cp1252")
    )
    out = tmp_path / "u.csv"
    with pytest.warns(DataQualityWarning, match="unknown_or_secret"):
        code = run_cli(
            "energy",
            "inputs",
            "--base",
            "bundled",
            "--cattle",
            cattle,
            "--out",
            out,
            monkeypatch=monkeypatch,
        )
    assert code == 0
    table = pd.read_csv(out, dtype={"unit": str}).set_index("unit")
    assert table.loc["14628", "dairy_cows"] == 15123
    assert table.loc["14628", "other_cattle"] == 43400 - 15123  # cattle - dairy cows
    assert pd.isna(table.loc["14627", "dairy_cows"])
    assert pd.isna(table.loc["14627", "other_cattle"])
    assert table.loc["14627", "other_cattle_status"] == "unknown_or_secret"
    assert table.loc["14627", "dairy_cows_status"] == "unknown_or_secret"
    assert "41312" in table.loc["14628", "source"]
    assert "observed: dairy_cows" in table.loc["14628", "kind"]
    # the estimate of a district not in the export is kept
    original = pd.read_csv(INPUTS, dtype={"unit": str}).set_index("unit")
    assert table.loc["14612", "dairy_cows"] == pytest.approx(original.loc["14612", "dairy_cows"])
    assert "observed" not in table.loc["14612", "kind"]


def test_disaggregate_conserves_district_totals(tmp_path, monkeypatch):
    districts = tmp_path / "d.csv"
    districts.write_text(
        f"{HEADER},dairy_cows\nK,100,10000,50,200,500,7,300\nL,50,10,1,1,1,6,.\n",
        encoding="utf-8",
    )
    municipalities = tmp_path / "m.csv"
    municipalities.write_text(
        "unit,parent,population,agriculture_ha,forest_ha\n"
        "a,K,40,20,1\nb,K,30,30,3\nc,K,30,50,0\nd,L,50,5,5\n",
        encoding="utf-8",
    )
    out = tmp_path / "mun.csv"
    with pytest.warns(DataQualityWarning):
        code = run_cli(
            "energy",
            "disaggregate",
            "--inputs",
            districts,
            "--municipalities",
            municipalities,
            "--out",
            out,
            monkeypatch=monkeypatch,
        )
    assert code == 0
    table = pd.read_csv(out, dtype={"unit": str}).set_index("unit")
    assert table.loc[["a", "b", "c"], "arable_ha"].tolist() == [2000.0, 3000.0, 5000.0]
    assert table.loc[["a", "b", "c"], "dairy_cows"].sum() == pytest.approx(300.0)
    assert pd.isna(table.loc["d", "dairy_cows"])
    assert table.loc["d", "dairy_cows_status"] == "unknown_or_secret"


def test_estimates_stay_labelled_in_the_outputs(tmp_path, monkeypatch, capsys):
    """The bundled inputs are estimates: the potential and balance tables say so per unit."""
    assert (
        run_cli(
            "energy",
            "potential",
            "--inputs",
            INPUTS,
            "--out",
            tmp_path / "p.csv",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    potential = pd.read_csv(tmp_path / "p.csv", dtype={"unit": str})
    assert set(potential["inputs_kind"]) == {"estimate"}
    assert "the inputs of 50 of 50 units are estimates" in " ".join(capsys.readouterr().err.split())
    assert (
        run_cli(
            "energy",
            "balance",
            "--inputs",
            INPUTS,
            "--out",
            tmp_path / "b",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    balance = pd.read_csv(tmp_path / "b" / "balance_units.csv", dtype={"unit": str})
    assert set(balance["inputs_kind"]) == {"estimate"}
    # plain user inputs without a kind column are not claimed to be facts
    plain = tmp_path / "u.csv"
    plain.write_text(f"{HEADER}\nx,1000,100,10,10,50,7\n", encoding="utf-8")
    assert (
        run_cli(
            "energy",
            "potential",
            "--inputs",
            plain,
            "--out",
            tmp_path / "q.csv",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert set(pd.read_csv(tmp_path / "q.csv")["inputs_kind"]) == {"unstated"}


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("labels_of_other_units", "labels.csv, field 'unit': no unit of the inputs is labelled"),
        ("few_samples", "field '--samples': expected at least 100 Monte Carlo draws, got 5"),
        ("site_elsewhere", "sites.csv, line 2, field 'unit': expected a unit of the inputs"),
        ("labels_miss_a_unit", "labels.csv"),
        ("out_is_a_file", "field '--out': cannot create the output folder"),
        ("out_is_a_folder", "field '--out': is a folder; expected the path of an output file"),
        ("empty_municipalities", "m.csv: municipality table is empty"),
        ("empty_base", "base.csv: base inputs file is empty"),
        ("base_without_unit", "base.csv, field 'unit': no column 'unit'"),
    ],
)
def test_bad_command_line_input_exit_2_nothing_written(tmp_path, monkeypatch, capsys, case, needle):
    out = tmp_path / "out"
    labels, municipalities, base = (
        tmp_path / "labels.csv",
        tmp_path / "m.csv",
        tmp_path / "base.csv",
    )
    labels.write_text("unit,region\n99999,X\n", encoding="utf-8")
    municipalities.write_text("", encoding="utf-8")
    base.write_text("" if case == "empty_base" else "id,population\n1,2\n", encoding="utf-8")
    cattle = tmp_path / "cattle.csv"
    cattle.write_text("x", encoding="utf-8")
    sites = tmp_path / "sites.csv"
    sites.write_text("site,unit,lon,lat\ns1,99999,13.7,51.0\n", encoding="utf-8")
    partial = tmp_path / "partial" / "labels.csv"
    partial.parent.mkdir()
    partial.write_text("unit,region\n14612,DD\n", encoding="utf-8")
    commands = {
        "labels_of_other_units": ["balance", "--inputs", INPUTS, "--labels", labels],
        "few_samples": ["uncertainty", "--inputs", INPUTS, "--samples", "5"],
        "site_elsewhere": [
            "allocate",
            "--inputs",
            INPUTS,
            "--units",
            CASE / "districts.csv",
            "--sites",
            sites,
        ],
        "labels_miss_a_unit": [
            "allocate",
            "--inputs",
            INPUTS,
            "--units",
            CASE / "districts.csv",
            "--labels",
            partial,
        ],
        "out_is_a_file": ["balance", "--inputs", INPUTS],
        "out_is_a_folder": ["potential", "--inputs", INPUTS],
        "empty_municipalities": [
            "disaggregate",
            "--inputs",
            INPUTS,
            "--municipalities",
            municipalities,
        ],
        "empty_base": ["inputs", "--base", base, "--cattle", cattle],
        "base_without_unit": ["inputs", "--base", base, "--cattle", cattle],
    }
    if case == "out_is_a_file":
        out.write_text("a file", encoding="utf-8")
    elif case == "out_is_a_folder":
        out.mkdir()
    before = sorted(tmp_path.rglob("*"))
    code = run_cli("energy", *commands[case], "--out", out, monkeypatch=monkeypatch)
    assert code == 2
    assert needle in " ".join(capsys.readouterr().err.split())
    assert sorted(tmp_path.rglob("*")) == before


def test_a_failed_write_leaves_no_partial_folder(tmp_path, monkeypatch, capsys):
    import cityregions.io.tables as tables

    calls = []
    original = tables.write_table

    def fail_second(frame, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(frame, path, **kwargs)

    monkeypatch.setattr(tables, "write_table", fail_second)
    out = tmp_path / "b"
    code = run_cli("energy", "balance", "--inputs", INPUTS, "--out", out, monkeypatch=monkeypatch)
    assert code == 2
    assert "disk full" in capsys.readouterr().err
    assert len(calls) == 2
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no file, no temporary


def test_potential_level_option_and_its_old_name(tmp_path, monkeypatch):
    """Supply in the balance is the chosen tier's unused heat from the potential table."""
    subset = pd.read_csv(INPUTS, dtype={"unit": str}).head(3)
    inputs = tmp_path / "u.csv"
    subset.to_csv(inputs, index=False)
    assert (
        run_cli(
            "energy",
            "potential",
            "--inputs",
            inputs,
            "--out",
            tmp_path / "p.csv",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    potential = pd.read_csv(tmp_path / "p.csv", dtype={"unit": str})
    rows = potential[
        (potential["feedstock"] != "total") & (potential["potential_level"] == "technical")
    ]
    share = (rows["unused_fuel_mwh"] / rows["fuel_mwh"]).where(rows["fuel_mwh"] > 0, 0.0)
    technical = (rows["heat_mwh"] * share).groupby(rows["unit"]).sum()
    for option, out in (("--potential-level", "new"), ("--level", "old")):
        code = run_cli(
            "energy",
            "balance",
            "--inputs",
            inputs,
            option,
            "technical",
            "--out",
            tmp_path / out,
            monkeypatch=monkeypatch,
        )
        assert code == 0
    new = pd.read_csv(tmp_path / "new" / "balance_units.csv", dtype={"unit": str})
    old = pd.read_csv(tmp_path / "old" / "balance_units.csv", dtype={"unit": str})
    pd.testing.assert_frame_equal(new, old)
    assert set(new["carrier"]) == {"heat"}  # the headline carrier
    supply = new.set_index("unit")["supply_mwh"]
    assert supply.to_dict() == pytest.approx(technical.reindex(supply.index).to_dict())
