"""Co-assignment, medoid and agreement against hand-computed cases and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cityregions.delineation.consensus import (
    agreement,
    coassignment_counts,
    match_regions,
    medoid_run,
    pair_table,
    run_codes,
)

#: Three runs of five units (columns), NaN = outside every region.
LABELS = pd.DataFrame(
    {
        1: ["1", "1", "2", "2", None],
        2: ["1", "1", "1", "2", "2"],
        3: ["7", "7", "9", "9", None],
    },
    index=pd.Index(["a", "b", "c", "d", "e"], name="unit"),
)


def test_codes_follow_natural_region_order_and_outside_is_minus_one() -> None:
    labels = pd.DataFrame({1: ["10", "3", None, "3"]})
    assert run_codes(labels)[:, 0].tolist() == [1, 0, -1, 0]


def test_coassignment_by_hand() -> None:
    codes = run_codes(LABELS)
    pairs = coassignment_counts(codes)
    found = {
        (int(a), int(b)): int(c) for a, b, c in zip(pairs.row, pairs.col, pairs.data, strict=True)
    }
    # a-b: all 3 runs; c-d: runs 1, 3; a-c, b-c: run 2; d-e: run 2; e is outside in 1, 3
    assert found == {(0, 1): 3, (2, 3): 2, (0, 2): 1, (1, 2): 1, (3, 4): 1}
    table = pair_table(pairs, LABELS.index, 3)
    assert table.to_dict("list") == {
        "unit_a": ["a", "a", "b", "c", "d"],
        "unit_b": ["b", "c", "c", "d", "e"],
        "share": [1.0, 1 / 3, 1 / 3, 2 / 3, 1 / 3],
    }


def test_pair_table_orders_each_pair_by_id_whatever_the_unit_order() -> None:
    labels = LABELS.iloc[::-1]  # e, d, c, b, a
    table = pair_table(coassignment_counts(run_codes(labels)), labels.index, 3)
    assert (table["unit_a"] < table["unit_b"]).all()
    assert table.iloc[0].tolist() == ["a", "b", 1.0]


def mirkin(x: np.ndarray, y: np.ndarray) -> int:
    """Pairs of units together in one partition and apart in the other (outside: alone)."""
    n, total = len(x), 0
    for i, j in itertools.combinations(range(n), 2):
        together_x = x[i] >= 0 and x[i] == x[j]
        together_y = y[i] >= 0 and y[i] == y[j]
        total += together_x != together_y
    return total


def test_medoid_by_hand() -> None:
    codes = run_codes(LABELS)
    d = [[mirkin(codes[:, i], codes[:, j]) for j in range(3)] for i in range(3)]
    assert d[0][2] == 0  # runs 1 and 3 are the same partition under other names
    assert d[0][1] == 4  # a-c, b-c, c-d, d-e
    assert medoid_run(codes, coassignment_counts(codes)) == 0  # ties 1 and 3: the first


def test_medoid_equals_brute_force_on_random_ensembles() -> None:
    rng = np.random.default_rng(3)
    for _ in range(40):
        n, runs = int(rng.integers(2, 9)), int(rng.integers(1, 7))
        codes = rng.integers(-1, 3, size=(n, runs))
        totals = [sum(mirkin(codes[:, r], codes[:, s]) for s in range(runs)) for r in range(runs)]
        expected = int(np.argmin(totals))  # first of the ties
        assert medoid_run(codes, coassignment_counts(codes)) == expected


def best_overlap(consensus: np.ndarray, run: np.ndarray) -> int:
    """Largest number of units in matched regions over all one-to-one matchings."""
    k_c = int(consensus.max()) + 1 if (consensus >= 0).any() else 0
    k_r = int(run.max()) + 1 if (run >= 0).any() else 0
    overlap = np.zeros((max(k_c, 1), max(k_r, 1)), dtype=int)
    for c, r in zip(consensus, run, strict=True):
        if c >= 0 and r >= 0:
            overlap[c, r] += 1
    best = 0
    for size in range(min(k_c, k_r) + 1):
        for rows in itertools.combinations(range(k_c), size):
            for cols in itertools.permutations(range(k_r), size):
                best = max(best, int(sum(overlap[i, j] for i, j in zip(rows, cols, strict=True))))
    return best


def test_matching_is_one_to_one_and_maximal() -> None:
    # consensus {0,1} {2,3}; the run merges them: only one consensus region is matched
    assert match_regions(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0])).tolist() == [0, -1]
    rng = np.random.default_rng(11)
    for _ in range(60):
        n = int(rng.integers(1, 9))
        consensus, run = rng.integers(-1, 4, size=n), rng.integers(-1, 4, size=n)
        matched = match_regions(consensus, run)
        used = matched[matched >= 0]
        assert len(set(used.tolist())) == len(used)  # one to one
        inside = consensus >= 0
        agree = (run[inside] >= 0) & (matched[consensus[inside]] == run[inside])
        assert int(agree.sum()) == best_overlap(consensus, run)


def test_agreement_by_hand() -> None:
    codes = run_codes(LABELS)
    agree = agreement(codes, 0)  # against run 1: {a,b} {c,d}, e outside
    # run 2: {a,b,c} {d,e}: {a,b}->1st (2 units), {c,d}->2nd (d only); e is inside: no
    assert agree[:, 1].tolist() == [True, True, False, True, False]
    assert agree[:, 0].all()  # itself
    assert agree[:, 2].all()  # the same partition under other names
    assert agree.mean(axis=1).tolist() == [1.0, 1.0, 2 / 3, 1.0, 2 / 3]
