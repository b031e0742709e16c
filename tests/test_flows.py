"""Tests of the FlowTable core object on hand-computed toy flows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions import DataQualityWarning, FlowTable, InputError


def _toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": ["a", "a", "b", "b", "c", "a"],
            "destination": ["a", "b", "b", "a", "c", "b"],
            "value": [10, 2, 7, 1, 5, 3],
        }
    )


def test_from_long_sums_duplicates_and_totals() -> None:
    flows = FlowTable.from_long(_toy(), source="toy")
    assert flows.ids == ("a", "b", "c")
    # a->b appears twice: 2 + 3
    assert flows.matrix[0, 1] == 5
    assert flows.residents().to_dict() == {"a": 15.0, "b": 8.0, "c": 5.0}
    assert flows.jobs().to_dict() == {"a": 11.0, "b": 12.0, "c": 5.0}
    assert flows.internal().to_dict() == {"a": 10.0, "b": 7.0, "c": 5.0}
    assert flows.total == 28.0


def test_ids_order_follows_given_units_and_keeps_leading_zeros() -> None:
    table = pd.DataFrame({"origin": ["01001"], "destination": ["01002"], "value": [4]})
    with pytest.warns(DataQualityWarning, match="no internal"):
        flows = FlowTable.from_long(table, ids=["01002", "01001", "01003"])
    assert flows.ids == ("01002", "01001", "01003")
    assert flows.matrix[1, 0] == 4
    assert flows.residents()["01003"] == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-1, "non-negative"), ("x", "non-negative"), (np.nan, "non-negative")],
)
def test_bad_values_name_line_and_field(value: object, expected: str) -> None:
    table = _toy().astype({"value": object})
    table.loc[3, "value"] = value
    with pytest.raises(InputError, match=expected) as error:
        FlowTable.from_long(table, source="toy.csv")
    assert error.value.location == "line 5"  # header is line 1, row 3 is line 5
    assert error.value.field == "value"
    assert "toy.csv" in str(error.value)


def test_unknown_unit_is_an_error() -> None:
    with pytest.raises(InputError, match="'c' is not in the unit table") as error:
        FlowTable.from_long(_toy(), ids=["a", "b"], source="f.csv")
    assert error.value.field == "origin"


def test_missing_column() -> None:
    with pytest.raises(InputError, match="missing column 'value'"):
        FlowTable.from_long(_toy().drop(columns="value"))


def test_to_long_round_trip_and_provenance() -> None:
    flows = FlowTable.from_long(_toy(), flows_provenance="modeled", source="toy")
    long = flows.to_long()
    assert set(long["flows_provenance"]) == {"modeled"}
    again = FlowTable.from_long(long, source="again")
    assert (again.matrix != flows.matrix).nnz == 0


def test_subset_aggregate_and_with_diagonal() -> None:
    flows = FlowTable.from_long(_toy())
    sub = flows.subset(["b", "a"])
    assert sub.ids == ("b", "a")
    assert sub.matrix[1, 0] == 5
    regions = flows.aggregate(pd.Series({"a": "R1", "b": "R1", "c": "R2"}))
    assert regions.ids == ("R1", "R2")
    # R1 internal = 10 + 5 + 1 + 7
    assert regions.matrix[0, 0] == 23
    assert regions.matrix[1, 1] == 5
    replaced = flows.with_diagonal(pd.Series({"a": 1.0, "b": 0.0, "c": 2.0}))
    assert replaced.internal().to_dict() == {"a": 1.0, "b": 0.0, "c": 2.0}
    assert replaced.matrix[0, 1] == 5


def test_provenance_must_be_known() -> None:
    with pytest.raises(InputError, match="provenance"):
        FlowTable.from_long(_toy(), flows_provenance="guessed")  # type: ignore[arg-type]
