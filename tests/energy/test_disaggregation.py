"""Checks 5 (disaggregation conserves totals) and 7 (top-down ENSPRESO path)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.energy.disaggregation import (
    area_weighted,
    disaggregate,
    disaggregate_inputs,
    interpolate_year,
    pj_to_mwh,
    population_split,
)


def test_check5_straw_split_by_arable_share():
    parent = pd.Series({"g1": "K", "g2": "K", "g3": "K", "h1": "L", "h2": "L"})
    proxy = pd.Series({"g1": 200.0, "g2": 300.0, "g3": 500.0, "h1": 1.0, "h2": 3.0})
    values = pd.Series({"K": 10_000.0, "L": np.nan})
    status = pd.Series({"K": "ok", "L": "unknown_or_secret"})
    result = disaggregate(values, proxy, parent, status=status)
    assert result[["g1", "g2", "g3"]].tolist() == pytest.approx([2000.0, 3000.0, 5000.0])
    assert result[["g1", "g2", "g3"]].sum() == pytest.approx(10_000.0)
    assert result[["h1", "h2"]].isna().all()  # a secret value stays missing, never 0
    assert result.attrs["status"][["h1", "h2"]].tolist() == [
        "unknown_or_secret",
        "unknown_or_secret",
    ]
    assert result.attrs["status"]["g1"] == "ok"


def test_totals_conserved_for_random_tables():
    rng = np.random.default_rng(1)
    parent = pd.Series([f"K{i % 7}" for i in range(60)], index=[f"m{i:02d}" for i in range(60)])
    proxy = pd.Series(rng.uniform(0, 100, 60), index=parent.index)
    values = pd.Series(rng.uniform(0, 1e5, 7), index=[f"K{i}" for i in range(7)])
    result = disaggregate(values, proxy, parent)
    np.testing.assert_allclose(result.groupby(parent).sum().loc[values.index], values, rtol=1e-12)


def test_zero_proxy_with_positive_value_is_an_error():
    parent = pd.Series({"a": "K"})
    with pytest.raises(InputError, match="zero proxy sum"):
        disaggregate(pd.Series({"K": 5.0}), pd.Series({"a": 0.0}), parent)


def test_disaggregate_inputs_table():
    districts = pd.DataFrame(
        {
            "arable_ha": [1000.0],
            "arable_ha_status": ["ok"],
            "dairy_cows": [np.nan],
            "dairy_cows_status": ["unknown_or_secret"],
            "cereal_yield_t_per_ha": [7.0],
        },
        index=pd.Index(["K"], name="unit"),
    )
    municipalities = pd.DataFrame(
        {
            "parent": ["K", "K"],
            "population": [10.0, 30.0],
            "agriculture_ha": [1.0, 3.0],
            "forest_ha": [0.0, 0.0],
        },
        index=["a", "b"],
    )
    out = disaggregate_inputs(districts, municipalities)
    assert out["arable_ha"].tolist() == [250.0, 750.0]
    assert out["dairy_cows"].isna().all()
    assert out["dairy_cows_status"].tolist() == ["unknown_or_secret", "unknown_or_secret"]
    assert out["cereal_yield_t_per_ha"].tolist() == [7.0, 7.0]


@pytest.mark.parametrize(
    ("change", "location", "field", "message"),
    [
        ({"agriculture_ha": [1.0, "x"]}, "unit b", "agriculture_ha", "got 'x'"),
        ({"population": [10.0, "many"]}, "row 3", "population", "got 'many'"),
        ({"parent": ["K", "Z"]}, None, "parent", r"\['Z'\] are not units"),
        ("duplicate", "row 3", "unit", "duplicate unit id 'a'"),
    ],
)
def test_bad_municipality_tables_name_row_and_column(change, location, field, message):
    districts = pd.DataFrame({"arable_ha": [1000.0]}, index=pd.Index(["K"], name="unit"))
    columns = {"parent": ["K", "K"], "population": [10.0, 30.0], "agriculture_ha": [1.0, 3.0]}
    index = ["a", "a"] if change == "duplicate" else ["a", "b"]
    if isinstance(change, dict):
        columns.update(change)
    municipalities = pd.DataFrame(columns, index=index)
    with pytest.raises(InputError, match=message) as info:
        disaggregate_inputs(
            districts, municipalities, proxies={"arable_ha": "agriculture_ha"}, source="m.csv"
        )
    assert (info.value.source, info.value.location, info.value.field) == (
        "m.csv",
        location,
        field,
    )


def test_check7_top_down_path():
    assert pj_to_mwh(1.0) == pytest.approx(277_777.8, abs=0.05)
    assert area_weighted(100.0, 0.25) == 25.0  # GWh
    assert population_split(1000.0, 0.05) == pytest.approx(50.0)
    decades = {2030: 12.0, 2040: 20.0, 2050: 26.0}
    assert interpolate_year(decades, 2035) == pytest.approx((12.0 + 20.0) / 2)
    assert interpolate_year(decades, 2060) == 26.0
    assert interpolate_year(decades, 2040) == 20.0
