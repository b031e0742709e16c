"""``cityregions delineate``: functional regions from a flow table, as ``unit,region``.

A thin layer over :func:`cityregions.delineation.api.delineate`: read the inputs, check
them, run the method, then write every output (nothing is written when anything fails
before). Bad input ends with one message and exit code 2.
"""

from __future__ import annotations

import logging
import warnings
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import InputError, ParameterError
from cityregions.cli._inputs import parse_id_list, parse_sheet, prepare_flows
from cityregions.cli._options import (
    AllowNoDiagonalOption,
    FlowsProvenanceName,
    MethodName,
    SumDuplicatesOption,
    TotalsOption,
)
from cityregions.constants import LMA_ISTAT_2011

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.delineation.api import Delineation
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)
console = Console(stderr=True)


class Parity(StrEnum):
    """LMA parity modes."""

    r = "r"
    clean = "clean"


class Profile(StrEnum):
    """Named LMA parameter profiles (cityregions.constants.LMA_PROFILES)."""

    istat_2011 = "istat-2011"
    ons_2015 = "ons-2015"
    districts = "districts"


class CitySource(StrEnum):
    """Where FUA cities come from."""

    auto = "auto"
    given = "given"
    degurba = "degurba"
    urban_centre_share = "urban_centre_share"
    density = "density"


class Surplus(StrEnum):
    """BBSR in-commuter surplus reading."""

    strict = "strict"
    ratio = "ratio"


class Ties(StrEnum):
    """BBSR reading of tied flows and shares."""

    exclude = "exclude"
    smallest_id = "smallest_id"


class Objective(StrEnum):
    """Leiden objectives."""

    modularity = "modularity"
    cpm = "cpm"


TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


def _check_outputs(
    out: Path, summary: Path | None, gpkg: Path | None, *, inputs: list[Path | None]
) -> None:
    """Check suffixes and that every output can be written, before any work is done."""
    from cityregions.io._atomic import check_distinct, check_output_file

    for path, label in ((out, "--out"), (summary, "--summary")):
        if path is not None and path.suffix.lower() not in TABLE_SUFFIXES:
            msg = f"{label} must end in .csv, .tsv or .parquet"
            raise InputError(msg, source=path)
    if gpkg is not None and gpkg.suffix.lower() != ".gpkg":
        msg = "--gpkg must end in .gpkg"
        raise InputError(msg, source=gpkg)
    named = [(p, o) for p, o in ((out, "--out"), (summary, "--summary"), (gpkg, "--gpkg")) if p]
    check_distinct([path for path, _ in named], inputs)
    for path, option in named:
        check_output_file(path, option=option)


#: The options of each method (an option may belong to several).
OWNERS: dict[str, tuple[str, ...]] = {
    "lma": (
        "profile",
        "min_size",
        "min_self_containment",
        "target_size",
        "target_self_containment",
        "parity",
    ),
    "fua": (
        "cities",
        "city_source",
        "min_density",
        "min_population",
        "commuting_share",
        "polycentric_share",
        "contiguity",
    ),
    "bbsr": ("central_places", "surplus", "ties"),
    "leiden": ("objective", "resolution", "directed", "self_loops", "n_runs", "seed"),
    "infomap": ("level", "teleportation_probability", "self_loops", "seed"),
}


