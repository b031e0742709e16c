"""Governance analysis end to end: registry + flows (+ labels) → tables and exports.

:func:`analyze_governance` computes everything in memory (nothing is written until all
results exist), :func:`write_governance` writes the files atomically, and
:func:`governance_step` is the pipeline step run by ``cityregions demo`` and the report.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityregions._errors import ValidationReport
from cityregions.flows import FlowTable
from cityregions.governance.export import (
    write_edge_list,
    write_frame,
    write_gexf,
    write_graphml,
    write_node_list,
    write_popolo,
)
from cityregions.governance.fit import (
    area_fit,
    governance_gaps,
    overall_fit,
    region_fit,
    region_gaps,
)
from cityregions.governance.network import (
    actor_metrics,
    affiliation_graph,
    body_links,
    centralities,
    ei_index,
    projected_graph,
)
from cityregions.io._atomic import atomic_paths
from cityregions.io.registry_yaml import read_registry
from cityregions.registry import Registry, as_date, check_units
from cityregions.territory import Territory

if TYPE_CHECKING:
    from cityregions.case import Case
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

#: Default snapshot dates of the bundled case: the MORO period and after the 2014 reform.
DEFAULT_SNAPSHOTS = ("2012-06-30", "2015-06-30")


@dataclass
class GovernanceAnalysis:
    """Results of :func:`analyze_governance` (all pandas objects indexed by id)."""

    as_of: str
    registry: Registry
    actor_metrics: pd.DataFrame
    body_metrics: pd.DataFrame
    areas: pd.DataFrame
    fit_areas: pd.DataFrame
    fit_overall: dict[str, Any]
    gaps: pd.DataFrame
    region_gaps: pd.DataFrame | None
    body_links: pd.DataFrame
    fit_regions: pd.DataFrame | None = None
    state_openness: pd.DataFrame | None = None
    snapshots: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    flows_provenance: str = "observed"

    def summary(self) -> dict[str, Any]:
        """Headline figures for reports and the command line."""
        gaps = self.gaps[self.gaps["gap"]] if len(self.gaps) else self.gaps
        cross = gaps[gaps["cross_state"]] if len(gaps) else gaps
        top = self.actor_metrics.sort_values(
            ["betweenness_2mode", "degree"], ascending=False, kind="mergesort"
        )
        return {
            "as_of": self.as_of,
            "actors": len(self.actor_metrics),
            "bodies": len(self.body_metrics),
            "areas": int(self.areas["area"].nunique()) if len(self.areas) else 0,
            "strong_ties": len(self.gaps),
            "gaps": len(gaps),
            "cross_state_gaps": len(cross),
            "most_central_actor": str(top.index[0]) if len(top) else None,
            **{k: v for k, v in self.fit_overall.items() if isinstance(v, float)},
        }


def _areas_table(registry: Registry, areas: dict[str, list[str]]) -> pd.DataFrame:
    rows = [
        {"area": area, "unit": unit, "name": registry.body(area).name,
         "level": registry.body(area).level, "kind": registry.body(area).kind}
        for area, units in areas.items()
        for unit in units
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["area", "unit", "name", "level", "kind"])


def analyze_governance(
    registry: Registry,
    flows: FlowTable,
    *,
    territory: Territory | None = None,
    labels: pd.Series | None = None,
    as_of: str = "2015-06-30",
    snapshots: tuple[str, ...] = (),
    min_flow: float = 1000,
    min_share: float = 0.05,
    out_commuters: pd.Series | None = None,
    n_permutations: int = 199,
    rng: np.random.Generator | None = None,
    check_units_known: bool = True,
) -> GovernanceAnalysis:
    """Network metrics, institutional fit and governance gaps of ``registry`` on a date.

    Parameters
    ----------
    registry
        The full registry (validated).
    flows
        Commuter flows with the diagonal over the territory's unit ids.
    territory
        Units (population for coverage, ``state`` for border flags); optional.
    labels
        Functional regions (Series unit → region); without them ARI/VI are skipped.
    as_of
        Snapshot date of the fit, the gaps and the main network tables.
    snapshots
        Further dates for which actor metrics are computed (``snapshots`` attribute).
    min_flow, min_share
        Strong-tie thresholds of :func:`~cityregions.governance.fit.governance_gaps`.
    out_commuters
        Official out-commuter totals per unit when the flow table is truncated.
    n_permutations, rng
        Permutation test of the brokerage roles (``rng`` defaults to seed 0).
    check_units_known
        Raise if an actor or body names a unit that is not in ``flows`` (switch off
        when the flows are a subset of the registry's territory; units outside the
        flows are then ignored).

    Raises
    ------
    ValidationReport
        If registry units are not in the territory or flows.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    day = str(as_date(as_of))
    problems = check_units(registry, flows.ids) if check_units_known else []
    if problems:
        raise ValidationReport(problems)
    snapshot = registry.as_of(day)
    metrics = actor_metrics(snapshot, n_permutations=n_permutations, rng=rng)
    graph = affiliation_graph(snapshot)
    bodies = centralities(graph)
    bodies = bodies[bodies["mode"] == "body"].drop(columns=["mode"]).rename_axis("body")
    areas = snapshot.areas()
    other = snapshot.areas(levels=("thematic", "metropolitan"))
    population = states = None
    if territory is not None:
        population = _population_of(territory)
        states = territory.units["state"].astype(str)
    result = GovernanceAnalysis(
        as_of=day,
        registry=registry,
        actor_metrics=metrics,
        body_metrics=bodies,
        areas=_areas_table(snapshot, areas),
        fit_areas=area_fit(flows, areas, labels, population=population),
        fit_overall=_overall(flows, areas, labels, population),
        gaps=governance_gaps(
            flows,
            areas,
            min_flow=min_flow,
            min_share=min_share,
            states=states,
            other_areas=other,
            out_commuters=out_commuters,
        ),
        region_gaps=None
        if labels is None
        else region_gaps(flows, labels, areas, min_flow=min_flow, min_share=min_share),
        body_links=body_links(registry),
        fit_regions=None
        if labels is None
        else region_fit(flows, labels, areas, population=population),
    )
    projected = projected_graph(graph, weighting="newman")
    result.state_openness = ei_index(
        projected, {n: projected.nodes[n].get("state") or "?" for n in projected}
    )
    for date in snapshots:
        result.snapshots[str(as_date(date))] = actor_metrics(registry.as_of(date))
    result.flows_provenance = flows.provenance
    if flows.provenance == "modeled":
        result.warnings.append("flows are modeled, not observed: fit and gaps are estimates")
    return result


