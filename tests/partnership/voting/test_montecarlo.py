"""Monte Carlo estimates: unbiased by construction, intervals that cover, seeded tasks that
give the same result wherever they run, and ``auto`` that answers every game."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F  # noqa: N817

import numpy as np
import pytest

from cityregions._errors import ParameterError
from cityregions.partnership.voting import (
    double_majority,
    exact_costs,
    montecarlo,
    voting_power,
    weighted_game,
)


def test_position_shares_average_to_the_exact_shapley_value_over_all_orderings() -> None:
    """Averaged over all n! orderings the estimator is φ exactly (it is unbiased)."""
    for weights, quota in (([4, 4, 4, 2, 2, 1], 12), ([3, 2, 2, 1, 0], 5), ([7, 5, 4], 9)):
        n = len(weights)
        orders = np.array(list(itertools.permutations(range(n))))
        shares = montecarlo._position_shares(orders, np.array(weights, float), float(quota))
        exact = voting_power(weighted_game(weights, quota), method="enumerate").shapley_shubik
        assert shares.mean(axis=0) == pytest.approx([float(x) for x in exact], abs=1e-12)
        assert ((shares >= 0) & (shares <= 1)).all()


def test_position_shares_by_hand() -> None:
    """[12; 4,4,4,2,2,1] in the order 6,4,1,2,3,5 (1-based): prefix weights 0,1,3,7,11,15,17.
    Member 3 (weight 4) at position 4 is pivotal where the others before it weigh 8..11:
    moved to position 4 (after 6,4,1,2: weight 11) only -> 1 of 6 positions."""
    order = np.array([[5, 3, 0, 1, 2, 4]])
    shares = montecarlo._position_shares(order, np.array([4, 4, 4, 2, 2, 1], float), 12.0)
    assert shares[0, 2] == pytest.approx(1 / 6)
    assert shares[0, 5] == 0  # the dummy is never pivotal


def test_intervals_cover_the_exact_values() -> None:
    rng = np.random.default_rng(3)
    weights = rng.integers(1, 30, 18).tolist()
    game = weighted_game(weights, sum(weights) * 2 // 3)
    exact = voting_power(game)
    estimate = voting_power(game, method="montecarlo", samples=40_000, rng=rng)
    assert estimate.methods["shapley_shubik"].startswith("Monte Carlo (40,000 orderings")
    frame = estimate.to_frame()
    for index in ("banzhaf_absolute", "banzhaf", "shapley_shubik"):
        truth = np.array([float(x) for x in getattr(exact, index)])
        inside = (frame[f"{index}_ci_low"] <= truth) & (truth <= frame[f"{index}_ci_high"])
        assert inside.mean() >= 0.85, index  # 95 % intervals, 18 correlated members
        assert (frame[f"{index}_ci_low"] <= frame[index]).all()
    assert abs(estimate.coleman_act - float(exact.coleman_act)) <= estimate.error_bound


def test_the_same_generator_gives_the_same_estimate_with_any_scheduler() -> None:
    game = weighted_game([5, 4, 3, 3, 2, 1, 1], 10)
    local = voting_power(game, method="montecarlo", samples=25_000, rng=np.random.default_rng(5))
    again = voting_power(game, method="montecarlo", samples=25_000, rng=np.random.default_rng(5))
    assert local == again
    assert montecarlo.task_sizes(25_000) == [8334, 8333, 8333]
    pytest.importorskip("cityregions._distributed")
    inline = voting_power(
        game,
        method="montecarlo",
        samples=25_000,
        rng=np.random.default_rng(5),
        scheduler="inline",
    )
    assert inline == local


@pytest.mark.parametrize("samples", [0, -5, 2.5, True, "100"])
def test_samples_must_be_a_positive_whole_number(samples: object) -> None:
    with pytest.raises(ParameterError, match="positive whole number"):
        voting_power(weighted_game([1, 1, 1], 2), samples=samples)  # type: ignore[arg-type]


def test_auto_is_exact_within_the_budget_and_estimates_beyond_it() -> None:
    game = weighted_game([4, 4, 4, 2, 2, 1], 12)
    assert voting_power(game).exact
    estimated = voting_power(game, budget=0.0, rng=np.random.default_rng(0), samples=5000)
    assert not estimated.exact
    assert "Monte Carlo" in estimated.methods["banzhaf"]
    assert "banzhaf_absolute_ci_high" in estimated.to_frame()
    assert estimated.to_frame()["dummy"].isna().all()  # an estimate of 0 proves nothing


def test_auto_mixes_exact_banzhaf_with_estimated_shapley_when_only_banzhaf_fits() -> None:
    rng = np.random.default_rng(2)
    weights = rng.integers(5_000, 70_000, 50).tolist()  # district populations in tens
    game = weighted_game(weights, sum(weights) // 2 + 1)
    costs = exact_costs(game)  # a budget between the two: Banzhaf fits, Shapley–Shubik not
    budget = (costs["banzhaf"]["dp"] + costs["shapley_shubik"]["dp"]) / 2
    assert costs["banzhaf"]["dp"] < budget < costs["shapley_shubik"]["dp"]
    result = voting_power(game, rng=rng, samples=5_000, budget=budget)
    assert result.methods["banzhaf"] == "exact (dynamic program)"
    assert result.methods["shapley_shubik"].startswith("Monte Carlo")
    assert sum(result.banzhaf) == 1
    assert isinstance(result.banzhaf[0], F)
    frame = result.to_frame()
    assert "shapley_shubik_ci_low" in frame
    assert "banzhaf_ci_low" not in frame
    # each ordering's shares need not add up to 1, only their expectations do
    assert frame["shapley_shubik"].sum() == pytest.approx(1, abs=0.01)


def test_auto_answers_a_large_rule_of_several_criteria_by_monte_carlo() -> None:
    rng = np.random.default_rng(4)
    population = {f"m{i}": int(x) for i, x in enumerate(rng.integers(1000, 900_000, 60))}
    game = double_majority(population, members_share=0.55, population_share=0.65)
    result = voting_power(game, rng=rng, samples=4000)
    assert not result.exact
    assert "Monte Carlo" in result.method
    assert math.isfinite(result.coleman_act)


def test_exact_costs_grow_with_the_body_and_gf_stops_at_its_primes() -> None:
    small = exact_costs(weighted_game([3, 2, 2], 4))
    large = exact_costs(weighted_game(list(range(1, 401)), 40_101))
    for index in ("banzhaf", "shapley_shubik"):
        assert large[index]["dp"] > small[index]["dp"]
    huge = exact_costs(weighted_game([1] * 5999 + [2], 3001))
    assert huge["banzhaf"]["gf"] == math.inf  # 6,001 bits: more than the NTT primes hold
    equal = exact_costs(weighted_game([1] * 6000, 3001))  # closed form, no table
    assert equal["shapley_shubik"] == {"dp": 0.0, "gf": 0.0}


def test_hoeffding_bound_covers_the_shapley_estimate_from_fewer_orderings() -> None:
    """The stated bound is sqrt(ln(2/δ)/(2K)) with K = the orderings when only
    Shapley–Shubik is estimated, and the wider of coalitions and orderings when both are
    (each ordering checks n positions, so fewer orderings are drawn than coalitions)."""
    rng = np.random.default_rng(2)
    weights = rng.integers(5_000, 70_000, 50).tolist()
    game = weighted_game(weights, sum(weights) // 2 + 1)
    costs = exact_costs(game)  # a budget that Banzhaf fits and Shapley–Shubik does not
    budget = (costs["banzhaf"]["dp"] + costs["shapley_shubik"]["dp"]) / 2
    mixed = voting_power(game, rng=rng, samples=200_000, budget=budget)
    orderings = montecarlo.orderings_for(200_000, 50)
    assert orderings < 200_000
    assert mixed.error_bound == pytest.approx(math.sqrt(math.log(40) / (2 * orderings)))
    both = voting_power(game, rng=rng, samples=200_000, method="montecarlo")
    assert both.error_bound == pytest.approx(math.sqrt(math.log(40) / (2 * orderings)))
    assert both.error_bound > math.sqrt(math.log(40) / (2 * 200_000))
    banzhaf_only = voting_power(game, rng=rng, samples=200_000, method="montecarlo", shapley=False)
    assert banzhaf_only.error_bound == pytest.approx(math.sqrt(math.log(40) / 400_000))


def test_auto_asks_for_a_generator_before_any_work_when_it_would_estimate() -> None:
    """Whether ``auto`` estimates depends on the machine's speed (and on numba being
    installed); without ``rng`` it says why and what to pass instead of failing later."""
    game = weighted_game([5, 4, 3, 3, 2, 1, 1], 10)
    with pytest.raises(ParameterError, match=r"method='auto' estimates this game.*budget of 0 s"):
        voting_power(game, budget=0.0)
    with pytest.raises(ParameterError, match="method='exact'"):
        voting_power(game, budget=0.0, shapley=False)
    assert voting_power(game, budget=0.0, rng=np.random.default_rng(1), samples=2000).samples
    assert voting_power(game).exact  # within the default budget: exact, no generator needed
