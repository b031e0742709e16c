"""The generating-function engine: NTT arithmetic, counting tables, and exact indices that
equal the dynamic program, enumeration and ``powerindex`` on hundreds of random games."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F  # noqa: N817

import numpy as np
import pytest

from cityregions.partnership.voting import _gf, _ntt, voting_power, weighted_game


def _random_games(
    seed: int, count: int, *, max_n: int, max_w: int, proper: bool = False
) -> list[tuple[list[int], int]]:
    """Random weights and quotas (above half of the total with ``proper``)."""
    rng = np.random.default_rng(seed)
    games = []
    for _ in range(count):
        n = int(rng.integers(1, max_n + 1))
        weights = rng.integers(1, max_w + 1, n).tolist()
        low = sum(weights) // 2 + 1 if proper else 1
        games.append((weights, int(rng.integers(low, sum(weights) + 1))))
    return games


def test_ntt_primes_have_roots_of_unity_of_order_two_to_the_twenty() -> None:
    primes = _ntt.ntt_primes(1000)
    assert len(primes) == math.ceil(1001 / 30) == 34
    assert len(set(primes)) == len(primes)
    for p in primes[:5]:
        assert (p - 1) % 2**20 == 0
        assert 2**30 < p < 2**31
        root = pow(_ntt.primitive_root(p), (p - 1) // 2**20, p)
        assert pow(root, 2**20, p) == 1
        assert pow(root, 2**19, p) == p - 1


def test_transform_product_equals_the_convolution_modulo_each_prime() -> None:
    primes = _ntt.ntt_primes(61)
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**30, (len(primes), 2, 300)).astype(np.uint64)
    b = rng.integers(0, 2**30, (len(primes), 2, 200)).astype(np.uint64)
    product = _ntt.multiply(a, b, 499, primes)
    for r, p in enumerate(primes):
        for k in range(2):
            x = [int(v) for v in a[r, k]]
            y = [int(v) for v in b[r, k]]
            expected = [0] * 499
            for i, xi in enumerate(x):
                for j, yj in enumerate(y):
                    expected[i + j] += xi * yj
            assert [int(v) for v in product[r, k]] == [e % p for e in expected]


def test_inverse_logarithm_exponential_by_hand() -> None:
    """1/(1 - x) = Σ x**k; log(1/(1 - x)) = Σ x**k / k; exp(log a) = a."""
    primes = _ntt.ntt_primes(40)
    n = 12
    one_minus_x = np.zeros((len(primes), 1, n), dtype=np.uint64)
    one_minus_x[..., 0] = 1
    one_minus_x[..., 1] = np.array(primes, dtype=np.uint64)[:, None] - 1
    geometric = _ntt.inverse(one_minus_x, n, primes)
    assert (geometric == 1).all()
    log = _ntt.logarithm(geometric, n, primes)
    for r, p in enumerate(primes):
        assert [int(v) for v in log[r, 0]] == [0] + [pow(k, -1, p) for k in range(1, n)]
    assert np.array_equal(_ntt.exponential(log, n, primes), geometric)


@pytest.mark.parametrize(("weights", "limit"), [([1, 1, 2, 3], 5), ([5, 3, 3, 2, 1, 1], 9)])
def test_count_tables_by_hand(weights: list[int], limit: int) -> None:
    primes = _ntt.ntt_primes(len(weights) + 1)
    by_weight = [0] * limit
    by_size = [[0] * limit for _ in range(len(weights) + 1)]
    for subset in itertools.product([0, 1], repeat=len(weights)):
        weight = sum(w for w, x in zip(weights, subset, strict=True) if x)
        if weight < limit:
            by_weight[weight] += 1
            by_size[sum(subset)][weight] += 1
    assert _gf.count_by_weight(weights, limit, primes)[0].tolist() == by_weight
    max_size = max(k for k in range(len(weights) + 1) if sum(sorted(weights)[:k]) < limit)
    table = _gf.count_by_size(weights, limit, max_size, primes)
    assert table[0].tolist() == by_size[: max_size + 1]
    assert not any(any(row) for row in by_size[max_size + 1 :])


@pytest.mark.filterwarnings("ignore::cityregions.DataQualityWarning")
def test_generating_functions_equal_the_dynamic_program_on_random_games() -> None:
    """Both engines count exactly, so every index must agree as a fraction."""
    for weights, quota in _random_games(7, 200, max_n=20, max_w=25):
        game = weighted_game(weights, quota)
        gf, dp = voting_power(game, method="gf"), voting_power(game, method="dp")
        assert gf.method == "exact (generating functions, NTT)"
        assert gf.swings == dp.swings, (weights, quota)
        assert gf.shapley_shubik == dp.shapley_shubik, (weights, quota)
        assert gf.coleman_act == dp.coleman_act


@pytest.mark.filterwarnings("ignore::cityregions.DataQualityWarning")
def test_generating_functions_equal_enumeration_on_random_games() -> None:
    for weights, quota in _random_games(8, 100, max_n=12, max_w=20):
        game = weighted_game(weights, quota)
        gf, enumerated = voting_power(game, method="gf"), voting_power(game, method="enumerate")
        assert gf.swings == enumerated.swings
        assert gf.shapley_shubik == enumerated.shapley_shubik
        assert gf.coleman_act == enumerated.coleman_act


def test_generating_functions_equal_powerindex_on_random_games() -> None:
    """powerindex is right for proper games only (it errs below half of the total) and
    divides by zero when one member decides alone; those few games are left out."""
    powerindex = pytest.importorskip("powerindex")
    compared = 0
    for weights, quota in _random_games(9, 100, max_n=14, max_w=30, proper=True):
        ours = voting_power(weighted_game(weights, quota), method="gf")
        theirs = powerindex.Game(quota, weights=list(weights))
        try:
            theirs.calc_banzhaf()
            theirs.calc_shapley_shubik()
        except ZeroDivisionError:
            assert sum(1 for s in ours.swings or () if s) == 1  # a dictator
            continue
        compared += 1
        for a, b in zip(ours.banzhaf, theirs.banzhaf, strict=True):
            assert float(a) == pytest.approx(b, abs=1e-12)
        for a, b in zip(ours.shapley_shubik or (), theirs.shapley_shubik, strict=True):
            assert float(a) == pytest.approx(b, abs=1e-12)
    assert compared >= 80


def test_seventy_equal_voters_need_three_primes_and_stay_exact() -> None:
    result = voting_power(weighted_game([1] * 70, 36), method="gf")
    assert len(_ntt.ntt_primes(71)) == 3
    assert result.banzhaf_absolute[0] == F(math.comb(69, 34), 2**69)
    assert result.shapley_shubik[0] == F(1, 70)  # type: ignore[index]


def test_gf_needs_a_weighted_game() -> None:
    from cityregions._errors import ParameterError
    from cityregions.partnership.voting import double_majority

    game = double_majority({"a": 5, "b": 3, "c": 2}, members_share=0.6, population_share=0.6)
    with pytest.raises(ParameterError, match="weighted game"):
        voting_power(game, method="gf")
