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

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console

from cityregions._errors import InputError

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
    """Read ``member,weight`` from a CSV file, checking every row.

    Raises
    ------
    InputError
        Missing columns, an empty member, a member listed twice, a non-numeric or
        negative weight — naming the line and the member.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        msg = "the weights file does not exist (expected a CSV with columns member,weight)"
        raise InputError(msg, source=path) from None
    except pd.errors.EmptyDataError:
        msg = "the weights file is empty (expected a CSV with columns member,weight)"
        raise InputError(msg, source=path) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        msg = f"cannot read the weights table: {error}"
        raise InputError(msg, source=path) from None
    columns = {c.strip().lower(): c for c in table.columns}
    for needed in ("member", "weight"):
        if needed not in columns:
            msg = f"column '{needed}' is missing (found: {', '.join(table.columns)})"
            raise InputError(msg, source=path, field=needed)
    members = table[columns["member"]].str.strip()
    values = table[columns["weight"]].str.strip()
    seen: dict[str, int] = {}
    weights: dict[str, float] = {}
    for row, (member, value) in enumerate(zip(members, values, strict=True), start=2):
        if not member:
            msg = "empty member name"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        if member in seen:
            msg = f"member '{member}' is listed twice (first on line {seen[member]})"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        seen[member] = row
        try:
            number = float(value)
        except ValueError:
            msg = f"weight of member '{member}' is not a number: {value!r}"
            raise InputError(msg, source=path, location=f"line {row}", field="weight") from None
        if not np.isfinite(number) or number < 0:
            msg = f"weight of member '{member}' must be a finite number ≥ 0, got {value}"
            raise InputError(msg, source=path, location=f"line {row}", field="weight")
        weights[member] = int(number) if number.is_integer() and "." not in value else number
    if not weights:
        msg = "the weights table has no rows"
        raise InputError(msg, source=path)
    return pd.Series(weights, dtype=object)


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
    raw = text.strip()
    try:
        if raw.endswith("%"):
            share = float(raw[:-1]) / 100
            if not 0 < share <= 1:
                raise ValueError
            return None, share
        quota = float(raw)
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
    from cityregions.governance.voting import voting_power, weighted_game
    from cityregions.io._atomic import atomic_path, check_distinct, check_output_file

    check_distinct([check_output_file(out)], [weights])
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
    from cityregions.governance.partnership import compare_scenarios, write_comparison
    from cityregions.io._atomic import check_output_folder

    if not scenarios:
        msg = "give at least one scenario file (YAML or TOML)"
        raise InputError(msg, field="SCENARIO")
    check_output_folder(out)
    comparison = compare_scenarios(scenarios, strict=strict, rng=np.random.default_rng(seed))
    files = write_comparison(comparison, out)
    for row in comparison.summary.itertuples():
        console.print(
            f"{row.scenario}: {row.members} members in {row.blocs} blocs, "
            f"power to act {row.coleman_act:.3f}, per-inhabitant spread "
            f"{row.per_inhabitant_spread:.2f}"
        )
    console.print(f"{len(files)} files written to [bold]{out}[/]")
