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


# ------------------------------------------------------------ flows beyond the table
def test_with_totals_gives_flows_beyond_the_table() -> None:
    flows = FlowTable.from_long(_toy())  # rows a 15, b 8, c 5; columns a 11, b 12, c 5
    complete = flows.with_totals(
        pd.Series({"c": 5, "b": 10, "a": 20}), pd.Series({"a": 11, "b": 30, "c": 6})
    )
    assert complete.has_totals
    assert not flows.has_totals
    outside = complete.outside()
    assert outside["outside_out"].to_dict() == {"a": 5.0, "b": 2.0, "c": 0.0}
    assert outside["outside_in"].to_dict() == {"a": 0.0, "b": 18.0, "c": 1.0}
    assert complete.residents().to_dict() == {"a": 20.0, "b": 10.0, "c": 5.0}
    assert complete.jobs().to_dict() == {"a": 11.0, "b": 30.0, "c": 6.0}
    assert complete.total == flows.total == 28.0  # the table itself is unchanged
    assert complete.totals().loc["b"].tolist() == [10.0, 30.0]


def test_totals_smaller_than_the_listed_flows_name_the_unit() -> None:
    flows = FlowTable.from_long(_toy(), source="f.csv")
    with pytest.raises(InputError, match="residents 14 is smaller than the 15") as error:
        flows.with_totals(pd.Series({"a": 14, "b": 8, "c": 5}), flows.jobs(), source="t.csv")
    assert (error.value.location, error.value.field) == ("unit a", "residents")
    assert "t.csv" in str(error.value)
    with pytest.raises(InputError, match="no total") as error:
        flows.with_totals(pd.Series({"a": 15, "b": 8}), flows.jobs())
    assert error.value.location == "unit c"
    with pytest.raises(InputError, match="not a finite number") as error:
        flows.with_totals(flows.residents(), pd.Series({"a": 11, "b": np.inf, "c": 5}))
    assert (error.value.location, error.value.field) == ("unit b", "jobs")


def test_subset_keeps_complete_totals_and_aggregate_sums_the_outside() -> None:
    flows = FlowTable.from_long(_toy())
    sub = flows.subset(["a", "b"])  # c has flows with no one else: nothing goes beyond
    assert not sub.has_totals
    complete = flows.with_totals(flows.residents() + 1, flows.jobs() + 2)
    sub = complete.subset(["b", "a"])
    assert sub.residents().to_dict() == {"b": 9.0, "a": 16.0}
    assert sub.outside()["outside_in"].to_dict() == {"b": 2.0, "a": 2.0}
    cut = FlowTable.from_long(_toy()).subset(["a"])  # a -> b (5) and b -> a (1) go beyond
    assert cut.outside().loc["a"].tolist() == [5.0, 1.0]
    assert cut.residents()["a"] == 15.0
    regions = complete.aggregate(pd.Series({"a": "R1", "b": "R1", "c": "R2"}))
    assert regions.outside()["outside_out"].to_dict() == {"R1": 2.0, "R2": 1.0}
    assert regions.residents().to_dict() == {"R1": 25.0, "R2": 6.0}
    replaced = complete.with_diagonal(pd.Series({"a": 0.0, "b": 0.0, "c": 0.0}))
    assert replaced.outside().equals(complete.outside())


def test_outside_flows_must_be_given_both_and_be_finite() -> None:
    flows = FlowTable.from_long(_toy())
    with pytest.raises(InputError, match="give both"):
        FlowTable(flows.ids, flows.matrix, outside_out=np.zeros(3))
    with pytest.raises(InputError, match="finite number") as error:
        FlowTable(
            flows.ids, flows.matrix, outside_out=np.array([0, -1.0, 0]), outside_in=np.zeros(3)
        )
    assert error.value.location == "unit b"
