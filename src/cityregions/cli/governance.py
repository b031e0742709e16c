"""``cityregions governance``: check a governance registry and analyse it against flows.

* ``cityregions governance check REGISTRY`` — list every problem of the registry (file,
  line, record id, field, what was expected); exit code 2 if there is any.
* ``cityregions governance analyze REGISTRY --units U --flows F [--labels L]
  [--as-of DATE] --out DIR`` — network metrics, institutional fit, governance gaps and
  network exports (GEXF, GraphML, CSV). Nothing is written unless all inputs are valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cityregions._errors import InputError, ValidationReport
from cityregions.io._atomic import check_output_folder, staged_folder

if TYPE_CHECKING:
    import pandas as pd

console = Console(stderr=True)

app = typer.Typer(
    help="Governance registry: validate it, analyse networks, institutional fit and gaps.",
    no_args_is_help=True,
)


@app.command()
def check(
    registry: Annotated[Path, typer.Argument(help="Registry YAML file or folder.")],
) -> None:
    """Validate a registry and list all problems (exit code 2 if any)."""
    from cityregions.io.registry_yaml import load_registry_yaml

    reg, problems = load_registry_yaml(registry)
    if problems:
        raise ValidationReport(problems)
    console.print(
        f"[green]ok[/]: {len(reg.actors)} actors, {len(reg.bodies)} bodies, "
        f"{len(reg.memberships)} memberships, {len(reg.rules)} decision rules"
    )


def read_labels(path: Path) -> pd.Series:
    """Read ``unit,region`` labels (:func:`cityregions.io.tables.read_labels`).

    An empty region marks a unit outside every region (NaN).
    """
    from cityregions.io.tables import read_labels as read

    return read(path)


def _check_labels_cover(labels: pd.Series, unit_ids: Sequence[str], *, source: Path) -> None:
    """Raise an :class:`InputError` naming the labels file if units have no row.

    Labels may name more units than are analysed (``--states`` keeps a subset).
    """
    from cityregions.labels import check_cover

    check_cover(labels, unit_ids, source=str(source), extra=True, what="--units")


def _out_commuter_totals(column: pd.Series, *, source: Path) -> pd.Series:
    """Numbers ≥ 0 (empty cells stay missing: the flows' row total is used there)."""
    import pandas as pd

    values = pd.to_numeric(column, errors="coerce")
    text = column.astype(str).str.strip()
    bad = (values.isna() & column.notna() & ~text.isin(["", "nan", "<NA>"])) | (values < 0)
    if bad.any():
        unit = str(column.index[bad.to_numpy()][0])
        msg = f"out-commuters must be a number >= 0, got {column[unit]!r}"
        raise InputError(msg, source=source, location=f"unit {unit}", field=str(column.name))
    return values.astype(float)


@app.command()
def analyze(
    registry: Annotated[Path, typer.Argument(help="Registry YAML file or folder.")],
    units: Annotated[Path, typer.Option("--units", help="Unit table (CSV, Parquet, GPKG…).")],
    flows: Annotated[Path, typer.Option("--flows", help="Flows (origin,destination,value).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    labels: Annotated[
        Path | None, typer.Option("--labels", help="Functional regions: CSV unit,region.")
    ] = None,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (YYYY: 31 December).")
    ] = "2015-06-30",
    min_flow: Annotated[float, typer.Option(help="Strong tie: at least this many.")] = 1000,
    min_share: Annotated[
        float, typer.Option(help="Strong tie: at least this share of out-commuters.")
    ] = 0.05,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column of --units.")
    ] = None,
    states: Annotated[
        str | None,
        typer.Option(help="Only units of these states (comma-separated keys, e.g. 14,15,16)."),
    ] = None,
    out_commuters: Annotated[
        str | None,
        typer.Option(
            "--out-commuters",
            help="Column of --units with official out-commuter totals (truncated flows).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the brokerage permutation test.")] = 0,
    sum_duplicates: Annotated[
        bool,
        typer.Option(
            "--sum-duplicates",
            help="Sum an origin-destination pair listed on several lines (default: error).",
        ),
    ] = False,
) -> None:
    """Network metrics, institutional fit, governance gaps and exports into OUT."""
    import numpy as np

    from cityregions.governance.analysis import analyze_governance, check_inputs_known
    from cityregions.governance.fit import check_tie_thresholds
    from cityregions.io.registry_yaml import read_registry
    from cityregions.io.result_tables import write_governance
    from cityregions.io.tables import read_flows, read_units
    from cityregions.registry import parse_as_of

    day = parse_as_of(as_of, field="--as-of")  # checked before reading anything large
    check_tie_thresholds(min_flow=min_flow, min_share=min_share)
    check_output_folder(out, option="--out")
    reg = read_registry(registry)
    territory = read_units(units, id_column=id_column)
    flow_table = read_flows(flows, units=territory, sum_duplicates=sum_duplicates)
    check_inputs_known(reg, territory)
    if states is not None:
        wanted = {s.strip() for s in states.split(",") if s.strip()}
        keep = [u for u in territory.ids if str(territory.units.at[u, "state"]) in wanted]
        if not keep:
            msg = f"no unit has a state in {sorted(wanted)}"
            raise InputError(msg, source=units, field="state")
        territory, flow_table = territory.subset(keep), flow_table.subset(keep)
    label_series = None
    if labels is not None:
        label_series = read_labels(labels)
        _check_labels_cover(label_series, territory.ids, source=labels)
    totals = None
    if out_commuters is not None:
        if out_commuters not in territory.units.columns:
            msg = f"no column '{out_commuters}' in the units"
            raise InputError(msg, source=units, field=out_commuters)
        totals = _out_commuter_totals(territory.units[out_commuters], source=units)
    result = analyze_governance(
        reg,
        flow_table,
        territory=territory,
        labels=label_series,
        as_of=day,
        min_flow=min_flow,
        min_share=min_share,
        out_commuters=totals,
        rng=np.random.default_rng(seed),
        check_units_known=False,
    )
    with staged_folder(out, option="--out") as stage:  # all files or none
        files = [out / path.relative_to(stage) for path in write_governance(result, stage)]
    summary = result.summary()
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {warning}")
    console.print(
        f"as of {summary['as_of']}: {summary['actors']} actors, {summary['bodies']} bodies, "
        f"{summary['areas']} cooperation areas; {summary['strong_ties']} strong ties, "
        f"{summary['gaps']} gaps ({summary['cross_state_gaps']} across a state border)"
    )
    console.print(f"{len(files)} files written to [bold]{out}[/]")
