"""Functional regions from commuting flows: labour market areas and their quality.

- :class:`LabourMarketAreas` / :func:`find_clusters` — ISTAT/Eurostat LMA algorithm
  (parity with R LabourMarketAreas 3.4);
- :mod:`cityregions.delineation.quality` — per-region statistics, Q-modularity,
  cohesion, contiguity checks and fine-tuning.
"""

from __future__ import annotations

from cityregions.delineation.lma import LabourMarketAreas, find_clusters, validity
from cityregions.delineation.quality import (
    FineTuningResult,
    cohesion,
    exclaves,
    fine_tuning,
    q_modularity,
    quality_summary,
    region_adjacency,
    region_contiguity,
    region_statistics,
    reserve_list_summary,
)

__all__ = [
    "FineTuningResult",
    "LabourMarketAreas",
    "cohesion",
    "exclaves",
    "find_clusters",
    "fine_tuning",
    "q_modularity",
    "quality_summary",
    "region_adjacency",
    "region_contiguity",
    "region_statistics",
    "reserve_list_summary",
    "validity",
]
