"""``cityregions flows``: import observed BA commuter flows, or model flows.

``flows import`` reads BA Pendlerstatistik workbooks (several Länder files, Auspendler
and Einpendler sheets; one row per pair by the rule of :mod:`cityregions.io.ba_import`),
adds the diagonal from the BA Gemeindedaten or a unit table and writes the long table
``origin,destination,value,flows_provenance`` (``observed``; plus men, women, germans,
foreigners, trainees). ``flows estimate`` is a thin layer over
:func:`cityregions.flowmodels.estimate_flows`: read the units (and the observed flows to
compare with, if given), model the flows, write them as a long table
(``flows_provenance`` ``modeled`` in every row) and print the common part of commuters
when ``--compare`` names observed flows. Every input is read and checked before anything
is written; bad input ends with one message and exit code 2.
"""

from __future__ import annotations

import warnings
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions.constants import (
    DEFAULT_BETA,
    DEFAULT_MIN_DISTANCE_KM,
    DEFAULT_SHARE_COMMUTING,
    DEFAULT_SHARE_EMPLOYED,
)

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.flows import FlowTable
    from cityregions.io.ba_import import CombinedPendler, Level
    from cityregions.territory import Territory

console = Console(stderr=True)
app = typer.Typer(
    help="Import observed commuter flows (BA workbooks) or estimate them with models.",
    no_args_is_help=True,
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
    """Model commuter flows between units; write origin,destination,value,flows_provenance."""
    from cityregions.flowmodels import estimate_flows
    from cityregions.io._atomic import check_distinct, check_output_file
    from cityregions.io.tables import read_units, write_flows

    if out.suffix.lower() not in TABLE_SUFFIXES:
        msg = "--out must end in .csv, .tsv or .parquet"
        raise InputError(msg, source=out)
    check_distinct([out], [units_file, compare])
    check_output_file(out, option="--out")
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


class LevelName(StrEnum):
    """Unit level of BA Pendler sheets."""

    kreise = "kreise"
    gemeinden = "gemeinden"


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="BA Pendler workbooks (.xlsx/.xlsb) or CSV exports, one per Land.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Flow table to write (.csv or .parquet).")],
    sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--sheet", help="Sheet to read, repeatable (default: every Aus-/Einpendler sheet)."
        ),
    ] = None,
    internal: Annotated[
        Path | None,
        typer.Option(
            "--internal",
            help="The diagonal: BA Gemeindedaten workbook, or a unit table with 'internal' "
            "or 'residents' (employed people living in the unit) and 'out_commuters'.",
        ),
    ] = None,
    no_internal: Annotated[
        bool, typer.Option("--no-internal", help="Write no diagonal (delineation needs it).")
    ] = False,
    units_file: Annotated[
        Path | None, typer.Option("--units", help="Keep only flows among these units.")
    ] = None,
    unit_level: Annotated[
        LevelName | None,
        typer.Option(
            "--unit-level",
            "--level",
            help="Unit level of the sheets: kreise or gemeinden (default: from the keys).",
        ),
    ] = None,
    aggregates: Annotated[
        Path | None,
        typer.Option("--aggregates", help="Write Übrige/Z/ZZ/country rows and '*' pairs here."),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column of --units/--internal.")
    ] = None,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Layer of a vector --units/--internal file.")
    ] = None,
) -> None:
    """Turn BA Pendler workbooks into origin,destination,value,flows_provenance (observed).

    Each pair is kept once: the Auspendler count, else the Einpendler count (pairs seen
    from both sides are not double-counted); anonymised pairs ('*', 'X') are left out
    and listed in --aggregates with the Übrige/Z/ZZ/country rows.
    """
    from cityregions.io._atomic import check_distinct, check_output_file
    from cityregions.io.ba_import import combine_ba_pendler, read_ba_pendler_files

    if (internal is None) == (not no_internal):
        msg = (
            "give --internal FILE (BA Gemeindedaten or a unit table: the people living and "
            "working in the same unit) or --no-internal, not both"
            if internal is not None
            else "give --internal FILE (BA Gemeindedaten workbook or a unit table with "
            "'residents' and 'out_commuters') for the diagonal, or --no-internal to write "
            "the flows without it (delineation then fails)"
        )
        raise ParameterError(msg)
    outputs = [out] + ([aggregates] if aggregates is not None else [])
    for path, option in zip(outputs, ("--out", "--aggregates"), strict=False):
        if path.suffix.lower() not in TABLE_SUFFIXES:
            msg = "output must end in .csv, .tsv or .parquet"
            raise InputError(msg, source=path, field=option)
        check_output_file(path, option=option)
    check_distinct(outputs, [*files, internal, units_file])
    combined = combine_ba_pendler(
        read_ba_pendler_files(files, sheets=sheet, level=unit_level.value if unit_level else None)
    )
    chosen = _import_level(combined, unit_level)
    _print_read(combined, aggregates)
    ids = None
    if units_file is not None:
        from cityregions.io.tables import read_units

        ids = list(read_units(units_file, id_column=id_column, layer=layer).ids)
    pairs = _keep_units(combined.flows, ids)
    diagonal = None
    if internal is not None:
        diagonal = _import_diagonal(
            internal, combined, chosen, ids=ids, pairs=pairs, id_column=id_column, layer=layer
        )
    table, flows = _import_table(pairs, diagonal, ids=ids, files=files)
    extra = _import_aggregates(combined) if aggregates is not None else None
    _write_import(table, out, extra, aggregates)
    _print_import(flows, out)


