"""``cityregions partnership``: voting power of a body and comparison of partnership designs.

* ``cityregions partnership power --weights W.csv --quota Q [--index banzhaf|shapley|all]
  [--strict] --out F`` — indices of a weighted body (CSV with columns ``member,weight``).
  ``Q`` is an absolute quota (``12``) or a share of the total weight (``50%``,
  ``66.7%``); ``--more-than`` asks for strictly more than ``Q``.
* ``cityregions partnership compare SCENARIO... --out DIR`` — evaluate scenario files
  side by side (``members.csv``, ``blocs.csv``, ``summary.csv``, ``wide.csv``).

Nothing is written unless every input is valid; errors exit with code 2.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cityregions._errors import InputError

if TYPE_CHECKING:
    import pandas as pd

console = Console(stderr=True)

app = typer.Typer(
    help="Voting power of weighted bodies and two-stage partnership scenarios.",
    no_args_is_help=True,
)


class Index(StrEnum):
    """Which indices to compute."""

    banzhaf = "banzhaf"
    shapley = "shapley"
    all = "all"


def read_weights(path: Path) -> pd.Series:
    """Read ``member,weight`` from a table (CSV/TSV, Excel, Parquet), checking every row.

    The file is read by the shared reader (:func:`cityregions.io._text.read_frame`):
    the separator is sniffed, a ``;``-separated table may use decimal commas, column
    names are matched in any case.

    Raises
    ------
    InputError
        A missing or empty file, missing columns, an empty member, a member listed
        twice, a non-numeric or negative weight — naming the line and the member.
    """
    import pandas as pd

    from cityregions.io._text import find_column, german_numbers, read_frame, uses_decimal_comma

    table = read_frame(path)
    columns = {}
    for needed in ("member", "weight"):
        found = find_column(list(table.columns), [needed])
        if found is None:
            msg = f"column '{needed}' is missing (found: {', '.join(map(str, table.columns))})"
            raise InputError(msg, source=path, field=needed)
        columns[needed] = found
    values = table[columns["weight"]]
    if uses_decimal_comma(table, columns["weight"]):
        values = german_numbers(values)
    seen: dict[str, int] = {}
    weights: dict[str, float] = {}
    for row, member, value in zip(table.index, table[columns["member"]], values, strict=True):
        member = "" if pd.isna(member) else str(member).strip()
        if not member:
            msg = "empty member name"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        if member in seen:
            msg = f"member '{member}' is listed twice (first on line {seen[member]})"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        seen[member] = row
        weights[member] = _weight(value, member, source=path, line=row)
    return pd.Series(weights, dtype=object)


def _weight(value: object, member: str, *, source: Path, line: int) -> float:
    """One weight: a finite number ≥ 0 (an integer when written without a point)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    from cityregions._numbers import EXPECTED, parse_number

    text = text.strip()
    try:
        number = parse_number(text)
    except ValueError:
        msg = f"weight of member '{member}' is not a number: {text!r}; expected {EXPECTED}"
        raise InputError(msg, source=source, location=f"line {line}", field="weight") from None
    if not math.isfinite(number) or number < 0:
        msg = f"weight of member '{member}' must be a finite number ≥ 0, got {text}"
        raise InputError(msg, source=source, location=f"line {line}", field="weight")
    return int(number) if number.is_integer() and "." not in text else number


def parse_quota(text: str, total: float) -> tuple[float | None, float | None]:
    """Read ``--quota``: an absolute number (``12``) or a share of the total (``50%``).

    Returns ``(quota, None)`` or ``(None, share)``.

    Raises
    ------
    InputError
        Not a number or percentage; a percentage outside (0, 100]; a plain number
        below 1 while the weights add up to more than 1 (``0.5`` is almost always
        meant as ``50%``, which must be written with the percent sign).
    """
    from cityregions._numbers import parse_number

    raw = text.strip()
    try:  # finite ASCII decimals only: not inf, nan, 1e400, 1_000 or ١٢
        if raw.endswith("%"):
            share = parse_number(raw[:-1]) / 100
            if not 0 < share <= 1:
                raise ValueError
            return None, share
        quota = parse_number(raw)
        if not quota > 0:
            raise ValueError
    except ValueError:
        msg = f"quota {text!r} is neither a positive number nor a percentage in (0, 100] %"
        raise InputError(msg, field="quota") from None
    if 0 < quota < 1 < total:
        msg = (
            f"quota {text} is an absolute number of votes but below 1 (the weights add up "
            f"to {total:g}); for a share of the total write it with a percent sign, e.g. "
            f"'{quota * 100:g}%'"
        )
        raise InputError(msg, field="quota")
    return quota, None


