"""The numpy kernels (installs without numba) give exactly the numba kernels' counts.

The fallback is forced by hiding numba (``sys.modules["numba"] = None``), as on an
install without the ``fast`` extra; counts are compared as exact integers with the
numba kernels on random games (large enough that the counts wrap around the 61-bit
primes, and several primes are used), and with plain enumeration on small games.
"""

from __future__ import annotations

import itertools
import logging
import math
import sys
from fractions import Fraction

import numpy as np
import pytest

from cityregions.partnership.voting import _dp, _dp_numpy, voting_power, weighted_game
from tests.support.extras import require_extra


@pytest.fixture
def numba_kernels(monkeypatch: pytest.MonkeyPatch) -> tuple:
    require_extra("fast")
    monkeypatch.setattr(_dp, "_KERNELS", None)
    return _dp._kernels()


@pytest.fixture
def without_numba(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Make ``_dp`` behave as on an install without numba."""
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.setattr(_dp, "_KERNELS", None)
    with caplog.at_level(logging.INFO, logger=_dp.__name__):
        kernels = _dp._kernels()
    assert kernels[0][0] is _dp_numpy.by_weight
    assert 'pip install "cityregions[fast]"' in caplog.text


def random_games(count: int, *, max_n: int, max_weight: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    games = []
    for _ in range(count):
        n = int(rng.integers(1, max_n + 1))
        weights = rng.integers(1, max_weight + 1, n).tolist()
        games.append((weights, int(rng.integers(1, sum(weights) + 1))))
    return games


#: Up to 140 players: counts up to 2**140 (three primes, every residue wraps around).
GAMES = [
    *random_games(12, max_n=140, max_weight=25, seed=7),
    ([1] * 130, 66),
    ([100, 1, 1, 1], 101),
    ([5], 5),
    ([3, 3, 3, 3, 3, 3], 18),
]


def counts(weights: list[int], quota: int) -> tuple:
    """Banzhaf and Shapley–Shubik counts of the ``_dp`` programs, as exact integers."""
    return _dp.banzhaf_counts(weights, quota), _dp.shapley_counts(weights, quota)


def grid_counts(weights: list[int], min_members: int, min_weight: int) -> tuple:
    """Counts of the (members × weight) program for 'at least a members and b weight'."""
    n, total = len(weights), sum(weights)
    members = np.arange(n + 1)[:, None]
    weight = np.arange(total + 1)[None, :]
    return _dp.count_weight_counts(weights, (members >= min_members) & (weight >= min_weight))


def test_numpy_counts_equal_numba_counts(numba_kernels, monkeypatch, caplog):
    compiled = [counts(w, q) for w, q in GAMES]
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.setattr(_dp, "_KERNELS", None)
    assert _dp._kernels()[0][0] is _dp_numpy.by_weight
    assert [counts(w, q) for w, q in GAMES] == compiled
    assert max(max(s.values()) for (s, _), _ in compiled) > 2**61  # residues wrapped


def test_numpy_grid_counts_equal_numba_counts(numba_kernels, monkeypatch):
    rng = np.random.default_rng(3)
    cases = []
    for weights, _ in GAMES[:8]:
        weights = [*weights[:60], 0]  # a member without weight (v = 0 in the kernel)
        total = sum(weights)
        cases.append((weights, int(rng.integers(0, len(weights))), int(rng.integers(0, total))))
    compiled = [grid_counts(*case) for case in cases]
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.setattr(_dp, "_KERNELS", None)
    assert [grid_counts(*case) for case in cases] == compiled


def test_numpy_kernels_equal_numba_kernels_on_raw_tables(numba_kernels):
    """Each kernel alone, on random residues and random (not monotone) grids."""
    rng = np.random.default_rng(11)
    primes = np.array(_dp.primes_for(130), dtype=np.uint64)
    for n_s, n_m in [(1, 1), (1, 57), (6, 40), (12, 9)]:
        table = (rng.integers(0, 2**62, (len(primes), n_s, n_m), dtype=np.uint64)) % primes[
            :, None, None
        ]
        values = np.array([1, 2, 7, n_m, n_m + 3])
        for shift in (False, True):
            limits = np.array([n_m, max(n_m - 3, 1)])  # two sides, as shapley_counts reads
            start = np.zeros(n_s, dtype=np.int64)
            expected = numba_kernels[2][0](table, primes, limits, values, shift, start)
            assert np.array_equal(_dp_numpy.windows(table, primes, limits, values, shift), expected)
            # cells below a row's start are 0: the sums from start are the same
            start = rng.integers(0, n_m + 1, n_s)
            zeroed = np.where(np.arange(n_m)[None, None, :] < start[None, :, None], 0, table)
            zeroed = zeroed.astype(np.uint64)
            assert np.array_equal(
                numba_kernels[2][0](zeroed, primes, limits, values, shift, start),
                _dp_numpy.windows(zeroed, primes, limits, values, shift),
            )
        win = rng.random((n_s, n_m)) < 0.5
        values = np.array([0, 1, 3, n_m, -1], dtype=np.int64)
        expected = numba_kernels[3][0](table, primes, win, values)
        assert np.array_equal(_dp_numpy.regions(table, primes, win, values), expected)


def swings_by_enumeration(weights: list[int], quota: int) -> tuple[dict[int, int], int]:
    """Swings per weight and winning coalitions, by listing all 2**n coalitions."""
    n = len(weights)
    winning = 0
    swings = dict.fromkeys(weights, 0)
    for votes in itertools.product((0, 1), repeat=n):
        total = sum(w for w, v in zip(weights, votes, strict=True) if v)
        winning += total >= quota
    for i, w in enumerate(weights):
        others = weights[:i] + weights[i + 1 :]
        swings[w] = sum(
            quota - w <= sum(o for o, v in zip(others, votes, strict=True) if v) < quota
            for votes in itertools.product((0, 1), repeat=n - 1)
        )
    return swings, winning


@pytest.mark.usefixtures("without_numba")
@pytest.mark.parametrize(("weights", "quota"), random_games(6, max_n=9, max_weight=9, seed=1))
def test_numpy_counts_equal_enumeration(weights, quota):
    assert _dp.banzhaf_counts(weights, quota) == swings_by_enumeration(weights, quota)


@pytest.mark.usefixtures("without_numba")
def test_voting_power_without_numba_is_exact():
    """A hand-checked game: weights 4, 2, 1, quota 5 — player 1 swings in 3 of 4."""
    result = voting_power(weighted_game([4, 2, 1], 5), method="exact")
    assert result.exact
    assert list(result.banzhaf_absolute) == [Fraction(3, 4), Fraction(1, 4), Fraction(1, 4)]
    assert list(result.shapley_shubik) == [Fraction(2, 3), Fraction(1, 6), Fraction(1, 6)]


def test_grouped_members_give_the_table_of_one_member_after_the_other(numba_kernels):
    """The compiled size-by-weight kernel applies up to ``GROUP`` members of equal weight
    in one pass (binomial coefficients, lazy reduction); any group size gives the same
    residues as one member after the other, and so does the numpy kernel. The games
    include long runs of one weight (every group size, rows below the group size)."""
    games = [
        *random_games(20, max_n=90, max_weight=30, seed=11),
        ([2] * 40, 41),
        ([5] * 7 + [3] * 13 + [1] * 6, 30),
        ([1] * 9, 5),
    ]
    for weights, quota in games:
        limit, max_size = _dp.shapley_shape(weights, quota)
        if max_size == 0:
            continue
        primes = _dp.primes_for(_dp.size_count_bits(len(weights)))
        one_by_one = _dp._count_by_size(weights, limit, max_size, primes, 1)
        assert int(one_by_one.max()) < min(primes)  # fully reduced
        for group in (2, 3, _dp.GROUP):
            table = _dp._count_by_size(weights, limit, max_size, primes, group)
            assert np.array_equal(table, one_by_one), (weights, quota, group)
        ascending = np.sort(np.array([w for w in weights if w < limit], dtype=np.int64))
        lower = np.minimum(np.concatenate([[0], np.cumsum(ascending)])[: max_size + 1], limit)
        upper = np.concatenate([[0], np.cumsum(ascending[::-1])])[: max_size + 1] + 1
        numpy_table = _dp_numpy.by_size(
            ascending[::-1].copy(),
            limit,
            max_size,
            lower,
            np.minimum(upper, limit),
            np.array(primes, dtype=np.int64),
        )
        assert np.array_equal(numpy_table.view(np.uint64), one_by_one)
    with pytest.raises(ValueError, match="group must be between 1 and 4"):
        _dp._count_by_size([1, 2], 3, 2, _dp.primes_for(8), 5)


def test_lazy_reduction_survives_the_largest_residues(numba_kernels):
    """Counts that wrap each prime many times (4,000 ones, counts up to C(4000, 2000))
    rebuild exactly: the kernel's cells near the lazy bound do not overflow."""
    counts = _dp.shapley_counts([1] * 4000, 2001)[1]
    # pivotal with 2,000 others (sizes s and n - 1 - s carry the same Shapley weight;
    # the counts come from whichever side the table was built on)
    assert counts[1999] + counts[2000] == math.comb(3999, 2000)
    assert sum(counts) == math.comb(3999, 2000) > 2**3990


def test_size_count_bits_bounds_every_count_by_size():
    for n in (1, 2, 3, 10, 57, 1000):
        bits = _dp.size_count_bits(n)
        assert max(math.comb(n, s) for s in range(n + 1)) < 2**bits
        assert math.prod(_dp.primes_for(bits)) > 2**bits


def test_size_table_in_any_member_order_equals_the_heaviest_first_table(numba_kernels):
    """Heaviest first, the compiled kernel narrows each member's band to the cells its
    coalitions can reach (``shapley_updates`` counts them); in any other order it keeps
    the final band. Both orders, and the numpy kernel, give the same residues — and the
    narrowed bands do less work than the final band for every member."""
    rng = np.random.default_rng(23)
    by_size = numba_kernels[1][0]
    for weights, quota in random_games(25, max_n=70, max_weight=40, seed=29):
        limit, max_size = _dp.shapley_shape(weights, quota)
        if max_size == 0:
            continue
        primes = np.array(_dp.primes_for(_dp.size_count_bits(len(weights))), dtype=np.int64)
        ascending = np.sort(np.array([w for w in weights if w < limit], dtype=np.int64))
        lower = np.minimum(np.concatenate([[0], np.cumsum(ascending)])[: max_size + 1], limit)
        upper = np.minimum(
            np.concatenate([[0], np.cumsum(ascending[::-1])])[: max_size + 1] + 1, limit
        )
        shape = (len(primes), max_size + 1, limit)
        heaviest_first, any_order = np.empty(shape, np.uint64), np.full(shape, 7, np.uint64)
        heaviest = ascending[::-1].copy()
        groups = _dp.equal_weight_groups(heaviest)
        by_size(heaviest, limit, max_size, lower, upper, primes, *groups, heaviest_first)
        shuffled = rng.permutation(ascending)
        groups = _dp.equal_weight_groups(shuffled)
        by_size(shuffled, limit, max_size, lower, upper, primes, *groups, any_order)  # zeroes first
        assert np.array_equal(any_order, heaviest_first), (weights, quota)
        final_band = int((upper[1:] - lower[1:]).clip(0).sum()) * len(ascending)
        assert _dp.shapley_updates(weights, quota) <= final_band