def _import_level(combined: CombinedPendler, level: LevelName | None) -> Level:
    """Return the level of the keys read, checking it against --level."""
    width = combined.key_width
    levels: dict[int, Level] = {5: "kreise", 8: "gemeinden"}
    found = levels.get(width)
    if found is None:
        msg = f"the unit keys have {width} digits; expected 5 (Kreise) or 8 (Gemeinden)"
        raise InputError(msg, source=combined.sources[0], field="level")
    if level is not None and level.value != found:
        msg = f"--unit-level {level.value} given, but the sheets have {width}-digit ({found}) keys"
        raise InputError(msg, source=combined.sources[0], field="level")
    return found


def _keep_units(pairs: pd.DataFrame, ids: list[str] | None) -> pd.DataFrame:
    """Keep the pairs among ``ids`` (all without --units); log what is dropped."""
    import logging

    from cityregions.constants import DESTINATION, ORIGIN, VALUE

    if ids is None:
        return pairs
    inside = pairs[ORIGIN].isin(ids) & pairs[DESTINATION].isin(ids)
    if (~inside).any():
        logging.getLogger(__name__).info(
            "%d pairs (%.0f commuters) with a partner outside --units dropped",
            int((~inside).sum()),
            float(pairs.loc[~inside, VALUE].sum()),
        )
    return pairs[inside]


def _import_diagonal(
    path: Path,
    combined: CombinedPendler,
    level: Level,
    *,
    ids: list[str] | None,
    pairs: pd.DataFrame,
    id_column: str | None,
    layer: str | None,
) -> pd.Series:
    """Return the diagonal over the output units; raise if a required unit lacks one.

    Required are the --units (or, without them, the units described by a sheet's
    block); units seen only as partners get no diagonal, with a warning.
    """
    import pandas as pd

    from cityregions.constants import DESTINATION, ORIGIN
    from cityregions.io.ba_import import read_diagonal

    values, how = read_diagonal(
        path,
        level=level,
        out_totals=combined.out_totals,
        id_column=id_column,
        layer=layer,
    )
    required = ids if ids is not None else list(combined.described)
    known = values.reindex(required)
    missing = list(known.index[known.isna().to_numpy()])
    if missing:
        reason = (
            "no row, or an anonymised count, in this file"
            if "Auspendler" not in how
            else "no row in this file, or no 'Auspendler insgesamt' (Z row) in the "
            "Auspendler sheets read"
        )
        msg = (
            f"no diagonal ({how}) for {len(missing)} unit(s) {missing[:5]}: {reason}; "
            "every unit needs its internal flow"
        )
        raise InputError(msg, source=path, location=f"unit {missing[0]}", field="internal")
    if ids is None:
        partners = sorted(set(pairs[ORIGIN]) | set(pairs[DESTINATION]) - set(required))
        lacking = [u for u in partners if pd.isna(values.get(u))]
        if lacking:
            message = (
                f"{len(lacking)} unit(s) appear only as partners (e.g. {lacking[:3]}) and get "
                "no diagonal; give --units to keep only your study area"
            )
            warnings.warn(message, DataQualityWarning, stacklevel=2)
        required = sorted(set(required) | (set(partners) - set(lacking)))
    console.print(f"diagonal of {len(required)} units from {path} ({how})")
    return values.reindex(required)


