"""Checks of command-line option values that typer's conversion lets through.

typer turns ``--min-flow nan``, ``--max-distance-km inf`` or ``--beta 1e400`` into
floats, and ``--seed -1`` or ``--runs 10**30`` into ints, that end in a traceback deep in
numpy or an endless loop. Every command registered in :mod:`cityregions.cli.main` is
wrapped by :func:`guard_command`, which checks the parsed values before the command
runs:

* every float (and every float of a list) is finite and at most
  :data:`cityregions._numbers.MAX_MAGNITUDE` in magnitude;
* every int lies in the range of a 64-bit integer (numpy's);
* a seed (an option named ``seed``) is 0 or more (numpy's generators refuse negative
  seeds).

Before that, the text given for a number option must be a plain ASCII decimal
(:func:`cityregions._numbers.number_problem`, the rule for numbers in files): Python's
``int`` and ``float``, and so typer, also read ``1_000``, ``١٢`` (Arabic-Indic digits)
and ``１２`` (full-width digits), so ``--bootstrap 1_000`` silently meant a thousand
resamples.

Ranges that depend on the meaning of an option (``--samples`` at least 1) are checked
by the command with :func:`check_count`.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cityregions._errors import InputError
from cityregions._numbers import EXPECTED, MAX_MAGNITUDE, number_problem


class MethodName(StrEnum):
    """Delineation methods (``--method`` of delineate and sweep)."""

    lma = "lma"
    fua = "fua"
    bbsr = "bbsr"
    leiden = "leiden"
    infomap = "infomap"


class FlowsProvenanceName(StrEnum):
    """Where flow values come from (``--flows-provenance`` of delineate and sweep)."""

    observed = "observed"
    completed = "completed"
    modeled = "modeled"


#: Options several commands share (one definition, one help text).
TotalsOption = Annotated[
    Path | None,
    typer.Option(
        "--totals",
        help="Complete totals unit,residents,jobs (flows beyond the table included); "
        "self-containment and shares then divide by them.",
    ),
]
SumDuplicatesOption = Annotated[
    bool,
    typer.Option(
        "--sum-duplicates",
        help="Sum an origin-destination pair listed on several lines (default: error).",
    ),
]
AllowNoDiagonalOption = Annotated[
    bool,
    typer.Option(
        "--allow-no-diagonal",
        help="The flows have no internal (diagonal) flows on purpose: delineate anyway.",
    ),
]

#: The range of a 64-bit signed integer (numpy's default integer).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def check_option_values(values: Mapping[str, Any], names: Mapping[str, str]) -> None:
    """Raise naming the first option whose value is not finite, too large or a bad seed.

    Parameters
    ----------
    values
        Parsed values by parameter name (``ctx.params`` of click).
    names
        Parameter name → option as written on the command line (``--min-flow``).

    Raises
    ------
    InputError
        With the option as field.

    Examples
    --------
    >>> check_option_values({"beta": 2.5, "seed": 3}, {"beta": "--beta", "seed": "--seed"})
    >>> check_option_values({"beta": float("inf")}, {"beta": "--beta"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: field '--beta': expected a finite number ..., got inf
    """
    for name, value in values.items():
        option = names.get(name, name)
        for item in value if isinstance(value, list | tuple) else [value]:
            _check_value(item, option=option, seed=name == "seed")


def _check_value(value: object, *, option: str, seed: bool) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) <= MAX_MAGNITUDE):
        msg = f"expected a finite number of at most {MAX_MAGNITUDE:.0e} in magnitude, got {value}"
        raise InputError(msg, field=option)
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            msg = f"expected an integer between {INT64_MIN} and {INT64_MAX}, got {value}"
            raise InputError(msg, field=option)
        if seed and value < 0:
            msg = f"a seed is a whole number of 0 or more, got {value}"
            raise InputError(msg, field=option)


def check_count(value: int | None, *, option: str, minimum: int = 1) -> None:
    """Raise unless ``value`` (a number of runs, samples, …) is at least ``minimum``.

    Examples
    --------
    >>> check_count(5, option="--samples")
    >>> check_count(0, option="--samples")
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: field '--samples': expected a whole number of at least 1, got 0
    """
    if value is not None and value < minimum:
        msg = f"expected a whole number of at least {minimum}, got {value}"
        raise InputError(msg, field=option)


def _shown(param: Any) -> str:
    """How a parameter is written: its longest option (``--max-distance-km``) or NAME."""
    options = [str(o) for o in param.opts if str(o).startswith("-")]
    return max(options, key=len) if options else str(param.name).upper()


def check_number_text(text: object, *, option: str) -> None:
    """Raise unless ``text``, given on the command line for a number, is a plain decimal.

    Values that are not text (defaults) pass; so does text that is a plain decimal.

    Examples
    --------
    >>> check_number_text("1000", option="--bootstrap")
    >>> check_number_text("1_000", option="--bootstrap")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: field '--bootstrap': expected a finite ... got '1_000'
    """
    for item in text if isinstance(text, list | tuple) else [text]:
        if isinstance(item, str) and number_problem(item.strip()) is not None:
            msg = f"expected {EXPECTED}, got {item!r}"
            raise InputError(msg, field=option)


def _is_number(param: Any) -> bool:
    """Whether typer reads ``param`` as an int or a float (also optional or a list)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if annotation is None:
        return False
    kinds = {annotation, *typing.get_args(annotation)}
    for kind in list(kinds):
        kinds.update(typing.get_args(kind))
    return bool(kinds & {int, float})


def _guard_text(param: Any, option: str) -> None:
    """Check the raw text of a number option before typer converts it."""
    process = param.process_value

    def checked(ctx: Any, value: Any) -> Any:
        check_number_text(value, option=option)
        return process(ctx, value)

    param.process_value = checked


def guard_command(command: Any) -> Any:
    """Wrap the callback of ``command`` (and of its subcommands) with the value checks.

    ``command`` is a click command or group as typer builds it; its parameters' names
    and first option strings name the options in messages.
    """
    for sub in getattr(command, "commands", {}).values():
        guard_command(sub)
    callback: Callable[..., Any] | None = getattr(command, "callback", None)
    if callback is None or getattr(callback, "_guarded", False):
        return command
    names = {str(param.name): _shown(param) for param in command.params}
    for param in command.params:
        if _is_number(param):
            _guard_text(param, names[str(param.name)])

    @functools.wraps(callback)
    def checked(*args: Any, **params: Any) -> Any:
        check_option_values(params, names)
        return callback(*args, **params)

    checked._guarded = True  # type: ignore[attr-defined]
    command.callback = checked
    return command
