"""City regions by several methods, compared: one typed result for the report and exports.

:func:`run_methods` delineates with LMA, Leiden, Infomap, FUA and (with polygons and
central places) BBSR using parameters suited to the units; :func:`compare_delineations`
puts the partitions side by side (per-region summaries, quality measures, ARI and VI
between methods, the overlap of LMA and Leiden) in a :class:`DelineationComparison`.

**Covered units.** FUA and BBSR leave units outside every region (NaN), LMA only the
few it cannot place; Leiden and Infomap none. Comparing a non-exhaustive partition with
an exhaustive one on all units would count every unit outside as a region of its own.
So every measure is computed on *covered* units only: a method's flow modularity and
self-containment on the units it puts in a region (the flows among them), ARI and VI of
a pair of methods on the units in a region of both. The quality table gives the number
of covered units per method (``covered_units``), the comparison table the number of
units compared per pair (``units_compared``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cityregions._errors import CityRegionsError
from cityregions._optional import OptionalDependencyError, install_hint
from cityregions.constants import REGION, UNIT
from cityregions.delineation.api import Delineation, delineate
from cityregions.delineation.lma import DISTRICT_PARAMETERS, ISTAT_2011
from cityregions.labels import (
    adjusted_rand_index,
    overlap_table,
    units_in_both,
    variation_of_information,
)

if TYPE_CHECKING:
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)


def run_methods(
    flows: FlowTable,
    territory: Territory,
    *,
    lma: dict[str, Any] | None = None,
    leiden_resolution: float = 1.0,
    fua_cities: list[str] | None = None,
    central_places: list[str] | None = None,
) -> dict[str, Delineation]:
    """Delineate with LMA, Leiden, Infomap, FUA and (when possible) BBSR.

    Parameters
    ----------
    flows, territory
        Flows with the diagonal, and their units.
    lma
        LMA parameters overriding the defaults:
        :data:`~cityregions.delineation.lma.DISTRICT_PARAMETERS` when every unit is a
        district (``unit_level``), else :data:`~cityregions.delineation.lma.ISTAT_2011`.
    leiden_resolution
        Resolution of the Leiden modularity.
    fua_cities
        Unit ids of the FUA cities; default on districts: the kreisfreie Städte with at
        least 50,000 inhabitants (``type`` column, a choice of this project: the
        official city rule needs municipalities); else the cities the units give
        (:func:`~cityregions.delineation.fua.city_mapping`).
    central_places
        Oberzentren for BBSR (municipal keys; on districts their district-free cities).

    Returns
    -------
    dict
        Method → :class:`~cityregions.delineation.api.Delineation`; FUA and BBSR are
        left out (with a log note) when their inputs are missing, Leiden and Infomap
        when their extras are not installed.
    """
    districts = (territory.units["unit_level"].astype(str) == "district").all()
    defaults = DISTRICT_PARAMETERS if districts else ISTAT_2011
    lma_params = {**defaults.as_dict(), **(lma or {})}
    runs = {"lma": delineate(flows, method="lma", **lma_params)}
    community: dict[str, dict[str, Any]] = {
        "leiden": {"resolution": float(leiden_resolution)},
        "infomap": {},
    }
    for method, params in community.items():
        try:
            runs[method] = delineate(flows, method=method, **params)  # type: ignore[arg-type]
        except OptionalDependencyError as reason:
            logger.info("%s skipped: %s", method.capitalize(), reason)
    cities = fua_cities or (_district_cities(territory) if districts else None)
    try:
        runs["fua"] = delineate(
            flows, method="fua", units=territory, cities=cities, contiguity=territory.has_polygons
        )
    except CityRegionsError as reason:
        logger.info("FUA skipped: %s", reason)
    missing = bbsr_missing(territory, central_places)
    if not missing:
        runs["bbsr"] = delineate(
            flows, method="bbsr", units=territory, central_places=central_places
        )
    else:
        logger.info("BBSR skipped: needs %s", " and ".join(missing))
    return runs


def bbsr_missing(territory: Territory, central_places: list[str] | None) -> list[str]:
    """Return what BBSR Stadtregionen lack on ``territory`` (empty: they can run).

    They need unit polygons (contiguity), population and area of every unit (core,
    density and daytime population criteria) and the central places (Oberzentren).
    The report's "not computed" note names exactly these.

    Examples
    --------
    >>> import pandas as pd
    >>> from cityregions.territory import Territory
    >>> units = Territory.from_frame(pd.DataFrame({"unit": ["a"], "area_km2": [1.0]}))
    >>> bbsr_missing(units, ["a"])
    ['unit polygons', 'population']
    """
    missing = [] if territory.has_polygons else ["unit polygons"]
    for column, word in (("population", "population"), ("area_km2", "area")):
        if territory.units[column].isna().any():
            missing.append(word)
    if not central_places:
        missing.append("central places (Oberzentren)")
    return missing


def _district_cities(territory: Territory) -> list[str] | None:
    """Kreisfreie Städte with at least 50,000 inhabitants, if the units say which."""
    units = territory.units
    if "type" not in units.columns:
        return None
    urban = units["type"].astype(str).str.lower().str.startswith("kreisfreie")
    cities = units.index[(urban & (units["population"] >= 50_000)).to_numpy()]
    return sorted(cities) or None


def compare_methods(labels: dict[str, pd.Series]) -> pd.DataFrame:
    """Return ARI and VI (nats, and normalised by ln n) for every pair of partitions.

    Both are computed on the units that lie in a region of both partitions (a unit
    outside every FUA, say, is not compared); ``units_compared`` gives their number
    :math:`n`. ``regions_a`` and ``regions_b`` count regions, not units outside;
    ``covered_a`` and ``covered_b`` the units in a region of each partition.
    """
    methods = list(labels)
    rows = []
    for i, a in enumerate(methods):
        for b in methods[i + 1 :]:
            rows.append(
                {
                    "method_a": a,
                    "method_b": b,
                    "regions_a": labels[a].nunique(),
                    "regions_b": labels[b].nunique(),
                    "covered_a": int(labels[a].notna().sum()),
                    "covered_b": int(labels[b].notna().sum()),
                    "units_compared": len(units_in_both(labels[a], labels[b])),
                    "ari": adjusted_rand_index(labels[a], labels[b]),
                    "vi": variation_of_information(labels[a], labels[b]),
                    "vi_normalized": variation_of_information(
                        labels[a], labels[b], normalized=True
                    ),
                }
            )
    columns = [
        "method_a",
        "method_b",
        "regions_a",
        "regions_b",
        "covered_a",
        "covered_b",
        "units_compared",
        "ari",
        "vi",
        "vi_normalized",
    ]
    return pd.DataFrame(rows, columns=columns)


def covered_modularity(flows: FlowTable, labels: pd.Series) -> float:
    """Return the directed flow modularity on the units in a region (covered units only).

    .. math::

        Q = \\frac{1}{m}\\sum_c \\left[A_{cc} - \\frac{O_c I_c}{m}\\right]

    with :math:`A` the flow matrix restricted to covered units (diagonal included),
    :math:`A_{cc}` the flows within region :math:`c`, :math:`O_c, I_c` its row and column
    sums within the covered units and :math:`m` their total (Leicht & Newman 2008; R's
    ``Qmodularity`` when every unit is covered). NaN when no unit is covered.

    Examples
    --------
    >>> from cityregions.flows import FlowTable
    >>> long = pd.DataFrame({"origin": ["a", "a", "b", "c", "c"],
    ...                      "destination": ["a", "b", "b", "c", "b"],
    ...                      "value": [6, 2, 8, 5, 1]})
    >>> flows = FlowTable.from_long(long)
    >>> round(covered_modularity(flows, pd.Series({"a": "1", "b": "1", "c": "2"})), 6)
    0.330579
    >>> round(covered_modularity(flows, pd.Series({"a": "1", "b": "1", "c": None})), 6)
    0.0
    """
    aligned = labels.reindex(pd.Index(flows.ids))
    covered = np.flatnonzero(aligned.notna().to_numpy())
    if not len(covered):
        return float("nan")
    codes, _ = pd.factorize(aligned.iloc[covered].astype(str), sort=True)
    k = int(codes.max()) + 1
    member = np.zeros((len(covered), k))
    member[np.arange(len(covered)), codes] = 1.0
    inner = flows.matrix[covered][:, covered].toarray()
    regions = member.T @ inner @ member
    m = float(regions.sum())
    if m == 0:
        return float("nan")
    return float((np.trace(regions) - (regions.sum(axis=1) * regions.sum(axis=0)).sum() / m) / m)


def quality_table(
    flows: FlowTable,
    runs: dict[str, Delineation],
    summaries: dict[str, pd.DataFrame],
    comparisons: pd.DataFrame,
) -> pd.DataFrame:
    """Return one row of quality figures per method, all on covered units.

    ``regions`` and ``singletons`` count regions; ``covered_units`` the units in a
    region, ``units_outside`` the others (FUA, BBSR, LMA's unplaced units). Flow
    modularity (:func:`covered_modularity`) is computed on the covered units only, the
    self-containment of the regions as in the summaries; ARI and VI against LMA on the
    units in a region of both.
    """
    rows = []
    for method, run in runs.items():
        table = summaries[method]
        against = comparisons[
            (comparisons["method_a"] == "lma") & (comparisons["method_b"] == method)
        ]
        rows.append(
            {
                "method": method,
                "regions": len(table),
                "singletons": int((table["units"] == 1).sum()),
                "covered_units": int(run.labels.notna().sum()),
                "units_outside": int(run.labels.isna().sum()),
                "modularity": covered_modularity(flows, run.labels),
                "sc_supply_mean": table["self_containment_supply"].mean(),
                "sc_supply_min": table["self_containment_supply"].min(),
                "sc_demand_mean": table["self_containment_demand"].mean(),
                "sc_demand_min": table["self_containment_demand"].min(),
                "ari_vs_lma": _against(method, against, "ari", same=1.0),
                "vi_vs_lma": _against(method, against, "vi", same=0.0),
            }
        )
    return pd.DataFrame(rows)


def _against(method: str, against: pd.DataFrame, column: str, *, same: float) -> float:
    """The measure against LMA: ``same`` for LMA itself, NaN when LMA did not run."""
    if method == "lma":
        return same
    return float(against[column].iloc[0]) if len(against) else float("nan")


def compare_runs(
    flows: FlowTable, runs: dict[str, Delineation], *, units: Territory | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the quality table (one row per method) and the pairwise comparison.

    Both on covered units only (module notes): ``covered_units`` per method in the
    first, ``covered_a``, ``covered_b`` and ``units_compared`` per pair in the second.
    This is what ``cityregions delineate --compare`` prints and writes.
    """
    summaries = {method: run.summary(flows, units) for method, run in runs.items()}
    comparisons = compare_methods({method: run.labels for method, run in runs.items()})
    return quality_table(flows, runs, summaries, comparisons), comparisons


def _labels_by_method(territory: Territory, runs: dict[str, Delineation]) -> pd.DataFrame:
    table = pd.DataFrame({"name": territory.units["name"]})
    for method, run in runs.items():
        table[method] = run.labels.reindex(table.index)
        if run.zones is not None:
            table[f"{method}_zone"] = run.zones.reindex(table.index)
    return table.rename_axis(UNIT)


def _as_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items() if v is not None)


