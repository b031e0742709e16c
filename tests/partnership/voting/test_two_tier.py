"""Two-tier voting: the exact chain rule against the flattened game (acceptance check 5)."""

from __future__ import annotations

from fractions import Fraction as F  # noqa: N817

import numpy as np
import pytest

from cityregions._errors import InputError
from cityregions.partnership.voting import (
    TwoTierGame,
    penrose_psi,
    two_tier_power,
    voting_power,
    weighted_game,
)
from tests.support.brute_force import flat_banzhaf


def _example() -> TwoTierGame:
    top = weighted_game({"A": 3, "B": 2, "C": 2}, 4)
    blocs = {
        "A": weighted_game({"a1": 2, "a2": 1, "a3": 1}, 3),
        "B": weighted_game({"b1": 1, "b2": 1}, 2),
        "C": weighted_game({"c1": 1, "c2": 1, "c3": 1}, 2),
    }
    return TwoTierGame(top, blocs)


def test_two_tier_example_exact_values():
    result = two_tier_power(_example())
    expected = {
        "a1": F(3, 8),
        "a2": F(1, 8),
        "a3": F(1, 8),
        "b1": F(1, 4),
        "b2": F(1, 4),
        "c1": F(7, 32),
        "c2": F(7, 32),
        "c3": F(7, 32),
    }
    assert result.exact == expected
    assert result.blocs["passage_probability"].tolist() == [3 / 8, 1 / 4, 1 / 2]
    # the product shortcut would give 1/2 * 1/2 = 1/4 for C's members, not 7/32
    top_beta = voting_power(weighted_game({"A": 3, "B": 2, "C": 2}, 4)).banzhaf_absolute[2]
    assert top_beta * F(1, 2) == F(1, 4) != result.exact["c1"]


def test_two_tier_flattened_shapley_shubik():
    result = two_tier_power(_example())
    expected = [F(7, 30), F(13, 210), F(13, 210), F(3, 20), F(3, 20)] + [F(4, 35)] * 3
    assert result.members["shapley_shubik"].tolist() == pytest.approx(
        [float(x) for x in expected], abs=1e-15
    )
    assert result.shapley_method == "exact (enumeration)"


def test_chain_rule_equals_flattened_enumeration_on_random_compounds():
    rng = np.random.default_rng(5)
    for _ in range(40):
        m = int(rng.integers(2, 5))
        blocs, weights = {}, {}
        counter = 0
        for j in range(m):
            size = int(rng.integers(1, 4))
            w = {f"m{counter + k}": int(rng.integers(1, 5)) for k in range(size)}
            counter += size
            total = sum(w.values())
            blocs[f"B{j}"] = weighted_game(w, int(rng.integers(total // 2 + 1, total + 1)))
            weights[f"B{j}"] = int(rng.integers(1, 6))
        top_total = sum(weights.values())
        top = weighted_game(weights, int(rng.integers(top_total // 2 + 1, top_total + 1)))
        game = TwoTierGame(top, blocs)
        result = two_tier_power(game)
        assert [result.exact[m] for m in game.members] == flat_banzhaf(game)


def test_coleman_act_of_compound_body():
    result = two_tier_power(_example())
    # f0(p) with p = (3/8, 1/4, 1/2): A and (B or C) win, or B and C
    p_a, p_b, p_c = F(3, 8), F(1, 4), F(1, 2)
    expected = p_a * (1 - (1 - p_b) * (1 - p_c)) + (1 - p_a) * p_b * p_c
    assert result.coleman_act == expected


def test_per_inhabitant_power_is_penrose_psi_times_indirect_power():
    result = two_tier_power(_example(), population={"a1": 1001, "c1": 101})
    row = result.members.loc["a1"]
    assert row["power_per_inhabitant"] == pytest.approx(penrose_psi(1001) * 3 / 8)
    assert result.members.loc["c1", "per_inhabitant_ratio"] == 1.0


def test_monte_carlo_shapley_for_large_flattened_bodies():
    blocs = {f"B{j}": weighted_game({f"m{j}_{k}": 1 for k in range(5)}, 3) for j in range(5)}
    top = weighted_game({f"B{j}": 1 for j in range(5)}, 3)
    result = two_tier_power(TwoTierGame(top, blocs), rng=np.random.default_rng(0), samples=20_000)
    assert result.shapley_method.startswith("Monte Carlo")
    assert result.members["shapley_shubik"].sum() == pytest.approx(1)
    assert result.members["shapley_shubik"].iloc[0] == pytest.approx(1 / 25, abs=0.01)


def test_bloc_without_members_is_an_error():
    top = weighted_game({"A": 1, "B": 1, "C": 1}, 2)
    with pytest.raises(InputError, match="bloc 'C' of the top body has no members"):
        TwoTierGame(top, {"A": weighted_game({"a": 1}, 1), "B": weighted_game({"b": 1}, 1)})


def test_overlapping_blocs_are_an_error():
    top = weighted_game({"A": 1, "B": 1}, 2)
    with pytest.raises(InputError, match="member 'x' is in blocs 'A' and 'B'"):
        TwoTierGame(top, {"A": weighted_game({"x": 1}, 1), "B": weighted_game({"x": 1}, 1)})
