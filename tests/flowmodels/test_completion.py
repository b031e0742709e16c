"""Completing flows from unit totals: the diagonal and the flows beyond the table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cityregions import FlowTable, InputError
from cityregions.flowmodels.completion import complete_flows
from cityregions.io.tables import read_flows
from cityregions.io.totals import read_totals


def _between() -> FlowTable:
    long = pd.DataFrame(
        {
            "origin": ["a", "a", "b", "c"],
            "destination": ["b", "c", "a", "a"],
            "value": [30, 4, 5, 7],
        }
    )
    return FlowTable.from_long(long, warn_no_diagonal=False)


def test_hand_computed_diagonal_and_flows_beyond() -> None:
    totals = pd.DataFrame(
        {"residents": [100, 50, 20], "out_commuters": [40, 5, 7], "in_commuters": [15, 35, 4]},
        index=["a", "b", "c"],
    )
    done = complete_flows(_between(), totals)
    assert done.internal().to_dict() == {"a": 60.0, "b": 45.0, "c": 13.0}
    # a lists 34 of its 40 out-commuters, b all 5, c all 7
    assert done.outside()["outside_out"].to_dict() == {"a": 6.0, "b": 0.0, "c": 0.0}
    # a receives 5 + 7 listed of 15, b 30 of 35, c 4 of 4
    assert done.outside()["outside_in"].to_dict() == {"a": 3.0, "b": 5.0, "c": 0.0}
    assert done.residents().to_dict() == {"a": 100.0, "b": 50.0, "c": 20.0}
    assert done.jobs().to_dict() == {"a": 75.0, "b": 80.0, "c": 17.0}
    with_jobs = totals.drop(columns="in_commuters").assign(jobs=[75, 80, 17])
    again = complete_flows(_between(), with_jobs)
    assert again.outside().equals(done.outside())


@pytest.mark.parametrize(
    ("change", "unit", "field", "text"),
    [
        ({"out_commuters": [33, 5, 7]}, "a", "out_commuters", "the listed out-flows sum to 34"),
        ({"in_commuters": [15, 29, 4]}, "b", "in_commuters", "the listed in-flows sum to 30"),
        ({"out_commuters": [40, 60, 7]}, "b", "out_commuters", "out_commuters 60 is above"),
    ],
)
def test_inconsistent_totals_name_the_unit(change: dict, unit: str, field: str, text: str) -> None:
    totals = pd.DataFrame(
        {"residents": [100, 50, 20], "out_commuters": [40, 5, 7], "in_commuters": [15, 35, 4]},
        index=["a", "b", "c"],
    ).assign(**change)
    with pytest.raises(InputError, match=text) as error:
        complete_flows(_between(), totals, source="t.csv")
    assert (error.value.location, error.value.field) == (f"unit {unit}", field)


def test_ba_districts_give_the_reference_diagonal(
    kreise_dir: Path, lma_reference_dir: Path
) -> None:
    """The completed BA table equals the table the R reference was run on."""
    between = read_flows(kreise_dir / "flows.csv")
    totals = read_totals(
        kreise_dir / "units.csv",
        fields=("residents", "out_commuters", ("in_commuters", "jobs")),
        units=between.ids,
    )
    done = complete_flows(between, totals)
    reference = pd.read_csv(lma_reference_dir / "de_kreise_2016_flows_with_internal.csv")
    reference = reference.astype({"community_live": str, "community_work": str})
    for column in ("community_live", "community_work"):
        reference[column] = reference[column].str.zfill(5)
    expected = FlowTable.from_long(
        reference, origin="community_live", destination="community_work", value="amount",
        ids=done.ids,
    )  # fmt: skip
    assert (expected.matrix != done.matrix).nnz == 0
    units = pd.read_csv(kreise_dir / "units.csv", dtype={"ags": str}).set_index("ags")
    assert done.residents().to_dict() == units["employees_svb"].astype(float).to_dict()
    assert done.outside()["outside_out"].sum() == pytest.approx(
        units["out_commuters_total"].sum() - between.total
    )