def _headline(
    runs: dict[str, Delineation], flows: FlowTable, bbsr_needs: list[str] | None = None
) -> dict[str, Any]:
    method = "lma" if "lma" in runs else next(iter(runs))
    headline: dict[str, Any] = {"method": method, "flows": flows.flows_provenance}
    for method, run in runs.items():
        headline[f"regions_{method}"] = int(run.labels.nunique())
    if "bbsr" not in runs:
        needs = bbsr_needs or ["unit polygons", "central places (Oberzentren)"]
        headline["bbsr"] = "not run: needs " + " and ".join(needs)  # what is missing
    if "fua" not in runs:
        headline["fua"] = "not run: needs [delineation] fua_cities or population and area"
    for method in ("leiden", "infomap"):
        if method not in runs:
            headline[method] = f"not run: needs the {method} extra ({install_hint(method)})"
    return headline


@dataclass
class DelineationComparison:
    """City regions by several methods, compared (see :func:`compare_delineations`).

    Attributes
    ----------
    labels
        Unit → region of the **LMA** partition (the one other analyses use); NaN =
        outside every region.
    region_names
        Region → name of its member with the most jobs.
    regions
        LMA per-region summary (:func:`~cityregions.delineation.api.region_summary`).
    labels_by_method
        Per unit: ``name``, ``lma``, ``leiden``, ``fua``, ``fua_zone`` (``bbsr``,
        ``bbsr_zone`` when run).
    summaries
        Method → per-region summary.
    quality
        Per method: regions, singletons, covered units (in a region) and units outside
        every region, flow modularity Q on the covered units, mean/min
        self-containment (supply, demand), ARI and VI (nats) against LMA on the units
        in a region of both.
    comparisons
        Per pair of methods: ``ari``, ``vi``, ``vi_normalized``, region counts and
        ``units_compared`` (the units in a region of both, on which ARI and VI are
        computed).
    overlap
        :func:`~cityregions.labels.overlap_table` of LMA vs Leiden, weighted by
        population.
    params
        Method → parameters as text.
    summary
        Headline figures (method, counts, flows provenance, methods not run).
    flows_provenance, flows_source
        Where the flows behind every figure come from.
    """

    labels: pd.Series
    region_names: pd.Series | None
    regions: pd.DataFrame
    labels_by_method: pd.DataFrame
    summaries: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    comparisons: pd.DataFrame
    overlap: pd.DataFrame
    params: dict[str, str]
    summary: dict[str, Any]
    flows_provenance: str = "observed"
    flows_source: str = ""


