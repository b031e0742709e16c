"""Lists of unit ids in files: FUA cities, BBSR central places (Oberzentren).

A list is either a CSV table with a ``unit`` column (other columns, such as the name,
plan and source of each Oberzentrum in the bundled case's ``central_places.csv``, are
kept for people and ignored here) or plain text with one id per line (blanks and lines
starting with ``#`` are skipped).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "oz.csv").write_text("unit,name\\n14713000,Leipzig\\n15002000,Halle\\n")
>>> read_ids(folder / "oz.csv", what="central places")
['14713000', '15002000']
"""

from __future__ import annotations

import csv
from pathlib import Path

from cityregions._errors import InputError
from cityregions.constants import UNIT
from cityregions.io._text import decode_text


def read_ids(path: Path | str, *, what: str) -> list[str]:
    """Return the unit ids listed in ``path``, in file order.

    Parameters
    ----------
    path
        A ``.csv`` file with a ``unit`` column, or a text file with one id per line.
    what
        What the ids are, for messages ("central places").

    Raises
    ------
    InputError
        Missing file, a CSV without a ``unit`` column, an empty id, an id listed twice
        or no id at all; the message names the file, the line and the field.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"the file of {what} does not exist"
        raise InputError(msg, source=path)
    # UTF-8 (else cp1252), no control character anywhere (a NUL byte, UTF-16)
    text, _ = decode_text(path.read_bytes(), source=path)
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if not rows or UNIT not in rows[0]:
            msg = f"a CSV of {what} needs a column '{UNIT}'"
            raise InputError(msg, source=path, location="line 1", field=UNIT)
        items = [(number, (row[UNIT] or "").strip()) for number, row in enumerate(rows, start=2)]
    else:
        items = [
            (number, line.strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return _checked(items, path, what)


def _checked(items: list[tuple[int, str]], path: Path, what: str) -> list[str]:
    """Ids without gaps or repeats; raise naming the line otherwise."""
    seen: dict[str, int] = {}
    for number, unit in items:
        if not unit:
            msg = f"empty id in the list of {what}"
            raise InputError(msg, source=path, location=f"line {number}", field=UNIT)
        if unit in seen:
            msg = f"{unit} is listed twice (first on line {seen[unit]}) in the {what}"
            raise InputError(msg, source=path, location=f"line {number}", field=UNIT)
        seen[unit] = number
    if not seen:
        msg = f"no ids in the list of {what}"
        raise InputError(msg, source=path, field=UNIT)
    return list(seen)
