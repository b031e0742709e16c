"""Governance analysis on one date: registry + flows (+ labels) → one typed result.

:func:`analyze_governance` computes network metrics, institutional fit and governance
gaps in memory and returns a :class:`GovernanceAnalysis`; the files are written by
:func:`cityregions.io.result_tables.write_governance`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import ValidationReport
from cityregions.flows import FlowTable
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
from cityregions.registry import Registry, check_units
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: Default snapshot dates of the bundled case: the MORO period and after the 2014 reform.
DEFAULT_SNAPSHOTS = (dt.date(2012, 6, 30), dt.date(2015, 6, 30))
#: Default date of the fit, the gaps and the main tables (after the 2014 reform).
DEFAULT_AS_OF = dt.date(2015, 6, 30)


@dataclass
class GovernanceAnalysis:
    """Results of :func:`analyze_governance` (all pandas objects indexed by id).

    Attributes
    ----------
    registry
        The full registry (validated).
    as_of
        The snapshot date of the fit, the gaps and the main tables (files write it as
        ``YYYY-MM-DD``).
    actor_metrics
        Per actor: two-mode degree/betweenness/closeness, Newman strength, brokerage
        roles by state with expected counts and p-values, Burt constraint, effective size.
    body_metrics
        Per body: two-mode centralities.
    snapshots
        Date → actor metrics on further dates (files ``actor_metrics_YYYY-MM-DD.csv``).
    areas
        ``area, unit, name, body_level, kind`` of the city-regional cooperation areas.
    fit_areas
        Per area: self-containment, internal share, coverage.
    fit_overall
        Q_int functional/areas, modularity, ARI, VI, coverage.
    fit_regions
        Per functional region (areas touching it, coverage, share of its internal
        commuting inside an area), or None without labels.
    gaps
        Strong unit ties with ``gap`` and ``cross_state`` flags.
    region_gaps
        Strong ties between functional regions, or None without labels.
    body_links
        Body → body ties, target-model links included.
    state_openness
        E–I index per state on the Newman actor projection.
    warnings
        Texts for the reader (e.g. modeled flows).
    flows_provenance
        ``observed``, ``completed`` or ``modeled``: the flows behind fit and gaps.
    coverage_weight
        What the ``population`` columns of the fit tables and ``population_covered``
        weigh: ``population``, else ``residents`` (employed residents, also when the
        flows' row totals stand in) or ``jobs`` (:func:`_population_of`); the report
        and the dashboard show the columns under this name.
    """

    registry: Registry
    as_of: dt.date
    actor_metrics: pd.DataFrame
    body_metrics: pd.DataFrame
    snapshots: dict[dt.date, pd.DataFrame]
    areas: pd.DataFrame
    fit_areas: pd.DataFrame
    fit_overall: dict[str, Any]
    fit_regions: pd.DataFrame | None
    gaps: pd.DataFrame
    region_gaps: pd.DataFrame | None
    body_links: pd.DataFrame
    state_openness: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    flows_provenance: str = "observed"
    coverage_weight: str = "population"

    def summary(self) -> dict[str, Any]:
        """Headline figures for reports and the command line (``as_of`` as ``YYYY-MM-DD``)."""
        gaps = self.gaps[self.gaps["gap"]] if len(self.gaps) else self.gaps
        cross = gaps[gaps["cross_state"]] if len(gaps) else gaps
        top = self.actor_metrics.sort_values(
            ["betweenness_2mode", "degree"], ascending=False, kind="mergesort"
        )
        return {
            "as_of": self.as_of.isoformat(),
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
         "body_level": registry.body(area).body_level, "kind": registry.body(area).kind}
        for area, units in areas.items()
        for unit in units
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["area", "unit", "name", "body_level", "kind"])


def analyze_governance(
    registry: Registry,
    flows: FlowTable,
    *,
    territory: Territory | None = None,
    labels: pd.Series | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    snapshots: tuple[dt.date, ...] = (),
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
    problems = check_units(registry, flows.ids) if check_units_known else []
    if problems:
        raise ValidationReport(problems)
    snapshot = registry.as_of(as_of)
    metrics = actor_metrics(snapshot, n_permutations=n_permutations, rng=rng)
    graph = affiliation_graph(snapshot)
    bodies = centralities(graph)
    bodies = bodies[bodies["mode"] == "body"].drop(columns=["mode"]).rename_axis("body")
    areas = snapshot.areas()
    other = snapshot.areas(body_levels=("thematic", "metropolitan"))
    population = states = None
    if territory is not None:
        population = _population_of(territory)
        states = territory.units["state"].astype(str)
    weight = str(population.name) if population is not None else "residents"
    result = GovernanceAnalysis(
        as_of=as_of,
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
        snapshots={},
        coverage_weight=weight,
    )
    projected = projected_graph(graph, weighting="newman")
    result.state_openness = ei_index(
        projected, {n: projected.nodes[n].get("state") or "?" for n in projected}
    )
    for day in snapshots:
        result.snapshots[day] = actor_metrics(registry.as_of(day))
    result.flows_provenance = flows.flows_provenance
    if flows.flows_provenance != "observed":
        result.warnings.append(
            f"flows are {flows.flows_provenance}, not observed: fit and gaps are estimates"
        )
    return result


def _population_of(territory: Territory) -> pd.Series | None:
    """Population, else employed residents, else jobs of the units, else None.

    With None, fit and coverage are weighted by the employed residents in the flows.
    """
    for column in ("population", "residents", "jobs"):
        values = pd.to_numeric(territory.units[column], errors="coerce")
        if values.notna().any():
            if column != "population":
                logger.info("no population in the units: coverage is weighted by %s", column)
            return values.astype(float).rename(column)
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


def check_inputs_known(registry: Registry, territory: Territory) -> None:
    """Raise a :class:`ValidationReport` if the registry names units the territory lacks."""
    problems = check_units(registry, territory.ids)
    if problems:
        raise ValidationReport(problems)


__all__ = [
    "GovernanceAnalysis",
    "analyze_governance",
    "check_inputs_known",
]