def compare_delineations(
    flows: FlowTable,
    territory: Territory,
    runs: dict[str, Delineation],
    *,
    central_places: list[str] | None = None,
) -> DelineationComparison:
    """Compare the partitions of ``runs``; the primary one is ``lma`` (else the first).

    The overlap table compares the primary partition with ``leiden`` when both ran
    (else it is empty); a partition given by the user can be compared as a run of its
    own (``Delineation(method="given", labels=...)``).

    Examples
    --------
    >>> from cityregions.pipeline.case import bundled_case_path, load_case
    >>> case = load_case(bundled_case_path())
    >>> runs = run_methods(case.flows, case.territory)
    >>> result = compare_delineations(case.flows, case.territory, runs)
    >>> result.quality["method"].iloc[0], int(result.quality["regions"].iloc[0])
    ('lma', 19)
    """
    key = "lma" if "lma" in runs else next(iter(runs))
    primary = runs[key]
    summaries = {m: r.summary(flows, territory) for m, r in runs.items()}
    comparisons = compare_methods({m: r.labels for m, r in runs.items()})
    if "leiden" in runs and key != "leiden":
        weights = territory.units["population"].fillna(0)
        overlap = overlap_table(primary.labels, runs["leiden"].labels, weights=weights)
    else:
        overlap = pd.DataFrame()
    names = summaries[key].set_index(REGION)["name"] if "name" in summaries[key] else None
    return DelineationComparison(
        labels=primary.labels,
        region_names=names,
        regions=summaries[key],
        labels_by_method=_labels_by_method(territory, runs),
        summaries=summaries,
        quality=quality_table(flows, runs, summaries, comparisons),
        comparisons=comparisons,
        overlap=overlap,
        params={m: _as_text(r.params) for m, r in runs.items()},
        summary=_headline(runs, flows, bbsr_missing(territory, central_places)),
        flows_provenance=flows.flows_provenance,
        flows_source=flows.source,
    )
