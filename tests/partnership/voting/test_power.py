"""Voting power: published reference values, acceptance checks 1–6, cross-checks."""

from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction as F  # noqa: N817

import numpy as np
import pytest

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions.partnership.voting import _enum as _voting_enum
from cityregions.partnership.voting import (
    double_majority,
    equivalent,
    hoeffding_samples,
    multi_criteria_game,
    normal_approximation,
    penrose_psi,
    voting_power,
    weighted_game,
)
from tests.support.extras import require_extra

NICE = [29] * 4 + [27] * 2 + [14, 13] + [12] * 5 + [10] * 3 + [7] * 5 + [4] * 5 + [3]
BUNDESRAT = [6, 6, 6, 6, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3]


# ------------------------------------------------------------------ check 1: EEC 1958
@pytest.mark.parametrize("method", ["exact", "enumerate"])
def test_eec_1958_exact_rationals(method):
    result = voting_power(weighted_game([4, 4, 4, 2, 2, 1], 12), method=method)
    assert result.swings == (10, 10, 10, 6, 6, 0)
    assert result.banzhaf_absolute == (F(5, 16),) * 3 + (F(3, 16),) * 2 + (F(0),)
    assert result.banzhaf == (F(5, 21),) * 3 + (F(1, 7),) * 2 + (F(0),)
    assert result.shapley_shubik == (F(7, 30),) * 3 + (F(3, 20),) * 2 + (F(0),)
    assert result.dummies == ("6",)
    assert result.coleman_act == F(14, 64)  # 14 winning coalitions of 64
    assert result.coleman_prevent[0] == F(10, 14)
    assert result.coleman_initiate[0] == F(10, 50)


# ------------------------------------------------------------------ check 2: UN Security Council
@pytest.mark.parametrize(("big", "quota"), [(7, 39), (9, 49)])
def test_security_council_both_representations(big, quota):
    result = voting_power(weighted_game([big] * 5 + [1] * 10, quota))
    assert result.shapley_shubik[0] == F(421, 2145)
    assert result.shapley_shubik[-1] == F(4, 2145)
    assert result.banzhaf[0] == F(106, 635)
    assert result.banzhaf[-1] == F(21, 1270)
    assert result.banzhaf_absolute[0] == F(53, 1024)
    assert result.banzhaf_absolute[-1] == F(21, 4096)
    assert result.swings[0] == 848
    assert result.swings[-1] == 84


def test_security_council_representations_are_the_same_game():
    a = weighted_game([7] * 5 + [1] * 10, 39)
    b = weighted_game([9] * 5 + [1] * 10, 49)
    assert equivalent(a, b)
    assert not equivalent(a, weighted_game([7] * 5 + [1] * 10, 40))


# ------------------------------------------------- check 3: Nassau, Penrose, 70 voters
def test_nassau_county_dummies():
    result = voting_power(weighted_game([9, 9, 7, 3, 1, 1], 16))
    assert result.banzhaf == (F(1, 3),) * 3 + (F(0),) * 3
    assert result.shapley_shubik == (F(1, 3),) * 3 + (F(0),) * 3
    assert result.banzhaf_absolute[0] == F(1, 2)
    assert result.dummies == ("4", "5", "6")


def test_penrose_101_voters():
    result = voting_power(weighted_game([1] * 101, 51), shapley=False)
    value = float(result.banzhaf_absolute[0])
    assert value == pytest.approx(0.0795892, abs=5e-8)
    assert result.banzhaf_absolute[0] == F(math.comb(100, 50), 2**100)
    assert value / math.sqrt(2 / (math.pi * 101)) == pytest.approx(1, abs=0.005)
    assert penrose_psi(101) == pytest.approx(value, rel=1e-12)
    assert penrose_psi(1001) == pytest.approx(0.0252250, abs=5e-8)


def test_seventy_equal_voters_no_overflow():
    result = voting_power(weighted_game([1] * 70, 36))
    assert float(result.banzhaf_absolute[0]) == pytest.approx(0.0950255, abs=5e-8)
    assert result.banzhaf_absolute[0] == F(math.comb(69, 34), 2**69)
    assert result.shapley_shubik[0] == F(1, 70)


