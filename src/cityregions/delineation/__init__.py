"""Functional regions from commuting flows: labour market areas and their quality.

- :class:`LabourMarketAreas` / :func:`find_clusters` — ISTAT/Eurostat LMA algorithm
  (parity with R LabourMarketAreas 3.4);
- :class:`FunctionalUrbanAreas` — EU-OECD cities and commuting zones;
- :class:`Stadtregionen` — BBSR Stadtregionen / Großstadtregionen;
- :class:`LeidenRegions` — community detection on the flow network;
- :func:`delineate` — one call for any method, returning a :class:`Delineation`;
- :mod:`cityregions.delineation.quality` — per-region statistics, Q-modularity,
  cohesion, contiguity checks and fine-tuning.
"""

from __future__ import annotations

from cityregions.delineation.api import Delineation, delineate
from cityregions.delineation.bbsr import Stadtregionen
from cityregions.delineation.community import LeidenRegions
from cityregions.delineation.fua import FunctionalUrbanAreas
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
    "Delineation",
    "FineTuningResult",
    "FunctionalUrbanAreas",
    "LabourMarketAreas",
    "LeidenRegions",
    "Stadtregionen",
    "cohesion",
    "delineate",
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
