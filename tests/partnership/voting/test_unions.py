"""A priori unions: Owen and Banzhaf–Owen values against their definitions (brute force),
hand-computed cases, the compound-game factorisation, Monte Carlo and bad input."""

from __future__ import annotations

import warnings
from fractions import Fraction as F  # noqa: N817

import numpy as np
import pytest

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions.partnership.voting import (
    TwoTierGame,
    VotingGame,
    double_majority,
    voting_power,
    weighted_game,
)
from cityregions.partnership.voting.unions import compound_union_values, union_power
from tests.support.brute_force import (
    banzhaf_owen_by_subsets,
    flat_banzhaf,
    owen_by_orderings,
)


def _random_cases(seed: int, count: int, max_n: int) -> list[tuple[list[int], int, list[str]]]:
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        n = int(rng.integers(1, max_n + 1))
        weights = rng.integers(0, 10, n).tolist()
        if sum(weights) == 0:
            continue
        quota = int(rng.integers(1, sum(weights) + 1))
        labels = [f"U{x}" for x in rng.integers(0, int(rng.integers(1, 4)), n)]
        cases.append((weights, quota, labels))
    return cases


def _game(weights: list[int], quota: int) -> VotingGame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return weighted_game(weights, quota, members=[f"m{i}" for i in range(len(weights))])


def test_owen_and_banzhaf_owen_equal_their_definitions_on_random_games() -> None:
    for weights, quota, labels in _random_cases(1, 150, 7):
        game = _game(weights, quota)
        unions = dict(zip(game.members, labels, strict=True))
        result = union_power(game, unions)
        assert result.method == "exact (union tables)"
        assert list(result.owen) == owen_by_orderings(weights, quota, labels), (weights, quota)
        assert list(result.banzhaf_owen) == banzhaf_owen_by_subsets(weights, quota, labels)


def test_enumeration_of_any_rule_equals_the_union_tables() -> None:
    """The same weighted rule as a 'double majority' of one criterion (no weighted flag)
    goes through the table of winning coalitions: same values."""
    for weights, quota, labels in _random_cases(2, 60, 8):
        game = _game(weights, quota)
        as_rule = VotingGame(game.members, game.criteria, clauses=((0,), (0,)))
        assert not as_rule.is_weighted
        unions = dict(zip(game.members, labels, strict=True))
        by_tables, by_enumeration = union_power(game, unions), union_power(as_rule, unions)
        assert by_enumeration.method == "exact (enumeration)"
        assert by_enumeration.owen == by_tables.owen
        assert by_enumeration.banzhaf_owen == by_tables.banzhaf_owen


def test_singleton_unions_give_shapley_shubik_and_absolute_banzhaf() -> None:
    game = weighted_game([4, 4, 4, 2, 2, 1], 12)
    result = union_power(game, {m: m for m in game.members})
    plain = voting_power(game)
    assert result.owen == plain.shapley_shubik
    assert result.banzhaf_owen == plain.banzhaf_absolute


def test_one_union_of_everybody_gives_shapley_shubik_inside() -> None:
    game = weighted_game([4, 4, 4, 2, 2, 1], 12)
    result = union_power(game, dict.fromkeys(game.members, "all"))
    assert result.owen == (F(7, 30),) * 3 + (F(3, 20),) * 2 + (F(0),)
    assert sum(result.owen) == 1


def test_eec_with_benelux_as_a_union_by_hand() -> None:
    """[12; DE 4, FR 4, IT 4, BE 2, NL 2, LU 1] with Benelux a union (5 votes).

    Between unions the game is [12; 4, 4, 4, 5]: the three large ones, or two of them and
    Benelux, win, so the third union in any order is pivotal: 1/4 each. Benelux is
    pivotal after two large ones (8 votes, 4 missing); inside, BE or NL brings the
    union to 4 in every order of its members (LU never): 1/2 each, so BE = NL = 1/8,
    LU = 0. Banzhaf–Owen of DE: of the 8 sets of other unions, {FR, IT}, {FR, BNL},
    {IT, BNL} lose and win with DE: 3/8. Of BE: R = two large ones (3 ways) with T = {NL}
    or {NL, LU} (10 → 12, 11 → 13): 6 of 2**3 · 2**2 = 32 pairs: 3/16."""
    game = weighted_game({"DE": 4, "FR": 4, "IT": 4, "BE": 2, "NL": 2, "LU": 1}, 12)
    unions = {"DE": "DE", "FR": "FR", "IT": "IT", "BE": "BNL", "NL": "BNL", "LU": "BNL"}
    result = union_power(game, unions)
    assert result.owen == (F(1, 4),) * 3 + (F(1, 8),) * 2 + (F(0),)
    assert result.banzhaf_owen == (F(3, 8),) * 3 + (F(3, 16),) * 2 + (F(0),)


