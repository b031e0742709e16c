"""Governance analysis on one date: registry + flows (+ labels) → one typed result.

:func:`analyze_governance` computes, inside a study area (:mod:`.study_area`), network
metrics with their null models (:mod:`.nullmodels`), institutional fit and governance
gaps, the membership series of every body and the yearly share of strong ties covered
(:mod:`.timeline`), and the actions that would close the gaps (:mod:`.recommend`), and
returns a :class:`GovernanceAnalysis`; the files are written by
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

from cityregions._errors import InputError, ValidationReport
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
    projected_graph,
)
from cityregions.governance.nullmodels import ALPHA, ei_test
from cityregions.governance.recommend import BodyLimits, candidate_actions
from cityregions.governance.study_area import (
    StudyArea,
    registry_reach,
    registry_study_area,
    restrict,
)
from cityregions.governance.timeline import (
    FIRST_YEAR,
    centre_degree,
    coverage_timeline,
    exit_evidence,
    latest_year,
    membership_timeline,
    yearly_snapshots,
)
from cityregions.registry import Registry, check_units, for_units, registry_flags
from cityregions.registry.validity import Undated
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: Default snapshot dates of the bundled case: the MORO period and after the 2014 reform.
DEFAULT_SNAPSHOTS = (dt.date(2012, 6, 30), dt.date(2015, 6, 30))
#: Default date of the fit, the gaps and the main tables (after the 2014 reform).
DEFAULT_AS_OF = dt.date(2015, 6, 30)
#: Label permutations of the null models when the caller does not say.
DEFAULT_PERMUTATIONS = 999


@dataclass(frozen=True)
class ExitClaim:
    """A documented claim that members left a network centred on some of them.

    Attributes
    ----------
    body
        The network (e.g. ``mmd-network``).
    centre
        Actor ids of the centre (e.g. ``leipzig``, ``halle``).
    as_of
        Date the members are taken on (before the exits).
    source
        Where the claim is documented (e.g. ``S72;S77``).
    """

    body: str
    centre: tuple[str, ...]
    as_of: dt.date
    source: str = ""


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
        Per actor inside the study area: two-mode degree/betweenness/closeness, Newman
        strength, brokerage roles by state with expected counts, permutation p-values,
        ``cross_group`` brokerage against random mixing (``expected_cross_group``,
        ``p_cross_group``, ``q_cross_group``, ``significant_broker``), Burt constraint,
        effective size.
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
        Strong unit ties inside the study area with ``gap`` and ``cross_state`` flags
        (and ``partial_bodies``: bodies that cover a tie only through a part of a unit).
    region_gaps
        Strong ties between functional regions, or None without labels.
    body_links
        Body → body ties, target-model links included.
    state_openness
        E–I index per state on the Newman actor projection, with the expected value
        under random mixing and permutation p-values (:func:`~.nullmodels.ei_test`).
    warnings
        Texts for the reader (e.g. modeled flows, ties left out of the study area).
    flows_provenance
        ``observed``, ``completed`` or ``modeled``: the flows behind fit and gaps.
    coverage_weight
        What the ``population`` columns of the fit tables and ``population_covered``
        weigh: ``population``, else ``residents`` (employed residents, also when the
        flows' row totals stand in) or ``jobs`` (:func:`_population_of`); the report
        and the dashboard show the columns under this name.
    study_area
        The units the analysis judges and how they were chosen.
    ties_outside
        Strong ties with at least one end outside the study area (left out).
    assumptions
        Records the ``as_of`` snapshot counts (or leaves out) by assumption:
        ``record, kind, reason, included``.
    registry_notes
        Notes on records (``record, field, message``), e.g. target-model links dated
        outside their project's runtime.
    timeline
        Per year and body: members, joins, leaves, sourced fees
        (:func:`~.timeline.membership_timeline`).
    coverage_timeline
        Per year: share of the strong ties (flows held fixed) covered by a body.
    centre_degree
        Per year: bodies of the exit claim's centre cities vs. the other members.
    exit_members, exit_test
        The data on an :class:`ExitClaim` (:func:`~.timeline.exit_evidence`), or None.
    recommendations
        Candidate actions ranked by the strong-tie commuters they would cover
        (:func:`~.recommend.candidate_actions`).
    n_permutations, alpha
        The null models' permutations and significance level.
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
    study_area: StudyArea | None = None
    ties_outside: int = 0
    assumptions: pd.DataFrame = field(default_factory=pd.DataFrame)
    registry_notes: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeline: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage_timeline: pd.DataFrame = field(default_factory=pd.DataFrame)
    centre_degree: pd.DataFrame | None = None
    exit_members: pd.DataFrame | None = None
    exit_test: dict[str, Any] | None = None
    recommendations: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_permutations: int = 0
    alpha: float = ALPHA

    def summary(self) -> dict[str, Any]:
        """Headline figures for reports and the command line (``as_of`` as ``YYYY-MM-DD``).

        Network headlines name only results that are significant under random mixing
        (``significant_brokers``, ``openness_vs_random``); "none" when nothing is.
        """
        gaps = self.gaps[self.gaps["gap"]] if len(self.gaps) else self.gaps
        cross = gaps[gaps["cross_state"]] if len(gaps) else gaps
        area = self.study_area
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "study_area": area.description if area is not None else "all units",
            "units_in_study_area": len(area) if area is not None else math.nan,
            "ties_outside_study_area": self.ties_outside,
            "actors": len(self.actor_metrics),
            "bodies": len(self.body_metrics),
            "areas": int(self.areas["area"].nunique()) if len(self.areas) else 0,
            "strong_ties": len(self.gaps),
            "gaps": len(gaps),
            "cross_state_gaps": len(cross),
            "records_assumed": int(self.assumptions["included"].sum())
            if len(self.assumptions)
            else 0,
            "significant_brokers": self._significant_brokers(),
            "openness_vs_random": self._openness(),
            "top_action": self._top_action(),
        }
        out.update({k: v for k, v in self.fit_overall.items() if isinstance(v, float)})
        return out

    def _significant_brokers(self) -> str:
        metrics = self.actor_metrics
        if "significant_broker" not in metrics.columns:
            return "not tested"
        chosen = metrics.index[metrics["significant_broker"].fillna(False).astype(bool)]
        return ";".join(sorted(chosen)) or "none"

    def _openness(self) -> str:
        table = self.state_openness
        if table is None or "significant" not in table.columns:
            return "not tested"
        parts = []
        for group, row in table[table["significant"].fillna(False).astype(bool)].iterrows():
            way = "more open" if row["ei_index"] > row["expected"] else "more closed"
            parts.append(f"{group} {way} than random mixing")
        return "; ".join(parts) or "none"

    def _top_action(self) -> str:
        table = self.recommendations
        if table.empty:
            return "none"
        row = table.iloc[0]
        commuters = f"{row['covered_commuters']:.0f} commuters"
        if row["action"] == "join":
            return f"{row['units']} joins {row['body']} ({commuters})"
        if row["action"] == "cooperate":
            return f"{' and '.join(str(row['body']).split('+'))} cooperate ({commuters})"
        units = str(row["units"]).split(";")
        return f"a new cross-border body of {len(units)} units: {', '.join(units)} ({commuters})"


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
    n_permutations: int = DEFAULT_PERMUTATIONS,
    rng: np.random.Generator | None = None,
    check_units_known: bool = True,
    study_area: StudyArea | None = None,
    undated: Undated = "assume",
    first_year: int = FIRST_YEAR,
    exit_claim: ExitClaim | None = None,
    recommend_bodies: tuple[str, ...] | None = None,
) -> GovernanceAnalysis:
    """Network metrics, institutional fit, gaps, series and actions inside a study area.

    Parameters
    ----------
    registry
        The full registry (validated). Its units are mapped to the flows' level with
        :func:`cityregions.registry.for_units` (8-digit municipal keys, district keys).
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
        Label permutations of the null models (E–I index, brokerage) and their random
        generator (default ``numpy.random.default_rng(0)``).
    check_units_known
        Raise if an actor or body names a unit that is not in ``flows`` (switch off
        when the flows are a subset of the registry's territory; units outside the
        flows are then ignored).
    study_area
        The units to judge; default the units covered by the registry's bodies on
        ``as_of`` (:func:`~.study_area.registry_study_area`). Strong ties with an end
        outside it are left out and counted (``ties_outside``).
    undated
        ``assume`` (default) or ``exclude`` records that count only by assumption
        (:meth:`Registry.as_of`).
    first_year
        First year of the membership series (to the latest year the registry names).
    exit_claim
        A claim of members leaving a network centred on some of them, to put data next
        to (:func:`~.timeline.exit_evidence`); default the registry's first ``exit``
        claim (:class:`~cityregions.registry.Claim`), if any.
    recommend_bodies
        Restrict join/cooperate actions to these bodies.

    Raises
    ------
    ValidationReport
        If registry units are not in the territory or flows.
    InputError
        If the study area covers no unit of the flows, or ``recommend_bodies`` or the
        exit claim name an unknown body or actor.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    exit_claim = exit_claim or _registry_claim(registry)
    scope = _scope(
        registry,
        flows,
        territory,
        as_of,
        study_area,
        undated,
        check_units_known,
        min_flow,
        min_share,
        out_commuters,
        recommend_bodies,
        exit_claim,
    )
    registry, snapshot, local = scope.registry, scope.snapshot, scope.flows
    result = _fit_and_gaps(
        registry,
        snapshot,
        local,
        territory,
        labels,
        as_of,
        min_flow,
        min_share,
        scope.states,
        out_commuters,
    )
    result.study_area, result.ties_outside = scope.area, scope.ties_outside
    _network(result, restrict(snapshot, local.ids), n_permutations, rng)
    for day in snapshots:
        result.snapshots[day] = actor_metrics(
            restrict(registry.as_of(day, undated=undated), local.ids)
        )
    _history(result, registry, local, min_flow, min_share, scope.states, first_year, exit_claim)
    result.recommendations = _recommendations(
        registry, snapshot, result.gaps, scope.states, recommend_bodies
    )
    _notes(result, snapshot, registry, flows, scope)
    return result


