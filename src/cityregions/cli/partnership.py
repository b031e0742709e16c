"""``cityregions partnership``: voting power of a body and comparison of partnership designs.

* ``cityregions partnership power --weights W.csv --quota Q [--index banzhaf|shapley|all]
  [--strict] --out F`` — indices of a weighted body (CSV with columns ``member,weight``).
  ``Q`` is an absolute quota (``12``) or a share of the total weight (``50%``,
  ``66.7%``); ``--more-than`` asks for strictly more than ``Q``.
* ``cityregions partnership compare SCENARIO... --out DIR`` — evaluate scenario files
  side by side (``members.csv``, ``blocs.csv``, ``summary.csv``, ``wide.csv``).
* ``cityregions partnership design --members M.csv --target penrose|proportional|equal|FILE
  --quota-range 50%:75% --out DIR`` — integer weights and a quota whose power shares
  come closest to a target profile.

Nothing is written unless every input is valid; errors exit with code 2.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

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

    See :func:`read_member_column`.
    """
    return read_member_column(path, "weight")


def read_member_column(path: Path, column: str, *, numeric: bool = True) -> pd.Series:
    """Read ``member,<column>`` from a table (CSV/TSV, Excel, Parquet), checking every row.

    The file is read by the shared reader (:func:`cityregions.io._text.read_frame`):
    the separator is sniffed, a ``;``-separated table may use decimal commas, column
    names are matched in any case. With ``numeric`` every value must be a finite number
    ≥ 0 (an integer when written without a point); otherwise a non-empty text.

    Raises
    ------
    InputError
        A missing or empty file, missing columns, an empty member, a member listed
        twice, a bad value — naming the line, the member and the column.
    """
    import pandas as pd

    from cityregions.io._text import find_column, german_numbers, read_frame, uses_decimal_comma

    table = read_frame(path)
    columns = {}
    for needed in ("member", column):
        found = find_column(list(table.columns), [needed])
        if found is None:
            msg = f"column '{needed}' is missing (found: {', '.join(map(str, table.columns))})"
            raise InputError(msg, source=path, field=needed)
        columns[needed] = found
    values = table[columns[column]]
    if numeric and uses_decimal_comma(table, columns[column]):
        values = german_numbers(values)
    seen: dict[str, int] = {}
    out: dict[str, object] = {}
    for row, member, value in zip(table.index, table[columns["member"]], values, strict=True):
        member = "" if pd.isna(member) else str(member).strip()
        if not member:
            msg = "empty member name"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        if member in seen:
            msg = f"member '{member}' is listed twice (first on line {seen[member]})"
            raise InputError(msg, source=path, location=f"line {row}", field="member")
        seen[member] = row
        if numeric:
            out[member] = _weight(value, member, source=path, line=row, column=column)
            continue
        text = "" if pd.isna(value) else str(value).strip()
        if not text:
            msg = f"member '{member}' has an empty {column}"
            raise InputError(msg, source=path, location=f"line {row}", field=column)
        out[member] = text
    return pd.Series(out, dtype=object)


def _weight(
    value: object, member: str, *, source: Path, line: int, column: str = "weight"
) -> float:
    """One value: a finite number ≥ 0 (an integer when written without a point)."""
    from cityregions._numbers import EXPECTED, parse_number

    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.strip()
    try:
        number = parse_number(text)
    except ValueError:
        msg = f"{column} of member '{member}' is not a number: {text!r}; expected {EXPECTED}"
        raise InputError(msg, source=source, location=f"line {line}", field=column) from None
    if not math.isfinite(number) or number < 0:
        msg = f"{column} of member '{member}' must be a finite number ≥ 0, got {text}"
        raise InputError(msg, source=source, location=f"line {line}", field=column)
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
        raise InputError(msg, field="--quota") from None
    if 0 < quota < 1 < total:
        msg = (
            f"quota {text} is an absolute number of votes but below 1 (the weights add up "
            f"to {total:g}); for a share of the total write it with a percent sign, e.g. "
            f"'{quota * 100:g}%'"
        )
        raise InputError(msg, field="--quota")
    return quota, None


