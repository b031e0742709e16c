"""Labels for the energy balance: units outside every functional region."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cityregions.energy.balance import complete_labels


def test_units_outside_every_region_form_their_own_region() -> None:
    labels = pd.Series({"a": "R1", "b": np.nan, "c": "R1", "x": "R9"})  # x: not an input
    regions = complete_labels(labels, pd.Index(["a", "b", "c", "d"]))
    # b (NaN: outside) and d (no label) are regions of their own, named by their ids;
    # they are not pooled into one region "nan"
    assert regions.to_dict() == {"a": "R1", "b": "b", "c": "R1", "d": "d"}


def test_own_region_of_an_outside_unit_does_not_take_a_region_id() -> None:
    labels = pd.Series({"1": "2", "2": np.nan, "3": "1"})  # unit 2 outside; region "2" exists
    regions = complete_labels(labels, pd.Index(["1", "2", "3"]))
    assert regions.to_dict() == {"1": "2", "2": "outside-2", "3": "1"}


def test_without_labels_every_unit_is_its_own_region() -> None:
    assert complete_labels(None, pd.Index(["a", "b"])).tolist() == ["a", "b"]