def _import_table(
    pairs: pd.DataFrame, diagonal: pd.Series | None, *, ids: list[str] | None, files: list[Path]
) -> tuple[pd.DataFrame, FlowTable]:
    """Return the long output table (pairs + diagonal, splits) and its FlowTable."""
    import pandas as pd

    from cityregions.constants import DESTINATION, FLOWS_PROVENANCE, ORIGIN, VALUE
    from cityregions.flows import FlowTable
    from cityregions.io.ba_import import SPLITS

    long = pairs[[ORIGIN, DESTINATION, VALUE, *SPLITS]]
    if diagonal is not None:
        inner = diagonal.rename(VALUE).rename_axis(ORIGIN).reset_index()
        long = pd.concat([long, inner.assign(**{DESTINATION: inner[ORIGIN]})], ignore_index=True)
    source = "BA Pendlerstatistik: " + ", ".join(path.name for path in files)
    flows = FlowTable.from_long(long, ids=ids, flows_provenance="observed", source=source)
    long = long.sort_values([ORIGIN, DESTINATION], kind="stable").reset_index(drop=True)
    long.insert(3, FLOWS_PROVENANCE, flows.flows_provenance)
    splits = [name for name in SPLITS if long[name].notna().any()]
    long = long[[ORIGIN, DESTINATION, VALUE, FLOWS_PROVENANCE, *splits]]
    return _as_counts(long, [VALUE, *splits]), flows


