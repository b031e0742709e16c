"""Pipeline step ``delineation``: city regions of a case by several methods, compared.

Run by ``cityregions demo`` and the report (see :mod:`cityregions.workflow`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pandas as pd

from cityregions.constants import REGION, UNIT
from cityregions.delineation.api import Delineation, delineate
from cityregions.delineation.community import flow_modularity
from cityregions.partitions import adjusted_rand_index, overlap_table, variation_of_information

if TYPE_CHECKING:
    from cityregions.case import Case
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory
    from cityregions.workflow import CaseResults

logger = logging.getLogger(__name__)

SECTION = "delineation"

#: LMA parameters for districts (Kreise). Sizes are employed residents: every German
#: district has more than 10,000, so the ISTAT sizes (1,000 / 10,000), made for
#: municipalities, would never bind. With these a region of fewer than 25,000 workers
#: is valid only if fully self-contained, one of 25,000 needs a self-containment of
#: 0.75, and from 100,000 workers 0.6667 suffices (hyperbolic in between).
DISTRICT_LMA = {
    "min_size": 25_000,
    "min_self_containment": 0.6667,
    "target_size": 100_000,
    "target_self_containment": 0.75,
}
#: The ISTAT 2011 parameters, for municipalities.
ISTAT_LMA = {
    "min_size": 1_000,
    "min_self_containment": 0.6667,
    "target_size": 10_000,
    "target_self_containment": 0.75,
}


def delineation_step(case: Case, results: CaseResults) -> None:
    """Delineate the case's city regions with LMA, Leiden, FUA (and BBSR) and compare them.

    Parameters come from the optional ``[delineation]`` table of ``case.toml``
    (``lma`` = a table of LMA parameters, ``leiden_resolution``, ``fua_cities`` = list
    of unit ids); without it, district-level LMA parameters (:data:`DISTRICT_LMA`) are
    used when the units are districts, else the ISTAT ones; FUA cities are the
    kreisfreie Städte with ≥ 50,000 inhabitants (``type`` column) or, failing that, the
    units found by density. BBSR runs only when the units have polygons.

    Section keys (``results.sections["delineation"]``):

    * ``labels`` — Series unit → region of the **LMA** partition (the one other steps
      use; unassigned units keep their own id);
    * ``region_names`` — Series region → name of its member with the most jobs;
    * ``regions`` — DataFrame, LMA per-region summary
      (:func:`~cityregions.delineation.api.region_summary`);
    * ``labels_by_method`` — DataFrame per unit: ``name``, ``lma``, ``leiden``,
      ``fua``, ``fua_zone`` (``bbsr``, ``bbsr_zone`` when run);
    * ``summaries`` — dict method → per-region summary DataFrame;
    * ``quality`` — DataFrame per method: regions, singletons, flow modularity Q,
      mean/min self-containment (supply, demand), ARI and VI (nats) against LMA;
    * ``comparisons`` — DataFrame per pair of methods: ``ari``, ``vi``,
      ``vi_normalized``, region counts;
    * ``overlap`` — :func:`~cityregions.partitions.overlap_table` of LMA vs Leiden,
      weighted by population;
    * ``params`` — dict method → parameters as text;
    * ``provenance`` — dict: ``flows`` (observed/modeled), ``flows_source``;
    * ``summary`` — dict of headline figures (method, counts, provenance).

    Files (in ``<out>/delineation/``): ``labels.csv`` (``unit,region``, LMA),
    ``labels_by_method.csv``, ``regions.csv`` (LMA summary), ``regions_<method>.csv``,
    ``quality.csv``, ``comparison.csv``, ``overlap_lma_leiden.csv``. The files of
    per-region and per-method figures end with a ``flows_provenance`` column
    (``observed`` or ``modeled``), as the figures come from the flows.
    """
    territory, flows = case.territory, case.flows
    config = dict(case.config.get(SECTION, {}))
    runs = _run_methods(flows, territory, config)
    primary = runs["lma"]
    summaries = {m: r.summary(flows, territory) for m, r in runs.items()}
    comparisons = compare_methods({m: r.labels for m, r in runs.items()})
    quality = quality_table(flows, runs, summaries, comparisons)
    by_method = _labels_by_method(territory, runs)
    overlap = overlap_table(
        primary.labels, runs["leiden"].labels, weights=territory.units["population"].fillna(0)
    )
    names = summaries["lma"].set_index(REGION)["name"] if "name" in summaries["lma"] else None
    section: dict[str, Any] = {
        "labels": primary.labels,
        "region_names": names,
        "regions": summaries["lma"],
        "labels_by_method": by_method,
        "summaries": summaries,
        "quality": quality,
        "comparisons": comparisons,
        "overlap": overlap,
        "params": {m: _as_text(r.params) for m, r in runs.items()},
        "provenance": {"flows": flows.provenance, "flows_source": flows.source},
        "summary": _headline(runs, flows, config),
    }
    _write(results, section, summaries)
    results.note_provenance(SECTION, "flows", flows.provenance, flows.source)
    kind = "modeled" if flows.provenance == "modeled" else "estimate"
    results.note_provenance(
        SECTION, "labels", kind, f"LMA on {flows.provenance} flows ({flows.source})"
    )
    results.sections[SECTION] = section


def _run_methods(
    flows: FlowTable, territory: Territory, config: dict[str, Any]
) -> dict[str, Delineation]:
    districts = (territory.units["level"].astype(str) == "district").all()
    lma_params = {**(DISTRICT_LMA if districts else ISTAT_LMA), **config.get("lma", {})}
    runs = {
        "lma": delineate(flows, method="lma", **lma_params),
        "leiden": delineate(
            flows, method="leiden", resolution=float(config.get("leiden_resolution", 1.0))
        ),
    }
    cities = config.get("fua_cities") or _district_cities(territory)
    has_size = territory.units[["population", "area_km2"]].notna().all().all()
    if cities is not None or has_size:
        runs["fua"] = delineate(
            flows,
            method="fua",
            units=territory,
            cities=cities,
            contiguity=territory.has_polygons,
        )
    else:
        logger.info("FUA skipped: no city ids given and the units lack population or area")
    if territory.has_polygons and territory.units[["population", "area_km2"]].notna().all().all():
        runs["bbsr"] = delineate(flows, method="bbsr", units=territory)
    else:
        logger.info("BBSR Stadtregionen skipped: the units have no polygons")
    return runs


def _district_cities(territory: Territory) -> list[str] | None:
    """Kreisfreie Städte with at least 50,000 inhabitants, if the units say which."""
    units = territory.units
    if "type" not in units.columns:
        return None
    urban = units["type"].astype(str).str.lower().str.startswith("kreisfreie")
    cities = units.index[(urban & (units["population"] >= 50_000)).to_numpy()]
    return sorted(cities) or None


def compare_methods(labels: dict[str, pd.Series]) -> pd.DataFrame:
    """Return ARI and VI (nats, and normalised by ln n) for every pair of partitions."""
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
                    "ari": adjusted_rand_index(labels[a], labels[b]),
                    "vi": variation_of_information(labels[a], labels[b]),
                    "vi_normalized": variation_of_information(
                        labels[a], labels[b], normalized=True
                    ),
                }
            )
    return pd.DataFrame(rows)


def quality_table(
    flows: FlowTable,
    runs: dict[str, Delineation],
    summaries: dict[str, pd.DataFrame],
    comparisons: pd.DataFrame,
) -> pd.DataFrame:
    """Return one row of quality figures per method (same measures for every method)."""
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
                "modularity": flow_modularity(flows, run.labels),
                "sc_supply_mean": table["self_containment_supply"].mean(),
                "sc_supply_min": table["self_containment_supply"].min(),
                "sc_demand_mean": table["self_containment_demand"].mean(),
                "sc_demand_min": table["self_containment_demand"].min(),
                "ari_vs_lma": float(against["ari"].iloc[0]) if len(against) else 1.0,
                "vi_vs_lma": float(against["vi"].iloc[0]) if len(against) else 0.0,
            }
        )
    return pd.DataFrame(rows)


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
    runs: dict[str, Delineation], flows: FlowTable, config: dict[str, Any]
) -> dict[str, Any]:
    headline: dict[str, Any] = {"method": "lma", "flows": flows.provenance}
    for method, run in runs.items():
        headline[f"regions_{method}"] = int(run.labels.nunique())
    if "bbsr" not in runs:
        headline["bbsr"] = "not run: needs unit polygons (and municipalities)"
    if "fua" not in runs:
        headline["fua"] = "not run: needs [delineation] fua_cities or population and area"
    return headline


def _write(
    results: CaseResults, section: dict[str, Any], summaries: dict[str, pd.DataFrame]
) -> None:
    from cityregions.io.tables import write_table

    out = results.section_dir(SECTION)
    labels = section["labels"].rename(REGION).rename_axis(UNIT).reset_index()
    files = {
        "labels.csv": labels,
        "labels_by_method.csv": section["labels_by_method"].reset_index(),
        "regions.csv": section["regions"],
        "comparison.csv": section["comparisons"],
        "quality.csv": section["quality"],
        "overlap_lma_leiden.csv": section["overlap"],
    }
    files |= {f"regions_{m}.csv": t for m, t in summaries.items() if m != "lma"}
    provenance = section["provenance"]["flows"]
    for name in ("regions.csv", "quality.csv", *(f"regions_{m}.csv" for m in summaries)):
        if name in files:  # figures computed from the flows carry their provenance
            files[name] = files[name].assign(flows_provenance=provenance)
    for name, table in files.items():
        write_table(table, out / name, index=False)
        results.files.append(out / name)
