"""Comparison of partitions: hand-computed ARI, VI and overlap tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError
from cityregions.labels import (
    adjusted_rand_index,
    contingency_table,
    normalize_labels,
    overlap_table,
    units_in_both,
    variation_of_information,
)

IDS = ["a", "b", "c", "d", "e", "f"]


def labels(values: list[object], ids: list[str] = IDS) -> pd.Series:
    return pd.Series(values, index=ids[: len(values)])


def test_ari_hand_value_sklearn_doc_example() -> None:
    # contingency [[2,0,0],[0,1,1]]: sum C(nij,2)=1, rows 2, cols 1, C(4,2)=6
    # E = 2*1/6 = 1/3, max = 1.5, ARI = (1 - 1/3) / (1.5 - 1/3) = 4/7
    a = labels([0, 0, 1, 1])
    b = labels([0, 0, 1, 2])
    assert adjusted_rand_index(a, b) == pytest.approx(4 / 7, abs=1e-12)
    assert adjusted_rand_index(b, a) == pytest.approx(4 / 7, abs=1e-12)


def test_ari_six_units_hand_value() -> None:
    # A = {abc}{def}, B = {ab}{cd}{ef}: cells 2,1,1,2 -> sum C = 2
    # rows 3,3 -> 6 ; cols 2,2,2 -> 3 ; C(6,2) = 15 ; E = 18/15 = 1.2 ; max = 4.5
    a = labels(["x", "x", "x", "y", "y", "y"])
    b = labels([1, 1, 2, 2, 3, 3])
    assert adjusted_rand_index(a, b) == pytest.approx(0.8 / 3.3, abs=1e-12)


def test_ari_negative_when_worse_than_chance() -> None:
    # A = {ab}{cd}, B = {ac}{bd}: sum C(nij)=0, rows 2, cols 2, E = 4/6, max = 2
    a = labels([0, 0, 1, 1])
    b = labels([0, 1, 0, 1])
    assert adjusted_rand_index(a, b) == pytest.approx((0 - 2 / 3) / (2 - 2 / 3), abs=1e-12)


def test_ari_is_one_up_to_relabelling_and_order() -> None:
    a = labels(["x", "x", "y", "z", "z", "z"])
    b = labels([7, 7, 3, 1, 1, 1]).iloc[::-1]
    assert adjusted_rand_index(a, b) == 1.0
    assert variation_of_information(a, b) == 0.0


def test_ari_trivial_partitions() -> None:
    singletons = labels(list(range(6)))
    one = labels([0] * 6)
    assert adjusted_rand_index(singletons, singletons) == 1.0
    assert adjusted_rand_index(one, one) == 1.0
    assert adjusted_rand_index(singletons, one) == 0.0


def test_vi_hand_value_natural_log() -> None:
    # H(A) = ln 2, H(B) = 1.5 ln 2, I = ln 2 -> VI = 0.5 ln 2
    a = labels([0, 0, 1, 1])
    b = labels([0, 0, 1, 2])
    assert variation_of_information(a, b) == pytest.approx(0.5 * math.log(2), abs=1e-12)
    # normalised by ln n = ln 4
    assert variation_of_information(a, b, normalized=True) == pytest.approx(0.25, abs=1e-12)


def test_vi_extremes() -> None:
    # all singletons vs one region: VI = ln n
    assert variation_of_information(labels(list(range(6))), labels([0] * 6)) == pytest.approx(
        math.log(6)
    )
    assert variation_of_information(
        labels(list(range(6))), labels([0] * 6), normalized=True
    ) == pytest.approx(1.0)


def test_vi_symmetric_and_triangle() -> None:
    rng = np.random.default_rng(1)
    ids = [f"u{i}" for i in range(30)]
    parts = [pd.Series(rng.integers(0, k, 30), index=ids) for k in (2, 3, 5)]
    x, y, z = parts
    assert variation_of_information(x, y) == pytest.approx(variation_of_information(y, x))
    assert variation_of_information(x, z) <= (
        variation_of_information(x, y) + variation_of_information(y, z) + 1e-12
    )


def test_contingency_counts_and_weights() -> None:
    a = labels(["x", "x", "y"])
    b = labels([1, 2, 2])
    table = contingency_table(a, b, weights=pd.Series({"a": 10, "b": 5, "c": 1}))
    assert table.loc["x", 1] == 10
    assert table.loc["x", 2] == 5
    assert table.loc["y", 1] == 0
    assert table.loc["y", 2] == 1


def test_overlap_table_counts_and_weighted_shares() -> None:
    # A: H = {halle, saalekreis}, L = {leipzig, nordsachsen}
    # B: M = {halle, saalekreis, leipzig}, N = {nordsachsen}
    a = pd.Series({"halle": "H", "saalekreis": "H", "leipzig": "L", "nordsachsen": "L"})
    b = pd.Series({"halle": "M", "saalekreis": "M", "leipzig": "M", "nordsachsen": "N"})
    pop = pd.Series({"halle": 240, "saalekreis": 185, "leipzig": 590, "nordsachsen": 200})
    table = overlap_table(a, b, weights=pop)
    rows = {(r.region_a, r.region_b): r for r in table.itertuples()}
    assert set(rows) == {("H", "M"), ("L", "M"), ("L", "N")}
    assert rows["H", "M"].units == 2
    assert rows["H", "M"].weight == 425
    assert rows["H", "M"].share_of_a == 1.0
    assert rows["H", "M"].share_of_b == pytest.approx(425 / 1015)
    assert rows["L", "M"].share_of_a == pytest.approx(590 / 790)
    assert rows["L", "N"].share_of_b == 1.0
    assert rows["H", "M"].members == "halle;saalekreis"
    # order: region_a, then share_of_a descending
    assert list(zip(table.region_a, table.region_b, strict=True)) == [
        ("H", "M"),
        ("L", "M"),
        ("L", "N"),
    ]
    unweighted = overlap_table(a, b)
    assert unweighted.loc[1, "share_of_a"] == 0.5
    assert unweighted.loc[1, "share_of_b"] == pytest.approx(1 / 3)


def test_units_outside_every_region_are_left_out_of_ari_and_vi() -> None:
    # u1..u6 as in test_ari_six_units_hand_value; u7 is outside every region of A,
    # u8 outside every region of B: compared are u1..u6 only.
    ids = [f"u{i}" for i in range(1, 9)]
    a = pd.Series(["x", "x", "x", "y", "y", "y", np.nan, "z"], index=ids)
    b = pd.Series(["1", "1", "2", "2", "3", "3", "4", np.nan], index=ids)
    assert list(units_in_both(a, b)) == ids[:6]
    assert adjusted_rand_index(a, b) == pytest.approx(0.8 / 3.3, abs=1e-12)
    # VI on u1..u6: cells (x,1) 2, (x,2) 1, (y,2) 1, (y,3) 2; H(A) = ln 2, H(B) = ln 3,
    # H(A,B) = -(2 · 2/6 ln 2/6 + 2 · 1/6 ln 1/6); VI = 2 H(A,B) - H(A) - H(B)
    joint = -(4 / 6 * math.log(2 / 6) + 2 / 6 * math.log(1 / 6))
    expected = 2 * joint - math.log(2) - math.log(3)
    assert variation_of_information(a, b) == pytest.approx(expected, abs=1e-12)
    assert variation_of_information(a, b, normalized=True) == pytest.approx(
        expected / math.log(6), abs=1e-12
    )
    assert contingency_table(a, b).to_numpy().sum() == 6


def test_nan_is_not_a_region_of_its_own() -> None:
    # Two units outside every region of A are not "together" in a region: with them
    # left out, A and B agree perfectly; as one region "nan" they would not.
    a = pd.Series({"u1": "x", "u2": "x", "u3": None, "u4": None})
    b = pd.Series({"u1": "1", "u2": "1", "u3": "2", "u4": "3"})
    assert adjusted_rand_index(a, b) == 1.0
    assert adjusted_rand_index(a.fillna("nan"), b) < 1.0


def test_overlap_shares_are_of_the_whole_region() -> None:
    # region L of A has nordsachsen outside every region of B: L's shares add up to the
    # part of L that B covers, and nordsachsen is in no row.
    a = pd.Series({"halle": "H", "leipzig": "L", "nordsachsen": "L"})
    b = pd.Series({"halle": "M", "leipzig": "M", "nordsachsen": None})
    pop = pd.Series({"halle": 240, "leipzig": 590, "nordsachsen": 200})
    table = overlap_table(a, b, weights=pop)
    assert table[["region_a", "region_b", "units"]].values.tolist() == [
        ["H", "M", 1],
        ["L", "M", 1],
    ]
    assert table.loc[1, "share_of_a"] == pytest.approx(590 / 790)
    assert table.loc[1, "share_of_b"] == pytest.approx(590 / 830)
    assert "nordsachsen" not in ";".join(table["members"])


def test_normalize_labels_gives_text_ids_and_keeps_nan() -> None:
    raw = pd.Series([3.0, np.nan, 12.0, "R7"], index=[1, 2, 3, 4])  # floats: NaN upcasts
    labels = normalize_labels(raw)
    assert labels.index.tolist() == ["1", "2", "3", "4"]
    assert labels.iloc[[0, 2, 3]].tolist() == ["3", "12", "R7"]
    assert np.isnan(labels.iloc[1])
    assert labels.name == "region"


def test_numeric_regions_sorted_numerically() -> None:
    a = labels([10, 2, 2])
    b = labels([1, 1, 1])
    assert overlap_table(a, b)["region_a"].tolist() == [2, 10]


def test_mismatched_ids_raise() -> None:
    a = pd.Series({"a": 1, "b": 1, "c": 2})
    b = pd.Series({"a": 1, "b": 1, "d": 2})
    with pytest.raises(InputError, match=r"only in A, e\.g\. \['c'\].*only in B, e\.g\. \['d'\]"):
        adjusted_rand_index(a, b)
    with pytest.raises(InputError, match="different units"):
        overlap_table(a, b)


def test_bad_labels_and_weights_raise() -> None:
    dup = pd.Series([1, 2], index=["a", "a"])
    with pytest.raises(InputError, match="more than once"):
        adjusted_rand_index(dup, dup)
    nowhere = pd.Series([None, None], index=["a", "b"])
    with pytest.raises(InputError, match="no unit lies in a region of both"):
        variation_of_information(nowhere, pd.Series([1, 2], index=["a", "b"]))
    a = pd.Series({"a": 1, "b": 2})
    with pytest.raises(InputError, match="unit b"):
        overlap_table(a, a, weights=pd.Series({"a": 1.0}))
    with pytest.raises(InputError, match="zero or positive"):
        overlap_table(a, a, weights=pd.Series({"a": 1.0, "b": -1.0}))


def brute_force_ari(a: list[int], b: list[int]) -> float:
    """ARI from counting every pair of units (independent of the contingency table)."""
    n = len(a)
    both = only_a = only_b = 0
    for i in range(n):
        for j in range(i + 1, n):
            same_a, same_b = a[i] == a[j], b[i] == b[j]
            both += same_a and same_b
            only_a += same_a and not same_b
            only_b += same_b and not same_a
    pairs = n * (n - 1) / 2
    sum_a, sum_b = both + only_a, both + only_b
    expected = sum_a * sum_b / pairs
    maximum = (sum_a + sum_b) / 2
    return (both - expected) / (maximum - expected)


def brute_force_vi(a: list[int], b: list[int]) -> float:
    """VI from entropies of the label columns (H(A|B) + H(B|A), natural log)."""
    n = len(a)

    def entropy(values: list[object]) -> float:
        counts = pd.Series(values).value_counts().to_numpy() / n
        return float(-(counts * np.log(counts)).sum())

    joint = entropy([(x, y) for x, y in zip(a, b, strict=True)])
    return 2 * joint - entropy(list(a)) - entropy(list(b))


@pytest.mark.parametrize("seed", range(8))
def test_ari_and_vi_match_brute_force_on_random_partitions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 40))
    a = rng.integers(0, int(rng.integers(2, 6)), n).tolist()
    b = rng.integers(0, int(rng.integers(2, 8)), n).tolist()
    ids = [f"u{i:02d}" for i in range(n)]
    sa, sb = pd.Series(a, index=ids), pd.Series(b, index=ids)
    if len(set(a)) > 1 or len(set(b)) > 1:
        assert adjusted_rand_index(sa, sb) == pytest.approx(brute_force_ari(a, b), abs=1e-12)
    assert variation_of_information(sa, sb) == pytest.approx(brute_force_vi(a, b), abs=1e-12)
    # invariant to relabelling and to the order of units
    relabelled = sb.map(lambda x: f"r{7 - x}").sample(frac=1.0, random_state=seed)
    assert adjusted_rand_index(sa, relabelled) == pytest.approx(adjusted_rand_index(sa, sb))
    assert variation_of_information(sa, relabelled) == pytest.approx(
        variation_of_information(sa, sb)
    )
