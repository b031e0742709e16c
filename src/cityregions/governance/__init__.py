"""Governance of city regions: who cooperates where, and how well that fits the regions.

* :mod:`cityregions.governance.network` — affiliation network, projections,
  two-mode centralities, Gould–Fernandez brokerage, Burt constraint;
* :mod:`cityregions.governance.fit` — institutional fit of cooperation areas against
  functional regions, governance gaps;
* :mod:`cityregions.governance.analysis` — everything on one date, as one typed result.

The registry these build on is :mod:`cityregions.registry`; voting power and the
partnership are in :mod:`cityregions.partnership`; GEXF/GraphML/CSV exports in
:mod:`cityregions.io.network_export`.
"""
