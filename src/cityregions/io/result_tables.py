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

from cityregions.io._atomic import atomic_path, atomic_paths
from cityregions.io.network_export import (
    write_dl,
    write_dl_projection,
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
    from cityregions.partnership.design import Design
    from cityregions.registry import Registry

logger = logging.getLogger(__name__)


def write_governance(result: GovernanceAnalysis, out: str | Path) -> list[Path]:
    """Write the tables and network exports of ``result`` into ``out``; return the paths.

    Files: ``actor_metrics.csv``, ``body_metrics.csv``, ``areas.csv``, ``fit_areas.csv``,
    ``fit_overall.csv``, ``gaps.csv``, ``region_gaps.csv`` and ``fit_regions.csv`` (with
    labels),
    ``body_links.csv``, ``edges.csv``, ``nodes.csv`` (full registry, with dates),
    ``popolo.json`` (full registry), ``network.gexf`` (dynamic, full registry),
    ``network.graphml`` (snapshot), ``network.dl`` (UCINET DL two-mode, snapshot inside
    the study area) and ``network_actors.dl`` (UCINET DL actor projection),
    ``state_openness.csv`` (E–I with its null model), ``actor_metrics_<date>.csv`` per
    extra snapshot, ``study_area.csv``, ``assumptions.csv``, ``registry_notes.csv``,
    ``timeline.csv``, ``coverage_timeline.csv``, ``recommendations.csv`` and, with an
    exit claim, ``exit_members.csv``, ``exit_test.csv`` and ``centre_degree.csv``. All
    files are written to temporary paths first and moved into place together: if one
    fails, none is written.

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
        "study_area.csv": (_study_area_table(result), False),
        "assumptions.csv": (result.assumptions, False),
        "registry_notes.csv": (result.registry_notes, False),
        "timeline.csv": (result.timeline, False),
        "coverage_timeline.csv": (
            result.coverage_timeline.assign(flows=result.flows_provenance),
            False,
        ),
        "recommendations.csv": (
            result.recommendations.assign(flows=result.flows_provenance),
            False,
        ),
        "exit_members.csv": (result.exit_members, True),
        "exit_test.csv": (
            None
            if result.exit_test is None
            else pd.Series(result.exit_test, name="value").rename_axis("item").to_frame(),
            True,
        ),
        "centre_degree.csv": (result.centre_degree, False),
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
    inside = _restricted(result)
    writers["network.dl"] = partial(write_dl, inside)
    writers["network_actors.dl"] = partial(write_dl_projection, inside)
    return writers


def _restricted(result: GovernanceAnalysis) -> Registry:
    """The snapshot of the analysis date inside its study area (what the metrics saw)."""
    from cityregions.governance.study_area import restrict
    from cityregions.registry import for_units

    snapshot = result.registry.as_of(result.as_of)
    if result.study_area is None:
        return snapshot
    return restrict(for_units(snapshot, result.study_area.units), result.study_area.units)


def _study_area_table(result: GovernanceAnalysis) -> pd.DataFrame | None:
    area = result.study_area
    if area is None:
        return None
    return pd.DataFrame({"unit": list(area.units), "how": area.how})


def write_recommendations(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the ranked actions (``rank,action,body,units,covered_commuters,cross_state,
    note``) as CSV, atomically."""
    from cityregions.governance.recommend import COLUMNS

    with atomic_path(path) as tmp:
        table[list(COLUMNS)].to_csv(tmp, index=False, float_format="%.10g")
    return Path(path)


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


def write_design(design: Design, out_dir: str | Path) -> list[Path]:
    """Write ``design.csv``, ``summary.csv`` and ``notes.txt`` of a designed rule — all
    of them or (on any error) none."""
    out = Path(out_dir)
    notes = [design.method, *design.notes]
    written = [out / "design.csv", out / "summary.csv", out / "notes.txt"]
    with atomic_paths(*written) as temps:
        design.members.reset_index().to_csv(temps[0], index=False, float_format="%.10g")
        pd.DataFrame([design.summary()]).to_csv(temps[1], index=False, float_format="%.10g")
        temps[2].write_text("\n".join(notes) + "\n", encoding="utf-8")
    return written


__all__ = ["write_comparison", "write_design", "write_governance", "write_recommendations"]
