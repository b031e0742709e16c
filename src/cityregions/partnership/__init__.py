"""The two-stage partnership: city regions as blocs of the metropolitan body.

* :mod:`~cityregions.partnership.voting` — games, Banzhaf, Shapley–Shubik, Coleman,
  two tiers;
* :mod:`~cityregions.partnership.representation` — weights and seats from population;
* :mod:`~cityregions.partnership.fees` — fee keys;
* :mod:`~cityregions.partnership.scenarios` — a scenario as data, variants, scenarios
  composed from the registry;
* :mod:`~cityregions.partnership.compare` — evaluate and compare scenarios;
* :mod:`~cityregions.partnership.design` — design a rule whose power meets a target.

Partnership takes a registry and weights, never governance objects. Scenario files are
read by :mod:`cityregions.io.scenario_files`.
"""

from __future__ import annotations

from cityregions.partnership.compare import (
    Comparison,
    PartnershipResult,
    compare_scenarios,
    evaluate_scenario,
)
from cityregions.partnership.design import Design, design_rule
from cityregions.partnership.scenarios import Scenario, scenario_from_registry
from cityregions.partnership.voting import (
    TwoTierGame,
    double_majority,
    multi_criteria_game,
    two_tier_power,
    union_power,
    voting_power,
    weighted_game,
)

__all__ = [
    "Comparison",
    "Design",
    "PartnershipResult",
    "Scenario",
    "TwoTierGame",
    "compare_scenarios",
    "design_rule",
    "double_majority",
    "evaluate_scenario",
    "multi_criteria_game",
    "scenario_from_registry",
    "two_tier_power",
    "union_power",
    "voting_power",
    "weighted_game",
]
