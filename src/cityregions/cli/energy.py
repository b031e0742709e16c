"""``cityregions energy``: bioenergy potential, balance, logistics, uncertainty, inputs.

* ``cityregions energy potential --inputs U.csv [--coefficients F] --out F.csv`` — long
  table unit × feedstock × potential_level (+ ``feedstock = total``) with what the
  plants in operation use and the supply for new uses.
* ``cityregions energy balance --inputs U.csv [--labels L.csv] --out DIR`` — balance per
  unit and per city region, one carrier at a time (electricity, heat, biomethane).
* ``cityregions energy allocate --inputs U.csv --units SEATS [--sites S.csv] [--labels
  L.csv] --out DIR`` — feedstock logistics in tonnes: flows, conversion sites, cost per
  MWh, greenhouse gases, cost-supply curve.
* ``cityregions energy uncertainty --inputs U.csv (--region IDS | --labels L.csv --focus
  ID) [--samples N] [--seed S] --out DIR`` — tornado and Monte Carlo of a region's
  potential.
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

    from cityregions.energy.analysis import EnergyAnalysis

console = Console(stderr=True)

app = typer.Typer(
    help="Bioenergy: potential and current use, balance per carrier, feedstock logistics, "
    "uncertainty.",
    no_args_is_help=True,
)

InputsOption = Annotated[
    Path, typer.Option("--inputs", help="Per-unit inputs CSV (see docs/energy.md).")
]
CoefficientsOption = Annotated[
    Path | None, typer.Option("--coefficients", help="TOML file overriding coefficients.")
]
LabelsOption = Annotated[
    Path | None,
    typer.Option("--labels", help="City regions: CSV unit,region with a row for every unit."),
]
CarrierOption = Annotated[
    str,
    typer.Option(
        "--carrier", help="Headline carrier: electricity, heat or biomethane (all are written)."
    ),
]
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
BiogasPathOption = Annotated[
    str, typer.Option("--biogas-path", help="biogas_chp (CHP at the digester) or biomethane.")
]
SolidPathOption = Annotated[
    str, typer.Option("--solid-path", help="boiler (heat only) or solid_chp for straw and wood.")
]
CoresOption = Annotated[str | None, typer.Option("--cores", help="Comma-separated core unit ids.")]
FocusOption = Annotated[
    str | None,
    typer.Option(
        "--focus",
        help="A unit whose region gets the cost-supply curve (default: the most populous unit).",
    ),
]


def _cover(value: str) -> float | str:
    from cityregions._numbers import parse_number

    if value in ("overall", "regional"):
        return value
    try:  # finite ASCII decimals only (float() also reads nan, inf, 1_0 and ٠.٥)
        return parse_number(value)
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


def _read_csv(
    path: Path, *, what: str, text: tuple[str, ...], numbers: tuple[str, ...]
) -> pd.DataFrame:
    """Read a CSV as the table readers do; a missing, empty or malformed file is an error.

    The text is checked whole (encoding, control characters such as a NUL byte, no line
    with more fields than the header: a delimiter at the end of the first row used to
    shift every column). ``numbers`` (those present) must hold finite ASCII decimals
    (:func:`cityregions.io._text.check_numbers`: no ``inf``, ``1e400``, ``1_000``);
    ``text`` columns stay text; other columns become numbers where every cell is one.
    """
    import pandas as pd

    from cityregions.io._text import check_numbers, read_frame

    if not path.is_file():
        msg = f"{what} not found"
        raise InputError(msg, source=path)
    if not path.read_bytes().strip():
        msg = f"{what} is empty; expected a CSV with a header line"
        raise InputError(msg, source=path)
    frame = read_frame(path, sep=",")
    for column in frame.columns:
        if column in numbers:
            check_numbers(frame[column], where=path, field=column)
            frame[column] = pd.to_numeric(frame[column]).astype(float)
        elif column not in text:
            converted = pd.to_numeric(frame[column], errors="coerce")
            if converted.notna().sum() == frame[column].notna().sum():
                frame[column] = converted
    return frame.reset_index(drop=True)


def _write(analysis: EnergyAnalysis, out: Path, names: tuple[str, ...]) -> None:
    """Write the named tables of ``analysis`` into ``out``, all or nothing."""
    from cityregions.io.energy_results import energy_tables
    from cityregions.io.tables import write_table

    tables = energy_tables(analysis)
    chosen = [name for name in names if name in tables]
    with atomic_paths(*(out / name for name in chosen)) as temporary:
        for tmp, name in zip(temporary, chosen, strict=True):
            frame, index = tables[name]
            write_table(frame, tmp, index=index)


@app.command()
def potential(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output CSV (long table).")],
    coefficients: CoefficientsOption = None,
    biogas_path: BiogasPathOption = "biogas_chp",
    solid_path: SolidPathOption = "boiler",
    full_load_hours: Annotated[
        list[float] | None,
        typer.Option("--full-load-hours", help="Full-load hours for capacity (repeatable)."),
    ] = None,
    feedstock: Annotated[
        list[str] | None, typer.Option("--feedstock", help="Only these feedstocks (repeatable).")
    ] = None,
) -> None:
    """Potential per unit, feedstock and level (MWh/a fuel, power, heat, gas) and its use."""
    from cityregions.energy.potential import biomass_potential
    from cityregions.io.tables import write_table

    check_output_file(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    long = biomass_potential(
        table,
        coefficient_set,
        biogas_path=biogas_path,
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
        f"{totals['fuel_mwh'].sum() / 1000:,.1f} GWh/a fuel, of which "
        f"{totals['unused_fuel_mwh'].sum() / 1000:,.1f} GWh/a not yet used{gap}"
    )


@app.command()
def balance(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    labels: LabelsOption = None,
    cores: CoresOption = None,
    coefficients: CoefficientsOption = None,
    potential_level: PotentialLevelOption = "sustainable",
    carrier: CarrierOption = "heat",
    cover_share: CoverOption = "1",
    biogas_path: BiogasPathOption = "biogas_chp",
    solid_path: SolidPathOption = "boiler",
) -> None:
    """Balance per unit and city region, one carrier at a time: core deficit, ring surplus."""
    from cityregions.energy.analysis import run_energy

    check_output_folder(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    analysis = run_energy(
        table,
        coefficients=coefficient_set,
        labels=_labels(labels, table.index),
        cores=cores.split(",") if cores else None,
        potential_level=potential_level,
        carrier=carrier,
        cover_share=_cover(cover_share),
        biogas_path=biogas_path,
        solid_path=solid_path,
    )
    _write(
        analysis,
        out,
        (
            "balance_units.csv",
            "balance_regions.csv",
            "carrier_units.csv",
            "carrier_regions.csv",
            "supply.csv",
            "current_use.csv",
            "demand.csv",
        ),
    )
    console.print(
        f"[green]wrote[/] {out}: {len(table)} units, "
        f"{analysis.summary['regions']} regions, carriers electricity, heat, biomethane"
    )


@app.command()
def allocate(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    units: Annotated[
        Path | None,
        typer.Option(
            "--units",
            help="Unit seats and areas: table with unit, lon, lat[, area_km2] "
            "(default: lon/lat of the inputs).",
        ),
    ] = None,
    sites: Annotated[
        Path | None,
        typer.Option(
            "--sites",
            help="Candidate conversion sites: site, unit, lon, lat"
            "[, capacity_mwh] (default: every unit's seat).",
        ),
    ] = None,
    labels: LabelsOption = None,
    cores: CoresOption = None,
    coefficients: CoefficientsOption = None,
    potential_level: PotentialLevelOption = "sustainable",
    cover_share: CoverOption = "overall",
    biogas_path: BiogasPathOption = "biogas_chp",
    solid_path: SolidPathOption = "boiler",
    focus: FocusOption = None,
) -> None:
    """Feedstock logistics: tonnes to conversion sites, energy per carrier, cost, CO2."""
    from cityregions.energy.analysis import run_energy
    from cityregions.io.energy_inputs import read_sites

    check_output_folder(out, option="--out")
    table, coefficient_set = _load(inputs, coefficients)
    seats = _seats(units, table, source=units or inputs)
    analysis = run_energy(
        table,
        coefficients=coefficient_set,
        labels=_labels(labels, table.index),
        seats=seats,
        sites=read_sites(sites, units=list(table.index)) if sites is not None else None,
        cores=cores.split(",") if cores else None,
        potential_level=potential_level,
        cover_share=_cover(cover_share),
        biogas_path=biogas_path,
        solid_path=solid_path,
        focus=focus,
    )
    _write(
        analysis,
        out,
        (
            "allocation_flows.csv",
            "allocation_sites.csv",
            "allocation_unallocated.csv",
            "cost_supply.csv",
            "balance_units.csv",
            "summary.csv",
        ),
    )
    moved = analysis.allocation_summary
    console.print(
        f"[green]wrote[/] {out}: {moved['tonnes_hauled'] / 1000:,.0f} kt of feedstock to "
        f"{len(analysis.allocation_sites)} sites ({moved['share_allocated']:.0%} of the fuel "
        f"available), {moved['electricity_mwh'] / 1000:,.0f} GWh/a electricity, "
        f"{moved['heat_used_mwh'] / 1000:,.0f} GWh/a heat used, "
        f"{moved['biomethane_mwh'] / 1000:,.0f} GWh/a biomethane; transport "
        f"{moved['transport_eur'] / 1e6:,.1f} M EUR/a; fossil emissions avoided "
        f"{moved['ghg_fossil_avoided_t'] / 1000:,.0f} kt CO2eq/a"
    )


@app.command()
def uncertainty(
    inputs: InputsOption,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    region: Annotated[
        str | None,
        typer.Option("--region", help="Comma-separated unit ids of the region."),
    ] = None,
    labels: LabelsOption = None,
    focus: FocusOption = None,
    coefficients: CoefficientsOption = None,
    samples: Annotated[
        int, typer.Option("--samples", help="Monte Carlo draws (at least 100).")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 0,
) -> None:
    """Tornado (one at a time) and Monte Carlo of a region's sustainable potential."""
    import numpy as np
    import pandas as pd

    from cityregions.energy.analysis import run_energy

    check_output_folder(out, option="--out")
    if samples < 100:
        msg = f"expected at least 100 Monte Carlo draws, got {samples}"
        raise InputError(msg, field="--samples")
    if region is not None and (labels is not None or focus is not None):
        msg = "give either --region or --labels with --focus, not both"
        raise InputError(msg, field="--region")
    table, coefficient_set = _load(inputs, coefficients)
    chosen = _labels(labels, table.index)
    if region is not None:
        members = [u.strip() for u in region.split(",") if u.strip()]
        unknown = [u for u in members if u not in table.index]
        if not members or unknown:
            msg = f"unit(s) {unknown[:5] or members} are not units of --inputs"
            raise InputError(msg, field="--region")
        chosen = pd.Series({u: ("region" if u in members else None) for u in table.index})
        focus = members[0]
    analysis = run_energy(
        table,
        coefficients=coefficient_set,
        labels=chosen,
        focus=focus,
        samples=samples,
        rng=np.random.default_rng(seed),
    )
    _write(analysis, out, ("tornado.csv", "monte_carlo.csv", "summary.csv"))
    mc = analysis.monte_carlo
    console.print(
        f"[green]wrote[/] {out}: sustainable potential of the region "
        f"{mc['base_mwh'] / 1000:,.0f} GWh/a with every default; Monte Carlo median "
        f"{mc['median_mwh'] / 1000:,.0f} GWh/a, 5-95 % {mc['p05_mwh'] / 1000:,.0f}-"
        f"{mc['p95_mwh'] / 1000:,.0f} GWh/a ({samples} draws, seed {seed}); largest swing: "
        f"{analysis.tornado.index[0]}"
    )