def _method(text: str, choices: tuple[str, ...], option: str = "--method") -> str:
    if text not in choices:
        msg = f"{text!r} is not a method; use {', '.join(choices)}"
        raise InputError(msg, field=option)
    return text


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
        str,
        typer.Option(
            "--method",
            help="auto (exact within the budget, else Monte Carlo), exact, dp, gf, "
            "enumerate or montecarlo.",
        ),
    ] = "auto",
    unions: Annotated[
        Path | None,
        typer.Option("--unions", help="CSV member,union: a priori unions (Owen, Banzhaf–Owen)."),
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples.")] = 200_000,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed.")] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run Monte Carlo tasks on Dask: 'local' or a scheduler address "
            "(the dask extra); the estimate is the same as without.",
        ),
    ] = None,
) -> None:
    """Banzhaf (absolute, normalised), Shapley–Shubik and Coleman indices of a body.

    ``auto`` answers every body: each index is exact when the cheaper exact engine's
    estimated time is within the budget (5 s), otherwise a Monte Carlo estimate with
    its 95 % interval (columns ``…_ci_low``, ``…_ci_high``); the column ``method`` names
    how each index was computed. With ``--unions`` the a priori union values follow
    (``union``, ``owen``, ``banzhaf_owen``).
    """
    import numpy as np

    from cityregions.cli._options import check_count
    from cityregions.io._atomic import atomic_path, check_distinct, check_output_file
    from cityregions.partnership.voting import METHODS, union_power, voting_power, weighted_game

    check_count(samples, option="--samples")
    _method(method, METHODS)
    if scheduler is not None:
        from cityregions._distributed import check_scheduler

        scheduler = check_scheduler(scheduler)
    inputs = [weights] + ([unions] if unions is not None else [])
    check_distinct([check_output_file(out, option="--out")], inputs)
    values = read_weights(weights)
    grouping = read_member_column(unions, "union", numeric=False) if unions else None
    absolute, share = parse_quota(quota, float(sum(float(v) for v in values)))
    game = weighted_game(
        values, absolute, share=share, more_than=more_than, strict=strict, source=str(weights)
    )
    rng = np.random.default_rng(seed)
    result = voting_power(
        game,
        method=method,  # type: ignore[arg-type]
        shapley=index != Index.banzhaf,
        samples=samples,
        rng=rng,
        scheduler=scheduler,
    )
    frame = result.to_frame()
    frame.insert(0, "weight", [float(v) for v in values])
    if grouping is not None:
        union_method: Literal["auto", "montecarlo"] = (
            "montecarlo" if method == "montecarlo" else "auto"
        )
        together = union_power(
            game, grouping, method=union_method, samples=samples, rng=rng, source=str(unions)
        )
        frame = frame.join(together.to_frame())
    with atomic_path(out) as tmp:
        frame.reset_index().to_csv(tmp, index=False, float_format="%.12g")
    act = float(result.coleman_act)
    console.print(
        f"{game.n} members, game {game if game.n <= 12 else '(large)'}; "
        f"power to act A = {act:.6g}"
        + (f"; dummies: {', '.join(result.dummies)}" if result.dummies else "")
        + (f"; can block alone: {', '.join(result.vetoers)}" if result.vetoers else "")
    )
    for name, how in result.methods.items():
        console.print(f"{name}: {how}")
    if result.error_bound:
        console.print(
            f"Monte Carlo: each estimate of Banzhaf absolute and Shapley–Shubik within "
            f"±{result.error_bound:.4g} with probability {result.confidence:.0%} "
            "(Hoeffding); per-member intervals in the …_ci columns"
        )
    if grouping is not None:
        console.print(f"a priori unions: {together.method}")
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
            f"{row.scenario}: {row.members} members in {row.blocs} blocs, decision "
            f"{row.decision}, power to act {row.coleman_act:.3f}, per-inhabitant spread "
            f"{row.per_inhabitant_spread:.2f}"
        )
    for note in comparison.notes:
        console.print(f"[dim]note: {note}[/]")
    console.print(f"{len(files)} files written to [bold]{out}[/]")


