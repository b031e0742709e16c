"""Functional regions from commuting flows: labour market areas and their quality.

- :class:`LabourMarketAreas` / :func:`find_clusters` — ISTAT/Eurostat LMA algorithm
  (parity with R LabourMarketAreas 3.4);
- :mod:`cityregions.delineation.quality` — per-region statistics, Q-modularity,
  cohesion, contiguity checks and fine-tuning.
"""

from __future__ import annotations

from cityregions.delineation.lma import LabourMarketAreas, find_clusters, validity

__all__ = [
    "LabourMarketAreas",
    "find_clusters",
    "validity",
]
