"""Voting power: games, exact and approximate indices, two-tier (compound) bodies.

* :mod:`~cityregions.partnership.voting.games` — weighted and multi-criteria games;
* :mod:`~cityregions.partnership.voting.power` — Banzhaf, Shapley–Shubik, Coleman
  (exact engines, ``auto`` within a stated budget);
* :mod:`~cityregions.partnership.voting.montecarlo` — estimates with confidence
  intervals, in seeded tasks (locally or on Dask);
* :mod:`~cityregions.partnership.voting.approx` — normal approximation, sample sizes;
* :mod:`~cityregions.partnership.voting.two_tier` — members in blocs, blocs in a body;
* :mod:`~cityregions.partnership.voting.unions` — a priori unions (Owen, Banzhaf–Owen).
"""

from __future__ import annotations

from cityregions.partnership.voting.approx import (
    hoeffding_samples,
    normal_approximation,
    penrose_psi,
)
from cityregions.partnership.voting.games import (
    VotingGame,
    WeightedCriterion,
    double_majority,
    equivalent,
    multi_criteria_game,
    rule_game,
    weighted_game,
)
from cityregions.partnership.voting.power import (
    EXACT_BUDGET_SECONDS,
    METHODS,
    PowerResult,
    exact_costs,
    voting_power,
)
from cityregions.partnership.voting.two_tier import TwoTierGame, TwoTierResult, two_tier_power
from cityregions.partnership.voting.unions import UnionResult, union_power

__all__ = [
    "EXACT_BUDGET_SECONDS",
    "METHODS",
    "PowerResult",
    "TwoTierGame",
    "TwoTierResult",
    "UnionResult",
    "VotingGame",
    "WeightedCriterion",
    "double_majority",
    "equivalent",
    "exact_costs",
    "hoeffding_samples",
    "multi_criteria_game",
    "normal_approximation",
    "penrose_psi",
    "rule_game",
    "two_tier_power",
    "union_power",
    "voting_power",
    "weighted_game",
]
