"""One entry point for every delineation method, and a per-region summary.

::

    result = delineate(flows, method="lma", min_size=1000)
    result.labels            # Series unit → region, one row per unit of the flows

Every method gives labels in one convention: a Series indexed by unit id (``unit``),
region ids as text (``region``), **NaN for a unit outside every region** — the units
an FUA or a Stadtregion leaves out, and the units the LMA algorithm cannot place (its
zero list and units without any link; R's cluster 0). Written as CSV, such a unit has
an empty ``region``.

The methods and their parameters:

==========  ==========================================================================
method      parameters (keyword, default)
==========  ==========================================================================
``lma``     ``profile`` (``istat-2011`` default, ``ons-2015``, ``districts``:
            :data:`~cityregions.delineation.lma.PROFILES`), or ``min_size``,
            ``min_self_containment``, ``target_size``, ``target_self_containment``,
            ``x_equation`` (given ones override the profile), ``parity`` ``"r"`` —
            see :class:`cityregions.delineation.lma.LabourMarketAreas`
``fua``     ``cities`` (None: from the units), ``city_source`` ``"auto"``,
            ``min_density`` 1500, ``min_population`` 50000, ``commuting_share`` 0.15,
            ``polycentric_share`` 0.15, ``contiguity`` True — see
            :class:`~cityregions.delineation.fua.FunctionalUrbanAreas`
``bbsr``    ``central_places`` (required), ``surplus`` ``"strict"``, ``ties``
            ``"exclude"``, thresholds — see
            :class:`~cityregions.delineation.bbsr.Stadtregionen` (needs population,
            area and polygons)
``leiden``  ``objective`` ``"modularity"``, ``resolution`` 1.0, ``directed`` True,
            ``self_loops`` True, ``n_runs`` 1, ``rng`` None (leidenalg seeds 0, 1, …) — see
            :class:`~cityregions.delineation.community.LeidenRegions`
``infomap`` ``level`` 1, ``teleportation_probability`` 0.15, ``self_loops`` True,
            ``n_trials`` 1, ``rng`` None (Infomap seed 123) — see
            :class:`~cityregions.delineation.community.InfomapRegions`
==========  ==========================================================================

Every method takes ``contiguous=True`` (needs polygons): detached pieces of a region
then move to the adjacent region they send most commuters to
(:func:`~cityregions.delineation.contiguity.make_contiguous`); the moves are in
``Delineation.moves``.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from cityregions._errors import InputError, ParameterError
from cityregions.constants import REGION, UNIT
from cityregions.delineation._common import CommuterTotals
from cityregions.flows import FlowTable
from cityregions.labels import normalize_labels
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

Method = Literal["lma", "fua", "bbsr", "leiden", "infomap"]
METHODS: tuple[str, ...] = ("lma", "fua", "bbsr", "leiden", "infomap")
#: Methods that cannot run without unit polygons (FUA only with ``contiguity=True``).
NEEDS_POLYGONS = ("bbsr",)


@dataclass
class Delineation:
    """The result of :func:`delineate`.

    Attributes
    ----------
    method
        Name of the method.
    labels
        Unit → region (str; NaN = outside every region), one entry per unit of the
        flows, index named ``unit``.
    zones
        Unit → zone for core-based methods (FUA: ``city``/``commuting_zone``/
        ``outside``; BBSR: zone names), else None.
    params
        The parameters used (defaults filled in).
    model
        The fitted method object (``LabourMarketAreas``, ``FunctionalUrbanAreas``, …).
    flows_provenance
        Where the flow values come from (``observed``, ``completed`` or ``modeled``).
    moves
        With ``contiguous=True``: one row per unit moved by the contiguity repair
        (:data:`~cityregions.delineation.contiguity.MOVE_COLUMNS`), else None.
    """

    method: str
    labels: pd.Series
    zones: pd.Series | None = None
    params: dict[str, Any] = field(default_factory=dict)
    model: Any = None
    flows_provenance: str = "observed"
    moves: pd.DataFrame | None = None

    def summary(self, flows: FlowTable, units: Territory | None = None) -> pd.DataFrame:
        """Return :func:`region_summary` of this result.

        For LMA a ``validity`` column is added: the X-equation value of each region with
        the parameters used (:func:`cityregions.delineation.lma.validity`).
        """
        table = region_summary(flows, self.labels, units=units, zones=self.zones)
        if self.method == "lma":
            from cityregions.delineation.lma import validity

            thresholds = {k: v for k, v in self.params.items() if k not in ("parity", "contiguous")}
            table["validity"] = validity(
                table["internal"].to_numpy(),
                table["residents"].to_numpy(),
                table["jobs"].to_numpy(),
                **thresholds,
            )
        return table


def delineate(
    flows: FlowTable,
    *,
    method: Method = "lma",
    units: Territory | None = None,
    rng: np.random.Generator | None = None,
    progress: bool = False,
    contiguous: bool = False,
    **params: Any,
) -> Delineation:
    """Delineate functional regions from commuting flows with the named method.

    Parameters
    ----------
    flows
        Commuting flows with internal flows on the diagonal.
    method
        ``"lma"``, ``"fua"``, ``"bbsr"`` or ``"leiden"`` (module table).
    units
        The territory (same units as the flows); needed for FUA city finding and
        contiguity, and for BBSR (population, area, polygons).
    rng
        Randomness of the methods that have any (``leiden``, ``infomap``: see
        :class:`~cityregions.delineation.community.LeidenRegions`); the rule-based
        methods are deterministic and do not use it. ``None`` keeps the fixed seeds.
    progress
        Show a progress bar for long runs (LMA).
    contiguous
        Repair detached pieces of regions afterwards (module notes; needs ``units``
        with polygons).
    **params
        Parameters of the method (module table); unknown names are an error.

    Returns
    -------
    Delineation
        Labels (one per unit), zones, parameters and the fitted model.

    Raises
    ------
    ParameterError
        Unknown method or parameter, or a parameter out of range.
    InputError
        Units that differ from the flows' units, or a method that needs polygons
        given none.

    Examples
    --------
    >>> long = pd.DataFrame({"origin": ["a", "a", "b", "b", "c"],
    ...                      "destination": ["a", "b", "b", "a", "c"],
    ...                      "value": [900, 200, 50, 30, 2000]})
    >>> flows = FlowTable.from_long(long)
    >>> delineate(flows, method="lma", min_size=100, target_size=1000).labels.to_dict()
    {'a': '1', 'b': '1', 'c': nan}

    (``c`` has only internal flows: R's zero list, outside every region.)

    >>> delineate(flows, method="fua", cities=["a"], contiguity=False).labels.to_dict()
    {'a': 'a', 'b': 'a', 'c': nan}
    """
    if method not in METHODS:
        msg = f"unknown method {method!r}; choose one of {', '.join(METHODS)}"
        raise ParameterError(msg)
    if units is not None:
        check_same_units(flows, units)
    if "seed" in params:
        msg = "seed is not a parameter; give rng=numpy.random.default_rng(seed) instead"
        raise ParameterError(msg)
    if contiguous and (units is None or not units.has_polygons):
        msg = "contiguous regions need units with polygons; give --units with polygons"
        raise InputError(msg, source=units.where if units else "--units", field="geometry")
    if method in ("leiden", "infomap"):
        result = _run_community(method, flows, params, rng)
    else:
        runner = {"lma": _run_lma, "fua": _run_fua, "bbsr": _run_bbsr}
        result = runner[method](flows, units, params, progress)
    result.labels = _complete(result.labels, flows)
    if contiguous:
        from cityregions.delineation.contiguity import make_contiguous

        assert units is not None
        repair = make_contiguous(result.labels, flows, units)
        result.labels, result.moves = repair.labels, repair.moves
        result.params["contiguous"] = True
    result.flows_provenance = flows.flows_provenance
    return result


def check_same_units(flows: FlowTable, units: Territory) -> None:
    """Raise if the flows and the unit table do not cover the same units.

    A unit of the table without any flow (no row and no column entry) is also an error:
    it cannot be delineated and usually means mismatched ids.
    """
    table_ids = pd.Index(units.ids)
    only_flows = pd.Index(flows.ids).difference(table_ids)
    only_units = table_ids.difference(pd.Index(flows.ids))
    totals = CommuterTotals.of(flows)
    silent = pd.Index(flows.ids)[(totals.residents + totals.jobs) == 0]
    silent = silent.intersection(table_ids)
    if len(only_flows) or len(only_units) or len(silent):
        missing = only_units.union(silent)
        msg = (
            f"the flows and the units do not match: {len(only_flows)} unit(s) in the flows "
            f"but not in the unit table (e.g. {list(only_flows[:5])}), {len(missing)} "
            f"unit(s) in the unit table without any flow (e.g. {list(missing[:5])})"
        )
        raise InputError(msg, source=units.where, field=UNIT)


def _complete(labels: pd.Series, flows: FlowTable) -> pd.Series:
    """Labels as str on all units of the flows (in flow order); NaN outside every region."""
    full = normalize_labels(labels).reindex(pd.Index(flows.ids, name=UNIT))
    outside = int(full.isna().sum())
    if outside:
        logger.info("%d unit(s) lie outside every region (NaN)", outside)
    return full.rename(REGION)


def _take(cls: type, params: dict[str, Any], method: str) -> dict[str, Any]:
    """Return the parameters of ``cls`` (defaults filled in); unknown names are an error."""
    signature = inspect.signature(cls).parameters.values()
    defaults = {
        p.name: p.default
        for p in signature
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        and p.name not in ("self", "progress", "rng")
    }
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        msg = f"unknown parameter(s) {unknown} for method {method!r}; allowed: {sorted(defaults)}"
        raise ParameterError(msg)
    return {**defaults, **params}


def _run_lma(
    flows: FlowTable, units: Territory | None, params: dict[str, Any], progress: bool
) -> Delineation:
    from cityregions.delineation.lma import PROFILES, LabourMarketAreas

    params = dict(params)
    profile = params.pop("profile", None)
    if profile is not None:
        if profile not in PROFILES:
            msg = f"unknown LMA profile {profile!r}; choose one of {', '.join(PROFILES)}"
            raise ParameterError(msg)
        params = {**PROFILES[profile].as_dict(), **params}
    used = _take(LabourMarketAreas, params, "lma")
    model = LabourMarketAreas(**used, progress=progress).fit(flows)
    return Delineation("lma", model.labels_, None, used, model)


def _run_fua(
    flows: FlowTable, units: Territory | None, params: dict[str, Any], progress: bool
) -> Delineation:
    from cityregions.delineation.fua import FunctionalUrbanAreas

    used = _take(FunctionalUrbanAreas, params, "fua")
    if used["contiguity"] and (units is None or not units.has_polygons):
        msg = (
            "method 'fua' drops exclaves and adds enclaves using unit polygons, but the "
            "units have none; give units with polygons or switch contiguity off"
        )
        raise InputError(msg, source=units.where if units else "units", field="geometry")
    model = FunctionalUrbanAreas(**used).fit(flows, units)
    if isinstance(used.get("cities"), (list, tuple)):
        used["cities"] = list(used["cities"])
    used["city_source"] = model.city_source_
    return Delineation("fua", model.labels_, model.zones_, used, model)


def _run_bbsr(
    flows: FlowTable, units: Territory | None, params: dict[str, Any], progress: bool
) -> Delineation:
    from cityregions.delineation.bbsr import ZONE_NAMES, Stadtregionen

    used = _take(Stadtregionen, params, "bbsr")
    if units is None:
        msg = (
            "method 'bbsr' needs the units: population, area and polygons (adjacency of "
            "centres and Ergänzungsgebiete); give --units as GeoPackage/GeoJSON"
        )
        raise InputError(msg, source="--units", field="population")
    model = Stadtregionen(**used).fit(flows, units)
    zones = model.zones_.map(ZONE_NAMES).rename("zone")
    return Delineation("bbsr", model.labels_, zones, used, model)


def _run_community(
    method: str, flows: FlowTable, params: dict[str, Any], rng: np.random.Generator | None
) -> Delineation:
    from cityregions.delineation.community import InfomapRegions, LeidenRegions

    cls = LeidenRegions if method == "leiden" else InfomapRegions
    used = _take(cls, params, method)
    used.pop("rng", None)
    model = cls(**used, rng=rng).fit(flows)
    if isinstance(model, LeidenRegions):
        used["seeds"] = list(model.seeds_)  # the leidenalg seeds: enough to repeat the run
    else:
        used["seed"] = model.seed_
    return Delineation(method, model.labels_, None, used, model)


def _region_totals(flows: FlowTable, labels: pd.Series) -> tuple[CommuterTotals, list[str]]:
    """Residents, jobs and internal flows per region (units outside form no region).

    Flows are summed with each unit outside every region as a group of its own (named
    by its id, as before NaN labels existed, so that the sums are taken in the same
    order and give the same last digits); those groups are then dropped.
    """
    taken = set(labels.dropna())
    alone = {u: (u if u not in taken else f"unassigned-{u}") for u in labels.index[labels.isna()]}
    grouped = flows.aggregate(labels.fillna(pd.Series(alone, dtype=object)))
    keep = ~np.isin(np.asarray(grouped.ids, dtype=object), list(alone.values()))
    totals = CommuterTotals.of(grouped)
    return (
        CommuterTotals(totals.residents[keep], totals.jobs[keep], totals.internal[keep]),
        [g for g, k in zip(grouped.ids, keep, strict=True) if k],
    )


def region_summary(
    flows: FlowTable,
    labels: pd.Series,
    *,
    units: Territory | None = None,
    zones: pd.Series | None = None,
) -> pd.DataFrame:
    """Return one row per region: size, residents, jobs and self-containment.

    Parameters
    ----------
    flows
        Commuting flows (diagonal included).
    labels
        Unit → region for the units of the flows; NaN (or no entry) = outside every
        region. Such units get no row, but their flows count: a region's residents
        include its people working in them, its jobs the people coming from them.
    units
        Optional territory: adds ``population`` and ``name`` (the name of the member
        with the most jobs, as ``AssignLmaName`` of the R package does; ties: smallest
        id).
    zones
        Optional unit → zone: adds ``zone`` (the zone of the region's main unit).

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``name`` (with units), ``units``, ``main_unit``,
        ``population`` (with units that have it), ``residents`` (employed residents L, incl.
        internal), ``jobs`` (W), ``internal`` (LW, flows within the region),
        ``self_containment_supply`` (LW/L), ``self_containment_demand`` (LW/W),
        ``zone`` (with zones). Sorted by residents, descending, then region.
    """
    labels = _complete(labels, flows)
    totals, regions = _region_totals(flows, labels)
    labels = labels.dropna()
    jobs_by_unit = flows.jobs()
    main = (
        pd.DataFrame(
            {
                REGION: labels.to_numpy(),
                "jobs": jobs_by_unit.reindex(labels.index).to_numpy(),
                UNIT: labels.index.to_numpy(),
            }
        )
        .sort_values([REGION, "jobs", UNIT], ascending=[True, False, True])
        .drop_duplicates(REGION)
        .set_index(REGION)[UNIT]
    )
    index = pd.Index(regions, name=REGION)
    table = pd.DataFrame(index=index)
    table["units"] = labels.value_counts().reindex(index).to_numpy()
    table["main_unit"] = main.reindex(index).to_numpy()
    if units is not None:
        names = units.units["name"]
        table.insert(0, "name", table["main_unit"].map(names).to_numpy())
        population = units.units["population"].reindex(labels.index)
        if population.notna().any():
            table["population"] = population.groupby(labels).sum(min_count=1).reindex(index)
    table["residents"] = totals.residents
    table["jobs"] = totals.jobs
    table["internal"] = totals.internal
    with np.errstate(divide="ignore", invalid="ignore"):
        table["self_containment_supply"] = np.where(
            totals.residents > 0, totals.internal / totals.residents, np.nan
        )
        table["self_containment_demand"] = np.where(
            totals.jobs > 0, totals.internal / totals.jobs, np.nan
        )
    if zones is not None:
        key = pd.Series(index, index=index).where(index.isin(zones.index), table["main_unit"])
        table["zone"] = key.map(zones).to_numpy()
    table = table.reset_index()
    return table.sort_values(["residents", REGION], ascending=[False, True]).reset_index(drop=True)
