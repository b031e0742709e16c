"""``cityregions governance``: check a governance registry and analyse it against flows.

* ``cityregions governance check REGISTRY`` — list every problem of the registry (file,
  line, record id, field, what was expected); exit code 2 if there is any.
* ``cityregions governance analyze REGISTRY --units U --flows F [--labels L]
  [--as-of DATE] [--study-area AREA] --out DIR`` — inside the study area: network
  metrics with their null models, institutional fit, governance gaps, membership over
  time, recommendations and network exports (GEXF, GraphML, UCINET DL, CSV). Nothing is
  written unless all inputs are valid.
* ``cityregions governance recommend REGISTRY --units U --flows F [--totals T]
  [--study-area AREA] --out F.csv`` — the actions that would close the gaps, ranked by the
  strong-tie commuters they would cover (``rank,action,body,units,covered_commuters,
  cross_state,note``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import InputError, ValidationReport
from cityregions.cli._options import SumDuplicatesOption, TotalsOption
from cityregions.io._atomic import check_output_folder, staged_folder

if TYPE_CHECKING:
    import pandas as pd

    from cityregions.flows import FlowTable
    from cityregions.governance.study_area import StudyArea
    from cityregions.registry import Registry
    from cityregions.territory import Territory

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
        f"{len(reg.memberships)} memberships, {len(reg.rules)} decision rules, "
        f"{len(reg.claims)} claims"
    )
    from cityregions.registry import registry_flags

    unspecified = sum(
        r.certainty == "unspecified" for r in [*reg.actors, *reg.bodies, *reg.memberships]
    )
    if unspecified:
        console.print(f"note: {unspecified} records do not state their certainty (unspecified)")
    for flag in registry_flags(reg):
        file, line = reg.origin(flag.record)
        where = f"{file}, line {line}, " if file else ""
        console.print(f"note: {where}record '{flag.record}', field '{flag.field}': {flag.message}")


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


#: Help of --study-area (analyze and recommend).
STUDY_AREA_HELP = (
    "Units to judge: state keys (14,15,16), a unit list (.csv with a unit column, .txt) or "
    "polygons (.gpkg, .geojson, .shp; units whose seat lies inside). Default: the units "
    "covered by the registry's bodies on --as-of."
)


@dataclass
class _Inputs:
    """What analyze and recommend read and check before any work."""

    registry: Registry
    territory: Territory
    flows: FlowTable
    study_area: StudyArea | None
    out_commuters: pd.Series | None


def _read_inputs(
    registry: Path,
    units: Path,
    flows: Path,
    *,
    id_column: str | None,
    totals: Path | None,
    study_area: str | None,
    states: str | None,
    out_commuters: str | None,
    sum_duplicates: bool,
) -> _Inputs:
    from cityregions.cli._inputs import add_totals
    from cityregions.governance.analysis import check_inputs_known
    from cityregions.io.registry_yaml import read_registry
    from cityregions.io.study_area import read_study_area
    from cityregions.io.tables import read_flows, read_units

    if study_area is not None and states is not None:
        msg = "give --study-area or its old form --states, not both"
        raise InputError(msg, field="--states")
    reg = read_registry(registry)
    territory = read_units(units, id_column=id_column)
    flow_table = read_flows(flows, units=territory, sum_duplicates=sum_duplicates)
    flow_table = add_totals(flow_table, totals)
    check_inputs_known(reg, territory)
    spec, option = (study_area, "--study-area") if states is None else (states, "--states")
    area = read_study_area(spec, territory, option=option) if spec is not None else None
    commuters = None
    if out_commuters is not None:
        if out_commuters not in territory.units.columns:
            msg = f"no column '{out_commuters}' in the units"
            raise InputError(msg, source=units, field=out_commuters)
        commuters = _out_commuter_totals(territory.units[out_commuters], source=units)
    return _Inputs(reg, territory, flow_table, area, commuters)


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
    study_area: Annotated[str | None, typer.Option("--study-area", help=STUDY_AREA_HELP)] = None,
    states: Annotated[
        str | None,
        typer.Option(help="Old form of --study-area with state keys (e.g. 14,15,16)."),
    ] = None,
    totals: TotalsOption = None,
    out_commuters: Annotated[
        str | None,
        typer.Option(
            "--out-commuters",
            help="Column of --units with official out-commuter totals (truncated flows).",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of the permutation tests (E-I index, brokerage).")
    ] = 0,
    permutations: Annotated[
        int,
        typer.Option(help="Label permutations of the null models (random mixing)."),
    ] = 999,
    undated: Annotated[
        str,
        typer.Option(
            help="Records that count only by assumption (unknown dates): assume or exclude."
        ),
    ] = "assume",
    sum_duplicates: SumDuplicatesOption = False,
) -> None:
    """Inside the study area: network metrics with null models, fit, gaps, membership over
    time, recommendations and exports into OUT."""
    import numpy as np

    from cityregions.cli._options import check_count
    from cityregions.governance.analysis import analyze_governance
    from cityregions.governance.fit import check_tie_thresholds
    from cityregions.io.result_tables import write_governance
    from cityregions.registry import parse_as_of

    day = parse_as_of(as_of, field="--as-of")  # checked before reading anything large
    check_tie_thresholds(min_flow=min_flow, min_share=min_share)
    check_count(permutations, option="--permutations")
    _check_undated(undated)
    check_output_folder(out, option="--out")
    given = _read_inputs(
        registry,
        units,
        flows,
        id_column=id_column,
        totals=totals,
        study_area=study_area,
        states=states,
        out_commuters=out_commuters,
        sum_duplicates=sum_duplicates,
    )
    label_series = None
    if labels is not None:
        label_series = read_labels(labels)
        judged = given.study_area.units if given.study_area else given.territory.ids
        _check_labels_cover(label_series, list(judged), source=labels)
    result = analyze_governance(
        given.registry,
        given.flows,
        territory=given.territory,
        labels=label_series,
        as_of=day,
        min_flow=min_flow,
        min_share=min_share,
        out_commuters=given.out_commuters,
        n_permutations=permutations,
        rng=np.random.default_rng(seed),
        check_units_known=False,
        study_area=given.study_area,
        undated=undated,  # type: ignore[arg-type]
    )
    with staged_folder(out, option="--out") as stage:  # all files or none
        files = [out / path.relative_to(stage) for path in write_governance(result, stage)]
    from cityregions.geometry import map_labels
    from cityregions.report.governance_view import headline

    units_table = given.territory.units
    # brokers, states and the top action by name, as the report shows them
    summary = headline(
        result.summary(),
        given.registry,
        unit_names=map_labels(units_table) if "name" in units_table else None,
    )
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {warning}")
    console.print(
        f"as of {summary['as_of']}, study area {summary['study_area']} "
        f"({summary['units_in_study_area']} units; {summary['ties_outside_study_area']} "
        f"strong ties outside it left out): {summary['actors']} actors, "
        f"{summary['bodies']} bodies, {summary['areas']} cooperation areas; "
        f"{summary['strong_ties']} strong ties, {summary['gaps']} gaps "
        f"({summary['cross_state_gaps']} across a state border); "
        f"{summary['records_assumed']} records counted by assumption"
    )
    console.print(
        f"significant at {result.alpha:g} against random mixing ({permutations} "
        f"permutations, seed {seed}): brokers {summary['significant_brokers']}; "
        f"openness {summary['openness_vs_random']}"
    )
    console.print(f"strongest action: {summary['top_action']} (recommendations.csv)")
    console.print(f"{len(files)} files written to [bold]{out}[/]")


def _check_undated(undated: str) -> None:
    if undated not in ("assume", "exclude"):
        msg = f"expected assume or exclude, got {undated!r}"
        raise InputError(msg, field="--undated")


@app.command()
def recommend(
    registry: Annotated[Path, typer.Argument(help="Registry YAML file or folder.")],
    units: Annotated[Path, typer.Option("--units", help="Unit table (CSV, Parquet, GPKG…).")],
    flows: Annotated[Path, typer.Option("--flows", help="Flows (origin,destination,value).")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV file.")],
    totals: TotalsOption = None,
    study_area: Annotated[str | None, typer.Option("--study-area", help=STUDY_AREA_HELP)] = None,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Registry date YYYY-MM-DD (YYYY: 31 December).")
    ] = "2015-06-30",
    min_flow: Annotated[float, typer.Option(help="Strong tie: at least this many.")] = 1000,
    min_share: Annotated[
        float, typer.Option(help="Strong tie: at least this share of out-commuters.")
    ] = 0.05,
    body: Annotated[
        list[str] | None,
        typer.Option("--body", help="Only actions with this body (repeatable)."),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Unit id column of --units.")
    ] = None,
    undated: Annotated[
        str,
        typer.Option(
            help="Records that count only by assumption (unknown dates): assume or exclude."
        ),
    ] = "assume",
    sum_duplicates: SumDuplicatesOption = False,
) -> None:
    """Rank the actions that would close the governance gaps into OUT (CSV)."""
    from cityregions.governance.fit import check_tie_thresholds
    from cityregions.io._atomic import check_output_file
    from cityregions.io.result_tables import write_recommendations
    from cityregions.registry import parse_as_of

    day = parse_as_of(as_of, field="--as-of")
    check_tie_thresholds(min_flow=min_flow, min_share=min_share)
    _check_undated(undated)
    check_output_file(out, option="--out")
    given = _read_inputs(
        registry,
        units,
        flows,
        id_column=id_column,
        totals=totals,
        study_area=study_area,
        states=None,
        out_commuters=None,
        sum_duplicates=sum_duplicates,
    )
    table, info = _recommend(given, day, min_flow, min_share, body, undated)
    write_recommendations(table, out)
    for warning in info["warnings"]:
        console.print(f"[yellow]warning[/]: {warning}")
    console.print(
        f"as of {day.isoformat()}, study area {info['study_area']} ({info['units']} units; "
        f"{info['ties_outside']} strong ties outside it left out): {info['gaps']} gaps, "
        f"{len(table)} candidate actions ({info['blocked']} left out for legal limits)"
    )
    from cityregions.geometry import map_labels
    from cityregions.i18n import value_label

    units_table = given.territory.units
    names = map_labels(units_table) if "name" in units_table else {}
    names.update({b.id: b.name for b in given.registry.bodies})
    for _, row in table.head(5).iterrows():
        # bodies ("a+b") or units ("u;v") by name; the CSV keeps the ids
        def named(ids: object) -> str:
            return ", ".join(names.get(i, i) for i in re.split(r"[+;]", str(ids)) if i)

        if row["action"] == "join":
            action = f"{named(row['units'])} joins {named(row['body'])}"
        else:
            action = f"{value_label(row['action'], 'en')}: {named(row['body'] or row['units'])}"
        same = re.search(r"same ties as rank \d+", str(row["note"]))
        console.print(
            f"  {row['rank']}. {action}: {row['covered_commuters']:.0f} commuters"
            + (f" ({same[0]})" if same else "")
        )
    console.print(f"written to [bold]{out}[/]")


def _recommend(
    given: _Inputs,
    day: Any,
    min_flow: float,
    min_share: float,
    body: list[str] | None,
    undated: str,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Recommendations only (no network statistics, no series): the library's steps."""
    from cityregions.governance.analysis import recommend_actions

    return recommend_actions(
        given.registry,
        given.flows,
        territory=given.territory,
        as_of=day,
        min_flow=min_flow,
        min_share=min_share,
        study_area=given.study_area,
        bodies=tuple(body) if body else None,
        undated=undated,  # type: ignore[arg-type]
    )
