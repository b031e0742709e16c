"""Governance of city regions: networks, institutional fit, voting power, partnership.

* :mod:`cityregions.governance.network` — affiliation network, projections,
  two-mode centralities, Gould–Fernandez brokerage, Burt constraint;
* :mod:`cityregions.governance.fit` — institutional fit of cooperation areas against
  functional regions, governance gaps;
* :mod:`cityregions.governance.export` — GEXF (dynamic), GraphML, CSV edge lists;
* :mod:`cityregions.governance.workflow` — the end-to-end analysis and pipeline step;
* :mod:`cityregions.governance.voting` — Banzhaf, Shapley–Shubik, Coleman; two tiers;
* :mod:`cityregions.governance.representation` — seats from population, fee keys;
* :mod:`cityregions.governance.partnership` — the two-stage partnership and scenarios.

The registry these build on is :mod:`cityregions.registry`.
"""

_LAZY = {  # voting power and partnership, imported on first use
    "voting_power": "voting",
    "weighted_game": "voting",
    "double_majority": "voting",
    "multi_criteria_game": "voting",
    "two_tier_power": "voting",
    "TwoTierGame": "voting",
    "evaluate_scenario": "partnership",
    "compare_scenarios": "partnership",
    "read_scenario": "scenarios",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