def test_published_small_games():
    straffin = voting_power(weighted_game([4, 3, 2, 1], 6))
    assert straffin.banzhaf_absolute == (F(5, 8), F(3, 8), F(3, 8), F(1, 8))
    assert straffin.banzhaf == (F(5, 12), F(1, 4), F(1, 4), F(1, 12))
    assert straffin.shapley_shubik == (F(5, 12), F(1, 4), F(1, 4), F(1, 12))
    wiki = voting_power(weighted_game([3, 2, 1, 1], 4))
    assert wiki.shapley_shubik == (F(1, 2), F(1, 6), F(1, 6), F(1, 6))


def test_bundesrat_derived_values():
    result = voting_power(weighted_game(BUNDESRAT, 35))
    assert result.banzhaf[0] == F(4487, 50852)
    assert result.shapley_shubik[0] == F(2459, 27720)
    assert [round(float(result.banzhaf_absolute[i]), 6) for i in (0, 4, 5, 12)] == [
        0.273865,
        0.232849,
        0.177917,
        0.132507,
    ]
    two_thirds = voting_power(weighted_game(BUNDESRAT, 46))
    assert round(float(two_thirds.banzhaf[0]), 6) == 0.085423
    assert round(float(two_thirds.shapley_shubik[-1]), 6) == 0.042374


# ------------------------------------------------------------------ check 4: several criteria
def test_double_majority_toy_equals_weighted_game():
    pop = {"A": 50, "B": 30, "C": 15, "D": 5}
    game = double_majority(pop, members_share=0.75, population_share=0.65)
    result = voting_power(game)
    assert result.method == "exact (enumeration)"
    assert result.banzhaf == (F(2, 5), F(1, 5), F(1, 5), F(1, 5))
    assert result.banzhaf_absolute == (F(1, 2), F(1, 4), F(1, 4), F(1, 4))
    assert result.shapley_shubik == (F(1, 2), F(1, 6), F(1, 6), F(1, 6))
    assert equivalent(game, weighted_game([3, 1, 1, 1], 5, members=list(pop)))


def test_blocking_minority_clause_adds_winning_coalitions():
    pop = {"A": 80, "B": 5, "C": 5, "D": 5, "E": 5}
    plain = double_majority(pop, members_share=0.5, population_share=0.9)
    clause = double_majority(pop, members_share=0.5, population_share=0.9, blocking_minority=2)
    # {B, C, D, E} has 4 of 5 members (only one against) -> wins with the clause only
    a, b = voting_power(plain), voting_power(clause)
    assert b.coleman_act - a.coleman_act == F(1, 32)
    assert a.shapley_shubik[0] == F(3, 5)  # A pivots when it comes 3rd, 4th or 5th
    mask = clause.winning_mask()
    assert bool(mask[0b11110])
    assert not bool(plain.winning_mask()[0b11110])


def test_nice_weights_dynamic_program():
    result = voting_power(weighted_game(NICE, 255), shapley=False)
    assert result.coleman_act * 2**27 == 2_718_774
    assert round(float(result.banzhaf[0]), 5) == 0.07783
    assert round(float(result.banzhaf[-1]), 5) == 0.00942
    assert round(float(result.banzhaf_absolute[0]), 5) == 0.03269