def parse_quota_range(text: str) -> tuple[float, float]:
    """Read ``--quota-range``: ``LOW:HIGH`` as percentages (``50%:75%``) or shares.

    Examples
    --------
    >>> parse_quota_range("50%:75%")
    (0.5, 0.75)
    """
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        values = [_share(p) for p in parts]
    except ValueError:
        msg = f"quota range {text!r} is not LOW:HIGH such as 50%:75%"
        raise InputError(msg, field="--quota-range") from None
    from cityregions.partnership.design import check_quota_range

    return check_quota_range((values[0], values[1]), field="--quota-range")


def _share(text: str) -> float:
    """A share written as a percentage (``5%``) or a number (``0.05``); ValueError else."""
    from cityregions._numbers import parse_number

    text = text.strip()
    return parse_number(text[:-1]) / 100 if text.endswith("%") else parse_number(text)


def parse_power_floor(text: str) -> float:
    """Read ``--min-power-to-act``: a share in ``[0, 0.5]``, as ``5%`` or ``0.05``
    (the range is :func:`~cityregions.partnership.design.check_power_floor`'s).

    Examples
    --------
    >>> parse_power_floor("5%")
    0.05
    """
    from cityregions._errors import ParameterError
    from cityregions.partnership.design import check_power_floor

    try:
        return check_power_floor(_share(text))
    except ValueError as error:  # not a number, or outside the range (ParameterError)
        why = str(error) if isinstance(error, ParameterError) else "not a number"
        msg = f"{text!r} is not a share of coalitions such as 5% or 0.05: {why}"
        raise InputError(msg, field="--min-power-to-act") from None


@app.command()
def design(
    members: Annotated[
        Path, typer.Option("--members", help="CSV member,population (the members of the body).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            help="penrose (power ∝ √population), proportional, equal, or a CSV "
            "member,target with target shares.",
        ),
    ] = "penrose",
    quota_range: Annotated[
        str, typer.Option("--quota-range", help="Allowed quotas, e.g. 50%:75% of the weight.")
    ] = "50%:75%",
    index: Annotated[
        str, typer.Option("--index", help="Power to match: banzhaf or shapley_shubik.")
    ] = "banzhaf",
    method: Annotated[
        str, typer.Option("--method", help="auto, exact (≤ 8 members) or heuristic.")
    ] = "auto",
    min_power_to_act: Annotated[
        str,
        typer.Option(
            "--min-power-to-act",
            help="Leave out rules under which fewer than this share of all coalitions "
            "win, e.g. 5% (default 0: no floor).",
        ),
    ] = "0",
) -> None:
    """Find integer weights and a quota whose power shares meet a target profile.

    Writes ``design.csv`` (per member: population, target, weight, power, deviation,
    fee_share), ``summary.csv`` (quota, deviations, power to act, the method and what it
    searched, the baseline of weights proportional to the target) and ``notes.txt``.
    """
    from cityregions.io._atomic import check_distinct, check_output_folder, staged_folder
    from cityregions.io.result_tables import write_design
    from cityregions.partnership.design import design_rule

    _method(index, ("banzhaf", "shapley_shubik"), "--index")
    _method(method, ("auto", "exact", "heuristic"))
    bounds = parse_quota_range(quota_range)
    floor = parse_power_floor(min_power_to_act)
    named = target in ("penrose", "proportional", "equal")
    inputs = [members] + ([] if named else [Path(target)])
    check_output_folder(out, option="--out")
    check_distinct([out], inputs)
    population = read_member_column(members, "population").astype(float)
    goal = target if named else read_member_column(Path(target), "target").astype(float)
    result = design_rule(
        population,
        target=goal,  # type: ignore[arg-type]
        quota_range=bounds,
        index=index,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        min_power_to_act=floor,
        source=str(members if named else target),
    )
    with staged_folder(out, option="--out") as stage:  # all files or none
        files = [out / path.relative_to(stage) for path in write_design(result, stage)]
    console.print(
        f"{len(result.members)} members, rule [{result.quota}; "
        f"{', '.join(map(str, result.members['weight']))}] (quota "
        f"{result.quota_share:.1%} of {result.total_weight}); max |power − target| "
        f"{result.max_deviation:.4f}, mean {result.mean_deviation:.4f} (weights ∝ target: "
        f"{result.baseline['max_deviation']:.4f}); power to act {result.power_to_act:.3f}"
    )
    console.print(f"[dim]{result.method}[/]")
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]")
    console.print(f"{len(files)} files written to [bold]{out}[/]")