@app.command()
def power(
    weights: Annotated[Path, typer.Option("--weights", help="CSV with columns member,weight.")],
    quota: Annotated[str, typer.Option("--quota", help="Absolute quota (12) or share (50%).")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV.")],
    index: Annotated[
        Index, typer.Option("--index", help="banzhaf skips Shapley–Shubik (column left empty).")
    ] = Index.all,
    more_than: Annotated[
        bool, typer.Option("--more-than", help="A coalition needs strictly more than Q.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Error (not warning) on an improper quota.")
    ] = False,
    method: Annotated[
        str, typer.Option("--method", help="auto, exact, enumerate or montecarlo.")
    ] = "auto",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples.")] = 200_000,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed.")] = 0,
) -> None:
    """Banzhaf (absolute, normalised), Shapley–Shubik and Coleman indices of a body."""
    import numpy as np

    from cityregions.cli._options import check_count
    from cityregions.io._atomic import atomic_path, check_distinct, check_output_file
    from cityregions.partnership.voting import voting_power, weighted_game

    check_count(samples, option="--samples")

    check_distinct([check_output_file(out, option="--out")], [weights])
    values = read_weights(weights)
    absolute, share = parse_quota(quota, float(sum(float(v) for v in values)))
    game = weighted_game(
        values, absolute, share=share, more_than=more_than, strict=strict, source=str(weights)
    )
    result = voting_power(
        game,
        method=method,  # type: ignore[arg-type]
        shapley=index != Index.banzhaf,
        samples=samples,
        rng=np.random.default_rng(seed),
    )
    frame = result.to_frame()
    frame.insert(0, "weight", [float(v) for v in values])
    with atomic_path(out) as tmp:
        frame.reset_index().to_csv(tmp, index=False, float_format="%.12g")
    act = float(result.coleman_act)
    console.print(
        f"{game.n} members, game {game if game.n <= 12 else '(large)'}, method {result.method}; "
        f"power to act A = {act:.6g}"
        + (f"; dummies: {', '.join(result.dummies)}" if result.exact and result.dummies else "")
        + (f"; error bound ±{result.error_bound:.4g}" if result.error_bound else "")
    )
    console.print(f"written to [bold]{out}[/]")


@app.command()
def compare(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    scenarios: Annotated[
        list[Path] | None, typer.Argument(help="Scenario files (YAML or TOML).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Error (not warning) on an improper quota.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed for Monte Carlo parts.")] = 0,
) -> None:
    """Evaluate partnership scenarios side by side."""
    import numpy as np

    from cityregions.io._atomic import check_output_folder, staged_folder
    from cityregions.io.result_tables import write_comparison
    from cityregions.io.scenario_files import read_scenario
    from cityregions.partnership.compare import compare_scenarios

    if not scenarios:
        msg = "give at least one scenario file (YAML or TOML)"
        raise InputError(msg, field="SCENARIO")
    check_output_folder(out, option="--out")
    loaded = [read_scenario(path) for path in scenarios]
    comparison = compare_scenarios(loaded, strict=strict, rng=np.random.default_rng(seed))
    with staged_folder(out, option="--out") as stage:  # all files or none
        files = [out / path.relative_to(stage) for path in write_comparison(comparison, stage)]
    for row in comparison.summary.itertuples():
        console.print(
            f"{row.scenario}: {row.members} members in {row.blocs} blocs, "
            f"power to act {row.coleman_act:.3f}, per-inhabitant spread "
            f"{row.per_inhabitant_spread:.2f}"
        )
    console.print(f"{len(files)} files written to [bold]{out}[/]")
