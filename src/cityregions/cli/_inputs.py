"""How commands read the inputs that several of them take the same way.

``delineate`` and ``sweep`` both take lists of ids (``--cities``, ``--central-places``),
a workbook sheet (``--sheet``) and flows that must have a diagonal unless
``--allow-no-diagonal`` is given and that take the totals of ``--totals``. The readings
live here, once, so that the commands do not borrow one another's helpers. Heavy
libraries are imported inside the functions: ``--help`` loads none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cityregions._errors import InputError

if TYPE_CHECKING:
    from cityregions.flows import FlowTable


def parse_id_list(text: str | None, *, what: str = "ids") -> list[str] | None:
    """Read comma-separated ids, or ``@file`` (a CSV with a ``unit`` column, or one id a line).

    Parameters
    ----------
    text
        The option's text as given, or None when the option is not given.
    what
        What the ids are (``"cities"``), for messages about an ``@file``.

    Returns
    -------
    list of str or None
        The ids in the order given; None when ``text`` is None.

    Raises
    ------
    InputError
        When the text holds no id, or the ``@file`` cannot be read.

    Examples
    --------
    >>> parse_id_list("14713, 15002,")
    ['14713', '15002']
    >>> parse_id_list(" , ")
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: no ids in ' , '
    """
    if text is None:
        return None
    if text.startswith("@"):
        from cityregions.io.id_lists import read_ids

        return read_ids(Path(text[1:]), what=what)
    items = text.split(",")
    ids = [item.strip() for item in items if item.strip()]
    if not ids:
        msg = f"no ids in {text!r}"
        raise InputError(msg)
    return ids


def parse_sheet(text: str | None) -> str | int | None:
    """Read a sheet name, or a 0-based index given as ASCII digits.

    ``'²'.isdigit()`` is True but ``int('²')`` raises, so only ASCII digits are an index.

    Examples
    --------
    >>> parse_sheet("2"), parse_sheet("²"), parse_sheet("Auspendler Kreise")
    (2, '²', 'Auspendler Kreise')
    """
    return int(text) if text is not None and text.isascii() and text.isdigit() else text


def prepare_flows(
    flows: FlowTable, flows_file: Path, *, totals: Path | None, allow_no_diagonal: bool
) -> FlowTable:
    """Refuse flows without a diagonal (unless allowed); add the totals of ``--totals``.

    Parameters
    ----------
    flows
        The flows as read from ``flows_file``.
    flows_file
        Where the flows come from (named in the message).
    totals
        The ``--totals`` file (``unit,residents,jobs``), or None.
    allow_no_diagonal
        Whether ``--allow-no-diagonal`` was given.

    Returns
    -------
    FlowTable
        ``flows``, with the totals of ``totals`` when given.

    Raises
    ------
    InputError
        When the flows have no diagonal and it is not allowed (field ``diagonal``), or
        the totals cannot be read.
    """
    from cityregions.flows import NO_DIAGONAL_MESSAGE

    if flows.total > 0 and not flows.has_diagonal and not allow_no_diagonal:
        msg = (
            f"{NO_DIAGONAL_MESSAGE}. Add it with `cityregions flows complete` (from the "
            "units' totals), or give --allow-no-diagonal if the flows are meant that way"
        )
        raise InputError(msg, source=flows_file, field="diagonal")
    return add_totals(flows, totals)


def add_totals(flows: FlowTable, totals: Path | None) -> FlowTable:
    """Return ``flows`` with the complete totals of a ``--totals`` file (unchanged if None).

    The file (``unit,residents,jobs``, :func:`~cityregions.io.totals.read_totals`) must
    name the units of the flows; its figures become the flows beyond the table.
    """
    if totals is None:
        return flows
    from cityregions.io.totals import read_totals

    table = read_totals(totals, units=flows.ids)
    return flows.with_totals(table["residents"], table["jobs"], source=str(totals))
