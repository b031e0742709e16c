"""One label convention for every method (``delineate``) and the per-region summary.

Labels are a Series unit → region with region ids as text and NaN for a unit outside
every region; the summary has one row per region, and the flows of units outside still
count in the regions' totals. Values below are worked by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable, ParameterError
from cityregions.delineation.api import delineate, region_summary
from cityregions.delineation.lma import DISTRICT_PARAMETERS, ISTAT_2011, LabourMarketAreas
from tests.support.extras import needs_extra


def toy(rows: list[tuple[str, str, float]]) -> FlowTable:
    frame = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(frame)


#: a is the city; b sends 20 of 100 (20 %) to a: commuting zone; c sends 10 of 100
#: (10 %): outside every FUA, but 30 people of a work in c.
FUA_FLOWS = [
    ("a", "a", 100.0),
    ("a", "c", 30.0),
    ("b", "b", 80.0),
    ("b", "a", 20.0),
    ("c", "c", 90.0),
    ("c", "a", 10.0),
]


def test_fua_unit_outside_every_fua_is_nan_and_its_flows_count() -> None:
    flows = toy(FUA_FLOWS)
    result = delineate(flows, method="fua", cities=["a"], contiguity=False)
    assert result.labels.index.tolist() == ["a", "b", "c"]
    assert result.labels.index.name == "unit"
    assert result.labels.name == "region"
    assert result.labels[["a", "b"]].tolist() == ["a", "a"]
    assert pd.isna(result.labels["c"])
    assert result.zones["c"] == "outside"
    table = result.summary(flows)
    assert table["region"].tolist() == ["a"]  # no row for c
    row = table.iloc[0]
    # residents: rows of a and b = (100 + 30) + (80 + 20); jobs: columns of a and b =
    # (100 + 20 + 10) + 80; internal: 100 + 20 + 80
    assert (row["residents"], row["jobs"], row["internal"]) == (230.0, 210.0, 200.0)
    assert row["self_containment_supply"] == pytest.approx(200 / 230)
    assert row["self_containment_demand"] == pytest.approx(200 / 210)
    assert (row["units"], row["main_unit"]) == (2, "a")  # a has the most jobs (130)


def test_summary_treats_a_missing_entry_like_nan() -> None:
    flows = toy(FUA_FLOWS)
    given = region_summary(flows, pd.Series({"a": "a", "b": "a"}))
    nan = region_summary(flows, pd.Series({"a": "a", "b": "a", "c": np.nan}))
    pd.testing.assert_frame_equal(given, nan)


def test_lma_unplaced_unit_is_nan_and_region_ids_are_r_ids_as_text() -> None:
    # c has only its internal flow: R's zero list (cluster 0), outside every region
    flows = toy(
        [("a", "a", 900), ("a", "b", 200), ("b", "b", 50), ("b", "a", 30), ("c", "c", 2000)]
    )
    result = delineate(flows, method="lma", min_size=100, target_size=1000)
    assert result.labels[["a", "b"]].tolist() == ["1", "1"]
    assert pd.isna(result.labels["c"])
    assert result.model.labels_.equals(result.labels)
    table = result.summary(flows)
    assert table["region"].tolist() == ["1"]
    assert table.loc[0, "validity"] == pytest.approx(1.0)  # msc = 1: fully self-contained


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("lma", {"min_size": 10, "target_size": 100}),
        ("fua", {"cities": ["a"], "contiguity": False}),
        pytest.param("leiden", {}, marks=needs_extra("leiden")),
    ],
)
def test_every_method_writes_text_ids_and_nan_only(method: str, params: dict[str, Any]) -> None:
    flows = toy([*FUA_FLOWS, ("d", "d", 50.0), ("d", "c", 50.0)])
    labels = delineate(flows, method=method, **params).labels  # type: ignore[arg-type]
    assert labels.dtype == object
    assert all(isinstance(v, str) for v in labels.dropna())
    assert labels.index.tolist() == list(flows.ids)


def test_lma_thresholds_are_defined_once() -> None:
    assert ISTAT_2011.as_dict() == {
        "min_size": 1000,
        "min_self_containment": 0.6667,
        "target_size": 10000,
        "target_self_containment": 0.75,
        "x_equation": "istat",
    }
    assert DISTRICT_PARAMETERS.min_size == 25_000
    assert DISTRICT_PARAMETERS.target_size == 100_000
    model = LabourMarketAreas()
    used = (
        model.min_size,
        model.min_self_containment,
        model.target_size,
        model.target_self_containment,
        model.x_equation,
    )
    assert used == tuple(ISTAT_2011.as_dict().values())
    with pytest.raises(AttributeError):
        ISTAT_2011.min_size = 5  # type: ignore[misc]  # frozen


def test_unknown_parameter_of_a_method_is_an_error() -> None:
    with pytest.raises(ParameterError, match="unknown parameter"):
        delineate(toy(FUA_FLOWS), method="lma", resolution=2.0)
