"""``cityregions energy``: bioenergy potential, balance, allocation and GENESIS inputs.

* ``cityregions energy potential --inputs U.csv [--coefficients F] [--scenario S]
  --out F.csv`` — long table unit × feedstock × potential_level (+ ``feedstock =
  total``).
* ``cityregions energy balance --inputs U.csv [--labels L.csv] --out DIR`` — balance per
  unit and per city region.
* ``cityregions energy allocate --inputs U.csv [--units SEATS] [--labels L.csv] --out
  DIR`` — transport of rural surpluses to urban deficits.
* ``cityregions energy inputs --base U.csv|bundled --cattle F.csv … --out U.csv`` —
  build or update the per-unit inputs from GENESIS / Regionalstatistik exports.
* ``cityregions energy disaggregate --inputs DISTRICTS.csv --municipalities M.csv --out
  U.csv`` — split district inputs to municipalities by proxies that conserve totals.

Everything is computed before anything is written; on bad input the command ends with one
message naming file, row and column (exit code 2) and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cityregions._errors import InputError
from cityregions.io._atomic import atomic_paths, check_output_file, check_output_folder

if TYPE_CHECKING:
    import pandas as pd

console = Console(stderr=True)

app = typer.Typer(
    help="Bioenergy: potential per unit, balance per city region, rural-urban allocation.",
    no_args_is_help=True,
)

InputsOption = Annotated[
    Path, typer.Option("--inputs", help="Per-unit inputs CSV (see docs/energy.md).")
]
CoefficientsOption = Annotated[
    Path | None, typer.Option("--coefficients", help="TOML file overriding coefficients.")
]
ScenarioOption = Annotated[
    str, typer.Option("--scenario", help="Coefficient scenario: low, default or high.")
]
LabelsOption = Annotated[
    Path | None, typer.Option("--labels", help="City regions: CSV unit,region.")
]
CarrierOption = Annotated[str, typer.Option("--carrier", help="heat, electricity or final.")]
CoverOption = Annotated[
    str,
    typer.Option(
        "--cover-share", help="Share of demand biomass is to cover: 0-1, overall or regional."
    ),
]
PotentialLevelOption = Annotated[
    str,
    typer.Option(
        "--potential-level",
        "--level",
        help="Tier of the potential used as supply: theoretical, technical, sustainable "
        "(--level is the old name).",
    ),
]
CoresOption = Annotated[str | None, typer.Option("--cores", help="Comma-separated core unit ids.")]


def _cover(value: str) -> float | str:
    if value in ("overall", "regional"):
        return value
    try:
        return float(value)
    except ValueError:
        msg = f"expected a number in (0, 1], 'overall' or 'regional', got {value!r}"
        raise InputError(msg, field="--cover-share") from None


def _load(inputs: Path, coefficients: Path | None) -> tuple[pd.DataFrame, Any]:
    from cityregions.energy.coefficients import load_coefficients
    from cityregions.io.energy_inputs import read_energy_inputs

    table = read_energy_inputs(inputs)
    coefficient_set = load_coefficients(coefficients)
    _note_estimates(table)
    return table, coefficient_set


def _note_estimates(table: pd.DataFrame) -> None:
    """Say on the console when inputs are estimates (they are labelled in the files too)."""
    from cityregions.energy.potential import inputs_kind

    kinds = inputs_kind(table)
    estimated = int(kinds.str.contains("estimate").sum())
    if estimated:
        console.print(
            f"[yellow]note[/]: the inputs of {estimated} of {len(kinds)} units are "
            "estimates (column inputs_kind); replace them with `cityregions energy inputs`"
        )


def _labels(path: Path | None, units: pd.Index) -> pd.Series | None:
    """Read ``unit,region`` labels: one row for every unit of the inputs, and no other.

    A unit without a row would silently form its own region (and a labels file for
    other units would make every unit one); the check is
    :func:`cityregions.labels.check_cover`, as for ``governance analyze``.
    """
    if path is None:
        return None
    from cityregions.io.tables import read_labels
    from cityregions.labels import check_cover

    labels = read_labels(path)
    if not labels.index.isin(units).any():
        msg = (
            f"no unit of the inputs is labelled (labels name e.g. {list(labels.index[:3])}, "
            f"the inputs {list(units[:3])}); expected unit ids of the inputs file"
        )
        raise InputError(msg, source=path, field="unit")
    check_cover(labels, units, source=str(path), what="the units of --inputs")
    return labels


def _read_csv(path: Path, *, what: str, dtype: dict[str, type]) -> pd.DataFrame:
    """Read a CSV; a missing, empty or malformed file is an :class:`InputError`."""
    import pandas as pd

    if not path.is_file():
        msg = f"{what} not found"
        raise InputError(msg, source=path)
    try:
        return pd.read_csv(path, dtype=dtype)
    except pd.errors.EmptyDataError as error:
        msg = f"{what} is empty; expected a CSV with a header line"
        raise InputError(msg, source=path) from error
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        msg = f"cannot read the {what}: {error}"
        raise InputError(msg, source=path) from error


@app.command()
def potential(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output CSV (long table).")],
    coefficients: CoefficientsOption = None,
    scenario: ScenarioOption = "default",
    solid_path: Annotated[
        str, typer.Option("--solid-path", help="boiler (heat only) or chp for straw and wood.")
    ] = "boiler",
    full_load_hours: Annotated[
        list[float] | None,
        typer.Option("--full-load-hours", help="Full-load hours for capacity (repeatable)."),
    ] = None,
    feedstock: Annotated[
        list[str] | None, typer.Option("--feedstock", help="Only these feedstocks (repeatable).")
    ] = None,
) -> None:
    """Biomass potential per unit, feedstock and potential level (MWh/a fuel, power, heat)."""
    from cityregions.energy.potential import biomass_potential
    from cityregions.io.tables import write_table

    check_output_file(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    long = biomass_potential(
        table,
        coefficient_set,
        scenario=scenario,
        solid_path=solid_path,
        full_load_hours=full_load_hours,
        feedstocks=feedstock,
    )
    write_table(long, out, index=False)
    totals = long[(long["feedstock"] == "total") & (long["potential_level"] == "sustainable")]
    missing = int(totals["fuel_mwh"].isna().sum())
    gap = f"; {missing} unit(s) with missing inputs left out of the sum" if missing else ""
    console.print(
        f"[green]wrote[/] {out}: {len(table)} units, sustainable potential "
        f"{totals['fuel_mwh'].sum() / 1000:,.1f} GWh/a fuel ({scenario}){gap}"
    )


@app.command()
def balance(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    labels: LabelsOption = None,
    cores: CoresOption = None,
    coefficients: CoefficientsOption = None,
    scenario: ScenarioOption = "default",
    potential_level: PotentialLevelOption = "sustainable",
    carrier: CarrierOption = "heat",
    cover_share: CoverOption = "1",
) -> None:
    """Balance per unit and per city region: core deficit, ring surplus, cover shares."""
    from cityregions.energy.analysis import run_energy
    from cityregions.io.tables import write_table

    check_output_folder(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    analysis = run_energy(
        table,
        coefficients=coefficient_set,
        labels=_labels(labels, table.index),
        cores=cores.split(",") if cores else None,
        scenario=scenario,
        potential_level=potential_level,
        carrier=carrier,
        cover_share=_cover(cover_share),
    )
    with atomic_paths(out / "balance_units.csv", out / "balance_regions.csv") as (
        units_tmp,
        regions_tmp,
    ):
        write_table(analysis.balance_units.rename_axis("unit"), units_tmp)
        write_table(analysis.balance_regions, regions_tmp)
    console.print(
        f"[green]wrote[/] {out}: {len(analysis.balance_units)} units, "
        f"{len(analysis.balance_regions)} regions ({carrier})"
    )


@app.command()
def allocate(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    units: Annotated[
        Path | None,
        typer.Option("--units", help="Unit seats: table with unit, lon, lat (default: inputs)."),
    ] = None,
    labels: LabelsOption = None,
    cores: CoresOption = None,
    coefficients: CoefficientsOption = None,
    scenario: ScenarioOption = "default",
    potential_level: PotentialLevelOption = "sustainable",
    carrier: CarrierOption = "heat",
    cover_share: CoverOption = "overall",
    scope: Annotated[
        str, typer.Option("--scope", help="within, across or within_first.")
    ] = "within_first",
    sinks: Annotated[str, typer.Option("--sinks", help="cores or deficits.")] = "cores",
    max_distance_km: Annotated[
        float | None, typer.Option("--max-distance-km", help="Leave out longer arcs.")
    ] = None,
) -> None:
    """Allocate rural surpluses to urban deficits (transport problem, seat distances)."""
    from cityregions.energy.allocation import seat_distance_table
    from cityregions.energy.analysis import run_energy
    from cityregions.io.tables import write_table

    if max_distance_km is not None and not max_distance_km > 0:
        msg = f"--max-distance-km must be more than 0 km, got {max_distance_km}"
        raise InputError(msg, field="--max-distance-km")
    check_output_folder(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    territory = _seats(units, table, source=units or inputs)
    analysis = run_energy(
        table,
        coefficients=coefficient_set,
        labels=_labels(labels, table.index),
        distances_km=seat_distance_table(territory),
        cores=cores.split(",") if cores else None,
        scenario=scenario,
        potential_level=potential_level,
        carrier=carrier,
        cover_share=_cover(cover_share),
        scope=scope,
        sinks=sinks,
        max_distance_km=max_distance_km,
    )
    names = ("flows.csv", "sinks.csv", "suppliers.csv", "balance_units.csv")
    with atomic_paths(*(out / name for name in names)) as temporary:
        flows_tmp, sinks_tmp, suppliers_tmp, units_tmp = temporary
        write_table(analysis.allocation_flows, flows_tmp, index=False)
        write_table(analysis.allocation_sinks.rename_axis("unit"), sinks_tmp)
        write_table(analysis.allocation_suppliers.rename_axis("unit"), suppliers_tmp)
        write_table(analysis.balance_units.rename_axis("unit"), units_tmp)
    summary = analysis.allocation_summary
    share = summary["share_covered"]
    console.print(
        f"[green]wrote[/] {out}: {len(analysis.allocation_flows)} flows, "
        f"{summary['supplied_mwh'] / 1000:,.1f} GWh/a allocated, share of the "
        f"deficits covered {share:.1%}"
        if share == share
        else f"[green]wrote[/] {out}: no deficit to cover"
    )


def _seats(units: Path | None, inputs: pd.DataFrame, *, source: Path) -> Any:
    from cityregions.territory import Territory

    if units is None:
        if not {"lon", "lat"} <= set(inputs.columns):
            msg = "seat coordinates needed: give --units with unit, lon, lat (or lon/lat columns)"
            raise InputError(msg, source=source, field="lon")
        frame = inputs[["lon", "lat"]].reset_index()
    else:
        from cityregions.io.tables import read_units

        frame = read_units(units).units.reset_index()
    territory = Territory.from_frame(frame, source=str(source))
    missing = [u for u in inputs.index if u not in territory.units.index]
    if missing:
        msg = f"no seat for unit(s) {missing[:5]}"
        raise InputError(msg, source=source, field="unit")
    return territory.subset(list(inputs.index))


@app.command("inputs")
def build_inputs(
    out: Annotated[Path, typer.Option("--out", help="Output per-unit inputs CSV.")],
    base: Annotated[
        str | None,
        typer.Option("--base", help="Inputs CSV to update, or 'bundled' for the case estimates."),
    ] = None,
    land_use: Annotated[
        Path | None, typer.Option("--land-use", help="33111-01-02-4 (forest_ha).")
    ] = None,
    holdings: Annotated[
        Path | None,
        typer.Option("--holdings", help="41141-01-01-4 (arable_ha, grassland_ha)."),
    ] = None,
    crops: Annotated[
        Path | None, typer.Option("--crops", help="41141-02-02-4 (cereal_ha).")
    ] = None,
    yields: Annotated[
        Path | None, typer.Option("--yields", help="41241-01-03-4 (cereal yield, dt/ha).")
    ] = None,
    cattle: Annotated[
        Path | None, typer.Option("--cattle", help="41312-01-01-4 (dairy_cows).")
    ] = None,
    livestock: Annotated[
        Path | None, typer.Option("--livestock", help="41141-03-02-4 (fattening_pigs).")
    ] = None,
    population: Annotated[
        Path | None, typer.Option("--population", help="12411-… (population).")
    ] = None,
    year: Annotated[str | None, typer.Option("--year", help="Reference year.")] = None,
) -> None:
    """Build or update the per-unit inputs from GENESIS / Regionalstatistik CSV exports."""
    from cityregions.energy.inputs import validate_energy_inputs
    from cityregions.io.energy_genesis import inputs_from_genesis
    from cityregions.io.tables import write_table

    files: dict[str, Path] = {}
    pairs = [
        (land_use, ["forest_ha"]),
        (holdings, ["arable_ha", "grassland_ha"]),
        (crops, ["cereal_ha"]),
        (yields, ["cereal_yield_t_per_ha"]),
        (cattle, ["dairy_cows"]),
        (livestock, ["fattening_pigs"]),
        (population, ["population"]),
    ]
    for path, columns in pairs:
        for column in columns:
            if path is not None:
                files[column] = path
    if not files:
        msg = "give at least one GENESIS export (--land-use, --holdings, --crops, …)"
        raise InputError(msg, field="--cattle")
    check_output_file(out, option="--out")
    base_table = _base(base)
    table = inputs_from_genesis(files, base=base_table, year=year)
    replaced = ", ".join(files)
    checked = table.reset_index()
    validate_energy_inputs(checked, source=str(out))  # the contract holds before writing
    write_table(checked, out, index=False)
    console.print(f"[green]wrote[/] {out}: {len(table)} units, columns from GENESIS: {replaced}")


def _base(base: str | None) -> pd.DataFrame | None:
    if base is None:
        return None
    if base == "bundled":
        from cityregions.pipeline.case import bundled_case_path

        path = bundled_case_path() / "energy" / "inputs.csv"
    else:
        path = Path(base)
    frame = _read_csv(path, what="base inputs file", dtype={"unit": str})
    if "unit" not in frame.columns:
        msg = f"no column 'unit' with unit ids (columns: {list(frame.columns)})"
        raise InputError(msg, source=path, field="unit")
    return frame.set_index("unit")


@app.command()
def disaggregate(
    inputs: InputsOption,
    municipalities: Annotated[
        Path,
        typer.Option(
            "--municipalities",
            help="CSV: unit, parent (district id), population and the proxy columns.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output per-municipality inputs CSV.")],
    proxy: Annotated[
        list[str] | None,
        typer.Option("--proxy", help="column=proxy_column, e.g. arable_ha=arable_alkis_ha."),
    ] = None,
) -> None:
    """Split district inputs to municipalities in proportion to proxies (totals conserved)."""
    from cityregions.energy.disaggregation import DEFAULT_PROXIES, disaggregate_inputs
    from cityregions.energy.inputs import validate_energy_inputs
    from cityregions.io.energy_inputs import read_energy_inputs
    from cityregions.io.tables import write_table

    check_output_file(out, option="--out")
    districts = read_energy_inputs(inputs)
    table = _read_csv(municipalities, what="municipality table", dtype={"unit": str, "parent": str})
    for column in ("unit", "parent", "population"):
        if column not in table.columns:
            msg = f"missing column '{column}' (need unit, parent, population and proxies)"
            raise InputError(msg, source=municipalities, field=column)
    proxies = dict(DEFAULT_PROXIES)
    for item in proxy or []:
        column, _, proxy_column = item.partition("=")
        if column not in proxies or not proxy_column:
            msg = f"expected column=proxy with column in {sorted(proxies)}, got {item!r}"
            raise InputError(msg, field="--proxy")
        proxies[column] = proxy_column
    split = disaggregate_inputs(
        districts, table.set_index("unit"), proxies=proxies, source=str(municipalities)
    )
    checked = split.reset_index()
    validate_energy_inputs(checked, source=str(out))
    write_table(checked, out, index=False)
    console.print(
        f"[green]wrote[/] {out}: {len(split)} municipalities from {len(districts)} districts"
    )
