"""CSV tables and network files of the analyses' results, written all or nothing.

:func:`write_governance` writes a :class:`~cityregions.governance.analysis.
GovernanceAnalysis` (tables, edge and node lists, Popolo JSON, GEXF, GraphML);
:func:`write_comparison` a partnership :class:`~cityregions.partnership.compare.
Comparison`. Both are used by the pipeline and by the command line, so each file is
written by one function only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cityregions.io._atomic import atomic_paths
from cityregions.io.network_export import (
    write_edge_list,
    write_frame,
    write_gexf,
    write_graphml,
    write_node_list,
    write_popolo,
)

if TYPE_CHECKING:
    from cityregions.governance.analysis import GovernanceAnalysis
    from cityregions.partnership.compare import Comparison

logger = logging.getLogger(__name__)


def write_governance(result: GovernanceAnalysis, out: str | Path) -> list[Path]:
    """Write the tables and network exports of ``result`` into ``out``; return the paths.

    Files: ``actor_metrics.csv``, ``body_metrics.csv``, ``areas.csv``, ``fit_areas.csv``,
    ``fit_overall.csv``, ``gaps.csv``, ``region_gaps.csv`` and ``fit_regions.csv`` (with
    labels),
    ``body_links.csv``, ``edges.csv``, ``nodes.csv`` (full registry, with dates),
    ``popolo.json`` (full registry), ``network.gexf`` (dynamic, full registry),
    ``network.graphml`` (snapshot), ``state_openness.csv`` and
    ``actor_metrics_<date>.csv`` per extra snapshot. All files are written to temporary
    paths first and moved into place together: if one fails, none is written.

    ``gaps.csv`` (column ``flows``) and ``fit_overall.csv`` (row ``flows``) say whether
    the flows behind them are ``observed`` or ``modeled``.
    """
    out = Path(out)
    writers = _writers(result)
    targets = [out / name for name in writers]
    with atomic_paths(*targets) as temporary:
        for write, tmp in zip(writers.values(), temporary, strict=True):
            write(tmp)
    return targets


def _writers(result: GovernanceAnalysis) -> dict[str, Callable[[Path], Path]]:
    """File name → function writing that file to a given path."""
    overall = {**result.fit_overall, "flows": result.flows_provenance}
    tables: dict[str, tuple[pd.DataFrame | None, bool]] = {
        "actor_metrics.csv": (result.actor_metrics, True),
        "body_metrics.csv": (result.body_metrics, True),
        "areas.csv": (result.areas, False),
        "fit_areas.csv": (result.fit_areas, True),
        "fit_overall.csv": (
            pd.Series(overall, name="value").rename_axis("indicator").to_frame(),
            True,
        ),
        "gaps.csv": (result.gaps.assign(flows=result.flows_provenance), False),
        "body_links.csv": (result.body_links, False),
        "region_gaps.csv": (result.region_gaps, False),
        "fit_regions.csv": (result.fit_regions, True),
        "state_openness.csv": (result.state_openness, True),
        **{f"actor_metrics_{d}.csv": (t, True) for d, t in result.snapshots.items()},
    }
    writers: dict[str, Callable[[Path], Path]] = {
        name: partial(write_frame, frame, index=index)
        for name, (frame, index) in tables.items()
        if frame is not None
    }
    registry, snapshot = result.registry, result.registry.as_of(result.as_of)
    writers["edges.csv"] = partial(write_edge_list, registry)
    writers["nodes.csv"] = partial(write_node_list, registry)
    writers["popolo.json"] = partial(write_popolo, registry)
    writers["network.gexf"] = partial(write_gexf, registry)
    writers["network.graphml"] = partial(write_graphml, snapshot)
    return writers


def write_comparison(comparison: Comparison, out_dir: str | Path) -> list[Path]:
    """Write ``members.csv``, ``blocs.csv``, ``summary.csv``, ``wide.csv`` and
    ``assumptions.csv`` — all of them or (on any error) none.
    """
    from cityregions.partnership.compare import assumptions_table

    out = Path(out_dir)
    tables = {
        "members.csv": comparison.members,
        "blocs.csv": comparison.blocs,
        "summary.csv": comparison.summary,
        "wide.csv": comparison.wide.reset_index(),
        "assumptions.csv": assumptions_table(comparison),
    }
    written = [out / name for name in tables]
    with atomic_paths(*written) as temps:
        for tmp, frame in zip(temps, tables.values(), strict=True):
            frame.to_csv(tmp, index=False, float_format="%.10g")
    return written


__all__ = ["write_comparison", "write_governance"]