@dataclass
class _Scope:
    """The registry on the flows' level, its snapshot and the flows inside the study area."""

    registry: Registry
    snapshot: Registry
    area: StudyArea
    flows: FlowTable
    states: pd.Series
    ties_outside: int
    outside_reach: tuple[str, ...]
    day: dt.date

    def reach_warning(self) -> str | None:
        """The warning for study-area units no body of the registry covers, if any."""
        if not self.outside_reach:
            return None
        return (
            f"{len(self.outside_reach)} of the {len(self.area)} units of the study area "
            f"lie outside every body of the registry on {self.day.isoformat()}: their "
            "strong ties count as gaps although the registry may only not record the bodies "
            "there"
        )


def _scope(
    registry: Registry,
    flows: FlowTable,
    territory: Territory | None,
    as_of: dt.date,
    study_area: StudyArea | None,
    undated: Undated,
    check_units_known: bool,
    min_flow: float,
    min_share: float,
    out_commuters: pd.Series | None,
    bodies: tuple[str, ...] | None,
    claim: ExitClaim | None,
) -> _Scope:
    registry = for_units(registry, flows.ids)
    problems = check_units(registry, flows.ids) if check_units_known else []
    if problems:
        raise ValidationReport(problems)
    _check_known_bodies(registry, bodies, claim)
    snapshot = registry.as_of(as_of, undated=undated)
    area = study_area or registry_study_area(snapshot, flows.ids)
    inside = [u for u in flows.ids if area.contains(u)]
    if not inside:
        msg = "the study area covers none of the units of the flows"
        raise InputError(msg, field="study_area")
    states = _states(territory, flows)
    everywhere = governance_gaps(
        flows,
        {},
        min_flow=min_flow,
        min_share=min_share,
        states=states,
        out_commuters=out_commuters,
    )
    within = everywhere["unit_a"].isin(inside) & everywhere["unit_b"].isin(inside)
    reached = set(registry_reach(snapshot, inside)[0])
    return _Scope(
        registry,
        snapshot,
        area,
        flows.subset(inside),
        states,
        int((~within).sum()),
        tuple(u for u in inside if u not in reached),
        as_of,
    )


