"""Governance of city regions: networks, institutional fit, voting power, partnership.

* :mod:`cityregions.governance.network` — affiliation network, projections,
  two-mode centralities, Gould–Fernandez brokerage, Burt constraint;
* :mod:`cityregions.governance.fit` — institutional fit of cooperation areas against
  functional regions, governance gaps;
* :mod:`cityregions.governance.export` — GEXF (dynamic), GraphML, CSV edge lists;
* :mod:`cityregions.governance.workflow` — the end-to-end analysis and pipeline step.

The registry these build on is :mod:`cityregions.registry`.
"""
