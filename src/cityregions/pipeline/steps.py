"""Run every capability on a case: the pipeline behind ``cityregions demo`` and the report.

The pipeline is a list of *steps* (:data:`STEPS`), each a function
``step(case, results) -> None`` of this module. A step reads the inputs the case names,
calls one analysis, stores its typed result on :class:`~cityregions.pipeline.results.
CaseResults`, writes the result's files below ``results.out_dir`` with the writers of
:mod:`cityregions.io`, and records which inputs are observed and which are modeled with
:meth:`~cityregions.pipeline.results.CaseResults.note_provenance`. This is the only
module that knows the order of the steps; the analyses know nothing of cases or files.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cityregions.pipeline.results import CaseResults, TerritoryResult

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.energy.analysis import EnergyAnalysis
    from cityregions.pipeline.case import Case
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)

Step = Callable[["Case", CaseResults], None]

#: Snapshot dates of the governance actor metrics: the MORO period and after the reform.
GOVERNANCE_SNAPSHOTS = (dt.date(2012, 6, 30), dt.date(2015, 6, 30))
#: Date of the governance fit and gaps when ``case.toml`` gives no ``[registry] as_of``.
GOVERNANCE_AS_OF = dt.date(2015, 6, 30)
#: Scenario folder used when ``case.toml`` has no ``[partnership] scenarios``.
DEFAULT_SCENARIO_FOLDER = "scenarios"


def territory_step(case: Case, results: CaseResults) -> None:
    """Write the units and the flows of the case (``results.territory``).

    Files (``<out>/territory/``): ``units.csv``, ``flows.csv`` and, when the flows know
    their complete totals (``[flows] totals``), ``totals.csv`` (``unit,residents,jobs``:
    what ``cityregions delineate --totals`` reads).
    """
    from cityregions.io.tables import write_table
    from cityregions.io.totals import totals_table

    territory, flows = case.territory, case.flows
    out = results.section_dir("territory")
    write_table(territory.units.reset_index(), out / "units.csv")
    write_table(flows.to_long(), out / "flows.csv")
    results.files += [out / "units.csv", out / "flows.csv"]
    if flows.has_totals:
        write_table(totals_table(flows.residents(), flows.jobs()), out / "totals.csv")
        results.files.append(out / "totals.csv")
    for column, source in territory.provenance.items():
        results.note_provenance("territory", column, "fact", source)
    results.note_provenance("territory", "flows", flows.flows_provenance, _flows_text(case))
    if flows.has_totals:
        totals = case.path("flows", "totals")
        results.note_provenance(
            "territory", "flows beyond the table", flows.flows_provenance,
            f"complete residents and jobs per unit ({totals.name if totals else 'totals'}): "
            "self-containment and shares divide by them",
        )  # fmt: skip
    results.territory = TerritoryResult(
        territory=territory,
        flows=flows,
        summary={
            "units": len(territory),
            **_unit_totals(territory),
            "flows_total": flows.total,
            "flows_provenance": flows.flows_provenance,
        },
    )


def _flows_text(case: Case) -> str:
    """The flows' source, with the case's caveat (``[flows] caveat``) when it has one."""
    caveat = case.flows_caveat
    path = case.path("flows", "file")
    source = path.name if path is not None else case.flows.source  # no local folders
    return source + (f" — {caveat}" if caveat else "")


def _unit_totals(territory: Territory) -> dict[str, float]:
    """Population, employed residents and jobs of the units, each where the units give it.

    The population is always listed, NaN when no unit gives it (never a sum of 0:
    the report shows "not given"); residents and jobs only when given.
    """
    totals = {}
    for column in ("population", "residents", "jobs"):
        values = territory.units[column]
        if column == "population" or values.notna().any():
            totals[column] = float(values.sum(min_count=1))
    return totals


def delineation_step(case: Case, results: CaseResults) -> None:
    """Delineate the case's city regions with LMA, Leiden, FUA (and BBSR); compare them.

    Parameters come from the optional ``[delineation]`` table of ``case.toml``: ``lma``
    (a table of LMA parameters), ``leiden_resolution``, ``fua_cities`` (unit ids),
    ``central_places`` (a file of Oberzentren for BBSR, e.g. ``central_places.csv``); see
    :func:`cityregions.delineation.compare.run_methods` for the defaults.

    Files (``<out>/delineation/``): ``labels.csv`` (``unit,region``, LMA; an empty
    region marks a unit outside every region),
    ``labels_by_method.csv``, ``regions.csv`` (LMA summary), ``regions_<method>.csv``,
    ``quality.csv``, ``comparison.csv``, ``overlap_lma_leiden.csv`` (when Leiden ran). The tables of
    per-region and per-method figures end with a ``flows_provenance`` column.
    """
    from cityregions.delineation.compare import compare_delineations, run_methods
    from cityregions.io.id_lists import read_ids

    config = dict(case.config.get("delineation", {}))
    places = case.path("delineation", "central_places")
    central = None if places is None else read_ids(places, what="central places")
    runs = run_methods(
        case.flows,
        case.territory,
        lma=config.get("lma"),
        leiden_resolution=float(config.get("leiden_resolution", 1.0)),
        fua_cities=config.get("fua_cities"),
        central_places=central,
    )
    result = compare_delineations(case.flows, case.territory, runs, central_places=central)
    _write_delineation(results, result)
    flows = case.flows
    results.note_provenance("delineation", "flows", flows.flows_provenance, flows.source)
    kind = "estimate" if flows.flows_provenance == "observed" else "modeled"
    results.note_provenance(
        "delineation", "labels", kind, f"LMA on {flows.flows_provenance} flows ({flows.source})"
    )
    results.delineation = result


def _write_delineation(results: CaseResults, result: Any) -> None:
    from cityregions.constants import REGION, UNIT
    from cityregions.io.tables import write_table

    out = results.section_dir("delineation")
    labels = result.labels.rename(REGION).rename_axis(UNIT).reset_index()
    files = {
        "labels.csv": labels,
        "labels_by_method.csv": result.labels_by_method.reset_index(),
        "regions.csv": result.regions,
        "comparison.csv": result.comparisons,
        "quality.csv": result.quality,
    }
    if not result.overlap.empty:
        files["overlap_lma_leiden.csv"] = result.overlap
    files |= {f"regions_{m}.csv": t for m, t in result.summaries.items() if m != "lma"}
    for name in ("regions.csv", "quality.csv", *(f"regions_{m}.csv" for m in result.summaries)):
        if name in files:  # figures computed from the flows carry their provenance
            files[name] = files[name].assign(flows_provenance=result.flows_provenance)
    for name, table in files.items():
        write_table(table, out / name, index=False)
        results.files.append(out / name)


def stability_step(case: Case, results: CaseResults) -> None:
    """How stable are the case's city regions? Sweep ``[stability]`` (``results.stability``).

    Reads ``[stability]`` of ``case.toml`` (the step is skipped without it): ``method``
    (``lma``), ``grid`` (a table: parameter → list of values; every combination is a
    setting), ``bootstrap`` (resamples of the flows per setting, 20), ``resampling``
    (``poisson`` or ``multinomial``), ``seed`` (0), ``scheduler`` (``inline``: in this
    process; ``local``: a local Dask cluster; or a scheduler address), ``workers`` and
    ``pairs`` (``[[unit, unit], …]``: headlines "A and B share a region in X % of
    runs"). See :func:`cityregions.delineation.sweep.sweep` and ``docs/sweep.md``.

    Files (``<out>/stability/``): ``runs.csv``, ``coassignment.csv``,
    ``stability.csv``, ``labels/run-NNNN.parquet``
    (:func:`cityregions.io.sweep_files.write_sweep`).
    """
    import numpy as np

    from cityregions.delineation.sweep import sweep
    from cityregions.io.sweep_files import write_sweep

    if "stability" not in case.config:
        logger.info("case %s has no [stability]: stability step skipped", case.name)
        return
    settings = _stability_settings(case)
    flows = case.flows
    result = sweep(
        flows,
        method=settings["method"],
        grid=settings["grid"],
        bootstrap=settings["bootstrap"],
        resampling=settings["resampling"],
        rng=np.random.default_rng(settings["seed"]),
        units=case.territory if settings["method"] in ("fua", "bbsr") else None,
        scheduler=settings["scheduler"],
        n_workers=settings["workers"],
    ).with_pairs(settings["pairs"])
    results.files += write_sweep(result, results.out_dir / "stability")
    results.note_provenance("stability", "flows", flows.flows_provenance, flows.source)
    if result.bootstrap:
        results.note_provenance(
            "stability", "resamples", "modeled",
            f"{result.bootstrap} {result.resampling} resamples of the flows per setting "
            f"(seed {settings['seed']}; docs/sweep.md)",
        )  # fmt: skip
    grid = "; ".join(f"{k}={','.join(map(str, v))}" for k, v in result.grid.items())
    results.note_provenance(
        "stability", "stability", "estimate",
        f"share of {len(result.runs)} {result.method} runs ({grid or 'defaults'}) agreeing "
        f"with the medoid run {result.consensus_run} (case.toml [stability])",
    )  # fmt: skip
    results.stability = result


def _stability_settings(case: Case) -> dict[str, Any]:
    """Return the checked settings of ``[stability]`` (defaults filled in)."""
    from cityregions._distributed import check_scheduler
    from cityregions._errors import InputError

    config = dict(case.config.get("stability", {}))
    where = {"source": case.root / "case.toml", "location": "[stability]"}
    for key, default in (("bootstrap", 20), ("seed", 0)):
        value = config.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            msg = f"expected a whole number of at least 0, got {value!r}"
            raise InputError(msg, field=key, **where)  # type: ignore[arg-type]
        config[key] = value
    grid = config.get("grid", {})
    if not isinstance(grid, dict):
        msg = f"expected a table of parameter = [values], got {grid!r}"
        raise InputError(msg, field="grid", **where)  # type: ignore[arg-type]
    pairs = config.get("pairs", [])
    known = set(case.territory.ids)
    bad = [p for p in pairs if not (isinstance(p, list) and len(p) == 2 and set(p) <= known)]
    if bad:
        msg = f"expected pairs of unit ids of the case, e.g. [['15002', '14713']], got {bad[0]!r}"
        raise InputError(msg, field="pairs", **where)  # type: ignore[arg-type]
    return {
        "method": str(config.get("method", "lma")),
        "grid": {k: v if isinstance(v, list) else [v] for k, v in grid.items()},
        "bootstrap": config["bootstrap"],
        "resampling": str(config.get("resampling", "poisson")),
        "seed": config["seed"],
        "scheduler": check_scheduler(
            str(config.get("scheduler", "inline")), option="case.toml [stability] scheduler"
        ),
        "workers": config.get("workers"),
        "pairs": [(str(a), str(b)) for a, b in pairs],
    }


def governance_step(case: Case, results: CaseResults) -> None:
    """Check and analyse the case's governance registry (``results.governance``).

    Reads ``[registry] path`` of ``case.toml`` (optional ``as_of`` — a date
    ``YYYY-MM-DD``, default ``2015-06-30`` —, ``min_flow``, ``min_share``), the case's
    units and flows, and the functional labels of the delineation step when it ran. The
    brokerage permutation test draws from ``numpy.random.default_rng(0)``. Files: see
    :func:`cityregions.io.result_tables.write_governance`.
    """
    import numpy as np

    from cityregions.governance.analysis import analyze_governance
    from cityregions.io.registry_yaml import read_registry
    from cityregions.io.result_tables import write_governance
    from cityregions.registry import for_units, parse_as_of

    config = case.config.get("registry", {})
    path = case.path("registry", "path")
    if path is None:
        logger.info("case %s has no [registry] path: governance step skipped", case.name)
        return
    as_of = parse_as_of(
        config.get("as_of", GOVERNANCE_AS_OF),
        field="as_of",
        source=case.root / "case.toml",
        location="[registry]",
    )
    # the registry's units expressed in the case's (level's) units: towns with an
    # 8-digit AGS key stand for their municipality, districts for their municipalities
    registry = for_units(read_registry(path), case.territory.ids)
    analysis = analyze_governance(
        registry,
        case.flows,
        territory=case.territory,
        labels=results.delineation.labels if results.delineation is not None else None,
        as_of=as_of,
        snapshots=GOVERNANCE_SNAPSHOTS,
        rng=np.random.default_rng(0),
        min_flow=float(config.get("min_flow", 1000)),
        min_share=float(config.get("min_share", 0.05)),
    )
    results.files += write_governance(analysis, results.section_dir("governance"))
    results.note_provenance("governance", "registry", "fact", str(path))
    results.note_provenance("governance", "flows", case.flows.flows_provenance, case.flows.source)
    results.governance = analysis


def scenario_files(case: Case) -> list[Path]:
    """Scenario files of a case: ``[partnership] scenarios`` or the ``scenarios`` folder."""
    folder = case.path("partnership", "scenarios")
    if folder is None:
        folder = case.root / DEFAULT_SCENARIO_FOLDER
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".toml"))


def partnership_step(case: Case, results: CaseResults) -> None:
    """Evaluate and compare the case's partnership scenarios (``results.partnership``).

    Files: ``members.csv``, ``blocs.csv``, ``summary.csv``, ``wide.csv`` and
    ``assumptions.csv`` (see :func:`cityregions.io.result_tables.write_comparison`).
    Populations are facts (source per member); rules that the sources do not document
    are listed as assumptions and recorded as ``modeled``.
    """
    import numpy as np

    from cityregions.io.result_tables import write_comparison
    from cityregions.io.scenario_files import read_scenario
    from cityregions.partnership.compare import compare_scenarios

    files = scenario_files(case)
    if not files:
        logger.info("no partnership scenarios in %s", case.root)
        return
    comparison = compare_scenarios([read_scenario(f) for f in files], rng=np.random.default_rng(0))
    results.files += write_comparison(comparison, results.section_dir("partnership"))
    for result, path in zip(comparison.results, files, strict=True):
        spec = result.scenario
        sources = sorted({str(m.source) for m in spec.members if m.source})
        results.note_provenance(
            "partnership", f"{spec.name}: population", "fact", "; ".join(sources)
        )
        kind = "modeled" if spec.assumptions else "fact"
        results.note_provenance(
            "partnership", f"{spec.name}: rules", kind, f"scenario file {path.name}"
        )
    results.partnership = comparison


def energy_step(case: Case, results: CaseResults) -> None:
    """Run the bioenergy chain on a case (``results.energy``).

    Reads ``[energy] inputs`` of ``case.toml`` (skipped with a note when absent; the
    other keys are described in :mod:`cityregions.energy.analysis`), uses the labels
    of the delineation step when it ran (else every unit is its own region), the seats
    and areas of the territory (or ``[energy] sites``) for the feedstock logistics, and
    the bioenergy actors of the case's registry. The Monte Carlo draws from
    ``numpy.random.default_rng([energy] seed)`` (default 0).

    Files (``<out>/energy/``): see :mod:`cityregions.io.energy_results`.
    """
    import dataclasses

    import numpy as np

    from cityregions.energy.analysis import run_energy
    from cityregions.energy.coefficients import load_coefficients
    from cityregions.io.energy_inputs import read_energy_inputs, read_sites
    from cityregions.io.energy_results import write_energy

    config = dict(case.config.get("energy", {}))
    path = case.path("energy", "inputs")
    if path is None:
        logger.info("no [energy] inputs in case.toml: energy step skipped")
        return
    inputs = read_energy_inputs(path)
    territory = case.territory
    known = [u for u in inputs.index if u in territory.units.index]
    if len(known) < len(inputs):
        extra = [u for u in inputs.index if u not in territory.units.index]
        logger.warning("energy inputs for units not in the territory ignored: %s", extra[:5])
        inputs = inputs.loc[known]
    labels = results.delineation.labels if results.delineation is not None else None
    if config.get("focus") is not None and str(config["focus"]) not in known:
        from cityregions._errors import InputError

        msg = f"focus {config['focus']!r} is not a unit of the energy inputs"
        raise InputError(
            msg,
            source=case.root / "case.toml",
            location=case.table_location("energy"),
            field="focus",
        )
    sites_path = case.path("energy", "sites")
    seat_columns = [c for c in ("lon", "lat", "area_km2") if c in territory.units]
    seats = territory.units.loc[known, seat_columns]
    analysis = run_energy(
        inputs,
        coefficients=load_coefficients(case.path("energy", "coefficients")),
        labels=labels,
        labels_from="delineation",
        seats=seats,
        sites=read_sites(sites_path, units=known) if sites_path is not None else None,
        cores=config.get("cores"),
        potential_level=_potential_level(config),
        carrier=str(config.get("carrier", "heat")),
        cover_share=config.get("cover_share", "overall"),
        biogas_path=str(config.get("biogas_path", "biogas_chp")),
        solid_path=str(config.get("solid_path", "boiler")),
        full_load_hours=config.get("full_load_hours"),
        focus=None if config.get("focus") is None else str(config["focus"]),
        samples=_energy_count(case, "samples", config.get("samples", 2000), minimum=100),
        rng=np.random.default_rng(_energy_count(case, "seed", config.get("seed", 0), minimum=0)),
    )
    analysis = dataclasses.replace(analysis, actor_network=_actor_network(case))
    results.files += write_energy(analysis, results.section_dir("energy"))
    _energy_provenance(results, inputs, analysis, path.name, labelled=labels is not None)
    results.energy = analysis


def _energy_count(case: Case, key: str, value: Any, *, minimum: int) -> int:
    """``[energy] <key>`` as a whole number of at least ``minimum`` (``samples`` may be 0)."""
    from cityregions._errors import InputError

    allowed = value == 0 and key == "samples"
    if isinstance(value, bool) or not isinstance(value, int) or (value < minimum and not allowed):
        msg = f"expected a whole number of at least {minimum}, got {value!r}"
        if key == "samples":
            msg += " (0: no Monte Carlo)"
        raise InputError(
            msg, source=case.root / "case.toml", location=case.table_location("energy"), field=key
        )
    return value


def _potential_level(config: dict[str, Any]) -> str:
    """``[energy] potential_level`` (``level`` is its old name, read with a warning)."""
    if "level" in config and "potential_level" not in config:
        import warnings

        from cityregions._errors import DataQualityWarning

        warnings.warn(
            "case.toml, [energy]: 'level' is the old name of 'potential_level'; rename the key",
            DataQualityWarning,
            stacklevel=3,
        )
        return str(config["level"])
    return str(config.get("potential_level", "sustainable"))


def _actor_network(case: Case) -> pd.DataFrame | None:
    from cityregions._errors import InputError
    from cityregions.governance.activity import actor_network
    from cityregions.io.registry_yaml import read_registry

    registry_path = case.path("registry", "path")
    if registry_path is None:
        return None
    try:
        return actor_network(read_registry(registry_path))
    except InputError as error:  # a broken registry is the governance step's to report
        logger.warning("bioenergy actor network skipped: %s", error)
        return None


def _energy_provenance(
    results: CaseResults,
    inputs: pd.DataFrame,
    analysis: EnergyAnalysis,
    inputs_name: str,
    *,
    labelled: bool,
) -> None:
    import pandas as pd

    kinds = set(inputs.get("kind", pd.Series(dtype=str)).dropna())
    kind = "estimate" if "estimate" in kinds or not kinds else "observed"
    results.note_provenance(
        "energy",
        "inputs",
        kind,
        f"{inputs_name}: land use and population facts; arable, grassland, cereals and "
        "livestock estimated from state shares where no district statistics exist "
        "(replace with `cityregions energy inputs`)",
    )
    results.note_provenance(
        "energy", "potential", "modeled", "coefficients.toml (FNR, LfL, LWF, …) on the inputs"
    )
    for name in analysis.settings["assumptions"]:
        results.note_provenance("energy", f"coefficient {name}", "estimate", "assumption")
    if analysis.settings["not_found"]:
        results.note_provenance(
            "energy",
            "not_found",
            "assumption",
            ", ".join(analysis.settings["not_found"])
            + ": NOT FOUND in the research notes; the results that need them stay empty",
        )
    results.note_provenance(
        "energy", "demand", "modeled", "per-capita figures of AGEB Energiebilanz 2021 (derived)"
    )
    results.note_provenance(
        "energy",
        "current_use",
        kind,
        "plants in operation per technology (inputs; bundled case: state capacities split by "
        "agricultural area, the rest of MaStR as solid biomass)",
    )
    results.note_provenance(
        "energy",
        "logistics",
        "modeled",
        "linear programme over feedstock tonnes (coefficients: transport costs, distance "
        "caps, road factor); costs by the annuity method at an assumed discount rate",
    )
    # The city regions are as observed or modeled as the delineation that made them.
    labels_kind = next(
        (n.kind for n in results.provenance if (n.section, n.item) == ("delineation", "labels")),
        "modeled",
    )
    results.note_provenance(
        "energy",
        "labels",
        labels_kind if labelled else "fact",
        "delineation labels" if labelled else "each unit its own region",
    )


def levels_step(case: Case, results: CaseResults) -> None:
    """Run the level steps on every further unit level of the case (``results.levels``).

    Each ``[levels.<unit_level>]`` of ``case.toml`` is a case of its own
    (:meth:`~cityregions.pipeline.case.Case.level`): its units and flows, city regions
    and governance fit (the registry's units mapped to the level by
    :func:`cityregions.registry.for_units`) are computed by :data:`LEVEL_STEPS` into a
    :class:`CaseResults` of their own, files below ``<out>/<unit_level>/``.
    """
    for name in case.levels():
        level = case.level(name)
        nested = CaseResults(case=level, out_dir=results.out_dir / name)
        for section, step in LEVEL_STEPS:
            started = time.perf_counter()
            step(level, nested)
            nested.timings[section] = time.perf_counter() - started
        results.levels[name] = nested
        results.files += nested.files
        flows = nested.territory.flows if nested.territory is not None else None
        if flows is not None:
            results.note_provenance(
                "territory", f"flows ({name})", flows.flows_provenance, _flows_text(level)
            )
        logger.info("level %s done in %.1f s", name, sum(nested.timings.values()))


#: The steps that run on a further unit level of a case (:func:`levels_step`).
LEVEL_STEPS: list[tuple[str, Step]] = [
    ("territory", territory_step),
    ("delineation", delineation_step),
    ("governance", governance_step),
]

#: The steps in run order; each sets one attribute of :class:`CaseResults`.
STEPS: list[tuple[str, Step]] = [
    ("territory", territory_step),
    ("delineation", delineation_step),
    ("stability", stability_step),
    ("governance", governance_step),
    ("partnership", partnership_step),
    ("energy", energy_step),
    ("levels", levels_step),
]


def run_case(
    case: Case,
    out_dir: str | Path,
    *,
    steps: list[tuple[str, Step]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> CaseResults:
    """Run the pipeline steps on ``case``, writing outputs below ``out_dir``.

    Parameters
    ----------
    case
        The case to analyse.
    out_dir
        Output folder (created).
    steps
        Steps to run (default :data:`STEPS`).
    on_step
        Called with each section name before its step runs (for progress display).
    """
    from cityregions.io._atomic import check_output_folder

    results = CaseResults(case=case, out_dir=check_output_folder(out_dir))
    results.out_dir.mkdir(parents=True, exist_ok=True)
    for section, step in steps or STEPS:
        if on_step is not None:
            on_step(section)
        started = time.perf_counter()
        step(case, results)
        results.timings[section] = time.perf_counter() - started
        logger.info("%s done in %.1f s", section, results.timings[section])
    return results


__all__ = [
    "STEPS",
    "delineation_step",
    "energy_step",
    "governance_step",
    "levels_step",
    "partnership_step",
    "run_case",
    "scenario_files",
    "stability_step",
    "territory_step",
]