def recommend_actions(
    registry: Registry,
    flows: FlowTable,
    *,
    territory: Territory | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    min_flow: float = 1000,
    min_share: float = 0.05,
    out_commuters: pd.Series | None = None,
    study_area: StudyArea | None = None,
    bodies: tuple[str, ...] | None = None,
    undated: Undated = "assume",
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The actions that would close the gaps, without the rest of the analysis.

    The same study area, gaps and ranking as :func:`analyze_governance`
    (``recommendations``), computed alone (what ``cityregions governance recommend``
    runs).

    Returns
    -------
    table : pandas.DataFrame
        :data:`cityregions.governance.recommend.COLUMNS`.
    info : dict
        ``study_area``, ``units``, ``ties_outside``, ``strong_ties``, ``gaps``,
        ``blocked`` (join candidates left out for legal limits), ``outside_reach``
        (units of the study area that no body of the registry covers) and
        ``warnings``.

    Raises
    ------
    InputError
        A study area that covers no unit, no commuting between any two of its units, or
        an unknown body id in ``bodies``.
    """
    scope = _scope(
        registry,
        flows,
        territory,
        as_of,
        study_area,
        undated,
        False,
        min_flow,
        min_share,
        out_commuters,
        bodies,
        None,
    )
    local = scope.flows
    matrix = local.matrix.tocoo()
    if not (matrix.data[matrix.row != matrix.col] > 0).any():
        msg = (
            f"the flows have no commuting between any two units of the study area "
            f"({scope.area.description}); expected flows between its units"
        )
        raise InputError(msg, source=flows.source, field="study_area")
    gaps = governance_gaps(
        local,
        scope.snapshot.areas(),
        min_flow=min_flow,
        min_share=min_share,
        states=scope.states,
        out_commuters=out_commuters,
        other_areas=scope.snapshot.areas(body_levels=("thematic", "metropolitan")),
    )
    table = _recommendations(scope.registry, scope.snapshot, gaps, scope.states, bodies)
    info = {
        "study_area": scope.area.description,
        "units": len(scope.area),
        "ties_outside": scope.ties_outside,
        "strong_ties": len(gaps),
        "gaps": int(gaps["gap"].sum()) if len(gaps) else 0,
        "blocked": table.attrs.get("blocked_by_law", 0),
        "outside_reach": len(scope.outside_reach),
        "warnings": [w for w in [scope.reach_warning()] if w],
    }
    return table, info


def _registry_claim(registry: Registry) -> ExitClaim | None:
    """The registry's first documented exit claim, as an :class:`ExitClaim`."""
    from cityregions.registry import date_end

    for claim in registry.claims:
        if claim.kind == "exit":
            day = date_end(claim.as_of)
            assert day is not None
            return ExitClaim(claim.body, tuple(claim.centre), day, ";".join(claim.sources))
    return None


def _check_known_bodies(
    registry: Registry, bodies: tuple[str, ...] | None, claim: ExitClaim | None
) -> None:
    known = set(registry.body_ids)
    for body in bodies or ():
        if body not in known:
            msg = f"unknown body id {body!r}; expected the id of a body of the registry"
            raise InputError(msg, field="body")
    if claim is not None:
        if claim.body not in known:
            msg = f"unknown body id {claim.body!r} in the exit claim"
            raise InputError(msg, field="exit_body")
        for actor in claim.centre:
            if actor not in registry.actor_ids:
                msg = f"unknown actor id {actor!r} in the exit claim's centre"
                raise InputError(msg, field="exit_centre")


def _states(territory: Territory | None, flows: FlowTable) -> pd.Series:
    if territory is not None and "state" in territory.units.columns:
        given = territory.units["state"].astype(str)
        return given.reindex(flows.index).fillna(pd.Series(flows.index.str[:2], index=flows.index))
    return pd.Series(flows.index.str[:2], index=flows.index)


def _fit_and_gaps(
    registry: Registry,
    snapshot: Registry,
    flows: FlowTable,
    territory: Territory | None,
    labels: pd.Series | None,
    as_of: dt.date,
    min_flow: float,
    min_share: float,
    states: pd.Series,
    out_commuters: pd.Series | None,
) -> GovernanceAnalysis:
    areas = snapshot.areas()
    whole = snapshot.areas(include_partial=False)
    other = snapshot.areas(body_levels=("thematic", "metropolitan"))
    population = (
        _population_of(territory.subset(list(flows.ids))) if territory is not None else None
    )
    if labels is not None:
        labels = labels.reindex(pd.Index(flows.ids))
    weight = str(population.name) if population is not None else "residents"
    gaps = governance_gaps(
        flows,
        areas,
        min_flow=min_flow,
        min_share=min_share,
        states=states,
        other_areas=other,
        out_commuters=out_commuters,
    )
    gaps.insert(list(gaps.columns).index("other_bodies"), "partial_bodies", _partial(gaps, whole))
    return GovernanceAnalysis(
        as_of=as_of,
        registry=registry,
        actor_metrics=pd.DataFrame(),
        body_metrics=pd.DataFrame(),
        areas=_areas_table(snapshot, areas),
        fit_areas=area_fit(flows, areas, labels, population=population),
        fit_overall=_overall(flows, areas, labels, population),
        gaps=gaps,
        region_gaps=None
        if labels is None
        else region_gaps(flows, labels, areas, min_flow=min_flow, min_share=min_share),
        body_links=body_links(registry),
        fit_regions=None
        if labels is None
        else region_fit(flows, labels, areas, population=population),
        snapshots={},
        coverage_weight=weight,
        flows_provenance=flows.flows_provenance,
    )


def _partial(gaps: pd.DataFrame, whole: dict[str, list[str]]) -> list[str]:
    """Bodies that cover a tie only through a member that is a part of a unit."""
    out = []
    for a, b, shared in zip(gaps["unit_a"], gaps["unit_b"], gaps["shared_bodies"], strict=True):
        bodies = [s for s in str(shared).split(";") if s]
        out.append(";".join(s for s in bodies if not {a, b} <= set(whole.get(s, ()))))
    return out


def _network(
    result: GovernanceAnalysis, snapshot: Registry, n_permutations: int, rng: np.random.Generator
) -> None:
    result.n_permutations = n_permutations
    result.actor_metrics = actor_metrics(snapshot, n_permutations=n_permutations, rng=rng)
    graph = affiliation_graph(snapshot)
    bodies = centralities(graph)
    if "mode" in bodies.columns:
        bodies = bodies[bodies["mode"] == "body"].drop(columns=["mode"])
    result.body_metrics = bodies.rename_axis("body")
    projected = projected_graph(graph, weighting="newman")
    groups = {n: projected.nodes[n].get("state") or "?" for n in projected}
    if projected.number_of_edges():
        result.state_openness = ei_test(
            projected, groups, n_permutations=max(n_permutations, 1), rng=rng
        )


def _history(
    result: GovernanceAnalysis,
    registry: Registry,
    flows: FlowTable,
    min_flow: float,
    min_share: float,
    states: pd.Series,
    first_year: int,
    claim: ExitClaim | None,
) -> None:
    years = range(first_year, max(latest_year(registry), result.as_of.year) + 1)
    yearly = yearly_snapshots(registry, years)
    result.timeline = membership_timeline(registry, yearly)
    result.coverage_timeline = coverage_timeline(
        flows, yearly, min_flow=min_flow, min_share=min_share, states=states
    )
    if claim is not None:
        result.centre_degree = centre_degree(yearly, body=claim.body, centre=claim.centre)
        result.exit_members, result.exit_test = exit_evidence(
            registry, flows, body=claim.body, centre=claim.centre, as_of=claim.as_of
        )
        if result.exit_test is not None:
            result.exit_test["claim_source"] = claim.source


def _recommendations(
    registry: Registry,
    snapshot: Registry,
    gaps: pd.DataFrame,
    states: pd.Series,
    bodies: tuple[str, ...] | None,
) -> pd.DataFrame:
    limits = {
        b.id: BodyLimits(
            tuple(b.member_states) if b.member_states is not None else None, b.membership_fixed
        )
        for b in snapshot.bodies
    }
    joiners: dict[str, str] = {}
    for actor in sorted(registry.actors, key=lambda a: a.id):
        if len(actor.units) == 1 and not actor.units_partial and actor.kind != "state":
            joiners.setdefault(actor.units[0], actor.id)
    return candidate_actions(
        gaps,
        snapshot.areas(),
        {str(k): str(v) for k, v in states.items()},
        limits=limits,
        joiners=joiners,
        bodies=bodies,
    )


def _notes(
    result: GovernanceAnalysis,
    snapshot: Registry,
    registry: Registry,
    flows: FlowTable,
    scope: _Scope,
) -> None:
    area = scope.area
    result.assumptions = pd.DataFrame(
        [a._asdict() for a in snapshot.assumptions],
        columns=["record", "kind", "reason", "included"],
    )
    result.registry_notes = pd.DataFrame(
        [f._asdict() for f in registry_flags(registry)], columns=["record", "field", "message"]
    )
    if result.ties_outside:
        result.warnings.append(
            f"{result.ties_outside} strong ties with an end outside the study area "
            f"({area.description}) are left out"
        )
    if scope.reach_warning():
        result.warnings.append(str(scope.reach_warning()))
    if flows.flows_provenance != "observed":
        result.warnings.append(
            f"flows are {flows.flows_provenance}, not observed: fit and gaps are estimates"
        )
    if result.recommendations.attrs.get("blocked_by_law"):
        n = result.recommendations.attrs["blocked_by_law"]
        result.warnings.append(
            f"{n} join candidates are not proposed: the registry records legal limits"
        )


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
    """Raise a :class:`ValidationReport` if the registry names units the territory lacks.

    The registry's units are first expressed in the territory's ids
    (:func:`cityregions.registry.for_units`: a municipal territory takes the 8-digit
    keys of towns and the municipalities of districts).
    """
    problems = check_units(for_units(registry, territory.ids), territory.ids)
    if problems:
        raise ValidationReport(problems)


__all__ = [
    "DEFAULT_PERMUTATIONS",
    "ExitClaim",
    "GovernanceAnalysis",
    "analyze_governance",
    "check_inputs_known",
    "recommend_actions",
]