def test_compound_game_values_factor_into_top_and_bloc_indices() -> None:
    """Owen/Banzhaf–Owen of the flattened two-tier body with its blocs as unions equal
    φ_k(top)·φ_i(bloc) and β'_k(top)·β'_i(bloc) (enumeration of the flattened body)."""
    rng = np.random.default_rng(5)
    for _ in range(25):
        sizes = rng.integers(1, 4, int(rng.integers(2, 4))).tolist()
        blocs = {}
        for k, size in enumerate(sizes):
            w = rng.integers(1, 5, size).tolist()
            members = [f"b{k}m{j}" for j in range(size)]
            blocs[f"B{k}"] = _game(w, int(rng.integers(sum(w) // 2 + 1, sum(w) + 1)))
            blocs[f"B{k}"] = VotingGame(tuple(members), blocs[f"B{k}"].criteria)
        top_w = rng.integers(1, 5, len(sizes)).tolist()
        top = VotingGame(
            tuple(blocs),
            _game(top_w, int(rng.integers(sum(top_w) // 2 + 1, sum(top_w) + 1))).criteria,
        )
        compound = TwoTierGame(top, blocs)
        unions = compound.bloc_of()
        expected = compound_union_values(
            voting_power(top).shapley_shubik or (),
            voting_power(top).banzhaf_absolute,
            {b: voting_power(g).shapley_shubik or () for b, g in blocs.items()},
            {b: voting_power(g).banzhaf_absolute for b, g in blocs.items()},
            list(blocs),
        )
        result = _flattened_union_values(compound, unions)
        assert list(result[0]) == expected["owen"]
        assert list(result[1]) == expected["banzhaf_owen"]
        assert flat_banzhaf(compound)  # the flattened body is a valid game


def _flattened_union_values(
    compound: TwoTierGame, unions: dict[str, str]
) -> tuple[list[F], list[F]]:
    """Owen and Banzhaf–Owen of the flattened body by enumerating (R, T) pairs."""
    from itertools import combinations

    columns, rule = compound.flat_rule()
    members = list(compound.members)
    n = len(members)

    def wins(subset: set[int]) -> bool:
        present = np.array([[i in subset for i in range(n)]], dtype=np.int64)
        return bool(rule(present @ columns)[0])

    blocs = list(dict.fromkeys(unions[m] for m in members))
    owen, banzhaf = [], []
    for i, member in enumerate(members):
        own = unions[member]
        others = [b for b in blocs if b != own]
        mates = [j for j, m in enumerate(members) if unions[m] == own and j != i]
        o = b_ = F(0)
        m_, u = len(blocs), len(mates) + 1
        from math import factorial

        for r in range(len(others) + 1):
            for chosen in combinations(others, r):
                outside = {j for j, m in enumerate(members) if unions[m] in chosen}
                for t in range(len(mates) + 1):
                    for inside in combinations(mates, t):
                        base = outside | set(inside)
                        if wins(base | {i}) and not wins(base):
                            o += F(factorial(r) * factorial(m_ - r - 1), factorial(m_)) * F(
                                factorial(t) * factorial(u - t - 1), factorial(u)
                            )
                            b_ += F(1, 2 ** (m_ - 1 + u - 1))
        owen.append(o)
        banzhaf.append(b_)
    return owen, banzhaf


def test_monte_carlo_agrees_with_the_exact_values() -> None:
    rng = np.random.default_rng(8)
    weights = rng.integers(1, 20, 16).tolist()
    game = weighted_game(weights, sum(weights) // 2 + 1)
    labels = {m: f"U{i % 5}" for i, m in enumerate(game.members)}
    exact = union_power(game, labels)
    estimated = union_power(
        game, labels, method="montecarlo", samples=40_000, rng=np.random.default_rng(3)
    )
    assert not estimated.exact
    frame = estimated.to_frame()
    for name in ("owen", "banzhaf_owen"):
        truth = np.array([float(x) for x in getattr(exact, name)])
        inside = (frame[f"{name}_ci_low"] <= truth) & (truth <= frame[f"{name}_ci_high"])
        assert inside.mean() >= 0.8, name
        assert np.abs(frame[name] - truth).max() < 0.02


def test_a_large_weighted_body_is_estimated_by_auto() -> None:
    rng = np.random.default_rng(9)
    weights = rng.integers(1000, 90_000, 70).tolist()
    game = weighted_game(weights, sum(weights) // 2 + 1)
    labels = {m: "big" if i < 45 else f"u{i % 3}" for i, m in enumerate(game.members)}
    result = union_power(game, labels, samples=3000, rng=rng)
    assert result.method.startswith("Monte Carlo")
    with pytest.raises(ParameterError, match="montecarlo"):
        union_power(game, labels, method="exact")


def test_every_member_needs_exactly_one_known_union() -> None:
    game = weighted_game({"a": 3, "b": 2, "c": 2}, 4)
    with pytest.raises(InputError, match="'c' has no union") as missing:
        union_power(game, {"a": "A", "b": "B"}, source="u.csv")
    assert missing.value.field == "union"
    assert "u.csv" in str(missing.value)
    with pytest.raises(InputError, match="'x' has a union but is not a member"):
        union_power(game, {"a": "A", "b": "B", "c": "C", "x": "X"})


def test_large_rule_of_several_criteria_is_refused_with_a_reason() -> None:
    population = {f"m{i}": 1000 + i for i in range(30)}
    game = double_majority(population, members_share=0.55, population_share=0.65)
    with pytest.raises(ParameterError, match="more than 24"):
        union_power(game, dict.fromkeys(population, "all"))