def _method_params(
    method: MethodName, options: dict[str, Any], *, also: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Keep the options that belong to ``method``; reject options of no method in use.

    ``also`` names further methods in use (``--compare``), whose options are allowed.
    """
    used = (method.value, *also)
    params: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if not any(name in OWNERS[m] for m in used):
            owner = next(m for m, names in OWNERS.items() if name in names)
            flag = "--" + name.replace("_", "-")
            listed = "', '".join(used)
            msg = f"option {flag} belongs to method '{owner}', not '{listed}'"
            raise ParameterError(msg)
        if name in OWNERS[method.value]:
            params[name] = value
    return params


def delineate(
    flows_file: Annotated[Path, typer.Argument(help="Flow table origin,destination,value.")],
    out: Annotated[Path, typer.Option("--out", help="Labels file unit,region (.csv).")],
    method: Annotated[MethodName, typer.Option("--method", help="Method.")] = MethodName.lma,
    units_file: Annotated[
        Path | None, typer.Option("--units", help="Unit table or GeoPackage/GeoJSON.")
    ] = None,
    polygons: Annotated[
        Path | None,
        typer.Option("--polygons", help="Polygons (GeoJSON/GeoPackage) keyed by unit id."),
    ] = None,
    layer: Annotated[
        str | None,
        typer.Option("--layer", help="Layer of a multi-layer --units file, e.g. vg250_krs."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of a FLOWS workbook [the first].")
    ] = None,
    summary: Annotated[
        Path | None, typer.Option("--summary", help="Per-region summary (.csv).")
    ] = None,
    gpkg: Annotated[
        Path | None, typer.Option("--gpkg", help="GeoPackage with units and regions layers.")
    ] = None,
    totals: TotalsOption = None,
    allow_no_diagonal: AllowNoDiagonalOption = False,
    flows_provenance: Annotated[
        FlowsProvenanceName,
        typer.Option(
            "--flows-provenance",
            "--provenance",
            help="Where the flow values come from (--provenance is the old name).",
        ),
    ] = FlowsProvenanceName.observed,
    sum_duplicates: SumDuplicatesOption = False,
    min_size: Annotated[
        float | None,
        typer.Option("--min-size", help=f"LMA minimum size [{LMA_ISTAT_2011.min_size:g}]."),
    ] = None,
    min_self_containment: Annotated[
        float | None,
        typer.Option(
            "--min-self-containment",
            help=f"LMA minimum self-containment [{LMA_ISTAT_2011.min_self_containment:g}].",
        ),
    ] = None,
    target_size: Annotated[
        float | None,
        typer.Option("--target-size", help=f"LMA target size [{LMA_ISTAT_2011.target_size:g}]."),
    ] = None,
    target_self_containment: Annotated[
        float | None,
        typer.Option(
            "--target-self-containment",
            help=f"LMA target self-containment [{LMA_ISTAT_2011.target_self_containment:g}].",
        ),
    ] = None,
    parity: Annotated[Parity | None, typer.Option("--parity", help="LMA mode \\[r].")] = None,
    cities: Annotated[
        str | None, typer.Option("--cities", help="FUA city ids: a,b,c or @file.")
    ] = None,
    min_density: Annotated[
        float | None, typer.Option("--min-density", help="FUA city density [1500].")
    ] = None,
    min_population: Annotated[
        float | None, typer.Option("--min-population", help="FUA city population [50000].")
    ] = None,
    commuting_share: Annotated[
        float | None, typer.Option("--commuting-share", help="FUA commuting share [0.15].")
    ] = None,
    polycentric_share: Annotated[
        float | None, typer.Option("--polycentric-share", help="FUA merge share [0.15].")
    ] = None,
    no_contiguity: Annotated[
        bool, typer.Option("--no-contiguity", help="FUA: skip enclaves/exclaves.")
    ] = False,
    central_places: Annotated[
        str | None,
        typer.Option(
            "--central-places",
            help="BBSR Oberzentren (required): a,b or @file (CSV with a unit column).",
        ),
    ] = None,
    objective: Annotated[
        Objective | None, typer.Option("--objective", help="Leiden objective \\[modularity].")
    ] = None,
    resolution: Annotated[
        float | None, typer.Option("--resolution", help="Leiden resolution [1.0].")
    ] = None,
    undirected: Annotated[
        bool, typer.Option("--undirected", help="Leiden: symmetrise the flows.")
    ] = False,
    no_self_loops: Annotated[
        bool, typer.Option("--no-self-loops", help="Leiden: drop internal flows.")
    ] = False,
    runs: Annotated[int | None, typer.Option("--runs", help="Leiden runs [1].")] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Leiden: seed of the random numbers \\[none: leidenalg seeds 0, 1, …]."
        ),
    ] = None,
    profile: Annotated[
        Profile | None,
        typer.Option(
            "--profile",
            help="LMA profile: istat-2011 (1000/0.6667/10000/0.75), ons-2015 "
            "(3500/0.6667/25000/0.75, linear trade-off), districts; given thresholds override.",
        ),
    ] = None,
    city_source: Annotated[
        CitySource | None,
        typer.Option(
            "--city-source",
            help="FUA cities from: auto (--cities, else a degurba column, else "
            "urban_centre_share, else density with a warning), or one of them.",
        ),
    ] = None,
    surplus: Annotated[
        Surplus | None,
        typer.Option(
            "--surplus", help="BBSR in-commuter surplus: strict (in > out) or ratio (in/out ≥ 1)."
        ),
    ] = None,
    ties: Annotated[
        Ties | None,
        typer.Option(
            "--ties", help="BBSR tied flows/shares: exclude (conservative) or smallest_id."
        ),
    ] = None,
    level: Annotated[
        int | None,
        typer.Option("--level", help="Infomap module level: 1 top, 2, …; -1 finest [1]."),
    ] = None,
    teleportation: Annotated[
        float | None,
        typer.Option("--teleportation", help="Infomap teleportation probability [0.15]."),
    ] = None,
    contiguous: Annotated[
        bool,
        typer.Option(
            "--contiguous",
            help="Any method: move each detached piece of a region to the adjacent region "
            "it sends most commuters to (needs polygons); every move is listed.",
        ),
    ] = False,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="Also run these methods (a,b,…) and compare them with --method on covered "
            "units (ARI, VI, modularity, covered units per method).",
        ),
    ] = None,
    comparison: Annotated[
        Path | None,
        typer.Option("--comparison", help="With --compare: write the pairwise table (.csv)."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Delineate functional regions from commuting flows and write unit,region.

    A unit outside every region (outside every FUA or Stadtregion, or one the LMA
    algorithm cannot place) gets an empty region. The LMA thresholds default to the
    Istat 2011 ones.
    """
    import numpy as np

    from cityregions.delineation.api import check_same_units
    from cityregions.delineation.api import delineate as run
    from cityregions.geometry import region_layers
    from cityregions.io.tables import read_flows, read_units

    _check_outputs(out, summary, gpkg, inputs=[flows_file, units_file, polygons, totals])
    others = _compare_methods(compare, comparison, method)
    options = {
            "min_size": min_size,
            "min_self_containment": min_self_containment,
            "target_size": target_size,
            "target_self_containment": target_self_containment,
            "parity": parity.value if parity else None,
            "profile": profile.value if profile else None,
            "cities": parse_id_list(cities, what="cities"),
            "city_source": city_source.value if city_source else None,
            "min_density": min_density,
            "min_population": min_population,
            "commuting_share": commuting_share,
            "polycentric_share": polycentric_share,
            "contiguity": False if no_contiguity else None,
            "central_places": parse_id_list(central_places, what="central places"),
            "surplus": surplus.value if surplus else None,
            "ties": ties.value if ties else None,
            "level": level,
            "teleportation_probability": teleportation,
            "objective": objective.value if objective else None,
            "resolution": resolution,
            "directed": False if undirected else None,
            "self_loops": False if no_self_loops else None,
            "n_runs": runs,
            "seed": seed,
    }  # fmt: skip
    params = _method_params(method, options, also=others)
    given_seed = params.pop("seed", None)
    rng = None if given_seed is None else np.random.default_rng(given_seed)
    if polygons is not None and units_file is None:
        msg = "--polygons needs --units (the unit table they belong to)"
        raise InputError(msg, source=polygons)
    if layer is not None and units_file is None:
        msg = "--layer needs --units (the vector file it is a layer of)"
        raise InputError(msg, source=layer)
    units = None
    if units_file is not None:
        units = read_units(units_file, polygons=polygons, layer=layer)
    if gpkg is not None and (units is None or not units.has_polygons):
        msg = "--gpkg needs --units with polygons (GeoPackage, GeoJSON or a polygons file)"
        raise InputError(msg, source=units_file or "--units", field="geometry")
    with warnings.catch_warnings(record=True) as said:  # said again below, unless refused
        warnings.simplefilter("always")
        flows = read_flows(
            flows_file,
            units=units,
            flows_provenance=flows_provenance.value,  # type: ignore[arg-type]
            sum_duplicates=sum_duplicates,
            sheet=parse_sheet(sheet),
        )
    if units is not None:
        check_same_units(flows, units)
    flows = prepare_flows(flows, flows_file, totals=totals, allow_no_diagonal=allow_no_diagonal)
    for warning in said:
        warnings.warn(warning.message, warning.category, stacklevel=1)
    result = run(
        flows, method=method.value, units=units, rng=rng, progress=progress,
        contiguous=contiguous, **params,
    )  # fmt: skip
    _report_moves(result.moves)
    pairs = None
    if others:
        pairs = _compare(flows, units, result, others, options, seed=seed, contiguous=contiguous)
    # Per-region figures come from the flows: say in every row whether they are modeled.
    table = result.summary(flows, units).assign(flows_provenance=flows.flows_provenance)
    layers = None
    if gpkg is not None and units is not None:
        layers = region_layers(units, result.labels, table, zones=result.zones)
    labels = result.labels.rename_axis("unit").reset_index()
    extra = {comparison: pairs} if comparison is not None and pairs is not None else {}
    _write_outputs(
        labels, out, table=table, summary=summary, layers=layers, gpkg=gpkg, tables=extra
    )
    outside = int(result.labels.isna().sum())
    console.print(
        f"{method.value}: {len(table)} regions for {len(result.labels)} units"
        + (f", {outside} outside every region" if outside else "")
        + f" ({flows.flows_provenance} flows) → {out}"
    )


def _compare_methods(
    compare: str | None, comparison: Path | None, method: MethodName
) -> tuple[str, ...]:
    """The methods of ``--compare`` besides ``--method``; check ``--comparison`` first."""
    if compare is None:
        if comparison is not None:
            msg = "--comparison needs --compare (the methods to compare)"
            raise InputError(msg, source=comparison)
        return ()
    names = [name.strip() for name in compare.split(",") if name.strip()]
    unknown = [name for name in names if name not in OWNERS]
    if unknown or not names:
        msg = f"--compare takes methods among {', '.join(OWNERS)}, got {compare!r}"
        raise ParameterError(msg)
    if comparison is not None:
        from cityregions.io._atomic import check_output_file

        if comparison.suffix.lower() not in TABLE_SUFFIXES:
            msg = "must end in .csv, .tsv or .parquet"
            raise InputError(msg, source=comparison, field="--comparison")
        check_output_file(comparison, option="--comparison")
    return tuple(dict.fromkeys(n for n in names if n != method.value))


def _report_moves(moves: pd.DataFrame | None) -> None:
    """List every move of the contiguity repair on the console."""
    if moves is None:
        return
    for row in moves.itertuples():
        console.print(
            f"contiguous: {row.unit} moves from region {row.from_region} to "
            f"{row.to_region} ({row.commuters:g} commuters of its piece {row.piece})"
        )
    console.print(f"contiguous: {len(moves)} unit(s) moved")


def _compare(
    flows: FlowTable,
    units: Territory | None,
    first: Delineation,
    others: tuple[str, ...],
    options: dict[str, Any],
    *,
    seed: int | None,
    contiguous: bool,
) -> pd.DataFrame:
    """Run the other methods, print the comparison on covered units; return the pairs."""
    import numpy as np

    from cityregions.delineation.api import delineate as run
    from cityregions.delineation.compare import compare_runs

    runs = {first.method: first}
    for name in others:
        params = _method_params(MethodName(name), options, also=(first.method, *others))
        params.pop("seed", None)
        rng = None if seed is None else np.random.default_rng(seed)
        runs[name] = run(flows, method=name, units=units, rng=rng, contiguous=contiguous,  # type: ignore[arg-type]
                         **params)  # fmt: skip
    quality, pairs = compare_runs(flows, runs, units=units)
    console.print(quality.to_string(index=False))
    console.print(pairs.to_string(index=False))
    return pairs


def _write_outputs(
    labels: pd.DataFrame,
    out: Path,
    *,
    table: pd.DataFrame,
    summary: Path | None,
    layers: dict[str, Any] | None,
    gpkg: Path | None,
    tables: dict[Path, pd.DataFrame] | None = None,
) -> None:
    """Write labels, summary, GeoPackage and further tables together: all or none."""
    from cityregions.io._atomic import atomic_paths
    from cityregions.io.geo import write_geopackage
    from cityregions.io.tables import write_table

    more = dict(tables or {})
    targets = [out, *(path for path in (summary, gpkg) if path is not None), *more]
    with atomic_paths(*targets) as temps:
        write_table(labels, temps[0], index=False)
        rest = iter(temps[1:])
        if summary is not None:
            write_table(table, next(rest), index=False)
        if gpkg is not None and layers is not None:
            write_geopackage(next(rest), layers)
        for frame in more.values():
            write_table(frame, next(rest), index=False)
