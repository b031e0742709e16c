"""``cityregions sweep``: how stable are the regions? Many runs on Dask, one folder out.

A thin layer over :func:`cityregions.delineation.sweep.sweep`: check every option and
the output folder, read the inputs, run the grid × resamples on Dask (a local cluster
by default, ``--scheduler tcp://host:8786`` for an existing one, ``--scheduler inline``
for this process), then write ``runs.csv``, ``coassignment.csv``, ``stability.csv``
and ``labels/`` with :func:`cityregions.io.sweep_files.write_sweep` (all or nothing).
Bad input ends with one message and exit code 2, before any run starts.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import InputError
from cityregions.cli._inputs import parse_id_list, parse_sheet, prepare_flows
from cityregions.cli._options import (
    AllowNoDiagonalOption,
    FlowsProvenanceName,
    MethodName,
    TotalsOption,
)

if TYPE_CHECKING:
    from cityregions.delineation.sweep import Sweep
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory

logger = logging.getLogger(__name__)
console = Console(stderr=True)


class ResamplingName(StrEnum):
    """How the flows are resampled."""

    poisson = "poisson"
    multinomial = "multinomial"


GRID_HELP = (
    'Parameters to sweep: "name=v1,v2;name2=v3" (the runs take every combination), '
    'e.g. "min_size=500,1000,3500;target_self_containment=0.7,0.75". Names are those of '
    "the method (docs/delineation.md); without --grid the method's defaults run once."
)


def sweep(
    flows_file: Annotated[Path, typer.Argument(help="Flow table origin,destination,value.")],
    out: Annotated[
        Path,
        typer.Option("--out", help="Output folder (new, empty, or an earlier sweep's)."),
    ],
    method: Annotated[MethodName, typer.Option("--method", help="Method.")] = MethodName.lma,
    grid: Annotated[str | None, typer.Option("--grid", help=GRID_HELP)] = None,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap", help="Resamples of the flows per setting (0: the flows as given)."
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the runs' random numbers.")] = 0,
    resampling: Annotated[
        ResamplingName,
        typer.Option(
            "--resampling",
            help="poisson: each flow redrawn with its value as mean; multinomial: each "
            "origin's total redistributed.",
        ),
    ] = ResamplingName.poisson,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:8786) [a local cluster of this "
            "machine's cores]; 'inline' runs in this process without Dask.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Worker processes of the local cluster [one per core]."),
    ] = None,
    units_file: Annotated[
        Path | None, typer.Option("--units", help="Unit table or GeoPackage/GeoJSON.")
    ] = None,
    polygons: Annotated[
        Path | None,
        typer.Option("--polygons", help="Polygons (GeoJSON/GeoPackage) keyed by unit id."),
    ] = None,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Layer of a multi-layer --units file.")
    ] = None,
    totals: TotalsOption = None,
    allow_no_diagonal: AllowNoDiagonalOption = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of a FLOWS workbook [the first].")
    ] = None,
    flows_provenance: Annotated[
        FlowsProvenanceName,
        typer.Option("--flows-provenance", help="Where the flow values come from."),
    ] = FlowsProvenanceName.observed,
    cities: Annotated[
        str | None, typer.Option("--cities", help="FUA city ids (every run): a,b,c or @file.")
    ] = None,
    central_places: Annotated[
        str | None,
        typer.Option("--central-places", help="BBSR Oberzentren (every run): a,b or @file."),
    ] = None,
    contiguous: Annotated[
        bool,
        typer.Option("--contiguous", help="Repair detached pieces of regions (needs polygons)."),
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar of the runs.")] = True,
) -> None:
    """Run a delineation method over a parameter grid and resampled flows; write stability.

    Writes OUT/runs.csv (one row per run), OUT/coassignment.csv (how often two units
    share a region), OUT/stability.csv (the consensus region of each unit — the medoid
    run's — and the share of runs that agree with it) and OUT/labels/ (every run's
    labels as Parquet). See docs/sweep.md.
    """
    from cityregions._distributed import check_scheduler
    from cityregions.delineation.sweep import parameter_settings, parse_grid
    from cityregions.io.sweep_files import check_sweep_folder

    check_sweep_folder(out, option="--out")
    _check_counts(bootstrap=bootstrap, workers=workers)
    address = check_scheduler(scheduler)
    if address is not None and workers is not None:
        msg = "--workers sets the size of the local cluster; an existing cluster has its own"
        raise InputError(msg, source="--workers")
    grid_values = parse_grid(grid) if grid is not None else {}
    fixed = _fixed_params(cities=cities, central_places=central_places, contiguous=contiguous)
    settings = parameter_settings(method.value, grid_values, params=fixed)
    units = _read_units(units_file, polygons=polygons, layer=layer)
    flows = _read_flows(
        flows_file,
        units=units,
        totals=totals,
        allow_no_diagonal=allow_no_diagonal,
        flows_provenance=flows_provenance.value,
        sheet=sheet,
    )
    result = _run(
        flows,
        units,
        method.value,
        grid_values,
        fixed,
        (bootstrap, resampling.value, seed),
        scheduler=address,
        workers=workers,
        progress=progress,
    )
    _write(result, out, n_settings=len(settings))


def _check_counts(*, bootstrap: int, workers: int | None) -> None:
    """Refuse a negative number of resamples and fewer than one worker."""
    if bootstrap < 0:
        msg = f"expected 0 (the flows as given) or a positive number of resamples, got {bootstrap}"
        raise InputError(msg, source="--bootstrap")
    if workers is not None and workers < 1:
        msg = f"expected at least 1 worker process, got {workers}"
        raise InputError(msg, source="--workers")


def _fixed_params(
    *, cities: str | None, central_places: str | None, contiguous: bool
) -> dict[str, Any]:
    """Parameters given to every run (lists of ids cannot be swept)."""
    fixed: dict[str, Any] = {}
    if cities is not None:
        fixed["cities"] = parse_id_list(cities)
    if central_places is not None:
        fixed["central_places"] = parse_id_list(central_places)
    if contiguous:
        fixed["contiguous"] = True
    return fixed


def _read_units(path: Path | None, *, polygons: Path | None, layer: str | None) -> Territory | None:
    """Read ``--units`` (with ``--polygons``/``--layer``), or None."""
    if path is None:
        for given, flag in ((polygons, "--polygons"), (layer, "--layer")):
            if given is not None:
                msg = f"{flag} needs --units (the unit table it belongs to)"
                raise InputError(msg, source=flag)
        return None
    from cityregions.io.tables import read_units

    return read_units(path, polygons=polygons, layer=layer)


def _read_flows(
    path: Path,
    *,
    units: Territory | None,
    totals: Path | None,
    allow_no_diagonal: bool,
    flows_provenance: str,
    sheet: str | None,
) -> FlowTable:
    """Read the flows (aligned to the units), refuse a missing diagonal, add ``--totals``."""
    from cityregions.delineation.api import check_same_units
    from cityregions.io.tables import read_flows

    flows = read_flows(
        path,
        units=units,
        flows_provenance=flows_provenance,  # type: ignore[arg-type]
        sheet=parse_sheet(sheet),
    )
    if units is not None:
        check_same_units(flows, units)
    return prepare_flows(flows, path, totals=totals, allow_no_diagonal=allow_no_diagonal)


def _run(
    flows: FlowTable,
    units: Territory | None,
    method: str,
    grid: dict[str, list[Any]],
    fixed: dict[str, Any],
    resamples: tuple[int, str, int],
    *,
    scheduler: str | None,
    workers: int | None,
    progress: bool,
) -> Sweep:
    """Run the sweep; ``resamples`` is (bootstrap, resampling, seed)."""
    import numpy as np

    from cityregions.delineation.sweep import sweep as run_sweep

    bootstrap, resampling, seed = resamples

    return run_sweep(
        flows,
        method=method,
        grid=grid,
        bootstrap=bootstrap,
        resampling=resampling,  # type: ignore[arg-type]
        rng=np.random.default_rng(seed),
        units=units,
        params=fixed,
        scheduler=scheduler,
        n_workers=workers,
        progress=progress,
    )


def _write(result: Sweep, out: Path, *, n_settings: int) -> None:
    from cityregions.io.sweep_files import write_sweep

    write_sweep(result, out)
    summary = result.summary
    resamples = "the flows as given"
    if result.bootstrap:
        resamples = f"{result.bootstrap} {result.resampling} resamples"
    console.print(
        f"{result.method}: {summary['runs']} runs ({n_settings} setting(s) × {resamples}, "
        f"{result.flows_provenance} flows); consensus = run {summary['consensus_run']} with "
        f"{summary['consensus_regions']} regions; mean stability "
        f"{summary['mean_stability']:.3f}, {summary['units_below_half']} unit(s) below 0.5 "
        f"→ {out}"
    )