def _seats(units: Path | None, inputs: pd.DataFrame, *, source: Path) -> pd.DataFrame:
    """Seats (lon, lat) and areas of the units of ``inputs``, from ``--units`` or the inputs."""
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
    chosen = territory.subset(list(inputs.index)).units
    territory.seat_distances_km()  # refuses missing coordinates, naming the unit
    return chosen[[c for c in ("lon", "lat", "area_km2") if c in chosen]]


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
        Path | None,
        typer.Option("--cattle", help="41312-01-01-4 (dairy_cows, other_cattle)."),
    ] = None,
    livestock: Annotated[
        Path | None,
        typer.Option("--livestock", help="41141-03-02-4 (fattening_pigs, poultry, horses)."),
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
        (cattle, ["dairy_cows", "cattle_total"]),
        (livestock, ["fattening_pigs", "poultry", "horses"]),
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
    named = [c for c in files if c != "cattle_total"]
    replaced = ", ".join([*named, "other_cattle"] if "cattle_total" in files else named)
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
    from cityregions.energy.inputs import NUMERIC

    frame = _read_csv(path, what="base inputs file", text=("unit",), numbers=tuple(NUMERIC))
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
    proxies = dict(DEFAULT_PROXIES)
    for item in proxy or []:
        column, _, proxy_column = item.partition("=")
        if column not in proxies or not proxy_column:
            msg = f"expected column=proxy with column in {sorted(proxies)}, got {item!r}"
            raise InputError(msg, field="--proxy")
        proxies[column] = proxy_column
    table = _read_csv(municipalities, what="municipality table", text=("unit", "parent"),
                      numbers=("population", *sorted(set(proxies.values()))))  # fmt: skip
    for column in ("unit", "parent", "population"):
        if column not in table.columns:
            msg = f"missing column '{column}' (need unit, parent, population and proxies)"
            raise InputError(msg, source=municipalities, field=column)
    split = disaggregate_inputs(
        districts, table.set_index("unit"), proxies=proxies, source=str(municipalities)
    )
    checked = split.reset_index()
    validate_energy_inputs(checked, source=str(out))
    write_table(checked, out, index=False)
    console.print(
        f"[green]wrote[/] {out}: {len(split)} municipalities from {len(districts)} districts"
    )
