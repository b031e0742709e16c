"""``cityregions flows estimate``: model commuter flows from a unit table.

A thin layer over :func:`cityregions.flowmodels.estimate_flows`: read the units (and the
observed flows to compare with, if given), model the flows, write them as a long table
``origin,destination,value,provenance`` (provenance ``modeled`` in every row) and print
the common part of commuters when ``--compare`` names observed flows. Every input is read
and checked before anything is written; bad input ends with one message and exit code 2.
"""

from __future__ import annotations

import warnings
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions.flowmodels import (
    DEFAULT_BETA,
    DEFAULT_MIN_DISTANCE_KM,
    DEFAULT_SHARE_COMMUTING,
    DEFAULT_SHARE_EMPLOYED,
)

if TYPE_CHECKING:
    from cityregions.flows import FlowTable
    from cityregions.territory import Territory

console = Console(stderr=True)
app = typer.Typer(
    help="Estimate commuter flows with spatial-interaction models.", no_args_is_help=True
)

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


class ModelName(StrEnum):
    """Flow models."""

    radiation = "radiation"
    gravity = "gravity"


class DeterrenceName(StrEnum):
    """Distance deterrence of the gravity model."""

    power = "power"
    exponential = "exponential"


@app.command()
def estimate(
    units_file: Annotated[
        Path, typer.Option("--units", help="Unit table (population, lon, lat) or vector file.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Modeled flows (.csv or .parquet).")],
    model: Annotated[ModelName, typer.Option("--model", help="Model.")] = ModelName.radiation,
    share_employed: Annotated[
        float, typer.Option("--share-employed", help="Employed residents per inhabitant.")
    ] = DEFAULT_SHARE_EMPLOYED,
    share_commuting: Annotated[
        float, typer.Option("--share-commuting", help="Share of employed working elsewhere.")
    ] = DEFAULT_SHARE_COMMUTING,
    top_k: Annotated[
        int | None, typer.Option("--top-k", help="Keep each origin's K largest flows.")
    ] = None,
    destination_mass: Annotated[
        str, typer.Option("--destination-mass", help="Unit column measuring jobs.")
    ] = "population",
    no_finite_size: Annotated[
        bool, typer.Option("--no-finite-size", help="Radiation: no 1/(1-m/M) factor.")
    ] = False,
    deterrence: Annotated[
        DeterrenceName | None, typer.Option("--deterrence", help="Gravity: f(d) \\[power].")
    ] = None,
    beta: Annotated[
        float | None, typer.Option("--beta", help=f"Gravity: β [{DEFAULT_BETA:g}].")
    ] = None,
    min_distance_km: Annotated[
        float | None,
        typer.Option("--min-distance-km", help=f"Gravity: [{DEFAULT_MIN_DISTANCE_KM:g}]."),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column (auto-detected).")
    ] = None,
    layer: Annotated[
        str | None,
        typer.Option("--layer", help="Layer of a multi-layer --units file, e.g. vg250_krs."),
    ] = None,
    compare: Annotated[
        Path | None, typer.Option("--compare", help="Observed flows: print the CPC.")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Model commuter flows between units and write origin,destination,value,provenance."""
    from cityregions.flowmodels import estimate_flows
    from cityregions.io._atomic import check_distinct, check_output_file
    from cityregions.io.tables import read_units, write_flows

    if out.suffix.lower() not in TABLE_SUFFIXES:
        msg = "--out must end in .csv, .tsv or .parquet"
        raise InputError(msg, source=out)
    check_distinct([out], [units_file, compare])
    check_output_file(out)
    params = _model_params(
        model,
        finite_size=False if no_finite_size else None,
        deterrence=deterrence.value if deterrence else None,
        beta=beta,
        min_distance_km=min_distance_km,
    )
    territory = read_units(units_file, id_column=id_column, layer=layer)
    observed = None if compare is None else _read_observed(compare, territory)
    flows = estimate_flows(
        territory,
        model=model.value,  # type: ignore[arg-type]
        share_employed=share_employed,
        share_commuting=share_commuting,
        top_k=top_k,
        destination_mass=destination_mass,
        progress=progress,
        **params,
    )
    write_flows(flows, out)
    commuters = flows.total - float(flows.internal().sum())
    console.print(
        f"[yellow]modeled[/] flows for {len(flows)} units: {commuters:,.0f} commuters "
        f"({flows.source}) → {out}"
    )
    if observed is not None:
        _print_fit(observed, flows, compare)


def _model_params(model: ModelName, **options: Any) -> dict[str, Any]:
    """Keep the given options; reject options that belong to the other model."""
    owners = {"finite_size": "radiation", "deterrence": "gravity", "beta": "gravity"}
    owners["min_distance_km"] = "gravity"
    params: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if owners[name] != model.value:
            flag = "--no-finite-size" if name == "finite_size" else "--" + name.replace("_", "-")
            msg = f"option {flag} belongs to the {owners[name]} model, not {model.value}"
            raise ParameterError(msg)
        params[name] = value
    return params


def _read_observed(path: Path, territory: Territory) -> FlowTable:
    """Read the observed flows; their diagonal is not needed (CPC compares commuters)."""
    from cityregions.io.tables import read_flows

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_flows(path, units=territory)


def _print_fit(observed: FlowTable, modeled: FlowTable, path: Path | None) -> None:
    from cityregions.flowmodels import common_part_of_commuters

    cpc_all = common_part_of_commuters(observed, modeled)
    cpc_pairs = common_part_of_commuters(observed, modeled, pairs="observed")
    console.print(
        f"common part of commuters vs {path}: {cpc_all:.3f} (all pairs), "
        f"{cpc_pairs:.3f} (pairs in the observed file)"
    )