def _as_counts(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Write whole numbers without '.0' (nullable integers; anonymised splits stay empty)."""
    for column in columns:
        values = frame[column]
        if ((values.dropna() % 1) == 0).all():
            frame[column] = values.round().astype("Int64")
    return frame


def _import_aggregates(combined: CombinedPendler) -> pd.DataFrame:
    """Aggregate rows of every sheet and the pairs left out as anonymised or empty."""
    import pandas as pd

    from cityregions.io.ba_import import SPLITS

    left_out = combined.suppressed.assign(kind=combined.suppressed["status"])
    frame = pd.concat([combined.aggregates, left_out], ignore_index=True)
    first = ["kind", "origin", "origin_name", "destination", "destination_name", "value"]
    rest = [*SPLITS, "status", "suppressed", "side", "source", "row"]
    frame = frame.reindex(columns=first + rest)
    return _as_counts(frame, ["value", *SPLITS, "row"])


def _write_import(
    table: pd.DataFrame, out: Path, extra: pd.DataFrame | None, extra_path: Path | None
) -> None:
    from cityregions.io._atomic import atomic_paths

    targets = [out] + ([extra_path] if extra_path is not None else [])
    frames = [table] + ([extra] if extra is not None else [])
    with atomic_paths(*targets) as temps:
        for frame, tmp, target in zip(frames, temps, targets, strict=True):
            suffix = target.suffix.lower()
            if suffix in (".parquet", ".pq"):
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",")


def _print_read(combined: CombinedPendler, aggregates: Path | None) -> None:
    n_pairs = len(combined.flows)
    console.print(
        f"read {len(combined.sources)} sheet(s): {n_pairs} pairs with a count "
        f"({n_pairs - combined.from_in} from Auspendler, {combined.from_in} from Einpendler "
        f"sheets only; {combined.both_sides} seen from both sides, counted once)"
    )
    n_suppressed = len(combined.suppressed)
    where = f" → {aggregates}" if aggregates is not None else " (list them with --aggregates)"
    console.print(
        f"{n_suppressed} pair(s) anonymised ('*'/'X': 1 or 2 people each) or empty, left out; "
        f"{len(combined.aggregates)} Übrige/subtotal/Z/ZZ/country rows not used{where}"
    )


def _print_import(flows: FlowTable, out: Path) -> None:
    internal = float(flows.internal().sum())
    console.print(
        f"[green]observed[/] flows for {len(flows)} units: {flows.total - internal:,.0f} "
        f"commuters between units, {internal:,.0f} internal → {out}"
    )


@app.command()
def complete(
    flows_file: Annotated[
        Path, typer.Argument(metavar="FLOWS", help="Flows between units origin,destination,value.")
    ],
    totals: Annotated[
        Path,
        typer.Option(
            "--totals",
            help="Unit totals: unit, residents, out_commuters and in_commuters (or jobs); "
            "BA's units.csv (ags, employees_svb, out_commuters_total, …) is read as it is.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Flows with the diagonal (.csv/.parquet).")],
    totals_out: Annotated[
        Path | None,
        typer.Option(
            "--totals-out", help="Write unit,residents,jobs here (for delineate --totals)."
        ),
    ] = None,
    flows_provenance: Annotated[
        str, typer.Option("--flows-provenance", help="observed or completed \\[observed].")
    ] = "observed",
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column of --totals.")
    ] = None,
    units_file: Annotated[
        Path | None,
        typer.Option(
            "--units", help="Keep the flows among these units (your study area; a unit table)."
        ),
    ] = None,
) -> None:
    """Add the diagonal (residents − out-commuters) and the flows beyond the table.

    The listed out-flows (in-flows) of a unit may not sum above its out-commuters
    (in-commuters): that is an error naming the unit. Values stay observed (arithmetic
    on official totals).
    """
    from cityregions.flowmodels.completion import complete_flows
    from cityregions.io.totals import read_totals, totals_table

    outputs = _check_table_outputs([out, totals_out], inputs=[flows_file, totals, units_file])
    flows = _read_between(flows_file, flows_provenance)
    if units_file is not None:
        flows = _study_area(flows, units_file)
    table = read_totals(
        totals,
        fields=("residents", "out_commuters", ("in_commuters", "jobs")),
        units=flows.ids,
        id_column=id_column,
    )
    done = complete_flows(flows, table, source=str(totals))
    frames = [_long_counts(done)]
    if totals_out is not None:
        frames.append(totals_table(done.residents(), done.jobs()))
    _write_tables(frames, outputs)
    beyond = done.outside()
    console.print(
        f"[green]{done.flows_provenance}[/] flows for {len(done)} units completed: "
        f"{float(done.internal().sum()):,.0f} internal, "
        f"{done.total - float(done.internal().sum()):,.0f} listed between units, "
        f"{float(beyond['outside_out'].sum()):,.0f} out-commuters and "
        f"{float(beyond['outside_in'].sum()):,.0f} in-commuters beyond the table → "
        + ", ".join(str(path) for path in outputs)
    )


def _study_area(flows: FlowTable, units_file: Path) -> FlowTable:
    """The flows among the units of ``units_file`` (the others go beyond the table)."""
    from cityregions.io.tables import read_units

    ids = read_units(units_file).ids
    unknown = [unit for unit in ids if unit not in set(flows.ids)]
    if unknown:
        msg = f"{len(unknown)} unit(s) have no flow in the flows file, e.g. {unknown[:5]}"
        raise InputError(msg, source=units_file, location=f"unit {unknown[0]}", field="unit")
    return flows.subset(ids)


def _check_table_outputs(paths: list[Path | None], *, inputs: list[Path | None]) -> list[Path]:
    """Check suffixes and that the outputs can be written, before any work is done.

    ``paths`` are the ``--out`` and ``--totals-out`` files (either may be None); a
    message names the option.
    """
    from cityregions.io._atomic import check_distinct, check_output_file

    named = [(p, o) for p, o in zip(paths, ("--out", "--totals-out"), strict=False) if p]
    for path, option in named:
        if path.suffix.lower() not in TABLE_SUFFIXES:
            msg = "output must end in .csv, .tsv or .parquet"
            raise InputError(msg, source=path, field=option)
        check_output_file(path, option=option)
    given = [path for path, _ in named]
    check_distinct(given, inputs)
    return given


def _read_between(path: Path, flows_provenance: str) -> FlowTable:
    """Read flows between units; their missing diagonal is what the command adds."""
    import re

    from cityregions.constants import FLOWS_PROVENANCES
    from cityregions.flows import NO_DIAGONAL_MESSAGE
    from cityregions.io.tables import read_flows

    if flows_provenance not in FLOWS_PROVENANCES:
        msg = f"--flows-provenance must be one of {', '.join(FLOWS_PROVENANCES)}"
        raise ParameterError(msg)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=f".*{re.escape(NO_DIAGONAL_MESSAGE[:40])}")
        return read_flows(path, flows_provenance=flows_provenance)  # type: ignore[arg-type]


def _long_counts(flows: FlowTable) -> pd.DataFrame:
    """The long table of ``flows``, whole numbers written without '.0'."""
    from cityregions.constants import VALUE

    return _as_counts(flows.to_long(), [VALUE])


def _write_tables(frames: list[pd.DataFrame], targets: list[Path]) -> None:
    """Write every table or none (CSV, TSV or Parquet by suffix)."""
    from cityregions.io._atomic import atomic_paths

    with atomic_paths(*targets) as temps:
        for frame, tmp, target in zip(frames, temps, targets, strict=True):
            suffix = target.suffix.lower()
            if suffix in (".parquet", ".pq"):
                frame.to_parquet(tmp, index=False)
            else:
                frame.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",")


@app.command()
def downscale(
    flows_file: Annotated[
        Path, typer.Option("--flows", help="Observed district flows with the diagonal.")
    ],
    units_file: Annotated[
        Path,
        typer.Option("--units", help="Municipalities: district, population, seats (or polygons)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Municipal flows (.csv or .parquet).")],
    parent_column: Annotated[
        str, typer.Option("--parent-column", help="Column of --units naming the district.")
    ] = "parent",
    totals: Annotated[
        Path | None,
        typer.Option("--totals", help="District totals unit,residents,jobs (flows beyond)."),
    ] = None,
    totals_out: Annotated[
        Path | None, typer.Option("--totals-out", help="Write municipal unit,residents,jobs.")
    ] = None,
    mass: Annotated[
        str, typer.Option("--mass", help="Column sharing a district's residents.")
    ] = "population",
    job_mass: Annotated[
        str | None, typer.Option("--job-mass", help="Column sharing its jobs \\[--mass].")
    ] = None,
    deterrence: Annotated[
        DeterrenceName, typer.Option("--deterrence", help="f(d): power or exponential.")
    ] = DeterrenceName.power,
    beta: Annotated[
        float | None, typer.Option("--beta", help="β \\[fitted on the district flows].")
    ] = None,
    min_distance_km: Annotated[
        float, typer.Option("--min-distance-km", help="Distances below are raised to it.")
    ] = DEFAULT_MIN_DISTANCE_KM,
    no_round: Annotated[
        bool, typer.Option("--no-round", help="Keep fractions (default: whole commuters).")
    ] = False,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column of --units.")
    ] = None,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Layer of a vector --units file.")
    ] = None,
) -> None:
    """Estimate municipal flows that add up exactly to the observed district flows.

    A doubly constrained spatial-interaction model between municipalities, fitted by
    iterative proportional fitting within each district pair; the deterrence is fitted
    on the district flows (docs/flow-models.md). The output is labelled modeled.
    """
    from cityregions.cli._inputs import add_totals
    from cityregions.flowmodels.downscale import downscale_flows
    from cityregions.io.tables import read_units
    from cityregions.io.totals import totals_table

    outputs = _check_table_outputs([out, totals_out], inputs=[flows_file, units_file, totals])
    if totals_out is not None and totals is None:
        msg = "--totals-out needs --totals (the districts' complete totals)"
        raise ParameterError(msg)
    districts = _read_between(flows_file, "observed")
    _require_diagonal(districts, flows_file)
    districts = add_totals(districts, totals)
    territory = read_units(
        units_file, id_column=id_column, layer=layer, columns={"parent": parent_column}
    )
    result = downscale_flows(
        districts,
        territory,
        mass=_unit_column(territory, mass),
        job_mass=None if job_mass is None else _unit_column(territory, job_mass),
        deterrence=deterrence.value,  # type: ignore[arg-type]
        beta=beta,
        min_distance_km=min_distance_km,
        integer=not no_round,
    )
    flows = result.flows
    frames = [_long_counts(flows)]
    if totals_out is not None:
        frames.append(totals_table(flows.residents(), flows.jobs()))
    _write_tables(frames, outputs)
    _print_downscaled(result, districts, outputs)


def _require_diagonal(flows: FlowTable, path: Path) -> None:
    """The district flows need their diagonal: it becomes the flows within districts."""
    if flows.total > 0 and not flows.has_diagonal:
        msg = (
            "the district flows have no diagonal (people working in their district of "
            "residence); add it with `cityregions flows complete` first"
        )
        raise InputError(msg, source=path, field="diagonal")


def _unit_column(territory: Territory, name: str) -> str:
    """The column of the unit table holding ``name`` (a recognised name may be renamed)."""
    from cityregions.io.tables import UNIT_FIELD_COLUMNS

    if name in territory.units.columns:
        return name
    for field, candidates in UNIT_FIELD_COLUMNS.items():
        if name.lower() in (c.lower() for c in candidates) and field in territory.units.columns:
            return field
    msg = f"no column {name!r} (columns: {list(territory.units.columns)})"
    raise InputError(msg, source=territory.where, field=name)


def _print_downscaled(result: Any, districts: FlowTable, outputs: list[Path]) -> None:
    flows = result.flows
    left = f"; {len(result.left_out)} municipalities of other districts left out"
    console.print(
        f"[yellow]modeled[/] flows for {len(flows)} municipalities downscaled from "
        f"{districts.matrix.nnz} district pairs: {result.fit.describe()}; "
        f"{result.iterations} iterations; summed to districts they differ from the input "
        f"by at most {result.check_sums(districts):g}"
        + (left if result.left_out else "")
        + " → "
        + ", ".join(str(path) for path in outputs)
    )