# ------------------------------------------------------------------ check 6: scale, MC, normal
def test_thousand_members_normalised_and_monotone():
    """Speed is measured in benchmarks/bench_voting.py; here exactness at scale."""
    rng = np.random.default_rng(6)
    weights = rng.integers(1, 101, 1000).tolist()
    game = weighted_game(weights, sum(weights) // 2 + 1)
    # exact by name: auto's choice depends on the install (numpy kernels without the
    # fast extra are estimated over the budget, and auto then samples)
    result = voting_power(game, shapley=False, method="exact")
    assert sum(result.banzhaf) == 1
    # A heavier voter never has less power (weighted games are monotone in weight).
    order = np.argsort(weights, kind="stable")
    power = [result.banzhaf[i] for i in order]
    assert all(a <= b for a, b in itertools.pairwise(power))
    assert abs(sum(float(x) for x in result.banzhaf) - 1) < 1e-9


def test_monte_carlo_nice_within_four_standard_errors():
    exact = voting_power(weighted_game(NICE, 255), shapley=False)
    mc = voting_power(
        weighted_game(NICE, 255),
        method="montecarlo",
        samples=200_000,
        shapley=False,
        rng=np.random.default_rng(2024),
    )
    assert not mc.exact
    for estimate, se, truth in zip(
        mc.banzhaf_absolute, mc.standard_error, exact.banzhaf_absolute, strict=True
    ):
        assert abs(estimate - float(truth)) <= 4 * se
    assert mc.error_bound == pytest.approx(math.sqrt(math.log(40) / 400_000))
    assert abs(mc.coleman_act - float(exact.coleman_act)) < 4 * math.sqrt(0.02 / 200_000)


def test_monte_carlo_shapley_and_multi_criteria():
    pop = {"A": 50, "B": 30, "C": 15, "D": 5}
    game = double_majority(pop, members_share=0.75, population_share=0.65)
    mc = voting_power(game, method="montecarlo", samples=40_000, rng=np.random.default_rng(1))
    assert mc.shapley_shubik[0] == pytest.approx(0.5, abs=0.015)
    assert mc.banzhaf_absolute[1] == pytest.approx(0.25, abs=0.015)


def test_monte_carlo_needs_rng():
    with pytest.raises(ParameterError, match="random generator"):
        voting_power(weighted_game([1, 1, 1], 2), method="montecarlo")


def test_hoeffding_sample_size():
    assert hoeffding_samples(0.01) == 18445
    assert hoeffding_samples(0.001) == 1844440


def test_normal_approximation_bundesrat():
    approx = normal_approximation(weighted_game(BUNDESRAT, 35))
    assert approx.iloc[0] == pytest.approx(0.2796, abs=1e-4)
    assert abs(approx.iloc[0] / 0.273865 - 1) < 0.05


# ------------------------------------------------------------------ independent cross-checks
def _random_game(rng, n_max=12, w_max=20):
    n = int(rng.integers(2, n_max + 1))
    weights = rng.integers(1, w_max + 1, n).tolist()
    total = sum(weights)
    quota = int(rng.integers(total // 2 + 1, total + 1))
    return weights, quota


def test_dynamic_program_equals_enumeration_on_random_games():
    rng = np.random.default_rng(11)
    for _ in range(150):
        weights, quota = _random_game(rng, n_max=14, w_max=30)
        game = weighted_game(weights, quota)
        exact = voting_power(game, method="exact")
        enumerated = voting_power(game, method="enumerate")
        assert exact.swings == enumerated.swings
        assert exact.shapley_shubik == enumerated.shapley_shubik
        assert exact.coleman_act == enumerated.coleman_act


def test_zero_weights_are_dummies_and_keep_the_others_power():
    with_zero = voting_power(weighted_game([4, 0, 4, 4, 2, 2, 1], 12))
    plain = voting_power(weighted_game([4, 4, 4, 2, 2, 1], 12))
    assert with_zero.banzhaf_absolute[1] == 0
    assert with_zero.banzhaf_absolute[0] == plain.banzhaf_absolute[0]
    assert with_zero.shapley_shubik[0] == plain.shapley_shubik[0]


def test_against_powerindex_on_random_games():
    powerindex = pytest.importorskip("powerindex")
    rng = np.random.default_rng(7)
    for _ in range(300):
        weights, quota = _random_game(rng)
        ours = voting_power(weighted_game(weights, quota))
        theirs = powerindex.Game(quota, weights=list(weights))
        theirs.calc()
        assert np.allclose([float(x) for x in ours.banzhaf], theirs.banzhaf, atol=1e-12, rtol=0)
        assert np.allclose(
            [float(x) for x in ours.shapley_shubik], theirs.shapley_shubik, atol=1e-12, rtol=0
        )


def test_against_powerindex_banzhaf_larger_bodies():
    powerindex = pytest.importorskip("powerindex")
    rng = np.random.default_rng(8)
    for n in (40, 80, 120):
        weights = rng.integers(1, 30, n).tolist()
        quota = int(sum(weights) * 0.6)
        ours = voting_power(weighted_game(weights, quota), shapley=False)
        theirs = powerindex.Game(quota, weights=list(weights))
        theirs.calc_banzhaf()
        assert np.allclose([float(x) for x in ours.banzhaf], theirs.banzhaf, atol=1e-12, rtol=0)


def test_enumeration_helpers_agree_with_brute_force():
    weights, quota = [3, 2, 2, 1], 5
    win = _voting_enum.subset_sums(weights) >= quota
    swings, by_size, winning = _voting_enum.counts_from_mask(win, 4)
    brute = [0] * 4
    for mask in range(16):
        for i in range(4):
            if mask >> i & 1 and win[mask] and not win[mask ^ (1 << i)]:
                brute[i] += 1
    assert swings == brute
    assert winning == int(win.sum())
    assert [sum(row) for row in by_size] == brute


# ------------------------------------------------------------------ rational and bad input
def test_decimal_weights_are_scaled_exactly():
    game = weighted_game({"a": 0.5, "b": 1.5, "c": 1}, share=0.5, more_than=True)
    assert game.criteria[0].weights == (1, 3, 2)
    assert game.criteria[0].quota == 4  # more than 3 of 6
    assert voting_power(game).banzhaf == (F(1, 5), F(3, 5), F(1, 5))


def test_negative_weight_names_member():
    with pytest.raises(InputError, match=r"'LU'.*negative"):
        weighted_game({"DE": 4, "LU": -1}, 3)


def test_non_numeric_weight_names_member():
    with pytest.raises(InputError, match=r"'FR'.*not a number"):
        weighted_game({"DE": 4, "FR": "four"}, 3)


def test_member_listed_twice():
    with pytest.raises(InputError, match="'DE' is listed twice"):
        weighted_game([4, 4], 5, members=["DE", "DE"])


def test_improper_quota_warns_or_raises():
    with pytest.warns(DataQualityWarning, match="not proper"):
        weighted_game([1, 1, 1, 1], 2)
    with pytest.raises(InputError, match="not proper"):
        weighted_game([1, 1, 1, 1], 2, strict=True)
    # a quota above the total is never a usable body: an error even without strict
    with pytest.raises(InputError, match="above the total"):
        weighted_game([1, 1], 3)
    with pytest.raises(InputError, match="above the total"):
        weighted_game([1, 1], share=1, more_than=True)
    assert voting_power(weighted_game([1, 1], 2)).coleman_act == F(1, 4)


def test_quota_must_be_given_once():
    with pytest.raises(ParameterError, match="exactly one"):
        weighted_game([1, 1], 2, share=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weighted_game([1, 1, 1], share=2 / 3)


def test_multi_criteria_members_must_match():
    with pytest.raises(InputError, match="other members"):
        multi_criteria_game({"a": ({"x": 1, "y": 1}, 0.6), "b": ({"x": 1, "z": 1}, 0.6)})


def test_against_powerindex_shapley_medium_bodies():
    powerindex = pytest.importorskip("powerindex")
    rng = np.random.default_rng(9)
    for n, quota_share in ((30, 0.5), (45, 0.7)):
        weights = rng.integers(1, 25, n).tolist()
        quota = int(sum(weights) * quota_share) + 1
        ours = voting_power(weighted_game(weights, quota))
        theirs = powerindex.Game(quota, weights=list(weights))
        theirs.calc_shapley_shubik()
        assert np.allclose(
            [float(x) for x in ours.shapley_shubik], theirs.shapley_shubik, atol=1e-12, rtol=0
        )
        assert sum(ours.shapley_shubik) == 1


def test_members_weight_dynamic_program_equals_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(2, 12))
        pop = {f"m{i}": int(rng.integers(1, 30)) for i in range(n)}
        blocking = int(rng.integers(1, n + 1)) if rng.random() < 0.5 else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            game = double_majority(
                pop,
                members_share=float(rng.choice([0.5, 0.55, 0.75])),
                population_share=float(rng.choice([0.5, 0.65, 0.8])),
                blocking_minority=blocking,
            )
        enumerated = voting_power(game, method="enumerate")
        exact = voting_power(game, method="exact")
        assert exact.method.startswith("exact")
        assert exact.swings == enumerated.swings
        assert exact.shapley_shubik == enumerated.shapley_shubik
        assert exact.coleman_act == enumerated.coleman_act


def test_double_majority_beyond_enumeration():
    names = [f"c{i}" for i in range(27)]
    votes = dict(zip(names, NICE, strict=True))
    nice_members = multi_criteria_game(
        {"votes": (votes, F(255, 345)), "members": (dict.fromkeys(names, 1), F(14, 27))}
    )
    result = voting_power(nice_members)
    assert result.method == "exact (members × weight)"
    # the member criterion removes a few of the 2,718,774 weight-winning coalitions
    assert 2_718_700 < result.coleman_act * 2**27 < 2_718_774
    pop = dict(zip(names, np.random.default_rng(0).integers(40, 8000, 27).tolist(), strict=True))
    lisbon = double_majority(pop, members_share=0.55, population_share=0.65, blocking_minority=4)
    exact = voting_power(lisbon)
    assert sum(exact.shapley_shubik) == 1
    mc = voting_power(
        lisbon, method="montecarlo", samples=100_000, shapley=False, rng=np.random.default_rng(1)
    )
    z = [
        abs(estimate - float(truth)) / se
        for estimate, se, truth in zip(
            mc.banzhaf_absolute, mc.standard_error, exact.banzhaf_absolute, strict=True
        )
    ]
    # 27 correlated estimates (one stream of coalitions): none far out, most close
    assert max(z) <= 5
    assert sum(z) / len(z) < 1.5


def test_a_table_above_the_memory_cap_is_built_a_few_primes_at_a_time(monkeypatch):
    """Exact Shapley-Shubik never refuses: tables above the cap are built in chunks of
    primes (the residues are the same, so the result is the same)."""
    from cityregions.partnership.voting import _dp as _voting_dp

    weights = np.random.default_rng(11).integers(1, 9, 130).tolist()  # 3 primes of 59 bits
    game = weighted_game(weights, sum(weights) // 2 + 1)
    whole = voting_power(game, method="dp")
    limit, max_size = _voting_dp.shapley_shape(weights, sum(weights) // 2 + 1)
    calls = []
    build = _voting_dp._build_plan
    monkeypatch.setattr(_voting_dp, "MAX_TABLE_CELLS", (max_size + 1) * limit)  # 1 prime
    monkeypatch.setattr(
        _voting_dp,
        "_build_plan",
        lambda plan, part, out, **how: calls.append(len(part)) or build(plan, part, out, **how),
    )
    chunked = voting_power(game, method="dp")
    assert calls == [1, 1, 1]
    assert chunked.shapley_shubik == whole.shapley_shubik
    assert sum(chunked.shapley_shubik) == 1


def test_parallel_kernels_are_cached_apart_from_the_serial_ones():
    """numba's disk cache is keyed by function name: a parallel build under the serial
    name would load the serial code (the bug behind 'parallel' kernels that were not)."""
    from cityregions.partnership.voting import _dp as _voting_dp

    require_extra("fast")  # numba's compiled kernels (the numpy ones have no options)
    for serial, parallel in _voting_dp._kernels():
        assert parallel.targetoptions.get("parallel") is True
        assert parallel.py_func.__qualname__ == f"{serial.py_func.__qualname__}_parallel"


def test_shapley_size_weights_equal_the_factorials():
    """s!(n-1-s)! built by ratios equals the factorials; the Shapley value of sizes is
    their weighted sum over n! (e.g. sizes [0, 2, 1] of 3 members: (2·1 + 1·2)/6)."""
    for n in (1, 2, 3, 10, 61):
        weights, total = _voting_enum._size_weights(n)
        assert list(weights) == [math.factorial(s) * math.factorial(n - 1 - s) for s in range(n)]
        assert total == math.factorial(n)
    assert _voting_enum.shapley_from_sizes([0, 2, 1], 3) == F(2, 3)
    assert _voting_enum.shapley_from_sizes([1, 0, 0, 0], 4) == F(1, 4)  # 0!·3!/4!


def test_equal_weights_closed_form_equals_the_dynamic_program():
    """Equal weights (with members of weight 0): η = C(m−1, k−1)·2**z, |W| = 2**z
    Σ_{j≥k} C(m, j), Shapley–Shubik 1/m — the same exact values as the dp engine."""
    for weights, quota in (([3] * 7 + [0, 0], 12), ([1] * 70, 36), ([2] * 5, 10), ([5], 1)):
        game = weighted_game(weights, quota)
        closed = voting_power(game)
        assert closed.method == "exact (equal weights, closed form)"
        dp = voting_power(game, method="dp")
        assert closed.banzhaf_absolute == dp.banzhaf_absolute
        assert closed.shapley_shubik == dp.shapley_shubik
        assert closed.coleman_act == dp.coleman_act
        assert closed.swings == dp.swings
    big = voting_power(weighted_game([1] * 5001, 2501))  # no table: 5,001 members
    assert big.banzhaf_absolute[0] == F(math.comb(5000, 2500), 2**5000)
    assert big.shapley_shubik[0] == F(1, 5001)
    assert big.coleman_act == F(1, 2)