def _population_of(territory: Territory) -> pd.Series | None:
    """Population, else employees, else None (then employed residents from the flows)."""
    for column in ("population", "employees"):
        values = pd.to_numeric(territory.units[column], errors="coerce")
        if values.notna().any():
            if column != "population":
                logger.info("no population in the units: coverage is weighted by %s", column)
            return values.astype(float)
    return None


def _overall(
    flows: FlowTable,
    areas: dict[str, list[str]],
    labels: pd.Series | None,
    population: pd.Series | None,
) -> dict[str, Any]:
    if labels is not None:
        return overall_fit(flows, areas, labels, population=population)
    from cityregions.governance.fit import internal_flow_share

    return {"internal_share_areas": internal_flow_share(flows, areas), "ari": math.nan}


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


def governance_step(case: Case, results: CaseResults) -> None:
    """Pipeline step: check and analyse the case's governance registry (section ``governance``).

    Reads ``[registry] path`` of ``case.toml`` (optional ``as_of``, default
    ``2015-06-30``; ``min_flow``, ``min_share``), the case's units and flows, and the
    functional labels ``results.sections["delineation"]["labels"]`` when that step ran.

    Section keys:

    * ``registry`` — the :class:`~cityregions.registry.Registry` (full, validated);
    * ``as_of`` — snapshot date (ISO string);
    * ``actor_metrics`` — DataFrame per actor (two-mode degree/betweenness/closeness,
      Newman strength, brokerage roles by state with expected counts and p-values, Burt
      constraint, effective size);
    * ``body_metrics`` — DataFrame per body (two-mode centralities);
    * ``snapshots`` — dict date → actor metrics for 2012-06-30 and 2015-06-30;
    * ``areas`` — DataFrame ``area, unit, name, level, kind`` (city-regional areas);
    * ``fit_areas`` — DataFrame per area (self-containment, internal share, coverage);
    * ``fit_overall`` — dict (Q_int functional/areas, modularity, ARI, VI, coverage);
    * ``fit_regions`` — DataFrame per functional region (areas touching it, coverage,
      share of its internal commuting inside an area) or None without labels;
    * ``gaps`` — DataFrame of strong unit ties with ``gap`` and ``cross_state`` flags;
    * ``region_gaps`` — DataFrame of strong ties between functional regions (or None);
    * ``body_links`` — DataFrame of body → body ties incl. target-model links;
    * ``state_openness`` — E–I index per state on the Newman actor projection;
    * ``summary`` — dict of headline figures; ``warnings`` — list of strings.
    """
    config = case.config.get("registry", {})
    path = case.path("registry", "path")
    if path is None:
        logger.info("case %s has no [registry] path: governance step skipped", case.name)
        return
    registry = read_registry(path)
    labels = results.sections.get("delineation", {}).get("labels")
    analysis = analyze_governance(
        registry,
        case.flows,
        territory=case.territory,
        labels=labels if isinstance(labels, pd.Series) else None,
        as_of=str(config.get("as_of", "2015-06-30")),
        snapshots=DEFAULT_SNAPSHOTS,
        min_flow=float(config.get("min_flow", 1000)),
        min_share=float(config.get("min_share", 0.05)),
    )
    out = results.section_dir("governance")
    results.files += write_governance(analysis, out)
    results.note_provenance("governance", "registry", "fact", str(path))
    results.note_provenance("governance", "flows", case.flows.provenance, case.flows.source)
    results.sections["governance"] = {
        "registry": registry,
        "as_of": analysis.as_of,
        "actor_metrics": analysis.actor_metrics,
        "body_metrics": analysis.body_metrics,
        "snapshots": analysis.snapshots,
        "areas": analysis.areas,
        "fit_areas": analysis.fit_areas,
        "fit_overall": analysis.fit_overall,
        "fit_regions": analysis.fit_regions,
        "gaps": analysis.gaps,
        "region_gaps": analysis.region_gaps,
        "body_links": analysis.body_links,
        "state_openness": analysis.state_openness,
        "summary": analysis.summary(),
        "warnings": analysis.warnings,
    }


def check_inputs_known(registry: Registry, territory: Territory) -> None:
    """Raise a :class:`ValidationReport` if the registry names units the territory lacks."""
    problems = check_units(registry, territory.ids)
    if problems:
        raise ValidationReport(problems)


__all__ = [
    "GovernanceAnalysis",
    "analyze_governance",
    "check_inputs_known",
    "governance_step",
    "write_governance",
]
